/**
 * EngineDocuments held in memory: detections, chain state and raw events for
 * an engine that runs without a disk store (embedded in a test, a one-shot
 * CLI run, a demo). Nothing survives the process; the DuckDB store is the
 * durable implementation of the same interface.
 */
import { rawJson, type PreparedEvent } from '../ingest/prepared-event.js';
import type { EngineDocuments, EventSink, RawEvent } from './engine-store.js';

/** A raw event as held: its record, or (read from a line of text) that text, parsed when asked for, as the DuckDB store does. */
type HeldEvent = { readonly table: string; readonly time: number } & ({ readonly raw: unknown } | { readonly json: string });

export class MemoryDocuments implements EngineDocuments, EventSink {
  private readonly collections = new Map<string, Map<string, unknown>>();
  private readonly raw = new Map<string, HeldEvent>();

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
      if (e) out.set(id, 'json' in e ? { table: e.table, time: e.time, raw: JSON.parse(e.json) as unknown } : e);
    }
    return out;
  }

  /** Keeps raw events (the first copy of an id wins, as the event store deduplicates); returns how many were new. */
  putRaw(events: Iterable<{ eventId: string } & RawEvent>): number {
    return this.hold(events);
  }

  async appendEvents(events: readonly PreparedEvent[]): Promise<readonly PreparedEvent[]> {
    const seen = new Set<string>();
    const fresh = events.filter((e) => !this.raw.has(e.eventId) && !seen.has(e.eventId) && seen.add(e.eventId));
    // A record read from a line is held as that line, not parsed a second time to be kept as objects.
    this.hold(fresh.map((e) => (e.raw !== null ? { eventId: e.eventId, table: e.table, time: e.time, raw: e.raw } : { eventId: e.eventId, table: e.table, time: e.time, json: rawJson(e) })));
    return fresh;
  }

  /** Keeps events by id, the first copy winning; returns how many were new. */
  private hold(events: Iterable<{ eventId: string } & HeldEvent>): number {
    let added = 0;
    for (const e of events) {
      if (this.raw.has(e.eventId)) continue;
      const { eventId: _id, ...held } = e;
      this.raw.set(e.eventId, held);
      added++;
    }
    return added;
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
