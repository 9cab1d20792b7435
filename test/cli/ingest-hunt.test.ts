/**
 * The CLI end to end on a real DuckDB store (child processes, as a user runs it): ingest's per-table
 * summary and rejects file, re-ingest, hunt's output contract (one object keyed by detector id, rows with
 * exactly the columns spec/hunts.md lists for the seed hunts), formats, detections in the same row shape,
 * stats, entity resolution by UPN in any case, and clear errors.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliSpawned, type CliRun } from './cli-harness.js';

const dir = mkdtempSync(join(tmpdir(), 'idgraph-cli-'));
const store = join(dir, 'store');
afterAll(() => rmSync(dir, { recursive: true, force: true }));


type Summary = { tables: Record<string, { accepted: number; duplicate: number; rejected: number; skipped: number }>; rejected: number; rejectsFile: string | null };

/** Lines per table of the committed demo tenant. */
const demoLines: Record<string, number> = Object.fromEntries(
  readdirSync('seeds/demo')
    .filter((f) => f.endsWith('.ndjson.gz'))
    .map((f) => [f.replace('.ndjson.gz', ''), gunzipSync(readFileSync(join('seeds/demo', f))).toString('utf8').split('\n').filter(Boolean).length]),
);

/** Output columns of the five seed hunts, as spec/hunts.md lists them. */
const HUNT_COLUMNS: Record<string, string[]> = {
  'mfa-registration-unseen-ip': ['TimeGenerated', 'UserUpn', 'AccountName', 'AccountUPNSuffix', 'UserId', 'MethodType', 'RegIp', 'KnownIPCount', 'CorrelationId'],
  'account-mfa-modifications': ['InitiatorID', 'InitiatorUPN', 'FromIP', 'ModifiedAccounts', 'Start', 'End', 'Actions', 'InitiatorName', 'InitiatorSuffix'],
  'risky-signin-device-registration': ['DeviceRegistrationTimestamp', 'ReportId', 'AccountUpn', 'AccountObjectId', 'DeviceObjectId', 'DeviceDisplayName', 'SignInTimestamp', 'Application', 'SessionId', 'IPAddress', 'RiskLevelDuringSignIn'],
  'unfamiliar-signin-portal-role-change': ['AccountCustomEntity', 'AppDisplayName', 'IPAddress', 'Location', 'StatusCode', 'StatusDetails'],
  'privileged-account-failed-mfa': ['Roles', 'AccountUPN', 'TimeGenerated', 'UserPrincipalName', 'IPAddress', 'ResultType', 'ResultDescription', 'AppDisplayName', 'Type', 'timestamp', 'IPCustomEntity', 'AccountCustomEntity'],
};
const RANGE = ['--start', '2026-10-18T00:00:00Z', '--end', '2026-11-01T00:00:00Z'];
const detectorIds = readdirSync('detectors')
  .filter((f) => f.endsWith('.yaml') && !f.endsWith('.cases.yaml'))
  .map((f) => f.replace('.yaml', ''))
  .sort();

let first: Summary;
beforeAll(async () => {
  const r = await cli(['ingest', 'seeds/demo', '--store', store, '--json']);
  expect(r.code, r.stderr).toBe(0);
  first = JSON.parse(r.stdout) as Summary;
}, 180_000);

