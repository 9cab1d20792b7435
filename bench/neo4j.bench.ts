/**
 * Neo4j next to the embedded store, same dataset, same run.
 * Run: npm run bench:neo4j [-- events=200000 users=2000 runs=3 batch=2000]
 * Needs a Neo4j reachable at IDGRAPH_NEO4J_URI (default bolt://127.0.0.1:7687; `npm run neo4j:start`).
 *
 * Generates a seeded tenant (sign-ins with failures, MFA fatigue bursts and
 * password sprays, MFA changes, device registrations after risky sessions,
 * IdentityInfo roles, alerts and role changes), loads it into the embedded
 * temporal graph and into Neo4j (events/s for each), then runs every detector
 * on both over the last day and over the whole span (median of `runs`), and
 * checks the rows agree. Figures only; no assertions on speed.
 */
import neo4j from 'neo4j-driver';
import { huntRows } from '../src/detect/batch.js';
import { loadCatalog } from '../src/detect/catalog.js';
import { runCypherDetector } from '../src/detect/cypher/run.js';
import type { EventFacts, NodeRef } from '../src/graph/facts.js';
import { canonicalIp } from '../src/graph/node-keys.js';
import type { EdgeKind, Scalar } from '../src/graph/schema.js';
import { TemporalGraph } from '../src/graph/temporal-graph.js';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { neo4jTargetFrom } from '../src/store/neo4j/neo4j-connection.js';
import { Neo4jStore } from '../src/store/neo4j/neo4j-store.js';
import { preparedFromFacts, type TestNeo4j } from '../test/neo4j/cypher-neo4j.js';
import { seededRandom } from './seeded-random.js';

const args = Object.fromEntries(process.argv.slice(2).map((a) => a.split('=') as [string, string]));
const EVENTS = Number(args['events'] ?? 200_000);
const USERS = Number(args['users'] ?? 2_000);
const RUNS = Number(args['runs'] ?? 3);
const DAYS = 10;
const BATCH = Number(args['batch'] ?? 2000);
const DAY = 86_400_000;
const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 0, 1);

const { rand, int, pick, ipv4 } = seededRandom(11);
const upnOf = (i: number): string => `user${i}@contoso.com`;
const userRef = (upn: string): NodeRef => ({ kind: 'User', key: upn.toLowerCase() });
const apps = ['Office 365 Exchange Online', 'OfficeHome', 'Azure Portal', 'Microsoft Teams', 'SharePoint Online'];
const homeIps = Array.from({ length: USERS }, () => [ipv4(), ipv4()]);

let seq = 0;
function event(kind: EdgeKind, from: NodeRef, to: NodeRef, time: number, props: Record<string, Scalar>, table: string): EventFacts {
  const eventId = `b${++seq}`;
  return { eventId, table, time, nodes: [from, to], edges: [{ kind, from, to, time, eventId, props }] };
}
function signIn(u: number, addr: string, time: number, resultType: string | number, extra: Record<string, Scalar> = {}): EventFacts {
  const upn = upnOf(u);
  return event('SIGNED_IN', userRef(upn), { kind: 'IP', key: canonicalIp(addr) }, time, {
    table: 'SigninLogs', upn, userId: `oid-${u}`, ip: addr, app: pick(apps), resultType, resultDescription: resultType === 0 || resultType === '0' ? '' : 'Invalid username or password',
    location: pick(['US', 'US', 'US', 'FR', 'DE']), ...extra,
  }, String(extra['table'] ?? 'SigninLogs'));
}
function mfaChange(u: number, addr: string, time: number): EventFacts {
  const upn = upnOf(u);
  return event('SECURITY_INFO', userRef(upn), { kind: 'MfaMethod', key: `${upn}|authenticator app` }, time, {
    operationName: pick(['User registered security info', 'User changed default security info', 'Admin registered security info']), category: 'UserManagement',
    result: 'success', ip: addr, targetUpn: upn, targetId: `oid-${u}`, methodType: 'Authenticator App', correlationId: `c${seq}`, initiatorUpn: upn, initiatorId: `oid-${u}`,
  }, 'AuditLogs');
}

