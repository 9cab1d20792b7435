/**
 * One NDJSON file per table (optionally gzip), written through buffered
 * streams that respect backpressure: a write waits for 'drain' when the
 * stream's buffer is full, so memory stays bounded however many rows go out.
 */
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { createGzip, type Gzip } from 'node:zlib';
import { once } from 'node:events';
import { TABLE_NAMES, type TableName } from '../../src/ingest/table-names.js';

/** Rows are gathered into chunks of about this many bytes before a stream write. */
const CHUNK_BYTES = 256 * 1024;

interface Sink {
  readonly path: string;
  readonly file: WriteStream;
  readonly gzip: Gzip | null;
  pending: string[];
  pendingBytes: number;
  rows: number;
  bytes: number;
}

export class TableWriters {
  private readonly sinks = new Map<TableName, Sink>();

  constructor(dir: string, gzip: boolean) {
    mkdirSync(dir, { recursive: true });
    for (const t of TABLE_NAMES) {
      const path = join(dir, `${t}.ndjson${gzip ? '.gz' : ''}`);
      const file = createWriteStream(path, { highWaterMark: 1 << 20 });
      // Level 9 and no timestamp in the header: the same rows give the same bytes.
      const gz = gzip ? createGzip({ level: 9, memLevel: 9 }) : null;
      if (gz) gz.pipe(file);
      this.sinks.set(t, { path, file, gzip: gz, pending: [], pendingBytes: 0, rows: 0, bytes: 0 });
    }
  }

  /** Appends one row to its table's file; resolves at once unless the stream asks to wait. */
  async write(table: TableName, record: Record<string, unknown>): Promise<void> {
    const s = this.sinks.get(table)!;
    const line = `${JSON.stringify(record)}\n`;
    s.pending.push(line);
    s.pendingBytes += line.length;
    s.rows++;
    s.bytes += Buffer.byteLength(line);
    if (s.pendingBytes >= CHUNK_BYTES) await this.flush(s);
  }

  private async flush(s: Sink): Promise<void> {
    if (s.pending.length === 0) return;
    const chunk = s.pending.join('');
    s.pending = [];
    s.pendingBytes = 0;
    const target = s.gzip ?? s.file;
    if (!target.write(chunk)) await once(target, 'drain');
  }

  /** Rows written per table. */
  rows(): Record<TableName, number> {
    return Object.fromEntries([...this.sinks].map(([t, s]) => [t, s.rows])) as Record<TableName, number>;
  }

  /** Uncompressed bytes written per table. */
  bytes(): Record<TableName, number> {
    return Object.fromEntries([...this.sinks].map(([t, s]) => [t, s.bytes])) as Record<TableName, number>;
  }

  paths(): string[] {
    return [...this.sinks.values()].map((s) => s.path);
  }

  /** Flushes and closes every file; resolves when all are on disk. */
  async close(): Promise<void> {
    for (const s of this.sinks.values()) await this.flush(s);
    await Promise.all(
      [...this.sinks.values()].map(async (s) => {
        const finished = once(s.file, 'close');
        (s.gzip ?? s.file).end();
        await finished;
      }),
    );
  }

  /** Closes the files after a failure without waiting for buffered rows. */
  destroy(): void {
    for (const s of this.sinks.values()) {
      s.gzip?.destroy();
      s.file.destroy();
    }
  }
}