describe('idgraph ingest', () => {
  it('accepts every record of the demo tenant, per table, with no reject', () => {
    expect(Object.keys(first.tables).sort()).toEqual(Object.keys(demoLines).sort());
    for (const [table, lines] of Object.entries(demoLines)) expect(first.tables[table], table).toEqual({ accepted: lines, duplicate: 0, rejected: 0, skipped: 0 });
    expect(first.rejectsFile).toBeNull();
  });

  it('adds nothing when the same files come again', async () => {
    const r = await cli(['ingest', 'seeds/demo', '--store', store, '--json']);
    const again = JSON.parse(r.stdout) as Summary;
    for (const [table, lines] of Object.entries(demoLines)) expect(again.tables[table], table).toEqual({ accepted: 0, duplicate: lines, rejected: 0, skipped: 0 });
  }, 120_000);

  it('quarantines every bad record with file, line, field and message, and keeps the good ones', async () => {
    const good = gunzipSync(readFileSync('seeds/demo/SigninLogs.ndjson.gz')).toString('utf8').split('\n').filter(Boolean).slice(0, 3);
    const bad = Array.from({ length: 150 }, (_, i) => JSON.stringify({ ...JSON.parse(good[0]!), TimeGenerated: `not a time ${i}` }));
    const file = join(dir, 'SigninLogs.ndjson');
    writeFileSync(file, [bad[0], ...good.map((l) => l.replace('"CorrelationId":"', '"CorrelationId":"x')), '{"truncated', ...bad.slice(1)].join('\n'));
    const rejects = join(dir, 'rejects.ndjson');
    const r = await cli(['ingest', file, '--store', join(dir, 'store-bad'), '--json', '--rejects', rejects]);
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout) as Summary;
    expect(s.tables['SigninLogs']!.accepted).toBe(3);
    expect(s.rejected).toBe(151);
    const lines = readFileSync(rejects, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { file: string; line: number; path: string; message: string });
    expect(lines).toHaveLength(151);
    expect(lines[0]).toMatchObject({ file, line: 1, path: 'TimeGenerated' });
    expect(lines.find((l) => l.line === 5)?.message).toMatch(/JSON/i);
    expect(lines.at(-1)!.line).toBe(154);
  }, 120_000);

  it('reads stdin with --table, and names a file whose table nothing tells', async () => {
    const line = gunzipSync(readFileSync('seeds/demo/AuditLogs.ndjson.gz')).toString('utf8').split('\n')[0]!;
    const rec = JSON.parse(line) as Record<string, unknown>;
    delete rec['Type'];
    const piped = await cli(['ingest', '-', '--table', 'AuditLogs', '--store', join(dir, 'store-stdin'), '--json'], JSON.stringify(rec));
    expect(piped.code, piped.stderr).toBe(0);
    expect((JSON.parse(piped.stdout) as Summary).tables['AuditLogs']!.accepted).toBe(1);
    const nameless = join(dir, 'export.ndjson');
    writeFileSync(nameless, `${JSON.stringify(rec)}\n`);
    const r = await cli(['ingest', nameless, '--store', join(dir, 'store-stdin'), '--json']);
    expect(JSON.stringify(JSON.parse(r.stdout))).toContain('(unknown)');
    expect(r.stdout + r.stderr).toMatch(/table/i);
  }, 120_000);
});

