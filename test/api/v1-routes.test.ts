/**
 * The /v1 routes over real HTTP on the engine: a scenario ingested through
 * POST /v1/events becomes detections and chains; every route's happy path,
 * filters, pagination, invalid input (zod paths in details), triage / split /
 * exclude, exports, entity queries, hunts (inline and as a job) and metrics;
 * and real responses validated against /openapi.json.
 */
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from './harness.js';
import { ndjson, openApiValidator, SCENARIO, startV1, type V1Harness } from './v1-harness.js';

let h: V1Harness;
let validate: Awaited<ReturnType<typeof openApiValidator>>;
const seen: { method: string; path: string; status: number }[] = [];

/** Calls the API and checks the reply against the OpenAPI document. */
async function api(method: string, path: string, url: string, init: Parameters<typeof call>[1] = {}) {
  const r = await call(`${h.url}${url}`, { method: method.toUpperCase(), ...init });
  if ((r.headers.get('content-type') ?? '').includes('json')) {
    expect(validate(method, path, r.status, r.body), `${method} ${url} ${r.status}`).toEqual([]);
  }
  seen.push({ method, path, status: r.status });
  return r;
}

let aliceChain: string;
let bobChain: string;

beforeAll(async () => {
  h = await startV1({ huntJobThresholdMs: 3 * 86_400_000 });
  validate = await openApiValidator(h.url);
  const r = await api('post', '/v1/events', '/v1/events', { token: h.tokens.ingest, body: ndjson(SCENARIO), headers: { 'content-type': 'application/x-ndjson' } });
  expect(r.status).toBe(200);
  const chains = await api('get', '/v1/chains', '/v1/chains', { token: h.tokens.read });
  aliceChain = chains.body.items.find((c: { accounts: string[] }) => c.accounts.includes('alice@contoso.com')).id;
  bobChain = chains.body.items.find((c: { accounts: string[] }) => c.accounts.includes('bob@contoso.com')).id;
});
afterAll(async () => {
  await h.close();
});

describe('POST /v1/events', () => {
  it('counted the scenario per table', async () => {
    // Re-posting the same records: all duplicates, nothing new.
    const r = await api('post', '/v1/events', '/v1/events', { token: h.tokens.ingest, body: ndjson(SCENARIO), headers: { 'content-type': 'application/x-ndjson' } });
    expect(r.status).toBe(200);
    expect(r.body.totals).toEqual({ accepted: 0, duplicate: SCENARIO.length, rejected: 0, skipped: 0 });
    expect(r.body.tables.SigninLogs.duplicate).toBe(4);
    expect(r.body.tables.AuditLogs.duplicate).toBe(2);
    expect(r.body.tables.IdentityInfo.duplicate).toBe(1);
  });

  it('takes a gzipped JSON array with ?table= and reports rejects with line, field and message', async () => {
    const records = [
      { TimeGenerated: '2026-11-01T08:00:00Z', Id: 'g1', CorrelationId: 'c-g1', UserPrincipalName: 'carl@contoso.com', UserId: 'oid-carl', IPAddress: '10.60.0.1', AppDisplayName: 'OfficeHome', ResultType: '0' },
      { TimeGenerated: 'not a time', Id: 'g2', UserPrincipalName: 'carl@contoso.com', IPAddress: '10.60.0.1', ResultType: '0' },
      { TimeGenerated: '2026-11-01T09:00:00Z', Id: 'g3', CorrelationId: 'c-g3', UserPrincipalName: 'carl@contoso.com', UserId: 'oid-carl', IPAddress: '10.60.0.2', AppDisplayName: 'OfficeHome', ResultType: '0' },
    ];
    const r = await api('post', '/v1/events', '/v1/events?table=SigninLogs', {
      token: h.tokens.ingest,
      body: gzipSync(JSON.stringify(records)),
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
    });
    expect(r.status).toBe(200);
    expect(r.body.tables.SigninLogs).toEqual({ accepted: 2, duplicate: 0, rejected: 1, skipped: 0 });
    expect(r.body.rejectsTotal).toBe(1);
    expect(r.body.rejects[0]).toEqual(expect.objectContaining({ file: 'POST /v1/events', line: 2, table: 'SigninLogs', path: 'TimeGenerated' }));
    expect(h.graph.hasNode({ kind: 'User', key: 'carl@contoso.com' })).toBe(true);
  });

  it('a gzip body without Content-Encoding is sniffed; malformed lines are rejects, not failures', async () => {
    const body = gzipSync(`{"Type":"SigninLogs","TimeGenerated":"2026-11-02T08:00:00Z","Id":"g4","CorrelationId":"c-g4","UserPrincipalName":"carl@contoso.com","UserId":"oid-carl","IPAddress":"10.60.0.3","ResultType":"0"}\n{not json\n`);
    const r = await api('post', '/v1/events', '/v1/events', { token: h.tokens.ingest, body, headers: { 'content-type': 'application/gzip' } });
    expect(r.status).toBe(200);
    expect(r.body.totals.accepted).toBe(1);
    expect(r.body.totals.rejected).toBe(1);
    expect(r.body.rejects[0].line).toBe(2);
  });

  it('an unknown ?table= is 400 UNKNOWN_TABLE', async () => {
    const r = await api('post', '/v1/events', '/v1/events?table=NoSuchTable', { token: h.tokens.ingest, body: '{}\n', headers: { 'content-type': 'application/x-ndjson' } });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('UNKNOWN_TABLE');
  });
});

