/**
 * The evaluator's shortcuts (count thresholds via count-window.ts, temporal constraints as time
 * bounds, log scans) may only skip work, never rows: the interval math is checked against a brute-force count, and every detector
 * (plus variants with other window shapes and thresholds) gives the same detections with and
 * without the shortcuts over random tenants, ranges and parameters.
 */
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { builtinDetectorsDir, loadCatalog, loadDetectorDocument, readDocument } from '../../src/detect/catalog.js';
import type { CompiledPattern } from '../../src/detect/compile.js';
import { anchorTimesWithCount, type AnchorWindow, type TimeInterval } from '../../src/detect/count-window.js';
import { runDetector, runRows } from '../../src/detect/batch.js';
import { stableJson, type Detection } from '../../src/detect/detection.js';
import { PreparedPattern } from '../../src/detect/evaluator.js';
import type { Value } from '../../src/detect/expr/ast.js';
import { TemporalGraph } from '../../src/graph/temporal-graph.js';
import { mfaRegistration, signIn } from './facts-builders.js';
import { BASE, tenantArb } from './tenant-arbitrary.js';

const inside = (t: number, x: TimeInterval): boolean => (x.loIn ? t >= x.lo : t > x.lo) && (x.hiIn ? t <= x.hi : t < x.hi);
const within = (x: number, t: number, w: AnchorWindow): boolean => (w.fromIn ? x >= t + w.from : x > t + w.from) && (w.toIn ? x <= t + w.to : x < t + w.to);
const countIn = (times: readonly number[], t: number, w: AnchorWindow): number => times.filter((x) => within(x, t, w)).length;
const distinctIn = (times: readonly number[], keys: readonly (string | null)[], t: number, w: AnchorWindow): number =>
  new Set(times.flatMap((x, i) => (within(x, t, w) && keys[i] !== null ? [keys[i]] : []))).size;

