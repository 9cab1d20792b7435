/**
 * /v1/hunts: run detectors in batch over a time range, rows keyed by detector
 * id as `idgraph hunt --format json` gives them. A range longer than the job
 * threshold (default 31 days) runs as a background job: 202 with its status
 * URL, GET /v1/jobs/:id for the status and, when done, the result.
 */
import { z } from 'zod';
import { parseParamValue } from '../../src/detect/compile.js';
import { selectDetectors } from '../../src/detect/catalog.js';
import type { Value } from '../../src/detect/expr/ast.js';
import type { IdgraphEngine } from '../../src/engine/idgraph-engine.js';
import { isIdgraphError } from '../../src/errors.js';
import type { JobRunner } from '../jobs.js';
import { HttpError } from '../errors.js';
import { ErrorBody } from '../errors.js';
import { defineRoute, type RouteModule } from '../route-module.js';
import { InstantBody, iso } from './schemas.js';

export const DEFAULT_HUNT_JOB_THRESHOLD_MS = 31 * 86_400_000;

const HuntRequest = z
  .object({
    detectors: z.union([z.literal('all'), z.array(z.string().min(1)).min(1).max(200)]).default('all'),
    start: InstantBody,
    end: InstantBody,
    params: z
      .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.union([z.string(), z.number()]))
      .default({})
      .describe('parameter overrides by name, applied to every selected detector that declares them (durations as 30d, 6h, ...)'),
  })
  .strict()
  .meta({ id: 'HuntRequest' });

const Row = z.record(z.string(), z.unknown());
export const HuntResult = z
  .object({
    start: z.string(),
    end: z.string(),
    rows: z.record(z.string(), z.array(Row)).describe('detector id → rows (as idgraph hunt --format json)'),
    columns: z.record(z.string(), z.array(z.string())).describe('detector id → column order'),
  })
  .meta({ id: 'HuntResult' });
type HuntResult = z.infer<typeof HuntResult>;

export const JobBody = z
  .object({
    id: z.string(),
    kind: z.string(),
    status: z.enum(['queued', 'running', 'succeeded', 'failed']),
    created: z.string(),
    started: z.string().nullable(),
    finished: z.string().nullable(),
    statusUrl: z.string(),
    result: HuntResult.nullable(),
    error: z.object({ code: z.string(), message: z.string() }).nullable(),
  })
  .meta({ id: 'Job' });

export interface HuntDeps {
  readonly engine: IdgraphEngine;
  readonly jobs: JobRunner;
  /** Ranges longer than this (ms) run as jobs. */
  readonly huntJobThresholdMs?: number;
  /** Prefix of status URLs (the app's base path). Default /v1. */
  readonly basePath?: string;
}

/** The hunt and job routes. */
export function huntRoutes(deps: HuntDeps): RouteModule {
  const { engine, jobs } = deps;
  const threshold = deps.huntJobThresholdMs ?? DEFAULT_HUNT_JOB_THRESHOLD_MS;
  const base = deps.basePath ?? '/v1';
  const jobBody = (j: ReturnType<JobRunner['get']>) => ({
    id: j.id,
    kind: j.kind,
    status: j.status,
    created: j.created,
    started: j.started,
    finished: j.finished,
    statusUrl: `${base}/jobs/${j.id}`,
    result: (j.result as HuntResult | null) ?? null,
    error: j.error,
  });

  /** Validates detectors and parameters up front, so a job never fails on a bad request. */
  const plan = (body: z.infer<typeof HuntRequest>) => {
    if (body.end <= body.start) throw new HttpError('BAD_INPUT', 'end must be after start', [{ path: ['body', 'end'], message: 'must be after start' }]);
    const ids = body.detectors === 'all' ? [] : body.detectors;
    ids.forEach((id, i) => {
      if (!engine.catalog.has(id)) throw new HttpError('BAD_INPUT', `unknown detector ${id}`, [{ path: ['body', 'detectors', i], message: `unknown detector (known: ${[...engine.catalog.keys()].join(', ')})` }]);
    });
    const entries = selectDetectors(engine.catalog, ids);
    for (const name of Object.keys(body.params)) {
      if (!entries.some((e) => Object.hasOwn(e.definition.params, name))) {
        throw new HttpError('BAD_INPUT', `no selected detector has a parameter ${name}`, [{ path: ['body', 'params', name], message: 'unknown parameter' }]);
      }
    }
    return entries.map((e) => {
      const params: Record<string, Value> = {};
      for (const [name, raw] of Object.entries(body.params)) {
        const spec = e.definition.params[name];
        if (!spec) continue;
        try {
          params[name] = parseParamValue(spec.type, raw);
        } catch (err) {
          if (!isIdgraphError(err)) throw err;
          throw new HttpError('BAD_INPUT', `parameter ${name}: ${err.message}`, [{ path: ['body', 'params', name], message: err.message }]);
        }
      }
      return { id: e.definition.id, params };
    });
  };

  const run = async (body: z.infer<typeof HuntRequest>, selected: ReturnType<typeof plan>): Promise<HuntResult> => {
    const rows: HuntResult['rows'] = {};
    const columns: HuntResult['columns'] = {};
    for (const s of selected) {
      // Where the graph lives: in memory, or as compiled Cypher on a Neo4j store.
      const [r] = await engine.hunts([s.id], { start: body.start, end: body.end, params: s.params });
      rows[s.id] = r!.rows;
      columns[s.id] = r!.columns;
    }
    return { start: iso(body.start), end: iso(body.end), rows, columns };
  };

  return {
    name: 'hunts',
    description: 'Batch hunts over a time range, and the jobs long ones run as.',
    routes: [
      defineRoute({
        method: 'post',
        path: '/hunts',
        scope: 'read',
        summary: 'Run detectors over a time range',
        description: `Ranges longer than the job threshold (default ${DEFAULT_HUNT_JOB_THRESHOLD_MS / 86_400_000} days) answer 202 with a job to poll.`,
        request: { body: HuntRequest },
        responses: { 200: HuntResult, 202: JobBody },
      }).handle(async ({ body, principal }) => {
        const selected = plan(body);
        if (body.end - body.start <= threshold) return { status: 200, body: await run(body, selected) };
        const job = jobs.submit('hunt', principal?.tokenId ?? '', () => run(body, selected));
        const out = jobBody(job);
        return { status: 202, body: out, headers: { Location: out.statusUrl } };
      }),
      defineRoute({
        method: 'get',
        path: '/jobs/:id',
        scope: 'read',
        summary: "A job's status, and its result once it succeeded",
        request: { params: z.object({ id: z.string().uuid() }) },
        responses: { 404: ErrorBody, 200: JobBody },
      }).handle(({ params, principal }) => ({
        status: 200,
        body: jobBody(jobs.get(params.id, principal?.tokenId ?? '', principal?.scopes.includes('admin') ?? false)),
      })),
    ],
  };
}
