/**
 * What the engine needs from a store beyond the graph: durable documents
 * (detections, chain state) and raw events for evidence. The DuckDB event
 * store implements it; so can the Neo4j store.
 */

/** A stored raw event (evidence behind a detection step). */
export interface RawEvent {
  readonly table: string;
  readonly time: number;
  readonly raw: unknown;
}

export interface EngineDocuments {
  putDocs(collection: string, docs: { id: string; doc: unknown }[]): Promise<void>;
  listDocs(collection: string, opts?: { prefix?: string }): Promise<{ id: string; doc: unknown }[]>;
  deleteDocs(collection: string, ids: string[]): Promise<void>;
  getRaw(eventIds: string[]): Promise<Map<string, RawEvent>>;
}
