/**
 * The Neo4j the Cypher tests run against (IDGRAPH_TEST_NEO4J_URI, set by
 * test/neo4j-global-setup.ts), as a plain `run` returning records as objects,
 * and loading through the Neo4j store's real loader.
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
import { TemporalGraph } from '../../src/graph/temporal-graph.js';
import type { PreparedEvent } from '../../src/ingest/prepared-event.js';
import type { TableName } from '../../src/ingest/table-names.js';
import { neo4jTargetFrom } from '../../src/store/neo4j/neo4j-connection.js';
import { Neo4jStore } from '../../src/store/neo4j/neo4j-store.js';

/** A PreparedEvent carrying only facts (the raw record is not what these suites compare). */
export function preparedFromFacts(f: EventFacts, line = 1): PreparedEvent {
  return { file: 'facts', line, table: f.table as TableName, eventId: f.eventId, time: f.time, raw: {}, facts: f };
}

/**
 * Empties the test Neo4j and loads the events through the Neo4j store's own loader (batches of 1000, as
 * ingestion does); returns the embedded graph of the same events for comparison.
 */
export async function loadBoth(db: TestNeo4j, events: readonly EventFacts[]): Promise<TemporalGraph> {
  await db.run('MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 5000 ROWS');
  const store = await Neo4jStore.open(neo4jTargetFrom(NEO4J_TEST_URI ?? 'bolt://127.0.0.1:7687', {}, {}));
  try {
    for (let i = 0; i < events.length; i += 1000) await store.appendEvents(events.slice(i, i + 1000).map((f, k) => preparedFromFacts(f, i + k + 1)));
  } finally {
    await store.close();
  }
  const g = new TemporalGraph();
  for (const e of events) g.apply(e);
  return g;
}
