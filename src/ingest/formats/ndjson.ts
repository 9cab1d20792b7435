/**
 * NDJSON and whole JSON objects. Both start with "{", so the first lines
 * decide: a first line that parses alone, followed by more lines, means
 * NDJSON (one value per line, streamed); a single line, or a first line that
 * does not parse followed by one that does not start a new object, is one
 * document (a Graph page or a Log Analytics response, which the APIs bound
 * in size) and is parsed whole, its records numbered by element.
 */
import { documentRecords } from './json-document.js';
import { isBlank, type ByteLine } from './lines.js';
import { isRawError, type RawItem } from './raw-item.js';
import { isUtf8 } from './utf8.js';

/** Records of NDJSON lines or of one JSON document spread over lines. */
export async function* jsonObjectRecords(lines: AsyncIterable<ByteLine>): AsyncGenerator<RawItem> {
  const it = lines[Symbol.asyncIterator]();
  const head: ByteLine[] = [];
  let firstParses = false;
  let nonBlank = 0;
  // Look at the first two non-blank lines.
  while (nonBlank < 2) {
    const r = await it.next();
    if (r.done) break;
    head.push(r.value);
    if (isBlank(r.value.bytes)) continue;
    nonBlank += 1;
    if (nonBlank === 1) firstParses = parsesAsObject(r.value.bytes);
  }
  const firstNonBlank = head.find((l) => !isBlank(l.bytes));
  const secondNonBlank = head.filter((l) => !isBlank(l.bytes))[1];
  // A file of one line is one document either way; numbering its records by element is more useful.
  const isDocument =
    firstNonBlank !== undefined &&
    (secondNonBlank === undefined ||
      (!firstParses && (firstNonBlank.bytes.toString('latin1').trim() === '{' || !startsWithBrace(secondNonBlank.bytes))));

  async function* rest(): AsyncGenerator<ByteLine> {
    yield* head;
    for (;;) {
      const r = await it.next();
      if (r.done) return;
      yield r.value;
    }
  }

  if (isDocument) {
    yield* wholeDocument(rest());
    return;
  }
  for await (const l of rest()) {
    if (isBlank(l.bytes)) continue;
    yield* lineRecords(l);
  }
}

function* lineRecords(l: ByteLine): Generator<RawItem> {
  if (!isUtf8(l.bytes)) {
    yield { line: l.line, error: 'invalid UTF-8' };
    return;
  }
  let value: unknown;
  const text = l.bytes.toString('utf8');
  try {
    value = JSON.parse(text);
  } catch (err) {
    yield { line: l.line, error: `invalid JSON: ${(err as Error).message}` };
    return;
  }
  if (Array.isArray(value)) {
    yield { line: l.line, error: 'expected a JSON object, got an array' };
    return;
  }
  for (const item of documentRecords(value, l.line)) {
    // A line that is one record keeps its text, as the line's bytes (outside the JS heap, which a batch
    // waiting to be stored would otherwise fill with 2-4 KB strings for collections to copy): the store
    // keeps it as the raw event instead of re-serialising.
    yield !isRawError(item) && item.record === value ? { ...item, text: l.bytes } : item;
  }
}

async function* wholeDocument(lines: AsyncIterable<ByteLine>): AsyncGenerator<RawItem> {
  const parts: Buffer[] = [];
  for await (const l of lines) parts.push(l.bytes, NEWLINE);
  const bytes = Buffer.concat(parts);
  if (!isUtf8(bytes)) {
    yield { line: 1, error: 'invalid UTF-8 in JSON document' };
    return;
  }
  let doc: unknown;
  try {
    doc = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    yield { line: 1, error: `invalid JSON document: ${(err as Error).message}` };
    return;
  }
  yield* documentRecords(doc, 0);
}

const NEWLINE = Buffer.from('\n');

function parsesAsObject(bytes: Buffer): boolean {
  try {
    const v: unknown = JSON.parse(bytes.toString('utf8'));
    return typeof v === 'object' && v !== null && !Array.isArray(v);
  } catch {
    return false;
  }
}

function startsWithBrace(bytes: Buffer): boolean {
  for (const b of bytes) {
    if (b === 0x20 || b === 0x09) continue;
    return b === 0x7b;
  }
  return false;
}
