/**
 * A chain as a BloodHound OpenGraph document ({ graph: { nodes, edges }, metadata }),
 * so investigators can load the story of a compromised account beside their
 * AzureHound data. The subgraph's entities become nodes of kinds prefixed
 * `IDG_` (OpenGraph custom kinds must not collide with built-in ones), its
 * edges keep their kind in PascalCase, and the chain and each of its steps are
 * nodes too, linked to the entities each step involves.
 *
 * OpenGraph properties must be primitives or arrays of one primitive type, so
 * nulls are left out and lists are flattened to strings.
 */
import type { Chain } from '../chain-schema.js';
import type { ChainSubgraph } from '../chain-subgraph.js';

/** A property value OpenGraph accepts. */
export type OpenGraphValue = string | number | boolean | string[] | number[];

export interface OpenGraphNode {
  readonly id: string;
  readonly kinds: string[];
  readonly properties: Record<string, OpenGraphValue>;
}

export interface OpenGraphEdge {
  readonly kind: string;
  readonly start: { readonly value: string; readonly match_by: 'id' };
  readonly end: { readonly value: string; readonly match_by: 'id' };
  readonly properties: Record<string, OpenGraphValue>;
}

export interface OpenGraphDocument {
  readonly metadata: { readonly source_kind: string };
  readonly graph: { readonly nodes: OpenGraphNode[]; readonly edges: OpenGraphEdge[] };
}

/** The source kind every exported node also carries (BloodHound adds it to each node's kinds). */
export const SOURCE_KIND = 'IDGraph';
const PREFIX = 'IDG_';

/** SIGNED_IN → IDG_SignedIn. */
export function edgeKindName(kind: string): string {
  return PREFIX + kind.toLowerCase().replace(/(^|_)([a-z])/g, (_m, _sep: string, c: string) => c.toUpperCase());
}

/** User → IDG_User. */
export function nodeKindName(kind: string): string {
  return PREFIX + kind;
}

const ref = (value: string) => ({ value, match_by: 'id' as const });

/** Drops nulls and non-primitive values (OpenGraph rejects them). */
function primitives(props: Readonly<Record<string, unknown>>): Record<string, OpenGraphValue> {
  const out: Record<string, OpenGraphValue> = {};
  for (const [k, v] of Object.entries(props)) {
    if (typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v))) out[k.toLowerCase()] = v;
  }
  return out;
}

/** Converts a chain and its subgraph into an OpenGraph document. Same input, same output. */
export function toBloodHoundOpenGraph(chain: Chain, subgraph: ChainSubgraph): OpenGraphDocument {
  const privileged = new Set(chain.privilegedAccounts);
  const nodes: OpenGraphNode[] = subgraph.nodes.map((n) => ({
    id: n.id,
    kinds: [nodeKindName(n.kind)],
    properties: {
      ...primitives(n.props),
      objectid: n.id,
      name: n.key.toUpperCase(),
      displayname: typeof n.props['displayName'] === 'string' && n.props['displayName'] !== '' ? n.props['displayName'] : n.key,
      inchain: n.inChain,
      ...(n.kind === 'User' ? { privileged: privileged.has(n.key) } : {}),
    },
  }));
  const edges: OpenGraphEdge[] = subgraph.edges.map((e) => ({
    kind: edgeKindName(e.kind),
    start: ref(e.source),
    end: ref(e.target),
    properties: { count: e.count, firstseen: e.first, lastseen: e.last },
  }));

  const known = new Set(nodes.map((n) => n.id));
  const chainNode = `chain:${chain.id}`;
  nodes.push({
    id: chainNode,
    kinds: [`${PREFIX}Chain`],
    properties: {
      objectid: chainNode,
      name: chain.id.toUpperCase(),
      displayname: `attack chain ${chain.id}`,
      score: chain.score,
      status: chain.status,
      tactics: [...chain.tactics],
      firstseen: chain.firstSeen,
      lastseen: chain.lastSeen,
      privilegedaccounts: [...chain.privilegedAccounts],
      steps: chain.steps.length,
    },
  });
  chain.steps.forEach((s, i) => {
    const stepNode = `detection:${s.detectionId}`;
    nodes.push({
      id: stepNode,
      kinds: [`${PREFIX}Detection`],
      properties: {
        objectid: stepNode,
        name: s.name.toUpperCase(),
        displayname: s.name,
        detector: s.detector,
        severity: s.severity,
        tactics: [...s.tactics],
        time: s.time,
        firsttime: s.firstTime,
        score: s.score.total,
        eventids: s.evidence.flatMap((e) => e.eventIds),
      },
    });
    edges.push({ kind: `${PREFIX}HasStep`, start: ref(chainNode), end: ref(stepNode), properties: { order: i + 1 } });
    for (const ent of s.entities) {
      const id = `${ent.kind}:${ent.key}`;
      // An entity the subgraph left out (node cap) is added bare, so no edge dangles.
      if (!known.has(id)) {
        known.add(id);
        nodes.push({ id, kinds: [nodeKindName(ent.kind)], properties: { objectid: id, name: ent.key.toUpperCase(), displayname: ent.key, inchain: true } });
      }
      edges.push({ kind: `${PREFIX}Involves`, start: ref(stepNode), end: ref(id), properties: { time: s.time } });
    }
  });
  return { metadata: { source_kind: SOURCE_KIND }, graph: { nodes, edges } };
}
