/**
 * A source record becomes a PreparedEvent (validated, with its stable id,
 * time and graph facts) or a Reject naming file, line and field. Pure and
 * synchronous: the pipeline, the API and the detector test harness all call it.
 */
import type { z } from 'zod';
import type { EventFacts } from '../graph/facts.js';
import { isJsonObject } from './formats/own-keys.js';
import { UNKNOWN_TABLE_MESSAGE } from './formats/record-table.js';
import type { PreparedEvent, Reject, SourceRecord } from './prepared-event.js';
import { resolveTableName, type TableName } from './table-names.js';
import { normalizeColumns } from './tables/normalize-columns.js';
import { TABLES } from './tables/index.js';

/** Validates a record against its table's schema and maps it to graph facts; never throws. */
export function prepareRecord(src: SourceRecord): PreparedEvent | Reject {
  const reject = (path: string, message: string, table: string | undefined = src.table): Reject => ({
    kind: 'rejected',
    file: src.file,
    line: src.line,
    table,
    path,
    message,
  });
  if (!isJsonObject(src.record)) return reject('', 'expected a JSON object');
  const table = tableOf(src);
  if (!table) return reject('Type', UNKNOWN_TABLE_MESSAGE);
  const spec = TABLES[table];
  const parsed = spec.schema.safeParse(src.record);
  if (!parsed.success) {
    const [first, ...more] = parsed.error.issues as z.core.$ZodIssue[];
    const extra = more.length > 0 ? ` (and ${more.length} more issue${more.length > 1 ? 's' : ''})` : '';
    return reject(first!.path.map(String).join('.'), `${first!.message}${extra}`, table);
  }
  const rec = parsed.data;
  let time = spec.time(rec);
  if (time === undefined) {
    const columns = normalizeColumns(src.record) as Record<string, unknown>;
    const hasTimeColumn = spec.timeColumns.some((c) => Object.hasOwn(columns, c));
    if (hasTimeColumn || src.fallbackTime === undefined) {
      return reject(spec.timeColumns[0]!, `time required: ${spec.timeColumns.join(' or ')} is empty or missing`, table);
    }
    time = src.fallbackTime;
  }
  try {
    const eventId = spec.eventId(rec, src.record, time);
    const facts = spec.toFacts(rec, eventId, time);
    // With its text kept, the parsed record is let go (the text is exactly what it was parsed from).
    return { file: src.file, line: src.line, table, eventId, time, raw: src.text === undefined ? src.record : null, rawText: src.text, facts };
  } catch (err) {
    // A mapping bug must cost one record, not the ingest.
    return reject('', `cannot map record: ${(err as Error).message}`, table);
  }
}

/**
 * The graph facts of a stored event again, from its raw record, under the id and time it was stored with
 * (a restart replays the events its graph snapshot does not hold, or all of them). Undefined when its
 * table's schema no longer accepts the record (the event then stays stored as evidence only).
 */
export function storedEventFacts(e: { readonly table: string; readonly eventId: string; readonly time: number; readonly raw: unknown }): EventFacts | undefined {
  const table = resolveTableName(e.table);
  if (!table || !isJsonObject(e.raw)) return undefined;
  const spec = TABLES[table];
  const parsed = spec.schema.safeParse(e.raw);
  if (!parsed.success) return undefined;
  try {
    return spec.toFacts(parsed.data, e.eventId, e.time);
  } catch {
    return undefined;
  }
}

function tableOf(src: SourceRecord): TableName | undefined {
  const named = src.table !== undefined ? resolveTableName(src.table) : undefined;
  if (named) return named;
  const type = Object.hasOwn(src.record, 'Type') ? src.record['Type'] : undefined;
  return typeof type === 'string' ? resolveTableName(type) : undefined;
}
