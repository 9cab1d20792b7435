import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenApiDocument } from '../../api/openapi.js';
import { toOpenApiPath } from '../../api/openapi.js';
import type { Harness } from './harness.js';
import { call, startHarness } from './harness.js';

let h: Harness;
let doc: OpenApiDocument;
let ajv: Ajv2020;

beforeAll(async () => {
  h = await startHarness();
  const r = await call(`${h.url}/openapi.json`);
  expect(r.status).toBe(200);
  doc = r.body as OpenApiDocument;
  // The whole document is registered once, so '#/components/...' refs resolve against it.
  ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
  ajv.addSchema(doc as object, 'openapi.json');
});
afterAll(async () => {
  await h.close();
});

const pointer = (...parts: string[]): string => parts.map((p) => p.replaceAll('~', '~0').replaceAll('/', '~1')).join('/');

function resolveRef(ref: string): unknown {
  expect(ref.startsWith('#/')).toBe(true);
  let node: unknown = doc;
  for (const raw of ref.slice(2).split('/')) {
    const key = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    node = (node as Record<string, unknown> | undefined)?.[key];
  }
  return node;
}

/** Validates a response body against the schema the document gives for that operation and status. */
function validateResponse(method: string, expressPath: string, status: number, body: unknown): void {
  const path = toOpenApiPath(expressPath);
  const op = doc.paths[path]?.[method];
  expect(op, `${method} ${path} documented`).toBeDefined();
  let response = op!.responses[String(status)] as { $ref?: string } | undefined;
  expect(response, `${method} ${path} documents ${status}`).toBeDefined();
  let base = `openapi.json#/${pointer('paths', path, method, 'responses', String(status))}`;
  if (response!.$ref) {
    base = `openapi.json${response!.$ref.replace(/^#/, '#')}`;
    response = resolveRef(response!.$ref) as { $ref?: string };
  }
  const validate = ajv.getSchema(`${base}/${pointer('content', 'application/json', 'schema')}`);
  expect(validate, `schema for ${method} ${path} ${status}`).toBeDefined();
  const ok = validate!(body);
  expect(validate!.errors ?? [], `${method} ${path} ${status}: ${JSON.stringify(body).slice(0, 200)}`).toEqual([]);
  expect(ok).toBe(true);
}

