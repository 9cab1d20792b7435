/**
 * Test harness: a real app on a real socket (port 0) with test-only route modules that
 * exercise every part of the foundation (auth scopes, JSON and raw bodies, pagination,
 * domain errors, unexpected errors), and a tokens file in a temp dir.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { createApp } from '../../api/app.js';
import type { ApiDeps } from '../../api/app.js';
import { FileTokenStore, tokenStoreFor } from '../../api/auth/token-store.js';
import { memoryLogger } from '../../api/logger.js';
import { createMetricsRegistry } from '../../api/metrics.js';
import type { Registry } from '../../api/metrics.js';
import { pageOf, pageQuery, paginate } from '../../api/pagination.js';
import type { RouteModule } from '../../api/route-module.js';
import { defineRoute, HANDLED } from '../../api/route-module.js';
import type { RunningServer } from '../../api/server.js';
import { startServer } from '../../api/server.js';
import type { ErrorCode } from '../../src/errors.js';
import { IdgraphError } from '../../src/errors.js';

export const Item = z.object({ id: z.string(), kind: z.enum(['user', 'ip']), score: z.number() }).meta({ id: 'TestItem' });
export type Item = z.infer<typeof Item>;

/** 120 items with repeated scores, so ties must be broken by id. */
export const ITEMS: Item[] = Array.from({ length: 120 }, (_, i) => ({
  id: `item-${String(i).padStart(3, '0')}`,
  kind: i % 3 === 0 ? 'ip' : 'user',
  score: (i * 37) % 11,
}));

const ThingInput = z.object({
  name: z.string().min(1),
  tags: z.array(z.string()).max(3).default([]),
  nested: z.object({ n: z.number().int().nonnegative() }),
});

const ERROR_CODES = ['BAD_INPUT', 'UNKNOWN_TABLE', 'NOT_FOUND', 'INVALID_DETECTOR', 'UNSUPPORTED_CONSTRUCT', 'STORE', 'CONFLICT'] as const satisfies readonly ErrorCode[];

export const testRoutes: RouteModule = {
  name: 'test',
  description: 'Routes used only by the API foundation tests.',
  routes: [
    defineRoute({
      method: 'get',
      path: '/test/items',
      scope: 'read',
      summary: 'A paginated list',
      request: { query: pageQuery.extend({ kind: z.enum(['user', 'ip']).optional(), order: z.enum(['asc', 'desc']).default('desc') }) },
      responses: { 200: pageOf(Item) },
    }).handle(({ query }) => {
      const items = query.kind === undefined ? ITEMS : ITEMS.filter((i) => i.kind === query.kind);
      return { status: 200, body: paginate(items, query, (i) => [i.score, i.id], query.order) };
    }),
    defineRoute({
      method: 'post',
      path: '/test/things',
      scope: 'ingest',
      summary: 'A JSON body',
      request: { body: ThingInput },
      responses: { 201: z.object({ id: z.string(), name: z.string(), tagCount: z.number().int() }) },
    }).handle(({ body }) => ({ status: 201, body: { id: `thing-${body.nested.n}`, name: body.name, tagCount: body.tags.length } })),
    defineRoute({
      method: 'post',
      path: '/test/raw',
      scope: 'ingest',
      summary: 'A raw NDJSON body',
      request: { body: { kind: 'raw', contentTypes: ['application/x-ndjson', 'application/json'], description: 'NDJSON records.' } },
      responses: { 200: z.object({ bytes: z.number().int(), lines: z.number().int() }) },
    }).handle(({ body }) => ({
      status: 200,
      body: { bytes: body.length, lines: body.toString('utf8').split('\n').filter((l) => l.trim() !== '').length },
    })),
    defineRoute({
      method: 'get',
      path: '/test/things/:id',
      scope: 'read',
      summary: 'Path params and domain errors',
      request: { params: z.object({ id: z.string().regex(/^thing-\d+$/) }) },
      responses: { 200: z.object({ id: z.string() }) },
    }).handle(({ params }) => {
      if (params.id === 'thing-404') throw new IdgraphError('NOT_FOUND', `no thing ${params.id}`, { id: params.id });
      return { status: 200, body: { id: params.id } };
    }),
    defineRoute({
      method: 'get',
      path: '/test/fail/:code',
      scope: 'read',
      summary: 'Throws an IdgraphError of the given code',
      request: { params: z.object({ code: z.enum(ERROR_CODES) }) },
      responses: { 200: z.object({}) },
    }).handle(({ params }) => {
      throw new IdgraphError(params.code, `failed with ${params.code}`, { code: params.code });
    }),
    defineRoute({
      method: 'get',
      path: '/test/boom',
      scope: 'read',
      summary: 'Throws an unexpected error',
      request: {},
      responses: { 200: z.object({}) },
    }).handle(() => {
      throw new Error('db password=hunter2 leaked in a driver message');
    }),
    defineRoute({
      method: 'get',
      path: '/test/bad-reply',
      scope: 'read',
      summary: 'Replies with a body that breaks its schema',
      request: {},
      responses: { 200: z.object({ n: z.number() }) },
    }).handle(() => ({ status: 200, body: { n: 'not a number' as unknown as number } })),
    defineRoute({
      method: 'get',
      path: '/test/admin',
      scope: 'admin',
      summary: 'Needs admin',
      request: {},
      responses: { 200: z.object({ tokenId: z.string(), scopes: z.array(z.string()) }) },
    }).handle(({ principal }) => ({ status: 200, body: { tokenId: principal!.tokenId, scopes: [...principal!.scopes] } })),
    defineRoute({
      method: 'get',
      path: '/test/stream',
      scope: 'read',
      summary: 'Writes its own response',
      request: {},
      responses: { 200: { contentType: 'text/plain', schema: z.string(), description: 'text' } },
    }).handle(({ res }) => {
      res.type('text/plain').send('streamed');
      return HANDLED;
    }),
  ],
};

