/** /v1/detectors: the detector catalog — metadata, parameters, output columns and the readable plan. */
import { z } from 'zod';
import { TacticSchema } from '../../src/detect/definition.js';
import { explainPattern } from '../../src/detect/explain.js';
import type { CatalogEntry } from '../../src/detect/catalog.js';
import type { IdgraphEngine } from '../../src/engine/idgraph-engine.js';
import { IdgraphError } from '../../src/errors.js';
import { TABLE_NAMES } from '../../src/ingest/table-names.js';
import { ErrorBody } from '../errors.js';
import { defineRoute, type RouteModule } from '../route-module.js';

const DetectorParam = z
  .object({ type: z.enum(['duration', 'number', 'string']), default: z.union([z.string(), z.number()]), description: z.string() })
  .meta({ id: 'DetectorParam' });

export const DetectorInfo = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string(),
    severity: z.enum(['informational', 'low', 'medium', 'high']),
    tactics: z.array(TacticSchema),
    techniques: z.array(z.string()),
    tables: z.array(z.enum(TABLE_NAMES)),
    params: z.record(z.string(), DetectorParam),
    columns: z.array(z.string()).describe('output columns, in order'),
    streaming: z.object({ supported: z.boolean(), reason: z.string().nullable() }).describe('whether detections stream as events arrive'),
  })
  .meta({ id: 'DetectorInfo' });

export const DetectorDetail = DetectorInfo.extend({
  entities: z.array(z.object({ type: z.string(), column: z.string(), identifier: z.string().optional() })),
  source: z.object({ title: z.string(), path: z.string().optional(), deviations: z.array(z.string()) }).nullable(),
  plan: z.string().describe('the pattern as a readable plan (as `idgraph explain` prints it)'),
}).meta({ id: 'DetectorDetail' });

function info(engine: IdgraphEngine, e: CatalogEntry): z.infer<typeof DetectorInfo> {
  const d = e.definition;
  const unsupported = engine.streaming.unsupported.find((u) => u.detector === d.id);
  return {
    id: d.id,
    name: d.name,
    description: d.description,
    severity: d.severity,
    tactics: [...d.tactics],
    techniques: [...d.techniques],
    tables: [...d.tables],
    params: Object.fromEntries(Object.entries(d.params).map(([k, p]) => [k, { type: p.type, default: p.default, description: p.description }])),
    columns: [...e.pattern.columns],
    streaming: { supported: !unsupported, reason: unsupported ? `${unsupported.construct}: ${unsupported.reason}` : null },
  };
}

/** The detector routes. */
export function detectorRoutes(deps: { engine: IdgraphEngine }): RouteModule {
  const { engine } = deps;
  return {
    name: 'detectors',
    description: 'The detector catalog.',
    routes: [
      defineRoute({
        method: 'get',
        path: '/detectors',
        scope: 'read',
        summary: 'List detectors',
        request: {},
        responses: { 200: z.object({ items: z.array(DetectorInfo) }) },
      }).handle(() => ({ status: 200, body: { items: [...engine.catalog.values()].map((e) => info(engine, e)) } })),
      defineRoute({
        method: 'get',
        path: '/detectors/:id',
        scope: 'read',
        summary: 'One detector with its readable plan',
        request: { params: z.object({ id: z.string().min(1).max(200) }) },
        responses: { 404: ErrorBody, 200: DetectorDetail },
      }).handle(({ params }) => {
        const e = engine.catalog.get(params.id);
        if (!e) throw new IdgraphError('NOT_FOUND', `no detector ${params.id}`, { id: params.id });
        const d = e.definition;
        return {
          status: 200,
          body: {
            ...info(engine, e),
            entities: d.entities.map((x) => ({ ...x })),
            source: d.source ? { title: d.source.title, ...(d.source.path === undefined ? {} : { path: d.source.path }), deviations: [...d.source.deviations] } : null,
            plan: explainPattern(e.pattern),
          },
        };
      }),
    ],
  };
}
