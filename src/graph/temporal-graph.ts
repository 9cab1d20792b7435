/**
 * The in-memory temporal graph: graphology holds the topology (one node per
 * `Kind:key`, one edge per (edge kind, from, to)), and each edge carries its
 * occurrences in time order in compact columns (occurrence-columns.ts) whose
 * repeated strings are interned in one value table (value-table.ts).
 *
 * Applying the facts of an event adds nodes (first non-empty property value
 * wins), resolves aliases (merging a user first seen by object id into its UPN
 * node) and inserts occurrences; applying an event twice adds nothing.
 * Detectors read it only through TemporalGraphView.
 *
 * Owns: graph state in memory. Imports graph vocabulary only.
 */
import { MultiDirectedGraph } from 'graphology';
import type { SerializedGraph } from 'graphology-types';
import { IdgraphError } from '../errors.js';
import { AliasIndex, normalizeKey } from './entity-resolution.js';
import type { EdgeFact, EventFacts, NodeFact, NodeRef } from './facts.js';
import type { EdgeHandle, IndexedOccurrences, TemporalGraphView, TimeBounds } from './graph-view.js';
import type { GraphSnapshot, SnapshotEdges, SnapshotNode, SnapshotValues } from './graph-snapshot.js';
import { ColumnLayout, OccurrenceColumns } from './occurrence-columns.js';
import { EDGE_KIND_NAMES, EDGE_KINDS, edgePropPosition, NODE_KIND_NAMES, NODE_KINDS, type EdgeKind, type NodeKind, type Scalar } from './schema.js';
import { KindLog } from './kind-log.js';
import type { ValuePredicate } from './value-predicate.js';
import { ownString, ValueTable } from './value-table.js';

/** One occurrence an apply added, with canonical endpoints (what streaming matchers consume). */
export interface AppliedOccurrence {
  readonly kind: EdgeKind;
  readonly from: NodeRef;
  readonly to: NodeRef;
  readonly time: number;
  readonly eventId: string;
  /** The edge now holding it; find it again with upperBound(time) and eventId (indexes shift on insert). */
  readonly edge: EdgeHandle;
}

/** A node absorbed into another by entity resolution (its edges and key now belong to `into`). */
export interface NodeMerge {
  readonly absorbed: NodeRef;
  readonly into: NodeRef;
}

/** Counts the CLI, API and metrics report. */
export interface GraphStats {
  readonly nodes: Record<NodeKind, number>;
  readonly edges: Record<EdgeKind, number>;
  readonly occurrences: Record<EdgeKind, number>;
  readonly totalNodes: number;
  readonly totalEdges: number;
  readonly totalOccurrences: number;
  readonly aliases: number;
  /** Distinct interned property values. */
  readonly internedValues: number;
  readonly timeSpan: { first: number; last: number } | null;
}

/** Which part of the graph toGraphologyJSON serialises. */
export interface ExportSubset {
  /** Nodes to include (canonical or alias keys); every node when omitted. */
  readonly nodes?: Iterable<NodeRef>;
  /** Only occurrences with from <= time <= to count; edges with none are left out. */
  readonly from?: number;
  readonly to?: number;
}

/** Node attributes in the graphology graph. */
export interface GraphNodeAttributes {
  kind: NodeKind;
  key: string;
  props: Record<string, Scalar>;
}

/** Edge attributes in the graphology graph. */
export interface GraphEdgeAttributes {
  kind: EdgeKind;
  edge: EdgeHandle;
}

/** Edges of a node by edge kind index (EDGE_KIND_NAMES order); null until the node has any. */
type EdgeLists = (TemporalEdge[] | undefined)[] | null;

const KIND_INDEX = Object.fromEntries(EDGE_KIND_NAMES.map((k, i) => [k, i])) as Record<EdgeKind, number>;

interface NodeState {
  readonly ref: NodeRef;
  /** The node's number (TemporalGraphView.nodeNumber): its place in the graph's list of nodes by number. */
  readonly no: number;
  readonly gkey: string;
  readonly props: Record<string, Scalar>;
  aliases: string[] | null;
  /** Latest event time that mentioned the node (retention keeps edgeless nodes seen since). */
  seen: number;
  out: EdgeLists;
  in: EdgeLists;
  /**
   * Per edge list (same shape as out / in): each edge's first and last occurrence time, interleaved,
   * so "which edges were active in [lo, hi]" scans numbers instead of visiting every edge.
   */
  outSpan: Spans;
  inSpan: Spans;
  /** Per edge kind index: the node's out-edges by their other end, so finding the edge of an event costs no key text. */
  outTo: (Map<NodeState, TemporalEdge> | undefined)[] | null;
}

type Spans = (number[] | undefined)[] | null;

/** An edge: its endpoints plus its occurrence columns. */
class TemporalEdge extends OccurrenceColumns implements EdgeHandle {
  /** Positions in src.out and dst.in lists of its kind (their spans are kept at the same place). */
  outPos = -1;
  inPos = -1;
  /** Position in the graph's list of edges of its kind. */
  kindPos = -1;