describe('idgraph hunt', () => {
  let json: Record<string, Record<string, unknown>[]>;
  beforeAll(async () => {
    const r = await cli(['hunt', 'all', ...RANGE, '--format', 'json', '--store', store]);
    expect(r.code, r.stderr).toBe(0);
    json = JSON.parse(r.stdout) as typeof json;
  }, 120_000);

  it('--format json: one object keyed by every detector id; seed hunts have exactly the hunts.md columns', () => {
    expect(Object.keys(json).sort()).toEqual(detectorIds);
    for (const [id, columns] of Object.entries(HUNT_COLUMNS)) {
      expect(json[id]!.length, id).toBeGreaterThan(0);
      for (const row of json[id]!) expect(Object.keys(row), id).toEqual(columns);
    }
  });

  it('ndjson and csv carry the same rows; --input hunts the files without a store', async () => {
    const nd = await cli(['hunt', 'all', ...RANGE, '--format', 'ndjson', '--store', store]);
    const total = Object.values(json).reduce((s, r) => s + r.length, 0);
    expect(nd.stdout.trim().split('\n')).toHaveLength(total);
    const csv = await cli(['hunt', 'mfa-registration-unseen-ip', ...RANGE, '--format', 'csv', '--store', store]);
    const csvLines = csv.stdout.trim().split('\n');
    expect(csvLines[0]).toContain(HUNT_COLUMNS['mfa-registration-unseen-ip']!.join(','));
    expect(csvLines.filter((l) => /^\d{4}-/.test(l))).toHaveLength(json['mfa-registration-unseen-ip']!.length);
    const direct = await cli(['hunt', 'all', ...RANGE, '--format', 'json', '--input', 'seeds/demo']);
    expect(direct.code, direct.stderr).toBe(0);
    expect(JSON.parse(direct.stdout)).toEqual(json);
  }, 180_000);

  it('--param changes what a detector sees; unknown ids and parameters are errors naming them', async () => {
    const narrow = await cli(['hunt', 'mfa-registration-unseen-ip', ...RANGE, '--param', 'lookback=0d', '--format', 'json', '--store', store]);
    expect(narrow.code, narrow.stderr).toBe(0);
    const rows = (JSON.parse(narrow.stdout) as typeof json)['mfa-registration-unseen-ip']!;
    expect(rows.length).toBeGreaterThanOrEqual(json['mfa-registration-unseen-ip']!.length);
    const unknown = await cli(['hunt', 'no-such-detector', '--store', store]);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain('no-such-detector');
    const param = await cli(['hunt', 'mfa-fatigue', '--param', 'nosuch=1', '--store', store]);
    expect(param.code).not.toBe(0);
    expect(param.stderr).toContain('nosuch');
    const time = await cli(['hunt', 'all', '--start', 'yesterday-ish', '--store', store]);
    expect(time.code).not.toBe(0);
    expect(time.stderr).toContain('yesterday-ish');
  }, 120_000);

  it('detections lists the streamed detections in the same row shape as hunt', async () => {
    const r = await cli(['detections', '--format', 'json', '--store', store]);
    expect(r.code, r.stderr).toBe(0);
    const stored = JSON.parse(r.stdout) as typeof json;
    for (const [id, rows] of Object.entries(stored)) for (const row of rows) expect(Object.keys(row), id).toEqual(HUNT_COLUMNS[id] ?? Object.keys(json[id]![0] ?? row));
    expect(Object.values(stored).reduce((s, r) => s + r.length, 0)).toBeGreaterThan(5);
  }, 60_000);
});

describe('idgraph stats, entity, chains', () => {
  it('stats counts what was ingested', async () => {
    const r = await cli(['stats', '--json', '--store', store]);
    const s = JSON.parse(r.stdout) as { events: { table: string; events: number }[]; graph: { nodes: Record<string, number>; totalOccurrences: number }; span: { first: string } };
    expect(Object.fromEntries(s.events.map((e) => [e.table, e.events]))).toEqual(demoLines);
    expect(s.graph.nodes['User']).toBe(60);
    expect(s.graph.totalOccurrences).toBeGreaterThan(demoLines['SigninLogs']!);
    expect(s.span.first.startsWith('2026-10-18')).toBe(true);
  }, 60_000);

  it('entity finds a user by UPN in any case; an unknown one is a clear error', async () => {
    const lower = await cli(['entity', 'user', 'lee.dubois@contoso.com', '--json', '--store', store]);
    const upper = await cli(['entity', 'user', 'LEE.DUBOIS@CONTOSO.COM', '--json', '--store', store]);
    expect(lower.code, lower.stderr).toBe(0);
    expect(upper.stdout).toBe(lower.stdout);
    expect(lower.stdout).toContain('SIGNED_IN');
    const missing = await cli(['entity', 'user', 'nobody@contoso.com', '--store', store]);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('nobody@contoso.com');
  }, 60_000);

  it('chains lists the demo stories, highest score first', async () => {
    const r = await cli(['chains', '--json', '--store', store]);
    const chains = JSON.parse(r.stdout) as { id: string; score: number }[];
    expect(chains.length).toBeGreaterThan(2);
    expect(chains.map((c) => c.score)).toEqual([...chains.map((c) => c.score)].sort((a, b) => b - a));
    const top = await cli(['chains', '--json', '--min-score', String(chains[0]!.score), '--store', store]);
    expect((JSON.parse(top.stdout) as unknown[]).length).toBeGreaterThanOrEqual(1);
    expect((JSON.parse(top.stdout) as unknown[]).length).toBeLessThan(chains.length);
  }, 60_000);
});

/** Runs the CLI from source; resolves with its exit code and output. */
function cli(args: string[], stdin?: string): Promise<CliRun> {
  return cliSpawned(args, stdin === undefined ? {} : { stdin });
}
