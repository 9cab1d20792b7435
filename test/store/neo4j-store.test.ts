/**
 * The Neo4j store against a real Neo4j 5.26 (test/neo4j-global-setup.ts starts one): schema set up
 * idempotently, ingestion idempotent by event id (re-run and retried batches add nothing), entity
 * resolution giving the same graph as the embedded one whatever the batch boundaries, documents and
 * raw evidence, and the CLI end to end (`ingest` and `hunt` on `--store bolt://...` give what the
 * embedded store gives), never printing a password.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliSpawned, type CliRun } from '../cli/cli-harness.js';
import type { EventFacts } from '../../src/graph/facts.js';
import { EDGE_KIND_NAMES, NODE_KIND_NAMES } from '../../src/graph/schema.js';
import { TemporalGraph } from '../../src/graph/temporal-graph.js';
import { neo4jTargetFrom } from '../../src/store/neo4j/neo4j-connection.js';
import { schemaStatements } from '../../src/store/neo4j/neo4j-schema.js';
import { Neo4jStore } from '../../src/store/neo4j/neo4j-store.js';
import { NEO4J_TEST_URI, openTestNeo4j, preparedFromFacts, SKIP_NEO4J, type TestNeo4j } from '../neo4j/cypher-neo4j.js';

const uri = NEO4J_TEST_URI ?? 'bolt://127.0.0.1:7687';
let db: TestNeo4j;
const dirs: string[] = [];

const wipe = (): Promise<unknown> => db.run('MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 5000 ROWS');
const openStore = (): Promise<Neo4jStore> => Neo4jStore.open(neo4jTargetFrom(uri, {}, {}));
const num = (v: unknown): number => (typeof v === 'object' && v !== null && 'toNumber' in v ? (v as { toNumber(): number }).toNumber() : Number(v));

/** The graph in Neo4j as comparable text: nodes with sorted aliases, and every occurrence. */
async function neo4jSnapshot(): Promise<{ nodes: string[]; occurrences: string[] }> {
  const nodes: string[] = [];
  for (const kind of NODE_KIND_NAMES)
    for (const r of await db.run(`MATCH (n:${kind}) RETURN n.key AS key, coalesce(n.aliases, []) AS aliases`))
      nodes.push(`${kind}:${String(r['key'])}[${[...(r['aliases'] as string[])].sort().join(',')}]`);
  const occurrences: string[] = [];
  for (const kind of EDGE_KIND_NAMES)
    for (const r of await db.run(`MATCH (a)-[r:${kind}]->(b) RETURN a.key AS a, b.key AS b, r.eventId AS id, r.time AS t`))
      occurrences.push(`${kind}:${String(r['a'])}->${String(r['b'])}@${num(r['t'])}#${String(r['id'])}`);
  return { nodes: nodes.sort(), occurrences: occurrences.sort() };
}

/** The same text for the embedded graph. */
function embeddedSnapshot(events: readonly EventFacts[]): { nodes: string[]; occurrences: string[] } {
  const g = new TemporalGraph();
  for (const e of events) g.apply(e);
  const nodes: string[] = [];
  for (const kind of NODE_KIND_NAMES) for (const ref of g.nodesOfKind(kind)) nodes.push(`${kind}:${ref.key}[${[...g.nodeAliases(ref)].sort().join(',')}]`);
  const occurrences: string[] = [];
  for (const kind of EDGE_KIND_NAMES)
    for (const e of g.edgesOfKind(kind)) for (let i = 0; i < e.size; i++) occurrences.push(`${kind}:${e.from.key}->${e.to.key}@${e.time(i)}#${e.eventId(i)}`);
  return { nodes: nodes.sort(), occurrences: occurrences.sort() };
}

const T = Date.parse('2026-10-01T00:00:00Z');
let n = 0;
/** One event's facts: nodes (with aliases) and edges given as [kind, fromKind, fromKey, toKind, toKey]. */
function ev(nodes: { kind: 'User' | 'IP' | 'Device'; key: string; aliases?: string[]; props?: Record<string, string> }[], edges: [string, string, string, string, string][]): EventFacts {
  const eventId = `e${++n}`;
  const time = T + n * 60_000;
  return {
    eventId,
    table: 'SigninLogs',
    time,
    nodes,
    edges: edges.map(([kind, fk, f, tk, t]) => ({ kind, from: { kind: fk, key: f }, to: { kind: tk, key: t }, time, eventId, props: {} })),
  } as EventFacts;
}

