/**
 * /v1/chains: attack chains — list with filters, one chain with its steps'
 * score shares, raw evidence and subgraph (graphology and Cytoscape.js JSON),
 * triage (kept with who and when), split, exclude, and exports to BloodHound
 * OpenGraph and STIX 2.1.
 */
import { z } from 'zod';
import type { Chain } from '../../src/chains/chain-schema.js';
import { chainSubgraph, toCytoscapeJson, toGraphologyJson } from '../../src/chains/chain-subgraph.js';
import { toBloodHoundOpenGraph } from '../../src/chains/export/bloodhound.js';
import { toStixBundle } from '../../src/chains/export/stix.js';
import type { IdgraphEngine } from '../../src/engine/idgraph-engine.js';
import type { Principal } from '../auth/token-store.js';
import { pageOf, pageQuery, paginate } from '../pagination.js';
import { ErrorBody } from '../errors.js';
import { defineRoute, type RouteModule } from '../route-module.js';
import { rawEvents } from './detections.js';
import { ChainBody, ChainStep, ChainSummary, EntityQuery, InstantQuery, RawEventBody, TriageStatus, resolveEntity, summariseChain } from './schemas.js';

const Attrs = z.record(z.string(), z.unknown());

export const GraphologyJson = z
  .object({
    attributes: Attrs,
    options: z.object({ type: z.string(), multi: z.boolean(), allowSelfLoops: z.boolean() }),
    nodes: z.array(z.object({ key: z.string(), attributes: Attrs })),
    edges: z.array(z.object({ key: z.string(), source: z.string(), target: z.string(), attributes: Attrs })),
  })
  .meta({ id: 'GraphologyJson', description: 'graphology serialisation (Graph.from / graph.import)' });

export const CytoscapeJson = z
  .object({
    elements: z.object({
      nodes: z.array(z.object({ data: z.object({ id: z.string() }).catchall(z.unknown()) })),
      edges: z.array(z.object({ data: z.object({ id: z.string(), source: z.string(), target: z.string() }).catchall(z.unknown()) })),
    }),
  })
  .meta({ id: 'CytoscapeJson', description: 'Cytoscape.js elements JSON' });

const ChainDetail = ChainBody.extend({
  steps: z.array(
    ChainStep.extend({
      share: z.number().describe("this step's fraction of the chain's score (0..1)"),
      events: z.array(RawEventBody).describe('raw events of the evidence (at most maxEvents per step)'),
    }),
  ),
  subgraph: z.object({ truncated: z.boolean(), graphology: GraphologyJson, cytoscape: CytoscapeJson }),
}).meta({ id: 'ChainDetail' });

const OpenGraphValue = z.union([z.string(), z.number(), z.boolean(), z.array(z.string()), z.array(z.number())]);
const OpenGraphEnd = z.object({ value: z.string(), match_by: z.literal('id') });
export const OpenGraphDocument = z
  .object({
    metadata: z.object({ source_kind: z.string() }),
    graph: z.object({
      nodes: z.array(z.object({ id: z.string(), kinds: z.array(z.string()).min(1).max(3), properties: z.record(z.string(), OpenGraphValue) })),
      edges: z.array(z.object({ kind: z.string(), start: OpenGraphEnd, end: OpenGraphEnd, properties: z.record(z.string(), OpenGraphValue) })),
    }),
  })
  .meta({ id: 'BloodHoundOpenGraph', description: 'BloodHound OpenGraph JSON (upload through BloodHound file ingest)' });

export const StixBundle = z
  .object({
    type: z.literal('bundle'),
    id: z.string().regex(/^bundle--[0-9a-f-]{36}$/),
    objects: z.array(z.object({ type: z.string(), id: z.string(), spec_version: z.literal('2.1') }).catchall(z.unknown())),
  })
  .meta({ id: 'StixBundle', description: 'STIX 2.1 bundle' });

const ChainIdParams = z.object({ id: z.string().min(1).max(200) });

/** Who a triage decision is by: the token's name and id. */
export function actorOf(p: Principal | null): string {
  return p ? `${p.name} (${p.tokenId})` : 'anonymous';
}

function attachment(name: string): Record<string, string> {
  return { 'Content-Disposition': `attachment; filename="${name.replace(/[^A-Za-z0-9._-]/g, '_')}"` };
}

