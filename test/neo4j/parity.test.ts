/**
 * Parity: the same facts in the embedded temporal graph and in Neo4j, every
 * built-in detector run on both over the same range (and hunt 1 also with its
 * streaming rule), the rows must be identical, in the same order. Data: hand
 * written facts aimed at the constructs that are hardest to reproduce in
 * Cypher (canonical IPv6 keys written differently, aliases, window edges to
 * the millisecond, numbers logged as text, whole-term matching, empties), and
 * random tenants whose values are drawn to hit every detector's positives and
 * near misses (with lowered thresholds so the counting detectors fire).
 */
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { huntRows } from '../../src/detect/batch.js';
import { builtinDetectorsDir, loadCatalog, loadDetectorDocument, type CatalogEntry } from '../../src/detect/catalog.js';
import { parseParamValue } from '../../src/detect/compile.js';
import { runCypherDetector } from '../../src/detect/cypher/run.js';
import type { Value } from '../../src/detect/expr/ast.js';
import type { EventFacts } from '../../src/graph/facts.js';
import type { Scalar } from '../../src/graph/schema.js';
import { prepareRecord } from '../../src/ingest/prepare.js';
import { at, edgeEvent, ip, mfaRegistration, signIn, user } from '../detect/facts-builders.js';
import { BASE, tenantArb } from '../detect/tenant-arbitrary.js';
import { loadBoth, openTestNeo4j, SKIP_NEO4J, type TestNeo4j } from './cypher-neo4j.js';

const catalog = loadCatalog();

/** Detectors a user could write, using what the built-ins do not: aggregates over text (min/max/earliest/latest),
 * per-row aggregates through a key endpoint, grouping with count/dcount/earliest/latest, exists through a key. */
const crafted: CatalogEntry[] = [
  {
    id: 'crafted-aggregates',
    pattern: {
      match: [{ as: 's', edge: 'SIGNED_IN', from: 'user', to: 'ip', where: "s.table == 'SigninLogs'" }],
      exists: [{ as: 'm', edge: 'SECURITY_INFO', from: 'user', to: 'method', range: 'any', window: { from: 's.time - 2d', to: 's.time + 2d' } }],
      aggregate: [
        {
          as: 'same',
          edge: 'SIGNED_IN',
          from: 'anyone',
          to: { kind: 'IP', key: 's.ip' },
          range: 'any',
          window: { from: 's.time - 1d', to: 's.time', toInclusive: true },
          compute: { n: 'count()', users: 'dcount(lower(same.upn))', firstApp: 'earliest(same.app)', lastApp: 'latest(same.app)', minDesc: 'min(same.resultDescription)', maxRt: 'max(same.resultType)', apps: 'make_set(same.app, 2)' },
        },
      ],
      project: {
        When: 's.time', Upn: 'lower(s.upn)', N: 'same.n', Users: 'same.users', FirstApp: 'same.firstApp', LastApp: 'same.lastApp', MinDesc: 'same.minDesc', MaxRt: 'same.maxRt', Apps: 'same.apps',
      },
      sort: [{ column: 'Upn', order: 'asc' }],
    },
  },
  {
    id: 'crafted-group',
    pattern: {
      match: [{ as: 's', edge: 'SIGNED_IN', from: 'user', to: 'ip', where: "s.resultType != 0 and s.location !~ ''" }],
      group: {
        by: { Country: 'lower(s.location)', Failed: 'tonumber(s.resultType)' },
        aggregate: { N: 'count()', Users: 'dcount(s.upn)', First: 'min(s.time)', Last: 'max(s.time)', FirstApp: 'earliest(s.app)', LastIp: 'latest(s.ip)', MaxApp: 'max(s.app)', Ips: 'make_set(s.ip, 3)' },
      },
      project: { Country: 'Country', Failed: 'Failed', N: 'N', Users: 'Users', First: 'First', Last: 'Last', FirstApp: 'FirstApp', LastIp: 'LastIp', MaxApp: 'MaxApp', Ips: 'Ips', Span: 'Last - First' },
      sort: [{ column: 'N', order: 'desc' }],
    },
  },
].map(({ id, pattern }) =>
  loadDetectorDocument(
    { id, name: id, description: 'a detector written for the parity test', severity: 'low', tactics: ['InitialAccess'], techniques: [], tables: ['SigninLogs'], pattern },
    `${id}.yaml`,
  ),
);
const DAY = 86_400_000;
const HOUR = 3_600_000;

