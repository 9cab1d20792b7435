import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { edgePropPosition, type Scalar } from '../../src/graph/schema.js';
import { TemporalGraph } from '../../src/graph/temporal-graph.js';
import type { NodeRef } from '../../src/graph/facts.js';
import type { IndexedOccurrences } from '../../src/graph/graph-view.js';
import { KindLog } from '../../src/graph/kind-log.js';
import { ValuePredicate } from '../../src/graph/value-predicate.js';
import { ValueTable } from '../../src/graph/value-table.js';
import { signIn } from './graph-fixtures.js';

const byTimeThenId = (a: { t: number; id: string }, b: { t: number; id: string }): number => a.t - b.t || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** The event ids of occurrences read from a log, from where they are read. */
function idsOf(got: IndexedOccurrences): string[] {
  return got.srcs.map((src, k) => src.eventId(got.pos[k]!));
}

/** A stand-in edge: its occurrences as plain rows of codes; property 1 is stored raw when `raw` says so. */
class FakeEdge {
  /** Node numbers: the user's as given, the IP's always 1. */
  readonly toNo = 1;
  constructor(
    readonly values: ValueTable,
    readonly rows: { t: number; id: string; codes: number[] }[],
    readonly raw: boolean,
    readonly fromNo = 0,
  ) {}
  get size(): number {
    return this.rows.length;
  }
  time(i: number): number {
    return this.rows[i]!.t;
  }
  eventId(i: number): string {
    return this.rows[i]!.id;
  }
  propAt(i: number, p: number): Scalar {
    return this.values.value(this.rows[i]!.codes[p]!);
  }
  codeAt(i: number, p: number): number {
    return p === 1 && this.raw ? -1 : this.rows[i]!.codes[p]!;
  }
}

const VALUES: Scalar[] = ['50126', '0', 'Azure Portal', 'Office 365', null];

