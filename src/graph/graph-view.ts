/**
 * The read interface detectors and chains use on the temporal graph. The
 * in-memory graph implements it; matchers never touch graphology directly, so
 * the occurrence storage can stay columnar and compact.
 */
import type { NodeRef } from './facts.js';
import type { EdgeKind, NodeKind, Scalar } from './schema.js';
import type { ValuePredicate } from './value-predicate.js';

/**
 * Where a matcher reads occurrences of one edge kind by index: an edge, or a block of the kind's
 * time-ordered log (kind-log.ts). No object is allocated per occurrence on the hot path.
 */
export interface OccurrenceSource {
  /** Time (epoch ms) of occurrence i. */
  time(i: number): number;
  /** Raw event id of occurrence i. */
  eventId(i: number): string;
  /** Property of occurrence i by its position (edgePropPosition: no name lookup on a hot path); null when absent. */
  propAt(i: number, position: number): Scalar;
  /** Whether the property at `position` of occurrence i passes the test: read by its interned code, the test asked once per value. */
  passes(i: number, position: number, test: ValuePredicate): boolean;
}

/**
 * One edge (kind, from, to) and its occurrences, sorted by time (ties keep
 * arrival order).
 */
export interface EdgeHandle extends OccurrenceSource {
  readonly kind: EdgeKind;
  readonly from: NodeRef;
  readonly to: NodeRef;
  /** Number of occurrences. */
  readonly size: number;
  /** Property of occurrence i; null when absent. */
  prop(i: number, name: string): Scalar;
  /** Index of the first occurrence with time >= t (size when none). */
  lowerBound(t: number): number;
  /** Index of the first occurrence with time > t (size when none). */
  upperBound(t: number): number;
}

/** Time bounds of a search; either end may be exclusive. */
export interface TimeBounds {
  readonly lo: number;
  readonly loIn: boolean;
  readonly hi: number;
  readonly hiIn: boolean;
}

/**
 * Occurrences of one edge kind read from its time-ordered log, in (time, event id) order: occurrence k
 * is on the edge from node number froms[k] to node number tos[k] (TemporalGraphView.nodeAt), and its
 * properties are read from srcs[k] at pos[k] (valid until the graph changes).
 */
export interface IndexedOccurrences {
  readonly times: Float64Array;
  readonly froms: Int32Array;
  readonly tos: Int32Array;
  readonly srcs: readonly OccurrenceSource[];
  readonly pos: Int32Array;
}

/** Read-only view of the temporal graph. */
export interface TemporalGraphView {
  /** Canonical key of an entity named by key or alias (a user's object id), or undefined. */
  resolve(kind: NodeKind, keyOrAlias: string): string | undefined;
  /** Whether the node exists. */
  hasNode(ref: NodeRef): boolean;
  /** Properties of a node (key included), or undefined when absent. */
  nodeProps(ref: NodeRef): Readonly<Record<string, Scalar>> | undefined;
  /** Other keys (aliases) the node is known by, in the order they were learnt. */
  nodeAliases(ref: NodeRef): readonly string[];
  /**
   * The node's number, or -1 when it is not in the graph: a small integer, fixed while the node exists and
   * never reused, so a matcher can count by node in an array instead of a map keyed by node.
   */
  nodeNumber(ref: NodeRef): number;
  /** The node with that number (the graph's own object), or undefined when it was dropped or merged. */
  nodeAt(no: number): NodeRef | undefined;
  /** One more than the largest node number given out (the length of an array indexed by node number). */
  nodeNumberLimit(): number;
  /** Every node of a kind. */
  nodesOfKind(kind: NodeKind): Iterable<NodeRef>;
  /** Edges of a kind leaving a node. */
  outEdges(ref: NodeRef, kind: EdgeKind): readonly EdgeHandle[];
  /** Edges of a kind entering a node. */
  inEdges(ref: NodeRef, kind: EdgeKind): readonly EdgeHandle[];
  /** Edges of a kind leaving a node with an occurrence possibly in [lo, hi] (a superset; all of them for an unbounded range). */
  outEdgesActive(ref: NodeRef, kind: EdgeKind, lo: number, hi: number): readonly EdgeHandle[];
  /** Edges of a kind entering a node with an occurrence possibly in [lo, hi] (a superset; all of them for an unbounded range). */
  inEdgesActive(ref: NodeRef, kind: EdgeKind, lo: number, hi: number): readonly EdgeHandle[];
  /** The edge of a kind between two nodes, if any. */
  edge(kind: EdgeKind, from: NodeRef, to: NodeRef): EdgeHandle | undefined;
  /** Every edge of a kind (the graph's own list: read it before the graph changes). */
  edgesOfKind(kind: EdgeKind): readonly EdgeHandle[];
  /** Earliest and latest occurrence time in the graph, or null when empty. */
  timeSpan(): { first: number; last: number } | null;
  /** Number of occurrences of an edge kind. */
  occurrencesOfKind(kind: EdgeKind): number;
  /**
   * The occurrences of an edge kind whose property `prop` passes `test`, with time in the bounds,
   * from the kind's time-ordered log (kept current on every change).
   * Undefined when `prop` is not a property of the kind. Pass the same test again: its answers per
   * value are kept.
   */
  occurrencesWhere(kind: EdgeKind, prop: string, test: ValuePredicate, b: TimeBounds): IndexedOccurrences | undefined;
  /**
   * How many occurrences occurrencesWhere would return for [lo, hi] (both ends included), or undefined
   * likewise, and also undefined when a sample of the kind's occurrences says the test keeps more than
   * `maxShare` of them (a planner reads most of a kind from its edges; counting it would cost a scan).
   */
  countWhere(kind: EdgeKind, prop: string, test: ValuePredicate, lo: number, hi: number, maxShare: number): number | undefined;
}