/** The chain routes. */
export function chainRoutes(deps: { engine: IdgraphEngine }): RouteModule {
  const { engine } = deps;
  // The chain's entities and their neighbours: the in-memory graph, or a copy loaded from a Neo4j store.
  const subgraphOf = async (c: Chain, maxNodes: number) => chainSubgraph(await engine.viewAround(c.entities, 1), c, maxNodes);
  return {
    name: 'chains',
    description: 'Attack chains: detections linked by shared entities within a horizon, scored and triaged.',
    routes: [
      defineRoute({
        method: 'get',
        path: '/chains',
        scope: 'read',
        summary: 'List chains, highest score first',
        request: {
          query: pageQuery.extend({
            entity: EntityQuery.optional(),
            detector: z.string().min(1).optional(),
            minScore: z.coerce.number().min(0).optional(),
            status: TriageStatus.optional(),
            since: InstantQuery.optional().describe('chains last seen at or after'),
            until: InstantQuery.optional().describe('chains first seen at or before'),
          }),
        },
        responses: { 200: pageOf(ChainSummary) },
      }).handle(async ({ query }) => {
        const list = engine.listChains({
          ...(query.entity === undefined ? {} : { entity: resolveEntity(await engine.viewAround([query.entity], 0), query.entity) }),
          ...(query.detector === undefined ? {} : { detector: query.detector }),
          ...(query.minScore === undefined ? {} : { minScore: query.minScore }),
          ...(query.status === undefined ? {} : { status: query.status }),
          ...(query.since === undefined ? {} : { since: query.since }),
          ...(query.until === undefined ? {} : { until: query.until }),
        });
        const page = paginate(list, query, (c) => [c.score, c.id], 'desc');
        return { status: 200, body: { items: page.items.map(summariseChain), nextCursor: page.nextCursor } };
      }),
      defineRoute({
        method: 'get',
        path: '/chains/:id',
        scope: 'read',
        summary: 'One chain: steps with score shares and raw evidence, and its subgraph',
        description: 'An alias of a merged chain answers with the chain it was merged into.',
        request: {
          params: ChainIdParams,
          query: z.object({
            maxEvents: z.coerce.number().int().min(0).max(1000).default(50),
            maxNodes: z.coerce.number().int().min(1).max(2000).default(200),
          }),
        },
        responses: { 404: ErrorBody, 200: ChainDetail },
      }).handle(async ({ params, query }) => {
        const c = engine.chain(params.id);
        const steps = await Promise.all(
          c.steps.map(async (s) => ({
            ...s,
            share: c.score > 0 ? s.score.total / c.score : 0,
            events: await rawEvents(engine, s.evidence.flatMap((e) => e.eventIds), query.maxEvents),
          })),
        );
        const g = await subgraphOf(c, query.maxNodes);
        return {
          status: 200,
          body: {
            ...c,
            steps,
            subgraph: {
              truncated: g.truncated,
              graphology: toGraphologyJson(g) as z.infer<typeof GraphologyJson>,
              cytoscape: toCytoscapeJson(g) as z.infer<typeof CytoscapeJson>,
            },
          },
        };
      }),
      defineRoute({
        method: 'patch',
        path: '/chains/:id',
        scope: 'read',
        summary: 'Triage a chain: set its status, with an optional note',
        description: 'The decision is kept with the token that made it and the time.',
        request: { params: ChainIdParams, body: z.object({ status: TriageStatus, note: z.string().max(4000).optional() }).strict() },
        responses: { 404: ErrorBody, 200: ChainBody },
      }).handle(async ({ params, body, principal }) => ({
        status: 200,
        body: await engine.triage(params.id, { status: body.status, ...(body.note === undefined ? {} : { note: body.note }), by: actorOf(principal) }),
      })),
      defineRoute({
        method: 'post',
        path: '/chains/:id/split',
        scope: 'read',
        summary: 'Split steps off a chain into a chain of their own',
        request: { params: ChainIdParams, body: z.object({ detectionIds: z.array(z.string().min(1)).min(1).max(1000) }).strict() },
        responses: { 404: ErrorBody, 201: z.object({ chain: ChainBody.describe('the new chain'), remaining: ChainBody.nullable().describe('what is left of the original') }) },
      }).handle(async ({ params, body }) => {
        const before = engine.chain(params.id);
        const created = await engine.splitChain(before.id, body.detectionIds);
        const keep = before.steps.find((s) => !body.detectionIds.includes(s.detectionId));
        const remaining = keep ? engine.chains.chainOfDetection(keep.detectionId) ?? null : null;
        return { status: 201, body: { chain: created, remaining } };
      }),
      defineRoute({
        method: 'post',
        path: '/chains/:id/exclude',
        scope: 'read',
        summary: 'Leave a step out of its chain',
        request: { params: ChainIdParams, body: z.object({ detectionId: z.string().min(1) }).strict() },
        responses: { 404: ErrorBody, 200: z.object({ chain: ChainBody.nullable().describe('the chain without the step; null when it had no other step') }) },
      }).handle(async ({ params, body }) => ({ status: 200, body: { chain: (await engine.excludeStep(params.id, body.detectionId)) ?? null } })),
      defineRoute({
        method: 'get',
        path: '/chains/:id/export/bloodhound',
        scope: 'read',
        summary: "The chain's subgraph as BloodHound OpenGraph JSON",
        request: { params: ChainIdParams, query: z.object({ maxNodes: z.coerce.number().int().min(1).max(5000).default(500) }) },
        responses: { 404: ErrorBody, 200: OpenGraphDocument },
      }).handle(async ({ params, query }) => {
        const c = engine.chain(params.id);
        return { status: 200, body: toBloodHoundOpenGraph(c, await subgraphOf(c, query.maxNodes)), headers: attachment(`${c.id}.opengraph.json`) };
      }),
      defineRoute({
        method: 'get',
        path: '/chains/:id/export/stix',
        scope: 'read',
        summary: 'The chain as a STIX 2.1 bundle (deterministic ids: re-export is identical)',
        request: { params: ChainIdParams },
        responses: { 404: ErrorBody, 200: StixBundle },
      }).handle(({ params }) => {
        const c = engine.chain(params.id);
        return { status: 200, body: toStixBundle(c), headers: attachment(`${c.id}.stix.json`) };
      }),
    ],
  };
}
