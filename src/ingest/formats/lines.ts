/**
 * Splits a byte stream into lines at LF (a CR before it is dropped). Works on
 * bytes, so a line's UTF-8 is checked whole and a multi-byte character split
 * across chunks is never an issue; a line may be any length (it is held in
 * memory alone, never the file).
 */

/** One line's bytes, 1-based line number. */
export interface ByteLine {
  readonly line: number;
  readonly bytes: Buffer;
}

/** The lines of a byte stream, including empty ones; a last line without LF is yielded too. */
export async function* byteLines(chunks: AsyncIterable<Buffer>): AsyncGenerator<ByteLine> {
  let pending: Buffer[] = [];
  let line = 0;
  const emit = (bytes: Buffer): ByteLine => {
    line += 1;
    const end = bytes.length > 0 && bytes[bytes.length - 1] === 0x0d ? bytes.length - 1 : bytes.length;
    return { line, bytes: bytes.subarray(0, end) };
  };
  for await (const chunk of chunks) {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(0x0a, start);
      if (nl < 0) break;
      const piece = chunk.subarray(start, nl);
      if (pending.length > 0) {
        pending.push(piece);
        const joined = Buffer.concat(pending);
        pending = [];
        yield emit(joined);
      } else yield emit(piece);
      start = nl + 1;
    }
    if (start < chunk.length) pending.push(chunk.subarray(start));
  }
  if (pending.length > 0) yield emit(Buffer.concat(pending));
}

/** Whether a line holds only ASCII whitespace. */
export function isBlank(bytes: Buffer): boolean {
  for (const b of bytes) if (b !== 0x20 && b !== 0x09 && b !== 0x0d && b !== 0x0a) return false;
  return true;
}
