/**
 * Detector speed on a large graph. Run: npm run bench:hunt [-- signIns=1000000 users=5000 streamed=50000]
 *
 * Options: signIns, users, streamed (0 skips streaming), detectors=id,id (default all),
 * runs (batch runs per cell, default 5), span=all|day (default both), slowest=N (each detector's N
 * slowest streamed events, to see what makes the tail), profile=FILE and profileBatch=FILE (CPU profiles
 * of the streaming loop and of the warm batch runs alone), duckdb=0 (skips the DuckDB reference),
 * compare=DIR (another build, compiled with tsc into DIR: its graph and detectors run in this process,
 * alternating run by run with this build's, so a change is measured against the same machine state;
 * this machine's timings drift by a third between processes; gc/run then counts both builds' collections),
 * output=rows|detections (what each run returns: rows, default, as `idgraph hunt` gets them before formatting,
 * sorted, without evidence; or detections, with ids and evidence, as the engine stores them).
 *
 * Builds a temporal graph from generated sign-ins (seeded, so every run builds
 * the same graph) plus the other tables the detectors read: MFA changes, device
 * registrations, IdentityInfo roles, alerts and role changes, with attack shapes
 * mixed in (MFA fatigue bursts, password sprays, risky sessions followed by
 * device registrations, registrations from unseen IPs) so detectors have work.
 *
 * Prints, per detector, the batch time (runRows, or runDetector with output=detections) over the whole span and over its last day: the median of `runs`,
 * the first run (cold: its plans and per-code answers are made then), and gc/run (garbage-collection pauses during
 * its runs, divided by the runs). Beside it, the same hunt as DuckDB SQL over the same events
 * (bench/duckdb-hunt-reference.ts: its time, rows and ratio). Then the streaming latency per event
 * (p50, p99, max) for the last `streamed` events fed one at a time through TemporalGraph.apply and
 * StreamingEngine.apply on top of the graph of all earlier events. Figures only; no assertions on speed.
 */
import { writeFileSync } from 'node:fs';
import { deserialize, serialize } from 'node:v8';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Session } from 'node:inspector/promises';
import { PerformanceObserver } from 'node:perf_hooks';
import { runDetector, runRows } from '../src/detect/batch.js';
import { loadCatalog } from '../src/detect/catalog.js';
import { StreamingEngine } from '../src/detect/streaming.js';
import type { EventFacts, NodeFact, NodeRef } from '../src/graph/facts.js';
import { canonicalIp } from '../src/graph/node-keys.js';
import type { EdgeKind, Scalar } from '../src/graph/schema.js';
import { TemporalGraph } from '../src/graph/temporal-graph.js';
import { loadDuckDbReference } from './duckdb-hunt-reference.js';
import { seededRandom } from './seeded-random.js';

const args = Object.fromEntries(process.argv.slice(2).map((a) => a.split('=') as [string, string]));
const SIGN_INS = Number(args['signIns'] ?? 1_000_000);
const USERS = Number(args['users'] ?? 5_000);
const STREAMED = Number(args['streamed'] ?? 50_000);
const ONLY = args['detectors']?.split(',');
const RUNS = Number(args['runs'] ?? 5);
const SPAN = args['span'];
/** slowest=N: also list each detector's N slowest streamed events (what makes the tail). */
const SLOWEST = Number(args['slowest'] ?? 0);
/** profile=FILE: a CPU profile (.cpuprofile) of the streaming loop alone, without the graph build. */
const PROFILE = args['profile'];
/** profileBatch=FILE: the same for the batch runs alone. */
const PROFILE_BATCH = args['profileBatch'];
/** duckdb=0 skips the reference: the same hunts as DuckDB SQL over the same events (bench/duckdb-hunt-reference.ts). */
const DUCKDB = args['duckdb'] !== '0';
/** compare=DIR: a tsc build of another commit to time against, run by run (see the header). */
const COMPARE = args['compare'];
/** output=detections: time runDetector (ids and evidence) instead of runRows (the rows a hunt returns). */
const OUTPUT = args['output'] ?? 'rows';
if (OUTPUT !== 'rows' && OUTPUT !== 'detections') throw new Error(`output=${OUTPUT}: expected rows or detections`);
/** One batch run, as OUTPUT says; returns its row count. */
type BatchRun = (p: Parameters<typeof runDetector>[0], g: Parameters<typeof runDetector>[1], r: Parameters<typeof runDetector>[2]) => number;

