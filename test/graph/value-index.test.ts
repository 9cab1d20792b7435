import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Scalar } from '../../src/graph/schema.js';
import { TemporalGraph } from '../../src/graph/temporal-graph.js';
import { orderByTimeThenId, Postings } from '../../src/graph/value-index.js';
import { signIn } from './graph-fixtures.js';

const byTimeThenId = (a: { t: number; id: string }, b: { t: number; id: string }): number => a.t - b.t || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

describe('Postings', () => {
  it('keeps thousands of references added in random order sorted by (time, id), through block splits and drops', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 500 }), { minLength: 1200, maxLength: 3000 }), fc.integer({ min: 0, max: 520 }), fc.integer({ min: -5, max: 505 }), fc.integer({ min: 0, max: 300 }), (times, cut, lo, len) => {
        const p = new Postings<number>();
        const all = times.map((t, k) => ({ t, id: `e${k}`, ref: k }));
        for (const x of all) p.add(x.t, x.id, x.ref);
        const sorted = [...all].sort(byTimeThenId);
        const hi = lo + len;
        const seen: number[] = [];
        p.forEachIn(lo, true, hi, false, (t, id, ref) => seen.push(ref));
        expect(seen).toEqual(sorted.filter((x) => x.t >= lo && x.t < hi).map((x) => x.ref));
        expect(p.countIn(lo, hi)).toBe(sorted.filter((x) => x.t >= lo && x.t <= hi).length);
        expect(p.dropBefore(cut)).toBe(all.filter((x) => x.t < cut).length);
        const rest: number[] = [];
        p.forEachIn(-Infinity, true, Infinity, true, (t, id, ref) => rest.push(ref));
        expect(rest).toEqual(sorted.filter((x) => x.t >= cut).map((x) => x.ref));
        expect(p.size).toBe(rest.length);
      }),
      { numRuns: 25 },
    );
  });
});

