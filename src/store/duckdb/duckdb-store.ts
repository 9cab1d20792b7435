/**
 * The durable embedded store: raw events and engine documents in one DuckDB
 * file. Events are kept under their stable id and a sequence number in
 * arrival order; a batch is appended in one transaction, so a crash never
 * leaves half of one. The temporal graph is restored from a snapshot file
 * beside it (graph-snapshot-file.ts) plus the events stored after it, or
 * rebuilt from the raw records. DuckDB stores; it never answers a hunt.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { EngineDocuments, EventSink, RawEvent } from '../../engine/engine-store.js';
import { TaskQueue } from '../../engine/task-queue.js';
import { IdgraphError } from '../../errors.js';
import { rawJson, type PreparedEvent } from '../../ingest/prepared-event.js';

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS events (
     event_id VARCHAR NOT NULL, table_name VARCHAR NOT NULL, time BIGINT NOT NULL, seq BIGINT NOT NULL,
     raw VARCHAR NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS docs (collection VARCHAR NOT NULL, id VARCHAR NOT NULL, doc VARCHAR NOT NULL, PRIMARY KEY (collection, id))`,
  // Each checkpoint rewrites the events table's last, partly filled row group (up to 122,880 raw records);
  // at the default 16 MB of log that came every few thousand events and took most of a bulk load's time.
  // Commits stay durable in the log either way; close() checkpoints.
  `SET checkpoint_threshold = '1GB'`,
];

/** A stored event as a restart reads it back: its id, table, time and raw record's JSON text. */
export interface StoredEvent {
  readonly eventId: string;
  readonly table: string;
  readonly time: number;
  readonly raw: string;
}

/** Rows per IN-list query when reading raw events back. */
const LOOKUP_CHUNK = 500;