/** A build's batch run as OUTPUT says (a build from before runRows gives rows only as detections: that is what its hunts did). */
function batchRun(batch: { runDetector: typeof runDetector; runRows?: typeof runRows }): BatchRun {
  const rows = batch.runRows;
  return OUTPUT === 'rows' && rows ? (p, g, r) => rows(p, g, r).length : (p, g, r) => batch.runDetector(p, g, r).length;
}

/** Another build as the bench runs it: its graph of the same events, its batch runner, and its detectors by id. */
interface Build {
  readonly graph: TemporalGraph;
  readonly run: BatchRun;
  readonly patterns: ReadonlyMap<string, Parameters<typeof runDetector>[0]>;
}

/** The build named by compare=DIR, its graph built from `events` (its modules come from its own files: nothing is shared with this one). */
async function loadBuild(dir: string, events: readonly EventFacts[]): Promise<Build> {
  const at = (file: string): string => pathToFileURL(resolve(dir, file)).href;
  const { TemporalGraph: Graph } = (await import(at('src/graph/temporal-graph.js'))) as { TemporalGraph: typeof TemporalGraph };
  const batch = (await import(at('src/detect/batch.js'))) as { runDetector: typeof runDetector; runRows?: typeof runRows };
  const cat = (await import(at('src/detect/catalog.js'))) as { loadCatalog: typeof loadCatalog };
  const patterns = new Map([...cat.loadCatalog().values()].map((c) => [c.definition.id, c.pattern]));
  const graph = new Graph();
  for (const e of events) graph.apply(e);
  return { graph, run: batchRun(batch), patterns };
}

/** Starts the inspector's CPU profiler (100 µs samples); the returned function stops it and writes FILE. */
async function startProfile(file: string): Promise<() => Promise<void>> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  await session.post('Profiler.start');
  return async () => {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
    console.log(`CPU profile: ${file}`);
  };
}
const DAYS = 14;
const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 1);

const { rand, int, pick, skew: skewBy, ipv4 } = seededRandom(7);
/** Skewed pick: low indexes more likely (a few heavy accounts, a long tail). */
const skew = <T>(xs: readonly T[]): T => skewBy(xs, 2);

const apps = ['Office 365 Exchange Online', 'OfficeHome', 'Azure Portal', 'Microsoft Teams', 'SharePoint Online', 'Microsoft Authenticator App', 'Outlook Mobile'];
const results: readonly (readonly [string, string])[] = [
  ['0', ''],
  ['0', ''],
  ['0', ''],
  ['0', ''],
  ['50126', 'Error validating credentials due to invalid username or password.'],
  ['50074', 'Strong Authentication is required.'],
  ['500121', 'Authentication failed during strong authentication request.'],
  ['50076', 'Due to a configuration change made by your administrator, you must use multi-factor authentication.'],
  ['53003', 'Access has been blocked by Conditional Access policies.'],
];
const countries = ['US', 'GB', 'DE', 'FR', 'NL', 'IN', 'BR', 'JP'];
const ipPool = Array.from({ length: 100_000 }, ipv4);
const roles = ['Global Administrator', 'User Administrator', 'Reader', 'Security Reader', 'Exchange Administrator'];

interface User {
  readonly upn: string;
  readonly oid: string;
  readonly ips: readonly string[];
  readonly country: string;
}
const users: User[] = Array.from({ length: USERS }, (_, i) => ({
  upn: `user${i}@contoso.com`,
  oid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
  ips: Array.from({ length: 1 + int(4) }, () => pick(ipPool)),
  country: skew(countries),
}));

let seq = 0;
const userNode = (u: User): NodeFact => ({ kind: 'User', key: u.upn, props: { upn: u.upn, objectId: u.oid }, aliases: [u.oid] });
const ref = (n: NodeFact): NodeRef => ({ kind: n.kind, key: n.key });
function event(table: string, time: number, kind: EdgeKind, from: NodeFact, to: NodeFact, props: Record<string, Scalar>): EventFacts {
  const eventId = `ev${++seq}`;
  return { eventId, table, time, nodes: [from, to], edges: [{ kind, from: ref(from), to: ref(to), time, eventId, props }] };
}

