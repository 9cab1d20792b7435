/**
 * The routes every server has, mounted at the root: /healthz, /openapi.json, /docs
 * and /metrics. All are public (no token): they expose no telemetry data.
 */
import { z } from 'zod';
import type { Registry } from 'prom-client';
import { renderDocsPage } from './docs-page.js';
import type { OpenApiDocument } from './openapi.js';
import type { RouteModule } from './route-module.js';
import { defineRoute } from './route-module.js';

export const Health = z
  .object({ status: z.literal('ok'), version: z.string() })
  .meta({ id: 'Health', description: 'Liveness: the process is up and serving.' });

/** The built-in route module; `document` is called lazily, once all routes are mounted. */
export function builtinRoutes(options: { version: string; document: () => OpenApiDocument; registry: Registry }): RouteModule {
  return {
    name: 'meta',
    description: 'Health, metrics and the API description.',
    routes: [
      defineRoute({
        method: 'get',
        path: '/healthz',
        scope: null,
        summary: 'Liveness check',
        tags: ['meta'],
        request: {},
        responses: { 200: Health },
      }).handle(() => ({ status: 200, body: { status: 'ok', version: options.version } })),
      defineRoute({
        method: 'get',
        path: '/openapi.json',
        scope: null,
        summary: 'The OpenAPI 3.1 document of this API',
        tags: ['meta'],
        request: {},
        responses: { 200: z.record(z.string(), z.unknown()).meta({ description: 'An OpenAPI 3.1 document' }) },
      }).handle(() => ({ status: 200, body: options.document() as unknown as Record<string, unknown> })),
      defineRoute({
        method: 'get',
        path: '/docs',
        scope: null,
        summary: 'Human-readable API documentation (self-contained HTML)',
        tags: ['meta'],
        request: {},
        responses: { 200: { contentType: 'text/html', schema: z.string(), description: 'HTML page' } },
      }).handle(({ res }) => {
        res.set('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'");
        return { status: 200, body: renderDocsPage(options.document()) };
      }),
      defineRoute({
        method: 'get',
        path: '/metrics',
        scope: null,
        summary: 'Prometheus metrics (text exposition format)',
        tags: ['meta'],
        request: {},
        responses: {
          200: { contentType: options.registry.contentType, schema: z.string(), description: 'Prometheus text format' },
        },
      }).handle(async () => ({ status: 200, body: await options.registry.metrics() })),
    ],
  };
}
