/**
 * Byte streams of a source: open a file or take a stream, look at the first
 * bytes without consuming them (format sniffing), undo gzip. Everything stays
 * a stream; nothing here reads a whole file.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable, pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { IdgraphError } from '../../errors.js';

/** A file path, or an already-open stream with a name for messages. */
export type SourceInput = { readonly path: string } | { readonly stream: NodeJS.ReadableStream; readonly name: string };

/** A source's name for messages (its path, or the stream's name). */
export function sourceName(input: SourceInput): string {
  return 'path' in input ? input.path : input.name;
}

/** The byte chunks of a source. A missing or unreadable file is a BAD_INPUT error before any byte is read. */
export async function openBytes(input: SourceInput): Promise<{ chunks: AsyncIterable<Buffer>; modifiedAt: number }> {
  if ('path' in input) {
    let modifiedAt: number;
    try {
      const st = await stat(input.path);
      if (st.isDirectory()) throw new IdgraphError('BAD_INPUT', `${input.path}: is a directory`, { file: input.path });
      modifiedAt = Math.floor(st.mtimeMs);
    } catch (err) {
      if (err instanceof IdgraphError) throw err;
      throw new IdgraphError('BAD_INPUT', `${input.path}: cannot read: ${(err as Error).message}`, { file: input.path }, { cause: err });
    }
    return { chunks: asBuffers(createReadStream(input.path, { highWaterMark: 1 << 20 })), modifiedAt };
  }
  return { chunks: asBuffers(input.stream), modifiedAt: Date.now() };
}

async function* asBuffers(stream: AsyncIterable<unknown> | NodeJS.ReadableStream): AsyncGenerator<Buffer> {
  for await (const chunk of stream as AsyncIterable<unknown>) {
    if (Buffer.isBuffer(chunk)) yield chunk;
    else if (chunk instanceof Uint8Array) yield Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    else yield Buffer.from(String(chunk), 'utf8');
  }
}

/** The first bytes of a stream (at least `min`, unless it ends first) and the whole stream, head included. */
export async function peekBytes(
  chunks: AsyncIterable<Buffer>,
  min: number,
  until?: (head: Buffer) => boolean,
): Promise<{ head: Buffer; all: AsyncIterable<Buffer> }> {
  const it = chunks[Symbol.asyncIterator]();
  const parts: Buffer[] = [];
  let size = 0;
  let done = false;
  while (!done) {
    const head = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
    if (size >= min && (!until || until(head))) break;
    const r = await it.next();
    if (r.done) done = true;
    else {
      parts.push(r.value);
      size += r.value.length;
    }
  }
  const head = Buffer.concat(parts);
  async function* all(): AsyncGenerator<Buffer> {
    if (head.length > 0) yield head;
    if (done) return;
    try {
      for (;;) {
        const r = await it.next();
        if (r.done) return;
        yield r.value;
      }
    } finally {
      await it.return?.();
    }
  }
  return { head, all: all() };
}

/** The stream without its first `n` bytes (which must all lie in the first chunk). */
export async function* dropFirst(chunks: AsyncIterable<Buffer>, n: number): AsyncGenerator<Buffer> {
  let first = true;
  for await (const c of chunks) {
    if (first) {
      first = false;
      const rest = c.subarray(n);
      if (rest.length > 0) yield rest;
    } else yield c;
  }
}

/** Whether bytes start with the gzip magic number. */
export function isGzip(head: Buffer): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

/** The decompressed bytes of a gzip stream (concatenated members included); corrupt data makes iteration throw. */
export function gunzip(chunks: AsyncIterable<Buffer>): AsyncIterable<Buffer> {
  const z = createGunzip();
  pipeline(Readable.from(chunks), z, () => {
    // Errors surface through iteration of `z`; nothing more to do here.
  });
  return asBuffers(z);
}