describe('anchorTimesWithCount', () => {
  it('covers every anchor time whose window holds k occurrences (random times, windows, k)', () => {
    const windowArb = fc
      .record({ a: fc.integer({ min: -60, max: 10 }), len: fc.integer({ min: 0, max: 60 }), fromIn: fc.boolean(), toIn: fc.boolean() })
      .map(({ a, len, fromIn, toIn }) => ({ from: a, to: a + len, fromIn, toIn }));
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 100 }), { maxLength: 25 }), fc.integer({ min: 1, max: 5 }), windowArb, (raw, k, w) => {
        const times = [...raw].sort((x, y) => x - y);
        const got = anchorTimesWithCount(Float64Array.from(times), k, w);
        for (let t = -20; t <= 180; t++) {
          if (countIn(times, t, w) >= k) expect(got.some((x) => inside(t, x)), `t=${t}`).toBe(true);
        }
        // In time order and disjoint.
        for (let i = 1; i < got.length; i++) expect(got[i]!.lo).toBeGreaterThan(got[i - 1]!.hi);
      }),
      { numRuns: 300 },
    );
  });

  it('with keys, covers every anchor time whose window holds k distinct keys (nulls not counted)', () => {
    const windowArb = fc
      .record({ a: fc.integer({ min: -60, max: 10 }), len: fc.integer({ min: 0, max: 60 }), fromIn: fc.boolean(), toIn: fc.boolean() })
      .map(({ a, len, fromIn, toIn }) => ({ from: a, to: a + len, fromIn, toIn }));
    const occArb = fc.array(fc.tuple(fc.integer({ min: 0, max: 100 }), fc.constantFrom<string | null>('a', 'b', 'c', 'd', null)), { maxLength: 25 });
    fc.assert(
      fc.property(occArb, fc.integer({ min: 1, max: 4 }), windowArb, (raw, k, w) => {
        const occ = [...raw].sort((x, y) => x[0] - y[0]);
        const times = occ.map((o) => o[0]);
        const keys = occ.map((o) => o[1]);
        const got = anchorTimesWithCount(Float64Array.from(times), k, w, keys);
        for (let t = -20; t <= 180; t++) {
          if (distinctIn(times, keys, t, w) >= k) expect(got.some((x) => inside(t, x)), `t=${t}`).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
    // Five failures of one account are one distinct key: no anchor time for k = 2.
    expect(anchorTimesWithCount(Float64Array.from([1, 2, 3, 4, 5]), 2, { from: -10, fromIn: true, to: 0, toIn: true }, ['a', 'a', 'a', 'a', 'a'])).toEqual([]);
  });

  it('is exact on a hand-made case: 3 of [0, 10, 20, 100] in [t - 30, t)', () => {
    const got = anchorTimesWithCount(Float64Array.from([0, 10, 20, 100]), 3, { from: -30, fromIn: true, to: 0, toIn: false });
    // t in (20, 30]: the window [t - 30, t) holds 0, 10 and 20.
    expect(got).toEqual([{ lo: 20, loIn: false, hi: 30, hiIn: true }]);
  });

  it('gives nothing when fewer than k occurrences exist, everything for k <= 0', () => {
    const w = { from: -5, fromIn: true, to: 0, toIn: true };
    expect(anchorTimesWithCount(Float64Array.from([1, 2]), 3, w)).toEqual([]);
    expect(anchorTimesWithCount(Float64Array.from([]), 0, w)).toEqual([{ lo: -Infinity, loIn: true, hi: Infinity, hiIn: true }]);
  });
});

/** mfa-fatigue with another window shape and threshold form, to reach the filter's other branches. */
function variant(id: string, edit: (doc: Record<string, any>) => void, base = 'mfa-fatigue'): CompiledPattern {
  const doc = readDocument(path.join(builtinDetectorsDir(), `${base}.yaml`)) as Record<string, any>;
  doc['id'] = id;
  edit(doc);
  return loadDetectorDocument(doc, `${id}.yaml`).pattern;
}

const patterns: CompiledPattern[] = [
  ...[...loadCatalog().values()].map((e) => e.pattern),
  variant('fatigue-around', (d) => {
    d['pattern'].aggregate[0].window = { from: 'ok.time - 90m', to: 'ok.time + 30m', fromInclusive: false, toInclusive: true };
  }),
  variant('fatigue-strict', (d) => {
    d['pattern'].where = 'denied.prompts > $minFailures';
  }),
  variant('fatigue-distinct-ips', (d) => {
    d['pattern'].aggregate[0].compute.ips = 'dcount(denied.ip)';
    d['pattern'].where = 'denied.ips >= $minFailures';
  }),
  // Many bindings per row (the success's time is not projected): a row is true from its earliest one.
  variant('fatigue-per-user', (d) => {
    d['pattern'].project = { UserPrincipalName: 'lower(ok.upn)', FailedPrompts: 'denied.prompts' };
    d['pattern'].sort = [{ column: 'UserPrincipalName', order: 'asc' }];
    d['entities'] = [{ type: 'Account', column: 'UserPrincipalName', identifier: 'FullName' }];
  }),

  // The sign-in planned first, so the change is bound through the temporal constraint's `then` side.
  variant(
    'new-country-signin-first',
    (d) => {
      d['pattern'].match.reverse();
    },
    'new-country-then-mfa-change',
  ),
];

const HOUR = 3_600_000;
const detail = (ds: readonly Detection[]): string[] => ds.map((d) => stableJson(d)).sort();

describe('evaluation shortcuts change no detection', () => {
  it('for every detector, random tenants, ranges and thresholds', () => {
    let found = 0;
    fc.assert(
      fc.property(
        tenantArb(60),
        fc.integer({ min: -48, max: 36 }),
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 0, max: 4 }),
        fc.constantFrom('30m', '1h', '2h'),
        (events, startHalf, lengthHalf, threshold, window) => {
          const g = new TemporalGraph();
          for (const e of events) g.apply(e);
          const start = BASE + (startHalf * HOUR) / 2;
          const end = start + (lengthHalf * HOUR) / 2;
          for (const p of patterns) {
            const params: Record<string, Value> = { minFailures: threshold, minAccounts: threshold, window: window === '30m' ? HOUR / 2 : window === '1h' ? HOUR : 2 * HOUR };
            const prepared = new PreparedPattern(p, g);
            for (const range of [{ start, end }, { start: -Infinity, end: Infinity }]) {
              const opts = { ...range, params: Object.fromEntries(Object.entries(params).filter(([k]) => k in p.params)) };
              const fast = prepared.evaluate(opts);
              const reference = prepared.evaluate({ ...opts, shortcuts: false });
              expect(detail(fast), `${p.id} ${JSON.stringify(range)}`).toEqual(detail(reference));
              // Log scans wherever they can answer: small tenants never reach the cost rule's threshold.
              expect(detail(prepared.evaluate({ ...opts, logScans: 'eager' })), `${p.id} ${JSON.stringify(range)} eager`).toEqual(detail(reference));
              // Hunt rows (no evidence, ids worked out only for ties): the detections' rows, times and ids, in their order.
              const viaRows = runRows(p, g, opts).map((r) => [stableJson(r.row), r.time, prepared.rowId(r)]);
              expect(viaRows, `${p.id} ${JSON.stringify(range)} rows`).toEqual(runDetector(p, g, opts).map((d) => [stableJson(d.row), d.time, d.id]));
              found += reference.length;
            }
          }
        },
      ),
      { numRuns: 150 },
    );
    // Not vacuous: the thresholds were met often (150 random tenants give 195-362 reference detections;
    // 200 was below that range once in about fifty runs).
    expect(found).toBeGreaterThan(100);
  });
});