describe('detectors', () => {
  it('lists the catalog with columns and streaming support', async () => {
    const r = await api('get', '/v1/detectors', '/v1/detectors', { token: h.tokens.read });
    expect(r.status).toBe(200);
    const ids = r.body.items.map((d: { id: string }) => d.id);
    expect(ids).toEqual([...h.engine.catalog.keys()]);
    const spray = r.body.items.find((d: { id: string }) => d.id === 'password-spray-then-success');
    expect(spray.columns.length).toBeGreaterThan(0);
    expect(typeof spray.streaming.supported).toBe('boolean');
  });

  it('one detector has its readable plan; an unknown one is 404', async () => {
    const r = await api('get', '/v1/detectors/:id', '/v1/detectors/mfa-registration-unseen-ip', { token: h.tokens.read });
    expect(r.status).toBe(200);
    expect(r.body.plan).toContain('plan:');
    expect(r.body.plan).toContain('mfa-registration-unseen-ip');
    expect(r.body.tables).toContain('AuditLogs');
    const missing = await api('get', '/v1/detectors/:id', '/v1/detectors/nope', { token: h.tokens.read });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('NOT_FOUND');
  });
});

describe('chains from the scenario', () => {
  it("alice's chain has her steps in time order, scored, with her admin privilege", async () => {
    const r = await api('get', '/v1/chains/:id', `/v1/chains/${aliceChain}`, { token: h.tokens.read });
    expect(r.status).toBe(200);
    const c = r.body;
    const detectors = c.steps.map((s: { detector: string }) => s.detector);
    expect(detectors.slice(0, 2)).toEqual(['privileged-account-failed-mfa', 'new-country-then-mfa-change']);
    expect([...detectors.slice(2)].sort()).toEqual(['account-mfa-modifications', 'mfa-registration-unseen-ip']);
    const times = c.steps.map((s: { firstTime: string }) => Date.parse(s.firstTime));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(c.privilegedAccounts).toEqual(['alice@contoso.com']);
    expect(c.tactics.length).toBeGreaterThanOrEqual(3);
    const total = c.steps.reduce((s: number, x: { score: { total: number } }) => s + x.score.total, 0);
    expect(c.score).toBeCloseTo(total, 5);
    const shares = c.steps.map((s: { share: number }) => s.share);
    expect(shares.reduce((a: number, b: number) => a + b, 0)).toBeCloseTo(1, 5);
    // Evidence raw events are the records as ingested.
    const reg = c.steps.find((s: { detector: string }) => s.detector === 'mfa-registration-unseen-ip');
    expect(reg.events.map((e: { raw: { Id: string } }) => e.raw.Id)).toContain('a1');
    expect(reg.events[0].table).toBe('AuditLogs');
    // Subgraph in both shapes, with the chain's user and the attacker IP.
    const keys = c.subgraph.graphology.nodes.map((n: { key: string }) => n.key);
    expect(keys).toEqual(expect.arrayContaining(['User:alice@contoso.com', 'IP:203.0.113.80']));
    expect(c.subgraph.cytoscape.elements.nodes.length).toBe(c.subgraph.graphology.nodes.length);
    expect(c.subgraph.cytoscape.elements.edges.length).toBe(c.subgraph.graphology.edges.length);
  });

  it('lists chains with filters and answers 404 for an unknown one', async () => {
    const all = await api('get', '/v1/chains', '/v1/chains', { token: h.tokens.read });
    expect(all.body.items.map((c: { id: string }) => c.id)).toEqual(expect.arrayContaining([aliceChain, bobChain]));
    const scores = all.body.items.map((c: { score: number }) => c.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    const byEntity = await api('get', '/v1/chains', '/v1/chains?entity=User:Alice@Contoso.com', { token: h.tokens.read });
    expect(byEntity.body.items.map((c: { id: string }) => c.id)).toEqual([aliceChain]);
    const byIp = await api('get', '/v1/chains', '/v1/chains?entity=IP:203.0.113.80', { token: h.tokens.read });
    expect(byIp.body.items.map((c: { id: string }) => c.id)).toEqual([aliceChain]);
    const byDetector = await api('get', '/v1/chains', '/v1/chains?detector=privileged-account-failed-mfa', { token: h.tokens.read });
    expect(byDetector.body.items.map((c: { id: string }) => c.id)).toEqual([aliceChain]);
    const aliceScore = all.body.items.find((c: { id: string }) => c.id === aliceChain).score;
    const min = await api('get', '/v1/chains', `/v1/chains?minScore=${aliceScore}`, { token: h.tokens.read });
    expect(min.body.items.every((c: { score: number }) => c.score >= aliceScore)).toBe(true);
    expect(min.body.items.map((c: { id: string }) => c.id)).not.toContain(bobChain);
    const since = await api('get', '/v1/chains', '/v1/chains?since=2026-10-15T00:00:00Z', { token: h.tokens.read });
    expect(since.body.items.map((c: { id: string }) => c.id)).toEqual([bobChain]);
    const until = await api('get', '/v1/chains', `/v1/chains?until=${Date.parse('2026-10-15T00:00:00Z')}`, { token: h.tokens.read });
    expect(until.body.items.map((c: { id: string }) => c.id)).toEqual([aliceChain]);
    const missing = await api('get', '/v1/chains/:id', '/v1/chains/chain-0000000000000000', { token: h.tokens.read });
    expect(missing.status).toBe(404);
  });

  it('paginates chains and detections with cursors that cover the list once', async () => {
    for (const [path, url] of [['/v1/chains', '/v1/chains'], ['/v1/detections', '/v1/detections']] as const) {
      const full = await api('get', path, `${url}?limit=500`, { token: h.tokens.read });
      const ids: string[] = [];
      let cursor: string | null = null;
      do {
        const page: Awaited<ReturnType<typeof api>> = await api('get', path, `${url}?limit=1${cursor ? `&cursor=${cursor}` : ''}`, { token: h.tokens.read });
        expect(page.body.items.length).toBeLessThanOrEqual(1);
        ids.push(...page.body.items.map((x: { id: string }) => x.id));
        cursor = page.body.nextCursor;
      } while (cursor);
      expect(ids).toEqual(full.body.items.map((x: { id: string }) => x.id));
      expect(ids.length).toBeGreaterThan(1);
    }
  });

  it('rejects bad filters with zod paths', async () => {
    const cases: [string, string, (string | number)[]][] = [
      ['/v1/chains', '/v1/chains?minScore=abc', ['query', 'minScore']],
      ['/v1/chains', '/v1/chains?status=done', ['query', 'status']],
      ['/v1/chains', '/v1/chains?entity=Nobody:x', ['query', 'entity']],
      ['/v1/chains', '/v1/chains?since=yesterday', ['query', 'since']],
      ['/v1/chains', '/v1/chains?limit=501', ['query', 'limit']],
      ['/v1/chains', '/v1/chains?cursor=%21%21', ['query', 'cursor']],
      ['/v1/detections', '/v1/detections?until=2026-13-45', ['query', 'until']],
    ];
    for (const [path, url, at] of cases) {
      const r = await api('get', path, url, { token: h.tokens.read });
      expect(r.status, url).toBe(400);
      expect(r.body.error.code).toBe('BAD_INPUT');
      expect(r.body.error.details.map((d: { path: unknown[] }) => d.path), url).toContainEqual(at);
    }
  });
});

describe('detections', () => {
  it('filters by detector, entity and time; one detection carries its raw evidence', async () => {
    const r = await api('get', '/v1/detections', '/v1/detections?detector=mfa-registration-unseen-ip', { token: h.tokens.read });
    expect(r.body.items.map((d: { row: { UserUpn: string } }) => d.row.UserUpn).sort()).toEqual(['alice@contoso.com', 'bob@contoso.com']);
    const alice = await api('get', '/v1/detections', '/v1/detections?entity=User:alice@contoso.com&since=2026-10-10T08:00:00Z&until=2026-10-10T10:00:00Z', { token: h.tokens.read });
    expect(alice.body.items.length).toBeGreaterThan(0);
    for (const d of alice.body.items) {
      expect(d.entities).toContainEqual({ kind: 'User', key: 'alice@contoso.com' });
      expect(d.chainId).toBe(aliceChain);
      expect(Date.parse(d.time)).toBeGreaterThanOrEqual(Date.parse('2026-10-10T08:00:00Z'));
    }
    const one = await api('get', '/v1/detections/:id', `/v1/detections/${encodeURIComponent(alice.body.items[0].id)}`, { token: h.tokens.read });
    expect(one.status).toBe(200);
    const wanted = new Set(one.body.evidence.flatMap((e: { eventIds: string[] }) => e.eventIds));
    expect(one.body.events.length).toBe(wanted.size);
    for (const e of one.body.events) expect(wanted.has(e.eventId)).toBe(true);
    const missing = await api('get', '/v1/detections/:id', '/v1/detections/nope', { token: h.tokens.read });
    expect(missing.status).toBe(404);
  });
});

describe('entities', () => {
  it('enriches a user: neighbours, roles, MFA methods, IPs, detections, chains, timeline', async () => {
    const r = await api('get', '/v1/entities/:kind/:key', '/v1/entities/User/alice%40contoso.com?timelineLimit=3', { token: h.tokens.read });
    expect(r.status).toBe(200);
    expect(r.body.entity.key).toBe('alice@contoso.com');
    expect(r.body.roles.map((x: { key: string }) => x.key)).toEqual(['global administrator']);
    expect(r.body.ips.map((x: { key: string }) => x.key).sort()).toEqual(['10.50.0.1', '203.0.113.80']);
    const home = r.body.ips.find((x: { key: string }) => x.key === '10.50.0.1');
    expect(home).toEqual(expect.objectContaining({ count: 2, firstSeen: '2026-10-01T08:00:00.000Z', lastSeen: '2026-10-02T08:00:00.000Z' }));
    expect(r.body.mfaMethods.length).toBe(1);
    expect(r.body.chains.map((c: { id: string }) => c.id)).toEqual([aliceChain]);
    expect(r.body.detections.length).toBe(4);
    expect(r.body.timeline.length).toBe(3);
    expect(r.body.timeline[0].time).toBe('2026-10-10T09:00:00.000Z');
    // By alias (object id) too, and 404 for nobody.
    const byId = await api('get', '/v1/entities/:kind/:key', '/v1/entities/User/oid-alice', { token: h.tokens.read });
    expect(byId.status).toBe(200);
    expect(byId.body.entity.key).toBe('alice@contoso.com');
    const none = await api('get', '/v1/entities/:kind/:key', '/v1/entities/User/nobody%40contoso.com', { token: h.tokens.read });
    expect(none.status).toBe(404);
    // Kinds in any case, as people type them (and as the CLI takes them).
    const lower = await api('get', '/v1/entities/:kind/:key', '/v1/entities/user/ALICE%40contoso.com?timelineLimit=3', { token: h.tokens.read });
    expect(lower.status).toBe(200);
    expect(lower.body.entity).toEqual(r.body.entity);
    const byLowerRef = await api('get', '/v1/detections', '/v1/detections?entity=user:alice@contoso.com', { token: h.tokens.read });
    expect(byLowerRef.body.items.length).toBe(4);
    const badKind = await api('get', '/v1/entities/:kind/:key', '/v1/entities/Planet/x', { token: h.tokens.read });
    expect(badKind.status).toBe(400);
    expect(badKind.body.error.details[0].path).toEqual(['params', 'kind']);
  });

  it('neighbourhood to depth N, and as of a time before the attack', async () => {
    const d1 = await api('get', '/v1/entities/:kind/:key/neighbourhood', '/v1/entities/User/alice%40contoso.com/neighbourhood', { token: h.tokens.read });
    expect(d1.status).toBe(200);
    expect(d1.body.nodes.every((n: { depth: number }) => n.depth <= 1)).toBe(true);
    expect(d1.body.nodes.map((n: { key: string }) => n.key)).toContain('203.0.113.80');
    const before = await api('get', '/v1/entities/:kind/:key/neighbourhood', '/v1/entities/User/alice%40contoso.com/neighbourhood?asOf=2026-10-05T00:00:00Z', { token: h.tokens.read });
    expect(before.body.asOf).toBe('2026-10-05T00:00:00.000Z');
    expect(before.body.nodes.map((n: { key: string }) => n.key)).not.toContain('203.0.113.80');
    expect(before.body.nodes.map((n: { key: string }) => n.key)).toContain('10.50.0.1');
    const d2 = await api('get', '/v1/entities/:kind/:key/neighbourhood', '/v1/entities/IP/203.0.113.80/neighbourhood?depth=2', { token: h.tokens.read });
    expect(Math.max(...d2.body.nodes.map((n: { depth: number }) => n.depth))).toBe(2);
    const bad = await api('get', '/v1/entities/:kind/:key/neighbourhood', '/v1/entities/User/alice%40contoso.com/neighbourhood?depth=9', { token: h.tokens.read });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].path).toEqual(['query', 'depth']);
  });

  it('changes between two times: the new IP and MFA method of the attack', async () => {
    const r = await api('get', '/v1/entities/:kind/:key/changes', '/v1/entities/User/alice%40contoso.com/changes?from=2026-10-05T00:00:00Z&to=2026-10-11T00:00:00Z', { token: h.tokens.read });
    expect(r.status).toBe(200);
    expect(r.body.ips.map((x: { key: string }) => x.key)).toEqual(['203.0.113.80']);
    expect(r.body.mfaMethods.length).toBe(1);
    expect(r.body.roles).toEqual([]);
    const earlier = await api('get', '/v1/entities/:kind/:key/changes', '/v1/entities/User/alice%40contoso.com/changes?from=2026-09-15T00:00:00Z&to=2026-10-05T00:00:00Z', { token: h.tokens.read });
    expect(earlier.body.ips.map((x: { key: string }) => x.key)).toEqual(['10.50.0.1']);
    const missing = await api('get', '/v1/entities/:kind/:key/changes', '/v1/entities/User/alice%40contoso.com/changes', { token: h.tokens.read });
    expect(missing.status).toBe(400);
    expect(missing.body.error.details[0].path).toEqual(['query', 'from']);
  });
});