function generate(): EventFacts[] {
  const out: EventFacts[] = [];
  for (let u = 0; u < USERS; u += 20) {
    out.push(event('HAS_ROLE', userRef(upnOf(u)), { kind: 'Role', key: 'global administrator' }, T0, { role: 'Global Administrator', accountUpn: upnOf(u) }, 'IdentityInfo'));
  }
  while (out.length < EVENTS) {
    const u = int(USERS);
    const t = T0 + int(DAYS * DAY);
    const r = rand();
    if (r < 0.85) out.push(signIn(u, rand() < 0.9 ? pick(homeIps[u]!) : ipv4(), t, rand() < 0.8 ? pick([0, '0']) : pick(['50126', 50126, '500121', '50074'])));
    else if (r < 0.9) out.push(mfaChange(u, rand() < 0.5 ? pick(homeIps[u]!) : ipv4(), t));
    else if (r < 0.93) {
      // MFA fatigue burst then success.
      for (let i = 0; i < 6; i++) out.push(signIn(u, ipv4(), t + i * 60_000, 500121));
      out.push(signIn(u, pick(homeIps[u]!), t + 7 * 60_000, 0));
    } else if (r < 0.95) {
      // Password spray from one IP over many users, then a success.
      const ip = ipv4();
      for (let i = 0; i < 8; i++) out.push(signIn(int(USERS), ip, t + i * 30_000, '50126'));
      out.push(signIn(u, ip, t + 10 * 60_000, 0));
    } else if (r < 0.97) {
      // Risky session then a device registration.
      const upn = upnOf(u);
      out.push(signIn(u, ipv4(), t, 0, { table: 'EntraIdSignInEvents', risk: pick([50, '100']), app: 'OfficeHome', sessionId: `s${seq}` }));
      out.push(event('DEVICE_OWNER', userRef(upn), { kind: 'Device', key: `dev${seq}` }, t + int(8 * HOUR), {
        table: 'CloudAppEvents', actionType: 'Add registered owner to device.', accountDisplayName: 'Device Registration Service', reportId: `r${seq}`,
        accountUpn: upn, accountObjectId: `oid-${u}`, deviceObjectId: `dev${seq}`, deviceDisplayName: `PC-${seq}`,
      }, 'CloudAppEvents'));
    } else if (r < 0.98) {
      // Alert, failed portal sign-in, role change.
      const upn = upnOf(u);
      out.push(event('ALERTED', { kind: 'Alert', key: `al${seq}` }, userRef(upn), t, { alertName: 'Unfamiliar sign-in properties', entityType: 'account', account: upn }, 'SecurityAlert'));
      out.push(signIn(u, ipv4(), t + HOUR, 50126, { app: 'Azure Portal', statusCode: '50126' }));
      out.push(event('INITIATED_ROLE_CHANGE', userRef(upn), userRef(upnOf(int(USERS))), t + 2 * HOUR, { category: 'RoleManagement', operationName: 'Add member to role' }, 'AuditLogs'));
    } else out.push(signIn(u, ipv4(), t, 0, { location: pick(['BR', 'JP', 'NG']) }), mfaChange(u, ipv4(), t + 2 * HOUR));
  }
  return out.sort((a, b) => a.time - b.time);
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
async function time<T>(f: () => Promise<T> | T): Promise<{ ms: number; value: T }> {
  const t = performance.now();
  const value = await f();
  return { ms: performance.now() - t, value };
}

async function main(): Promise<void> {
  const uri = process.env['IDGRAPH_NEO4J_URI'] ?? 'bolt://127.0.0.1:7687';
  const driver = neo4j.driver(uri);
  await driver.verifyConnectivity();
  const db: TestNeo4j = {
    async run(cypher, params = {}) {
      const s = driver.session();
      try {
        return (await s.run(cypher, params)).records.map((r) => r.toObject());
      } finally {
        await s.close();
      }
    },
    close: () => driver.close(),
  };
  const events = generate();
  console.log(`dataset: ${events.length} events, ${USERS} users, ${DAYS} days (Neo4j at ${uri})`);

  const embedded = await time(() => {
    const g = new TemporalGraph();
    for (const e of events) g.apply(e);
    return g;
  });
  console.log(`load embedded: ${embedded.ms.toFixed(0)} ms, ${Math.round(events.length / (embedded.ms / 1000))} events/s`);
  await db.run('MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 5000 ROWS');
  const store = await Neo4jStore.open(neo4jTargetFrom(uri));
  const du = (): number | undefined => {
    // The local test Neo4j's data directory (npm run neo4j:start), for bytes on disk per occurrence.
    const runFile = join('.neo4j', `run-${new URL(uri).port || 7687}.json`);
    if (!existsSync(runFile)) return undefined;
    const home = (JSON.parse(readFileSync(runFile, 'utf8')) as { home: string }).home;
    return Number(execFileSync('du', ['-sb', join(home, 'data')], { encoding: 'utf8' }).split('\t')[0]);
  };
  const diskBefore = du();
  const loaded = await time(async () => {
    for (let i = 0; i < events.length; i += BATCH) await store.appendEvents(events.slice(i, i + BATCH).map((f, k) => preparedFromFacts(f, i + k + 1)));
  });
  await store.close();
  console.log(`load neo4j:   ${loaded.ms.toFixed(0)} ms, ${Math.round(events.length / (loaded.ms / 1000))} events/s (Neo4jStore, ${BATCH} events per transaction)`);
  const occurrences = embedded.value.stats().totalOccurrences;
  const diskAfter = du();
  if (diskBefore !== undefined && diskAfter !== undefined)
    console.log(`neo4j on disk: +${((diskAfter - diskBefore) / 1e6).toFixed(1)} MB for ${occurrences} occurrences (${Math.round((diskAfter - diskBefore) / occurrences)} bytes each, store and transaction logs)`);

  const end = T0 + DAYS * DAY - 1;
  const ranges = [
    { name: 'last day', start: end - DAY + 1, end },
    { name: 'whole span', start: T0, end },
  ];
  console.log(`\n${'detector'.padEnd(38)} ${'range'.padEnd(11)} ${'rows'.padStart(6)} ${'embedded ms'.padStart(12)} ${'neo4j ms'.padStart(10)}  same`);
  for (const [id, entry] of loadCatalog()) {
    for (const r of ranges) {
      const opts = { start: r.start, end: r.end };
      const e: number[] = [];
      const n: number[] = [];
      let rowsE: unknown[] = [];
      let rowsN: unknown[] = [];
      for (let i = 0; i < RUNS; i++) {
        const a = await time(() => huntRows(entry.pattern, embedded.value, opts));
        const b = await time(() => runCypherDetector(db, entry.pattern, opts));
        e.push(a.ms);
        n.push(b.ms);
        rowsE = a.value;
        rowsN = b.value;
      }
      const same = JSON.stringify(rowsE) === JSON.stringify(rowsN);
      console.log(`${id.padEnd(38)} ${r.name.padEnd(11)} ${String(rowsE.length).padStart(6)} ${median(e).toFixed(1).padStart(12)} ${median(n).toFixed(1).padStart(10)}  ${same ? 'yes' : 'NO'}`);
    }
  }
  await db.close();
}

await main();
