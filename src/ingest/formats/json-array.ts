/**
 * A top-level JSON array read element by element: a byte scanner finds each
 * element's extent (depth and string state; structural characters are ASCII,
 * so bytes suffice), then each element is checked as UTF-8 and parsed alone.
 * Memory holds one element, never the file; a bad element is an error for
 * that element (numbered index + 1) and the rest is still read.
 */
import { isJsonObject } from './own-keys.js';
import type { RawItem } from './raw-item.js';
import { isUtf8 } from './utf8.js';

const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);

/** The records of a JSON array byte stream (which must start, after whitespace, with "["). */
export async function* jsonArrayRecords(chunks: AsyncIterable<Buffer>): AsyncGenerator<RawItem> {
  let state: 'before' | 'inside' | 'after' = 'before';
  let depth = 0;
  let inString = false;
  let escaped = false;
  let parts: Buffer[] = [];
  let index = 0;
  let trailing = false;

  const finish = function* (): Generator<RawItem> {
    const bytes = Buffer.concat(parts);
    parts = [];
    if (isBlankBytes(bytes)) return; // "[]" or a trailing comma
    index += 1;
    yield parseElement(bytes, index);
  };

  for await (const chunk of chunks) {
    let start = 0;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]!;
      if (state === 'before') {
        if (WS.has(b)) continue;
        if (b !== 0x5b) {
          yield { line: 1, error: 'expected a JSON array' };
          return;
        }
        state = 'inside';
        start = i + 1;
        continue;
      }
      if (state === 'after') {
        if (!WS.has(b)) trailing = true;
        continue;
      }
      if (inString) {
        if (escaped) escaped = false;
        else if (b === 0x5c) escaped = true;
        else if (b === 0x22) inString = false;
        continue;
      }
      if (b === 0x22) inString = true;
      else if (b === 0x7b || b === 0x5b) depth += 1;
      else if (b === 0x7d || b === 0x5d) {
        if (depth > 0) depth -= 1;
        else {
          // the closing bracket of the top-level array
          parts.push(chunk.subarray(start, i));
          yield* finish();
          state = 'after';
        }
      } else if (b === 0x2c && depth === 0) {
        parts.push(chunk.subarray(start, i));
        yield* finish();
        start = i + 1;
      }
    }
    if (state === 'inside' && start < chunk.length) parts.push(Buffer.from(chunk.subarray(start)));
  }
  if (state === 'inside') {
    const bytes = Buffer.concat(parts);
    if (!isBlankBytes(bytes) || index === 0) yield { line: index + 1, error: 'truncated JSON array: input ends before its closing "]"' };
  } else if (trailing) {
    yield { line: index + 1, error: 'unexpected content after the JSON array' };
  }
}

function parseElement(bytes: Buffer, line: number): RawItem {
  if (!isUtf8(bytes)) return { line, error: 'invalid UTF-8' };
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    return { line, error: `invalid JSON: ${(err as Error).message}` };
  }
  return isJsonObject(value) ? { line, record: value } : { line, error: 'expected a JSON object' };
}

function isBlankBytes(bytes: Buffer): boolean {
  for (const b of bytes) if (!WS.has(b)) return false;
  return true;
}
