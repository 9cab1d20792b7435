/**
 * The reference bench:hunt measures detectors against: the same hunts written as DuckDB SQL over
 * the same generated events, loaded into tables shaped like the logs (one row per sign-in, per
 * IdentityInfo role, per security-info change, device registration, alert and role change). The
 * target is "10x faster than DuckDB": this measures DuckDB on the same tenant and range instead of
 * quoting a figure. Each query returns the rows its detector returns (the bench prints both counts,
 * so a query that drifted from its detector shows).
 *
 * SQL here is a yardstick, never part of the product: detectors run on the temporal graph.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { EventFacts } from '../src/graph/facts.js';

const SIGN_IN_TABLES = `('SigninLogs', 'AADNonInteractiveUserSignInLogs')`;
/** KQL `has_any ('MFA', 'second factor', 'multi-factor')`: whole terms, any case, a phrase's terms in a row. */
const MFA_TERMS = `'(?i)(^|[^a-z0-9])(mfa|second[^a-z0-9]+factor|multi[^a-z0-9]+factor)([^a-z0-9]|$)'`;

const DAY = 86_400_000;
const SECURITY_INFO_OPERATIONS = [
  'Admin registered security info',
  'Admin updated security info',
  'Admin deleted security info',
  'User registered security info',
  'User changed default security info',
  'User deleted security info',
  'User registered all required security info',
  'User started security info registration',
].map((o) => `'${o.toLowerCase()}'`);

