/**
 * Routes as data. A RouteModule lists RouteDefs; each declares its method, path, scope,
 * zod request and response schemas and a handler. The same declarations drive request
 * validation (api/route.ts), TypeScript types, and the OpenAPI document (api/openapi.ts).
 */
import type { Request, Response } from 'express';
import type { z } from 'zod';
import type { Principal } from './auth/token-store.js';
import type { Scope } from './auth/scopes.js';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** A non-JSON request body (NDJSON, gzip) handed to the handler as a Buffer, not validated by zod. */
export interface RawBodySpec {
  readonly kind: 'raw';
  /** Media types the route accepts, for the OpenAPI document (e.g. application/x-ndjson). */
  readonly contentTypes: readonly string[];
  readonly description: string;
  /** Byte limit after decompression; defaults to the app's raw body limit. */
  readonly limitBytes?: number;
}

/** A non-JSON response (text, HTML), documented by media type. */
export interface ContentResponseSpec {
  readonly contentType: string;
  readonly schema: z.ZodType;
  readonly description: string;
}

/** A JSON response is its zod schema; other media types say so. */
export type ResponseSpec = z.ZodType | ContentResponseSpec;
export type ResponsesSpec = { readonly [status: number]: ResponseSpec };

export interface RequestSpec {
  /** Path parameters (`:id` in the path), an object schema. */
  readonly params?: z.ZodType;
  /** Query string, an object schema (values arrive as strings: use z.coerce for numbers). */
  readonly query?: z.ZodType;
  /** JSON body schema, or a raw body spec. */
  readonly body?: z.ZodType | RawBodySpec;
}

type InferPart<S> = S extends z.ZodType ? z.output<S> : S extends RawBodySpec ? Buffer : undefined;

/** What a handler receives: validated params, query and body, the principal, and express's req/res. */
export interface HandlerContext<Req extends RequestSpec> {
  readonly params: InferPart<Req['params']>;
  readonly query: InferPart<Req['query']>;
  readonly body: InferPart<Req['body']>;
  /** The authenticated caller; null on routes with scope null. */
  readonly principal: Principal | null;
  readonly req: Request;
  readonly res: Response;
}

type BodyOf<S> = S extends z.ZodType ? z.output<S> : S extends ContentResponseSpec ? z.output<S['schema']> : never;

/** A handler's answer: one of the declared statuses with a body of its schema. */
export type Reply<R extends ResponsesSpec> = {
  [K in keyof R & number]: { readonly status: K; readonly body: BodyOf<R[K]>; readonly headers?: Readonly<Record<string, string>> };
}[keyof R & number];

/** Returned by a handler that wrote the response itself (e.g. streaming an export). */
export const HANDLED: unique symbol = Symbol('idgraph.handled');
export type Handled = typeof HANDLED;

/** A route's declaration: everything but the handler. */
export interface RouteSpec<Req extends RequestSpec = RequestSpec, R extends ResponsesSpec = ResponsesSpec> {
  readonly method: HttpMethod;
  /** Express path (`/chains/:id`); module routes are mounted under the app's base path (/v1). */
  readonly path: string;
  /** Scope needed; null for public routes. */
  readonly scope: Scope | null;
  readonly summary: string;
  readonly description?: string;
  readonly tags?: readonly string[];
  /** Defaults to method + path in camel case. */
  readonly operationId?: string;
  readonly request: Req;
  readonly responses: R;
}

export type RouteHandler<Req extends RequestSpec, R extends ResponsesSpec> = (
  ctx: HandlerContext<Req>,
) => Promise<Reply<R> | Handled> | Reply<R> | Handled;

export interface RouteDef<Req extends RequestSpec = RequestSpec, R extends ResponsesSpec = ResponsesSpec>
  extends RouteSpec<Req, R> {
  readonly handler: RouteHandler<Req, R>;
}

export type AnyRouteDef = RouteDef<any, any>;

/** A group of routes, one module per resource (events, detectors, chains, ...). */
export interface RouteModule {
  readonly name: string;
  readonly description?: string;
  readonly routes: readonly AnyRouteDef[];
}

/**
 * Declares a route: `defineRoute({ method, path, scope, summary, request, responses }).handle(ctx => ...)`.
 * Two steps because TypeScript only types the handler's literal replies (`status: 200`,
 * enum values in bodies) against the declared schemas once those are fixed by the first call.
 */
export function defineRoute<Req extends RequestSpec, R extends ResponsesSpec>(
  spec: RouteSpec<Req, R>,
): { handle(handler: RouteHandler<Req, R>): RouteDef<Req, R> } {
  return { handle: (handler) => ({ ...spec, handler }) };
}

/** Whether a body spec is raw (not JSON). */
export function isRawBody(body: RequestSpec['body']): body is RawBodySpec {
  return typeof body === 'object' && body !== null && 'kind' in body && (body as RawBodySpec).kind === 'raw';
}

/** Whether a response spec names its own media type. */
export function isContentResponse(spec: ResponseSpec): spec is ContentResponseSpec {
  return typeof spec === 'object' && spec !== null && 'contentType' in spec && 'schema' in spec;
}