function signIn(u: User, time: number, o: { ip?: string; result?: readonly [string, string]; table?: string; app?: string; risk?: Scalar; session?: string } = {}): EventFacts {
  const ip = o.ip ?? (rand() < 0.95 ? pick(u.ips) : pick(ipPool));
  const [resultType, resultDescription] = o.result ?? pick(results);
  const table = o.table ?? (rand() < 0.7 ? 'SigninLogs' : rand() < 0.67 ? 'AADNonInteractiveUserSignInLogs' : 'EntraIdSignInEvents');
  return event(table, time, 'SIGNED_IN', userNode(u), { kind: 'IP', key: canonicalIp(ip) }, {
    table,
    upn: u.upn,
    userId: u.oid,
    ip,
    app: o.app ?? pick(apps),
    resultType,
    resultDescription,
    risk: o.risk ?? (table === 'EntraIdSignInEvents' ? pick([0, 0, 0, 10, 50, 100]) : 'none'),
    sessionId: o.session ?? `s-${u.oid.slice(-6)}-${Math.floor(time / (4 * 3_600_000))}`,
    correlationId: `c${seq}`,
    location: rand() < 0.95 ? u.country : pick(countries),
    city: 'City',
    statusCode: resultType,
    statusDetails: '',
  });
}

function mfaChange(u: User, time: number, ip: string, op = 'User registered security info'): EventFacts {
  return event('AuditLogs', time, 'SECURITY_INFO', userNode(u), { kind: 'MfaMethod', key: `${u.upn}|authenticator app` }, {
    operationName: op,
    category: 'UserManagement',
    result: 'success',
    initiatorId: u.oid,
    initiatorUpn: u.upn,
    ip,
    targetUpn: u.upn,
    targetId: u.oid,
    methodType: 'Authenticator App',
    correlationId: `c${seq}`,
  });
}

function deviceRegistration(u: User, time: number): EventFacts {
  const dev = `dev-${int(1e9)}`;
  return event('CloudAppEvents', time, 'DEVICE_OWNER', userNode(u), { kind: 'Device', key: dev }, {
    table: 'CloudAppEvents',
    actionType: 'Add registered owner to device.',
    accountDisplayName: 'Device Registration Service',
    reportId: `r${seq}`,
    accountUpn: u.upn,
    accountObjectId: u.oid,
    deviceObjectId: dev,
    deviceDisplayName: `DESKTOP-${dev.slice(4, 9)}`,
  });
}

