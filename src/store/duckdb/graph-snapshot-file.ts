/**
 * The embedded store's graph snapshot file, beside its DuckDB file: the temporal graph as of one event
 * sequence number, so a restart restores it and replays only the events stored after, instead of every
 * event's raw record. It is a cache of what the events table says: any doubt (another store, another
 * build of the code that makes facts, a damaged or foreign file) and it is not used; the graph is then
 * rebuilt from the events themselves, which stay the only truth.
 *
 * Format: a 4-byte little-endian header length, the header (v8.serialize of { magic, format, fingerprint,
 * storeId, seq, sha256 }), then the GraphSnapshot (v8.serialize), whose sha256 the header holds (a damaged
 * file is refused, not half restored). The graph's bytes are written and read in place, never copied into
 * another value. The file is written to a temporary file, flushed and renamed over the old one, so a
 * crash leaves the old file or the new one, never half of one.
 */
import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deserialize, serialize } from 'node:v8';
import type { GraphSnapshot } from '../../graph/graph-snapshot.js';
import { TemporalGraph } from '../../graph/temporal-graph.js';

/** The snapshot's file name in a store directory. */
export const GRAPH_SNAPSHOT_FILE = 'graph.snapshot';

const MAGIC = 'idgraph graph snapshot';
/** Bumped when the file's layout changes. */
const FORMAT = 2;

/** What a snapshot must match to be used: the store it was made from, and the events it holds. */
export interface SnapshotWatermark {
  /** The store's identity (DuckDbStore.storeId): a snapshot never crosses stores. */
  readonly storeId: string;
  /** The highest event sequence number the graph holds; every event up to it is in the graph. */
  readonly seq: number;
}

interface SnapshotHeader extends SnapshotWatermark {
  readonly magic: string;
  readonly format: number;
  readonly fingerprint: string;
  /** sha256 of the serialised graph after the header, hex. */
  readonly sha256: string;
}

let fingerprintCache: string | undefined;

/**
 * A hash of the code that turns records into facts and facts into the graph (this build's ingest and
 * graph modules, whether run from src/ or dist/): a snapshot made by other code may hold another graph
 * than its events give now, so it is not used.
 */
export function codeFingerprint(): string {
  if (fingerprintCache) return fingerprintCache;
  const hash = createHash('sha256').update(`${MAGIC} ${FORMAT}\n`);
  for (const dir of ['../../ingest/', '../../graph/']) {
    const root = fileURLToPath(new URL(dir, import.meta.url));
    for (const file of listFiles(root)) hash.update(`${file.slice(root.length)}\n`).update(readFileSync(file));
  }
  return (fingerprintCache = hash.digest('hex'));
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...listFiles(path));
    else if (/\.(js|ts)$/.test(name) && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

/** Writes the graph as of `mark` to `path`, atomically (temporary file, flush, rename). */
export function writeGraphSnapshot(path: string, graph: TemporalGraph, mark: SnapshotWatermark): void {
  const body = serialize(graph.toSnapshot());
  const sha256 = createHash('sha256').update(body).digest('hex');
  const header = serialize({ magic: MAGIC, format: FORMAT, fingerprint: codeFingerprint(), storeId: mark.storeId, seq: mark.seq, sha256 } satisfies SnapshotHeader);
  const length = Buffer.alloc(4);
  length.writeUInt32LE(header.length);
  const tmp = `${path}.tmp`;
  try {
    const fd = openSync(tmp, 'w');
    try {
      for (const bytes of [length, header, body]) for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off, bytes.length - off);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (err) {
    // A full disk must not leave a partial file behind; the snapshot before it stays as it was.
    rmSync(tmp, { force: true });
    throw err;
  }
}

/** A restored graph and the sequence number it holds events up to, or why the file was not used. */
export type SnapshotRead = { readonly graph: TemporalGraph; readonly seq: number } | { readonly unused: string };

/**
 * The graph in `path` when it was made by this code from this store with at most `lastSeq` events
 * (a store never loses committed events, so a snapshot ahead of it is not its own); otherwise why not.
 */
export function readGraphSnapshot(path: string, store: { readonly storeId: string; readonly lastSeq: number }): SnapshotRead {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch {
    return { unused: 'no snapshot' };
  }
  const start = 4 + (bytes.length >= 4 ? bytes.readUInt32LE(0) : 0);
  let file: Partial<SnapshotHeader>;
  try {
    if (start <= 4 || start > bytes.length) throw new Error('no header');
    file = deserialize(bytes.subarray(4, start)) as Partial<SnapshotHeader>;
  } catch (err) {
    return { unused: `unreadable snapshot: ${(err as Error).message}` };
  }
  if (file?.magic !== MAGIC || file.format !== FORMAT) return { unused: 'not a snapshot of this format' };
  if (file.fingerprint !== codeFingerprint()) return { unused: 'made by another build' };
  if (file.storeId !== store.storeId) return { unused: 'made from another store' };
  if (typeof file.seq !== 'number' || file.seq > store.lastSeq) return { unused: 'ahead of the store' };
  const body = bytes.subarray(start);
  if (createHash('sha256').update(body).digest('hex') !== file.sha256) return { unused: 'damaged snapshot' };
  try {
    return { graph: TemporalGraph.fromSnapshot(deserialize(body) as GraphSnapshot), seq: file.seq };
  } catch (err) {
    return { unused: `damaged snapshot: ${(err as Error).message}` };
  }
}

/** Deletes the snapshot (before events it holds are dropped, so a crash cannot bring them back). */
export function removeGraphSnapshot(path: string): void {
  rmSync(path, { force: true });
}