describe('hunts', () => {
  it('runs inline for a short range, rows keyed by detector', async () => {
    const r = await api('post', '/v1/hunts', '/v1/hunts', {
      token: h.tokens.read,
      json: { detectors: ['mfa-registration-unseen-ip', 'new-country-then-mfa-change'], start: '2026-10-10T00:00:00Z', end: '2026-10-11T00:00:00Z' },
    });
    expect(r.status).toBe(200);
    expect(Object.keys(r.body.rows)).toEqual(['mfa-registration-unseen-ip', 'new-country-then-mfa-change']);
    expect(r.body.rows['mfa-registration-unseen-ip'].map((x: { UserUpn: string }) => x.UserUpn)).toEqual(['alice@contoso.com']);
    expect(r.body.rows['new-country-then-mfa-change'][0].Country).toBe('FR');
    expect(r.body.columns['new-country-then-mfa-change']).toEqual(h.engine.catalog.get('new-country-then-mfa-change')!.pattern.columns);
  });

  it('a long range runs as a job with a status URL, visible only to its owner', async () => {
    const r = await api('post', '/v1/hunts', '/v1/hunts', { token: h.tokens.read, json: { start: '2026-09-01T00:00:00Z', end: '2026-11-30T00:00:00Z' } });
    expect(r.status).toBe(202);
    expect(r.headers.get('location')).toBe(r.body.statusUrl);
    expect(['queued', 'running']).toContain(r.body.status);
    await h.jobs.idle();
    const done = await api('get', '/v1/jobs/:id', r.body.statusUrl, { token: h.tokens.read });
    expect(done.status).toBe(200);
    expect(done.body.status).toBe('succeeded');
    expect(Object.keys(done.body.result.rows).sort()).toEqual([...h.engine.catalog.keys()].sort());
    expect(done.body.result.rows['mfa-registration-unseen-ip'].length).toBe(2);
    const other = await api('get', '/v1/jobs/:id', r.body.statusUrl, { token: h.tokens.read2 });
    expect(other.status).toBe(404);
    const admin = await api('get', '/v1/jobs/:id', r.body.statusUrl, { token: h.tokens.admin });
    expect(admin.status).toBe(200);
  });

  it('rejects bad hunt bodies with paths', async () => {
    const cases: [unknown, (string | number)[]][] = [
      [{ start: '2026-10-10T00:00:00Z' }, ['body', 'end']],
      [{ start: 'monday', end: '2026-10-11T00:00:00Z' }, ['body', 'start']],
      [{ start: '2026-10-11T00:00:00Z', end: '2026-10-10T00:00:00Z' }, ['body', 'end']],
      [{ detectors: ['nope'], start: '2026-10-10T00:00:00Z', end: '2026-10-11T00:00:00Z' }, ['body', 'detectors', 0]],
      [{ detectors: [], start: '2026-10-10T00:00:00Z', end: '2026-10-11T00:00:00Z' }, ['body', 'detectors']],
      [{ start: '2026-10-10T00:00:00Z', end: '2026-10-11T00:00:00Z', params: { noSuchParam: 3 } }, ['body', 'params', 'noSuchParam']],
      [{ start: '2026-10-10T00:00:00Z', end: '2026-10-11T00:00:00Z', extra: 1 }, ['body']],
    ];
    for (const [json, at] of cases) {
      const r = await api('post', '/v1/hunts', '/v1/hunts', { token: h.tokens.read, json });
      expect(r.status, JSON.stringify(json)).toBe(400);
      expect(r.body.error.details.map((d: { path: unknown[] }) => d.path), JSON.stringify(json)).toContainEqual(at);
    }
    const jobMissing = await api('get', '/v1/jobs/:id', '/v1/jobs/not-a-uuid', { token: h.tokens.read });
    expect(jobMissing.status).toBe(400);
  });
});

