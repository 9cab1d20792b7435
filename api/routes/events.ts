/**
 * POST /v1/events: ingest raw telemetry — NDJSON, a JSON array (or any format
 * the readers know), gzip accepted (Content-Encoding or a gzip body), with
 * `?table=` for records that lack a Type column. Answers counts per table and
 * the first rejects with line, field and message; new detections are judged
 * by the engine's streaming hook as the batches are applied.
 */
import { Readable } from 'node:stream';
import { z } from 'zod';
import type { SourceInput } from '../../src/ingest/formats/read-source.js';
import type { Reject } from '../../src/ingest/prepared-event.js';
import { IdgraphError } from '../../src/errors.js';
import { ErrorBody } from '../errors.js';
import { defineRoute, type RouteModule } from '../route-module.js';

/** Per-table counts an ingest reports. */
export interface TableCountsLike {
  readonly accepted: number;
  readonly duplicate: number;
  readonly rejected: number;
  readonly skipped: number;
}

/** What the server's ingest answers (the memory ingest and the event store pipeline both give this). */
export interface EventIngestOutcome {
  readonly tables: Readonly<Record<string, TableCountsLike>>;
  readonly rejects: readonly Reject[];
  readonly rejectsTotal?: number;
}

/** Ingests one source into the server's store, graph and engine. */
export type EventIngest = (source: SourceInput, opts: { table?: string }) => Promise<EventIngestOutcome>;

/** The label rejects carry as their file. */
export const EVENTS_SOURCE = 'POST /v1/events';

const Counts = z
  .object({ accepted: z.number().int(), duplicate: z.number().int(), rejected: z.number().int(), skipped: z.number().int() })
  .meta({ id: 'IngestCounts', description: 'accepted: new events; duplicate: already stored; rejected: invalid; skipped: tables idgraph does not ingest' });

const RejectBody = z
  .object({
    file: z.string(),
    line: z.number().int().describe('1-based line (NDJSON) or element (JSON array)'),
    table: z.string().nullable(),
    path: z.string().describe('the field, as a dotted path ("" for the whole record)'),
    message: z.string(),
  })
  .meta({ id: 'IngestReject' });

export const IngestReport = z
  .object({
    tables: z.record(z.string(), Counts),
    totals: Counts,
    rejects: z.array(RejectBody).describe('the first rejects'),
    rejectsTotal: z.number().int(),
  })
  .meta({ id: 'IngestReport' });

/** The events route; `ingest` absent means the server holds no event store (503). */
export function eventRoutes(deps: { ingest?: EventIngest; onIngested?: (outcome: EventIngestOutcome) => void }): RouteModule {
  return {
    name: 'events',
    description: 'Raw telemetry in: Entra ID / Sentinel / Defender records.',
    routes: [
      defineRoute({
        method: 'post',
        path: '/events',
        scope: 'ingest',
        summary: 'Ingest events (NDJSON or a JSON array; gzip accepted)',
        description: 'Each record names its table in Type, or the whole body takes ?table=. Records already stored count as duplicates.',
        request: {
          query: z.object({ table: z.string().min(1).max(100).optional().describe('table of records without a Type column, e.g. SigninLogs') }),
          body: {
            kind: 'raw',
            contentTypes: ['application/x-ndjson', 'application/json', 'application/gzip'],
            description: 'NDJSON (one record per line) or a JSON array of records; Content-Encoding: gzip accepted.',
          },
        },
        responses: { 200: IngestReport, 503: ErrorBody },
      }).handle(async ({ query, body }) => {
        if (!deps.ingest) throw new IdgraphError('STORE', 'this server has no event store to ingest into');
        const source: SourceInput = { stream: Readable.from([body]), name: EVENTS_SOURCE };
        const outcome = await deps.ingest(source, query.table === undefined ? {} : { table: query.table });
        deps.onIngested?.(outcome);
        const totals = { accepted: 0, duplicate: 0, rejected: 0, skipped: 0 };
        const tables: Record<string, z.infer<typeof Counts>> = {};
        for (const [t, c] of Object.entries(outcome.tables)) {
          tables[t] = { accepted: c.accepted, duplicate: c.duplicate, rejected: c.rejected, skipped: c.skipped };
          totals.accepted += c.accepted;
          totals.duplicate += c.duplicate;
          totals.rejected += c.rejected;
          totals.skipped += c.skipped;
        }
        return {
          status: 200,
          body: {
            tables,
            totals,
            rejects: outcome.rejects
              .filter((r) => r.kind === 'rejected')
              .map((r) => ({ file: r.file, line: r.line, table: r.table ?? null, path: r.path, message: r.message })),
            rejectsTotal: outcome.rejectsTotal ?? totals.rejected,
          },
        };
      }),
    ],
  };
}
