/**
 * Reading a source into records: undo gzip, sniff the format from the first
 * bytes ("[" a JSON array, "{" NDJSON or one JSON document, anything else
 * CSV), read it as a stream, and give each record its table. Yields a
 * SourceRecord per record and a Reject per bad line, element or row; bad
 * input never ends the read early, except a corrupt byte stream (gzip),
 * which ends it with one Reject.
 */
import { IdgraphError } from '../../errors.js';
import type { Reject, SourceRecord } from '../prepared-event.js';
import { resolveTableName, type TableName } from '../table-names.js';
import { dropFirst, gunzip, isGzip, openBytes, peekBytes, sourceName, type SourceInput } from './byte-source.js';
import { csvRecords } from './csv.js';
import { jsonArrayRecords } from './json-array.js';
import { byteLines } from './lines.js';
import { jsonObjectRecords } from './ndjson.js';
import { isRawError, type RawItem } from './raw-item.js';
import { resolveRecordTable, tableFromFileName } from './record-table.js';

export type { SourceInput } from './byte-source.js';

/** Options of readSource. */
export interface ReadSourceOptions {
  /** Table of records that have no Type column (the CLI's --table); overrides the file name. */
  readonly table?: string;
}

/** The formats readSource recognises. */
export type SourceFormat = 'json-array' | 'json-object' | 'csv' | 'empty';

/**
 * Reads records from a file or stream, whatever its format (NDJSON, JSON array,
 * Graph API page, Log Analytics response, portal CSV, gzip of any).
 * Throws IdgraphError UNKNOWN_TABLE for an unknown opts.table and BAD_INPUT for an unreadable file.
 */
export async function* readSource(input: SourceInput, opts: ReadSourceOptions = {}): AsyncGenerator<SourceRecord | Reject> {
  const file = sourceName(input);
  let optTable: TableName | undefined;
  if (opts.table !== undefined && opts.table !== '') {
    optTable = resolveTableName(opts.table);
    if (!optTable) throw new IdgraphError('UNKNOWN_TABLE', `unknown table: ${opts.table}`, { table: opts.table });
  }
  const fileHint = optTable ?? tableFromFileName(file);
  const { chunks, modifiedAt } = await openBytes(input);
  let lastLine = 0;
  try {
    const { format, bytes } = await sniff(chunks);
    for await (const item of itemsOf(format, bytes)) {
      lastLine = item.line;
      yield toSourceItem(item, file, fileHint, modifiedAt);
    }
  } catch (err) {
    if (err instanceof IdgraphError) throw err;
    yield {
      kind: 'rejected',
      file,
      line: lastLine + 1,
      table: fileHint,
      path: '',
      message: `unreadable input after line ${lastLine}: ${(err as Error).message}`,
    };
  }
}

/** Detects the format of a byte stream (after gzip and BOM) and returns the stream to read it from. */
export async function sniff(chunks: AsyncIterable<Buffer>): Promise<{ format: SourceFormat; bytes: AsyncIterable<Buffer> }> {
  let { head, all } = await peekBytes(chunks, 2);
  if (isGzip(head)) ({ head, all } = await peekBytes(gunzip(all), 2));
  ({ head, all } = await peekBytes(all, 4, (h) => firstNonWhitespace(h) !== undefined));
  if (head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) all = dropFirst(all, 3);
  const first = firstNonWhitespace(head);
  if (first === undefined) return { format: 'empty', bytes: all };
  if (first === 0x5b) return { format: 'json-array', bytes: all };
  if (first === 0x7b) return { format: 'json-object', bytes: all };
  return { format: 'csv', bytes: all };
}

function itemsOf(format: SourceFormat, bytes: AsyncIterable<Buffer>): AsyncIterable<RawItem> {
  switch (format) {
    case 'json-array':
      return jsonArrayRecords(bytes);
    case 'json-object':
      return jsonObjectRecords(byteLines(bytes));
    case 'csv':
      return csvRecords(bytes);
    case 'empty':
      return (async function* () {})();
  }
}

function firstNonWhitespace(head: Buffer): number | undefined {
  let i = head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  for (; i < head.length; i++) {
    const b = head[i]!;
    if (b !== 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) return b;
  }
  return undefined;
}

function toSourceItem(item: RawItem, file: string, fileHint: TableName | undefined, modifiedAt: number): SourceRecord | Reject {
  if (isRawError(item)) return { kind: 'rejected', file, line: item.line, table: fileHint, path: '', message: item.error };
  const containerHint = item.tableHint !== undefined ? resolveTableName(item.tableHint) : undefined;
  const r = resolveRecordTable(item.record, containerHint ?? fileHint);
  if ('kind' in r) return { kind: r.kind, file, line: item.line, table: r.table, path: r.kind === 'rejected' ? 'Type' : '', message: r.message };
  return { file, line: item.line, table: r.table, record: item.record, fallbackTime: modifiedAt, text: item.text };
}
