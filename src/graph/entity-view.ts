/**
 * Entity queries for investigators (CLI `entity`, API /entities): who a node
 * is connected to, what happened to it in time order, what surrounds it, and
 * what is new about it. Pure functions over TemporalGraphView, so any backend
 * implementing the view answers them the same way.
 */
import { IdgraphError } from '../errors.js';
import type { NodeRef } from './facts.js';
import type { EdgeHandle, TemporalGraphView } from './graph-view.js';
import { EDGE_KIND_NAMES, EDGE_KINDS, type EdgeKind, type NodeKind, type Scalar } from './schema.js';

/** Inclusive time bounds, epoch ms; open-ended when omitted. */
export interface TimeRange {
  readonly from?: number;
  readonly to?: number;
}

/** Whether the queried node is the edge's source (`out`) or target (`in`). */
export type Direction = 'out' | 'in';

/** One neighbour through one edge kind and direction, with its occurrences in range. */
export interface Neighbour {
  readonly kind: NodeKind;
  readonly key: string;
  readonly edgeKind: EdgeKind;
  readonly direction: Direction;
  readonly count: number;
  readonly first: number;
  readonly last: number;
}

/** One occurrence touching the queried node. */
export interface TimelineEntry {
  readonly edgeKind: EdgeKind;
  readonly direction: Direction;
  readonly other: NodeRef;
  readonly time: number;
  readonly eventId: string;
  readonly props: Readonly<Record<string, Scalar>>;
}

/** Options of timeline(). */
export interface TimelineOptions extends TimeRange {
  /** At most this many entries (the earliest for `asc`, the latest for `desc`). */
  readonly limit?: number;
  readonly order?: 'asc' | 'desc';
}

/** Options of neighbourhood(). */
export interface NeighbourhoodOptions extends TimeRange {
  /** Only occurrences at or before this time (the graph as it was then). */
  readonly asOf?: number;
  /** Stop adding nodes past this many (default 1000); `truncated` says so. */
  readonly maxNodes?: number;
}

/** A node of a neighbourhood, with its distance from the centre. */
export interface NeighbourhoodNode {
  readonly kind: NodeKind;
  readonly key: string;
  readonly depth: number;
  readonly props: Readonly<Record<string, Scalar>>;
}

/** An edge of a neighbourhood, summarised over the occurrences in range. */
export interface NeighbourhoodEdge {
  readonly kind: EdgeKind;
  readonly from: NodeRef;
  readonly to: NodeRef;
  readonly count: number;
  readonly first: number;
  readonly last: number;
}

/** Nodes and edges within some hops of a node. */
export interface Neighbourhood {
  readonly nodes: NeighbourhoodNode[];
  readonly edges: NeighbourhoodEdge[];
  readonly truncated: boolean;
}

/** A neighbour first seen in a period, over whichever edge kinds connect it. */
export interface NeighbourChange {
  readonly kind: NodeKind;
  readonly key: string;
  readonly firstSeen: number;
  readonly edgeKinds: EdgeKind[];
  /** Occurrences with the neighbour in the period. */
  readonly count: number;
}

interface Touch {
  readonly edge: EdgeHandle;
  readonly direction: Direction;
  readonly other: NodeRef;
}

/** Direct neighbours of a node with per-edge-kind counts and first/last seen in range; busiest first. */
export function neighbours(view: TemporalGraphView, ref: NodeRef, range: TimeRange = {}): Neighbour[] {
  const node = canonical(view, ref);
  const [from, to] = bounds(range);
  const rows: Neighbour[] = [];
  for (const { edge, direction, other } of touching(view, node)) {
    const lo = edge.lowerBound(from);
    const hi = edge.upperBound(to);
    if (hi <= lo) continue;
    rows.push({
      kind: other.kind,
      key: other.key,
      edgeKind: edge.kind,
      direction,
      count: hi - lo,
      first: edge.time(lo),
      last: edge.time(hi - 1),
    });
  }
  return rows.sort((a, b) => b.count - a.count || b.last - a.last || cmp(a.kind, b.kind) || cmp(a.key, b.key));
}