export class DuckDbStore implements EngineDocuments, EventSink {
  /**
   * Stored event ids, read on the first append (dedupe): a command that only reads never needs them, and
   * reading them took about a third of a second per 100,000 events of every command's start.
   */
  private known: Set<string> | null = null;
  private count = 0;
  private seq = 0;
  private id: string = randomUUID();
  /** Serialises writes: one transaction at a time on the single connection. */
  private readonly writes = new TaskQueue();

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly conn: DuckDBConnection,
    readonly path: string,
  ) {}

  /** Opens (creating if needed) the store in a directory. */
  static async open(dir: string): Promise<DuckDbStore> {
    mkdirSync(dir, { recursive: true });
    const path = join(dir, 'idgraph.duckdb');
    let instance: DuckDBInstance;
    try {
      instance = await DuckDBInstance.create(path);
    } catch (err) {
      throw new IdgraphError('STORE', `cannot open the store at ${path}: ${(err as Error).message}`, { path }, { cause: err });
    }
    const conn = await instance.connect();
    for (const sql of SCHEMA) await conn.run(sql);
    // Stores before graph snapshots kept each event's facts too: a copy of what the raw record gives.
    const facts = await conn.runAndReadAll(`SELECT count(*) FROM information_schema.columns WHERE table_name = 'events' AND column_name = 'facts'`);
    if (Number(facts.getRows()[0]![0]) > 0) await conn.run('ALTER TABLE events DROP COLUMN facts');
    const store = new DuckDbStore(instance, conn, path);
    const identity = await store.listDocs('store', { prefix: 'identity' });
    const id = (identity[0]?.doc as { id?: unknown } | undefined)?.id;
    if (typeof id === 'string') store.id = id;
    else await store.putDocs('store', [{ id: 'identity', doc: { id: store.id } }]);
    const counts = (await conn.runAndReadAll('SELECT count(*), coalesce(max(seq), 0) FROM events')).getRows()[0]!;
    store.count = Number(counts[0]);
    store.seq = Number(counts[1]);
    return store;
  }

  /** The stored event ids, read once (callers run inside serial(), so it is never read twice at once). */
  private async knownIds(): Promise<Set<string>> {
    if (this.known) return this.known;
    const known = new Set<string>();
    const ids = await this.conn.stream('SELECT event_id FROM events');
    for (;;) {
      const chunk = await ids.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      for (const [id] of chunk.getRows()) known.add(String(id));
    }
    return (this.known = known);
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    return this.writes.run(work);
  }

  /** This store's identity, made when it was created (a graph snapshot names the store it came from). */
  get storeId(): string {
    return this.id;
  }

  /** The sequence number of the last stored event (0 when none): events are numbered in arrival order. */
  get lastSeq(): number {
    return this.seq;
  }

  /** Number of stored events. */
  get eventCount(): number {
    return this.count;
  }

  /** Appends new events in one transaction; returns the new ones once committed. Ids already stored are skipped. */
  appendEvents(events: readonly PreparedEvent[]): Promise<readonly PreparedEvent[]> {
    return this.serial(async () => {
      const known = await this.knownIds();
      const fresh: PreparedEvent[] = [];
      const batchIds = new Set<string>();
      for (const e of events) {
        if (known.has(e.eventId) || batchIds.has(e.eventId)) continue;
        batchIds.add(e.eventId);
        fresh.push(e);
      }
      if (fresh.length === 0) return fresh;
      await this.conn.run('BEGIN TRANSACTION');
      try {
        const appender = await this.conn.createAppender('events');
        let seq = this.seq;
        for (const e of fresh) {
          appender.appendVarchar(e.eventId);
          appender.appendVarchar(e.table);
          appender.appendBigInt(BigInt(Math.trunc(e.time)));
          appender.appendBigInt(BigInt(++seq));
          appender.appendVarchar(rawJson(e));
          appender.endRow();
        }
        appender.closeSync();
        await this.conn.run('COMMIT');
        this.seq = seq;
      } catch (err) {
        await this.conn.run('ROLLBACK').catch(() => undefined);
        throw new IdgraphError('STORE', `could not store a batch of ${fresh.length} events: ${(err as Error).message}`, undefined, { cause: err });
      }
      for (const e of fresh) known.add(e.eventId);
      this.count += fresh.length;
      return fresh;
    });
  }

  /**
   * Stored events with a sequence number above `afterSeq`, in arrival order: the order the graph took them
   * in, so replaying gives the same graph (a node's first non-empty property value wins, so time order
   * could give it another).
   */
  async *scanEvents(opts: { afterSeq?: number } = {}): AsyncGenerator<StoredEvent> {
    const result = await this.conn.stream('SELECT event_id, table_name, time, raw FROM events WHERE seq > $after ORDER BY seq', {
      after: BigInt(Math.trunc(opts.afterSeq ?? 0)),
    });
    for (;;) {
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      for (const [id, table, time, raw] of chunk.getRows()) yield { eventId: String(id), table: String(table), time: Number(time), raw: String(raw) };
    }
  }

  /** How many events have a sequence number above `seq` (what scanEvents({ afterSeq: seq }) reads). */
  async countAfter(seq: number): Promise<number> {
    const rows = await this.conn.runAndReadAll('SELECT count(*) FROM events WHERE seq > $after', { after: BigInt(Math.trunc(seq)) });
    return Number(rows.getRows()[0]![0]);
  }

  /** How many events are older than t (what dropBefore(t) would delete). */
  async countBefore(t: number): Promise<number> {
    const rows = await this.conn.runAndReadAll('SELECT count(*) FROM events WHERE time < $t', { t: BigInt(Math.trunc(t)) });
    return Number(rows.getRows()[0]![0]);
  }

  /** Deletes events older than t (retention); returns how many. */
  dropBefore(t: number): Promise<number> {
    return this.serial(async () => {
      const dropped = (await this.conn.run('DELETE FROM events WHERE time < $t', { t: BigInt(Math.trunc(t)) })).rowsChanged;
      // The ids, when they were read, are read again at the next append rather than fetched here to delete.
      if (dropped > 0) this.known = null;
      this.count -= dropped;
      return dropped;
    });
  }

  async getRaw(eventIds: string[]): Promise<Map<string, RawEvent>> {
    const out = new Map<string, RawEvent>();
    // Ids known not to be stored need no query (when the ids were read); the query finds the rest.
    const wanted = [...new Set(eventIds)].filter((id) => !this.known || this.known.has(id));
    for (let i = 0; i < wanted.length; i += LOOKUP_CHUNK) {
      const part = wanted.slice(i, i + LOOKUP_CHUNK);
      const placeholders = part.map((_, k) => `$${k + 1}`).join(', ');
      const rows = await this.conn.runAndReadAll(`SELECT event_id, table_name, time, raw FROM events WHERE event_id IN (${placeholders})`, part);
      for (const [id, table, time, raw] of rows.getRows()) {
        out.set(String(id), { table: String(table), time: Number(time), raw: JSON.parse(String(raw)) as unknown });
      }
    }
    return out;
  }

  putDocs(collection: string, docs: { id: string; doc: unknown }[]): Promise<void> {
    if (docs.length === 0) return Promise.resolve();
    return this.serial(async () => {
      await this.conn.run('BEGIN TRANSACTION');
      try {
        for (const d of docs) {
          await this.conn.run('INSERT OR REPLACE INTO docs VALUES ($1, $2, $3)', [collection, d.id, JSON.stringify(d.doc)]);
        }
        await this.conn.run('COMMIT');
      } catch (err) {
        await this.conn.run('ROLLBACK').catch(() => undefined);
        throw new IdgraphError('STORE', `could not store ${collection} documents: ${(err as Error).message}`, undefined, { cause: err });
      }
    });
  }

  async listDocs(collection: string, opts: { prefix?: string } = {}): Promise<{ id: string; doc: unknown }[]> {
    const rows = await this.conn.runAndReadAll('SELECT id, doc FROM docs WHERE collection = $1 AND starts_with(id, $2) ORDER BY id', [collection, opts.prefix ?? '']);
    return rows.getRows().map(([id, doc]) => ({ id: String(id), doc: JSON.parse(String(doc)) as unknown }));
  }

  deleteDocs(collection: string, ids: string[]): Promise<void> {
    if (ids.length === 0) return Promise.resolve();
    return this.serial(async () => {
      for (let i = 0; i < ids.length; i += LOOKUP_CHUNK) {
        const part = ids.slice(i, i + LOOKUP_CHUNK);
        await this.conn.run(`DELETE FROM docs WHERE collection = $1 AND id IN (${part.map((_, k) => `$${k + 2}`).join(', ')})`, [collection, ...part]);
      }
    });
  }

  /** Event counts per table and the time span, for `idgraph stats`. */
  async eventStats(): Promise<{ table: string; events: number; first: number; last: number }[]> {
    const rows = await this.conn.runAndReadAll('SELECT table_name, count(*), min(time), max(time) FROM events GROUP BY table_name ORDER BY table_name');
    return rows.getRows().map(([t, n, a, b]) => ({ table: String(t), events: Number(n), first: Number(a), last: Number(b) }));
  }

  /** Waits for pending writes, checkpoints and closes. */
  async close(): Promise<void> {
    await this.writes.run(() => undefined);
    await this.conn.run('CHECKPOINT').catch(() => undefined);
    this.conn.closeSync();
    this.instance.closeSync();
  }
}