let db: TestNeo4j;
beforeAll(async () => {
  if (!SKIP_NEO4J) db = await openTestNeo4j();
});
afterAll(async () => {
  await db?.close();
});

interface Run {
  readonly start: number;
  readonly end: number;
  readonly params?: Record<string, Value>;
}

/** Runs every detector (and anchored variants) on both stores; returns per-run row counts and the differences. */
async function compareAll(events: readonly EventFacts[], runs: readonly Run[], only?: string): Promise<{ rows: Record<string, number>; diffs: string[] }> {
  const graph = await loadBoth(db, events);
  const rows: Record<string, number> = {};
  const diffs: string[] = [];
  for (const [id, entry] of [...catalog, ...crafted.map((c) => [c.definition.id, c] as const)]) {
    if (only && id !== only) continue;
    for (const anchored of entry.pattern.streaming ? [false, true] : [false]) {
      for (const run of runs) {
        const opts = { ...run, anchored };
        const embedded = huntRows(entry.pattern, graph, opts);
        const neo = await runCypherDetector(db, entry.pattern, opts);
        const label = `${id}${anchored ? ' (anchored)' : ''} [${new Date(run.start).toISOString()}, ${new Date(run.end).toISOString()}]${run.params ? ` ${JSON.stringify(run.params)}` : ''}`;
        rows[label] = embedded.length;
        if (JSON.stringify(embedded) !== JSON.stringify(neo)) {
          diffs.push(`${label}\n  embedded ${JSON.stringify(embedded)}\n  neo4j    ${JSON.stringify(neo)}`);
        }
      }
    }
  }
  return { rows, diffs };
}