  constructor(
    layout: ColumnLayout,
    readonly kind: EdgeKind,
    readonly src: NodeState,
    readonly dst: NodeState,
    readonly gkey: string,
  ) {
    super(layout);
  }

  get from(): NodeRef {
    return this.src.ref;
  }

  get to(): NodeRef {
    return this.dst.ref;
  }

  get fromNo(): number {
    return this.src.no;
  }

  get toNo(): number {
    return this.dst.no;
  }
}

const NO_EDGES: readonly EdgeHandle[] = Object.freeze([]);
/** Where the graph's own node objects keep their number (not enumerable: no JSON or equality sees it). */
const NUMBER = Symbol('node number');
/** Edges sampled to judge whether a test is selective enough to count (countWhere). */
const SAMPLE_EDGES = 2048;

/** The in-memory temporal graph (graphology topology, columnar occurrences). */
export class TemporalGraph implements TemporalGraphView {
  private readonly graph = new MultiDirectedGraph<GraphNodeAttributes, GraphEdgeAttributes>({ allowSelfLoops: true });
  private readonly values = new ValueTable();
  private readonly layouts: Record<EdgeKind, ColumnLayout>;
  private readonly nodes = new Map<NodeKind, Map<string, NodeState>>();
  private readonly aliases = new AliasIndex();
  /**
   * Node objects by number, in the order nodes were made; a dropped or merged node's place stays empty
   * (numbers are never reused, so a number a scan returned never names another node).
   */
  private readonly byNo: (NodeRef | undefined)[] = [];
  /** Every edge of each kind (its position kept on the edge), so a clause with both ends free reads them without visiting every node. */
  private readonly kindEdges = {} as Record<EdgeKind, TemporalEdge[]>;
  private readonly occCount = {} as Record<EdgeKind, number>;
  private first = Infinity;
  private last = -Infinity;
  private droppedSinceCompaction = 0;
  private readonly mergeListeners: ((m: NodeMerge) => void)[] = [];
  /**
   * Per edge kind, its occurrences in time order as columns (occurrencesWhere), kept from the first event
   * on: built later from the edges, a million sign-ins' log took 4-12 s (each edge's columns read at
   * random), paid by the first hunt of every process; kept on apply, an append touches the last block.
   */
  private readonly logs = {} as Record<EdgeKind, KindLog>;
  /** Per edge kind and property: sampled values (to judge whether a test is selective enough to count), and the kind's size then. */
  private readonly samples = new Map<string, { values: Scalar[]; at: number; shares: WeakMap<ValuePredicate, number> }>();

  constructor() {
    for (const k of NODE_KIND_NAMES) this.nodes.set(k, new Map());
    const layouts = {} as Record<EdgeKind, ColumnLayout>;
    for (const k of EDGE_KIND_NAMES) {
      layouts[k] = new ColumnLayout(k, this.values);
      this.kindEdges[k] = [];
      this.occCount[k] = 0;
      this.logs[k] = new KindLog(this.values, layouts[k].names.length);
    }
    this.layouts = layouts;
  }

  /**
   * Add what one event contributes; returns the occurrences added (none when the
   * event was applied before). Bad facts throw BAD_INPUT before anything changes.
   */
  apply(facts: EventFacts): AppliedOccurrence[] {
    validateFacts(facts);
    const e0 = facts.edges[0];
    if (e0 && this.holds(e0)) return [];
    for (const nf of facts.nodes) this.applyNode(nf, facts.time);
    const added: AppliedOccurrence[] = [];
    for (const ef of facts.edges) {
      const src = this.ensureNode(ef.from.kind, ef.from.key, ef.time);
      const dst = this.ensureNode(ef.to.kind, ef.to.key, ef.time);
      const edge = this.ensureEdge(ef.kind, src, dst);
      const i = edge.insert(ef.time, ef.eventId, ef.props);
      refreshSpan(edge);
      this.logs[ef.kind].add(edge, i);
      this.occCount[ef.kind]++;
      if (ef.time < this.first) this.first = ef.time;
      if (ef.time > this.last) this.last = ef.time;
      added.push({ kind: ef.kind, from: src.ref, to: dst.ref, time: ef.time, eventId: ef.eventId, edge });
    }
    return added;
  }

  /** Call `listener` whenever entity resolution merges two nodes; returns a function that unsubscribes. */
  onMerge(listener: (m: NodeMerge) => void): () => void {
    this.mergeListeners.push(listener);
    return () => {
      const i = this.mergeListeners.indexOf(listener);
      if (i >= 0) this.mergeListeners.splice(i, 1);
    };
  }

  resolve(kind: NodeKind, keyOrAlias: string): string | undefined {
    return this.lookup(kind, normalizeKey(kind, keyOrAlias))?.ref.key;
  }

