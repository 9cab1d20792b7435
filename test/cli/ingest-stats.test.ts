/**
 * ingest, stats and entity in-process through main() on a real DuckDB store, over a tenant the CLI itself
 * generates (`seed --users 30 --days 9 --gzip`), so this file does not repeat ingest-hunt.test.ts's spawned
 * run over the committed demo: per-table counts equal the files' line counts, stats' span and per-table
 * first/last equal the data's own times to the millisecond, graph counts, entity by an upper-cased UPN,
 * records of the wrong type rejected with file, line, nested field path and message while the good ones
 * are kept, and a file whose table nothing tells is an error naming that file.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliInProcess as cli } from './cli-harness.js';

const dir = mkdtempSync(join(tmpdir(), 'idgraph-cli-ingest-'));
const tenant = join(dir, 'tenant');
const store = join(dir, 'store');
afterAll(() => rmSync(dir, { recursive: true, force: true }));



type Counts = { accepted: number; duplicate: number; rejected: number; skipped: number };
type Summary = { tables: Record<string, Counts>; rejected: number; rejectsFile: string | null; store: string };
type Stats = {
  span: { first: string; last: string } | null;
  events: { table: string; events: number; first: number | string; last: number | string }[];
  graph: { nodes: Record<string, number>; edges: Record<string, number>; occurrences: Record<string, number>; totalNodes: number; totalEdges: number };
  restart?: { fromSnapshot: boolean; replayed: number; snapshotUnused?: string };
};

/** The records of each generated table, parsed. */
let records: Record<string, Record<string, unknown>[]>;
let summary: Summary;

/** An event's time as the tables log it (Defender tables: Timestamp). */
const timeOf = (r: Record<string, unknown>): number => Date.parse(String(r['TimeGenerated'] ?? r['Timestamp']));
const ms = (t: number | string): number => (typeof t === 'number' ? t : Date.parse(t));

beforeAll(async () => {
  const seeded = await cli('seed', '--users', '30', '--days', '9', '--seed', '5', '--gzip', '--out', tenant);
  expect(seeded.code, seeded.stderr).toBe(0);
  records = Object.fromEntries(
    readdirSync(tenant)
      .filter((f) => f.endsWith('.ndjson.gz'))
      .map((f) => [
        f.replace('.ndjson.gz', ''),
        gunzipSync(readFileSync(join(tenant, f)))
          .toString('utf8')
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as Record<string, unknown>),
      ]),
  );
  const r = await cli('ingest', tenant, '--store', store, '--json');
  expect(r.code, r.stderr).toBe(0);
  summary = JSON.parse(r.stdout) as Summary;
}, 120_000);

