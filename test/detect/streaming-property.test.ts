/**
 * Property: for random small tenants and random arrival orders (within the
 * lateness), the streaming engine's detections equal a batch run over the same
 * graph, for every built-in detector. Anchored detectors (hunt 1) are compared
 * with batch judged by their streaming rule; the others over (-∞, +∞).
 *
 * The replica checks the change sets themselves: applying each batch's upserts
 * and withdrawals to a map must give, after every event, what batch gives over
 * the graph so far. So a detection appears in the change set of the event that
 * completes it, and a row a late event refutes is withdrawn then.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runDetector } from '../../src/detect/batch.js';
import path from 'node:path';
import { builtinDetectorsDir, loadCatalog, loadDetectorDocument, readDocument } from '../../src/detect/catalog.js';
import type { CompiledPattern } from '../../src/detect/compile.js';
import { formatRow, stableJson, type Detection } from '../../src/detect/detection.js';
import type { Value } from '../../src/detect/expr/ast.js';
import { StreamingEngine } from '../../src/detect/streaming.js';
import type { EventFacts } from '../../src/graph/facts.js';
import { TemporalGraph } from '../../src/graph/temporal-graph.js';
import { edgeEvent, mfaRegistration, signIn, user } from './facts-builders.js';
import { tenantArb, tenantWithArrivalArb } from './tenant-arbitrary.js';

const catalog = loadCatalog();
/** Scale the number of runs for a longer hunt for counterexamples: IDGRAPH_PROPERTY_RUNS=20 npx vitest run ... */
const SCALE = Math.max(1, Number(process.env['IDGRAPH_PROPERTY_RUNS'] ?? 1));

/** A built-in detector edited, to reach re-judgement ways the built-ins do not take. */
function variant(base: string, id: string, edit: (doc: Record<string, any>) => void): CompiledPattern {
  const doc = readDocument(path.join(builtinDetectorsDir(), `${base}.yaml`)) as Record<string, any>;
  doc['id'] = id;
  edit(doc);
  return loadDetectorDocument(doc, `${id}.yaml`).pattern;
}

const patterns = [
  ...[...catalog.values()].map((e) => e.pattern),
  // Its absent window reads both match clauses, so no one clause measures it: re-judged over a bounded horizon.
  variant('new-country-then-mfa-change', 'new-country-before-change', (d) => {
    d['pattern'].absent[0].window = { from: 'change.time - $lookback', to: 's.time' };
  }),
  // The clause the window is measured from planned first: re-judged in part from the sign-in's side.
  variant('new-country-then-mfa-change', 'new-country-signin-first', (d) => {
    d['pattern'].match.reverse();
  }),
];
/** Lower thresholds so random small tenants reach them; both engines get the same parameters. */
const PARAMS: Record<string, Record<string, Value>> = {
  'mfa-fatigue': { minFailures: 2 },
  'password-spray-then-success': { minAccounts: 2 },
};

/** The whole detection but the binding that happened to be found first: row, times, entities, evidence. */
const rowSet = (p: CompiledPattern, ds: readonly Detection[]): string[] =>
  [...new Set(ds.map((d) => stableJson({ id: d.id, row: formatRow(p, d.row), time: d.time, firstTime: d.firstTime, entities: d.entities, evidence: d.evidence })))].sort();

function batchSets(g: TemporalGraph): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const p of patterns) {
    const ds = runDetector(p, g, { start: -Infinity, end: Infinity, params: PARAMS[p.id] ?? {}, anchored: p.streaming !== undefined });
    out.set(p.id, rowSet(p, ds));
  }
  return out;
}

function streamSets(ds: Iterable<Detection>): Map<string, string[]> {
  const by = new Map<string, Detection[]>();
  for (const d of ds) by.set(d.detector, [...(by.get(d.detector) ?? []), d]);
  return new Map(patterns.map((p) => [p.id, rowSet(p, by.get(p.id) ?? [])]));
}

/** Withdrawals seen across replays (the properties must exercise them). */
let withdrawals = 0;
/** Node merges seen across replays (entity resolution mid-stream). */
let merges = 0;
/** How partitions were re-judged across replays (each way must be exercised). */
const rejudged = { whole: 0, bounded: 0, partial: 0, skipped: 0 };

