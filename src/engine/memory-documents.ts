/**
 * EngineDocuments held in memory: detections, chain state and raw events for
 * an engine that runs without a disk store (embedded in a test, a one-shot
 * CLI run, a demo). Nothing survives the process; the DuckDB store is the
 * durable implementation of the same interface.
 */
import { rawRecord, type PreparedEvent } from '../ingest/prepared-event.js';
import type { EngineDocuments, EventSink, RawEvent } from './engine-store.js';

export class MemoryDocuments implements EngineDocuments, EventSink {
  private readonly collections = new Map<string, Map<string, unknown>>();
  private readonly raw = new Map<string, RawEvent>();

  async putDocs(collection: string, docs: { id: string; doc: unknown }[]): Promise<void> {
    let c = this.collections.get(collection);
    if (!c) this.collections.set(collection, (c = new Map()));
    // Deep copies, so callers mutating their objects later cannot change what was "stored".
    for (const d of docs) c.set(d.id, structuredClone(d.doc));
  }

  async listDocs(collection: string, opts: { prefix?: string } = {}): Promise<{ id: string; doc: unknown }[]> {
    const c = this.collections.get(collection);
    if (!c) return [];
    const prefix = opts.prefix ?? '';
    return [...c.entries()]
      .filter(([id]) => id.startsWith(prefix))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([id, doc]) => ({ id, doc: structuredClone(doc) }));
  }

  async deleteDocs(collection: string, ids: string[]): Promise<void> {
    const c = this.collections.get(collection);
    if (c) for (const id of ids) c.delete(id);
  }

  async getRaw(eventIds: string[]): Promise<Map<string, RawEvent>> {
    const out = new Map<string, RawEvent>();
    for (const id of eventIds) {
      const e = this.raw.get(id);
      if (e) out.set(id, e);
    }
    return out;
  }

  /** Keeps raw events (the first copy of an id wins, as the event store deduplicates); returns how many were new. */
  putRaw(events: Iterable<{ eventId: string } & RawEvent>): number {
    let added = 0;
    for (const e of events) {
      if (this.raw.has(e.eventId)) continue;
      this.raw.set(e.eventId, { table: e.table, time: e.time, raw: e.raw });
      added++;
    }
    return added;
  }

  async appendEvents(events: readonly PreparedEvent[]): Promise<readonly PreparedEvent[]> {
    const seen = new Set<string>();
    const fresh = events.filter((e) => !this.raw.has(e.eventId) && !seen.has(e.eventId) && seen.add(e.eventId));
    this.putRaw(fresh.map((e) => ({ eventId: e.eventId, table: e.table, time: e.time, raw: rawRecord(e) })));
    return fresh;
  }

  /** Whether a raw event with this id is held. */
  hasRaw(eventId: string): boolean {
    return this.raw.has(eventId);
  }

  /** Number of raw events held. */
  get rawCount(): number {
    return this.raw.size;
  }
}
