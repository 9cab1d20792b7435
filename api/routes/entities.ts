/**
 * /v1/entities: enrichment of one entity (neighbours with first and last
 * seen, roles, devices, MFA methods, IPs, the detections and chains involving
 * it, its timeline), its neighbourhood to depth N (optionally as of a time),
 * and what changed around it between two times.
 */
import { z } from 'zod';
import type { IdgraphEngine } from '../../src/engine/idgraph-engine.js';
import { IdgraphError } from '../../src/errors.js';
import type { NodeRef } from '../../src/graph/facts.js';
import type { TemporalGraphView } from '../../src/graph/graph-view.js';
import { changesBetween, neighbourhood, neighbours, timeline, type Neighbour } from '../../src/graph/entity-view.js';
import { EdgeKindSchema, NodeKindSchema, type NodeKind } from '../../src/graph/schema.js';
import { ErrorBody } from '../errors.js';
import { defineRoute, type RouteModule } from '../route-module.js';
import { chainIndex, detectionBody } from './detections.js';
import { ChainSummary, DetectionBody, EntityParams, EntityRef, InstantQuery, iso, resolveEntity, summariseChain } from './schemas.js';

const Props = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]));

const NeighbourBody = z
  .object({
    kind: NodeKindSchema,
    key: z.string(),
    edgeKind: EdgeKindSchema,
    direction: z.enum(['out', 'in']),
    count: z.number().int(),
    firstSeen: z.string(),
    lastSeen: z.string(),
  })
  .meta({ id: 'Neighbour' });

const RelatedBody = z
  .object({ key: z.string(), edgeKinds: z.array(EdgeKindSchema), count: z.number().int(), firstSeen: z.string(), lastSeen: z.string() })
  .meta({ id: 'RelatedEntity', description: 'A neighbour of one kind, over every edge kind that connects it.' });

const TimelineBody = z
  .object({
    time: z.string(),
    edgeKind: EdgeKindSchema,
    direction: z.enum(['out', 'in']),
    other: EntityRef,
    eventId: z.string(),
    props: Props,
  })
  .meta({ id: 'TimelineEntry' });

const EntityDetail = z
  .object({
    entity: z.object({ kind: NodeKindSchema, key: z.string(), props: Props }),
    neighbours: z.array(NeighbourBody),
    neighboursTruncated: z.boolean(),
    roles: z.array(RelatedBody),
    devices: z.array(RelatedBody),
    mfaMethods: z.array(RelatedBody),
    ips: z.array(RelatedBody),
    detections: z.array(DetectionBody).describe('newest first, at most detectionLimit'),
    chains: z.array(ChainSummary),
    timeline: z.array(TimelineBody).describe('newest first'),
  })
  .meta({ id: 'EntityDetail' });

const Neighbourhood = z
  .object({
    centre: EntityRef,
    asOf: z.string().nullable(),
    nodes: z.array(z.object({ kind: NodeKindSchema, key: z.string(), depth: z.number().int(), props: Props })),
    edges: z.array(z.object({ kind: EdgeKindSchema, from: EntityRef, to: EntityRef, count: z.number().int(), firstSeen: z.string(), lastSeen: z.string() })),
    truncated: z.boolean(),
  })
  .meta({ id: 'Neighbourhood' });

const Change = z
  .object({ kind: NodeKindSchema, key: z.string(), firstSeen: z.string(), edgeKinds: z.array(EdgeKindSchema), count: z.number().int() })
  .meta({ id: 'EntityChange', description: 'A neighbour first seen in the period.' });

const Changes = z
  .object({
    entity: EntityRef,
    from: z.string(),
    to: z.string(),
    ips: z.array(Change),
    devices: z.array(Change),
    mfaMethods: z.array(Change),
    roles: z.array(Change),
    other: z.array(Change).describe('new neighbours of other kinds (apps, sessions, alerts, users)'),
  })
  .meta({ id: 'EntityChanges' });

const RangeQuery = z.object({ from: InstantQuery.optional(), to: InstantQuery.optional() });

/** Neighbours of one kind folded over edge kinds and directions. */
function related(rows: readonly Neighbour[], kind: NodeKind): z.infer<typeof RelatedBody>[] {
  const by = new Map<string, { key: string; kinds: Set<Neighbour['edgeKind']>; count: number; first: number; last: number }>();
  for (const r of rows) {
    if (r.kind !== kind) continue;
    const g = by.get(r.key) ?? { key: r.key, kinds: new Set(), count: 0, first: Infinity, last: -Infinity };
    g.kinds.add(r.edgeKind);
    g.count += r.count;
    g.first = Math.min(g.first, r.first);
    g.last = Math.max(g.last, r.last);
    by.set(r.key, g);
  }
  return [...by.values()]
    .sort((a, b) => b.last - a.last || (a.key < b.key ? -1 : 1))
    .map((g) => ({ key: g.key, edgeKinds: [...g.kinds].sort(), count: g.count, firstSeen: iso(g.first), lastSeen: iso(g.last) }));
}

