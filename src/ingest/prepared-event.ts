/**
 * The contract between reading records and storing them: a source record
 * becomes either a PreparedEvent (validated, with its stable id, time and
 * graph facts) or a Reject naming file, line and field. Format readers and
 * table schemas produce these; the ingest pipeline and stores consume them.
 */
import type { EventFacts } from '../graph/facts.js';
import type { TableName } from './table-names.js';

/** Where a record came from, for error messages and rejects files. */
export interface RecordOrigin {
  /** File path, or "-" for stdin, or a label such as "POST /v1/events". */
  readonly file: string;
  /** 1-based line (NDJSON/CSV) or element index + 1 (JSON arrays). */
  readonly line: number;
}

/** One record read from a source, before validation. */
export interface SourceRecord extends RecordOrigin {
  /** Table named by the record's Type, the file name or --table; undefined when nothing says. */
  readonly table: string | undefined;
  readonly record: Record<string, unknown>;
  /**
   * Epoch ms to use as the event time when the record has no time column at
   * all (a hunting-query export that projected it away): the file's
   * modification time, or when a stream was read. A time column that is
   * present but empty or malformed is still a reject.
   */
  readonly fallbackTime?: number;
  /** The record's own JSON text as UTF-8 bytes, when it was read from one (an NDJSON line). */
  readonly text?: Buffer;
}

/** A validated event, ready to store and to apply to the graph. */
export interface PreparedEvent extends RecordOrigin {
  readonly table: TableName;
  /** Stable id derived from the record: re-ingesting the same record yields the same id. */
  readonly eventId: string;
  /** Event time, epoch ms (TimeGenerated / Timestamp / the table's time column). */
  readonly time: number;
  /**
   * The record exactly as read (all columns kept), or null when `rawText` holds it: a batch waiting to be
   * stored then keeps a line's bytes per event, not its parsed objects, which collections would copy
   * (read either way with rawRecord / rawJson).
   */
  readonly raw: Record<string, unknown> | null;
  /** The JSON text the record was parsed from (UTF-8), when there was one: stores keep it rather than serialise the record again. */
  readonly rawText?: Buffer;
  readonly facts: EventFacts;
}

/** A prepared event's record as read: kept, or parsed again from its text. */
export function rawRecord(e: PreparedEvent): Record<string, unknown> {
  return e.raw ?? (JSON.parse(rawJson(e)) as Record<string, unknown>);
}

/** A prepared event's record as JSON text: its own text when read from one, else serialised. */
export function rawJson(e: PreparedEvent): string {
  return e.rawText ? e.rawText.toString('utf8') : JSON.stringify(e.raw);
}

/** Why a record was not accepted. `skipped` is for rows of tables idgraph does not ingest. */
export interface Reject extends RecordOrigin {
  readonly kind: 'rejected' | 'skipped';
  readonly table: string | undefined;
  /** zod issue path joined with "." (e.g. "TargetResources.0.userPrincipalName"), or "" for the whole record. */
  readonly path: string;
  readonly message: string;
}
