/**
 * Memory and apply throughput of the in-memory temporal graph.
 * Run: npx tsx --expose-gc bench/graph-memory.bench.ts [occurrences=1000000] [users=5000]
 *
 * Builds SIGNED_IN occurrences for a synthetic tenant with realistic property
 * cardinalities (seeded, so every run builds the same graph): each user signs in
 * mostly from a few usual IPs, devices and user agents; 15% of sign-ins come
 * from a large pool of other IPs; correlation ids are unique per event and a
 * session spans ~10 sign-ins; 5% of events arrive late (up to 30 min).
 * Prints heap bytes per occurrence (V8 heap + array buffers, after GC) and
 * apply throughput (facts built beforehand, outside the timing).
 */
import type { EventFacts } from '../src/graph/facts.js';
import { TemporalGraph } from '../src/graph/temporal-graph.js';
import { seededRandom } from './seeded-random.js';

const TOTAL = Number(process.argv[2] ?? 1_000_000);
const USERS = Number(process.argv[3] ?? 5_000);
const BATCH = 10_000;
const DAYS = 14;
const T0 = Date.UTC(2026, 0, 1);

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) {
  console.error('run with --expose-gc: npx tsx --expose-gc bench/graph-memory.bench.ts');
  process.exit(2);
}

const { rand, int, pick, skew: skewBy, ipv4 } = seededRandom(42);
/** Skewed pick: low indexes much more likely (roughly Zipf). */
const skew = <T>(xs: readonly T[]): T => skewBy(xs, 3);
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const HEX = '0123456789abcdef';
const randomText = (alphabet: string, len: number) => {
  const codes = new Array<number>(len);
  for (let i = 0; i < len; i++) codes[i] = alphabet.charCodeAt(int(alphabet.length));
  return String.fromCharCode(...codes);
};
const guid = () => {
  const h = randomText(HEX, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
};

const apps = Array.from({ length: 60 }, (_, i) => ({ name: `App ${i} ${['Portal', 'Teams', 'Outlook', 'SharePoint'][i % 4]}`, id: guid() }));
const results = [
  ['0', ''],
  ['50126', 'Error validating credentials due to invalid username or password.'],
  ['50074', 'Strong Authentication is required.'],
  ['50140', 'This error occurred due to "Keep me signed in" interrupt when the user was signing in.'],
  ['50076', 'Due to a configuration change made by your administrator, you must use multi-factor authentication.'],
  ['70044', 'The session has expired or is invalid due to sign-in frequency checks by conditional access.'],
  ['53003', 'Access has been blocked by Conditional Access policies.'],
  ['50053', 'Account is locked.'],
] as const;
const countries = ['US', 'GB', 'DE', 'FR', 'NL', 'IN', 'BR', 'JP', 'AU', 'CA', 'ES', 'IT', 'SE', 'PL', 'SG', 'ZA', 'MX', 'IE', 'CH', 'NO'];
const cities = Array.from({ length: 200 }, (_, i) => `City ${i}`);
const agents = Array.from({ length: 300 }, (_, i) => `Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${100 + (i % 40)}.0.${i}.0 Safari/537.36`);
const clientApps = ['Browser', 'Mobile Apps and Desktop clients', 'Exchange ActiveSync', 'Other clients', 'IMAP4'];
const ipPool = Array.from({ length: 200_000 }, ipv4);

interface User {
  upn: string;
  oid: string;
  ips: string[];
  devices: string[];
  agents: string[];
  country: string;
  city: string;
  session: string;
  sessionLeft: number;
}
const users: User[] = Array.from({ length: USERS }, (_, i) => ({
  upn: `user${i}@contoso.com`,
  oid: guid(),
  ips: Array.from({ length: 2 + int(5) }, ipv4),
  devices: Array.from({ length: 1 + int(2) }, guid),
  agents: Array.from({ length: 2 + int(2) }, () => pick(agents)),
  country: skew(countries),
  city: pick(cities),
  session: guid(),
  sessionLeft: 0,
}));

const span = DAYS * 86_400_000;
function makeEvent(n: number): EventFacts {
  const u = skew(users);
  let time = T0 + Math.floor((n / TOTAL) * span) + int(60_000);
  if (rand() < 0.05) time -= int(30 * 60_000); // late arrival
  const ip = rand() < 0.85 ? pick(u.ips) : pick(ipPool);
  if (u.sessionLeft-- <= 0) {
    u.session = guid();
    u.sessionLeft = 5 + int(10);
  }
  const r = rand() < 0.9 ? results[0] : pick(results);
  const app = skew(apps);
  const table = rand() < 0.3 ? 'SigninLogs' : rand() < 0.93 ? 'AADNonInteractiveUserSignInLogs' : 'EntraIdSignInEvents';
  const eventId = randomText(B64, 22);
  const away = rand() < 0.03;
  return {
    eventId,
    table,
    time,
    nodes: [
      { kind: 'User', key: u.upn, props: { upn: u.upn, objectId: u.oid }, aliases: [u.oid] },
      { kind: 'IP', key: ip },
    ],
    edges: [
      {
        kind: 'SIGNED_IN',
        from: { kind: 'User', key: u.upn },
        to: { kind: 'IP', key: ip },
        time,
        eventId,
        props: {
          table,
          upn: u.upn,
          userId: u.oid,
          ip,
          app: app.name,
          appId: app.id,
          resultType: r[0],
          resultDescription: r[1],
          risk: rand() < 0.97 ? 'none' : pick(['low', 'medium', 'high']),
          sessionId: u.session,
          correlationId: guid(),
          location: away ? pick(countries) : u.country,
          city: away ? pick(cities) : u.city,
          statusCode: r[0],
          statusDetails: r[0] === '0' ? '' : 'MFA requirement satisfied by claim in the token',
          deviceId: rand() < 0.4 ? '' : pick(u.devices),
          userAgent: pick(u.agents),
          clientApp: rand() < 0.8 ? clientApps[0]! : pick(clientApps),
          authRequirement: rand() < 0.7 ? 'singleFactorAuthentication' : 'multiFactorAuthentication',
        },
      },
    ],
  };
}

function heap(): number {
  gc!();
  gc!();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

const mb = (b: number) => `${(b / 1048576).toFixed(1)} MB`;
const base = heap();
const g = new TemporalGraph();
let applyMs = 0;
let made = 0;
while (made < TOTAL) {
  const n = Math.min(BATCH, TOTAL - made);
  const batch = Array.from({ length: n }, () => makeEvent(made++));
  const t = performance.now();
  for (const ev of batch) g.apply(ev);
  applyMs += performance.now() - t;
}
const built = heap() - base;
const s = g.stats();
g.compact();
const compacted = heap() - base;
// The kind logs are kept from the first event on, so they are part of the heap above; their share, estimated.
const logBytes = g.kindLogBytes();

// A further batch on the full graph, then the same batch again: duplicates are detected and add nothing.
const more = Array.from({ length: BATCH }, (_, i) => makeEvent(TOTAL - BATCH + i));
const tMore = performance.now();
for (const ev of more) g.apply(ev);
const moreMs = performance.now() - tMore;
const afterMore = g.stats().totalOccurrences;
const tDup = performance.now();
for (const ev of more) g.apply(ev);
const dupMs = performance.now() - tDup;

const rate = (n: number, ms: number) => `${Math.round(n / (ms / 1000)).toLocaleString('en-US')} events/s`;
console.log(`graph-memory: ${TOTAL.toLocaleString('en-US')} SIGNED_IN occurrences, ${USERS} users, ${DAYS} days, 5% late`);
console.log(`  nodes ${s.totalNodes} (User ${s.nodes.User}, IP ${s.nodes.IP}), edges ${s.totalEdges}, occurrences ${s.totalOccurrences}, interned values ${s.internedValues}`);
console.log(`  heap after build:   ${mb(built)} = ${(built / s.totalOccurrences).toFixed(1)} bytes/occurrence`);
console.log(`  heap after compact: ${mb(compacted)} = ${(compacted / s.totalOccurrences).toFixed(1)} bytes/occurrence`);
console.log(`  of which kind logs:  ${mb(logBytes)} = ${(logBytes / s.totalOccurrences).toFixed(1)} bytes/occurrence (estimated from their arrays)`);
console.log(`  apply throughput:   ${rate(TOTAL, applyMs)} (${(applyMs / 1000).toFixed(2)} s for ${TOTAL.toLocaleString('en-US')})`);
console.log(`  apply on full graph: ${rate(more.length, moreMs)}; duplicate re-apply: ${rate(more.length, dupMs)} (added ${g.stats().totalOccurrences - afterMore})`);

// Where the bytes go: fixed cost of an edge and its new node, graphology's share of it, and the marginal
// cost of one more occurrence on an existing edge (bare, and with the full property set above).
{
  const E = 100_000;
  const keep: unknown[] = [g]; // the big graph stays alive so its collection cannot skew the figures below
  const ipKey = (i: number) => `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`;
  const bare = (id: string, t: number, user: string, ip: string, props = {}): EventFacts => ({
    eventId: id,
    table: 'SigninLogs',
    time: t,
    nodes: [],
    edges: [{ kind: 'SIGNED_IN', from: { kind: 'User', key: user }, to: { kind: 'IP', key: ip }, time: t, eventId: id, props }],
  });
  const id = (i: number) => `evt${String(i).padStart(19, '0')}`;

  let b0 = heap();
  const single = new TemporalGraph();
  keep.push(single);
  for (let i = 0; i < E; i++) single.apply(bare(id(i), i, users[i % 1000]!.upn, ipKey(i)));
  const perEdge = (heap() - b0) / E;

  b0 = heap();
  const { MultiDirectedGraph } = await import('graphology');
  const topo = new MultiDirectedGraph({ allowSelfLoops: true });
  keep.push(topo);
  for (let i = 0; i < 1000; i++) topo.addNode(`User:${users[i]!.upn}`, { kind: 'User' });
  for (let i = 0; i < E; i++) {
    const ip = `IP:${ipKey(i)}`;
    topo.addNode(ip, { kind: 'IP' });
    topo.addDirectedEdgeWithKey(`SIGNED_IN\u0000User:${users[i % 1000]!.upn}\u0000${ip}`, `User:${users[i % 1000]!.upn}`, ip, { kind: 'SIGNED_IN' });
  }
  const perGraphology = (heap() - b0) / E;

  b0 = heap();
  const deep = new TemporalGraph();
  keep.push(deep);
  for (let i = 0; i < E; i++) deep.apply(bare(id(i), i, 'one@contoso.com', '10.9.9.9'));
  const perBare = (heap() - b0) / E;

  const sample = makeEvent(0).edges[0]!.props;
  b0 = heap();
  const full = new TemporalGraph();
  keep.push(full);
  for (let i = 0; i < E; i++) full.apply(bare(id(i), i, 'one@contoso.com', '10.9.9.9', { ...sample, correlationId: guid() }));
  const perFull = (heap() - b0) / E;

  console.log(`  fixed cost of an edge + its new IP node: ${perEdge.toFixed(0)} bytes (graphology topology alone: ${perGraphology.toFixed(0)})`);
  console.log(`  one more occurrence on an edge: ${perBare.toFixed(1)} bytes bare (time + 22-char event id), ${perFull.toFixed(1)} with the 19 properties (unique correlation id)`);
  console.log(`  (kept ${keep.length} graphs alive for measuring)`);
}
