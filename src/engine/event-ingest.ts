/**
 * Ingestion into the engine: read a source (any format readSource knows),
 * prepare each record, keep the batch's new events in the event sink (the
 * DuckDB store, or MemoryDocuments without a disk; the first copy of an
 * event id wins, later ones count as duplicates) — durably, before the graph
 * sees them — then apply their facts to the temporal graph and hand the
 * batch's new occurrences to the engine's streaming hook. Bad records are counted and
 * the first ones kept with file, line, field and message; reading carries on.
 * One ingest runs at a time, so batches reach the engine in order.
 */
import type { TemporalGraph } from '../graph/temporal-graph.js';
import type { NewOccurrence } from '../detect/streaming.js';
import { readSource, type SourceInput } from '../ingest/formats/read-source.js';
import { prepareRecord } from '../ingest/prepare.js';
import type { PreparedEvent, Reject } from '../ingest/prepared-event.js';
import type { IdgraphEngine } from './idgraph-engine.js';
import type { EventSink } from './engine-store.js';

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
}

export const UNKNOWN_TABLE_BUCKET = '(unknown)';

export class EventIngest {
  private lock: Promise<unknown> = Promise.resolve();
  private readonly batchSize: number;
  private readonly maxRejects: number;

  constructor(
    private readonly graph: TemporalGraph,
    private readonly sink: EventSink,
    private readonly engine: IdgraphEngine,
    opts: EventIngestOptions = {},
  ) {
    this.batchSize = opts.batchSize ?? 1000;
    this.maxRejects = opts.maxRejects ?? 100;
  }

  /** Ingests one source; `table` names the table of records without a Type column. */
  ingest(source: SourceInput, opts: { table?: string } = {}): Promise<IngestOutcome> {
    const run = this.lock.then(() => this.run(source, opts));
    this.lock = run.catch(() => undefined);
    return run;
  }

  private async run(source: SourceInput, opts: { table?: string }): Promise<IngestOutcome> {
    const tables: Record<string, TableCounts> = {};
    const rejects: Reject[] = [];
    let rejectsTotal = 0;
    const counts = (t: string | undefined): TableCounts => (tables[t ?? UNKNOWN_TABLE_BUCKET] ??= { accepted: 0, duplicate: 0, rejected: 0, skipped: 0 });
    const note = (r: Reject): void => {
      counts(r.table)[r.kind === 'skipped' ? 'skipped' : 'rejected']++;
      if (r.kind === 'rejected') {
        rejectsTotal++;
        if (rejects.length < this.maxRejects) rejects.push(r);
      }
    };
    let batch: PreparedEvent[] = [];
    const flush = async (): Promise<void> => {
      if (batch.length === 0) return;
      const events = batch;
      batch = [];
      const occurrences: NewOccurrence[] = [];
      const fresh: PreparedEvent[] = [];
      const inBatch = new Set<string>();
      for (const e of events) {
        if (this.sink.hasEvent(e.eventId) || inBatch.has(e.eventId)) {
          counts(e.table).duplicate++;
          continue;
        }
        inBatch.add(e.eventId);
        fresh.push(e);
      }
      await this.sink.appendEvents(fresh);
      for (const e of fresh) {
        let applied;
        try {
          applied = this.graph.apply(e.facts);
        } catch (err) {
          // Facts the graph refuses cost this record only (it stays stored as raw evidence).
          note({ kind: 'rejected', file: e.file, line: e.line, table: e.table, path: '', message: (err as Error).message });
          continue;
        }
        for (const o of applied) occurrences.push({ kind: o.kind, from: o.from, to: o.to, time: o.time, eventId: o.eventId });
        counts(e.table).accepted++;
      }
      if (occurrences.length) await this.engine.onOccurrences(occurrences);
    };
    for await (const item of readSource(source, opts.table === undefined ? {} : { table: opts.table })) {
      const prepared = 'kind' in item ? item : prepareRecord(item);
      if ('kind' in prepared) {
        note(prepared);
        continue;
      }
      batch.push(prepared);
      if (batch.length >= this.batchSize) await flush();
    }
    await flush();
    return { tables, rejects, rejectsTotal };
  }
}