describe('OpenAPI document', () => {
  it('is an OpenAPI 3.1 document with the JSON Schema 2020-12 dialect', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.jsonSchemaDialect).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(typeof doc.info.title).toBe('string');
    expect(doc.info.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(doc.components.securitySchemes['bearerAuth']).toEqual(expect.objectContaining({ type: 'http', scheme: 'bearer' }));
  });

  it('documents every built-in and module route, paths templated as {param}', () => {
    const ops = Object.entries(doc.paths).flatMap(([p, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${p}`));
    for (const expected of ['GET /healthz', 'GET /openapi.json', 'GET /docs', 'GET /metrics', 'GET /v1/test/items', 'POST /v1/test/things', 'GET /v1/test/things/{id}', 'POST /v1/test/raw']) {
      expect(ops).toContain(expected);
    }
    expect(ops.some((o) => o.includes(':'))).toBe(false);
  });

  it('has unique operationIds, a 2xx per operation, declared path parameters and valid security', () => {
    const ids = new Set<string>();
    const tagNames = new Set(doc.tags.map((t) => t.name));
    for (const [path, item] of Object.entries(doc.paths)) {
      expect(path.startsWith('/')).toBe(true);
      for (const [method, op] of Object.entries(item)) {
        expect(['get', 'post', 'put', 'patch', 'delete']).toContain(method);
        expect(ids.has(op.operationId), op.operationId).toBe(false);
        ids.add(op.operationId);
        expect(Object.keys(op.responses).some((s) => /^2\d\d$/.test(s)), `${method} ${path}`).toBe(true);
        const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
        const declared = (op.parameters ?? []).filter((p) => p.in === 'path');
        expect(declared.map((p) => p.name).sort()).toEqual([...templated].sort());
        for (const p of declared) expect(p.required).toBe(true);
        for (const req of op.security) for (const name of Object.keys(req)) expect(doc.components.securitySchemes[name]).toBeDefined();
        expect(op.security.length === 0).toBe(op['x-idgraph-scope'] === null);
        if (op['x-idgraph-scope'] !== null) {
          expect(op.responses['401']).toBeDefined();
          expect(op.responses['403']).toBeDefined();
        }
        for (const t of op.tags ?? []) expect(tagNames.has(t)).toBe(true);
      }
    }
  });

  it('every $ref resolves and every schema is valid JSON Schema 2020-12', () => {
    const refs: string[] = [];
    const schemas: unknown[] = [];
    const walk = (node: unknown, key?: string): void => {
      if (Array.isArray(node)) return node.forEach((n) => walk(n));
      if (node === null || typeof node !== 'object') return;
      if (key === 'schema') schemas.push(node);
      for (const [k, v] of Object.entries(node)) {
        if (k === '$ref' && typeof v === 'string') refs.push(v);
        else walk(v, k);
      }
    };
    walk(doc);
    expect(refs.length).toBeGreaterThan(5);
    for (const ref of refs) expect(resolveRef(ref), ref).toBeDefined();
    schemas.push(...Object.values(doc.components.schemas));
    for (const s of schemas) {
      const copy = JSON.parse(JSON.stringify(s, (k, v) => (k === '$ref' ? undefined : v)));
      expect(ajv.validateSchema(copy), JSON.stringify(ajv.errors)).toBe(true);
    }
  });

  it('describes pagination limits and request bodies from the zod schemas', () => {
    const list = doc.paths['/v1/test/items']!['get']!;
    const limit = list.parameters!.find((p) => p.name === 'limit')!;
    expect(limit.schema).toEqual(expect.objectContaining({ type: 'integer', minimum: 1, maximum: 500, default: 50 }));
    const post = doc.paths['/v1/test/things']!['post']!;
    const schema = post.requestBody!.content['application/json']!.schema as { required: string[]; properties: Record<string, unknown> };
    expect(schema.required).toEqual(expect.arrayContaining(['name', 'nested']));
    expect(schema.required).not.toContain('tags');
    const raw = doc.paths['/v1/test/raw']!['post']!;
    expect(Object.keys(raw.requestBody!.content)).toEqual(['application/x-ndjson', 'application/json']);
    expect(post.responses['413']).toBeDefined();
  });

  it('real responses of each route validate against the document', async () => {
    const cases: { method: string; path: string; url: string; init?: Parameters<typeof call>[1] }[] = [
      { method: 'get', path: '/healthz', url: '/healthz' },
      { method: 'get', path: '/v1/test/items', url: '/v1/test/items?limit=7', init: { token: h.tokens.read } },
      { method: 'get', path: '/v1/test/items', url: '/v1/test/items?limit=1000', init: { token: h.tokens.read } },
      { method: 'get', path: '/v1/test/items', url: '/v1/test/items', init: {} },
      { method: 'get', path: '/v1/test/items', url: '/v1/test/items', init: { token: h.tokens.ingest } },
      { method: 'post', path: '/v1/test/things', url: '/v1/test/things', init: { token: h.tokens.ingest, json: { name: 'n', nested: { n: 1 } } } },
      { method: 'post', path: '/v1/test/things', url: '/v1/test/things', init: { token: h.tokens.ingest, json: { name: 3 } } },
      { method: 'post', path: '/v1/test/raw', url: '/v1/test/raw', init: { token: h.tokens.ingest, body: '{"a":1}\n' } },
      { method: 'get', path: '/v1/test/things/:id', url: '/v1/test/things/thing-3', init: { token: h.tokens.read } },
      { method: 'get', path: '/v1/test/boom', url: '/v1/test/boom', init: { token: h.tokens.read } },
      { method: 'get', path: '/v1/test/admin', url: '/v1/test/admin', init: { token: h.tokens.admin } },
    ];
    const statuses = new Set<number>();
    for (const c of cases) {
      const r = await call(`${h.url}${c.url}`, c.init);
      statuses.add(r.status);
      validateResponse(c.method, c.path, r.status, r.body);
    }
    expect([...statuses].sort()).toEqual([200, 201, 400, 401, 403, 500]);
  });

  it('the validator rejects a body that breaks the schema (it is not vacuous)', () => {
    const validate = ajv.getSchema(`openapi.json#/${pointer('paths', '/healthz', 'get', 'responses', '200', 'content', 'application/json', 'schema')}`)!;
    expect(validate({ status: 'ok', version: '1.0.0' })).toBe(true);
    expect(validate({ status: 'down', version: '1.0.0' })).toBe(false);
    expect(validate({ status: 'ok' })).toBe(false);
  });
});