  hasNode(ref: NodeRef): boolean {
    return this.state(ref) !== undefined;
  }

  nodeProps(ref: NodeRef): Readonly<Record<string, Scalar>> | undefined {
    return this.state(ref)?.props;
  }

  /** Other keys (aliases) the node is known by, in the order they were learnt. */
  nodeAliases(ref: NodeRef): readonly string[] {
    return this.state(ref)?.aliases ?? [];
  }

  nodeNumber(ref: NodeRef): number {
    const no = (ref as { [NUMBER]?: number })[NUMBER];
    if (no !== undefined && this.byNo[no] === ref) return no;
    return this.state(ref)?.no ?? -1;
  }

  nodeAt(no: number): NodeRef | undefined {
    return this.byNo[no];
  }

  nodeNumberLimit(): number {
    return this.byNo.length;
  }

  *nodesOfKind(kind: NodeKind): Iterable<NodeRef> {
    for (const s of this.kindMap(kind).values()) yield s.ref;
  }

  outEdges(ref: NodeRef, kind: EdgeKind): readonly EdgeHandle[] {
    return this.state(ref)?.out?.[KIND_INDEX[kind]] ?? NO_EDGES;
  }

  inEdges(ref: NodeRef, kind: EdgeKind): readonly EdgeHandle[] {
    return this.state(ref)?.in?.[KIND_INDEX[kind]] ?? NO_EDGES;
  }

  outEdgesActive(ref: NodeRef, kind: EdgeKind, lo: number, hi: number): readonly EdgeHandle[] {
    const s = this.state(ref);
    const ki = KIND_INDEX[kind];
    return activeIn(s?.out?.[ki], s?.outSpan?.[ki], lo, hi);
  }

  inEdgesActive(ref: NodeRef, kind: EdgeKind, lo: number, hi: number): readonly EdgeHandle[] {
    const s = this.state(ref);
    const ki = KIND_INDEX[kind];
    return activeIn(s?.in?.[ki], s?.inSpan?.[ki], lo, hi);
  }

  edge(kind: EdgeKind, from: NodeRef, to: NodeRef): EdgeHandle | undefined {
    const src = this.state(from);
    const dst = src && this.state(to);
    return dst ? this.findEdge(kind, src, dst) : undefined;
  }

  edgesOfKind(kind: EdgeKind): readonly EdgeHandle[] {
    return this.kindEdges[kind];
  }

  timeSpan(): { first: number; last: number } | null {
    return this.totalOccurrences() === 0 ? null : { first: this.first, last: this.last };
  }

  occurrencesOfKind(kind: EdgeKind): number {
    return this.occCount[kind];
  }

  occurrencesWhere(kind: EdgeKind, prop: string, test: ValuePredicate, b: TimeBounds): IndexedOccurrences | undefined {
    const column = edgePropPosition(kind, prop);
    if (column < 0) return undefined;
    return this.logs[kind].where(column, test, b.lo, b.loIn, b.hi, b.hiIn);
  }

  countWhere(kind: EdgeKind, prop: string, test: ValuePredicate, lo: number, hi: number, maxShare: number): number | undefined {
    const column = edgePropPosition(kind, prop);
    if (column < 0) return undefined;
    // Counted only for a test a sample says is selective: counting a column of a thousand values per block (isnotempty(ip)) costs a scan.
    if (this.sampledShare(kind, prop, test) > maxShare) return undefined;
    return this.logs[kind].countWhere(column, test, lo, hi);
  }

  /** The share of a kind's occurrences whose property passes the test, estimated from a sample of its edges (NaN when it has none). */
  private sampledShare(kind: EdgeKind, prop: string, test: ValuePredicate): number {
    const key = `${kind}\u0000${prop}`;
    let sample = this.samples.get(key);
    // Taken again once the kind has doubled, so a sample from the first minutes of a stream does not stay.
    if (!sample || this.occCount[kind] > 2 * sample.at) {
      const column = edgePropPosition(kind, prop);
      const edges = this.kindEdges[kind];
      const values: Scalar[] = [];
      const step = Math.max(1, Math.floor(edges.length / SAMPLE_EDGES));
      for (let k = 0; k < edges.length; k += step) {
        const e = edges[k]!;
        // Up to four occurrences per edge, spread over it, so busy edges weigh more than quiet ones.
        const per = Math.min(4, e.size);
        for (let j = 0; j < per; j++) values.push(column < 0 ? null : e.propAt(Math.floor(((j + 0.5) * e.size) / per), column));
      }
      this.samples.set(key, (sample = { values, at: this.occCount[kind], shares: new WeakMap() }));
    }
    let share = sample.shares.get(test);
    if (share === undefined) {
      let n = 0;
      for (const v of sample.values) if (test.accept(v)) n++;
      sample.shares.set(test, (share = n / sample.values.length));
    }
    return share;
  }

