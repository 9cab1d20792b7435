/**
 * Ingest speed and memory. Run: npm run bench:ingest [-- signIns=1000000]
 *
 * Generates a seeded tenant with the seeds generator (cached under bench/out/) and keeps its two sign-in
 * tables (SigninLogs and AADNonInteractiveUserSignInLogs, real-sized rows of 2-4 KB). On those same files,
 * in the same run, it times:
 *   1. Node's JSON.parse over every line (one core's parsing ceiling);
 *   2. a plain DuckDB load (`CREATE TABLE AS SELECT * FROM read_ndjson_auto(...)`) into a fresh file;
 *   3. `idgraph ingest` into a fresh durable store, as the CLI does it: records validated, event ids
 *      derived, raw events (an NDJSON line's own text) committed to DuckDB per batch, facts applied to
 *      the temporal graph, then every detector judged once over the store: files to a ready graph with
 *      its detections; then, separately, closing the store (the graph snapshot, DuckDB's checkpoint);
 *   4. reopening the store: from the snapshot, then again without it (rebuilt from the raw records),
 * and prints events/s, MB/s, the ratio of 3 to 2 (target: at most 1.5x), the reopen times, the store's
 * and the snapshot's sizes, and heap bytes per occurrence
 * (heap growth over the ingest, after GC, divided by graph occurrences). Figures only, no assertions.
 */