/** The entity routes. */
export function entityRoutes(deps: { engine: IdgraphEngine }): RouteModule {
  const { engine } = deps;
  // The graph `depth` hops around the entity: the in-memory graph, or a copy loaded from a Neo4j store.
  const node = async (params: z.infer<typeof EntityParams>, depth: number): Promise<{ ref: NodeRef; view: TemporalGraphView }> => {
    const view = await engine.viewAround([params], depth);
    const ref = resolveEntity(view, params);
    if (!view.hasNode(ref)) throw new IdgraphError('NOT_FOUND', `no ${params.kind} "${params.key}" in the graph`, { kind: params.kind, key: params.key });
    return { ref, view };
  };
  return {
    name: 'entities',
    description: 'Entities of the identity graph: enrichment, neighbourhood, time travel.',
    routes: [
      defineRoute({
        method: 'get',
        path: '/entities/:kind/:key',
        scope: 'read',
        summary: 'Enrichment of one entity',
        description: 'Neighbours (first and last seen within from..to), roles, devices, MFA methods, IPs, detections and chains involving it, and its latest timeline entries.',
        request: {
          params: EntityParams,
          query: RangeQuery.extend({
            timelineLimit: z.coerce.number().int().min(0).max(1000).default(50),
            neighbourLimit: z.coerce.number().int().min(1).max(5000).default(500),
            detectionLimit: z.coerce.number().int().min(0).max(1000).default(100),
          }),
        },
        responses: { 404: ErrorBody, 200: EntityDetail },
      }).handle(async ({ params, query }) => {
        const { ref, view } = await node(params, 1);
        const range = { ...(query.from === undefined ? {} : { from: query.from }), ...(query.to === undefined ? {} : { to: query.to }) };
        const all = neighbours(view, ref, range);
        const detections = engine.detections({ entity: ref }).slice(0, query.detectionLimit);
        const chains = chainIndex(engine);
        return {
          status: 200,
          body: {
            entity: { kind: ref.kind, key: ref.key, props: { ...(view.nodeProps(ref) ?? {}) } },
            neighbours: all.slice(0, query.neighbourLimit).map((n) => ({
              kind: n.kind,
              key: n.key,
              edgeKind: n.edgeKind,
              direction: n.direction,
              count: n.count,
              firstSeen: iso(n.first),
              lastSeen: iso(n.last),
            })),
            neighboursTruncated: all.length > query.neighbourLimit,
            roles: related(all, 'Role'),
            devices: related(all, 'Device'),
            mfaMethods: related(all, 'MfaMethod'),
            ips: related(all, 'IP'),
            detections: detections.map((d) => detectionBody(engine, d, chains)),
            chains: engine.listChains({ entity: ref }).map(summariseChain),
            timeline: timeline(view, ref, { ...range, limit: query.timelineLimit, order: 'desc' }).map((t) => ({
              time: iso(t.time),
              edgeKind: t.edgeKind,
              direction: t.direction,
              other: { kind: t.other.kind, key: t.other.key },
              eventId: t.eventId,
              props: { ...t.props },
            })),
          },
        };
      }),
      defineRoute({
        method: 'get',
        path: '/entities/:kind/:key/neighbourhood',
        scope: 'read',
        summary: "An entity's neighbourhood to depth N, in a time range or as of a time",
        request: {
          params: EntityParams,
          query: RangeQuery.extend({
            depth: z.coerce.number().int().min(1).max(4).default(1),
            asOf: InstantQuery.optional().describe('only occurrences at or before this time: the graph as it was then'),
            maxNodes: z.coerce.number().int().min(1).max(5000).default(500),
          }),
        },
        responses: { 404: ErrorBody, 200: Neighbourhood },
      }).handle(async ({ params, query }) => {
        const { ref, view } = await node(params, query.depth);
        const n = neighbourhood(view, ref, query.depth, {
          ...(query.from === undefined ? {} : { from: query.from }),
          ...(query.to === undefined ? {} : { to: query.to }),
          ...(query.asOf === undefined ? {} : { asOf: query.asOf }),
          maxNodes: query.maxNodes,
        });
        return {
          status: 200,
          body: {
            centre: { kind: ref.kind, key: ref.key },
            asOf: query.asOf === undefined ? null : iso(query.asOf),
            nodes: n.nodes.map((x) => ({ kind: x.kind, key: x.key, depth: x.depth, props: { ...x.props } })),
            edges: n.edges.map((e) => ({
              kind: e.kind,
              from: { kind: e.from.kind, key: e.from.key },
              to: { kind: e.to.kind, key: e.to.key },
              count: e.count,
              firstSeen: iso(e.first),
              lastSeen: iso(e.last),
            })),
            truncated: n.truncated,
          },
        };
      }),
      defineRoute({
        method: 'get',
        path: '/entities/:kind/:key/changes',
        scope: 'read',
        summary: 'What changed around an entity between two times (new IPs, devices, MFA methods, roles)',
        request: { params: EntityParams, query: z.object({ from: InstantQuery, to: InstantQuery.optional() }) },
        responses: { 404: ErrorBody, 200: Changes },
      }).handle(async ({ params, query }) => {
        const { ref, view } = await node(params, 1);
        const to = query.to ?? view.timeSpan()?.last ?? query.from;
        if (to < query.from) throw new IdgraphError('BAD_INPUT', 'to must not be before from', [{ path: ['query', 'to'], message: 'must not be before from' }]);
        const rows = changesBetween(view, ref, query.from, to).map((c) => ({ kind: c.kind, key: c.key, firstSeen: iso(c.firstSeen), edgeKinds: [...c.edgeKinds], count: c.count }));
        const of = (k: NodeKind) => rows.filter((r) => r.kind === k);
        return {
          status: 200,
          body: {
            entity: { kind: ref.kind, key: ref.key },
            from: iso(query.from),
            to: iso(to),
            ips: of('IP'),
            devices: of('Device'),
            mfaMethods: of('MfaMethod'),
            roles: of('Role'),
            other: rows.filter((r) => !['IP', 'Device', 'MfaMethod', 'Role'].includes(r.kind)),
          },
        };
      }),
    ],
  };
}
