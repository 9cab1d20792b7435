/**
 * Log Analytics query API responses: `{ tables: [{ name, columns: [{ name,
 * type }], rows: [[...]] }] }` (v1 API: `Tables`/`TableName`/`Columns`/
 * `ColumnName`/`Rows`). Each row becomes a record keyed by column name;
 * dynamic columns stay as the API gives them (often JSON text) for the table
 * schemas to parse.
 */
import { resolveTableName } from '../table-names.js';
import { isJsonObject, setOwn } from './own-keys.js';
import type { RawItem } from './raw-item.js';

/** Whether a JSON object is a Log Analytics query response. */
export function isLogAnalyticsResponse(doc: Record<string, unknown>): boolean {
  const tables = doc['tables'] ?? doc['Tables'];
  return Array.isArray(tables) && tables.every((t) => isJsonObject(t) && Array.isArray(t['rows'] ?? t['Rows']));
}

/** The rows of every table of a response as records; line = row number across the response (1-based). */
export function* logAnalyticsRecords(doc: Record<string, unknown>, line0 = 0): Generator<RawItem> {
  const tables = (doc['tables'] ?? doc['Tables']) as Record<string, unknown>[];
  let line = line0;
  for (const t of tables) {
    const name = String(t['name'] ?? t['TableName'] ?? '');
    // "PrimaryResult" and friends name no table; then --table or the file name decides.
    const tableHint = resolveTableName(name);
    const columns = ((t['columns'] ?? t['Columns']) as unknown[] | undefined) ?? [];
    const names = columns.map((c) => (isJsonObject(c) ? String(c['name'] ?? c['ColumnName'] ?? '') : String(c)));
    for (const row of (t['rows'] ?? t['Rows']) as unknown[]) {
      line += 1;
      if (!Array.isArray(row)) {
        yield { line, error: `Log Analytics table "${name}": row is not an array` };
        continue;
      }
      if (row.length !== names.length) {
        yield { line, error: `Log Analytics table "${name}": row has ${row.length} values for ${names.length} columns` };
        continue;
      }
      const record: Record<string, unknown> = {};
      names.forEach((n, i) => setOwn(record, n, row[i]));
      yield tableHint ? { line, record, tableHint } : { line, record };
    }
  }
}
