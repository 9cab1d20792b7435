/**
 * CSV as the Sentinel / Log Analytics portal exports it: a header line, then
 * one record per row (fields may span lines inside quotes), parsed as a
 * stream with csv-parse. Values stay text exactly as exported; the table
 * schemas read portal quirks (` [UTC]` headers, `X_dynamic`/`X_string`
 * splits, JSON text in dynamic columns, portal time format).
 * Line numbers are record numbers + 1: the header is line 1.
 */
import { Readable } from 'node:stream';
import { parse, type CsvError } from 'csv-parse';
import { setOwn } from './own-keys.js';
import type { RawItem } from './raw-item.js';
import { decodeUtf8Marked, INVALID_UTF8_MARK } from './utf8.js';

/** Records of a CSV byte stream (BOM already removed or not: both work). */
export async function* csvRecords(chunks: AsyncIterable<Buffer>): AsyncGenerator<RawItem> {
  const skipped: CsvError[] = [];
  const parser = Readable.from(decodeUtf8Marked(chunks)).pipe(
    parse({
      bom: true,
      relax_column_count: true,
      skip_records_with_error: true,
      on_skip: (err) => {
        if (err) skipped.push(err);
        return undefined;
      },
    }),
  );
  let header: string[] | undefined;
  let recordNo = 0; // the header is record 1
  const drainSkipped = function* (): Generator<RawItem> {
    while (skipped.length > 0) {
      const err = skipped.shift()!;
      recordNo += 1;
      yield { line: recordNo, error: `invalid CSV: ${err.message}` };
    }
  };
  try {
    for await (const row of parser as AsyncIterable<string[]>) {
      yield* drainSkipped();
      recordNo += 1;
      if (!header) {
        header = row.map((h) => h.trim());
        continue;
      }
      if (row.length === 1 && row[0] === '') continue; // an empty line
      const bad = row.findIndex((v) => v.includes(INVALID_UTF8_MARK));
      if (bad >= 0) {
        yield { line: recordNo, error: `invalid UTF-8 in column ${header[bad] ?? bad + 1}` };
        continue;
      }
      if (row.length !== header.length) {
        yield { line: recordNo, error: `invalid CSV: ${row.length} fields for ${header.length} header columns` };
        continue;
      }
      const record: Record<string, unknown> = {};
      header.forEach((h, i) => setOwn(record, h, row[i]));
      yield { line: recordNo, record };
    }
    yield* drainSkipped();
  } catch (err) {
    yield* drainSkipped();
    yield { line: recordNo + 1, error: `invalid CSV: ${(err as Error).message}` };
  }
}
