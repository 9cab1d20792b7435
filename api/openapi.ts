/**
 * Generates the OpenAPI 3.1 document from the routes' zod schemas (JSON Schema 2020-12,
 * OpenAPI 3.1's dialect, via z.toJSONSchema). Schemas given an id with `.meta({ id })`
 * become shared components; request schemas are rendered as input (before defaults and
 * coercion), responses as output.
 */
import { z } from 'zod';
import { ErrorBody } from './errors.js';
import type { AnyRouteDef, RequestSpec, ResponseSpec } from './route-module.js';
import { isContentResponse, isRawBody } from './route-module.js';

type JsonSchema = { [key: string]: unknown };

export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; description?: string };
  jsonSchemaDialect: string;
  paths: Record<string, Record<string, OperationObject>>;
  components: {
    schemas: Record<string, JsonSchema>;
    responses: Record<string, unknown>;
    securitySchemes: Record<string, unknown>;
  };
  tags: { name: string; description?: string }[];
}

export interface OperationObject {
  operationId: string;
  summary: string;
  description?: string;
  tags?: string[];
  security: Record<string, string[]>[];
  'x-idgraph-scope': string | null;
  parameters?: ParameterObject[];
  requestBody?: { required: boolean; description?: string; content: Record<string, { schema: JsonSchema }> };
  responses: Record<string, unknown>;
}

export interface ParameterObject {
  name: string;
  in: 'path' | 'query';
  required: boolean;
  description?: string;
  schema: JsonSchema;
}

/** A route as mounted: its full express path and its declaration. */
export interface MountedRoute {
  readonly path: string;
  readonly def: AnyRouteDef;
  readonly tag?: string;
}

const DIALECT = 'https://json-schema.org/draft/2020-12/schema';
const COMPONENT_PREFIX = '#/components/schemas/';

/** Converts zod schemas and hoists every `$defs` entry into shared components, renaming on clashes. */
class SchemaCollector {
  readonly components: Record<string, JsonSchema> = {};

  convert(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
    const json = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as JsonSchema;
    delete json['$schema'];
    const defs = (json['$defs'] ?? {}) as Record<string, JsonSchema>;
    delete json['$defs'];
    const renames = new Map<string, string>();
    for (const [name, def] of Object.entries(defs)) renames.set(name, this.placeName(name, def, io));
    const rewrite = (node: unknown): unknown => {
      if (Array.isArray(node)) return node.map(rewrite);
      if (node === null || typeof node !== 'object') return node;
      const out: JsonSchema = {};
      for (const [k, v] of Object.entries(node)) {
        if (k === '$ref' && typeof v === 'string' && v.startsWith('#/$defs/')) {
          const name = v.slice('#/$defs/'.length);
          out[k] = COMPONENT_PREFIX + (renames.get(name) ?? name);
        } else out[k] = rewrite(v);
      }
      return out;
    };
    for (const [name, def] of Object.entries(defs)) this.components[renames.get(name)!] = rewrite(def) as JsonSchema;
    return rewrite(json) as JsonSchema;
  }

  /** A component name for a def: its id, or id + "Input" / a number when a different schema has that name. */
  private placeName(name: string, def: JsonSchema, io: 'input' | 'output'): string {
    const candidates = [name, io === 'input' ? `${name}Input` : `${name}Output`];
    for (let i = 2; i < 100; i++) candidates.push(`${name}${i}`);
    const text = JSON.stringify(def);
    for (const c of candidates) {
      const existing = this.components[c];
      // Refs inside a def still point at $defs here; compare with the same rendering.
      if (existing === undefined || JSON.stringify(existing).replaceAll(COMPONENT_PREFIX, '#/$defs/') === text) return c;
    }
    throw new Error(`openapi: too many different schemas with id "${name}"`);
  }

  /** Resolves a top-level $ref to a component (params/query objects may be named schemas). */
  deref(schema: JsonSchema): JsonSchema {
    const ref = schema['$ref'];
    if (typeof ref === 'string' && ref.startsWith(COMPONENT_PREFIX)) {
      return this.components[ref.slice(COMPONENT_PREFIX.length)] ?? schema;
    }
    return schema;
  }
}

/** Express path (`/chains/:id`) to OpenAPI path (`/chains/{id}`). */
export function toOpenApiPath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

function defaultOperationId(method: string, path: string): string {
  const words = path
    .split('/')
    .filter((s) => s !== '')
    .map((s) => (s.startsWith(':') ? `By-${s.slice(1)}` : s))
    .flatMap((s) => s.split(/[^A-Za-z0-9]+/))
    .filter((s) => s !== '')
    .map((s) => s[0]!.toUpperCase() + s.slice(1));
  return method + words.join('');
}

function parameters(collector: SchemaCollector, location: 'path' | 'query', schema: z.ZodType | undefined): ParameterObject[] {
  if (schema === undefined) return [];
  const json = collector.deref(collector.convert(schema, 'input'));
  const props = (json['properties'] ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json['required'] ?? []) as string[]);
  return Object.entries(props).map(([name, prop]) => {
    const param: ParameterObject = { name, in: location, required: location === 'path' || required.has(name), schema: prop };
    if (typeof prop['description'] === 'string') param.description = prop['description'];
    return param;
  });
}