describe('KindLog', () => {
  it('keeps thousands of occurrences added in any order in (time, id) order, through block splits, drops, columns turning raw, renumbered codes and merged edges (property)', () => {
    const row = fc.record({ t: fc.integer({ min: 0, max: 400 }), v0: fc.nat(VALUES.length - 1), v1: fc.nat(VALUES.length - 1), raw: fc.boolean() });
    fc.assert(
      fc.property(fc.array(row, { minLength: 1500, maxLength: 3500 }), fc.integer({ min: 0, max: 420 }), fc.integer({ min: -5, max: 405 }), fc.integer({ min: 0, max: 300 }), fc.boolean(), (rows, cut, lo, len, compact) => {
        // Junk values interned before and between the real ones, so that their codes need one, two and four
        // bytes (columns widen as larger codes arrive), and a compaction renumbers every one of them.
        const values = new ValueTable();
        const junk = (n: number): void => {
          for (let k = 0; k < n; k++) values.intern(`junk-${values.size}`);
        };
        junk(1);
        values.intern('50126');
        values.intern('0');
        junk(300);
        values.intern('Azure Portal');
        junk(66_000);
        values.intern('Office 365');
        const all = rows.map((r, k) => {
          const v0 = VALUES[r.v0] ?? null;
          const v1 = VALUES[r.v1] ?? null;
          const e = new FakeEdge(values, [{ t: r.t, id: `e${k}`, codes: [values.intern(v0), values.intern(v1)] }], r.raw && k % 7 === 0);
          return { t: r.t, id: `e${k}`, e, v0, v1 };
        });
        // Added in any order: appends, inserts into earlier blocks, and splits of full ones.
        const log = new KindLog(values, 2);
        for (const x of all) log.add(x.e, 0);
        // Every fifth edge is merged into another: its entries point there.
        const target = new FakeEdge(values, [], false, 7);
        all.forEach((x, k) => {
          if (k % 5 === 0) {
            log.relink(x.e, target);
            x.e = target;
          }
        });
        const accept = new ValuePredicate((v) => v === '50126' || v === null);
        // Asked once before the compaction, so its answers per code are kept: stale unless renumbering invalidates them.
        log.where(0, accept, -Infinity, true, Infinity, true);
        if (compact) {
          const live = new Uint8Array(values.size);
          for (const v of VALUES) live[values.intern(v)] = 1;
          log.remapCodes(values.compact(live));
        }
        log.dropBefore(cut);
        const kept = all.filter((x) => x.t >= cut).sort(byTimeThenId);
        expect(log.size).toBe(kept.length);
        const got = log.where(0, accept, lo, true, lo + len, false);
        const gotIds = idsOf(got);
        const want = kept.filter((x) => x.t >= lo && x.t < lo + len && accept.accept(x.v0));
        expect(gotIds).toEqual(want.map((x) => x.id));
        expect(Array.from(got.times)).toEqual(want.map((x) => x.t));
        const byId = (id: string): (typeof all)[number] => all[Number(id.slice(1))]!;
        got.froms.forEach((from, k) => expect(from).toBe(byId(gotIds[k]!).e.fromNo));
        got.tos.forEach((to, k) => expect(to).toBe(byId(gotIds[k]!).e.toNo));
        // Properties read from the log are the edges' own, coded or raw.
        got.srcs.forEach((src, k) => {
          const x = byId(gotIds[k]!);
          expect(src.propAt(got.pos[k]!, 0)).toBe(x.v0);
          expect(src.propAt(got.pos[k]!, 1)).toBe(x.v1);
          expect(src.time(got.pos[k]!)).toBe(x.t);
        });
        const onRaw = new ValuePredicate((v) => v === 'Office 365');
        expect(idsOf(log.where(1, onRaw, lo, false, lo + len, true))).toEqual(kept.filter((x) => x.t > lo && x.t <= lo + len && onRaw.accept(x.v1)).map((x) => x.id));
        expect(log.countWhere(1, onRaw, lo, lo + len)).toBe(kept.filter((x) => x.t >= lo && x.t <= lo + len && onRaw.accept(x.v1)).length);
        // Counted from block tallies where blocks lie inside the range, and again after the tallied blocks change.
        const count0 = (): number => kept.filter((x) => x.t >= lo && x.t <= lo + len && accept.accept(x.v0)).length;
        expect(log.countWhere(0, accept, lo, lo + len)).toBe(count0());
        expect(log.countWhere(0, accept, -Infinity, Infinity)).toBe(kept.filter((x) => accept.accept(x.v0)).length);
        const late = { t: lo + 1, id: 'late', e: new FakeEdge(values, [{ t: lo + 1, id: 'late', codes: [values.intern('50126'), 0] }], false), v0: '50126', v1: null };
        log.add(late.e, 0);
        kept.push(late);
        expect(log.countWhere(0, accept, lo, lo + len)).toBe(count0());
      }),
      { numRuns: 30 },
    );
  });
});

