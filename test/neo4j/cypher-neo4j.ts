/**
 * The Neo4j the Cypher tests run against, as a plain `run` returning records
 * as objects. Interim: connects to IDGRAPH_TEST_NEO4J_URI until the Neo4j
 * store's test setup provides one.
 */
import neo4j from 'neo4j-driver';

export interface TestNeo4j {
  run(cypher: string, params?: Record<string, unknown>): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

/**
 * Whether these suites can run: test/neo4j-global-setup.ts starts the embedded Neo4j and sets
 * IDGRAPH_TEST_NEO4J_URI when Java and Maven are here (a skip that says so otherwise); under CI they
 * must run, so a missing URI there is a failure, not a skip.
 */
export const NEO4J_TEST_URI = process.env['IDGRAPH_TEST_NEO4J_URI'];
export const SKIP_NEO4J = NEO4J_TEST_URI === undefined && process.env['CI'] !== 'true';
if (SKIP_NEO4J && process.env['VITEST']) console.warn('test/neo4j Cypher suites skipped: no Java/Maven to start the embedded Neo4j 5.26, and IDGRAPH_TEST_NEO4J_URI is not set');

/** Opens a session factory on the test Neo4j. */
export async function openTestNeo4j(): Promise<TestNeo4j> {
  const uri = NEO4J_TEST_URI ?? 'bolt://127.0.0.1:7687';
  const driver = neo4j.driver(uri);
  await driver.verifyConnectivity();
  return {
    async run(cypher, params = {}) {
      const session = driver.session();
      try {
        return (await session.run(cypher, params)).records.map((r) => r.toObject());
      } finally {
        await session.close();
      }
    },
    close: () => driver.close(),
  };
}

import type { EventFacts } from '../../src/graph/facts.js';
import { EDGE_KIND_NAMES, NODE_KIND_NAMES, type NodeKind } from '../../src/graph/schema.js';
import { TemporalGraph } from '../../src/graph/temporal-graph.js';

/**
 * Interim loader until the Neo4j store's loadFacts lands: writes the embedded
 * graph's nodes (after entity resolution, aliases as a list property) and one
 * relationship per occurrence with its time, event id and properties, in the
 * model the store uses. Returns the embedded graph for comparison.
 */
export async function loadMirror(db: TestNeo4j, events: readonly EventFacts[]): Promise<TemporalGraph> {
  await db.run('MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 5000 ROWS');
  const g = new TemporalGraph();
  for (const e of events) g.apply(e);
  const props = new Map<string, Readonly<Record<string, unknown>>>();
  const canon = (r: { kind: NodeKind; key: string }): string => g.resolve(r.kind, r.key) ?? r.key;
  for (const e of events) for (const ef of e.edges) props.set(`${ef.kind}|${ef.eventId}|${canon(ef.from)}|${canon(ef.to)}`, ef.props);
  for (const kind of NODE_KIND_NAMES) {
    const rows = [...g.nodesOfKind(kind)].map((ref) => ({ ...(g.nodeProps(ref) ?? {}), key: ref.key, aliases: [...g.nodeAliases(ref)] }));
    for (let i = 0; i < rows.length; i += 5000) await db.run(`UNWIND $rows AS row CREATE (n:${kind}) SET n = row`, { rows: rows.slice(i, i + 5000) });
  }
  for (const kind of EDGE_KIND_NAMES) {
    const byEnds = new Map<string, Record<string, unknown>[]>();
    for (const e of g.edgesOfKind(kind)) {
      const ends = `${e.from.kind}|${e.to.kind}`;
      const rows = byEnds.get(ends) ?? [];
      byEnds.set(ends, rows);
      for (let i = 0; i < e.size; i++) {
        const p: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(props.get(`${kind}|${e.eventId(i)}|${e.from.key}|${e.to.key}`) ?? {})) if (v !== null) p[k] = v;
        rows.push({ a: e.from.key, b: e.to.key, props: { ...p, time: neo4j.int(e.time(i)), eventId: e.eventId(i) } });
      }
    }
    for (const [ends, rows] of byEnds) {
      const [fk, tk] = ends.split('|') as [NodeKind, NodeKind];
      for (let i = 0; i < rows.length; i += 5000) {
        await db.run(`UNWIND $rows AS row MATCH (a:${fk} {key: row.a}), (b:${tk} {key: row.b}) CREATE (a)-[r:${kind}]->(b) SET r = row.props`, {
          rows: rows.slice(i, i + 5000),
        });
      }
    }
  }
  return g;
}