const STATUS_TEXT: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  202: 'Accepted',
  204: 'No Content',
  303: 'See Other',
};

/** Standard error responses, shared as components. */
const ERROR_RESPONSES: Record<string, { status: number; description: string }> = {
  BadRequest: { status: 400, description: 'Invalid parameters, query or body (BAD_INPUT; details list zod issue paths)' },
  Unauthorized: { status: 401, description: 'Missing or invalid bearer token (UNAUTHORIZED)' },
  Forbidden: { status: 403, description: 'The token lacks the required scope (FORBIDDEN)' },
  PayloadTooLarge: { status: 413, description: 'Body over the size limit (PAYLOAD_TOO_LARGE)' },
  UnsupportedMediaType: { status: 415, description: 'Wrong Content-Type or Content-Encoding (UNSUPPORTED_MEDIA_TYPE)' },
  InternalError: { status: 500, description: 'Unexpected failure (INTERNAL); no details beyond a request id' },
};

function responseObject(collector: SchemaCollector, status: number, spec: ResponseSpec): unknown {
  if (isContentResponse(spec)) {
    return { description: spec.description, content: { [spec.contentType]: { schema: collector.convert(spec.schema, 'output') } } };
  }
  const schema = collector.convert(spec, 'output');
  const description = typeof spec.description === 'string' ? spec.description : (STATUS_TEXT[status] ?? `Status ${status}`);
  return status === 204 ? { description } : { description, content: { 'application/json': { schema } } };
}

function operation(collector: SchemaCollector, route: MountedRoute): OperationObject {
  const def = route.def;
  const request = def.request as RequestSpec;
  const op: OperationObject = {
    operationId: def.operationId ?? defaultOperationId(def.method, route.path),
    summary: def.summary,
    security: def.scope === null ? [] : [{ bearerAuth: [def.scope] }],
    'x-idgraph-scope': def.scope,
    responses: {},
  };
  const description = [def.description, def.scope === null ? 'No authentication.' : `Requires a bearer token with scope \`${def.scope}\` (admin implies all).`]
    .filter((s) => s !== undefined)
    .join('\n\n');
  op.description = description;
  const tags = def.tags ?? (route.tag !== undefined ? [route.tag] : undefined);
  if (tags) op.tags = [...tags];

  const params = [...parameters(collector, 'path', request.params), ...parameters(collector, 'query', request.query)];
  if (params.length > 0) op.parameters = params;

  if (request.body !== undefined) {
    if (isRawBody(request.body)) {
      const content: Record<string, { schema: JsonSchema }> = {};
      for (const type of request.body.contentTypes) content[type] = { schema: { type: 'string' } };
      op.requestBody = {
        required: true,
        description: `${request.body.description} Content-Encoding: gzip or deflate accepted.`,
        content,
      };
    } else {
      op.requestBody = { required: true, content: { 'application/json': { schema: collector.convert(request.body, 'input') } } };
    }
  }

  for (const [status, spec] of Object.entries(def.responses as Record<string, ResponseSpec>)) {
    op.responses[status] = responseObject(collector, Number(status), spec);
  }
  const add = (name: string, when: boolean): void => {
    const status = String(ERROR_RESPONSES[name]!.status);
    if (when && op.responses[status] === undefined) op.responses[status] = { $ref: `#/components/responses/${name}` };
  };
  add('BadRequest', request.params !== undefined || request.query !== undefined || request.body !== undefined);
  add('Unauthorized', def.scope !== null);
  add('Forbidden', def.scope !== null);
  add('PayloadTooLarge', request.body !== undefined);
  add('UnsupportedMediaType', request.body !== undefined);
  add('InternalError', true);
  return op;
}

/** The OpenAPI 3.1 document for the mounted routes. */
export function buildOpenApiDocument(
  routes: readonly MountedRoute[],
  info: { title: string; version: string; description?: string },
  tagDescriptions: Readonly<Record<string, string>> = {},
): OpenApiDocument {
  const collector = new SchemaCollector();
  const errorRef = collector.convert(ErrorBody, 'output');
  const paths: OpenApiDocument['paths'] = {};
  const tags = new Set<string>();
  for (const route of routes) {
    const op = operation(collector, route);
    for (const t of op.tags ?? []) tags.add(t);
    const path = toOpenApiPath(route.path);
    const item = (paths[path] ??= {});
    if (item[route.def.method] !== undefined) throw new Error(`openapi: ${route.def.method.toUpperCase()} ${route.path} is declared twice`);
    item[route.def.method] = op;
  }
  const responses: Record<string, unknown> = {};
  for (const [name, { description }] of Object.entries(ERROR_RESPONSES)) {
    responses[name] = { description, content: { 'application/json': { schema: errorRef } } };
  }
  return {
    openapi: '3.1.0',
    info: { ...info },
    jsonSchemaDialect: DIALECT,
    paths,
    components: {
      schemas: collector.components,
      responses,
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', description: 'idgraph token (idg_...); scopes read, ingest, admin.' },
      },
    },
    tags: [...tags].sort().map((name) => (tagDescriptions[name] ? { name, description: tagDescriptions[name] } : { name })),
  };
}
