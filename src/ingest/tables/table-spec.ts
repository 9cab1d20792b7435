/**
 * What each table module provides: its zod schema (only the columns the
 * engine reads; the others stay in the raw record only), its time, its stable
 * event id and its mapping to graph facts.
 */
import type { z } from 'zod';
import type { EventFacts } from '../../graph/facts.js';
import type { TableName } from '../table-names.js';

/** One ingested table. `R` is the schema's output (the validated, normalised record). */
export interface TableSpec<R = any> {
  readonly name: TableName;
  readonly schema: z.ZodType<R>;
  /** Time columns in the order they are tried; the first names the field of a "time required" reject. */
  readonly timeColumns: readonly string[];
  /** Event time in epoch ms, undefined when every time column is empty. */
  time(rec: R): number | undefined;
  /** Stable id of the event (see event-id.ts); `time` is the event time already decided. */
  eventId(rec: R, raw: Record<string, unknown>, time: number): string;
  /** Nodes and edge occurrences the event contributes. */
  toFacts(rec: R, eventId: string, time: number): EventFacts;
}