/** Occurrences touching a node in time order (k-way merge over its edges, stopping at the limit). */
export function timeline(view: TemporalGraphView, ref: NodeRef, opts: TimelineOptions = {}): TimelineEntry[] {
  const node = canonical(view, ref);
  const [from, to] = bounds(opts);
  const desc = opts.order === 'desc';
  const limit = opts.limit ?? Infinity;
  const cursors: { t: Touch; i: number; end: number; seq: number }[] = [];
  for (const t of touching(view, node)) {
    const lo = t.edge.lowerBound(from);
    const hi = t.edge.upperBound(to);
    if (hi > lo) cursors.push(desc ? { t, i: hi - 1, end: lo - 1, seq: cursors.length } : { t, i: lo, end: hi, seq: cursors.length });
  }
  const before = (a: (typeof cursors)[number], b: (typeof cursors)[number]): boolean => {
    const ta = a.t.edge.time(a.i);
    const tb = b.t.edge.time(b.i);
    if (ta !== tb) return desc ? ta > tb : ta < tb;
    // Same instant: by event id, so the order does not depend on which edge was learnt first.
    const ea = a.t.edge.eventId(a.i);
    const eb = b.t.edge.eventId(b.i);
    return ea !== eb ? (desc ? ea > eb : ea < eb) : a.seq < b.seq;
  };
  const heap = new MinHeap(cursors, before);
  const out: TimelineEntry[] = [];
  while (out.length < limit) {
    const c = heap.peek();
    if (!c) break;
    const { edge, direction, other } = c.t;
    out.push({ edgeKind: edge.kind, direction, other, time: edge.time(c.i), eventId: edge.eventId(c.i), props: occurrenceProps(edge, c.i) });
    c.i += desc ? -1 : 1;
    if (c.i === c.end) heap.pop();
    else heap.siftDown(0);
  }
  return out;
}

/** Nodes and edges reachable within `depth` hops (either direction), counting only occurrences in range. */
export function neighbourhood(
  view: TemporalGraphView,
  ref: NodeRef,
  depth: number,
  opts: NeighbourhoodOptions = {},
): Neighbourhood {
  const centre = canonical(view, ref);
  const [from, to0] = bounds(opts);
  const to = Math.min(to0, opts.asOf ?? Infinity);
  const maxNodes = opts.maxNodes ?? 1000;
  const depthOf = new Map<string, number>([[nodeId(centre), 0]]);
  const nodes: NeighbourhoodNode[] = [{ ...centre, depth: 0, props: view.nodeProps(centre) ?? {} }];
  const edges: NeighbourhoodEdge[] = [];
  const seenEdges = new Set<EdgeHandle>();
  let truncated = false;
  for (let q = 0; q < nodes.length; q++) {
    const n = nodes[q]!;
    if (n.depth >= depth) continue;
    for (const { edge, other } of touching(view, n)) {
      if (seenEdges.has(edge)) continue;
      const lo = edge.lowerBound(from);
      const hi = edge.upperBound(to);
      if (hi <= lo) continue;
      const id = nodeId(other);
      if (!depthOf.has(id)) {
        if (nodes.length >= maxNodes) {
          truncated = true;
          continue;
        }
        depthOf.set(id, n.depth + 1);
        nodes.push({ kind: other.kind, key: other.key, depth: n.depth + 1, props: view.nodeProps(other) ?? {} });
      }
      seenEdges.add(edge);
      edges.push({ kind: edge.kind, from: edge.from, to: edge.to, count: hi - lo, first: edge.time(lo), last: edge.time(hi - 1) });
    }
  }
  return { nodes, edges, truncated };
}