describe('hunt rows', () => {
  it('merge the bindings of one row at the earliest, as detections do', () => {
    const g = new TemporalGraph();
    g.apply(signIn('alice@contoso.com', '10.0.0.9', '2026-10-10T10:00:00Z', { resultType: 500121 }));
    for (const t of ['2026-10-10T10:20:00Z', '2026-10-10T10:10:00Z', '2026-10-10T10:30:00Z']) g.apply(signIn('alice@contoso.com', '10.0.0.1', t));
    const p = patterns.find((x) => x.id === 'fatigue-per-user')!;
    const opts = { start: Date.parse('2026-10-10T00:00:00Z'), end: Date.parse('2026-10-11T00:00:00Z'), params: { minFailures: 1 } };
    const rows = runRows(p, g, opts);
    expect(rows.map((r) => [r.row, r.time])).toEqual([[{ UserPrincipalName: 'alice@contoso.com', FailedPrompts: 1 }, Date.parse('2026-10-10T10:10:00Z')]]);
    expect(rows.map((r) => [r.row, r.time])).toEqual(runDetector(p, g, opts).map((d) => [d.row, d.time]));
  });
});

describe('count-threshold shortcuts at the window edges', () => {
  // Two denied prompts at 12:00 and 12:30; the window (t - 90m, t + 30m] holds both for t in
  // [12:00, 13:30): successes at 12:00 (a closed end) and 13:29:59.999 match, 13:30 (open) does not.
  const g = new TemporalGraph();
  for (const t of ['12:00', '12:30']) g.apply(signIn('amy@contoso.com', '198.51.100.1', `2026-10-10T${t}:00Z`, { resultType: 500121 }));
  for (const t of ['11:59:59.999', '12:00:00', '13:29:59.999', '13:30:00']) g.apply(signIn('amy@contoso.com', '10.0.0.1', `2026-10-10T${t}Z`));
  const p = patterns.find((x) => x.id === 'fatigue-around')!;
  const prepared = new PreparedPattern(p, g);

  it('keeps the anchors on closed ends and drops those on open ends, as the reference does', () => {
    const opts = { start: -Infinity, end: Infinity, params: { minFailures: 2 } };
    const times = (ds: readonly Detection[]): string[] => ds.map((d) => new Date(d.time).toISOString()).sort();
    expect(times(prepared.evaluate(opts))).toEqual(['2026-10-10T12:00:00.000Z', '2026-10-10T13:29:59.999Z']);
    expect(times(prepared.evaluate({ ...opts, shortcuts: false }))).toEqual(times(prepared.evaluate(opts)));
  });
});

describe('temporal constraints as time bounds', () => {
  // change.time - s.time in [0, 1d): changes at the sign-in's instant and 1 ms before 1d count; at 1d not.
  const g = new TemporalGraph();
  g.apply(signIn('gus@contoso.com', '203.0.113.80', '2026-10-10T06:00:00Z', { location: 'FR', city: 'Paris' }));
  for (const t of ['2026-10-10T05:59:59.999Z', '2026-10-10T06:00:00Z', '2026-10-11T05:59:59.999Z', '2026-10-11T06:00:00Z']) {
    g.apply(mfaRegistration('gus@contoso.com', '203.0.113.80', t));
  }
  it.each(['new-country-then-mfa-change', 'new-country-signin-first'])('%s: both ends of the window, either clause bound first', (id) => {
    const prepared = new PreparedPattern(patterns.find((x) => x.id === id)!, g);
    const opts = { start: -Infinity, end: Infinity };
    const changes = (ds: readonly Detection[]): unknown[] => ds.map((d) => d.row['ChangeTime']).sort();
    expect(changes(prepared.evaluate(opts))).toEqual([Date.parse('2026-10-10T06:00:00Z'), Date.parse('2026-10-11T05:59:59.999Z')]);
    expect(detail(prepared.evaluate({ ...opts, shortcuts: false }))).toEqual(detail(prepared.evaluate(opts)));
  });
});