/** Generates every event in arrival order: time order, except 5% of events arriving up to 30 min late. */
function generate(): EventFacts[] {
  const out: EventFacts[] = [];
  const arrival = (): EventFacts[] => {
    const at = out.map((e) => e.time + (rand() < 0.05 ? int(30 * 60_000) : 0));
    return out.map((_, i) => i).sort((a, b) => at[a]! - at[b]! || a - b).map((i) => out[i]!);
  };
  const span = DAYS * DAY;
  for (let i = 0; i < SIGN_INS; i++) {
    const time = T0 + Math.floor((i / SIGN_INS) * span);
    out.push(signIn(skew(users), time));
    if (i % 2_000 === 0) {
      // Attack shapes, one of each every 2,000 sign-ins.
      const v = pick(users);
      for (let k = 0; k < 6; k++) out.push(signIn(v, time - (6 - k) * 5 * 60_000, { result: ['500121', 'Authentication failed during strong authentication request.'], table: 'SigninLogs' }));
      out.push(signIn(v, time, { result: ['0', ''], table: 'SigninLogs' }));
      const sprayIp = pick(ipPool);
      for (let k = 0; k < 6; k++) out.push(signIn(pick(users), time - k * 60_000, { ip: sprayIp, result: ['50126', 'Invalid username or password.'], table: 'SigninLogs' }));
      out.push(signIn(pick(users), time + 60_000, { ip: sprayIp, result: ['0', ''], table: 'SigninLogs' }));
      const w = pick(users);
      out.push(signIn(w, time, { table: 'EntraIdSignInEvents', app: 'OfficeHome', risk: 50, session: `risky-${i}` }));
      out.push(deviceRegistration(w, time + int(8 * 3_600_000)));
      out.push(mfaChange(pick(users), time + 1_000, rand() < 0.5 ? pick(ipPool) : pick(w.ips)));
    }
    if (i % 5_000 === 0) {
      const a = pick(users);
      out.push(event('SecurityAlert', time, 'ALERTED', { kind: 'Alert', key: `alert-${i}` }, userNode(a), { alertName: 'Unfamiliar sign-in properties', severity: 'Medium', entityType: 'account', account: a.upn, systemAlertId: `alert-${i}` }));
      out.push(signIn(a, time + 60_000, { app: 'Azure Portal', result: ['50126', 'Invalid username or password.'], table: 'SigninLogs' }));
      out.push(event('AuditLogs', time + 120_000, 'INITIATED_ROLE_CHANGE', userNode(a), userNode(pick(users)), { operationName: 'Add member to role', category: 'RoleManagement', result: 'success', initiator: a.upn, correlationId: `c${seq}` }));
    }
  }
  // IdentityInfo: one snapshot per user at the start, 5% with an admin role.
  for (const u of users) {
    const role = rand() < 0.05 ? pick(['Global Administrator', 'User Administrator', 'Exchange Administrator']) : pick(roles.filter((r) => !r.includes('Admin')));
    out.push(event('IdentityInfo', T0, 'HAS_ROLE', userNode(u), { kind: 'Role', key: role.toLowerCase() }, { role, accountUpn: u.upn }));
  }
  return arrival();
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (n: number): string => `${n.toFixed(n < 10 ? 2 : 1)} ms`;
const us = (n: number): string => `${(n * 1000).toFixed(1)} µs`;

async function main(): Promise<void> {
  const catalog = [...loadCatalog().values()].filter((c) => !ONLY || ONLY.includes(c.definition.id));
  console.log(`generating ${SIGN_INS.toLocaleString()} sign-ins for ${USERS.toLocaleString()} users over ${DAYS} days...`);
  let events: EventFacts[] | null = generate();
  const signIns = events.filter((e) => e.edges[0]?.kind === 'SIGNED_IN').length;
  console.log(`${events.length.toLocaleString()} events (${signIns.toLocaleString()} sign-ins)`);

  let t = performance.now();
  const g = new TemporalGraph();
  for (const e of events) g.apply(e);
  const s = g.stats();
  console.log(`graph built in ${ms(performance.now() - t)}: ${s.totalNodes.toLocaleString()} nodes, ${s.totalEdges.toLocaleString()} edges, ${s.totalOccurrences.toLocaleString()} occurrences`);

  t = performance.now();
  const other = COMPARE ? await loadBuild(COMPARE, events) : null;
  if (other) console.log(`compare: ${COMPARE} loaded and its graph built in ${ms(performance.now() - t)}; each cell below is this build's median, then that build's, run alternately`);

  const span = g.timeSpan()!;
  const allRanges = { all: { start: span.first, end: span.last }, 'last day': { start: span.last - DAY, end: span.last } };
  const ranges = SPAN === 'all' ? { all: allRanges.all } : SPAN === 'day' ? { 'last day': allRanges['last day'] } : allRanges;
  let tRef = performance.now();
  const reference = DUCKDB ? await loadDuckDbReference(events) : null;
  if (reference) console.log(`DuckDB reference tables loaded in ${ms(performance.now() - tRef)}`);
  // The product keeps no event's facts once applied, so neither does the bench while detectors run: a million
  // fact objects on the heap made every collection during the runs costlier. The streaming part reads them back.
  const kept = STREAMED > 0 ? serialize(events) : null;
  events = null;
  (globalThis as { gc?: () => void }).gc?.();
  const runBatch = batchRun({ runDetector, runRows });
  console.log(`\nbatch time per detector, ${OUTPUT === 'rows' ? 'rows as hunts return them' : 'detections with ids and evidence'} (median of ${RUNS} runs; first: the first run, cold); DuckDB: the same hunt in SQL over the same events, and its time / idgraph's`);
  // Garbage-collection pauses (every kind) while a detector's runs go on, per run: on a heap this size they are much of a run.
  const gcPauses: { start: number; duration: number }[] = [];
  const gcObserver = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcPauses.push({ start: e.startTime, duration: e.duration });
  });
  gcObserver.observe({ entryTypes: ['gc'] });
  const gcPerRun = async (from: number, to: number, runs: number): Promise<number> => {
    await new Promise((resolve) => setTimeout(resolve, 0)); // entries arrive in a later task (an immediate is too soon)
    let sum = 0;
    for (const g of gcPauses) if (g.start >= from && g.start < to) sum += g.duration;
    return sum / runs;
  };
  const head = (r: string): string => `${(r === 'all' ? 'whole span' : r).padStart(12)} ${'first'.padStart(10)} ${'gc/run'.padStart(9)} ${'rows'.padStart(7)}${reference ? ` ${'DuckDB'.padStart(10)} ${'rows'.padStart(7)} ${'ratio'.padStart(6)}` : ''}`;
  console.log(`${'detector'.padEnd(38)} ${Object.keys(ranges).map(head).join(' ')}`);
  if (PROFILE_BATCH) {
    // The profile is of warm runs: one run per detector first (its cold start is in "first" otherwise).
    for (const { pattern } of catalog)
      for (const r of Object.values(ranges)) {
        runBatch(pattern, g, r);
        const theirs = other?.patterns.get(pattern.id);
        if (other && theirs) other.run(theirs, other.graph, r);
      }
    console.log('profileBatch: each detector ran once before the profile started, so "first" is a warm run');
  }
  const stopBatchProfile = PROFILE_BATCH ? await startProfile(PROFILE_BATCH) : null;
  for (const { pattern } of catalog) {
    const cells: string[] = [];
    for (const r of Object.values(ranges)) {
      const times: number[] = [];
      let rows = 0;
      const from = performance.now();
      const theirs: number[] = [];
      let theirRows = 0;
      const theirPattern = other?.patterns.get(pattern.id);
      for (let k = 0; k < RUNS; k++) {
        t = performance.now();
        rows = runBatch(pattern, g, r);
        times.push(performance.now() - t);
        if (!other || !theirPattern) continue;
        t = performance.now();
        theirRows = other.run(theirPattern, other.graph, r);
        theirs.push(performance.now() - t);
      }
      const gc = await gcPerRun(from, performance.now(), RUNS);
      const ours = median(times);
      cells.push(ms(ours).padStart(12), ms(times[0]!).padStart(10), ms(gc).padStart(9), String(rows).padStart(7));
      if (theirs.length > 0) cells.push(`| ${COMPARE}: ${ms(median(theirs))}, first ${ms(theirs[0]!)}, ${theirRows} rows |`);
      if (!reference) continue;
      const refTimes: number[] = [];
      let refRows: number | undefined;
      for (let k = 0; k < RUNS; k++) {
        tRef = performance.now();
        refRows = await reference.run(pattern.id, r.start, r.end);
        refTimes.push(performance.now() - tRef);
        if (refRows === undefined) break;
      }
      if (refRows === undefined) cells.push('-'.padStart(10), '-'.padStart(7), '-'.padStart(6));
      else cells.push(ms(median(refTimes)).padStart(10), String(refRows).padStart(7), `${(median(refTimes) / ours).toFixed(1)}x`.padStart(6));
    }
    console.log(`${pattern.id.padEnd(38)} ${cells.join(' ')}`);
  }
  reference?.close();
  gcObserver.disconnect();

  await stopBatchProfile?.();
  if (!kept) return;
  // Streaming: the last STREAMED events, one at a time, on a graph holding everything before them.
  events = deserialize(kept) as EventFacts[];
  const cut = Math.max(0, events.length - STREAMED);
  const live = new TemporalGraph();
  for (let i = 0; i < cut; i++) live.apply(events[i]!);
  // One engine per detector over the same live graph, so each detector's share of the latency shows.
  const engines = catalog.map((c) => new StreamingEngine([c.pattern], live, { lateness: 3_600_000 }));
  t = performance.now();
  const primed = engines.reduce((n, e) => n + e.prime().length, 0);
  console.log(`\nstreaming: engines primed on ${cut.toLocaleString()} events in ${ms(performance.now() - t)} (${primed.toLocaleString()} live detections)`);
  const n = events.length - cut;
  const total = new Float64Array(n);
  const graphOnly = new Float64Array(n);
  const per = engines.map(() => new Float64Array(n));
  let upserts = 0;
  let withdrawals = 0;
  const stopProfile = PROFILE ? await startProfile(PROFILE) : null;
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const applied = live.apply(events[cut + i]!);
    const t1 = performance.now();
    graphOnly[i] = t1 - t0;
    let prev = t1;
    engines.forEach((engine, k) => {
      const change = engine.apply(applied);
      const now = performance.now();
      per[k]![i] = now - prev;
      prev = now;
      upserts += change.upserted.length;
      withdrawals += change.withdrawn.length;
    });
    total[i] = prev - t0;
  }
  await stopProfile?.();
  if (SLOWEST > 0) {
    // Which events make the tail: per detector, the slowest ones with their kind, endpoints and lateness.
    const facts = events.slice(cut);
    let newest = -Infinity;
    const lag = facts.map((e) => {
      const l = newest - e.time;
      newest = Math.max(newest, e.time);
      return l;
    });
    catalog.forEach((c, k) => {
      const xs = per[k]!;
      const order = [...xs.keys()].sort((a, b) => xs[b]! - xs[a]!).slice(0, SLOWEST);
      console.log(`slowest for ${c.pattern.id}:`);
      for (const i of order) {
        const edge = facts[i]!.edges[0];
        const what = edge ? `${edge.kind} ${edge.from.key} -> ${edge.to.key} ${String(edge.props['resultType'] ?? edge.props['operationName'] ?? '')}` : facts[i]!.table;
        console.log(`  ${us(xs[i]!).padStart(10)}  late ${(Math.max(0, lag[i]!) / 1000).toFixed(0).padStart(6)} s  ${what}`);
      }
    });
  }
  const q = (xs: Float64Array, p: number): number => xs[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;
  {
    // What the p99 is made of: the events between p98.5 and p99.5 of the total, their mean per part.
    const order = [...total.keys()].sort((a, b) => total[a]! - total[b]!);
    const band = order.slice(Math.floor(0.985 * n), Math.ceil(0.995 * n));
    const mean = (xs: Float64Array): string => us(band.reduce((s, i) => s + xs[i]!, 0) / Math.max(1, band.length));
    console.log(`the ${band.length} events around the total's p99 (p98.5-p99.5), mean per part: graph ${mean(graphOnly)}, ` + catalog.map((c, k) => `${c.pattern.id} ${mean(per[k]!)}`).join(', '));
  }
  const line = (name: string, xs: Float64Array): string => {
    xs.sort();
    return `${name.padEnd(38)} ${us(q(xs, 0.5)).padStart(12)} ${us(q(xs, 0.99)).padStart(12)} ${us(q(xs, 0.999)).padStart(12)} ${ms(xs[xs.length - 1]!).padStart(12)}`;
  };
  console.log(`streamed ${n.toLocaleString()} events one at a time (TemporalGraph.apply, then StreamingEngine.apply):`);
  console.log(`${''.padEnd(38)} ${'p50'.padStart(12)} ${'p99'.padStart(12)} ${'p99.9'.padStart(12)} ${'max'.padStart(12)}`);
  console.log(line('total per event (graph + 8 detectors)', total));
  console.log(line('  graph apply', graphOnly));
  catalog.forEach((c, k) => console.log(line(`  ${c.pattern.id}`, per[k]!)));
  console.log(`re-judged partitions (whole/bounded/partial/skipped): ${catalog.map((c, k) => `${c.pattern.id} ${Object.values(engines[k]!.rejudged).join('/')}`).join(', ')}`);
  const late = engines.reduce((m, e) => m + e.tooLate, 0);
  console.log(`${upserts.toLocaleString()} upserts, ${withdrawals.toLocaleString()} withdrawals, ${late} occurrences beyond the lateness`);
}

await main();