/** Neighbours whose first occurrence with the node falls in (t1, t2]: new IPs, devices, MFA methods, roles. */
export function changesBetween(view: TemporalGraphView, ref: NodeRef, t1: number, t2: number): NeighbourChange[] {
  const node = canonical(view, ref);
  const byOther = new Map<string, { other: NodeRef; firstSeen: number; kinds: Set<EdgeKind>; count: number }>();
  for (const { edge, other } of touching(view, node)) {
    if (edge.size === 0) continue;
    const id = nodeId(other);
    let g = byOther.get(id);
    if (!g) byOther.set(id, (g = { other, firstSeen: Infinity, kinds: new Set(), count: 0 }));
    g.firstSeen = Math.min(g.firstSeen, edge.time(0));
    const n = edge.upperBound(t2) - edge.upperBound(t1);
    if (n > 0) {
      g.count += n;
      g.kinds.add(edge.kind);
    }
  }
  const rows: NeighbourChange[] = [];
  for (const g of byOther.values())
    if (g.firstSeen > t1 && g.firstSeen <= t2)
      rows.push({
        kind: g.other.kind,
        key: g.other.key,
        firstSeen: g.firstSeen,
        edgeKinds: EDGE_KIND_NAMES.filter((k) => g.kinds.has(k)),
        count: g.count,
      });
  return rows.sort((a, b) => a.firstSeen - b.firstSeen || cmp(a.kind, b.kind) || cmp(a.key, b.key));
}

/** The non-null properties of one occurrence, in schema order. */
export function occurrenceProps(edge: EdgeHandle, i: number): Record<string, Scalar> {
  const props: Record<string, Scalar> = {};
  for (const name of Object.keys(EDGE_KINDS[edge.kind].props)) {
    const v = edge.prop(i, name);
    if (v !== null) props[name] = v;
  }
  return props;
}

/** The node a ref names (by key or alias), or NOT_FOUND. */
function canonical(view: TemporalGraphView, ref: NodeRef): NodeRef {
  const key = view.resolve(ref.kind, ref.key);
  if (key === undefined) throw new IdgraphError('NOT_FOUND', `no ${ref.kind} "${ref.key}" in the graph`, { kind: ref.kind, key: ref.key });
  return { kind: ref.kind, key };
}

/** Every edge touching a node, out-edges first, in schema order; a self-loop once (as out). */
function* touching(view: TemporalGraphView, node: NodeRef): Iterable<Touch> {
  for (const k of EDGE_KIND_NAMES) for (const edge of view.outEdges(node, k)) yield { edge, direction: 'out', other: edge.to };
  for (const k of EDGE_KIND_NAMES)
    for (const edge of view.inEdges(node, k)) {
      if (edge.from.kind === node.kind && edge.from.key === node.key) continue;
      yield { edge, direction: 'in', other: edge.from };
    }
}

function bounds(r: TimeRange): [number, number] {
  return [r.from ?? -Infinity, r.to ?? Infinity];
}

function nodeId(r: NodeRef): string {
  return `${r.kind}:${r.key}`;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A binary heap ordered by `before`; the top is items[0]. */
class MinHeap<T> {
  constructor(
    private readonly items: T[],
    private readonly before: (a: T, b: T) => boolean,
  ) {
    for (let i = (items.length >>> 1) - 1; i >= 0; i--) this.siftDown(i);
  }

  peek(): T | undefined {
    return this.items[0];
  }

  pop(): void {
    const last = this.items.pop();
    if (this.items.length > 0 && last !== undefined) {
      this.items[0] = last;
      this.siftDown(0);
    }
  }

  /** Restore order after the item at i moved later. */
  siftDown(i: number): void {
    const a = this.items;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < a.length && this.before(a[l]!, a[m]!)) m = l;
      if (r < a.length && this.before(a[r]!, a[m]!)) m = r;
      if (m === i) return;
      [a[i], a[m]] = [a[m]!, a[i]!];
      i = m;
    }
  }
}