describe('triage, split, exclude', () => {
  it('PATCH keeps status and note with who and when', async () => {
    const r = await api('patch', '/v1/chains/:id', `/v1/chains/${bobChain}`, { token: h.tokens.read, json: { status: 'investigating', note: 'calling Bob' } });
    expect(r.status).toBe(200);
    expect(r.body.status).toBe('investigating');
    const entry = r.body.triage.at(-1);
    expect(entry).toEqual(expect.objectContaining({ status: 'investigating', note: 'calling Bob' }));
    expect(entry.by).toMatch(/^analyst \(/);
    expect(Date.now() - Date.parse(entry.at)).toBeLessThan(60_000);
    const list = await api('get', '/v1/chains', '/v1/chains?status=investigating', { token: h.tokens.read });
    expect(list.body.items.map((c: { id: string }) => c.id)).toEqual([bobChain]);
    const bad = await api('patch', '/v1/chains/:id', `/v1/chains/${bobChain}`, { token: h.tokens.read, json: { status: 'closed' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].path).toEqual(['body', 'status']);
  });

  it('split and exclude reshape a chain; bad step ids are 404', async () => {
    const before = (await api('get', '/v1/chains/:id', `/v1/chains/${bobChain}`, { token: h.tokens.read })).body;
    expect(before.steps.length).toBe(2);
    const [first, second] = before.steps.map((s: { detectionId: string }) => s.detectionId);
    const split = await api('post', '/v1/chains/:id/split', `/v1/chains/${bobChain}/split`, { token: h.tokens.read, json: { detectionIds: [second] } });
    expect(split.status).toBe(201);
    expect(split.body.chain.steps.map((s: { detectionId: string }) => s.detectionId)).toEqual([second]);
    expect(split.body.remaining.steps.map((s: { detectionId: string }) => s.detectionId)).toEqual([first]);
    const all = await api('post', '/v1/chains/:id/split', `/v1/chains/${split.body.remaining.id}/split`, { token: h.tokens.read, json: { detectionIds: [first] } });
    expect(all.status).toBe(400);
    const unknown = await api('post', '/v1/chains/:id/exclude', `/v1/chains/${aliceChain}/exclude`, { token: h.tokens.read, json: { detectionId: 'nope' } });
    expect(unknown.status).toBe(404);
    const alice = (await api('get', '/v1/chains/:id', `/v1/chains/${aliceChain}`, { token: h.tokens.read })).body;
    const last = alice.steps.at(-1).detectionId;
    const ex = await api('post', '/v1/chains/:id/exclude', `/v1/chains/${aliceChain}/exclude`, { token: h.tokens.read, json: { detectionId: last } });
    expect(ex.status).toBe(200);
    expect(ex.body.chain.id).toBe(aliceChain);
    expect(ex.body.chain.steps.map((s: { detectionId: string }) => s.detectionId)).not.toContain(last);
    expect(ex.body.chain.steps.length).toBe(alice.steps.length - 1);
  });
});

describe('exports', () => {
  it('BloodHound OpenGraph: entity, chain and step nodes; every edge end is a node', async () => {
    const r = await api('get', '/v1/chains/:id/export/bloodhound', `/v1/chains/${aliceChain}/export/bloodhound`, { token: h.tokens.read });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-disposition')).toContain('attachment');
    const ids = new Set(r.body.graph.nodes.map((n: { id: string }) => n.id));
    expect(ids.has('User:alice@contoso.com')).toBe(true);
    expect(ids.has(`chain:${aliceChain}`)).toBe(true);
    for (const e of r.body.graph.edges) {
      expect(ids.has(e.start.value)).toBe(true);
      expect(ids.has(e.end.value)).toBe(true);
    }
    const alice = r.body.graph.nodes.find((n: { id: string }) => n.id === 'User:alice@contoso.com');
    expect(alice.properties.privileged).toBe(true);
  });

  it('STIX 2.1: the same bundle on every export', async () => {
    const a = await api('get', '/v1/chains/:id/export/stix', `/v1/chains/${aliceChain}/export/stix`, { token: h.tokens.read });
    const b = await api('get', '/v1/chains/:id/export/stix', `/v1/chains/${aliceChain}/export/stix`, { token: h.tokens.read });
    expect(a.status).toBe(200);
    expect(a.text).toBe(b.text);
    const types = a.body.objects.map((o: { type: string }) => o.type);
    expect(types).toEqual(expect.arrayContaining(['identity', 'user-account', 'ipv4-addr', 'observed-data', 'relationship', 'grouping']));
  });
});

describe('auth matrix', () => {
  const routes: { method: string; path: string; url: () => string; scope: 'read' | 'ingest'; json?: unknown }[] = [
    { method: 'post', path: '/v1/events', url: () => '/v1/events', scope: 'ingest' },
    { method: 'get', path: '/v1/detectors', url: () => '/v1/detectors', scope: 'read' },
    { method: 'get', path: '/v1/detectors/:id', url: () => '/v1/detectors/mfa-fatigue', scope: 'read' },
    { method: 'post', path: '/v1/hunts', url: () => '/v1/hunts', scope: 'read', json: { start: '2026-10-10T00:00:00Z', end: '2026-10-10T01:00:00Z' } },
    { method: 'get', path: '/v1/jobs/:id', url: () => '/v1/jobs/00000000-0000-4000-8000-000000000000', scope: 'read' },
    { method: 'get', path: '/v1/detections', url: () => '/v1/detections', scope: 'read' },
    { method: 'get', path: '/v1/detections/:id', url: () => '/v1/detections/x', scope: 'read' },
    { method: 'get', path: '/v1/chains', url: () => '/v1/chains', scope: 'read' },
    { method: 'get', path: '/v1/chains/:id', url: () => `/v1/chains/${aliceChain}`, scope: 'read' },
    { method: 'patch', path: '/v1/chains/:id', url: () => `/v1/chains/${aliceChain}`, scope: 'read', json: { status: 'new' } },
    { method: 'post', path: '/v1/chains/:id/split', url: () => `/v1/chains/${aliceChain}/split`, scope: 'read', json: { detectionIds: ['x'] } },
    { method: 'post', path: '/v1/chains/:id/exclude', url: () => `/v1/chains/${aliceChain}/exclude`, scope: 'read', json: { detectionId: 'x' } },
    { method: 'get', path: '/v1/chains/:id/export/bloodhound', url: () => `/v1/chains/${aliceChain}/export/bloodhound`, scope: 'read' },
    { method: 'get', path: '/v1/chains/:id/export/stix', url: () => `/v1/chains/${aliceChain}/export/stix`, scope: 'read' },
    { method: 'get', path: '/v1/entities/:kind/:key', url: () => '/v1/entities/User/alice%40contoso.com', scope: 'read' },
    { method: 'get', path: '/v1/entities/:kind/:key/neighbourhood', url: () => '/v1/entities/User/alice%40contoso.com/neighbourhood', scope: 'read' },
    { method: 'get', path: '/v1/entities/:kind/:key/changes', url: () => '/v1/entities/User/alice%40contoso.com/changes?from=0', scope: 'read' },
  ];

  it('401 without a token or with a bad one, 403 without the scope, through with it or admin', async () => {
    for (const r of routes) {
      const init = r.json === undefined ? (r.method === 'post' ? { body: '' } : {}) : { json: r.json };
      const none = await api(r.method, r.path, r.url(), init);
      expect(none.status, `${r.method} ${r.path} without token`).toBe(401);
      const bad = await api(r.method, r.path, r.url(), { ...init, token: 'not-a-real-token' });
      expect(bad.status, `${r.method} ${r.path} bad token`).toBe(401);
      const wrong = await api(r.method, r.path, r.url(), { ...init, token: r.scope === 'read' ? h.tokens.ingest : h.tokens.read });
      expect(wrong.status, `${r.method} ${r.path} wrong scope`).toBe(403);
      for (const token of [r.scope === 'read' ? h.tokens.read : h.tokens.ingest, h.tokens.admin]) {
        const ok = await api(r.method, r.path, r.url(), { ...init, token });
        expect([401, 403], `${r.method} ${r.path} with scope`).not.toContain(ok.status);
        expect(ok.status, `${r.method} ${r.path}`).toBeLessThan(500);
      }
    }
  });
});

describe('metrics and the document', () => {
  it('/metrics has the engine gauges', async () => {
    const r = await call(`${h.url}/metrics`);
    expect(r.status).toBe(200);
    const value = (name: string): number => Number(r.text.split('\n').find((l) => l.startsWith(name))?.split(' ').pop());
    expect(value('idgraph_events_ingested_total{table="SigninLogs"}')).toBe(7);
    expect(value('idgraph_detections_live')).toBe(h.engine.streaming.current().length);
    expect(value('idgraph_streaming_late_occurrences')).toBe(h.engine.streaming.tooLate);
    const chains = r.text.split('\n').filter((l) => l.startsWith('idgraph_chains{')).reduce((s, l) => s + Number(l.split(' ').pop()), 0);
    expect(chains).toBe(h.engine.listChains().length);
  });

  it('documents every /v1 route, and every reply so far matched it', async () => {
    const doc = (await call(`${h.url}/openapi.json`)).body;
    for (const p of ['/v1/events', '/v1/detectors/{id}', '/v1/hunts', '/v1/jobs/{id}', '/v1/detections/{id}', '/v1/chains/{id}/split', '/v1/chains/{id}/export/stix', '/v1/entities/{kind}/{key}/changes']) {
      expect(doc.paths[p], p).toBeDefined();
    }
    for (const name of ['Chain', 'ChainDetail', 'ChainSummary', 'Detection', 'RawEvent', 'IngestReport', 'HuntResult', 'Job', 'EntityDetail', 'StixBundle', 'BloodHoundOpenGraph']) {
      expect(doc.components.schemas[name], name).toBeDefined();
    }
    const statuses = new Set(seen.map((s) => s.status));
    for (const s of [200, 201, 202, 400, 401, 403, 404]) expect(statuses.has(s), String(s)).toBe(true);
    expect(h.logger.lines.filter((e) => e.level === 'error')).toEqual([]);
  });
});

describe('the /v1 OpenAPI document', () => {
  it('has unique operationIds, resolvable refs and valid JSON Schema 2020-12 components', async () => {
    const { Ajv2020 } = await import('ajv/dist/2020.js');
    const doc = (await call(`${h.url}/openapi.json`)).body as { paths: Record<string, Record<string, { operationId: string }>>; components: { schemas: Record<string, unknown> } };
    const ids = Object.values(doc.paths).flatMap((item) => Object.values(item).map((op) => op.operationId));
    expect(new Set(ids).size).toBe(ids.length);
    const refs: string[] = [];
    const walk = (n: unknown): void => {
      if (Array.isArray(n)) return n.forEach(walk);
      if (n === null || typeof n !== 'object') return;
      for (const [k, v] of Object.entries(n)) {
        if (k === '$ref' && typeof v === 'string') refs.push(v);
        else walk(v);
      }
    };
    walk(doc);
    for (const ref of refs) {
      let node: unknown = doc;
      for (const part of ref.slice(2).split('/')) node = (node as Record<string, unknown> | undefined)?.[part.replaceAll('~1', '/').replaceAll('~0', '~')];
      expect(node, ref).toBeDefined();
    }
    const ajv = new Ajv2020({ strict: false, validateFormats: false });
    for (const [name, s] of Object.entries(doc.components.schemas)) {
      const copy = JSON.parse(JSON.stringify(s, (k, v) => (k === '$ref' ? undefined : v)));
      expect(ajv.validateSchema(copy), name).toBe(true);
    }
  });
});