/**
 * Feeds events in order, `chunk` events per engine call (as an ingest batch delivers them; default one);
 * checks the change-set replica against batch after every call when `everyStep`.
 */
function replay(
  events: readonly EventFacts[],
  order: readonly number[],
  lateness: number,
  everyStep: boolean,
  chunk = 1,
): { engine: StreamingEngine; graph: TemporalGraph; replica: Map<string, Detection> } {
  const graph = new TemporalGraph();
  graph.onMerge(() => void merges++);
  const engine = new StreamingEngine(patterns, graph, { lateness, params: PARAMS });
  const replica = new Map<string, Detection>();
  for (let k = 0; k < order.length; k += chunk) {
    const part = order.slice(k, k + chunk);
    const i = part[part.length - 1]!;
    const change = engine.apply(part.flatMap((j) => graph.apply(events[j]!)));
    withdrawals += change.withdrawn.length;
    for (const d of change.withdrawn) {
      expect(replica.has(d.id), `withdrawn ${d.id} was never upserted`).toBe(true);
      replica.delete(d.id);
    }
    for (const d of change.upserted) replica.set(d.id, d);
    if (everyStep) expect(streamSets(replica.values()), `after event ${events[i]!.eventId}`).toEqual(batchSets(graph));
  }
  for (const k of Object.keys(rejudged) as (keyof typeof rejudged)[]) rejudged[k] += engine.rejudged[k];
  return { engine, graph, replica };
}