describe('KindLog late events', () => {
  it('moves the seam entry into the next block instead of halving a full one, so blocks stay full', () => {
    const values = new ValueTable();
    const fail = values.intern('50126');
    const ok = values.intern('0');
    const edge = (t: number, id: string, code: number): FakeEdge => new FakeEdge(values, [{ t, id, codes: [code, 0] }], false);
    const inOrder = new KindLog(values, 2);
    const late = new KindLog(values, 2);
    const rows: { t: number; id: string; code: number }[] = [];
    // 1,500 entries (a third without the property): one full block of 1,024 and one with room. 100 of them
    // arrive late, into the full block.
    for (let k = 0; k < 1500; k++) rows.push({ t: k * 10, id: `e${String(k).padStart(4, '0')}`, code: k % 3 === 0 ? fail : k % 3 === 1 ? ok : 0 });
    const lateOnes = rows.filter((_, k) => k % 10 === 5 && k < 1000);
    for (const r of rows) inOrder.add(edge(r.t, r.id, r.code), 0);
    const accept = new ValuePredicate((v) => v === '50126');
    const before = late.countWhere(0, accept, -Infinity, Infinity);
    expect(before).toBe(0);
    for (const r of rows) if (!lateOnes.includes(r)) late.add(edge(r.t, r.id, r.code), 0);
    // Tallies made now, before the late entries move the seam, must not be read stale after.
    const onTime = rows.filter((r) => !lateOnes.includes(r));
    expect(late.countWhere(0, accept, -Infinity, Infinity)).toBe(onTime.filter((r) => r.code === fail).length);
    for (const r of lateOnes) late.add(edge(r.t, r.id, r.code), 0);
    expect(late.bytes()).toBe(inOrder.bytes());
    const got = late.where(0, new ValuePredicate(() => true), -Infinity, true, Infinity, true);
    expect(idsOf(got)).toEqual(rows.map((r) => r.id));
    expect(got.srcs.map((src, k) => src.propAt(got.pos[k]!, 0))).toEqual(rows.map((r) => values.value(r.code)));
    expect(late.countWhere(0, accept, -Infinity, Infinity)).toBe(rows.filter((r) => r.code === fail).length);
  });
});

