/**
 * The engine on a real Neo4j 5.26 (test/neo4j-global-setup.ts starts one): detections judged per
 * ingested batch as the detectors' compiled Cypher over the window the batch can affect, fed to the
 * chain engine. Every built-in detector's streaming cases, one event per batch in arrival order (late
 * events, withdrawals), give exactly the case's expected rows; the demo tenant streamed table by table
 * (so mostly out of time order) gives the embedded store's detections; reopening restores detections
 * and chains without judging again; the CLI's detections and chains, and serve's /v1 routes, work on
 * bolt://.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliSpawned, type CliRun } from '../cli/cli-harness.js';
import { openEngineRuntime } from '../../src/cli/engine-runtime.js';
import { openNeo4jRuntime } from '../../src/cli/neo4j-runtime.js';
import { startServe } from '../../src/cli/commands/serve.js';
import { builtinDetectorsDir, loadCatalog } from '../../src/detect/catalog.js';
import { arrivalOrder, diffRows, loadCasesFile } from '../../src/detect/cases/run-cases.js';
import { judgeHorizon } from '../../src/detect/judge-window.js';
import { changesBetween, neighbourhood, neighbours, timeline } from '../../src/graph/entity-view.js';
import { chainSubgraph } from '../../src/chains/chain-subgraph.js';
import fc from 'fast-check';
import { runDetector } from '../../src/detect/batch.js';
import { formatRow, stableJson, type Detection } from '../../src/detect/detection.js';
import type { Value } from '../../src/detect/expr/ast.js';
import type { NewOccurrence } from '../../src/detect/streaming.js';
import type { EventFacts } from '../../src/graph/facts.js';
import { TemporalGraph } from '../../src/graph/temporal-graph.js';
import { prepareRecord } from '../../src/ingest/prepare.js';
import type { PreparedEvent } from '../../src/ingest/prepared-event.js';
import { neo4jTargetFrom } from '../../src/store/neo4j/neo4j-connection.js';
import { Neo4jJudge } from '../../src/store/neo4j/neo4j-judge.js';
import { Neo4jStore } from '../../src/store/neo4j/neo4j-store.js';
import { tenantArb } from '../detect/tenant-arbitrary.js';
import { NEO4J_TEST_URI, openTestNeo4j, preparedFromFacts, SKIP_NEO4J, type TestNeo4j } from '../neo4j/cypher-neo4j.js';

const uri = NEO4J_TEST_URI ?? 'bolt://127.0.0.1:7687';
let db: TestNeo4j;
const dirs: string[] = [];
const wipe = (): Promise<unknown> => db.run('MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 5000 ROWS');
const demoFiles = (): string[] =>
  readdirSync('seeds/demo')
    .filter((f) => f.endsWith('.ndjson.gz'))
    .sort()
    .map((f) => join('seeds/demo', f));

beforeAll(async () => {
  if (!SKIP_NEO4J) db = await openTestNeo4j();
});
afterAll(async () => {
  await db?.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('judge horizons', () => {
  it('are bounded where the pattern bounds them and the whole graph otherwise', () => {
    const h = new Map([...loadCatalog()].map(([id, e]) => [id, judgeHorizon(e.pattern)]));
    expect(h.get('mfa-fatigue')).toBe(3_600_000);
    // Anchored: the absent/aggregate windows reach 30 days before the anchor's 1-day streaming start.
    expect(h.get('mfa-registration-unseen-ip')).toBe(31 * 86_400_000);
    expect(h.get('new-country-then-mfa-change')).toBe(31 * 86_400_000);
    // The spray counted over the day before its success.
    expect(h.get('password-spray-then-success')).toBe(86_400_000);
    // Grouped, collapsed or range-free match clauses: judged over the whole graph.
    for (const id of ['account-mfa-modifications', 'privileged-account-failed-mfa', 'risky-signin-device-registration', 'unfamiliar-signin-portal-role-change'])
      expect(h.get(id), id).toBe(Infinity);
  });
});

describe.skipIf(SKIP_NEO4J)('the engine on a Neo4j store', () => {
  const caseFiles = readdirSync(builtinDetectorsDir())
    .filter((f) => f.endsWith('.cases.yaml'))
    .sort()
    .map((f) => join(builtinDetectorsDir(), f));
  const catalog = loadCatalog();

  for (const file of caseFiles) {
    const { file: cases } = loadCasesFile(file);
    const detector = cases.detector;
    const streamed = cases.cases.filter((c) => c.mode !== 'batch' && c.params === undefined);
    it(`${detector}: ${streamed.length} streaming case(s), one event per batch in arrival order`, async () => {
      const only = new Map([[detector, catalog.get(detector)!]]);
      for (const c of streamed) {
        await wipe();
        const rt = await openNeo4jRuntime({ uri, catalog: only });
        try {
          const prepared = c.events.map((record, i) => prepareRecord({ file, line: i + 1, table: undefined, record }));
          for (const i of arrivalOrder(c, prepared as PreparedEvent[])) {
            const out = await rt.ingest({ stream: Readable.from([`${JSON.stringify(c.events[i])}\n`]), name: 'case.ndjson' }, {});
            expect(out.rejectsTotal, c.name).toBe(0);
          }
          const rows = rt.engine.detections({ detector }).map((d) => rt.engine.detectionRow(d));
          const diff = diffRows(only.get(detector)!.pattern, c.expectStreaming ?? c.expect, rows);
          expect(diff, `${detector} / ${c.name}`).toEqual({ missing: [], unexpected: [] });
          // What the engine holds is what the store holds.
          expect((await rt.store.listDocs('detections')).length, c.name).toBe(rows.length);
        } finally {
          await rt.close();
        }
      }
    }, 300_000);
  }

  it('on random tenants in random batches and arrival orders, the live detections (rows, entities, evidence) are the embedded whole-graph judgement', async () => {
    // Thresholds lowered so small random tenants reach them; both sides get the same parameters.
    const params: Record<string, Record<string, Value>> = { 'mfa-fatigue': { minFailures: 2 }, 'password-spray-then-success': { minAccounts: 2 } };
    const patterns = [...catalog.values()].map((e) => e.pattern);
    // The whole detection: row, times, the entities its bindings took and the events behind each clause.
    const rowSet = (ds: readonly Detection[], id: string): string[] =>
      [...new Set(ds.filter((d) => d.detector === id).map((d) => stableJson({ id: d.id, row: formatRow(catalog.get(id)!.pattern, d.row), time: d.time, firstTime: d.firstTime, entities: d.entities, evidence: d.evidence })))].sort();
    // IDGRAPH_JUDGE_TENANTS / IDGRAPH_JUDGE_SEED widen the search when hunting a mismatch.
    const tenants = Number(process.env['IDGRAPH_JUDGE_TENANTS'] ?? 4);
    const seed = Number(process.env['IDGRAPH_JUDGE_SEED'] ?? 20261123);
    const raw = fc.sample(fc.boolean().chain((aliases) => tenantArb(60, aliases)), { numRuns: tenants * 10, seed });
    const fired = new Set<string>();
    let withdrawn = 0;
    for (let t = 0; t < tenants; t++) {
      // Several samples merged into one tenant, so joins and thresholds are hit; some shifted by more than
      // the detectors' windows (45 min to 32 days), so batches judge windows that do not cover everything.
      const shifts = [0, 0, 45 * 60_000, 3 * 3_600_000, 86_400_000, 10 * 86_400_000, 32 * 86_400_000];
      const events = raw.slice(t * 10, (t + 1) * 10).flatMap((sample, k) =>
        sample.map((e, j): EventFacts => {
          const eventId = `t${t}s${k}e${j}`;
          const shift = shifts[(k + t) % shifts.length]!;
          return { ...e, eventId, time: e.time + shift, edges: e.edges.map((x) => ({ ...x, eventId, time: x.time + shift })) };
        }),
      );
      const [order] = fc.sample(fc.shuffledSubarray(events.map((_, i) => i), { minLength: events.length, maxLength: events.length }), { numRuns: 1, seed: seed + t });
      const [sizes] = fc.sample(fc.array(fc.integer({ min: 1, max: 12 }), { minLength: events.length, maxLength: events.length }), { numRuns: 1, seed: seed + 100 + t });

      const g = new TemporalGraph();
      for (const e of events) g.apply(e);
      const expected = patterns.flatMap((p) => runDetector(p, g, { start: -Infinity, end: Infinity, params: params[p.id] ?? {}, anchored: p.streaming !== undefined }));

      await wipe();
      const store = await Neo4jStore.open(neo4jTargetFrom(uri, {}, {}));
      try {
        const judge = new Neo4jJudge(store, patterns, params);
        let at = 0;
        for (let b = 0; at < order!.length; b++) {
          const batch = order!.slice(at, at + sizes![b]!).map((i) => preparedFromFacts(events[i]!, i + 1));
          at += batch.length;
          const fresh = await store.appendEvents(batch);
          const occurrences: NewOccurrence[] = fresh.flatMap((e) => e.facts.edges.map((x) => ({ kind: x.kind, from: x.from, to: x.to, time: x.time, eventId: x.eventId })));
          withdrawn += (await judge.apply(occurrences)).withdrawn.length;
        }
        for (const p of patterns) {
          expect(rowSet(judge.current(), p.id), `tenant ${t}: ${p.id}`).toEqual(rowSet(expected, p.id));
          if (rowSet(expected, p.id).length > 0) fired.add(p.id);
        }
      } finally {
        await store.close();
      }
    }
    // Not vacuous: most detectors fired, and late events withdrew rows found earlier.
    expect(fired.size, [...fired].join(", ")).toBeGreaterThanOrEqual(patterns.length - 2);
    expect(withdrawn).toBeGreaterThan(0);
  }, 600_000);

  it('streams the demo tenant table by table into the same detections and chains as the embedded store, and restores them on reopen', async () => {
    await wipe();
    const embedded = await openEngineRuntime({ storeDir: '', catalog, memory: true });
    for (const f of demoFiles()) await embedded.ingestBulk({ path: f }, {});
    await embedded.judge();
    const expected = embedded.engine
      .detections()
      .map((d) => ({ id: d.id, row: embedded.engine.detectionRow(d) }))
      .sort((a, b) => (a.id < b.id ? -1 : 1));
    expect(expected.length).toBeGreaterThan(10);

    const rt = await openNeo4jRuntime({ uri, catalog });
    let chains: string;
    try {
      // Streaming ingest: every stored batch of 1000 is judged as it lands.
      for (const f of demoFiles()) await rt.ingest({ path: f }, {});
      const got = rt.engine
        .detections()
        .map((d) => ({ id: d.id, row: rt.engine.detectionRow(d) }))
        .sort((a, b) => (a.id < b.id ? -1 : 1));
      expect(got).toEqual(expected);
      // Entities and evidence come back from the Cypher too, so the chains are the embedded store's, step for step.
      const whole = (ds: readonly Detection[]) => ds.map((d) => stableJson({ ...d, bindings: undefined })).sort();
      expect(whole(rt.engine.detections())).toEqual(whole(embedded.engine.detections()));
      chains = JSON.stringify(rt.engine.listChains());
      expect(rt.engine.listChains().length).toBeGreaterThan(0);
      expect(chains).toBe(JSON.stringify(embedded.engine.listChains()));
      // Entity views read the graph around the entity loaded from the server: the same as the in-memory graph's.
      const top = rt.engine.listChains()[0]!;
      const byId = <T extends object>(xs: readonly T[]) => xs.map((x) => stableJson(x)).sort();
      for (const e of top.entities.filter((n) => n.kind === 'User' || n.kind === 'IP' || n.kind === 'Device')) {
        const near = await rt.engine.viewAround([e], 2);
        const ref = { kind: e.kind, key: e.key };
        expect(near.nodeProps(ref), `${e.kind} ${e.key}`).toEqual(embedded.engine.view.nodeProps(ref));
        expect(near.nodeAliases(ref)).toEqual(embedded.engine.view.nodeAliases(ref));
        expect(byId(neighbours(near, ref))).toEqual(byId(neighbours(embedded.engine.view, ref)));
        expect(timeline(near, ref, { limit: 200, order: 'desc' })).toEqual(timeline(embedded.engine.view, ref, { limit: 200, order: 'desc' }));
        const [n1, n2] = [neighbourhood(near, ref, 2, { maxNodes: 100_000 }), neighbourhood(embedded.engine.view, ref, 2, { maxNodes: 100_000 })];
        expect(byId(n1.nodes)).toEqual(byId(n2.nodes));
        expect(byId(n1.edges)).toEqual(byId(n2.edges));
        const span = embedded.engine.view.timeSpan()!;
        expect(byId(changesBetween(near, ref, span.first + 86_400_000, span.last))).toEqual(byId(changesBetween(embedded.engine.view, ref, span.first + 86_400_000, span.last)));
      }
      // A user named by its object id (an alias) resolves to the same node on the server.
      const alias = embedded.engine.view.nodeAliases(top.entities.find((n) => n.kind === 'User')!)[0];
      if (alias !== undefined) expect((await rt.engine.viewAround([{ kind: 'User', key: alias }], 0)).resolve('User', alias)).toBe(top.entities.find((n) => n.kind === 'User')!.key);
      const sub = chainSubgraph(await rt.engine.viewAround(top.entities, 1), top, 5000);
      const subEmbedded = chainSubgraph(embedded.engine.view, top, 5000);
      expect(byId(sub.nodes)).toEqual(byId(subEmbedded.nodes));
      expect(byId(sub.edges)).toEqual(byId(subEmbedded.edges));
      // Hunts run on the server and agree with the embedded graph.
      const range = { start: Date.parse('2026-10-18T00:00:00Z'), end: Date.parse('2026-11-01T00:00:00Z') };
      expect(await rt.engine.hunts(['all'], range)).toEqual(await embedded.engine.hunts(['all'], range));
    } finally {
      await rt.close();
      await embedded.close();
    }
    const again = await openNeo4jRuntime({ uri, catalog });
    try {
      expect(again.engine.detections().map((d) => d.id).sort()).toEqual(expected.map((d) => d.id));
      expect(JSON.stringify(again.engine.listChains())).toBe(chains);
      // A re-ingest adds nothing and changes nothing.
      for (const f of demoFiles()) expect(Object.values((await again.ingest({ path: f }, {})).tables).every((t) => t.accepted === 0)).toBe(true);
      expect(JSON.stringify(again.engine.listChains())).toBe(chains);
    } finally {
      await again.close();
    }
  }, 600_000);

  it('idgraph detections and chains on bolt:// after an ingest, and serve answers /v1 from the Neo4j store', async () => {
    await wipe();
    const dir = mkdtempSync(join(tmpdir(), 'idgraph-neo4j-engine-'));
    dirs.push(dir);
    const embedded = join(dir, 'store');
    const ing = await cli(['ingest', 'seeds/demo', '--store', uri, '--json']);
    expect(ing.code, ing.stderr).toBe(0);
    const summary = JSON.parse(ing.stdout) as { detections: number; chains: number };
    expect(summary.detections).toBeGreaterThan(10);
    expect(summary.chains).toBeGreaterThan(0);
    expect((await cli(['ingest', 'seeds/demo', '--store', embedded])).code).toBe(0);
    const [neo, duck] = [await cli(['detections', '--format', 'json', '--store', uri]), await cli(['detections', '--format', 'json', '--store', embedded])];
    expect(neo.code, neo.stderr).toBe(0);
    expect(neo.stdout).toBe(duck.stdout);
    const chains = await cli(['chains', '--json', '--store', uri]);
    expect(chains.code, chains.stderr).toBe(0);
    expect((JSON.parse(chains.stdout) as unknown[]).length).toBe(summary.chains);
    // entity reads the graph around the user from the server: the same answer as the embedded store's.
    const who = ['entity', 'user', 'LEE.DUBOIS@contoso.com', '--json', '--limit', '500'];
    const [entNeo, entDuck] = [await cli([...who, '--store', uri]), await cli([...who, '--store', embedded])];
    expect(entNeo.code, entNeo.stderr).toBe(0);
    expect(JSON.parse(entNeo.stdout)).toEqual(JSON.parse(entDuck.stdout));
    expect((JSON.parse(entNeo.stdout) as { detections: unknown[] }).detections.length).toBeGreaterThan(0);
    const stats = JSON.parse((await cli(['stats', '--json', '--store', uri])).stdout) as { detections: number; chains: number };
    expect(stats).toMatchObject({ detections: summary.detections, chains: summary.chains });

    const running = await startServe({ store: uri, port: 0, env: { ...process.env, IDGRAPH_TOKEN: 'neo4j-serve-test-token', XDG_DATA_HOME: dir, IDGRAPH_STORE: '' }, out: () => {} });
    try {
      const get = async (path: string, init: RequestInit = {}): Promise<{ status: number; body: any }> => {
        const r = await fetch(`${running.url}${path}`, { ...init, headers: { authorization: 'Bearer neo4j-serve-test-token', 'content-type': 'application/json', ...(init.headers ?? {}) } });
        return { status: r.status, body: await r.json() };
      };
      const dets = await get('/v1/detections?limit=500');
      expect(dets.status).toBe(200);
      expect(dets.body.items.length).toBe(summary.detections);
      const ch = await get('/v1/chains?limit=500');
      expect(ch.status).toBe(200);
      expect(ch.body.items.length).toBe(summary.chains);
      const ent = await get('/v1/entities/User/lee.dubois@contoso.com');
      expect(ent.status, JSON.stringify(ent.body)).toBe(200);
      expect(ent.body.detections.length).toBeGreaterThan(0);
      const top = ch.body.items[0];
      const chain = await get(`/v1/chains/${top.id}`);
      expect(chain.status).toBe(200);
      // Steps carry their raw evidence events and the subgraph comes from the graph around the chain's entities.
      expect(chain.body.steps.every((st: { events: unknown[] }) => st.events.length > 0)).toBe(true);
      expect(chain.body.subgraph.cytoscape.elements.nodes.length).toBeGreaterThan(chain.body.entities.length);
      expect(chain.body.subgraph.cytoscape.elements.edges.length).toBeGreaterThan(0);
      const hunt = await get('/v1/hunts', { method: 'POST', body: JSON.stringify({ detectors: ['mfa-fatigue'], start: '2026-10-18T00:00:00Z', end: '2026-11-01T00:00:00Z' }) });
      expect(hunt.status, JSON.stringify(hunt.body)).toBe(200);
      const onDuck = await cli(['hunt', 'mfa-fatigue', '--start', '2026-10-18T00:00:00Z', '--end', '2026-11-01T00:00:00Z', '--format', 'json', '--store', embedded]);
      expect(hunt.body.rows['mfa-fatigue']).toEqual((JSON.parse(onDuck.stdout) as Record<string, unknown>)['mfa-fatigue']);
    } finally {
      await running.close();
    }
  }, 600_000);
});

/** Runs the CLI from source; resolves with its exit code and output. */
function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  return cliSpawned(args, { env });
}