  /**
   * Retention: drop occurrences with time < t, edges left empty, and nodes left
   * without edges that no event at or after t mentioned. Returns occurrences dropped.
   */
  removeBefore(t: number): number {
    let dropped = 0;
    let first = Infinity;
    let last = -Infinity;
    const dead = new Set<TemporalEdge>();
    for (const m of this.nodes.values())
      for (const s of m.values())
        for (let ki = 0; s.out && ki < s.out.length; ki++) {
          const list = s.out[ki];
          if (!list) continue;
          const kind = EDGE_KIND_NAMES[ki]!;
          let w = 0;
          for (const e of list) {
            const d = e.dropBefore(t);
            dropped += d;
            this.occCount[kind] -= d;
            if (e.size === 0) {
              dead.add(e);
              this.graph.dropEdge(e.gkey);
              this.unindexEdge(e);
              continue;
            }
            if (e.time(0) < first) first = e.time(0);
            if (e.time(e.size - 1) > last) last = e.time(e.size - 1);
            list[w++] = e;
          }
          list.length = w;
          if (w === 0) s.out[ki] = undefined;
        }
    if (dead.size > 0)
      for (const m of this.nodes.values())
        for (const s of m.values())
          for (let ki = 0; s.in && ki < s.in.length; ki++) {
            const list = s.in[ki];
            if (!list) continue;
            const kept = list.filter((e) => !dead.has(e));
            s.in[ki] = kept.length > 0 ? kept : undefined;
          }
    for (const m of this.nodes.values()) for (const s of m.values()) reindex(s);
    for (const [kind, m] of this.nodes)
      for (const s of [...m.values()])
        if (isEmptyLists(s.out) && isEmptyLists(s.in)) {
          s.out = s.in = null;
          s.outSpan = s.inSpan = null;
          s.outTo = null;
          if (s.seen < t) this.dropNode(kind, s);
        }
    for (const log of Object.values(this.logs)) log.dropBefore(t);
    this.first = first;
    this.last = last;
    this.droppedSinceCompaction += dropped;
    // Interned values outlive the occurrences that used them; reclaim once a graph's worth has turned over.
    if (this.droppedSinceCompaction > 0 && this.droppedSinceCompaction >= this.totalOccurrences()) this.compactValues();
    return dropped;
  }

  /** Bytes the kind logs hold, estimated (KindLog.bytes): for the memory bench. */
  kindLogBytes(): number {
    let n = 0;
    for (const log of Object.values(this.logs)) n += log.bytes();
    return n;
  }

  /** Release spare capacity: trim every edge's columns to its size and drop unused interned values. */
  compact(): void {
    for (const e of this.allEdges()) e.trim();
    this.compactValues();
  }

  /** The graph's state as plain data (graph-snapshot.ts); fromSnapshot restores an equal graph. */
  toSnapshot(): GraphSnapshot {
    const nodes: SnapshotNode[] = [];
    const position = new Map<NodeState, number>();
    for (const m of this.nodes.values())
      for (const st of m.values()) {
        position.set(st, nodes.length);
        nodes.push({ kind: st.ref.kind, key: st.ref.key, props: { ...st.props }, aliases: st.aliases ? [...st.aliases] : null, seen: st.seen });
      }
    // Codes copied column by column and turned into positions by an array read (no value looked up).
    const table = this.values.list();
    const out: SnapshotValues = { values: [null], posOf: new Int32Array(table.length).fill(-1), table };
    out.posOf[0] = 0;
    const edges = {} as Record<EdgeKind, SnapshotEdges>;
    for (const kind of EDGE_KIND_NAMES) {
      const list = this.kindEdges[kind];
      const width = this.layouts[kind].names.length;
      let total = 0;
      for (const e of list) total += e.size;
      const rows = {
        from: new Int32Array(list.length),
        to: new Int32Array(list.length),
        size: new Int32Array(list.length),
        times: new Float64Array(total),
        ids: new Array<string>(total),
        codes: new Int32Array(total * width),
        width,
      };
      let o = 0;
      list.forEach((e, k) => {
        rows.from[k] = position.get(e.src)!;
        rows.to[k] = position.get(e.dst)!;
        rows.size[k] = e.size;
        e.exportRows(rows.times, rows.ids, rows.codes, o, width, out);
        o += e.size;
      });
      edges[kind] = rows;
    }
    return { nodes, values: out.values, edges };
  }