describe('streaming equals batch', () => {
  it('every engine loads every built-in detector for streaming', () => {
    const engine = new StreamingEngine(patterns, new TemporalGraph());
    expect(engine.unsupported).toEqual([]);
    expect(patterns.length).toBeGreaterThanOrEqual(8);
  });

  it('for random tenants in a random arrival order (lateness unbounded), final detections equal batch', () => {
    fc.assert(
      fc.property(
        tenantArb(40).chain((events) => fc.tuple(fc.constant(events), fc.shuffledSubarray(events.map((_, i) => i), { minLength: events.length }))),
        ([events, order]) => {
          const { engine, graph, replica } = replay(events, order, Number.MAX_SAFE_INTEGER, false);
          const batch = batchSets(graph);
          expect(streamSets(engine.current())).toEqual(batch);
          expect(streamSets(replica.values())).toEqual(batch);
          expect(engine.tooLate).toBe(0);
        },
      ),
      { numRuns: 150 * SCALE },
    );
    expect(withdrawals, 'some late events refuted detections').toBeGreaterThan(0);
  });

  it('with users known by UPN and by object id (entity resolution merges nodes mid-stream), final detections equal batch', () => {
    fc.assert(
      fc.property(
        tenantArb(40, true).chain((events) => fc.tuple(fc.constant(events), fc.shuffledSubarray(events.map((_, i) => i), { minLength: events.length }))),
        ([events, order]) => {
          const { engine, graph, replica } = replay(events, order, Number.MAX_SAFE_INTEGER, false);
          const batch = batchSets(graph);
          expect(streamSets(engine.current())).toEqual(batch);
          expect(streamSets(replica.values())).toEqual(batch);
        },
      ),
      { numRuns: 150 * SCALE },
    );
    expect(merges, 'some replays merged nodes').toBeGreaterThan(0);
  });

  it('for events arriving several at a time (one engine call per ingest batch), change sets track batch', () => {
    fc.assert(
      fc.property(
        tenantArb(40).chain((events) =>
          fc.tuple(fc.constant(events), fc.shuffledSubarray(events.map((_, i) => i), { minLength: events.length }), fc.integer({ min: 2, max: 8 })),
        ),
        ([events, order, chunk]) => {
          const { engine, graph } = replay(events, order, Number.MAX_SAFE_INTEGER, true, chunk);
          expect(streamSets(engine.current())).toEqual(batchSets(graph));
        },
      ),
      { numRuns: 100 * SCALE },
    );
  });

  it('a partial re-judgement from one clause does not swallow a seed of another clause in the same call', () => {
    // s0 (new country) at 00:00; then in one call a sign-in at 02:00, which as `seen` re-judges rows whose
    // sign-in lies in [02:00, +30d], and the change at 03:00, a seed whose row is (s0, change).
    const events = [
      signIn('bob@contoso.com', '203.0.113.50', '2026-09-30T23:00:00Z', { location: 'FR' }),
      signIn('ann@contoso.com', '203.0.113.9', '2026-10-01T00:00:00Z', { location: 'FR' }),
      signIn('ann@contoso.com', '198.51.100.4', '2026-10-01T02:00:00Z', { location: 'US' }),
      mfaRegistration('ann@contoso.com', '198.51.100.4', '2026-10-01T03:00:00Z', { operationName: 'User registered security info' }),
    ];
    const { engine, graph } = replay(events, [0, 1, 2, 3], Number.MAX_SAFE_INTEGER, false, 2);
    const rows = streamSets(engine.current()).get('new-country-then-mfa-change')!;
    expect(rows).toEqual(batchSets(graph).get('new-country-then-mfa-change'));
    expect(rows.filter((r) => r.includes('"Country":"FR"'))).toHaveLength(1);
  });

  it('change sets track batch after every event, for arrivals delayed within a 12h lateness', () => {
    const lateness = 12 * 3_600_000;
    fc.assert(
      fc.property(fc.boolean().chain((aliases) => tenantWithArrivalArb(lateness, 25, aliases)), ({ events, order }) => {
        const { engine } = replay(events, order, lateness, true);
        expect(engine.tooLate).toBe(0);
      }),
      { numRuns: 80 * SCALE },
    );
  });

  it('re-judged partitions whole, around a bounded horizon and in part past a collapse', () => {
    // Runs after the properties above: each way was taken by some replay that then still equalled batch.
    expect(rejudged.whole).toBeGreaterThan(0);
    expect(rejudged.bounded).toBeGreaterThan(0);
    expect(rejudged.partial).toBeGreaterThan(0);
  });

  it('skips the re-judgement for a later occurrence of a collapse key, and still equals batch', () => {
    // A role granted, an admin's failed MFA, the same role granted again later (IdentityInfo snapshots
    // repeat): the second grant is not its key's earliest, so nothing the collapse keeps changes.
    const grant = (id: string, time: string): EventFacts => ({
      ...edgeEvent('HAS_ROLE', user('ann@contoso.com'), { kind: 'Role', key: 'global administrator' }, time, { role: 'Global Administrator', accountUpn: 'ann@contoso.com' }, 'IdentityInfo'),
      eventId: id,
    });
    const events = [
      grant('g1', '2026-10-01T00:00:00Z'),
      { ...signIn('ann@contoso.com', '10.0.0.1', '2026-10-01T08:00:00Z', { resultType: 500121 }), eventId: 's1' },
      grant('g2', '2026-10-02T00:00:00Z'),
    ].map((e) => ({ ...e, edges: e.edges.map((x) => ({ ...x, eventId: e.eventId })) }));
    const { engine, graph, replica } = replay(events, [0, 1, 2], Infinity, true);
    expect(engine.rejudged.skipped).toBe(1);
    const rows = streamSets(replica.values()).get('privileged-account-failed-mfa')!;
    expect(rows).toHaveLength(1);
    expect(rows).toEqual(batchSets(graph).get('privileged-account-failed-mfa'));
  });

  it('finds detections in random tenants (the property is not vacuous)', () => {
    // Over a fixed sample of tenants, most detectors must fire at least once.
    const fired = new Set<string>();
    fc.assert(
      fc.property(tenantArb(40), (events) => {
        const g = new TemporalGraph();
        for (const e of events) g.apply(e);
        for (const [id, rows] of batchSets(g)) if (rows.length > 0) fired.add(id);
      }),
      { numRuns: 300, seed: 7 },
    );
    expect([...fired].sort()).toEqual(expect.arrayContaining(['account-mfa-modifications', 'mfa-registration-unseen-ip', 'privileged-account-failed-mfa']));
    expect(fired.size, [...fired].join(", ")).toBe(patterns.length);
  });
});