describe('idgraph ingest', () => {
  it('accepts every line of every generated table file, nothing else, no rejects', () => {
    expect(Object.keys(records)).toHaveLength(7);
    expect(Object.keys(summary.tables).sort()).toEqual(Object.keys(records).sort());
    for (const [table, rows] of Object.entries(records)) expect(summary.tables[table], table).toEqual({ accepted: rows.length, duplicate: 0, rejected: 0, skipped: 0 });
    expect(summary.rejected).toBe(0);
    expect(summary.rejectsFile).toBeNull();
    expect(summary.store).toBe(store);
  });

  it('re-ingesting reports every record as a duplicate (text summary too)', async () => {
    const r = await cli('ingest', tenant, '--store', store);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^table\s+accepted\s+duplicate\s+rejected\s+skipped$/);
    for (const [table, rows] of Object.entries(records)) {
      const line = lines.find((l) => l.startsWith(`${table} `));
      expect(line, table).toBeDefined();
      expect(line!.trim().split(/\s+/).slice(1).map(Number), table).toEqual([0, rows.length, 0, 0]);
    }
    expect(r.stdout).toMatch(/^0 events accepted/m);
  }, 60_000);

  it('a record of the wrong type is rejected with file, line, nested field path and message; the good ones go in', async () => {
    const audit = records['AuditLogs']!;
    const good: Record<string, unknown>[] = audit.slice(0, 4).map((r, i) => ({ ...r, Id: `cli-good-${i}`, CorrelationId: `cli-good-${i}` }));
    const first = good[0]!;
    const targets = first['TargetResources'] as Record<string, unknown>[];
    const wrongNested = { ...first, Id: 'cli-bad-nested', TargetResources: [{ ...targets[0], userPrincipalName: { upn: 'nested object' } }, ...targets.slice(1)] };
    const wrongTop = { ...first, Id: 'cli-bad-top', OperationName: { not: 'text' } };
    const file = join(dir, 'AuditLogs.mixed.ndjson');
    // lines: 1 good, 2 wrong nested, 3 good, 4 wrong top-level, 5 good, 6 good
    writeFileSync(file, [good[0], wrongNested, good[1], wrongTop, good[2], good[3]].map((r) => JSON.stringify(r)).join('\n') + '\n');
    const rejects = join(dir, 'mixed-rejects.ndjson');
    const other = join(dir, 'store-mixed');
    const r = await cli('ingest', file, '--store', other, '--json', '--rejects', rejects);
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout) as Summary;
    expect(s.tables['AuditLogs']).toEqual({ accepted: 4, duplicate: 0, rejected: 2, skipped: 0 });
    expect(s.rejected).toBe(2);
    expect(s.rejectsFile).toBe(rejects);
    const lines = readFileSync(rejects, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { file: string; line: number; path: string; message: string; table?: string });
    expect(lines.map(({ file: f, line, path }) => ({ file: f, line, path }))).toEqual([
      { file, line: 2, path: 'TargetResources.0.userPrincipalName' },
      { file, line: 4, path: 'OperationName' },
    ]);
    for (const l of lines) {
      expect(l.table).toBe('AuditLogs');
      expect(l.message.length).toBeGreaterThan(5);
    }
    for (const l of lines) expect(l.message).toMatch(/expected text.*object/);
    // The accepted ones are in the store: stats counts them.
    const stats = JSON.parse((await cli('stats', '--store', other, '--json')).stdout) as Stats;
    expect(stats.events).toEqual([expect.objectContaining({ table: 'AuditLogs', events: 4 })]);
  }, 60_000);

  it('a file whose table nothing tells is an error naming that file; the others still go in', async () => {
    const anonymous = join(dir, 'export-2026.ndjson');
    const rows = records['AuditLogs']!.slice(0, 2).map((r) => {
      const { Type: _type, ...rest } = r;
      return rest;
    });
    writeFileSync(anonymous, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
    const named = join(dir, 'SecurityAlert.ndjson');
    writeFileSync(named, records['SecurityAlert']!.map((r) => JSON.stringify({ ...r, SystemAlertId: `cli-${String(r['SystemAlertId'])}` })).join('\n') + '\n');
    const other = join(dir, 'store-anonymous');
    const r = await cli('ingest', anonymous, named, '--store', other, '--json');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(anonymous);
    expect(r.stderr).toMatch(/table/i);
    expect(r.stderr).not.toContain(named);
    const s = JSON.parse(r.stdout) as Summary;
    expect(s.tables['SecurityAlert']!.accepted).toBe(records['SecurityAlert']!.length);
    expect(s.rejected).toBe(2);
    // Told the table, the same file goes in.
    const fixed = await cli('ingest', anonymous, '--table', 'AuditLogs', '--store', other, '--json');
    expect(fixed.code, fixed.stderr).toBe(0);
    expect((JSON.parse(fixed.stdout) as Summary).tables['AuditLogs']!.accepted).toBe(2);
  }, 60_000);
});