  /**
   * The graph a snapshot holds (toSnapshot). Node numbers follow the snapshot's order; everything a
   * detector reads (nodes, properties, aliases, edges, occurrences in order, kind logs) is as it was.
   * A snapshot whose edge kinds carry another property count than this schema's is refused.
   */
  static fromSnapshot(snap: GraphSnapshot): TemporalGraph {
    const g = new TemporalGraph();
    const states = snap.nodes.map((n) => {
      const st = g.ensureNode(n.kind, n.key, n.seen);
      for (const k of Object.keys(n.props)) if (k !== 'key' && k !== '__proto__') st.props[k] = n.props[k]!;
      for (const a of n.aliases ?? []) {
        const own = ownString(a);
        g.aliases.set(n.kind, own, st.ref.key);
        (st.aliases ??= []).push(own);
      }
      return st;
    });
    // The value-table code of each position in snap.values, found on first use (-1 until then).
    const remap = new Int32Array(snap.values.length).fill(-1);
    remap[0] = 0;
    for (const kind of EDGE_KIND_NAMES) {
      const es = snap.edges[kind];
      if (!es) continue;
      const width = g.layouts[kind].names.length;
      if (es.width !== width) throw new IdgraphError('BAD_INPUT', `graph snapshot: ${kind} occurrences have ${es.width} properties, this schema ${width}`);
      // Codes index snap.values and remap unchecked below.
      for (let j = 0; j < es.codes.length; j++) {
        const c = es.codes[j]!;
        if (c < 0 || c >= snap.values.length) throw new IdgraphError('BAD_INPUT', `graph snapshot: ${kind} occurrence ${Math.floor(j / width)} names value ${c} of ${snap.values.length}`);
      }
      const total = es.times.length;
      // Per occurrence, its edge's end nodes by number, for the log (occurrences are appended in snapshot order).
      const froms = new Int32Array(total);
      const tos = new Int32Array(total);
      let o = 0;
      for (let k = 0; k < es.size.length; k++) {
        const edge = g.ensureEdge(kind, states[es.from[k]!]!, states[es.to[k]!]!);
        edge.reserve(edge.size + es.size[k]!);
        for (let i = 0; i < es.size[k]!; i++, o++) {
          froms[o] = edge.fromNo;
          tos[o] = edge.toNo;
          edge.appendRow(es.times[o]!, es.ids[o]!, es.codes, o * width, snap.values, remap);
          if (es.times[o]! < g.first) g.first = es.times[o]!;
          if (es.times[o]! > g.last) g.last = es.times[o]!;
        }
        refreshSpan(edge);
      }
      g.occCount[kind] = o;
      // The kind's log in its own order, (time, event id), so every row is an append; its codes come from
      // the snapshot's rows too (after every edge is restored, so each property's raw-or-coded choice is final).
      const order = new Int32Array(total);
      for (let j = 0; j < total; j++) order[j] = j;
      const { times, ids } = es;
      order.sort((a, b) => times[a]! - times[b]! || (ids[a]! < ids[b]! ? -1 : ids[a]! > ids[b]! ? 1 : 0));
      g.logs[kind].appendRows(order, { times, ids, froms, tos, codes: es.codes, width, values: snap.values, remap, raw: g.layouts[kind].raw });
    }
    return g;
  }

  /** Node, edge and occurrence counts, and the time span. */
  stats(): GraphStats {
    const nodes = {} as Record<NodeKind, number>;
    let totalNodes = 0;
    for (const [k, m] of this.nodes) {
      nodes[k] = m.size;
      totalNodes += m.size;
    }
    let totalEdges = 0;
    const edges = {} as Record<EdgeKind, number>;
    for (const k of EDGE_KIND_NAMES) totalEdges += edges[k] = this.kindEdges[k].length;
    return {
      nodes,
      edges,
      occurrences: { ...this.occCount },
      totalNodes,
      totalEdges,
      totalOccurrences: this.totalOccurrences(),
      aliases: this.aliases.size,
      internedValues: this.values.size - 1,
      timeSpan: this.timeSpan(),
    };
  }

  /** The underlying graphology graph (topology and attributes), for export and graph algorithms. Do not mutate it. */
  get graphology(): MultiDirectedGraph<GraphNodeAttributes, GraphEdgeAttributes> {
    return this.graph;
  }

  /**
   * Serialise (part of) the graph in graphology's JSON format: nodes with their
   * properties, edges with kind and first/last/count of occurrences in range.
   */
  toGraphologyJSON(subset: ExportSubset = {}): SerializedGraph {
    const from = subset.from ?? -Infinity;
    const to = subset.to ?? Infinity;
    let included: Set<NodeState>;
    if (subset.nodes) {
      included = new Set();
      for (const r of subset.nodes) {
        const s = this.lookup(r.kind, normalizeKey(r.kind, r.key));
        if (s) included.add(s);
      }
    } else {
      included = new Set();
      for (const m of this.nodes.values()) for (const s of m.values()) included.add(s);
    }
    const out: SerializedGraph = {
      attributes: {},
      options: { type: 'directed', multi: true, allowSelfLoops: true },
      nodes: [],
      edges: [],
    };
    for (const s of included) out.nodes.push({ key: s.gkey, attributes: { ...s.props, kind: s.ref.kind, key: s.ref.key } });
    for (const s of included)
      for (const list of s.out ?? [])
        for (const e of list ?? []) {
          if (!included.has(e.dst)) continue;
          const lo = e.lowerBound(from);
          const hi = e.upperBound(to);
          if (hi <= lo) continue;
          out.edges.push({
            key: e.gkey,
            source: s.gkey,
            target: e.dst.gkey,
            attributes: { kind: e.kind, first: e.time(lo), last: e.time(hi - 1), count: hi - lo },
          });
        }
    return out;
  }