describe('TemporalGraph.occurrencesWhere', () => {
  const results = ['0', '50126', '500121', 0, 50126];
  // Users named by UPN or object id, so entity resolution merges nodes (and moves their edges) mid-stream.
  const eventArb = fc.record({ u: fc.nat(5), byOid: fc.boolean(), alias: fc.nat(3), ip: fc.nat(6), time: fc.integer({ min: 0, max: 200 }), r: fc.nat(results.length - 1), app: fc.boolean() });
  const accepts: ((v: Scalar) => boolean)[] = [(v) => v === '50126', (v) => Number(v) === 50126, (v) => v === '0' || v === 0, () => false];

  it('returns what a scan of every edge finds, in (time, event id) order, whether the index was built before, during or after the events (property)', () => {
    fc.assert(
      fc.property(
        fc.array(eventArb, { minLength: 1, maxLength: 150 }),
        // When the index is built: often early, so merges and drops happen to a maintained index.
        fc.oneof(fc.integer({ min: 0, max: 10 }), fc.integer({ min: 0, max: 150 })),
        fc.option(fc.integer({ min: 0, max: 120 })),
        fc.integer({ min: -10, max: 210 }),
        fc.integer({ min: 0, max: 120 }),
        fc.boolean(),
        fc.boolean(),
        (events, built, cut, lo, len, loIn, hiIn) => {
          const g = new TemporalGraph();
          const bounds = { lo, loIn, hi: lo + len, hiIn };
          events.forEach((e, i) => {
            if (i === built) for (const a of accepts) g.occurrencesWhere('SIGNED_IN', 'resultType', a, bounds);
            const upn = `user${e.u}@contoso.com`;
            const oid = `oid-${e.u}`;
            const props: Record<string, Scalar> = { resultType: results[e.r]! };
            if (e.app) props['app'] = 'Azure Portal';
            g.apply(signIn(`e${i}`, e.time, e.byOid ? oid : upn, `10.0.0.${e.ip}`, { aliases: e.byOid || e.alias > 0 ? [] : [oid], props }));
          });
          if (cut !== null) g.removeBefore(cut);
          // The kind's edge list, kept through merges and drops, holds exactly the edges its nodes hold.
          const pair = (e: { from: { key: string }; to: { key: string } }): string => `${e.from.key}>${e.to.key}`;
          const listed = g.edgesOfKind('SIGNED_IN').map(pair);
          const viaNodes = [...g.nodesOfKind('User')].flatMap((u) => g.outEdges(u, 'SIGNED_IN').map(pair));
          expect([...listed].sort()).toEqual([...viaNodes].sort());
          expect(new Set(listed).size).toBe(listed.length);
          for (const accept of accepts) {
            const expected: { t: number; id: string; from: string; to: string }[] = [];
            for (const e of g.edgesOfKind('SIGNED_IN'))
              for (let i = 0; i < e.size; i++) {
                const t = e.time(i);
                const inside = (t > lo || (loIn && t === lo)) && (t < lo + len || (hiIn && t === lo + len));
                if (inside && accept(e.prop(i, 'resultType'))) expected.push({ t, id: e.eventId(i), from: e.from.key, to: e.to.key });
              }
            expected.sort(byTimeThenId);
            const got = g.occurrencesWhere('SIGNED_IN', 'resultType', accept, bounds)!;
            const rows = got.times.map((t, k) => ({ t, id: got.ids[k]!, from: got.edges[k]!.from.key, to: got.edges[k]!.to.key }));
            expect(rows).toEqual(expected);
            // Each reference resolves to a live occurrence of its edge.
            got.edges.forEach((e, k) => expect(e.eventId(e.indexOf(got.times[k]!, got.ids[k]!))).toBe(got.ids[k]));
            expect(g.countWhere('SIGNED_IN', 'resultType', accept, lo, lo + len, 1)).toBe(countIn(g, accept, lo, lo + len));
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('cannot answer for a property the kind lacks, or a test that takes absent values', () => {
    const g = new TemporalGraph();
    g.apply(signIn('e1', 10, 'a@contoso.com', '10.0.0.1'));
    const all = { lo: -Infinity, loIn: true, hi: Infinity, hiIn: true };
    expect(g.occurrencesWhere('SIGNED_IN', 'noSuchProp', () => true, all)).toBeUndefined();
    expect(g.occurrencesWhere('SIGNED_IN', 'app', (v) => v === null || v === 'x', all)).toBeUndefined();
    expect(g.occurrencesWhere('SIGNED_IN', 'resultType', (v) => v === '0', all)?.ids).toEqual(['e1']);
  });
});

/** Occurrences with time in [lo, hi] passing accept, by a scan of every edge. */
function countIn(g: TemporalGraph, accept: (v: Scalar) => boolean, lo: number, hi: number): number {
  let n = 0;
  for (const e of g.edgesOfKind('SIGNED_IN')) for (let i = 0; i < e.size; i++) if (e.time(i) >= lo && e.time(i) <= hi && accept(e.prop(i, 'resultType'))) n++;
  return n;
}

describe('orderByTimeThenId', () => {
  it('orders by time, then id, with packed keys or, for times too wide to pack, a comparator (property)', () => {
    const entry = fc.record({ t: fc.oneof(fc.integer({ min: 0, max: 30 }), fc.constantFrom(1.5, 2 ** 52, -(2 ** 40))), id: fc.constantFrom('a', 'b', 'c', 'e10', 'e2') });
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 200 }), fc.boolean(), (raw, narrow) => {
        const xs = narrow ? raw.map((x) => ({ ...x, t: Math.abs(Math.round(x.t)) % 31 })) : raw;
        const order = [...orderByTimeThenId(xs.map((x) => x.t), xs.map((x) => x.id))];
        const got = order.map((k) => xs[k]!);
        expect(got).toEqual([...xs].sort(byTimeThenId));
        expect([...order].sort((a, b) => a - b)).toEqual(xs.map((_, k) => k));
      }),
      { numRuns: 300 },
    );
  });
});
