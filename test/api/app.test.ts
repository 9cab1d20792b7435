import { gzipSync } from 'node:zlib';
import { Gauge } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STATUS_OF_CODE } from '../../api/errors.js';
import type { Harness } from './harness.js';
import { call, startHarness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

const thing = { name: 'a', tags: ['x'], nested: { n: 7 } };

describe('built-in routes', () => {
  it('GET /healthz needs no token and reports the package version', async () => {
    const r = await call(`${h.url}/healthz`);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ status: 'ok', version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
    expect(r.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('GET /docs is a self-contained page listing every route', async () => {
    const r = await call(`${h.url}/docs`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/html/);
    for (const path of ['/v1/test/items', '/v1/test/things/{id}', '/healthz', '/metrics']) expect(r.text).toContain(path);
    expect(r.text).toContain('TestItem');
    // No scripts and nothing loaded from elsewhere.
    expect(r.text).not.toMatch(/<script|<link|src=|https?:\/\/(?!json-schema\.org)/i);
  });

  it('GET /metrics counts requests by route template and exposes metrics other modules register', async () => {
    new Gauge({ name: 'idgraph_test_chains', help: 'test gauge', registers: [h.registry] }).set(42);
    await call(`${h.url}/v1/test/things/thing-1`, { token: h.tokens.read });
    await call(`${h.url}/v1/test/things/thing-2`, { token: h.tokens.read });
    await call(`${h.url}/no/such/route`);
    const r = await call(`${h.url}/metrics`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/plain/);
    const line = r.text.split('\n').find((l) => l.startsWith('idgraph_http_requests_total{') && l.includes('route="/v1/test/things/:id"'));
    expect(line).toBeDefined();
    expect(Number(line!.split(' ').pop())).toBeGreaterThanOrEqual(2);
    expect(r.text).toMatch(/idgraph_http_requests_total\{method="GET",route="unmatched",status="404"\} \d+/);
    expect(r.text).toMatch(/idgraph_http_request_duration_seconds_bucket\{le="0\.005",method="GET",route="\/v1\/test\/things\/:id",status="200"\}/);
    expect(r.text).toContain('idgraph_test_chains 42');
  });
});

describe('auth', () => {
  it('401 with WWW-Authenticate: Bearer without a token', async () => {
    const r = await call(`${h.url}/v1/test/items`);
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe('UNAUTHORIZED');
    expect(r.headers.get('www-authenticate')).toMatch(/^Bearer /);
  });

  it('401 for a malformed Authorization header', async () => {
    const r = await call(`${h.url}/v1/test/items`, { headers: { authorization: 'Basic dXNlcjpwYXNz' } });
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe('UNAUTHORIZED');
  });

  it('401 for an unknown token, without echoing it', async () => {
    const bogus = 'idg_' + 'A'.repeat(43);
    const r = await call(`${h.url}/v1/test/items`, { token: bogus });
    expect(r.status).toBe(401);
    expect(r.headers.get('www-authenticate')).toContain('invalid_token');
    expect(r.text).not.toContain(bogus);
    expect(JSON.stringify(h.logger.lines)).not.toContain(bogus);
  });

  it('403 for a read token on an ingest route, and for an ingest token on a read route', async () => {
    const a = await call(`${h.url}/v1/test/things`, { token: h.tokens.read, json: thing });
    expect(a.status).toBe(403);
    expect(a.body.error.code).toBe('FORBIDDEN');
    expect(a.body.error.details).toEqual({ required: 'ingest', granted: ['read'] });
    expect(a.headers.get('www-authenticate')).toContain('insufficient_scope');
    const b = await call(`${h.url}/v1/test/items`, { token: h.tokens.ingest });
    expect(b.status).toBe(403);
  });

  it('each scope reaches its own routes; admin (file or IDGRAPH_TOKEN) reaches all', async () => {
    expect((await call(`${h.url}/v1/test/items`, { token: h.tokens.read })).status).toBe(200);
    expect((await call(`${h.url}/v1/test/things`, { token: h.tokens.ingest, json: thing })).status).toBe(201);
    expect((await call(`${h.url}/v1/test/things`, { token: h.tokens.readIngest, json: thing })).status).toBe(201);
    expect((await call(`${h.url}/v1/test/admin`, { token: h.tokens.readIngest })).status).toBe(403);
    for (const token of [h.tokens.admin, h.tokens.env]) {
      expect((await call(`${h.url}/v1/test/items`, { token })).status).toBe(200);
      expect((await call(`${h.url}/v1/test/things`, { token, json: thing })).status).toBe(201);
      const admin = await call(`${h.url}/v1/test/admin`, { token });
      expect(admin.status).toBe(200);
      expect(admin.body.scopes).toEqual(['admin']);
    }
    const env = await call(`${h.url}/v1/test/admin`, { token: h.tokens.env });
    expect(env.body.tokenId).toBe('env');
  });

  it('checks the token before reading the body (no 400 leaks route shape to anonymous callers)', async () => {
    const r = await call(`${h.url}/v1/test/things`, { body: '{not json', headers: { 'content-type': 'application/json' } });
    expect(r.status).toBe(401);
  });
});

describe('error shape', () => {
  it('invalid query: 400 BAD_INPUT with zod paths under "query"', async () => {
    const r = await call(`${h.url}/v1/test/items?limit=501&kind=device`, { token: h.tokens.read });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('BAD_INPUT');
    const paths = (r.body.error.details as { path: unknown[] }[]).map((d) => d.path);
    expect(paths).toEqual(expect.arrayContaining([['query', 'limit'], ['query', 'kind']]));
    for (const d of r.body.error.details) expect(typeof d.message).toBe('string');
  });

  it('invalid body: 400 with nested zod paths under "body"', async () => {
    const r = await call(`${h.url}/v1/test/things`, {
      token: h.tokens.ingest,
      json: { name: '', tags: ['a', 'b', 'c', 'd'], nested: { n: -1 } },
    });
    expect(r.status).toBe(400);
    const paths = (r.body.error.details as { path: unknown[] }[]).map((d) => d.path);
    expect(paths).toEqual(expect.arrayContaining([['body', 'name'], ['body', 'tags'], ['body', 'nested', 'n']]));
  });

  it('invalid path params: 400 with paths under "params"', async () => {
    const r = await call(`${h.url}/v1/test/things/nope`, { token: h.tokens.read });
    expect(r.status).toBe(400);
    expect(r.body.error.details[0].path).toEqual(['params', 'id']);
  });

  it('malformed JSON: 400 BAD_INPUT without quoting the body', async () => {
    const body = '{"name": "s3cr3t-in-body", ';
    const r = await call(`${h.url}/v1/test/things`, { token: h.tokens.ingest, body, headers: { 'content-type': 'application/json' } });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('BAD_INPUT');
    expect(r.text).not.toContain('s3cr3t');
  });

  it('a JSON route refuses other media types with 415', async () => {
    const r = await call(`${h.url}/v1/test/things`, { token: h.tokens.ingest, body: 'name=a', headers: { 'content-type': 'text/plain' } });
    expect(r.status).toBe(415);
    expect(r.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('unknown route: 404 NOT_FOUND in the same shape (also for a known path with another method)', async () => {
    for (const [method, path] of [['GET', '/v1/nothing'], ['DELETE', '/v1/test/items']] as const) {
      const r = await call(`${h.url}${path}`, { method });
      expect(r.status).toBe(404);
      expect(r.body).toEqual({ error: { code: 'NOT_FOUND', message: expect.any(String), details: null } });
    }
  });

  it('maps every IdgraphError code to its status, keeping message and details', async () => {
    for (const code of ['BAD_INPUT', 'UNKNOWN_TABLE', 'NOT_FOUND', 'INVALID_DETECTOR', 'UNSUPPORTED_CONSTRUCT', 'STORE', 'CONFLICT'] as const) {
      const r = await call(`${h.url}/v1/test/fail/${code}`, { token: h.tokens.read });
      expect(r.status, code).toBe(STATUS_OF_CODE[code]);
      expect(r.body.error).toEqual({ code, message: expect.any(String), details: { code } });
    }
    expect(STATUS_OF_CODE.NOT_FOUND).toBe(404);
    expect(STATUS_OF_CODE.CONFLICT).toBe(409);
    expect(STATUS_OF_CODE.UNSUPPORTED_CONSTRUCT).toBe(422);
  });

  it('an unexpected error is a bare 500 with a request id; the stack is logged server side only', async () => {
    const r = await call(`${h.url}/v1/test/boom`, { token: h.tokens.read });
    expect(r.status).toBe(500);
    expect(r.body.error.code).toBe('INTERNAL');
    expect(r.text).not.toMatch(/hunter2|\bat \w|\.ts:\d+|Error:/);
    const requestId = r.body.error.details.requestId;
    expect(requestId).toBe(r.headers.get('x-request-id'));
    const logged = h.logger.lines.find((l) => l.fields?.['requestId'] === requestId);
    expect(logged?.level).toBe('error');
    expect(String(logged?.fields?.['error'])).toContain('hunter2');
  });

  it('a reply that breaks its declared schema is caught (validateResponses) as a 500', async () => {
    const r = await call(`${h.url}/v1/test/bad-reply`, { token: h.tokens.read });
    expect(r.status).toBe(500);
    expect(r.text).not.toContain('not a number');
  });

  it('a handler may write its own response', async () => {
    const r = await call(`${h.url}/v1/test/stream`, { token: h.tokens.read });
    expect(r.status).toBe(200);
    expect(r.text).toBe('streamed');
  });
});

describe('body limits', () => {
  it('413 PAYLOAD_TOO_LARGE for a JSON body over 1 MiB', async () => {
    const big = { name: 'x'.repeat(1024 * 1024 + 10), nested: { n: 1 } };
    const r = await call(`${h.url}/v1/test/things`, { token: h.tokens.ingest, json: big });
    expect(r.status).toBe(413);
    expect(r.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(r.body.error.details).toEqual({ limitBytes: 1024 * 1024 });
  });

  it('a JSON body just under the limit is accepted', async () => {
    const r = await call(`${h.url}/v1/test/things`, { token: h.tokens.ingest, json: { name: 'x'.repeat(1000 * 1000), nested: { n: 2 } } });
    expect(r.status).toBe(201);
  });

  it('raw bodies accept gzip (Content-Encoding) and plain NDJSON alike', async () => {
    const ndjson = Array.from({ length: 500 }, (_, i) => JSON.stringify({ Type: 'SigninLogs', i })).join('\n') + '\n';
    const plain = await call(`${h.url}/v1/test/raw`, { token: h.tokens.ingest, body: ndjson, headers: { 'content-type': 'application/x-ndjson' } });
    const gz = gzipSync(ndjson);
    const zipped = await call(`${h.url}/v1/test/raw`, {
      token: h.tokens.ingest,
      body: gz,
      headers: { 'content-type': 'application/x-ndjson', 'content-encoding': 'gzip' },
    });
    expect(plain.body).toEqual({ bytes: Buffer.byteLength(ndjson), lines: 500 });
    expect(zipped.status).toBe(200);
    expect(zipped.body).toEqual(plain.body);
    expect(gz.length).toBeLessThan(Buffer.byteLength(ndjson));
  });

  it('an unknown Content-Encoding is 415', async () => {
    const r = await call(`${h.url}/v1/test/raw`, { token: h.tokens.ingest, body: 'x', headers: { 'content-encoding': 'br-unknown' } });
    expect(r.status).toBe(415);
  });
});

describe('raw body limit counts decompressed bytes', () => {
  let small: Harness;
  beforeAll(async () => {
    small = await startHarness({ limits: { rawBodyBytes: 64 * 1024 } });
  });
  afterAll(async () => {
    await small.close();
  });

  it('a gzip body small on the wire but over the limit inflated is 413', async () => {
    const inflated = Buffer.alloc(1024 * 1024, 0x20);
    const gz = gzipSync(inflated);
    expect(gz.length).toBeLessThan(64 * 1024);
    const r = await call(`${small.url}/v1/test/raw`, { token: small.tokens.ingest, body: gz, headers: { 'content-encoding': 'gzip' } });
    expect(r.status).toBe(413);
    expect(r.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('the same route accepts bodies under the limit', async () => {
    const r = await call(`${small.url}/v1/test/raw`, { token: small.tokens.ingest, body: '{"a":1}\n{"a":2}\n' });
    expect(r.body).toEqual({ bytes: 16, lines: 2 });
  });
});
