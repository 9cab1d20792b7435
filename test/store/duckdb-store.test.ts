import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, describe, expect, it } from 'vitest';
import { openEngineRuntime } from '../../src/cli/engine-runtime.js';
import { loadCatalog } from '../../src/detect/catalog.js';
import type { TemporalGraph } from '../../src/graph/temporal-graph.js';
import { EDGE_KIND_NAMES } from '../../src/graph/schema.js';
import { DuckDbStore } from '../../src/store/duckdb/duckdb-store.js';
import { GRAPH_SNAPSHOT_FILE } from '../../src/store/duckdb/graph-snapshot-file.js';
import { packageRoot } from '../../src/package-root.js';
import { dumpGraph } from '../graph/graph-fixtures.js';

const dirs: string[] = [];
const tmp = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'idgraph-store-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const catalog = loadCatalog();

function signIn(i: number, base = Date.parse('2026-10-01T00:00:00Z')): Record<string, unknown> {
  const u = i % 50;
  return {
    Type: 'SigninLogs',
    Id: `id-${i}`,
    TimeGenerated: new Date(base + i * 60_000).toISOString(),
    UserPrincipalName: `User${u}@Contoso.com`,
    UserId: `oid-${u}`,
    IPAddress: `10.0.${u}.${i % 7}`,
    AppDisplayName: 'Azure Portal',
    ResultType: i % 11 === 0 ? '50126' : '0',
    ResultDescription: '',
    Location: 'US',
  };
}

function ndjson(n: number, dir: string, name = 'SigninLogs.ndjson'): string {
  const path = join(dir, name);
  writeFileSync(path, Array.from({ length: n }, (_, i) => JSON.stringify(signIn(i))).join('\n') + '\n');
  return path;
}

/** Runs `idgraph ingest` of a file in a child process and SIGKILLs it once the store's files pass `killAt` bytes. */
async function ingestUntilKilled(file: string, storeDir: string, killAt: number): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main-entry.ts', 'ingest', file, '--store', storeDir, '--json'], {
    cwd: process.cwd(),
    stdio: 'ignore',
  });
  await new Promise<void>((resolve) => {
    const started = Date.now();
    const t = setInterval(() => {
      let size = 0;
      try {
        size = statSync(join(storeDir, 'idgraph.duckdb.wal')).size + statSync(join(storeDir, 'idgraph.duckdb')).size;
      } catch {
        /* not created yet */
      }
      if (size > killAt || Date.now() - started > 60_000) {
        clearInterval(t);
        child.kill('SIGKILL');
        resolve();
      }
    }, 50);
  });
  await new Promise((r) => child.on('exit', r));
}

/** Every occurrence of the graph, as sorted text, so two graphs compare exactly. */
function dump(g: TemporalGraph): string[] {
  const out: string[] = [];
  for (const kind of EDGE_KIND_NAMES) {
    for (const e of g.edgesOfKind(kind)) {
      for (let i = 0; i < e.size; i++) out.push(`${kind} ${e.from.key} ${e.to.key} ${e.time(i)} ${e.eventId(i)} ${e.prop(i, 'resultType')}`);
    }
  }
  return out.sort();
}