import { createReadStream, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { DuckDBInstance } from '@duckdb/node-api';
import { openEngineRuntime } from '../src/cli/engine-runtime.js';
import { builtinDetectorsDir, loadCatalog } from '../src/detect/catalog.js';
import { GRAPH_SNAPSHOT_FILE } from '../src/store/duckdb/graph-snapshot-file.js';
import { generateTenant } from '../seeds/generator/generate.js';

const args = Object.fromEntries(process.argv.slice(2).map((a) => a.split('=') as [string, string]));
const SIGN_INS = Number(args['signIns'] ?? process.env['BENCH_SIGNINS'] ?? 1_000_000);
const DAYS = 10;
/** The generator's tenants average about 17 sign-ins (both tables) per user and day. */
const USERS = Math.max(30, Math.ceil(SIGN_INS / (17 * DAYS)));
const TABLES = ['SigninLogs', 'AADNonInteractiveUserSignInLogs'];

const gc = (): void => (globalThis as { gc?: () => void }).gc?.();
const heap = (): number => {
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};
const secs = (t0: number): number => (performance.now() - t0) / 1000;
const mb = (bytes: number): string => (bytes / 1e6).toFixed(0);

async function tenantFiles(): Promise<string[]> {
  const dir = join('bench', 'out', `tenant-${USERS}u-${DAYS}d`);
  if (!existsSync(join(dir, 'scenario.json'))) {
    mkdirSync(dir, { recursive: true });
    const t0 = performance.now();
    process.stdout.write(`generating ${USERS} users x ${DAYS} days into ${dir} ... `);
    await generateTenant({ users: USERS, days: DAYS, seed: 1, out: dir });
    process.stdout.write(`${secs(t0).toFixed(0)} s\n`);
  }
  const names = new Set(readdirSync(dir));
  return TABLES.map((t) => `${t}.ndjson`).filter((f) => names.has(f)).map((f) => join(dir, f));
}

async function jsonParseAll(files: string[]): Promise<number> {
  let n = 0;
  for (const f of files) {
    const lines = createInterface({ input: createReadStream(f), crlfDelay: Infinity });
    for await (const line of lines) if (line.length) n += JSON.parse(line) ? 1 : 0;
  }
  return n;
}

async function duckdbLoad(files: string[]): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'idgraph-bench-duck-'));
  try {
    const inst = await DuckDBInstance.create(join(dir, 'plain.duckdb'));
    const conn = await inst.connect();
    let n = 0;
    for (const [i, f] of files.entries()) {
      await conn.run(`CREATE TABLE t${i} AS SELECT * FROM read_ndjson_auto('${f.replace(/'/g, "''")}', maximum_object_size = 16777216)`);
      n += Number((await conn.runAndReadAll(`SELECT count(*) FROM t${i}`)).getRows()[0]![0]);
    }
    conn.closeSync();
    inst.closeSync();
    return n;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const files = await tenantFiles();
  const bytes = files.reduce((s, f) => s + statSync(f).size, 0);
  console.log(`files: ${files.map((f) => f.split('/').pop()).join(', ')}: ${mb(bytes)} MB`);

  let t0 = performance.now();
  const records = await jsonParseAll(files);
  const parseS = secs(t0);
  console.log(`records: ${records} sign-ins (${Math.round(bytes / records)} bytes per row)\n`);

  t0 = performance.now();
  const duckRows = await duckdbLoad(files);
  const duckS = secs(t0);

  const storeDir = mkdtempSync(join(tmpdir(), 'idgraph-bench-ingest-'));
  const catalog = loadCatalog([builtinDetectorsDir()]);
  const before = heap();
  t0 = performance.now();
  const runtime = await openEngineRuntime({ storeDir, catalog });
  let accepted = 0;
  let rejected = 0;
  for (const f of files) {
    const out = await runtime.ingestBulk({ path: f }, {});
    for (const c of Object.values(out.tables)) {
      accepted += c.accepted;
      rejected += c.rejected;
    }
  }
  await runtime.judge();
  const ingestS = secs(t0);
  const occurrences = runtime.graph.stats().totalOccurrences;
  const heapPerOcc = (heap() - before) / occurrences;
  // Commits are durable in DuckDB's log; closing checkpoints them into the database file (compressed).
  t0 = performance.now();
  await runtime.close();
  const closeS = secs(t0);
  // Reopening: the graph restored from the snapshot the close wrote, then rebuilt from the raw records without it.
  const reopen = async (): Promise<{ s: number; how: string }> => {
    const t = performance.now();
    const again = await openEngineRuntime({ storeDir, catalog });
    const s = secs(t);
    const how = again.restart.fromSnapshot ? `from the snapshot, ${again.restart.replayed} events replayed` : `rebuilt from ${again.restart.replayed} raw records (${again.restart.snapshotUnused})`;
    await again.close();
    return { s, how };
  };
  const fromSnapshot = await reopen();
  rmSync(join(storeDir, GRAPH_SNAPSHOT_FILE));
  const fromRaw = await reopen();
  const snapshotBytes = statSync(join(storeDir, GRAPH_SNAPSHOT_FILE)).size;
  const storeBytes = statSync(join(storeDir, 'idgraph.duckdb')).size;
  rmSync(storeDir, { recursive: true, force: true });

  const row = (name: string, s: number, n: number): string =>
    `${name.padEnd(44)} ${s.toFixed(1).padStart(8)} s ${String(Math.round(n / s)).padStart(9)} rows/s ${(bytes / 1e6 / s).toFixed(1).padStart(8)} MB/s`;
  console.log(row('JSON.parse of every line (reference)', parseS, records));
  console.log(row('DuckDB read_ndjson_auto plain load (reference)', duckS, duckRows));
  console.log(row('idgraph ingest to a ready graph', ingestS, accepted));
  console.log(row('  ... and the store closed (checkpointed)', ingestS + closeS, accepted));
  console.log(`\nidgraph / DuckDB plain load: ${(ingestS / duckS).toFixed(1)}x to a ready graph, ${((ingestS + closeS) / duckS).toFixed(1)}x with the checkpoint (target at most 1.5x)`);
  console.log(`reopen: ${fromSnapshot.s.toFixed(1)} s ${fromSnapshot.how}; ${fromRaw.s.toFixed(1)} s ${fromRaw.how}`);
  console.log(`store ${mb(storeBytes)} MB (DuckDB file), graph snapshot ${mb(snapshotBytes)} MB`);
  console.log(`accepted ${accepted}, rejected ${rejected}; ${occurrences} occurrences; heap ${heapPerOcc.toFixed(0)} bytes per occurrence (graph, streaming state and caches)`);
}

await main();
