import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSource, type ReadSourceOptions, type SourceInput } from '../../src/ingest/formats/read-source.js';
import type { PreparedEvent, Reject, SourceRecord } from '../../src/ingest/prepared-event.js';
import { prepareRecord } from '../../src/ingest/prepare.js';

/** A fresh temp directory for one test file. */
export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'idgraph-ingest-'));
}

/** Writes a fixture and returns its path. */
export function fixture(dir: string, name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

/** Everything readSource yields, split into records and rejects. */
export async function readAll(input: SourceInput, opts: ReadSourceOptions = {}): Promise<{ records: SourceRecord[]; rejects: Reject[] }> {
  const records: SourceRecord[] = [];
  const rejects: Reject[] = [];
  for await (const r of readSource(input, opts)) {
    if ('kind' in r) rejects.push(r);
    else records.push(r);
  }
  return { records, rejects };
}

/** A record prepared, failing the test when it is rejected. */
export function prepared(record: Record<string, unknown>, table?: string, extra: Partial<SourceRecord> = {}): PreparedEvent {
  const r = prepareRecord({ file: 'test', line: 1, table, record, ...extra });
  if ('kind' in r) throw new Error(`rejected: ${r.path}: ${r.message}`);
  return r;
}

/** A record's reject, failing the test when it is accepted. */
export function rejected(record: Record<string, unknown>, table?: string, extra: Partial<SourceRecord> = {}): Reject {
  const r = prepareRecord({ file: 'test', line: 1, table, record, ...extra });
  if (!('kind' in r)) throw new Error(`accepted: ${r.eventId}`);
  return r;
}
