/**
 * Ingestion into the engine: read a source (any format readSource knows),
 * prepare each record, keep the batch's new events in the event sink (the
 * DuckDB or Neo4j store, or MemoryDocuments without a disk; the first copy of
 * an event id wins, later ones count as duplicates) — durably, before any
 * detector sees them — then hand the new events to the batch handler: on the
 * embedded engine, applyToGraph puts their facts in the temporal graph and
 * gives the new occurrences to the engine's streaming hook; the Neo4j store
 * has already written them to its graph in the same transaction. Bad records are counted and
 * the first ones kept with file, line, field and message; reading carries on.
 * One ingest runs at a time (a TaskQueue, which the runtime shares with graph
 * snapshots), so batches reach the engine in order.
 */
import type { TemporalGraph } from '../graph/temporal-graph.js';
import type { NewOccurrence } from '../detect/streaming.js';
import { readSource, type SourceInput } from '../ingest/formats/read-source.js';
import { prepareRecord } from '../ingest/prepare.js';
import type { PreparedEvent, Reject } from '../ingest/prepared-event.js';
import type { IdgraphEngine } from './idgraph-engine.js';
import type { EventSink } from './engine-store.js';
import { TaskQueue } from './task-queue.js';

/** Per-table outcome of an ingest. */
export interface TableCounts {
  accepted: number;
  duplicate: number;
  rejected: number;
  skipped: number;
}

/** What an ingest did: counts per table (records with no known table under "(unknown)") and the first rejects. */
export interface IngestOutcome {
  readonly tables: Record<string, TableCounts>;
  readonly rejects: Reject[];
  readonly rejectsTotal: number;
}

export interface EventIngestOptions {
  /** Records per batch handed to the engine. Default 1000. */
  readonly batchSize?: number;
  /** Rejects kept in the outcome (all are counted). Default 100. */
  readonly maxRejects?: number;
  /** The queue ingests wait their turn in (shared with other ingests and snapshots of the same graph). Default: one of its own. */
  readonly queue?: TaskQueue;
}

export const UNKNOWN_TABLE_BUCKET = '(unknown)';

/** Options of one ingest call. */
export interface IngestCallOptions {
  /** Table of records that carry no Type and whose file name names none. */
  readonly table?: string;
  /** Told of every rejected record (the outcome keeps only the first few), e.g. to write a rejects file. */
  readonly onReject?: (r: Reject) => void;
  /** Told after each stored batch how many records of this source have been read so far (a progress display). */
  readonly onProgress?: (recordsRead: number) => void;
}

/** What happens to a batch's new events once stored; returns the events it refused (stored as evidence, counted rejected). */
export type StoredBatchHandler = (fresh: readonly PreparedEvent[]) => Promise<readonly { event: PreparedEvent; message: string }[]>;

/**
 * The embedded engine's batch handler: facts into the temporal graph, new occurrences to the streaming
 * engine. Without an engine the graph only grows, for a bulk load judged once at the end (IdgraphEngine.start).
 */
export function applyToGraph(graph: TemporalGraph, engine?: IdgraphEngine): StoredBatchHandler {
  return async (fresh) => {
    const refused: { event: PreparedEvent; message: string }[] = [];
    const occurrences: NewOccurrence[] = [];
    for (const e of fresh) {
      try {
        const added = graph.apply(e.facts);
        // A bulk load (no engine) judges the store once at the end: nothing to hand on per occurrence.
        if (engine) for (const o of added) occurrences.push({ kind: o.kind, from: o.from, to: o.to, time: o.time, eventId: o.eventId });
      } catch (err) {
        // Facts the graph refuses cost this record only (it stays stored as raw evidence).
        refused.push({ event: e, message: (err as Error).message });
      }
    }
    if (engine && occurrences.length) await engine.onOccurrences(occurrences);
    return refused;
  };
}

export class EventIngest {
  private readonly queue: TaskQueue;
  private readonly batchSize: number;
  private readonly maxRejects: number;

  constructor(
    private readonly sink: EventSink,
    private readonly onStored: StoredBatchHandler = async () => [],
    opts: EventIngestOptions = {},
  ) {
    this.batchSize = opts.batchSize ?? 1000;
    this.maxRejects = opts.maxRejects ?? 100;
    this.queue = opts.queue ?? new TaskQueue();
  }

  /** Ingests one source; `table` names the table of records without a Type column. */
  ingest(source: SourceInput, opts: IngestCallOptions = {}): Promise<IngestOutcome> {
    return this.queue.run(() => this.run(source, opts));
  }

  private async run(source: SourceInput, opts: IngestCallOptions): Promise<IngestOutcome> {
    const tables: Record<string, TableCounts> = {};
    const rejects: Reject[] = [];
    let rejectsTotal = 0;
    const counts = (t: string | undefined): TableCounts => (tables[t ?? UNKNOWN_TABLE_BUCKET] ??= { accepted: 0, duplicate: 0, rejected: 0, skipped: 0 });
    const note = (r: Reject): void => {
      counts(r.table)[r.kind === 'skipped' ? 'skipped' : 'rejected']++;
      if (r.kind === 'rejected') {
        rejectsTotal++;
        opts.onReject?.(r);
        if (rejects.length < this.maxRejects) rejects.push(r);
      }
    };
    let batch: PreparedEvent[] = [];
    let read = 0;
    const flush = async (): Promise<void> => {
      if (batch.length === 0) return;
      const events = batch;
      batch = [];
      const fresh = await this.sink.appendEvents(events);
      const isFresh = new Set(fresh);
      for (const e of events) if (!isFresh.has(e)) counts(e.table).duplicate++;
      const refused = new Set<PreparedEvent>();
      for (const { event: e, message } of await this.onStored(fresh)) {
        refused.add(e);
        note({ kind: 'rejected', file: e.file, line: e.line, table: e.table, path: '', message });
      }
      for (const e of fresh) if (!refused.has(e)) counts(e.table).accepted++;
      opts.onProgress?.(read);
    };
    // One batch is stored while the next is read and prepared (the store commits off the main thread);
    // batches still reach the store, the graph and the engine one at a time and in order.
    let storing: Promise<void> = Promise.resolve();
    for await (const item of readSource(source, opts.table === undefined ? {} : { table: opts.table })) {
      read++;
      const prepared = 'kind' in item ? item : prepareRecord(item);
      if ('kind' in prepared) {
        note(prepared);
        continue;
      }
      batch.push(prepared);
      if (batch.length >= this.batchSize) {
        await storing;
        storing = flush();
      }
    }
    await storing;
    await flush();
    return { tables, rejects, rejectsTotal };
  }
}
