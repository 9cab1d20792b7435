/**
 * Entity resolution for one batch bound for Neo4j, with the embedded graph's
 * rules (src/graph/temporal-graph.ts): keys compare as normalizeKey says, a
 * node fact's aliases name the same entity, and a fact that links two known
 * entities merges the one found by alias into the one the fact names. The
 * names the batch mentions are looked up in Neo4j first (`known`); the
 * outcome is what the loader writes: nodes to create or fill, merges of
 * stored nodes (in order), alias names to record, and every edge occurrence
 * with its endpoints resolved to final canonical keys.
 */
import type { EventFacts } from '../../graph/facts.js';
import { normalizeKey } from '../../graph/entity-resolution.js';
import type { EdgeKind, NodeKind, Scalar } from '../../graph/schema.js';
import { isEmptyValue } from '../../graph/temporal-graph.js';

/** `kind|name`: how alias names are keyed, in Neo4j and here. */
export const aliasUid = (kind: NodeKind, name: string): string => `${kind}|${name}`;

interface BatchNode {
  readonly kind: NodeKind;
  key: string;
  /** Already a node in Neo4j before this batch. */
  readonly stored: boolean;
  readonly props: Record<string, Scalar>;
  readonly aliases: string[];
}

/** A stored node absorbed into another (both keys canonical at the time of the merge). */
export interface NodeMerge {
  readonly kind: NodeKind;
  readonly from: string;
  readonly into: string;
}

export interface ResolvedEdge {
  readonly kind: EdgeKind;
  readonly fromKind: NodeKind;
  readonly from: string;
  readonly toKind: NodeKind;
  readonly to: string;
  readonly time: number;
  readonly eventId: string;
  readonly props: Record<string, Scalar>;
}

export interface ResolvedBatch {
  /** Nodes to create or fill (props: only non-empty values; stored values win), with aliases learnt in this batch. */
  readonly nodes: { kind: NodeKind; key: string; props: Record<string, Scalar>; aliases: string[] }[];
  readonly merges: NodeMerge[];
  /** Alias uid -> canonical key, for every name whose meaning is new or changed. */
  readonly aliases: Map<string, { kind: NodeKind; canonical: string }>;
  readonly edges: ResolvedEdge[];
}

/** Every `kind|name` a batch mentions (keys, aliases, edge endpoints), normalised: what to look up before resolving. */
export function namesOf(batch: readonly EventFacts[]): Set<string> {
  const out = new Set<string>();
  for (const f of batch) {
    for (const n of f.nodes) {
      out.add(aliasUid(n.kind, normalizeKey(n.kind, n.key)));
      for (const a of n.aliases ?? []) if (a !== '') out.add(aliasUid(n.kind, normalizeKey(n.kind, a)));
    }
    for (const e of f.edges) {
      out.add(aliasUid(e.from.kind, normalizeKey(e.from.kind, e.from.key)));
      out.add(aliasUid(e.to.kind, normalizeKey(e.to.kind, e.to.key)));
    }
  }
  return out;
}

/**
 * Resolves a batch (events in arrival order) against what Neo4j already knows:
 * `known` maps each looked-up `kind|name` to the canonical key of its stored node.
 */
export function resolveBatch(batch: readonly EventFacts[], known: ReadonlyMap<string, string>): ResolvedBatch {
  const canon = new Map(known);
  const changed = new Map<string, { kind: NodeKind; canonical: string }>();
  const nodes = new Map<string, BatchNode>();
  const merges: NodeMerge[] = [];
  const point = (kind: NodeKind, name: string, canonical: string): void => {
    canon.set(aliasUid(kind, name), canonical);
    changed.set(aliasUid(kind, name), { kind, canonical });
  };
  const lookup = (kind: NodeKind, name: string): BatchNode | undefined => {
    const key = canon.get(aliasUid(kind, name));
    if (key === undefined) return undefined;
    let n = nodes.get(aliasUid(kind, key));
    if (!n) {
      nodes.set(aliasUid(kind, key), (n = { kind, key, stored: true, props: {}, aliases: [] }));
      // A stored node reached by another name: its own key must follow it if it is merged later.
      canon.set(aliasUid(kind, key), key);
    }
    return n;
  };
  const ensure = (kind: NodeKind, raw: string): BatchNode => {
    const key = normalizeKey(kind, raw);
    const found = lookup(kind, key);
    if (found) return found;
    const n: BatchNode = { kind, key, stored: false, props: {}, aliases: [] };
    nodes.set(aliasUid(kind, key), n);
    point(kind, key, key);
    return n;
  };
  const fill = (target: Record<string, Scalar>, from: Readonly<Record<string, Scalar>>): void => {
    for (const k in from) if (k !== 'key' && k !== 'aliases' && !isEmptyValue(from[k]) && isEmptyValue(target[k])) target[k] = from[k]!;
  };
  const absorb = (n: BatchNode, m: BatchNode): void => {
    for (const [uid, key] of canon) if (key === n.key && uid.startsWith(`${n.kind}|`)) point(n.kind, uid.slice(n.kind.length + 1), m.key);
    m.aliases.push(n.key, ...n.aliases);
    fill(m.props, n.props);
    nodes.delete(aliasUid(n.kind, n.key));
    if (n.stored) merges.push({ kind: n.kind, from: n.key, into: m.key });
  };
  const edges: ResolvedEdge[] = [];
  const pending: { f: EventFacts['edges'][number]; from: BatchNode; to: BatchNode }[] = [];
  for (const f of batch) {
    for (const nf of f.nodes) {
      const m = ensure(nf.kind, nf.key);
      if (nf.props) fill(m.props, nf.props);
      for (const raw of nf.aliases ?? []) {
        const a = normalizeKey(nf.kind, raw);
        if (a === '' || a === m.key) continue;
        const other = lookup(nf.kind, a);
        if (other === m) continue;
        if (other) absorb(other, m);
        else {
          point(nf.kind, a, m.key);
          m.aliases.push(a);
        }
      }
    }
    for (const ef of f.edges) pending.push({ f: ef, from: ensure(ef.from.kind, ef.from.key), to: ensure(ef.to.kind, ef.to.key) });
  }
  // Endpoints resolve to their final canonical node: a merge later in the batch moves earlier edges too, as in the embedded graph.
  const final = (n: BatchNode): string => canon.get(aliasUid(n.kind, n.key)) ?? n.key;
  for (const { f, from, to } of pending) {
    const props: Record<string, Scalar> = {};
    for (const k in f.props) if (f.props[k] !== null && f.props[k] !== undefined) props[k] = f.props[k]!;
    edges.push({ kind: f.kind, fromKind: from.kind, from: final(from), toKind: to.kind, to: final(to), time: f.time, eventId: f.eventId, props });
  }
  return {
    nodes: [...nodes.values()].map((n) => ({ kind: n.kind, key: n.key, props: n.props, aliases: n.aliases })),
    merges,
    aliases: changed,
    edges,
  };
}