  // ---- internals ----

  private totalOccurrences(): number {
    let n = 0;
    for (const k of EDGE_KIND_NAMES) n += this.occCount[k];
    return n;
  }

  private kindMap(kind: NodeKind): Map<string, NodeState> {
    return this.nodes.get(kind) as Map<string, NodeState>;
  }

  /** The node a canonical ref names (User keys case-insensitively), without alias resolution. */
  private state(ref: NodeRef): NodeState | undefined {
    return this.nodes.get(ref.kind)?.get(normalizeKey(ref.kind, ref.key));
  }

  /** The node a normalised key or alias names. */
  private lookup(kind: NodeKind, key: string): NodeState | undefined {
    const m = this.nodes.get(kind);
    if (!m) return undefined;
    const s = m.get(key);
    if (s) return s;
    const canonical = this.aliases.get(kind, key);
    return canonical === undefined ? undefined : m.get(canonical);
  }

  private ensureNode(kind: NodeKind, rawKey: string, time: number): NodeState {
    let key = normalizeKey(kind, rawKey);
    let s = this.lookup(kind, key);
    if (!s) {
      key = ownString(key);
      // The number rides on the graph's own object, hidden from JSON and equality, so nodeNumber reads it without a lookup.
      const ref: NodeRef = Object.freeze(Object.defineProperty({ kind, key }, NUMBER, { value: this.byNo.length }));
      const gkey = `${kind}:${key}`;
      s = { ref, no: this.byNo.length, gkey, props: { key }, aliases: null, seen: time, out: null, in: null, outSpan: null, inSpan: null, outTo: null };
      this.byNo.push(ref);
      this.kindMap(kind).set(key, s);
      this.graph.addNode(gkey, { kind, key, props: s.props });
    } else if (time > s.seen) s.seen = time;
    return s;
  }

  private applyNode(nf: NodeFact, time: number): void {
    const m = this.ensureNode(nf.kind, nf.key, time);
    if (nf.props) fillProps(m.props, nf.props);
    for (const raw of nf.aliases ?? []) {
      const a = normalizeKey(nf.kind, raw);
      if (a === '' || a === m.ref.key) continue;
      const other = this.lookup(nf.kind, a);
      if (other === m) continue;
      if (other) this.absorb(other, m);
      else {
        const own = ownString(a);
        this.aliases.set(nf.kind, own, m.ref.key);
        (m.aliases ??= []).push(own);
      }
    }
  }

  /** Merge node n into m: move its edges (occurrences stay sorted), fill m's gaps from its props, take its names. */
  private absorb(n: NodeState, m: NodeState): void {
    const kind = n.ref.kind;
    for (const list of n.out ? [...n.out] : []) for (const e of list ? [...list] : []) this.moveEdge(e, this.ensureEdge(e.kind, m, e.dst === n ? m : e.dst));
    for (const list of n.in ? [...n.in] : []) for (const e of list ? [...list] : []) this.moveEdge(e, this.ensureEdge(e.kind, e.src, m));
    fillProps(m.props, n.props);
    for (const a of [n.ref.key, ...(n.aliases ?? [])]) {
      this.aliases.set(kind, a, m.ref.key);
      (m.aliases ??= []).push(a);
    }
    n.aliases = null;
    if (n.seen > m.seen) m.seen = n.seen;
    this.kindMap(kind).delete(n.ref.key);
    this.graph.dropNode(n.gkey);
    this.byNo[n.no] = undefined;
    for (const l of [...this.mergeListeners]) l({ absorbed: n.ref, into: m.ref });
  }

  private dropNode(kind: NodeKind, s: NodeState): void {
    for (const a of s.aliases ?? []) this.aliases.delete(kind, a);
    this.kindMap(kind).delete(s.ref.key);
    this.graph.dropNode(s.gkey);
    this.byNo[s.no] = undefined;
  }

  private findEdge(kind: EdgeKind, src: NodeState, dst: NodeState): TemporalEdge | undefined {
    return src.outTo?.[KIND_INDEX[kind]]?.get(dst);
  }

  private ensureEdge(kind: EdgeKind, src: NodeState, dst: NodeState): TemporalEdge {
    const found = this.findEdge(kind, src, dst);
    if (found) return found;
    const gk = edgeKey(kind, src, dst);
    const e = new TemporalEdge(this.layouts[kind], kind, src, dst, gk);
    this.graph.addDirectedEdgeWithKey(gk, src.gkey, dst.gkey, { kind, edge: e });
    e.outPos = addTo((src.out ??= []), src, 'out', KIND_INDEX[kind], e);
    e.inPos = addTo((dst.in ??= []), dst, 'in', KIND_INDEX[kind], e);
    e.kindPos = this.kindEdges[kind].push(e) - 1;
    ((src.outTo ??= [])[KIND_INDEX[kind]] ??= new Map()).set(dst, e);
    return e;
  }