/** SQL per detector id for a range [start, end] (epoch ms, both ends included), at the detectors' default parameters. */
const QUERIES: Readonly<Record<string, (start: number, end: number) => string>> = {
  // Hunt 2: security-info changes per initiator and IP.
  'account-mfa-modifications': (s, e) => `
    SELECT initiator_id, lower(initiator_upn) AS upn, ip, list(DISTINCT target_upn)[1:100] AS accounts, min(t) AS first, max(t) AS last, list(DISTINCT op)[1:10] AS actions
    FROM secinfo
    WHERE t BETWEEN ${s} AND ${e} AND lower(category) = 'usermanagement' AND lower(op) IN (${SECURITY_INFO_OPERATIONS.join(', ')})
    GROUP BY initiator_id, lower(initiator_upn), ip`,
  // Hunt 1: registrations from an IP the user had no successful interactive sign-in from in the 30 days before the range.
  'mfa-registration-unseen-ip': (s, e) => `
    WITH reg AS (SELECT * FROM secinfo WHERE t BETWEEN ${s} AND ${e} AND lower(op) = 'user registered security info' AND lower(result) = 'success' AND ip <> '' AND target_upn <> ''),
    base AS (SELECT ukey, ipkey, ip FROM signins WHERE t >= ${s - 30 * DAY} AND t < ${s} AND tbl = 'SigninLogs' AND rt = '0')
    SELECT DISTINCT r.t, lower(r.target_upn) AS upn, r.target_id, r.method_type, r.ip, r.correlation_id,
      (SELECT count(DISTINCT b.ip) FROM base b WHERE b.ukey = r.ukey) AS known_ips
    FROM reg r
    WHERE NOT EXISTS (SELECT 1 FROM base b WHERE b.ukey = r.ukey AND b.ipkey = r.ip)`,
  // A successful sign-in from a country the user had none from in the 30 days before, then a security-info change within a day.
  'new-country-then-mfa-change': (s, e) => `
    WITH ch AS (SELECT * FROM secinfo WHERE t BETWEEN ${s} AND ${e} AND lower(result) = 'success' AND contains(lower(op), 'security info')),
    si AS (SELECT * FROM signins WHERE t BETWEEN ${s} AND ${e} AND tbl = 'SigninLogs' AND rt = '0' AND loc <> '')
    SELECT DISTINCT si.t, lower(si.upn) AS upn, si.ip, si.loc, si.city, ch.t AS change_time, ch.op, ch.method_type, ch.ip AS change_ip
    FROM si JOIN ch ON ch.ukey = si.ukey AND ch.t - si.t >= 0 AND ch.t - si.t < ${DAY}
    WHERE NOT EXISTS (SELECT 1 FROM signins p WHERE p.ukey = si.ukey AND p.tbl = 'SigninLogs' AND p.rt = '0' AND lower(p.loc) = lower(si.loc) AND p.t >= si.t - ${30 * DAY} AND p.t < si.t)`,
  // Successes with at least 5 denied prompts (500121) of the same user in the hour before.
  'mfa-fatigue': (s, e) => `
    WITH ok AS (SELECT rowid AS id, * FROM signins WHERE t BETWEEN ${s} AND ${e} AND rt = '0' AND tbl IN ${SIGN_IN_TABLES})
    SELECT ok.t, lower(ok.upn) AS upn, ok.ip, ok.app, count(*) AS prompts, min(d.t) AS first_prompt, list(DISTINCT d.ip)[1:10] AS ips
    FROM ok JOIN signins d ON d.ukey = ok.ukey AND d.rt = '500121' AND d.t >= ok.t - 3600000 AND d.t < ok.t
    GROUP BY ok.id, ok.t, ok.upn, ok.ip, ok.app
    HAVING count(*) >= 5`,
  // Successes from an IP where failures (50126) of 5 or more accounts fall in the day before the success.
  'password-spray-then-success': (s, e) => `
    WITH ok AS (SELECT rowid AS id, * FROM signins WHERE t BETWEEN ${s} AND ${e} AND rt = '0')
    SELECT ok.t, lower(ok.upn) AS upn, ok.ip, ok.app, count(DISTINCT lower(sp.upn)) AS accounts, count(*) AS attempts, min(sp.t) AS first_attempt
    FROM ok JOIN signins sp ON sp.ipkey = ok.ipkey AND sp.rt = '50126' AND sp.t >= ok.t - 86400000 AND sp.t < ok.t
    GROUP BY ok.id, ok.t, ok.upn, ok.ip, ok.app
    HAVING count(DISTINCT lower(sp.upn)) >= 5`,
  // Hunt 3: a device owner registered within 6 hours of a risky sign-in's session (its earliest sign-in per app, session, user, IP and risk).
  'risky-signin-device-registration': (s, e) => `
    WITH risky AS (
      SELECT ukey, app, session, user_id, ip, TRY_CAST(risk AS DOUBLE) AS risk, min(t) AS t FROM signins
      WHERE t BETWEEN ${s} AND ${e} AND tbl = 'EntraIdSignInEvents' AND TRY_CAST(risk AS DOUBLE) IN (50, 100)
        AND app IN ('Office 365 Exchange Online', 'OfficeHome') AND session <> ''
      GROUP BY ukey, app, session, user_id, ip, TRY_CAST(risk AS DOUBLE))
    SELECT DISTINCT d.t, d.report_id, d.account_upn, d.account_oid, d.device_oid, d.device_name, r.t AS signin_time, r.app, r.session, r.ip, r.risk
    FROM devices d JOIN risky r ON r.ukey = d.ukey AND r.user_id = d.account_oid AND d.t - r.t >= 0 AND d.t - r.t < ${6 * 3_600_000}
    WHERE d.t BETWEEN ${s} AND ${e} AND d.tbl = 'CloudAppEvents' AND lower(d.action) = 'add registered owner to device.'
      AND lower(d.actor) = 'device registration service' AND d.account_upn <> '' AND d.account_oid <> '' AND d.device_oid <> '' AND d.device_name <> ''`,
  // Hunt 4: failed Azure Portal sign-ins of accounts with an unfamiliar-sign-in alert and a role change they made, all in the range.
  'unfamiliar-signin-portal-role-change': (s, e) => `
    WITH alerted AS (SELECT DISTINCT ukey FROM alerts WHERE t BETWEEN ${s} AND ${e} AND alert_name = 'Unfamiliar sign-in properties' AND entity_type = 'account' AND account = ukey),
    changed AS (SELECT DISTINCT ukey FROM role_changes WHERE t BETWEEN ${s} AND ${e} AND lower(category) = 'rolemanagement'
      AND regexp_matches(op, '(?i)(^|[^a-z0-9])add[^a-z0-9]+member[^a-z0-9]+to[^a-z0-9]+role([^a-z0-9]|$)'))
    SELECT DISTINCT lower(f.upn) AS upn, f.app, f.ip, f.loc, f.status_code, f.status_details FROM signins f
    WHERE f.t BETWEEN ${s} AND ${e} AND f.tbl = 'SigninLogs' AND f.app = 'Azure Portal' AND TRY_CAST(f.rt AS BIGINT) = 50126
      AND lower(f.upn) = f.ukey AND f.ukey IN (SELECT ukey FROM alerted) AND f.ukey IN (SELECT ukey FROM changed)`,
  // Hunt 5: sign-ins failing at the MFA step of accounts IdentityInfo shows with an admin role.
  'privileged-account-failed-mfa': (s, e) => `
    WITH admins AS (SELECT DISTINCT role, lower(upn) AS lupn, ukey FROM identity WHERE contains(lower(role), 'admin'))
    SELECT DISTINCT a.role, a.lupn, si.t, si.upn, si.ip, si.rt, si.rdesc, si.app, si.tbl
    FROM signins si JOIN admins a ON a.ukey = si.ukey
    WHERE si.t BETWEEN ${s} AND ${e} AND si.tbl IN ${SIGN_IN_TABLES}
      AND (regexp_matches(si.rdesc, ${MFA_TERMS}) OR TRY_CAST(si.rt AS BIGINT) IN (50074, 50076, 50079, 50072, 53004, 500121))`,
};

