/**
 * What the engine needs from a store beyond the graph: durable documents
 * (detections, chain state) and raw events for evidence. The DuckDB event
 * store implements it; so can the Neo4j store.
 */

import type { PreparedEvent } from '../ingest/prepared-event.js';

/** Where ingestion keeps accepted events before they reach the graph. */
export interface EventSink {
  /**
   * Keeps the events not kept before (by event id; the first copy in a batch wins) durably, in one
   * transaction, and resolves once they are kept with those new events in their input order: re-ingest
   * adds nothing, and the caller counts the rest as duplicates. Returns the same objects it was given.
   */
  appendEvents(events: readonly PreparedEvent[]): Promise<readonly PreparedEvent[]>;
}

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
