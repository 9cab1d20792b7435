/**
 * The Neo4j schema idgraph needs, created idempotently (IF NOT EXISTS) and
 * awaited before any load: a uniqueness constraint on each node kind's `key`
 * (it also serves key lookups), on raw events' `eventId`, on alias names and
 * on documents; a range index on each edge kind's `time` (every detector's
 * window is a range on it) and `eventId` (evidence lookups). Labels and types
 * come from the closed vocabulary in src/graph/schema.ts, never from data.
 */
import type { Driver } from 'neo4j-driver';
import { EDGE_KIND_NAMES, NODE_KIND_NAMES } from '../../graph/schema.js';

/** Label of raw events, alias names and engine documents (not graph entities). */
export const EVENT_LABEL = 'IdgraphEvent';
export const ALIAS_LABEL = 'IdgraphAlias';
export const DOC_LABEL = 'IdgraphDoc';

/** The schema statements, in order. */
export function schemaStatements(): string[] {
  const out: string[] = [];
  for (const kind of NODE_KIND_NAMES) out.push(`CREATE CONSTRAINT idgraph_${kind.toLowerCase()}_key IF NOT EXISTS FOR (n:${kind}) REQUIRE n.key IS UNIQUE`);
  out.push(`CREATE CONSTRAINT idgraph_event_id IF NOT EXISTS FOR (e:${EVENT_LABEL}) REQUIRE e.eventId IS UNIQUE`);
  out.push(`CREATE INDEX idgraph_event_time IF NOT EXISTS FOR (e:${EVENT_LABEL}) ON (e.time)`);
  out.push(`CREATE CONSTRAINT idgraph_alias_uid IF NOT EXISTS FOR (a:${ALIAS_LABEL}) REQUIRE a.uid IS UNIQUE`);
  out.push(`CREATE INDEX idgraph_alias_canonical IF NOT EXISTS FOR (a:${ALIAS_LABEL}) ON (a.kind, a.canonical)`);
  out.push(`CREATE CONSTRAINT idgraph_doc_uid IF NOT EXISTS FOR (d:${DOC_LABEL}) REQUIRE d.uid IS UNIQUE`);
  out.push(`CREATE INDEX idgraph_doc_collection IF NOT EXISTS FOR (d:${DOC_LABEL}) ON (d.collection)`);
  for (const kind of EDGE_KIND_NAMES) {
    out.push(`CREATE INDEX idgraph_${kind.toLowerCase()}_time IF NOT EXISTS FOR ()-[r:${kind}]-() ON (r.time)`);
    out.push(`CREATE INDEX idgraph_${kind.toLowerCase()}_event IF NOT EXISTS FOR ()-[r:${kind}]-() ON (r.eventId)`);
  }
  return out;
}

/** Creates whatever of the schema is missing and waits until every index is online. */
export async function ensureSchema(driver: Driver, database?: string): Promise<void> {
  const session = driver.session(database ? { database } : {});
  try {
    for (const stmt of schemaStatements()) await session.run(stmt);
    await session.run('CALL db.awaitIndexes(300)');
  } finally {
    await session.close();
  }
}
