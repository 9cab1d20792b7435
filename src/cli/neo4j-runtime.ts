/**
 * What `ingest`, `hunt` and `stats` work on when `--store` names a Neo4j
 * server: the Neo4j store (graph, raw events and documents in one database),
 * ingestion straight into it (each batch one write transaction), and hunts as
 * the detectors' compiled, parameterised Cypher: never an in-memory copy of
 * the graph.
 */
import type { CatalogEntry } from '../detect/catalog.js';
import { selectDetectors } from '../detect/catalog.js';
import { runCypherDetector } from '../detect/cypher/run.js';
import type { Value } from '../detect/expr/ast.js';
import { EventIngest, type IngestCallOptions, type IngestOutcome } from '../engine/event-ingest.js';
import type { SourceInput } from '../ingest/formats/read-source.js';
import { neo4jTargetFrom } from '../store/neo4j/neo4j-connection.js';
import { Neo4jStore } from '../store/neo4j/neo4j-store.js';

export interface Neo4jRuntime {
  readonly store: Neo4jStore;
  readonly catalog: ReadonlyMap<string, CatalogEntry>;
  /** The server and database, without secrets. */
  readonly location: string;
  ingest(source: SourceInput, opts: IngestCallOptions): Promise<IngestOutcome>;
  /** Runs detectors over a range on Neo4j; rows as the embedded hunt gives them. */
  hunt(
    ids: readonly string[],
    opts: { start: number; end: number; params?: (entry: CatalogEntry) => Record<string, Value> },
  ): Promise<{ id: string; columns: string[]; rows: Record<string, Value>[] }[]>;
  close(): Promise<void>;
}

/** Opens the Neo4j store a `--store` URI names (schema set up) with the detector catalog. */
export async function openNeo4jRuntime(input: {
  uri: string;
  user?: string;
  database?: string;
  catalog: ReadonlyMap<string, CatalogEntry>;
}): Promise<Neo4jRuntime> {
  const store = await Neo4jStore.open(neo4jTargetFrom(input.uri, { ...(input.user ? { user: input.user } : {}), ...(input.database ? { database: input.database } : {}) }));
  const ingest = new EventIngest(store, async (fresh) => store.refusals(fresh));
  return {
    store,
    catalog: input.catalog,
    location: store.location,
    ingest: (source, opts) => ingest.ingest(source, opts),
    async hunt(ids, opts) {
      const out = [];
      for (const e of selectDetectors(input.catalog, ids)) {
        const rows = await runCypherDetector(store, e.pattern, { start: opts.start, end: opts.end, params: opts.params?.(e) ?? {} });
        out.push({ id: e.definition.id, columns: [...e.pattern.columns], rows });
      }
      return out;
    },
    close: () => store.close(),
  };
}