describe('idgraph stats', () => {
  let stats: Stats;
  beforeAll(async () => {
    const r = await cli('stats', '--store', store, '--json');
    expect(r.code, r.stderr).toBe(0);
    stats = JSON.parse(r.stdout) as Stats;
  }, 60_000);

  it('events per table equal the files; the span and each table first/last are the data’s own times', () => {
    const all = Object.values(records).flat().map(timeOf);
    expect(all.every(Number.isFinite)).toBe(true);
    expect(stats.span).toEqual({ first: new Date(Math.min(...all)).toISOString(), last: new Date(Math.max(...all)).toISOString() });
    expect(stats.events.map((e) => e.table).sort()).toEqual(Object.keys(records).sort());
    for (const e of stats.events) {
      const times = records[e.table]!.map(timeOf);
      expect(e.events, e.table).toBe(times.length);
      expect(ms(e.first), e.table).toBe(Math.min(...times));
      expect(ms(e.last), e.table).toBe(Math.max(...times));
    }
  });

  it('counts nodes and edges of every kind, 30 users', () => {
    expect(stats.graph.nodes['User']).toBe(30);
    for (const kind of ['User', 'IP', 'Device', 'App', 'Role', 'Session']) expect(stats.graph.nodes[kind], kind).toBeGreaterThan(0);
    expect(stats.graph.totalNodes).toBe(Object.values(stats.graph.nodes).reduce((a, b) => a + b, 0));
    expect(Object.keys(stats.graph.edges).length).toBeGreaterThan(3);
    for (const [kind, n] of Object.entries(stats.graph.edges)) {
      expect(n, kind).toBeGreaterThan(0);
      expect(stats.graph.occurrences[kind], kind).toBeGreaterThanOrEqual(n);
    }
    expect(stats.graph.totalEdges).toBe(Object.values(stats.graph.edges).reduce((a, b) => a + b, 0));
    const signIns = records['SigninLogs']!.length + records['AADNonInteractiveUserSignInLogs']!.length;
    expect(stats.graph.occurrences['SIGNED_IN']).toBeGreaterThan(0);
    expect(stats.graph.occurrences['SIGNED_IN']).toBeLessThanOrEqual(signIns + records['EntraIdSignInEvents']!.length);
  });

  it('the text form shows the same span and counts', async () => {
    const r = await cli('stats', '--store', store);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`time span ${stats.span!.first} .. ${stats.span!.last}`);
    for (const e of stats.events) expect(r.stdout).toMatch(new RegExp(`^  ${e.table}\\s+${e.events}$`, 'm'));
    expect(r.stdout).toMatch(new RegExp(`^  User\\s+30$`, 'm'));
    expect(r.stdout).toContain('graph restored from its snapshot, 0 later events replayed');
  }, 60_000);

  it('says how the graph came back: from the snapshot the ingest wrote when it closed the store', () => {
    expect(stats.restart).toEqual({ fromSnapshot: true, replayed: 0 });
  });
});

describe('idgraph entity', () => {
  it('finds a user by its UPN upper-cased, with the same answer as lower-cased', async () => {
    const upn = String(records['SigninLogs']![0]!['UserPrincipalName']);
    expect(upn).toMatch(/@/);
    const upper = await cli('entity', 'user', upn.toUpperCase(), '--store', store, '--json');
    expect(upper.code, upper.stderr).toBe(0);
    const found = JSON.parse(upper.stdout) as { entity: { kind: string; key: string }; neighbours: { kind: string; count: number }[]; timeline: unknown[] };
    expect(found.entity).toEqual({ kind: 'User', key: upn.toLowerCase() });
    expect(found.neighbours.some((n) => n.kind === 'IP' && n.count > 0)).toBe(true);
    expect(found.timeline.length).toBeGreaterThan(0);
    const lower = await cli('entity', 'user', upn.toLowerCase(), '--store', store, '--json');
    expect(lower.stdout).toBe(upper.stdout);
    const text = await cli('entity', 'user', upn.toUpperCase(), '--store', store);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain(upn.toLowerCase());
  }, 60_000);
});