/** Loaded reference tables; `run` runs one detector's query and returns how many rows it gave, or undefined when the detector has no query. */
export interface DuckDbReference {
  run(detector: string, start: number, end: number): Promise<number | undefined>;
  close(): void;
}

/**
 * The reference tables: per table, the edge kind whose occurrences are its rows, which end is the user
 * (column ukey, the graph's user key) and its other columns, each an occurrence property ('@to': the
 * other end's key). Every column is text but the time, t, in epoch ms.
 */
const TABLES: Readonly<Record<string, { kind: string; user: 'from' | 'to'; columns: Readonly<Record<string, string>> }>> = {
  signins: {
    kind: 'SIGNED_IN',
    user: 'from',
    columns: {
      ipkey: '@to', tbl: 'table', upn: 'upn', ip: 'ip', app: 'app', rt: 'resultType', rdesc: 'resultDescription', loc: 'location', city: 'city',
      risk: 'risk', session: 'sessionId', user_id: 'userId', status_code: 'statusCode', status_details: 'statusDetails',
    },
  },
  identity: { kind: 'HAS_ROLE', user: 'from', columns: { upn: 'accountUpn', role: 'role' } },
  secinfo: {
    kind: 'SECURITY_INFO',
    user: 'from',
    columns: {
      op: 'operationName', category: 'category', result: 'result', initiator_id: 'initiatorId', initiator_upn: 'initiatorUpn', ip: 'ip',
      target_upn: 'targetUpn', target_id: 'targetId', method_type: 'methodType', correlation_id: 'correlationId',
    },
  },
  devices: {
    kind: 'DEVICE_OWNER',
    user: 'from',
    columns: {
      tbl: 'table', action: 'actionType', actor: 'accountDisplayName', report_id: 'reportId', account_upn: 'accountUpn',
      account_oid: 'accountObjectId', device_oid: 'deviceObjectId', device_name: 'deviceDisplayName',
    },
  },
  alerts: { kind: 'ALERTED', user: 'to', columns: { alert_name: 'alertName', entity_type: 'entityType', account: 'account' } },
  role_changes: { kind: 'INITIATED_ROLE_CHANGE', user: 'from', columns: { op: 'operationName', category: 'category' } },
};

/** Loads the events' occurrences into an in-memory DuckDB, one table per kind in TABLES. */
export async function loadDuckDbReference(events: readonly EventFacts[]): Promise<DuckDbReference> {
  const dir = mkdtempSync(join(tmpdir(), 'idgraph-hunt-ref-'));
  const byKind = new Map(Object.entries(TABLES).map(([table, spec]) => [spec.kind, { table, spec, lines: [] as string[] }]));
  const text = (v: unknown): string => (v === null || v === undefined ? '' : String(v));
  for (const ev of events)
    for (const e of ev.edges) {
      const t = byKind.get(e.kind);
      if (!t) continue;
      const row: Record<string, string | number> = { t: e.time, ukey: t.spec.user === 'from' ? e.from.key : e.to.key };
      for (const [column, prop] of Object.entries(t.spec.columns)) row[column] = prop === '@to' ? e.to.key : text(e.props?.[prop]);
      t.lines.push(JSON.stringify(row));
    }
  const instance = await DuckDBInstance.create(':memory:');
  const db: DuckDBConnection = await instance.connect();
  for (const { table, spec, lines } of byKind.values()) {
    const file = join(dir, `${table}.ndjson`);
    writeFileSync(file, lines.join('\n'));
    const columns = ['ukey', ...Object.keys(spec.columns)].map((c) => `'${c}': 'VARCHAR'`).join(', ');
    await db.run(`CREATE TABLE ${table} AS SELECT * FROM read_ndjson('${file}', columns = {'t': 'BIGINT', ${columns}})`);
  }
  rmSync(dir, { recursive: true, force: true });
  return {
    async run(detector, start, end) {
      const q = QUERIES[detector];
      if (!q) return undefined;
      const reader = await db.runAndReadAll(q(start, end));
      return reader.getRows().length;
    },
    close() {
      db.closeSync();
      instance.closeSync();
    },
  };
}
