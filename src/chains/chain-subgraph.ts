/**
 * The graph picture of a chain: its entities plus the users' neighbours
 * (IPs, devices, MFA methods, roles, apps, sessions) active around the chain's
 * time span, with each edge summarised (kind, occurrences, first and last
 * seen). Rendered as graphology JSON and as Cytoscape.js elements.
 */
import type { NodeRef } from '../graph/facts.js';
import type { TemporalGraphView } from '../graph/graph-view.js';
import { EDGE_KIND_NAMES, type EdgeKind, type NodeKind, type Scalar } from '../graph/schema.js';
import type { Chain } from './chain-schema.js';

export interface SubgraphNode {
  readonly id: string;
  readonly kind: NodeKind;
  readonly key: string;
  readonly inChain: boolean;
  readonly props: Readonly<Record<string, Scalar>>;
}

export interface SubgraphEdge {
  readonly id: string;
  readonly kind: EdgeKind;
  readonly source: string;
  readonly target: string;
  readonly count: number;
  readonly first: string;
  readonly last: string;
}

export interface ChainSubgraph {
  readonly nodes: SubgraphNode[];
  readonly edges: SubgraphEdge[];
  readonly truncated: boolean;
}

const nodeId = (n: NodeRef): string => `${n.kind}:${n.key}`;
const MARGIN = 86_400_000;

/** Builds the subgraph around a chain, at most maxNodes nodes. */
export function chainSubgraph(view: TemporalGraphView, chain: Chain, maxNodes = 200): ChainSubgraph {
  const from = Date.parse(chain.firstSeen) - MARGIN;
  const to = Date.parse(chain.lastSeen) + MARGIN;
  const nodes = new Map<string, SubgraphNode>();
  const edges = new Map<string, SubgraphEdge>();
  let truncated = false;
  const addNode = (n: NodeRef, inChain: boolean): boolean => {
    const id = nodeId(n);
    if (nodes.has(id)) return true;
    if (nodes.size >= maxNodes) {
      truncated = true;
      return false;
    }
    nodes.set(id, { id, kind: n.kind, key: n.key, inChain, props: { ...(view.nodeProps(n) ?? {}) } });
    return true;
  };
  for (const e of chain.entities) addNode(e, true);
  const centres = chain.entities.filter((e) => e.kind === 'User' || e.kind === 'Device' || e.kind === 'IP');
  for (const c of centres) {
    if (!view.hasNode(c)) continue;
    for (const kind of EDGE_KIND_NAMES) {
      for (const dir of ['out', 'in'] as const) {
        for (const edge of dir === 'out' ? view.outEdges(c, kind) : view.inEdges(c, kind)) {
          const lo = edge.lowerBound(from);
          const hi = edge.upperBound(to);
          const other = dir === 'out' ? edge.to : edge.from;
          const otherInChain = nodes.get(nodeId(other))?.inChain ?? false;
          // Around users: every neighbour active in the window; between other centres: chain entities only.
          if (hi <= lo || (c.kind !== 'User' && !otherInChain)) continue;
          if (!addNode(other, false)) continue;
          const id = `${kind}:${nodeId(edge.from)}->${nodeId(edge.to)}`;
          if (!edges.has(id)) {
            edges.set(id, {
              id,
              kind,
              source: nodeId(edge.from),
              target: nodeId(edge.to),
              count: hi - lo,
              first: new Date(edge.time(lo)).toISOString(),
              last: new Date(edge.time(hi - 1)).toISOString(),
            });
          }
        }
      }
    }
  }
  return { nodes: [...nodes.values()], edges: [...edges.values()], truncated };
}

/** graphology's serialisation format (importable with Graph.from / graph.import). */
export function toGraphologyJson(g: ChainSubgraph): unknown {
  return {
    attributes: { truncated: g.truncated },
    options: { type: 'directed', multi: true, allowSelfLoops: false },
    nodes: g.nodes.map((n) => ({ key: n.id, attributes: { kind: n.kind, key: n.key, inChain: n.inChain, ...n.props } })),
    edges: g.edges.map((e) => ({ key: e.id, source: e.source, target: e.target, attributes: { kind: e.kind, count: e.count, first: e.first, last: e.last } })),
  };
}

/** Cytoscape.js elements JSON. */
export function toCytoscapeJson(g: ChainSubgraph): unknown {
  return {
    elements: {
      nodes: g.nodes.map((n) => ({ data: { id: n.id, label: n.key, kind: n.kind, inChain: n.inChain } })),
      edges: g.edges.map((e) => ({ data: { id: e.id, source: e.source, target: e.target, label: e.kind, count: e.count, first: e.first, last: e.last } })),
    },
  };
}