export interface Harness {
  url: string;
  dir: string;
  tokensFile: string;
  fileStore: FileTokenStore;
  tokens: { read: string; ingest: string; admin: string; readIngest: string; env: string };
  logger: ReturnType<typeof memoryLogger>;
  registry: Registry;
  server: RunningServer;
  close(): Promise<void>;
}

/** Starts an app with the test routes and four file tokens plus an IDGRAPH_TOKEN. */
export async function startHarness(overrides: Partial<ApiDeps> = {}): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'idgraph-api-'));
  const env = { IDGRAPH_TOKEN: `operator-${Math.random().toString(36).slice(2)}-secret` };
  const tokensFile = join(dir, 'tokens.json');
  const fileStore = new FileTokenStore(tokensFile);
  const tokens = {
    read: fileStore.create({ name: 'reader', scopes: ['read'] }).secret,
    ingest: fileStore.create({ name: 'ingester', scopes: ['ingest'] }).secret,
    admin: fileStore.create({ name: 'admin', scopes: ['admin'] }).secret,
    readIngest: fileStore.create({ name: 'both', scopes: ['read', 'ingest'] }).secret,
    env: env.IDGRAPH_TOKEN,
  };
  const logger = memoryLogger();
  const registry = createMetricsRegistry({ defaultMetrics: false });
  const app = createApp({
    tokens: tokenStoreFor(dir, env),
    routes: [testRoutes],
    logger,
    metrics: registry,
    validateResponses: true,
    ...overrides,
  });
  const server = await startServer(app, { port: 0, announce: () => {} });
  return {
    url: server.url,
    dir,
    tokensFile,
    fileStore,
    tokens,
    logger,
    registry,
    server,
    close: async () => {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** fetch with an optional bearer token; returns status, headers and parsed body (JSON when it is JSON). */
export async function call(
  url: string,
  options: { method?: string; token?: string; body?: string | Uint8Array; headers?: Record<string, string>; json?: unknown } = {},
): Promise<{ status: number; headers: Headers; body: any; text: string }> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== undefined) headers['authorization'] = `Bearer ${options.token}`;
  let body = options.body;
  if (options.json !== undefined) {
    body = JSON.stringify(options.json);
    headers['content-type'] ??= 'application/json';
  }
  const res = await fetch(url, { method: options.method ?? (body !== undefined ? 'POST' : 'GET'), headers, ...(body !== undefined ? { body } : {}) });
  const text = await res.text();
  let parsed: unknown = text;
  if ((res.headers.get('content-type') ?? '').includes('json')) parsed = JSON.parse(text);
  return { status: res.status, headers: res.headers, body: parsed, text };
}