/** Hand-written facts: positives and near misses for every detector, on 2026-10-10. */
function handWritten(): EventFacts[] {
  const day = '2026-10-10';
  const ev: EventFacts[] = [];
  // Hunt 1: baseline from an IPv6 written in full, registration from the compressed form: same IP, not reported.
  ev.push(signIn('Ann@Contoso.com', '2001:0DB8:0000:0000:0000:0000:0000:0001', '2026-09-20T08:00:00Z', { resultType: 0 }));
  ev.push(mfaRegistration('ann@contoso.com', '2001:db8::1', `${day}T09:00:00Z`));
  // ...and from a bracketed IPv4 never seen: reported, baseline of one.
  ev.push(mfaRegistration('ANN@contoso.com', '[198.51.100.7]', `${day}T10:00:00Z`, { correlationId: 'corr-2' }));
  // Baseline edges: a sign-in exactly at start - 30d counts, one exactly at start does not.
  ev.push(signIn('bo@contoso.com', '10.1.1.1', '2026-09-10T00:00:00.000Z'));
  ev.push(signIn('bo@contoso.com', '10.1.1.2', `${day}T00:00:00.000Z`));
  ev.push(mfaRegistration('bo@contoso.com', '10.1.1.1', `${day}T12:00:00Z`));
  ev.push(mfaRegistration('bo@contoso.com', '10.1.1.2', `${day}T12:00:01Z`));
  // A user known first by object id, then by UPN with the object id as alias.
  ev.push(edgeEvent('SIGNED_IN', { kind: 'User', key: 'oid-cy' }, ip('10.2.2.2'), '2026-09-25T08:00:00Z', { table: 'SigninLogs', resultType: '0', ip: '10.2.2.2' }));
  ev.push({
    ...mfaRegistration('cy@contoso.com', '10.2.2.2', `${day}T13:00:00Z`),
    nodes: [{ kind: 'User', key: 'cy@contoso.com', aliases: ['oid-cy'] }, { kind: 'MfaMethod', key: 'cy@contoso.com|authenticator app' }],
  });
  // Hunt 2 groups: empty and missing IPs are one group; many targets.
  for (const [i, target] of ['T1@x.com', 't1@x.com', '', 'T2@x.com'].entries()) {
    ev.push(mfaRegistration(`adm${i % 2}@x.com`, i % 2 ? '' : '10.3.3.3', `${day}T0${i}:30:00Z`, { targetUpn: target, initiatorUpn: 'Admin@X.com', initiatorId: 'oid-adm', ip: i % 2 ? null : '' }));
  }
  // Hunt 3: risk as text and number, 6h bound on both sides (to the millisecond).
  const reg = (t: string, id: string): EventFacts =>
    edgeEvent('DEVICE_OWNER', user('dee@contoso.com'), { kind: 'Device', key: id }, t, {
      table: 'CloudAppEvents', actionType: 'Add registered owner to device.', accountDisplayName: 'device registration service', reportId: `r-${id}`,
      accountUpn: 'dee@contoso.com', accountObjectId: 'oid-dee', deviceObjectId: id, deviceDisplayName: `PC-${id}`,
    });
  const risky = (t: string, risk: Scalar, session: string): EventFacts =>
    signIn('dee@contoso.com', '10.4.4.4', t, { table: 'EntraIdSignInEvents', risk, app: 'OfficeHome', sessionId: session, userId: 'oid-dee', resultType: 0 });
  ev.push(risky(`${day}T01:00:00.000Z`, '50', 's1'), risky(`${day}T01:30:00.000Z`, 50, 's1'), risky(`${day}T02:00:00.000Z`, 100, 's2'));
  ev.push(reg(`${day}T07:00:00.000Z`, 'd1'), reg(`${day}T06:59:59.999Z`, 'd2'), reg(`${day}T00:59:59.999Z`, 'd3'));
  // Hunt 4: alert, failed portal sign-ins (one with the wrong case), a role change.
  ev.push(edgeEvent('ALERTED', { kind: 'Alert', key: 'al1' }, user('eve@contoso.com'), `${day}T03:00:00Z`, { alertName: 'Unfamiliar sign-in properties', entityType: 'account', account: 'eve@contoso.com' }));
  ev.push(signIn('Eve@contoso.com', '10.5.5.5', `${day}T03:10:00Z`, { app: 'Azure Portal', resultType: 50126, statusCode: '50126', location: 'FR' }));
  ev.push(signIn('eve@contoso.com', '10.5.5.6', `${day}T03:11:00Z`, { app: 'azure portal', resultType: '50126' }));
  ev.push(edgeEvent('INITIATED_ROLE_CHANGE', user('eve@contoso.com'), user('frank@contoso.com'), `${day}T04:00:00Z`, { category: 'RoleManagement', operationName: 'Add member to role in PIM requested (permanent)' }));
  // Hunt 5: whole-term matching of the failure description.
  ev.push(edgeEvent('HAS_ROLE', user('gus@contoso.com'), { kind: 'Role', key: 'global administrator' }, '2026-01-01T00:00:00Z', { role: 'Global Administrator', accountUpn: 'Gus@Contoso.com' }));
  for (const [i, d] of ['multi factor required', 'second-factor failed', 'multifactor', 'MFAX', 'mfa denied'].entries()) {
    ev.push(signIn('gus@contoso.com', '10.6.6.6', `${day}T05:0${i}:00Z`, { resultType: '50140', resultDescription: d }));
  }
  // MFA fatigue: five denied prompts in the hour before a success, one just outside.
  for (let i = 1; i <= 5; i++) ev.push(signIn('hal@contoso.com', '10.7.7.7', new Date(at(`${day}T08:00:00Z`) - i * 11 * 60_000).toISOString(), { resultType: 500121 }));
  ev.push(signIn('hal@contoso.com', '10.7.7.7', new Date(at(`${day}T07:00:00Z`) - 1).toISOString(), { resultType: '500121' }));
  ev.push(signIn('hal@contoso.com', '10.7.7.7', `${day}T08:00:00Z`, { resultType: '500121' }));
  ev.push(signIn('hal@contoso.com', '10.7.7.8', `${day}T08:00:00Z`, { resultType: '0' }));
  // Password spray: five accounts (one in two cases) from one IP, then a success.
  for (const [i, u] of ['a1@x.com', 'A1@x.com', 'a2@x.com', 'a3@x.com', 'a4@x.com', 'a5@x.com'].entries()) {
    ev.push(signIn(u, '192.0.2.66', `${day}T09:0${i}:00Z`, { resultType: '50126' }));
  }
  ev.push(signIn('a5@x.com', '192.0.2.66', `${day}T09:30:00Z`, { resultType: 0 }));
  // New country then MFA change: fr after FR is not new.
  ev.push(signIn('ivy@contoso.com', '10.8.8.8', '2026-09-30T08:00:00Z', { location: 'FR' }));
  ev.push(signIn('ivy@contoso.com', '10.8.8.9', `${day}T08:00:00Z`, { location: 'fr' }));
  ev.push(signIn('ivy@contoso.com', '10.8.8.9', `${day}T09:00:00Z`, { location: 'DE' }));
  ev.push(mfaRegistration('ivy@contoso.com', '10.8.8.9', `${day}T20:00:00Z`, { operationName: 'User changed default security info' }));
  return ev;
}

