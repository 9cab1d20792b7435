/**
 * The reference bench:hunt measures detectors against: the same hunts written as DuckDB SQL over
 * the same generated events, loaded into tables shaped like the logs (one row per sign-in, one per
 * IdentityInfo role). The issue's target is "10x faster than DuckDB"; this measures DuckDB on this
 * tenant instead of quoting a range. Each query returns the rows the detector returns (the bench
 * prints both counts, so a query that drifted from its detector shows).
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

/** SQL per detector id for a range [start, end] (epoch ms, both ends included), at the detectors' default parameters. */
const QUERIES: Readonly<Record<string, (start: number, end: number) => string>> = {
  // Successes with at least 5 denied prompts (500121) of the same user in the hour before.
  'mfa-fatigue': (s, e) => `
    WITH ok AS (SELECT rowid AS id, * FROM signins WHERE t BETWEEN ${s} AND ${e} AND rt = '0' AND tbl IN ${SIGN_IN_TABLES})
    SELECT ok.t, lower(ok.upn) AS upn, ok.ip, ok.app, count(*) AS prompts, min(d.t) AS first_prompt, list(DISTINCT d.ip)[1:10] AS ips
    FROM ok JOIN signins d ON d.ukey = ok.ukey AND d.rt = '500121' AND d.t >= ok.t - 3600000 AND d.t < ok.t
    GROUP BY ok.id, ok.t, ok.upn, ok.ip, ok.app
    HAVING count(*) >= 5`,
  // Successes from an IP that failed (50126) in the range, where failures of 5 or more accounts at it
  // fall in the day before the success.
  'password-spray-then-success': (s, e) => `
    WITH fails AS (SELECT DISTINCT ipkey FROM signins WHERE t BETWEEN ${s} AND ${e} AND rt = '50126'),
    ok AS (SELECT rowid AS id, * FROM signins WHERE t BETWEEN ${s} AND ${e} AND rt = '0' AND ipkey IN (SELECT ipkey FROM fails))
    SELECT ok.t, lower(ok.upn) AS upn, ok.ip, ok.app, count(DISTINCT lower(sp.upn)) AS accounts, count(*) AS attempts, min(sp.t) AS first_attempt
    FROM ok JOIN signins sp ON sp.ipkey = ok.ipkey AND sp.rt = '50126' AND sp.t >= ok.t - 86400000 AND sp.t < ok.t
    GROUP BY ok.id, ok.t, ok.upn, ok.ip, ok.app
    HAVING count(DISTINCT lower(sp.upn)) >= 5`,
  // Hunt 5: sign-ins failing at the MFA step of accounts IdentityInfo shows with an admin role.
  'privileged-account-failed-mfa': (s, e) => `
    WITH admins AS (SELECT DISTINCT role, lower(upn) AS lupn, ukey FROM identity WHERE contains(lower(role), 'admin'))
    SELECT DISTINCT a.role, a.lupn, si.t, si.upn, si.ip, si.rt, si.rdesc, si.app, si.tbl
    FROM signins si JOIN admins a ON a.ukey = si.ukey
    WHERE si.t BETWEEN ${s} AND ${e} AND si.tbl IN ${SIGN_IN_TABLES}
      AND (regexp_matches(si.rdesc, ${MFA_TERMS}) OR TRY_CAST(si.rt AS BIGINT) IN (50074, 50076, 50079, 50072, 53004, 500121))`,
};

/** Loaded reference tables; `time` runs one detector's query and returns its rows, or undefined when it has none. */
export interface DuckDbReference {
  run(detector: string, start: number, end: number): Promise<number | undefined>;
  close(): void;
}

/** Loads the events' sign-ins and IdentityInfo roles into an in-memory DuckDB. */
export async function loadDuckDbReference(events: readonly EventFacts[]): Promise<DuckDbReference> {
  const dir = mkdtempSync(join(tmpdir(), 'idgraph-hunt-ref-'));
  const signIns: string[] = [];
  const roles: string[] = [];
  for (const ev of events)
    for (const e of ev.edges) {
      const p = e.props ?? {};
      if (e.kind === 'SIGNED_IN')
        signIns.push(JSON.stringify({ t: e.time, tbl: p['table'], ukey: e.from.key, ipkey: e.to.key, upn: p['upn'], ip: p['ip'], app: p['app'], rt: String(p['resultType'] ?? ''), rdesc: p['resultDescription'] ?? '' }));
      else if (e.kind === 'HAS_ROLE') roles.push(JSON.stringify({ t: e.time, ukey: e.from.key, upn: p['accountUpn'], role: p['role'] }));
    }
  writeFileSync(join(dir, 'signins.ndjson'), signIns.join('\n'));
  writeFileSync(join(dir, 'identity.ndjson'), roles.join('\n'));
  const instance = await DuckDBInstance.create(':memory:');
  const db: DuckDBConnection = await instance.connect();
  const cols = (spec: Record<string, string>): string => `{${Object.entries(spec).map(([k, v]) => `'${k}': '${v}'`).join(', ')}}`;
  await db.run(`CREATE TABLE signins AS SELECT * FROM read_ndjson('${join(dir, 'signins.ndjson')}', columns = ${cols({ t: 'BIGINT', tbl: 'VARCHAR', ukey: 'VARCHAR', ipkey: 'VARCHAR', upn: 'VARCHAR', ip: 'VARCHAR', app: 'VARCHAR', rt: 'VARCHAR', rdesc: 'VARCHAR' })})`);
  await db.run(`CREATE TABLE identity AS SELECT * FROM read_ndjson('${join(dir, 'identity.ndjson')}', columns = ${cols({ t: 'BIGINT', ukey: 'VARCHAR', upn: 'VARCHAR', role: 'VARCHAR' })})`);
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
