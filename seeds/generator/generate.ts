/**
 * Generates a deterministic Entra ID tenant over N days into one NDJSON file
 * per table (<Table>.ndjson, optionally gzip) plus scenario.json. Background
 * behaviour: usual IPs per user, workdays busier than nights and weekends,
 * non-interactive sign-ins several times the interactive ones, occasional
 * failures of many result types, daily IdentityInfo snapshots, routine MFA
 * registrations and device registrations, low-risk sessions, unrelated
 * alerts. Memory stays bounded: each day is built, written and dropped.
 */
import { createWriteStream, mkdirSync, writeFileSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { createGzip, type Gzip } from 'node:zlib';
import { TABLE_NAMES } from '../../src/ingest/table-names.js';
import { APPS, alertRecord, auditRecord, deviceRegistrationRecord, entraSignInRecord, identityInfoRecord, signInRecord } from './records.js';
import { Rng } from './rng.js';
import { buildStories, type TimedRecord } from './scenarios.js';
import { buildTenant } from './tenant.js';

export interface GenerateOptions {
  readonly users: number;
  readonly days: number;
  readonly seed: number;
  /** End of the generated period (exclusive), ISO 8601. Default 2026-11-01T00:00:00Z. */
  readonly end?: string;
  readonly out: string;
  readonly gzip?: boolean;
}

export interface GenerateSummary {
  readonly rows: Record<string, number>;
  readonly start: string;
  readonly end: string;
  readonly files: string[];
}

const DAY = 86_400_000;
const FAILURES = ['50126', '50126', '50074', '50076', '500121', '50053', '53003', '50140'];

/** Writes the tenant; resolves when every file is flushed. */
export async function generateTenant(opts: GenerateOptions): Promise<GenerateSummary> {
  const rng = new Rng(opts.seed);
  const tenant = buildTenant(rng, opts.users);
  const end = Date.parse(opts.end ?? '2026-11-01T00:00:00Z');
  const start = end - opts.days * DAY;
  mkdirSync(opts.out, { recursive: true });
  const sinks = new Map<string, { file: WriteStream; gz?: Gzip; path: string }>();
  const rows: Record<string, number> = {};
  for (const t of TABLE_NAMES) {
    const path = join(opts.out, `${t}.ndjson${opts.gzip ? '.gz' : ''}`);
    const file = createWriteStream(path);
    if (opts.gzip) {
      const gz = createGzip({ level: 9 });
      gz.pipe(file);
      sinks.set(t, { file, gz, path });
    } else sinks.set(t, { file, path });
    rows[t] = 0;
  }
  const write = async (table: string, record: unknown): Promise<void> => {
    const s = sinks.get(table)!;
    rows[table]!++;
    const target = s.gz ?? s.file;
    if (!target.write(`${JSON.stringify(record)}\n`)) await new Promise<void>((r) => target.once('drain', () => r()));
  };

  const storyRng = new Rng(opts.seed ^ 0x5eed);
  const { stories, events: storyEvents } = buildStories(storyRng, tenant, end - 1.5 * DAY);

  for (let day = start; day < end; day += DAY) {
    const events: TimedRecord[] = [];
    const weekday = new Date(day).getUTCDay() % 6 !== 0;
    for (const u of tenant.users) {
      events.push({ time: day + 6 * 3_600_000 + rng.int(0, 3_600_000), table: 'IdentityInfo', record: identityInfoRecord(rng, tenant, u, day + 6 * 3_600_000) });
      const interactive = weekday ? rng.int(2, 4) : rng.int(0, 1);
      for (let k = 0; k < interactive; k++) {
        const t = day + (weekday ? rng.int(8, 18) : rng.int(0, 23)) * 3_600_000 + rng.int(0, 3_599_999);
        const result = rng.chance(0.04) ? rng.pick(FAILURES) : '0';
        const ip = rng.pick(u.ips);
        events.push({ time: t, table: 'SigninLogs', record: signInRecord(rng, tenant, { user: u, time: t, ip, app: rng.pick(APPS), result, interactive: true }) });
        for (let j = rng.int(3, 6); j > 0; j--) {
          const tn = t + rng.int(1, 240) * 60_000;
          events.push({ time: tn, table: 'AADNonInteractiveUserSignInLogs', record: signInRecord(rng, tenant, { user: u, time: tn, ip, app: rng.pick(APPS), result: rng.chance(0.02) ? '50140' : '0', interactive: false }) });
        }
        if (rng.chance(0.5)) {
          events.push({ time: t, table: 'EntraIdSignInEvents', record: entraSignInRecord(rng, { user: u, time: t, ip, app: rng.pick(APPS), risk: rng.chance(0.1) ? 10 : 0, errorCode: Number(result), sessionId: rng.uuid(), country: u.city.country }) });
        }
      }
      // Routine security-info changes and device registrations, from the user's usual IP after the first week.
      if (day - start > 7 * DAY && rng.chance(0.01)) {
        const t = day + rng.int(9, 17) * 3_600_000;
        events.push({ time: t, table: 'AuditLogs', record: auditRecord(rng, tenant, { time: t, operation: 'User registered security info', category: 'UserManagement', initiator: u, ip: u.ips[0]!, target: u, targetDisplayName: 'Microsoft Authenticator App' }) });
      }
      if (rng.chance(0.004)) {
        const t = day + rng.int(9, 17) * 3_600_000;
        events.push({ time: t, table: 'CloudAppEvents', record: deviceRegistrationRecord(rng, tenant, { time: t, user: u, deviceObjectId: rng.uuid(), deviceName: u.deviceName, ip: u.ips[0]! }) });
      }
    }
    if (rng.chance(0.3)) {
      const u = rng.pick(tenant.users);
      const admin = tenant.users[0]!;
      const t = day + rng.int(9, 17) * 3_600_000;
      events.push({ time: t, table: 'AuditLogs', record: auditRecord(rng, tenant, { time: t, operation: 'Add member to role', category: 'RoleManagement', initiator: { app: 'MS-PIM' }, ip: '', target: u, role: 'Reports Reader' }) });
      events.push({ time: t + 60_000, table: 'SecurityAlert', record: alertRecord(rng, tenant, { time: t + 60_000, name: 'Atypical travel', severity: 'Low', user: admin, ip: admin.ips[0]! }) });
    }
    for (const e of storyEvents) if (e.time >= day && e.time < day + DAY) events.push(e);
    events.sort((a, b) => a.time - b.time);
    for (const e of events) await write(e.table, e.record);
  }
  await Promise.all(
    [...sinks.values()].map(
      (s) =>
        new Promise<void>((resolve, reject) => {
          s.file.on('finish', () => resolve());
          s.file.on('error', reject);
          (s.gz ?? s.file).end();
        }),
    ),
  );
  const scenario = { seed: opts.seed, users: opts.users, days: opts.days, start: new Date(start).toISOString(), end: new Date(end).toISOString(), stories };
  writeFileSync(join(opts.out, 'scenario.json'), `${JSON.stringify(scenario, null, 2)}\n`);
  return { rows, start: scenario.start, end: scenario.end, files: [...[...sinks.values()].map((s) => s.path), join(opts.out, 'scenario.json')] };
}