/** Names arriving in every order entity resolution must cope with: id before UPN, merges of stored nodes, self-loops, case. */
function resolutionStory(): EventFacts[] {
  n = 0;
  return [
    ev([], [['SIGNED_IN', 'User', 'ID-1', 'IP', '10.0.0.1']]),
    ev([{ kind: 'User', key: 'Alice@Contoso.com', aliases: ['id-1'], props: { displayName: 'Alice' } }], [['SIGNED_IN', 'User', 'alice@contoso.com', 'IP', '10.0.0.2']]),
    ev([], [['DEVICE_OWNER', 'User', 'id-2', 'Device', 'd1']]),
    ev([], [['SIGNED_IN', 'User', 'dave@contoso.com', 'IP', '10.0.0.3']]),
    ev([], [['INITIATED_ROLE_CHANGE', 'User', 'id-5', 'User', 'id-5']]),
    ev([{ kind: 'User', key: 'bob@contoso.com', aliases: ['ID-2'] }], []),
    // dave and id-2's node (bob) are both stored: naming bob's id as dave's alias merges bob into dave.
    ev([{ kind: 'User', key: 'dave@contoso.com', aliases: ['id-2', 'id-4'] }], [['SIGNED_IN', 'User', 'id-4', 'IP', '10.0.0.1']]),
    ev([{ kind: 'User', key: 'eve@contoso.com', aliases: ['id-5'] }], [['INITIATED_ROLE_CHANGE', 'User', 'eve@contoso.com', 'User', 'ALICE@contoso.com']]),
    ev([{ kind: 'User', key: 'id-6', aliases: [] }, { kind: 'User', key: 'frank@contoso.com', aliases: ['id-6'] }], [['SIGNED_IN', 'User', 'id-6', 'IP', '10.0.0.4']]),
  ];
}