  /** Moves an edge's occurrences into another (entity resolution) and unlinks it; its kind log entries point there. */
  private moveEdge(e: TemporalEdge, target: TemporalEdge): void {
    this.logs[e.kind].relink(e, target);
    target.absorb(e);
    refreshSpan(target);
    this.removeEdge(e);
  }

  /** Unlink an edge whose occurrences were moved elsewhere. */
  private removeEdge(e: TemporalEdge): void {
    this.graph.dropEdge(e.gkey);
    unlist(e.src, 'out', KIND_INDEX[e.kind], e);
    unlist(e.dst, 'in', KIND_INDEX[e.kind], e);
    this.unindexEdge(e);
  }

  /** Takes an edge out of its kind's list (the last one fills its place) and out of its source's map by other end. */
  private unindexEdge(e: TemporalEdge): void {
    e.src.outTo?.[KIND_INDEX[e.kind]]?.delete(e.dst);
    const list = this.kindEdges[e.kind];
    const last = list.pop()!;
    if (last !== e) {
      list[e.kindPos] = last;
      last.kindPos = e.kindPos;
    }
    e.kindPos = -1;
  }

  /** Whether the occurrence an edge fact describes is already stored (the event was applied). */
  private holds(ef: EdgeFact): boolean {
    const src = this.lookup(ef.from.kind, normalizeKey(ef.from.kind, ef.from.key));
    const dst = src && this.lookup(ef.to.kind, normalizeKey(ef.to.kind, ef.to.key));
    return dst ? (this.findEdge(ef.kind, src, dst)?.contains(ef.time, ef.eventId) ?? false) : false;
  }

  private *allEdges(): Iterable<TemporalEdge> {
    for (const m of this.nodes.values()) for (const s of m.values()) for (const list of s.out ?? []) if (list) yield* list;
  }

  private compactValues(): void {
    const live = new Uint8Array(this.values.size);
    const edges = [...this.allEdges()];
    for (const e of edges) e.markLive(live);
    const remap = this.values.compact(live);
    for (const e of edges) e.remapCodes(remap);
    for (const log of Object.values(this.logs)) log.remapCodes(remap);
    this.droppedSinceCompaction = 0;
  }
}

function edgeKey(kind: EdgeKind, src: NodeState, dst: NodeState): string {
  return `${kind}\u0000${src.gkey}\u0000${dst.gkey}`;
}

/** Whether a property value counts as absent (null, undefined or empty text): such values never fill a property. */
export function isEmptyValue(v: Scalar | undefined): boolean {
  return v === null || v === undefined || v === '';
}

/** First non-empty value wins: copy values for props the target lacks. */
function fillProps(target: Record<string, Scalar>, from: Readonly<Record<string, Scalar>>): void {
  for (const k in from) {
    if (k === 'key') continue;
    const v = from[k];
    if (!isEmptyValue(v) && isEmptyValue(target[k])) target[k] = typeof v === 'string' ? ownString(v) : (v as Scalar);
  }
}

function isEmptyLists(l: EdgeLists): boolean {
  if (l) for (const list of l) if (list && list.length > 0) return false;
  return true;
}

/** Lists shorter than this keep no spans: visiting their few edges costs less than the memory. */
const SPAN_MIN = 8;

const firstTime = (e: TemporalEdge): number => (e.size > 0 ? e.time(0) : Infinity);
const lastTime = (e: TemporalEdge): number => (e.size > 0 ? e.time(e.size - 1) : -Infinity);
const spansOf = (list: readonly TemporalEdge[]): number[] => list.flatMap((x) => [firstTime(x), lastTime(x)]);

/**
 * Append to a node's edge list of one kind; a new list is allocated at its exact size (most IPs have
 * one edge). A list reaching SPAN_MIN edges starts keeping spans. Returns the edge's position.
 */
function addTo(lists: (TemporalEdge[] | undefined)[], s: NodeState, dir: 'out' | 'in', ki: number, e: TemporalEdge): number {
  const list = lists[ki];
  if (!list) {
    lists[ki] = [e];
    return 0;
  }
  list.push(e);
  const spans = dir === 'out' ? s.outSpan?.[ki] : s.inSpan?.[ki];
  if (spans) spans.push(firstTime(e), lastTime(e));
  else if (list.length >= SPAN_MIN) {
    const all = dir === 'out' ? (s.outSpan ??= []) : (s.inSpan ??= []);
    all[ki] = spansOf(list);
  }
  return list.length - 1;
}

