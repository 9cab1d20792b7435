/**
 * The tiny typed router: registers RouteDefs on express. Per route, in order: label the
 * request for metrics, check the bearer token and scope, parse the body (JSON or raw,
 * with limits), validate params, query and body with zod, call the handler, and send its
 * reply (optionally checked against the declared response schema).
 */
import type { Express, NextFunction, Request, RequestHandler, Response } from 'express';
import type { z } from 'zod';
import { authorize } from './auth/authorize.js';
import type { Principal, TokenStore } from './auth/token-store.js';
import type { BodyLimits } from './body.js';
import { jsonBody, rawBody } from './body.js';
import { validationError } from './errors.js';
import type { Logger } from './logger.js';
import type { AnyRouteDef, HandlerContext, RequestSpec, ResponseSpec } from './route-module.js';
import { HANDLED, isContentResponse, isRawBody } from './route-module.js';

export interface RouterOptions {
  readonly tokens: TokenStore;
  readonly limits: BodyLimits;
  readonly logger: Logger;
  /** Check every reply against its declared schema (tests; a mismatch becomes a logged 500). */
  readonly validateResponses: boolean;
}

/** res.locals key holding the matched route's path template (bounded metric labels). */
export const ROUTE_LABEL = 'idgraphRoute';

function parsePart(location: 'params' | 'query' | 'body', schema: z.ZodType | undefined, value: unknown): unknown {
  if (schema === undefined) return undefined;
  const result = schema.safeParse(value);
  if (!result.success) throw validationError(location, result.error);
  return result.data;
}

function responseSchema(spec: ResponseSpec): z.ZodType {
  return isContentResponse(spec) ? spec.schema : spec;
}

/** Registers one route at `fullPath` (its path under the app's base path). */
export function registerRoute(app: Express, fullPath: string, def: AnyRouteDef, options: RouterOptions): void {
  const request = def.request as RequestSpec;
  const chain: RequestHandler[] = [];

  chain.push((_req, res, next) => {
    res.locals[ROUTE_LABEL] = fullPath;
    next();
  });

  const scope = def.scope;
  if (scope !== null) {
    chain.push(async (req, res, next) => {
      res.locals['principal'] = await authorize(req.headers, options.tokens, scope);
      next();
    });
  }

  if (request.body !== undefined) {
    chain.push(
      isRawBody(request.body)
        ? rawBody(request.body.limitBytes ?? options.limits.rawBodyBytes)
        : jsonBody(options.limits.jsonBodyBytes),
    );
  }

  chain.push(async (req: Request, res: Response, _next: NextFunction) => {
    const ctx: HandlerContext<RequestSpec> = {
      params: parsePart('params', request.params, req.params) as never,
      query: parsePart('query', request.query, req.query) as never,
      body: (isRawBody(request.body) ? req.body : parsePart('body', request.body, req.body)) as never,
      principal: (res.locals['principal'] as Principal | undefined) ?? null,
      req,
      res,
    };
    const reply = await def.handler(ctx);
    if (reply === HANDLED) return;
    const { status, body, headers } = reply as { status: number; body: unknown; headers?: Record<string, string> };
    const spec = (def.responses as Record<number, ResponseSpec>)[status];
    if (spec === undefined) throw new Error(`${def.method.toUpperCase()} ${fullPath}: handler replied ${status}, which the route does not declare`);
    if (options.validateResponses) {
      const checked = responseSchema(spec).safeParse(body);
      if (!checked.success) {
        throw new Error(`${def.method.toUpperCase()} ${fullPath}: ${status} reply does not match its schema: ${checked.error.message}`);
      }
    }
    if (headers) res.set(headers);
    res.status(status);
    if (status === 204 || body === undefined) res.end();
    else if (isContentResponse(spec)) res.type(spec.contentType).send(body);
    else res.json(body);
  });

  app[def.method](fullPath, ...chain);
}
