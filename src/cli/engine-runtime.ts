/**
 * The engine a long-running command works on (`serve`, `chains`): the
 * detector catalog, a temporal graph, the IdgraphEngine over the store's
 * documents, and the ingest function that feeds both. Until the embedded
 * DuckDB workspace is wired in, the runtime keeps everything in memory
 * (MemoryDocuments), so a server starts empty and forgets on exit.
 */
import type { CatalogEntry } from '../detect/catalog.js';
import { IdgraphEngine, type EngineOptions } from '../engine/idgraph-engine.js';
import { MemoryDocuments } from '../engine/memory-documents.js';
import { MemoryIngest, type IngestOutcome } from '../engine/memory-ingest.js';
import type { SourceInput } from '../ingest/formats/read-source.js';
import { TemporalGraph } from '../graph/temporal-graph.js';

export interface EngineRuntime {
  readonly engine: IdgraphEngine;
  /** Where data lives: the store directory, or "memory". */
  readonly location: string;
  readonly durable: boolean;
  ingest(source: SourceInput, opts: { table?: string }): Promise<IngestOutcome>;
  close(): Promise<void>;
}

/** Opens the engine for a store directory and starts it (streaming state primed, chains restored). */
export async function openEngineRuntime(input: {
  storeDir: string;
  catalog: ReadonlyMap<string, CatalogEntry>;
  engine?: EngineOptions;
}): Promise<EngineRuntime> {
  const graph = new TemporalGraph();
  const docs = new MemoryDocuments();
  const engine = new IdgraphEngine(input.catalog, graph, docs, input.engine ?? {});
  await engine.start();
  const ingest = new MemoryIngest(graph, docs, engine);
  return {
    engine,
    location: 'memory',
    durable: false,
    ingest: (source, opts) => ingest.ingest(source, opts),
    close: async () => {},
  };
}
