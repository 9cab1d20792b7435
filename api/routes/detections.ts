/** /v1/detections: live (streamed) detections with filters and cursor pagination, one with its raw evidence. */
import { z } from 'zod';
import type { Detection } from '../../src/detect/detection.js';
import type { IdgraphEngine } from '../../src/engine/idgraph-engine.js';
import { IdgraphError } from '../../src/errors.js';
import { pageOf, pageQuery, paginate } from '../pagination.js';
import { ErrorBody } from '../errors.js';
import { defineRoute, type RouteModule } from '../route-module.js';
import { DetectionBody, EntityQuery, InstantQuery, RawEventBody, iso, resolveEntity } from './schemas.js';

/** detection id → id of the chain it is a step of, built once per request. */
export function chainIndex(engine: IdgraphEngine): Map<string, string> {
  const out = new Map<string, string>();
  for (const c of engine.listChains()) for (const s of c.steps) out.set(s.detectionId, c.id);
  return out;
}

/** A detection as the API shows it (row rendered, detector metadata, its chain). */
export function detectionBody(engine: IdgraphEngine, d: Detection, chains: ReadonlyMap<string, string> = chainIndex(engine)): DetectionBody {
  const def = engine.catalog.get(d.detector)?.definition;
  return {
    id: d.id,
    detector: d.detector,
    name: def?.name ?? d.detector,
    severity: def?.severity ?? 'low',
    tactics: [...(def?.tactics ?? [])],
    time: iso(d.time),
    firstTime: iso(d.firstTime),
    entities: d.entities.map((n) => ({ kind: n.kind, key: n.key })),
    row: engine.detectionRow(d),
    evidence: d.evidence.map((e) => ({ clause: e.clause, role: e.role, edge: e.edge, eventIds: [...e.eventIds] })),
    chainId: chains.get(d.id) ?? null,
  };
}

/** The raw events behind event ids, in the order given (missing ones left out), at most `limit`. */
export async function rawEvents(engine: IdgraphEngine, eventIds: readonly string[], limit = Infinity): Promise<RawEventBody[]> {
  const ids = [...new Set(eventIds)].slice(0, limit);
  const found = await engine.evidence(ids);
  return ids.flatMap((id) => {
    const e = found.get(id);
    return e ? [{ eventId: id, table: e.table, time: iso(e.time), raw: e.raw }] : [];
  });
}

const DetectionDetail = DetectionBody.extend({
  events: z.array(RawEventBody).describe('raw events of the evidence (at most maxEvents)'),
}).meta({ id: 'DetectionDetail' });

/** The detection routes. */
export function detectionRoutes(deps: { engine: IdgraphEngine }): RouteModule {
  const { engine } = deps;
  return {
    name: 'detections',
    description: 'Detections found by the streaming engine as events arrive.',
    routes: [
      defineRoute({
        method: 'get',
        path: '/detections',
        scope: 'read',
        summary: 'List detections, newest first',
        request: {
          query: pageQuery.extend({
            detector: z.string().min(1).optional(),
            entity: EntityQuery.optional(),
            since: InstantQuery.optional(),
            until: InstantQuery.optional(),
          }),
        },
        responses: { 200: pageOf(DetectionBody) },
      }).handle(async ({ query }) => {
        const list = engine.detections({
          ...(query.detector === undefined ? {} : { detector: query.detector }),
          ...(query.entity === undefined ? {} : { entity: resolveEntity(await engine.viewAround([query.entity], 0), query.entity) }),
          ...(query.since === undefined ? {} : { since: query.since }),
          ...(query.until === undefined ? {} : { until: query.until }),
        });
        const page = paginate(list, query, (d) => [d.time, d.id], 'desc');
        const chains = chainIndex(engine);
        return { status: 200, body: { items: page.items.map((d) => detectionBody(engine, d, chains)), nextCursor: page.nextCursor } };
      }),
      defineRoute({
        method: 'get',
        path: '/detections/:id',
        scope: 'read',
        summary: 'One detection with the raw events of its evidence',
        request: {
          params: z.object({ id: z.string().min(1).max(300) }),
          query: z.object({ maxEvents: z.coerce.number().int().min(0).max(1000).default(100) }),
        },
        responses: { 404: ErrorBody, 200: DetectionDetail },
      }).handle(async ({ params, query }) => {
        const d = engine.streaming.current().find((x) => x.id === params.id);
        if (!d) throw new IdgraphError('NOT_FOUND', `no detection ${params.id}`, { id: params.id });
        const events = await rawEvents(engine, d.evidence.flatMap((e) => e.eventIds), query.maxEvents);
        return { status: 200, body: { ...detectionBody(engine, d), events } };
      }),
    ],
  };
}
