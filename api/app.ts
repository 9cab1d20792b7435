/**
 * The API app factory: express 5 with the built-in routes at the root, route modules
 * under the base path (/v1), bearer-token auth, body limits, metrics, and one error
 * handler producing `{ "error": { "code", "message", "details" } }`.
 */
import { randomUUID } from 'node:crypto';
import express from 'express';
import type { NextFunction, Request, Response } from 'express';
import type { Registry } from 'prom-client';
import type { TokenStore } from './auth/token-store.js';
import type { BodyLimits } from './body.js';
import { DEFAULT_BODY_LIMITS } from './body.js';
import { builtinRoutes } from './builtin-routes.js';
import { HttpError, toErrorResponse } from './errors.js';
import type { Logger } from './logger.js';
import { jsonLogger } from './logger.js';
import { createMetricsRegistry, httpMetrics } from './metrics.js';
import type { MountedRoute, OpenApiDocument } from './openapi.js';
import { buildOpenApiDocument } from './openapi.js';
import { registerRoute, ROUTE_LABEL } from './route.js';
import type { RouteModule } from './route-module.js';
import { idgraphVersion } from './version.js';

export interface ApiDeps {
  readonly tokens: TokenStore;
  /** Route modules, mounted under `basePath`. */
  readonly routes: readonly RouteModule[];
  readonly limits?: Partial<BodyLimits>;
  readonly logger?: Logger;
  /** Registry for /metrics; other modules register their metrics on it. Default: a fresh one with process metrics. */
  readonly metrics?: Registry;
  /** Prefix of every route module's paths. Default "/v1". */
  readonly basePath?: string;
  /** Check every reply against its declared response schema (for tests). Default false. */
  readonly validateResponses?: boolean;
  /** Reported by /healthz and the OpenAPI info. Default: package.json version. */
  readonly version?: string;
}

/** Builds the express app. Routes are fixed at creation; the OpenAPI document is generated from them. */
export function createApp(deps: ApiDeps): express.Express {
  const logger = deps.logger ?? jsonLogger();
  const limits: BodyLimits = { ...DEFAULT_BODY_LIMITS, ...deps.limits };
  const registry = deps.metrics ?? createMetricsRegistry();
  const version = deps.version ?? idgraphVersion();
  const basePath = (deps.basePath ?? '/v1').replace(/\/+$/, '');

  let document: OpenApiDocument | undefined;
  const mounted: MountedRoute[] = [];
  const builtins = builtinRoutes({ version, registry, document: () => (document ??= openApi()) });
  for (const def of builtins.routes) mounted.push({ path: def.path, def, tag: builtins.name });
  for (const module of deps.routes) {
    for (const def of module.routes) mounted.push({ path: basePath + def.path, def, tag: module.name });
  }
  const tagDescriptions = Object.fromEntries(
    [builtins, ...deps.routes].filter((m) => m.description !== undefined).map((m) => [m.name, m.description!]),
  );
  const openApi = (): OpenApiDocument =>
    buildOpenApiDocument(
      mounted,
      { title: 'idgraph API', version, description: 'Identity threat correlation: detections, attack chains and the identity graph.' },
      tagDescriptions,
    );
  // Generate once now, so a schema that cannot be documented fails at start, not on the first /docs request.
  document = openApi();

  const app = express();
  app.disable('x-powered-by');
  app.use((_req, res, next) => {
    res.locals['requestId'] = randomUUID();
    res.set('X-Request-Id', res.locals['requestId'] as string);
    res.set('X-Content-Type-Options', 'nosniff');
    next();
  });
  app.use(httpMetrics(registry));

  const options = { tokens: deps.tokens, limits, logger, validateResponses: deps.validateResponses ?? false };
  for (const route of mounted) registerRoute(app, route.path, route.def, options);

  app.use((req: Request, _res: Response, next: NextFunction) => {
    next(new HttpError('NOT_FOUND', `no route for ${req.method} ${req.path}`, null));
  });

  app.use((err: unknown, req: Request, res: Response, next: NextFunction) => {
    const requestId = String(res.locals['requestId'] ?? '');
    const response = toErrorResponse(err, requestId);
    if (response.unexpected) {
      logger.error('request failed', {
        requestId,
        method: req.method,
        route: res.locals[ROUTE_LABEL] ?? 'unmatched',
        error: err instanceof Error ? (err.stack ?? err.message) : String(err),
        cause: err instanceof Error && err.cause instanceof Error ? (err.cause.stack ?? err.cause.message) : undefined,
      });
    }
    if (res.headersSent) {
      // A streaming handler failed midway: the status is gone, so end the connection.
      next(err);
      return;
    }
    res.status(response.status).set(response.headers).json(response.body);
  });

  return app;
}