describe.skipIf(SKIP_NEO4J)('parity: every detector returns the same rows on Neo4j as on the embedded graph', () => {
  it('on hand-written positives and near misses', async () => {
    const start = Date.parse('2026-10-10T00:00:00.000Z');
    const runs: Run[] = [{ start, end: start + DAY - 1 }, { start: start + HOUR, end: start + 9 * HOUR }];
    const { rows, diffs } = await compareAll(handWritten(), runs);
    expect(diffs).toEqual([]);
    // The data is meant to make every detector report something over the day.
    for (const id of catalog.keys()) {
      const label = Object.keys(rows).find((l) => l.startsWith(`${id} [`) && l.includes('T00:00:00.000Z, 2026-10-10T23:59:59.999Z]'))!;
      expect(rows[label], label).toBeGreaterThan(0);
    }
  });

  it("on the detectors' own cases (raw records through the ingest mappings)", async () => {
    const files = readdirSync(builtinDetectorsDir()).filter((f) => f.endsWith('.cases.yaml'));
    expect(files.length).toBeGreaterThan(0);
    let cases = 0;
    let withRows = 0;
    const diffs: string[] = [];
    for (const file of files) {
      const doc = parseYaml(readFileSync(join(builtinDetectorsDir(), file), 'utf8')) as {
        detector: string;
        cases: { name: string; range: { start: string; end: string }; params?: Record<string, string | number>; events: Record<string, unknown>[] }[];
      };
      const entry = catalog.get(doc.detector)!;
      expect(entry, file).toBeDefined();
      for (const c of doc.cases) {
        const events = c.events.map((record, i) => {
          const prepared = prepareRecord({ file, line: i + 1, table: String(record['Type']), record });
          if ('kind' in prepared) throw new Error(`${file}: ${c.name}: event ${i} ${prepared.kind}: ${prepared.path}: ${prepared.message}`);
          return prepared.facts;
        });
        const params = Object.fromEntries(Object.entries(c.params ?? {}).map(([k, v]) => [k, parseParamValue(entry.definition.params[k]!.type, v)]));
        const res = await compareAll(events, [{ start: Date.parse(c.range.start), end: Date.parse(c.range.end), params }], doc.detector);
        diffs.push(...res.diffs.map((d) => `${file}: ${c.name}: ${d}`));
        cases++;
        if (Object.values(res.rows).some((n) => n > 0)) withRows++;
      }
    }
    expect(diffs).toEqual([]);
    expect(cases).toBeGreaterThan(10);
    expect(withRows).toBeGreaterThan(0);
  });

  it('on random tenants', async () => {
    // IDGRAPH_PARITY_TENANTS / IDGRAPH_PARITY_SEED widen the search when hunting a mismatch.
    const tenants = Number(process.env['IDGRAPH_PARITY_TENANTS'] ?? 4);
    const raw = fc.sample(tenantArb(300), { numRuns: tenants * 20, seed: Number(process.env['IDGRAPH_PARITY_SEED'] ?? 20261010) });
    const totals: Record<string, number> = {};
    for (let t = 0; t < tenants; t++) {
      // Several small samples merged into one tenant, so joins and thresholds are hit.
      const events = raw.slice(t * 20, (t + 1) * 20).flat().map((e, j): EventFacts => {
        const eventId = `t${t}e${j}`;
        return { ...e, eventId, edges: e.edges.map((x) => ({ ...x, eventId })) };
      });
      const runs: Run[] = [
        { start: BASE - 2 * DAY, end: BASE + 20 * HOUR },
        { start: BASE, end: BASE + 6 * HOUR },
        { start: BASE - 2 * DAY, end: BASE + 20 * HOUR, params: { minFailures: 2, minAccounts: 2, window: 3 * HOUR } },
      ];
      const { rows, diffs } = await compareAll(events, runs);
      expect(diffs).toEqual([]);
      for (const [label, n] of Object.entries(rows)) {
        const id = label.split(' ')[0]!;
        totals[id] = (totals[id] ?? 0) + n;
      }
    }
    // Every detector found rows somewhere in the random tenants, so parity was tested on positives too.
    for (const id of [...catalog.keys(), ...crafted.map((c) => c.definition.id)]) expect(totals[id] ?? 0, id).toBeGreaterThan(0);
  }, 1_200_000);
});
