/**
 * One parsed JSON value as records: a Graph API page, a Log Analytics query
 * response, an array of records, or a single record. Used for whole JSON
 * documents and for each line of NDJSON (a line may hold a Graph page).
 */
import { graphEndpoint, isGraphPage, mapGraphRecord } from './graph-api.js';
import { isLogAnalyticsResponse, logAnalyticsRecords } from './log-analytics.js';
import { isJsonObject } from './own-keys.js';
import type { RawItem } from './raw-item.js';

/**
 * The records a JSON value holds. `line` is the line of the value (NDJSON) or
 * 0 for a whole document, whose records are numbered by element (index + 1).
 */
export function* documentRecords(doc: unknown, line: number): Generator<RawItem> {
  const numbered = (i: number): number => (line > 0 ? line : i + 1);
  if (Array.isArray(doc)) {
    for (let i = 0; i < doc.length; i++) {
      const el = doc[i];
      yield isJsonObject(el) ? { line: numbered(i), record: el } : { line: numbered(i), error: 'expected a JSON object' };
    }
    return;
  }
  if (!isJsonObject(doc)) {
    yield { line: Math.max(line, 1), error: 'expected a JSON object or array' };
    return;
  }
  if (isLogAnalyticsResponse(doc)) {
    if (line > 0) {
      for (const item of logAnalyticsRecords(doc)) yield { ...item, line };
    } else yield* logAnalyticsRecords(doc);
    return;
  }
  if (isGraphPage(doc)) {
    const endpoint = graphEndpoint(doc);
    const items = doc['value'] as unknown[];
    for (let i = 0; i < items.length; i++) {
      const el = items[i];
      if (!isJsonObject(el)) yield { line: numbered(i), error: 'expected a JSON object' };
      else yield { line: numbered(i), record: endpoint ? mapGraphRecord(endpoint, el) : el };
    }
    return;
  }
  yield { line: Math.max(line, 1), record: doc };
}
