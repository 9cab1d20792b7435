/**
 * UTF-8 checks. Whole units (an NDJSON line, a JSON array element) are checked
 * with buffer.isUtf8; the CSV reader needs a streaming decoder that does not
 * stop at a bad byte but marks it, so the one record holding it can be
 * rejected while the rest of the file is read.
 */
import { isUtf8 } from 'node:buffer';

export { isUtf8 };

/**
 * Stands in for each invalid byte sequence in decoded text. U+FFFF is a
 * Unicode noncharacter: it never occurs in exported logs, unlike U+FFFD,
 * which a valid file may contain.
 */
export const INVALID_UTF8_MARK = '\uFFFF';

/** Decodes a byte stream to text chunks, replacing each invalid sequence by INVALID_UTF8_MARK. */
export async function* decodeUtf8Marked(chunks: AsyncIterable<Buffer>): AsyncGenerator<string> {
  let carry: Buffer = Buffer.alloc(0);
  for await (const chunk of chunks) {
    const buf = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
    const cut = buf.length - incompleteTail(buf);
    carry = Buffer.from(buf.subarray(cut));
    const body = buf.subarray(0, cut);
    if (body.length > 0) yield decodeMarked(body);
  }
  if (carry.length > 0) yield decodeMarked(carry);
}

/** Text of bytes with each invalid sequence replaced by INVALID_UTF8_MARK. */
export function decodeMarked(buf: Buffer): string {
  if (isUtf8(buf)) return buf.toString('utf8');
  let out = '';
  let i = 0;
  while (i < buf.length) {
    const end = validUntil(buf, i);
    if (end > i) out += buf.toString('utf8', i, end);
    if (end >= buf.length) break;
    out += INVALID_UTF8_MARK;
    i = end + 1;
  }
  return out;
}

/** Length of the sequence a lead byte starts (0 for a byte that cannot start one). */
function seqLen(b: number): number {
  if (b < 0x80) return 1;
  if (b >= 0xc2 && b <= 0xdf) return 2;
  if (b >= 0xe0 && b <= 0xef) return 3;
  if (b >= 0xf0 && b <= 0xf4) return 4;
  return 0;
}

/** Number of bytes at the end that start a sequence the buffer does not complete (0..3). */
function incompleteTail(buf: Buffer): number {
  for (let back = 1; back <= Math.min(3, buf.length); back++) {
    const b = buf[buf.length - back]!;
    if ((b & 0xc0) === 0x80) continue; // continuation byte: keep looking for the lead
    const len = seqLen(b);
    return len > back ? back : 0;
  }
  return 0;
}

/** Index of the first byte at or after `i` that does not begin a valid sequence (buf.length when all are valid). */
function validUntil(buf: Buffer, i: number): number {
  while (i < buf.length) {
    const b = buf[i]!;
    const len = seqLen(b);
    if (len === 0 || i + len > buf.length) return i;
    if (len === 1) {
      i += 1;
      continue;
    }
    const b1 = buf[i + 1]!;
    // Second-byte ranges exclude overlongs, surrogates and code points above U+10FFFF.
    const lo = b === 0xe0 ? 0xa0 : b === 0xf0 ? 0x90 : 0x80;
    const hi = b === 0xed ? 0x9f : b === 0xf4 ? 0x8f : 0xbf;
    if (b1 < lo || b1 > hi) return i;
    for (let k = 2; k < len; k++) if ((buf[i + k]! & 0xc0) !== 0x80) return i;
    i += len;
  }
  return i;
}