describe('TemporalGraph.occurrencesWhere (the kind log)', () => {
  const RESULT_TYPE = edgePropPosition('SIGNED_IN', 'resultType');
  const results = ['0', '50126', '500121', 0, 50126];
  // Users named by UPN or object id, so entity resolution merges nodes (and moves their edges) mid-stream.
  const eventArb = fc.record({ u: fc.nat(5), byOid: fc.boolean(), alias: fc.nat(3), ip: fc.nat(6), time: fc.integer({ min: 0, max: 200 }), r: fc.nat(results.length - 1), app: fc.boolean() });
  const accepts = [(v: Scalar) => v === '50126', (v: Scalar) => Number(v) === 50126, (v: Scalar) => v === '0' || v === 0, () => false].map((fn) => new ValuePredicate(fn));

  it('returns what a scan of every edge finds, in (time, event id) order, whether first asked before, during or after the events (property)', () => {
    fc.assert(
      fc.property(
        fc.array(eventArb, { minLength: 1, maxLength: 150 }),
        // When the log is first asked: often early, so answers and counts kept from then must survive merges and drops.
        fc.oneof(fc.integer({ min: 0, max: 10 }), fc.integer({ min: 0, max: 150 })),
        fc.option(fc.integer({ min: 0, max: 120 })),
        fc.integer({ min: -10, max: 210 }),
        fc.integer({ min: 0, max: 120 }),
        fc.boolean(),
        fc.boolean(),
        (events, built, cut, lo, len, loIn, hiIn) => {
          const g = new TemporalGraph();
          const bounds = { lo, loIn, hi: lo + len, hiIn };
          const seen: NodeRef[] = [];
          events.forEach((e, i) => {
            if (i === built) for (const a of accepts) g.occurrencesWhere('SIGNED_IN', 'resultType', a, bounds);
            const upn = `user${e.u}@contoso.com`;
            const oid = `oid-${e.u}`;
            const props: Record<string, Scalar> = { resultType: results[e.r]! };
            if (e.app) props['app'] = 'Azure Portal';
            for (const o of g.apply(signIn(`e${i}`, e.time, e.byOid ? oid : upn, `10.0.0.${e.ip}`, { aliases: e.byOid || e.alias > 0 ? [] : [oid], props }))) seen.push(o.from, o.to);
          });
          if (cut !== null) g.removeBefore(cut);
          // Node numbers: one per live node, found from the graph's object or a copy of it; a node merged away or
          // dropped has none, and its old number names nothing (numbers are not reused).
          const live = [...g.nodesOfKind('User'), ...g.nodesOfKind('IP')];
          const numbers = live.map((n) => g.nodeNumber(n));
          expect(new Set(numbers).size).toBe(live.length);
          live.forEach((n, k) => {
            expect(numbers[k]).toBeGreaterThanOrEqual(0);
            expect(g.nodeAt(numbers[k]!)).toBe(n);
            expect(g.nodeNumber({ kind: n.kind, key: n.key })).toBe(numbers[k]);
            expect(JSON.stringify(n)).toBe(JSON.stringify({ kind: n.kind, key: n.key }));
          });
          for (const ref of seen) if (!g.hasNode(ref)) expect(g.nodeNumber(ref)).toBe(-1);
          for (let no = 0; no < g.nodeNumberLimit(); no++) if (!numbers.includes(no)) expect(g.nodeAt(no)).toBeUndefined();
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
                if (inside && accept.accept(e.prop(i, 'resultType'))) expected.push({ t, id: e.eventId(i), from: e.from.key, to: e.to.key });
                // Answers read by code (kept from a first ask, before merges, drops and renumbered codes) agree with the test.
                expect(e.passes(i, RESULT_TYPE, accept)).toBe(accept.accept(e.prop(i, 'resultType')));
              }
            expected.sort(byTimeThenId);
            const got = g.occurrencesWhere('SIGNED_IN', 'resultType', accept, bounds)!;
            const ids = idsOf(got);
            const rows = Array.from(got.times, (t, k) => ({ t, id: ids[k]!, from: g.nodeAt(got.froms[k]!)!.key, to: g.nodeAt(got.tos[k]!)!.key }));
            expect(rows).toEqual(expected);
            // Each reference resolves to a live occurrence of its edge, whose properties the log's copy reads alike.
            got.froms.forEach((from, k) => {
              const e = g.edge('SIGNED_IN', g.nodeAt(from)!, g.nodeAt(got.tos[k]!)!)!;
              // The numbers name the edge's own end nodes (after merges too).
              expect([g.nodeNumber(e.from), g.nodeNumber(e.to)]).toEqual([from, got.tos[k]]);
              const i = Array.from({ length: e.size }, (_, j) => j).find((j) => e.eventId(j) === ids[k] && e.time(j) === got.times[k])!;
              expect(i).toBeGreaterThanOrEqual(0);
              for (const prop of ['resultType', 'app', 'ip', 'upn']) expect(got.srcs[k]!.propAt(got.pos[k]!, edgePropPosition('SIGNED_IN', prop))).toBe(e.prop(i, prop));
              expect(got.srcs[k]!.passes(got.pos[k]!, RESULT_TYPE, accept)).toBe(true);
            });
            expect(g.countWhere('SIGNED_IN', 'resultType', accept, lo, lo + len, 1)).toBe(countIn(g, accept.accept, lo, lo + len));
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('cannot answer for a property the kind lacks; answers a test that takes absent values', () => {
    const g = new TemporalGraph();
    g.apply(signIn('e1', 10, 'a@contoso.com', '10.0.0.1'));
    const all = { lo: -Infinity, loIn: true, hi: Infinity, hiIn: true };
    expect(g.occurrencesWhere('SIGNED_IN', 'noSuchProp', new ValuePredicate(() => true), all)).toBeUndefined();
    expect(idsOf(g.occurrencesWhere('SIGNED_IN', 'app', new ValuePredicate((v) => v === null || v === 'x'), all)!)).toEqual(['e1']);
    expect(idsOf(g.occurrencesWhere('SIGNED_IN', 'resultType', new ValuePredicate((v) => v === '0'), all)!)).toEqual(['e1']);
  });
});

/** Occurrences with time in [lo, hi] passing accept, by a scan of every edge. */
function countIn(g: TemporalGraph, accept: (v: Scalar) => boolean, lo: number, hi: number): number {
  let n = 0;
  for (const e of g.edgesOfKind('SIGNED_IN')) for (let i = 0; i < e.size; i++) if (e.time(i) >= lo && e.time(i) <= hi && accept(e.prop(i, 'resultType'))) n++;
  return n;
}