beforeAll(async () => {
  if (SKIP_NEO4J) return;
  db = await openTestNeo4j();
});
afterAll(async () => {
  await db?.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe.skipIf(SKIP_NEO4J)('Neo4j store', () => {
  it('sets its schema up idempotently: every constraint and index once, online', async () => {
    await wipe();
    await (await openStore()).close();
    const store = await openStore();
    await store.close();
    const constraints = await db.run("SHOW CONSTRAINTS YIELD name WHERE name STARTS WITH 'idgraph_' RETURN name");
    const indexes = await db.run("SHOW INDEXES YIELD name, state, owningConstraint WHERE name STARTS WITH 'idgraph_' AND owningConstraint IS NULL RETURN name, state");
    const expected = schemaStatements();
    expect(constraints.length).toBe(expected.filter((s) => s.startsWith('CREATE CONSTRAINT')).length);
    expect(indexes.length).toBe(expected.filter((s) => s.startsWith('CREATE INDEX')).length);
    expect(indexes.every((i) => i['state'] === 'ONLINE')).toBe(true);
  });

  for (const batchSize of [1, 2, 1000]) {
    it(`resolves entities exactly as the embedded graph, in batches of ${batchSize}`, async () => {
      await wipe();
      const events = resolutionStory();
      const store = await openStore();
      try {
        for (let i = 0; i < events.length; i += batchSize) await store.appendEvents(events.slice(i, i + batchSize).map((f) => preparedFromFacts(f)));
      } finally {
        await store.close();
      }
      const want = embeddedSnapshot(events);
      expect(want.nodes).toContain('User:dave@contoso.com[bob@contoso.com,id-2,id-4]');
      expect(await neo4jSnapshot()).toEqual(want);
      const alice = await db.run("MATCH (u:User {key: 'alice@contoso.com'}) RETURN u.displayName AS name");
      expect(alice[0]?.['name']).toBe('Alice');
    });
  }

  it('re-ingests nothing: a re-run and a retried batch add no node, relationship or event', async () => {
    await wipe();
    const events = resolutionStory().map((f) => preparedFromFacts(f));
    const store = await openStore();
    try {
      expect((await store.appendEvents(events)).length).toBe(events.length);
      const counts = async () => (await db.run('MATCH (n) OPTIONAL MATCH (n)-[r]->() RETURN count(DISTINCT n) AS n, count(r) AS r'))[0]!;
      const before = await counts();
      // A retried batch (the same events again, twice at once) and a re-run both find everything stored.
      const again = await Promise.all([store.appendEvents(events), store.appendEvents(events.slice(2))]);
      expect(again.map((a) => a.length)).toEqual([0, 0]);
      expect(await counts()).toEqual(before);
    } finally {
      await store.close();
    }
  });

  it('keeps documents and raw evidence', async () => {
    await wipe();
    const store = await openStore();
    try {
      const [e] = resolutionStory().map((f) => ({ ...preparedFromFacts(f), raw: { UserPrincipalName: 'x@y', nested: { a: [1, 2] } } }));
      await store.appendEvents([e!]);
      const raw = await store.getRaw([e!.eventId, 'missing']);
      expect([...raw.keys()]).toEqual([e!.eventId]);
      expect(raw.get(e!.eventId)).toEqual({ table: 'SigninLogs', time: e!.time, raw: { UserPrincipalName: 'x@y', nested: { a: [1, 2] } } });
      await store.putDocs('chains', [
        { id: 'c-1', doc: { score: 3 } },
        { id: 'c-2', doc: { score: 5 } },
        { id: 'x-1', doc: {} },
      ]);
      await store.putDocs('chains', [{ id: 'c-1', doc: { score: 4 } }]);
      expect(await store.listDocs('chains', { prefix: 'c-' })).toEqual([
        { id: 'c-1', doc: { score: 4 } },
        { id: 'c-2', doc: { score: 5 } },
      ]);
      await store.deleteDocs('chains', ['c-2']);
      expect((await store.listDocs('chains')).map((d) => d.id)).toEqual(['c-1', 'x-1']);
      expect(await store.listDocs('other')).toEqual([]);
    } finally {
      await store.close();
    }
  });
});


describe.skipIf(SKIP_NEO4J)('idgraph on --store bolt://', () => {
  it('ingests the demo tenant and hunts every detector with the same rows as the embedded store', async () => {
    await wipe();
    const dir = mkdtempSync(join(tmpdir(), 'idgraph-neo4j-cli-'));
    dirs.push(dir);
    const first = await cli(['ingest', 'seeds/demo', '--store', uri, '--json']);
    expect(first.code, first.stderr).toBe(0);
    const summary = JSON.parse(first.stdout) as { tables: Record<string, { accepted: number; duplicate: number }> };
    const accepted = Object.values(summary.tables).reduce((s, c) => s + c.accepted, 0);
    expect(accepted).toBeGreaterThan(20_000);
    const again = JSON.parse((await cli(['ingest', 'seeds/demo', '--store', uri, '--json'])).stdout) as typeof summary;
    expect(Object.values(again.tables).reduce((s, c) => s + c.accepted, 0)).toBe(0);
    expect(Object.values(again.tables).reduce((s, c) => s + c.duplicate, 0)).toBe(accepted);

    const embedded = join(dir, 'store');
    expect((await cli(['ingest', 'seeds/demo', '--store', embedded, '--json'])).code).toBe(0);
    const range = ['--start', '2026-10-18T00:00:00Z', '--end', '2026-11-01T00:00:00Z', '--format', 'json'];
    const [onNeo4j, onDuck] = [await cli(['hunt', 'all', ...range, '--store', uri]), await cli(['hunt', 'all', ...range, '--store', embedded])];
    expect(onNeo4j.code, onNeo4j.stderr).toBe(0);
    const rows = JSON.parse(onNeo4j.stdout) as Record<string, unknown[]>;
    expect(Object.values(rows).reduce((s, r) => s + r.length, 0)).toBeGreaterThan(10);
    expect(rows).toEqual(JSON.parse(onDuck.stdout));

    const stats = JSON.parse((await cli(['stats', '--json', '--store', uri])).stdout) as { graph: { totalOccurrences: number }; events: { events: number }[] };
    const duckStats = JSON.parse((await cli(['stats', '--json', '--store', embedded])).stdout) as typeof stats;
    expect(stats.graph.totalOccurrences).toBe(duckStats.graph.totalOccurrences);
    expect(stats.events).toEqual(duckStats.events);
  }, 300_000);

  it('never prints a password, and says what is wrong with an unreachable server or a bad URI', async () => {
    const down = await cli(['stats', '--store', 'bolt://neo:hunter2@127.0.0.1:1'], { IDGRAPH_NEO4J_PASSWORD: 'sekrit-pw' });
    expect(down.code).not.toBe(0);
    expect(down.stderr).toContain('cannot reach Neo4j at bolt://127.0.0.1:1');
    expect(down.stderr + down.stdout).not.toMatch(/hunter2|sekrit-pw/);
    // An entity the server does not hold is named, not an internal error.
    const entity = await cli(['entity', 'user', 'nobody@contoso.com', '--store', uri]);
    expect(entity.code).not.toBe(0);
    expect(entity.stderr).toContain('no User nobody@contoso.com in the store');
    const bad = await cli(['hunt', 'all', '--store', uri, '--neo4j-database', 'no such db!']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('not a valid Neo4j database name');
  }, 120_000);
});

/** Runs the CLI from source; resolves with its exit code and output. */
function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  return cliSpawned(args, { env });
}