describe('DuckDB store', () => {
  it('re-ingesting a file adds nothing, and a restart rebuilds the identical graph', async () => {
    const storeDir = tmp();
    const file = ndjson(3000, tmp());
    const first = await openEngineRuntime({ storeDir, catalog });
    const a = await first.ingest({ path: file }, {});
    expect(a.tables['SigninLogs']).toMatchObject({ accepted: 3000, duplicate: 0 });
    const b = await first.ingest({ path: file }, {});
    expect(b.tables['SigninLogs']).toMatchObject({ accepted: 0, duplicate: 3000 });
    const before = dump(first.graph);
    const detectionsBefore = first.engine.detections().map((d) => d.id).sort();
    await first.close();

    const second = await openEngineRuntime({ storeDir, catalog });
    expect(second.store!.eventCount).toBe(3000);
    expect(second.restart).toEqual({ fromSnapshot: true, replayed: 0 });
    expect(dump(second.graph)).toEqual(before);
    expect(second.engine.detections().map((d) => d.id).sort()).toEqual(detectionsBefore);
    await second.close();
  });

  it('restores the graph from its snapshot plus the events stored after it, or rebuilds it from the events when the snapshot is missing, damaged or not its own', async () => {
    const storeDir = tmp();
    const data = tmp();
    const all = ndjson(2000, data);
    const lines = readFileSync(all, 'utf8').trim().split('\n');
    const firstHalf = join(data, 'a', 'SigninLogs.ndjson');
    const secondHalf = join(data, 'b', 'SigninLogs.ndjson');
    for (const [path, part] of [[firstHalf, lines.slice(0, 1200)], [secondHalf, lines.slice(1200)]] as const) {
      mkdirSync(join(path, '..'), { recursive: true });
      writeFileSync(path, part.join('\n') + '\n');
    }
    const snapshot = join(storeDir, GRAPH_SNAPSHOT_FILE);
    let rt = await openEngineRuntime({ storeDir, catalog });
    await rt.ingest({ path: firstHalf }, {});
    await rt.close();
    const older = join(data, 'older.snapshot');
    copyFileSync(snapshot, older);
    rt = await openEngineRuntime({ storeDir, catalog });
    await rt.ingest({ path: secondHalf }, {});
    const full = dump(rt.graph);
    expect(full).toHaveLength(2000);
    await rt.close();

    const told: unknown[] = [];
    const reopen = async (): Promise<{ restart: unknown; graph: string[] }> => {
      const r = await openEngineRuntime({ storeDir, catalog, onReplay: (x) => told.push(x) });
      const out = { restart: r.restart, graph: dump(r.graph) };
      await r.close();
      return out;
    };
    // A snapshot from before the last ingest: the 800 events stored after it are replayed from their raw records.
    copyFileSync(older, snapshot);
    expect(await reopen()).toEqual({ restart: { fromSnapshot: true, replayed: 800 }, graph: full });
    // The close after that wrote a current snapshot again.
    expect(await reopen()).toEqual({ restart: { fromSnapshot: true, replayed: 0 }, graph: full });
    rmSync(snapshot);
    expect(await reopen()).toEqual({ restart: { fromSnapshot: false, replayed: 2000, snapshotUnused: 'no snapshot' }, graph: full });
    // Told before each replay (nothing when there was none to do), so a long start can say why.
    expect(told).toEqual([
      { events: 800, fromSnapshot: true },
      { events: 2000, fromSnapshot: false, snapshotUnused: 'no snapshot' },
    ]);
    const bytes = readFileSync(snapshot);
    bytes[bytes.length >> 1] = bytes[bytes.length >> 1]! ^ 0xff;
    writeFileSync(snapshot, bytes);
    const damaged = await reopen();
    expect(damaged.graph).toEqual(full);
    expect(damaged.restart).toMatchObject({ fromSnapshot: false, replayed: 2000, snapshotUnused: expect.stringMatching(/damaged|unreadable/) });
    // Not a snapshot at all (a truncated or foreign file): not used either.
    writeFileSync(snapshot, 'not a snapshot');
    const foreign = await reopen();
    expect(foreign.graph).toEqual(full);
    expect(foreign.restart).toMatchObject({ fromSnapshot: false, replayed: 2000, snapshotUnused: expect.stringMatching(/unreadable|not a snapshot/) });
    // Another store's snapshot, even one of the same events, is not this store's.
    const otherDir = tmp();
    const other = await openEngineRuntime({ storeDir: otherDir, catalog });
    await other.ingest({ path: all }, {});
    await other.close();
    copyFileSync(join(otherDir, GRAPH_SNAPSHOT_FILE), snapshot);
    expect(await reopen()).toEqual({ restart: { fromSnapshot: false, replayed: 2000, snapshotUnused: 'made from another store' }, graph: full });
  });

  it('snapshot() saves the graph between ingests, after any ingest queued before it, so a crash replays only what came later', async () => {
    const storeDir = tmp();
    const data = tmp();
    const lines = readFileSync(ndjson(1500, data), 'utf8').trim().split('\n');
    const part = (name: string, from: number, to: number): string => {
      mkdirSync(join(data, name), { recursive: true });
      writeFileSync(join(data, name, 'SigninLogs.ndjson'), lines.slice(from, to).join('\n') + '\n');
      return join(data, name, 'SigninLogs.ndjson');
    };
    const [a, b, c] = [part('a', 0, 600), part('b', 600, 1000), part('c', 1000, 1500)];
    const snapshot = join(storeDir, GRAPH_SNAPSHOT_FILE);
    const rt = await openEngineRuntime({ storeDir, catalog });
    await rt.ingest({ path: a }, {});
    await rt.snapshot();
    copyFileSync(snapshot, join(data, 'after-a'));
    // Asked while an ingest runs: it waits for that ingest, and holds its whole batch.
    await Promise.all([rt.ingest({ path: b }, {}), rt.snapshot()]);
    copyFileSync(snapshot, join(data, 'after-b'));
    await rt.ingest({ path: c }, {});
    const full = dump(rt.graph);
    await rt.close();
    for (const [saved, replayed] of [['after-a', 900], ['after-b', 500]] as const) {
      copyFileSync(join(data, saved), snapshot);
      const again = await openEngineRuntime({ storeDir, catalog });
      expect(again.restart).toEqual({ fromSnapshot: true, replayed });
      expect(dump(again.graph)).toEqual(full);
      await again.close();
    }
  });

  it('rebuilds from raw records the graph that every format and table gave at ingest, and restores it from the snapshot', async () => {
    const storeDir = tmp();
    const samples = '/work/shared/samples';
    const inputs = [
      ...readdirSync(samples).filter((f) => f !== 'README.md' && f !== 'schemas.json').map((f) => join(samples, f)),
      ...readdirSync(join(packageRoot(), 'seeds', 'demo')).filter((f) => f.endsWith('.gz')).map((f) => join(packageRoot(), 'seeds', 'demo', f)),
    ];
    const full = (g: TemporalGraph): unknown => {
      const d = dumpGraph(g) as { stats: Record<string, unknown> };
      return { ...d, stats: { ...d.stats, internedValues: undefined } };
    };
    const rt = await openEngineRuntime({ storeDir, catalog });
    for (const path of inputs) await rt.ingestBulk({ path }, {});
    await rt.judge();
    const graph = full(rt.graph);
    const detections = rt.engine.detections().map((d) => d.id).sort();
    expect(detections.length).toBeGreaterThan(0);
    await rt.close();
    for (const [drop, fromSnapshot] of [[true, false], [false, true]] as const) {
      if (drop) rmSync(join(storeDir, GRAPH_SNAPSHOT_FILE));
      const again = await openEngineRuntime({ storeDir, catalog });
      expect(again.restart.fromSnapshot).toBe(fromSnapshot);
      expect(full(again.graph)).toEqual(graph);
      expect(again.engine.detections().map((d) => d.id).sort()).toEqual(detections);
      await again.close();
    }
  }, 120_000);

  it('opens a store from before snapshots (events with their facts): the facts column goes, the graph is rebuilt from the raw records', async () => {
    const storeDir = tmp();
    const file = ndjson(500, tmp());
    const rt = await openEngineRuntime({ storeDir, catalog });
    await rt.ingest({ path: file }, {});
    const before = dump(rt.graph);
    await rt.close();
    rmSync(join(storeDir, GRAPH_SNAPSHOT_FILE));
    const db = await DuckDBInstance.create(join(storeDir, 'idgraph.duckdb'));
    const conn = await db.connect();
    await conn.run(`ALTER TABLE events ADD COLUMN facts VARCHAR DEFAULT '{}'`);
    conn.closeSync();
    db.closeSync();
    const again = await openEngineRuntime({ storeDir, catalog });
    expect(again.restart).toEqual({ fromSnapshot: false, replayed: 500, snapshotUnused: 'no snapshot' });
    expect(dump(again.graph)).toEqual(before);
    await again.close();
    const check = await DuckDBInstance.create(join(storeDir, 'idgraph.duckdb'));
    const c2 = await check.connect();
    const cols = (await c2.runAndReadAll(`SELECT column_name FROM information_schema.columns WHERE table_name = 'events' ORDER BY column_name`)).getRows().map(([c]) => String(c));
    c2.closeSync();
    check.closeSync();
    expect(cols).toEqual(['event_id', 'raw', 'seq', 'table_name', 'time']);
  });

  it('keeps raw records and documents across reopen; retention drops old events from store and graph', async () => {
    const storeDir = tmp();
    const store = await DuckDbStore.open(storeDir);
    await store.putDocs('notes', [{ id: 'a', doc: { x: 1 } }, { id: 'b', doc: { x: 2 } }]);
    await store.deleteDocs('notes', ['b']);
    await store.close();
    const again = await DuckDbStore.open(storeDir);
    expect(await again.listDocs('notes')).toEqual([{ id: 'a', doc: { x: 1 } }]);
    await again.close();

    const rt = await openEngineRuntime({ storeDir, catalog });
    const old = join(tmp(), 'SigninLogs.ndjson');
    writeFileSync(old, [JSON.stringify(signIn(1, Date.now() - 40 * 86_400_000)), JSON.stringify({ ...signIn(2, Date.now() - 86_400_000), Id: 'recent' })].join('\n'));
    await rt.ingest({ path: old }, {});
    const raw = await rt.store!.getRaw(['SigninLogs:recent:0']);
    expect([...raw.values()][0]?.raw).toMatchObject({ Id: 'recent', UserPrincipalName: 'User2@Contoso.com' });
    await rt.close();
    const kept = await openEngineRuntime({ storeDir, catalog, retentionDays: 30 });
    expect(kept.retained.dropped).toBe(1);
    expect(kept.store!.eventCount).toBe(1);
    expect(dump(kept.graph)).toHaveLength(1);
    await kept.close();
  });

  it('keeps an NDJSON line as its own raw text; a record with no line of its own is serialised', async () => {
    const storeDir = tmp();
    const dir = tmp();
    // Spacing, escapes and key order that JSON.stringify would not reproduce.
    const line = `{ "Type":"SigninLogs", "Id":"verbatim", "TimeGenerated":"2026-10-01T00:00:00Z", "UserPrincipalName":"al\\u00efce@contoso.com", "IPAddress":"10.0.0.1", "ResultType":0, "Extra": [1, 2.50] }`;
    // Two lines: a file of one line is read as one JSON document.
    writeFileSync(join(dir, 'SigninLogs.ndjson'), `${line}\r\n${JSON.stringify({ ...signIn(8), Id: 'second' })}\r\n`);
    writeFileSync(join(dir, 'array.json'), JSON.stringify([{ ...signIn(7), Id: 'element' }], null, 2));
    const rt = await openEngineRuntime({ storeDir, catalog });
    await rt.ingest({ path: join(dir, 'SigninLogs.ndjson') }, {});
    await rt.ingest({ path: join(dir, 'array.json') }, {});
    const raw = await rt.store!.getRaw(['SigninLogs:verbatim:0', 'SigninLogs:element:0']);
    expect(raw.get('SigninLogs:verbatim:0')?.raw).toEqual(JSON.parse(line));
    expect(raw.get('SigninLogs:element:0')?.raw).toEqual({ ...signIn(7), Id: 'element' });
    await rt.close();
    const db = await DuckDBInstance.create(join(storeDir, 'idgraph.duckdb'));
    const conn = await db.connect();
    const rows = (await conn.runAndReadAll('SELECT event_id, raw FROM events ORDER BY event_id')).getRows().map(([id, text]) => [String(id), String(text)]);
    conn.closeSync();
    db.closeSync();
    expect(rows).toEqual([
      ['SigninLogs:element:0', JSON.stringify({ ...signIn(7), Id: 'element' })],
      ['SigninLogs:second:0', JSON.stringify({ ...signIn(8), Id: 'second' })],
      ['SigninLogs:verbatim:0', line],
    ]);
  });

  it('a SIGKILL mid-ingest leaves whole batches only, and re-ingest completes to the exact total', async () => {
    const total = 60_000;
    const file = ndjson(total, tmp());
    // Kill once the store files pass a size; a kill during the first commit's log write leaves nothing,
    // which is right but does not test a mid-ingest state, so a larger size is tried then.
    let storeDir = '';
    let stored = 0;
    for (const killAt of [2_000_000, 8_000_000, 16_000_000]) {
      storeDir = tmp();
      await ingestUntilKilled(file, storeDir, killAt);
      const store = await DuckDbStore.open(storeDir);
      stored = store.eventCount;
      const facts: string[] = [];
      for await (const e of store.scanEvents()) facts.push(e.eventId);
      await store.close();
      expect(new Set(facts).size).toBe(facts.length); // nothing doubled
      expect(facts.length).toBe(stored);
      expect(stored % 5000).toBe(0); // whole batches only (a bulk ingest commits 5,000 events at a time)
      if (stored > 0) break;
    }
    expect(stored).toBeGreaterThan(0);
    expect(stored).toBeLessThan(total); // the kill really landed mid-ingest
    const rt = await openEngineRuntime({ storeDir, catalog });
    // No snapshot was written (the process never closed its store): the graph is the stored events, replayed.
    expect(rt.restart).toEqual({ fromSnapshot: false, replayed: stored, snapshotUnused: 'no snapshot' });
    expect(dump(rt.graph)).toHaveLength(stored);
    const out = await rt.ingest({ path: file }, {});
    expect(out.tables['SigninLogs']!.accepted + out.tables['SigninLogs']!.duplicate).toBe(total);
    expect(rt.store!.eventCount).toBe(total);
    await rt.close();
  }, 300_000);
});