/** Writes an edge's first and last occurrence time into its endpoints' spans (where kept). */
function refreshSpan(e: TemporalEdge): void {
  const ki = KIND_INDEX[e.kind];
  const out = e.src.outSpan?.[ki];
  if (out) {
    out[2 * e.outPos] = firstTime(e);
    out[2 * e.outPos + 1] = lastTime(e);
  }
  const inn = e.dst.inSpan?.[ki];
  if (inn) {
    inn[2 * e.inPos] = firstTime(e);
    inn[2 * e.inPos + 1] = lastTime(e);
  }
}

/** Rebuilds a node's edge positions and spans from its lists (after edges were removed or trimmed). */
function reindex(s: NodeState): void {
  const build = (lists: EdgeLists, dir: 'out' | 'in'): Spans => {
    if (!lists) return null;
    const spans = lists.map((list) => {
      list?.forEach((e, i) => (dir === 'out' ? (e.outPos = i) : (e.inPos = i)));
      return list && list.length >= SPAN_MIN ? spansOf(list) : undefined;
    });
    return spans.some((x) => x !== undefined) ? spans : null;
  };
  s.outSpan = build(s.out, 'out');
  s.inSpan = build(s.in, 'in');
}

/** The edges of a list with an occurrence possibly in [lo, hi] (first <= hi and last >= lo). */
function activeIn(list: readonly TemporalEdge[] | undefined, spans: readonly number[] | undefined, lo: number, hi: number): readonly EdgeHandle[] {
  if (!list) return NO_EDGES;
  if (lo === -Infinity && hi === Infinity) return list;
  let out: TemporalEdge[] | null = null;
  for (let j = 0; j < list.length; j++) {
    const active = spans ? spans[2 * j]! <= hi && spans[2 * j + 1]! >= lo : firstTime(list[j]!) <= hi && lastTime(list[j]!) >= lo;
    if (active && out) out.push(list[j]!);
    else if (!active && !out) out = list.slice(0, j);
  }
  return out ?? list;
}

/** Removes an edge from a node's list of its kind; the edges after it move up, in the spans too. */
function unlist(s: NodeState, dir: 'out' | 'in', ki: number, e: TemporalEdge): void {
  const lists = dir === 'out' ? s.out : s.in;
  const list = lists?.[ki];
  if (!list) return;
  const i = list.indexOf(e);
  if (i < 0) return;
  list.splice(i, 1);
  for (let j = i; j < list.length; j++) {
    if (dir === 'out') list[j]!.outPos = j;
    else list[j]!.inPos = j;
  }
  const spans = dir === 'out' ? s.outSpan : s.inSpan;
  spans?.[ki]?.splice(2 * i, 2);
  if (list.length === 0) {
    lists![ki] = undefined;
    if (spans) spans[ki] = undefined;
  }
}

function bad(facts: EventFacts, field: string, message: string): IdgraphError {
  return new IdgraphError('BAD_INPUT', `TemporalGraph.apply: event ${facts.eventId}: ${field}: ${message}`, {
    eventId: facts.eventId,
    field,
  });
}

/** Checks facts against the schema before anything changes, so a bad event leaves the graph (either backend's) untouched. */
export function validateFacts(facts: EventFacts): void {
  facts.nodes.forEach((nf, i) => {
    if (!Object.hasOwn(NODE_KINDS, nf.kind)) throw bad(facts, `nodes.${i}.kind`, `unknown node kind "${nf.kind}"`);
    if (typeof nf.key !== 'string') throw bad(facts, `nodes.${i}.key`, 'key must be a string');
  });
  facts.edges.forEach((ef, i) => {
    if (!Object.hasOwn(EDGE_KINDS, ef.kind)) throw bad(facts, `edges.${i}.kind`, `unknown edge kind "${ef.kind}"`);
    const spec = EDGE_KINDS[ef.kind];
    if (!(spec.from as readonly NodeKind[]).includes(ef.from.kind))
      throw bad(facts, `edges.${i}.from.kind`, `${ef.kind} cannot start at ${ef.from.kind}`);
    if (!(spec.to as readonly NodeKind[]).includes(ef.to.kind))
      throw bad(facts, `edges.${i}.to.kind`, `${ef.kind} cannot end at ${ef.to.kind}`);
    if (typeof ef.from.key !== 'string' || typeof ef.to.key !== 'string')
      throw bad(facts, `edges.${i}`, 'endpoint keys must be strings');
    if (typeof ef.time !== 'number' || !Number.isFinite(ef.time)) throw bad(facts, `edges.${i}.time`, 'time must be a finite number');
    if (typeof ef.eventId !== 'string') throw bad(facts, `edges.${i}.eventId`, 'eventId must be a string');
    for (const p in ef.props)
      if (!Object.hasOwn(spec.props, p)) throw bad(facts, `edges.${i}.props.${p}`, `${ef.kind} has no property "${p}"`);
  });
}
