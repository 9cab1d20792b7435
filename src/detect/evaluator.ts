/**
 * The in-memory pattern evaluator: walks the temporal graph clause by clause,
 * binding occurrences found by binary search on each edge's time-sorted
 * occurrences, then applies exists/absent/aggregate clauses, grouping and
 * projection. The batch runner calls it over a range; the streaming engine
 * calls it seeded with one new occurrence or with some node variables fixed.
 */
import { IdgraphError } from '../errors.js';
import type { NodeRef } from '../graph/facts.js';
import type { EdgeHandle, IndexedOccurrences, OccurrenceSource, TemporalGraphView, TimeBounds } from '../graph/graph-view.js';
import { orderByTimeThenId } from '../graph/time-order.js';
import { ValuePredicate } from '../graph/value-predicate.js';
import { canonicalKey } from '../graph/node-keys.js';
import { EDGE_KINDS, edgePropPosition, type EdgeKind, type NodeKind } from '../graph/schema.js';
import { createAccumulator, distinctKey, type Accumulator } from './aggregates.js';
import type { CompiledClause, CompiledPattern } from './compile.js';
import { AGGREGATE_EVIDENCE_CAP, detectionId, EVIDENCE_CAP, sortEntities, stableJson, stableJsonOfKeys, type Detection, type Evidence } from './detection.js';
import { exprVariables, walkExpr, type Expr, type Value } from './expr/ast.js';
import { compileExpr, type Getter, type Scope } from './expr/evaluate.js';
import { anchorTimesWithCount, thresholdCount, type AnchorWindow, type TimeInterval } from './count-window.js';
import { timeOffset } from './time-offset.js';
import { windowReach } from './judge-window.js';
import { isEmpty, toText } from './expr/kql.js';
import { RowCodes, RowIndex, sameCodes } from './row-codes.js';

/** Largest share of a kind's occurrences in range a log scan may return and still be read instead of the edges. */
const SELECTIVE = 0.25;

/** How one evaluation is bounded. */
export interface EvaluationOptions {
  /** The run's start and end, epoch ms, inclusive (±Infinity for unbounded). */
  readonly start: number;
  readonly end: number;
  /** Parameter overrides (durations in ms). */
  readonly params?: Readonly<Record<string, Value>>;
  /** Judge each anchor with the streaming rule (pattern.streaming start/end from the anchor). */
  readonly anchored?: boolean;
  /** Node variables fixed in advance (streaming re-evaluation of one partition). */
  readonly prebound?: Readonly<Record<string, NodeRef>>;
  /** One occurrence that a match clause must bind (streaming delta evaluation). */
  readonly seed?: { readonly clause: string; readonly edge: EdgeHandle; readonly index: number };
  /** A match clause's occurrences held to [start, end] as well (streaming re-judgement of part of a partition). */
  readonly restrict?: { readonly clause: string; readonly start: number; readonly end: number };
  /** false: evaluate without the shortcuts (count thresholds, temporal bounds, log scans): the reference they are tested against. */
  readonly shortcuts?: boolean;
  /**
   * When scans of a kind's log (kind-log.ts) answer clauses: 'auto' (default) where a cost rule says they pay; 'eager' wherever
   * they can (so tests on small tenants reach those paths).
   */
  readonly logScans?: 'auto' | 'eager';
}

/** One binding of a grouped pattern before folding: its group key, aggregate arguments and evidence. */
export interface PreGroupRow {
  /** Group key (stable JSON of the group-by values). */
  readonly group: string;
  readonly keyRow: Readonly<Record<string, Value>>;
  /** Aggregate arguments, in group.aggregate order. */
  readonly args: readonly Value[];
  readonly time: number;
  readonly first: number;
  /** Identity of the binding (its matched event ids), so a row is never counted twice. */
  readonly identity: string;
  readonly entities: readonly NodeRef[];
  readonly evidence: readonly Evidence[];
}

/**
 * A batch row as a hunt returns it: the row and when it became true, without the evidence, entities and
 * id a Detection carries (a hunt prints rows; hashing each row's identity cost more than finding it).
 */
export interface HuntRow {
  readonly row: Readonly<Record<string, Value>>;
  /** When the row became true, as Detection.time. */
  time: number;
  /** Its Detection's id once worked out: PreparedPattern.rowId does it, for rows whose values all tie in a sort. */
  id: string | null;
  /** What the id is a hash of the stable JSON of: the row, or a grouped row's group-by values. */
  readonly identity: Readonly<Record<string, Value>>;
}

/** A group being folded: its key values, aggregates, time span, and (for detections) entities and evidence. */
interface FoldedGroup {
  readonly keyRow: Readonly<Record<string, Value>>;
  readonly accs: Accumulator[];
  time: number;
  first: number;
  readonly entities: Map<string, NodeRef>;
  readonly evidence: Map<string, { e: Evidence; ids: Set<string> }>;
  readonly seen: Set<string>;
}

const NO_ENTITIES: readonly NodeRef[] = Object.freeze([]);
const NO_EVIDENCE: readonly Evidence[] = Object.freeze([]);

/** What a run returns: detections, a grouped pattern's bindings before folding, or hunt rows (bindings, for a grouped pattern). */
type RunOutput = 'detections' | 'pre' | 'rows';

/** The bindings of one evaluation: node, occurrence and aggregate slots, and the run's parameters. */
interface Frame {
  nodes: (NodeRef | null)[];
  /** Per occurrence slot, where the bound occurrence is read (an edge, or a block of its kind's log) and its index there. */
  edges: (OccurrenceSource | null)[];
  idx: number[];
  aggs: (Record<string, Value> | null)[];
  params: Record<string, Value>;
}

interface Check {
  readonly test: Getter<Frame>;
  readonly needs: ReadonlySet<string>;
  /** A shortcut: drops only bindings the pattern's `where` would drop later. */
  readonly shortcut?: true;
}

interface PreparedClause {
  readonly c: CompiledClause;
  readonly slot: number;
  readonly fromSlot: number | null;
  readonly toSlot: number | null;
  readonly fromKey: Getter<Frame> | null;
  readonly toKey: Getter<Frame> | null;
  readonly local: readonly Getter<Frame>[];
  /** The local predicates that read one property and nothing else, as tests of its value (what a scan of the kind log can answer). */
  readonly valueTests: readonly ValueTest[];
  readonly cross: readonly Getter<Frame>[];
  readonly windowFrom: Getter<Frame> | null;
  readonly windowTo: Getter<Frame> | null;
  readonly collapse: readonly Getter<Frame>[] | null;
  /** An aggregate clause's computed columns, each with its accumulator (reset for each binding: one evaluation runs at a time). */
  readonly compute: readonly { name: string; arg: Getter<Frame> | null; acc: Accumulator }[];
  /** Every computed column, null: each binding's results start as a copy, so all have one object shape. */
  readonly emptyResult: Readonly<Record<string, null>>;
  /** Variables this clause binds (its own and its endpoints' node variables). */
  readonly binds: ReadonlySet<string>;
  /** Node kinds an unbound end may take, when narrower than what the edge kind allows (else undefined: no filter). */
  readonly fromKinds: ReadonlySet<string> | undefined;
  readonly toKinds: ReadonlySet<string> | undefined;
  /**
   * Temporal constraints to another match clause: once that one is bound, they bound this one's times (a collapsed
   * clause's from above only, see prepareClause).
   */
  readonly temporal: readonly {
    readonly other: number;
    readonly asThen: boolean;
    readonly min: number;
    readonly max: number | undefined;
    readonly maxInclusive: boolean;
    readonly upperOnly: boolean;
  }[];
  /** For an indexable clause with a window: the match clauses its window reads (the times its index span follows). */
  readonly windowReads: readonly string[];
  /** For an indexable clause: whether its window reads parameters only (`$start - $lookback`), so a run fixes it outright. */
  readonly paramWindow: boolean;
  /**
   * Whether the clause's occurrences around one node can be indexed once per evaluation
   * (exists/absent/aggregate clauses whose own predicates do not read $start/$end).
   */
  readonly indexable: boolean;
}

/** A new, empty list of a node's occurrences (each node's own: its feasible times are cached on it). */
function noOccurrences(): NodeOccurrences {
  return { times: [], others: [], srcs: [], pos: [] };
}

/** A local predicate on one occurrence property, as a test of the value (answered once per interned value). */
interface ValueTest {
  readonly prop: string;
  readonly test: ValuePredicate;
  /** The clause's other local predicates: what an occurrence a log scan found by this test must still pass. */
  readonly rest: readonly Getter<Frame>[];
}

/** One node's occurrences for a clause, merged across its edges, in (time, event id) order. */
interface NodeOccurrences {
  readonly times: readonly number[];
  /** Each occurrence's other end (the node not bound). */
  readonly others: readonly NodeRef[];
  /** Where each occurrence is read: srcs[k] at pos[k] (its edge, or its kind's log when listed from there). */
  readonly srcs: readonly OccurrenceSource[];
  readonly pos: readonly number[];
  /** Per anchor filter: the anchor times at which its threshold can hold (built on first use). */
  feasible?: Map<AnchorFilter, readonly TimeInterval[]>;
}

/** Which of a clause's value tests a log scan answers, and how many occurrences it returns in range. */
interface IndexChoice {
  readonly test: ValueTest;
  readonly count: number;
}

/** Per evaluation, an indexable clause's log pass (PreparedPattern.prefill). */
interface IndexPass {
  /** The test the pass reads, chosen once per run (again for a higher floor while none qualifies); undefined when no index qualifies (no pass). */
  choice: IndexChoice | undefined;
  /** The floor the choice was made with (see passOf). */
  floor: number;
  /** Occurrences and edges visited node by node so far: the pass runs once they reach choice.count. */
  spent: number;
  /** After the pass: its counts by node. */
  counts?: NodeCounts;
}

/** A log pass's count of each node's passing occurrences in the clause's span. */
interface NodeCounts {
  /** By node number (TemporalGraphView.nodeNumber): an array, not a map, since a pass counts tens of thousands. */
  readonly byNo: Int32Array;
  /** The numbers of the nodes counted at all, in the order the log first met them. */
  readonly counted: readonly number[];
  /**
   * Per dcount threshold on the clause: each node's distinct values in the span, for the nodes whose count
   * reaches the threshold (the others fail it by their count alone, and are not worked out).
   */
  readonly distinct: ReadonlyMap<Threshold, Int32Array>;
}

/** The order match clauses are bound in, and the checks due at each step. */
interface Plan {
  readonly order: readonly PreparedClause[];
  readonly due: readonly (readonly Check[])[];
}

/** A `where A.n >= N` threshold (see PreparedPattern.thresholds). */
interface Threshold {
  readonly pc: PreparedClause;
  /** The node variable A hangs off, its slot, and whether it is A's from end. */
  readonly node: string;
  readonly slot: number;
  readonly fromSide: boolean;
  /** A's other end's slot, and for a dcount the value counted (read from the occurrence and that end). */
  readonly freeSlot: number;
  readonly distinct: Getter<Frame> | null;
  /** The fewest passing occurrences (distinct values for a dcount) a row needs, or null when unknown. */
  readonly need: (f: Frame) => number | null;
}

/** A threshold whose window is measured from a match clause's time, as a filter on that clause. */
interface AnchorFilter {
  readonly th: Threshold;
  readonly window: (f: Frame) => AnchorWindow | null;
}

/** A pattern prepared for evaluation on one graph view: slots assigned and expressions compiled. */
export class PreparedPattern {
  readonly p: CompiledPattern;
  private readonly view: TemporalGraphView;
  private readonly nodeSlot = new Map<string, number>();
  private readonly occSlot = new Map<string, number>();
  private readonly clauses = new Map<string, PreparedClause>();
  private readonly checks: Check[] = [];
  private readonly lateChecks: Getter<Frame>[] = [];
  private readonly projectors: Column<Frame>[];
  private readonly groupBy: Column<Frame>[];
  private readonly groupAggs: { name: string; arg: Getter<Frame> | null; make: () => Accumulator }[];
  private readonly postGroup: Column<Record<string, Value>>[];
  private readonly streamStart: Getter<Frame> | null;
  private readonly streamEnd: Getter<Frame> | null;
  private readonly planCache = new Map<string, Plan>();
  /**
   * Empty rows, group keys and bindings with every name already set (to null), in order: a row copies one
   * and fills it in, since adding a dozen names one by one to a new object costs more than the rest of it.
   */
  private readonly emptyRow: Readonly<Record<string, Value>>;
  private readonly emptyKeyRow: Readonly<Record<string, Value>>;
  /** A folded group's columns before the projection (group-by names, then aggregate names), and its row. */
  private readonly emptyGroupColumns: Readonly<Record<string, Value>>;
  private readonly emptyGroupRow: Readonly<Record<string, Value>>;
  private readonly emptyBindings: Readonly<Record<string, NodeRef | null>>;
  /** Stable JSON of an ungrouped row (its identity), with the column order worked out once. */
  private readonly rowKey: (row: Readonly<Record<string, Value>>) => string;
  /** Per indexable clause with windowReads: its window's reach, for one parameters object. */
  private reaches: { params: EvaluationOptions['params']; byClause: Map<PreparedClause, number> } | null = null;
  /** The pattern's count thresholds (see thresholds()). */
  private readonly thresholdList: readonly Threshold[];
  /** Per match clause: count thresholds that bound the times its occurrences can match at. */
  private readonly filters: Map<string, AnchorFilter[]>;
  /** Per-evaluation index of a node's occurrences per indexable clause (cleared by each run). */
  private nodeIndex = new Map<string, NodeOccurrences>();
  private nodeIndexByRef = new Map<string, Map<NodeRef, NodeOccurrences>>();
  /** Per evaluation: the time span an indexable clause's windows can reach (absent: all time). */
  private indexSpan = new Map<string, { lo: number; hi: number }>();
  /** Per evaluation: the restricted match clause, if any. */
  private restrict: EvaluationOptions['restrict'];
  /** Per evaluation: whether shortcuts (threshold prunes, anchor filters, temporal bounds) apply. */
  private shortcuts = true;
  /** Per evaluation: a seeded (streamed) run with shortcuts: absent clauses scan to their first hit. */
  private seeded = false;
  /** Per evaluation: whether log scans may answer clauses (whole-range runs with shortcuts, not streamed seeds or restricted re-judgements). */
  private useLogScans = false;
  /** Per evaluation: each anchor filter's window, and the run bounds it was worked out for. */
  private filterWindows = new Map<AnchorFilter, { start: Value | undefined; end: Value | undefined; w: AnchorWindow | null }>();
  /** Per evaluation: log scans wherever they can answer (EvaluationOptions.logScans 'eager'). */
  private eager = false;
  /** Per evaluation and indexable clause: how a log pass serves it (see IndexPass). */
  private passes = new Map<string, IndexPass>();
  /**
   * Indexable clauses whose log pass ran in an earlier run of this prepared pattern: batch
   * hunts repeat, so the next run reads the index at once instead of first visiting nodes one by
   * one until they cost as much (which doubles the work when the pass comes anyway).
   */
  private readonly passPaid = new Set<string>();
  /** Per clause, the counts of its last log pass: the next run's pass reuses the array (see clearedCounts). */
  private readonly lastCounts = new Map<string, NodeCounts>();
  /** The frame occurrenceFrame hands out, and the parameters it was made with. */
  private occFrame: { params: Readonly<Record<string, Value>> | undefined; f: Frame } | null = null;
  /** Node variables bound by match clauses (the row's entities). */
  readonly outerNodeVars: readonly string[];
  /** Their slots in a frame. */
  private readonly outerSlots: readonly number[];
  /** Occurrence slots of the match clauses (a row's time is the latest of them). */
  private readonly matchSlots: readonly number[];
  /** Per aggregate clause: the names it computes (`denied.prompts` reads a result, not an occurrence property). */
  private readonly computedNames: ReadonlyMap<string, ReadonlySet<string>>;

  constructor(p: CompiledPattern, view: TemporalGraphView) {
    this.p = p;
    this.computedNames = new Map(p.aggregate.map((c) => [c.as, new Set(c.compute.map((x) => x.name))]));
    this.view = view;
    for (const v of p.nodeVars.keys()) this.nodeSlot.set(v, this.nodeSlot.size);
    const all = [...p.match, ...p.exists, ...p.absent, ...p.aggregate];
    for (const c of all) this.occSlot.set(c.as, this.occSlot.size);
    const scope = this.scope();
    for (const c of all) this.clauses.set(c.as, this.prepareClause(c, scope));
    const outer = new Set<string>();
    for (const c of p.match) for (const e of [c.from, c.to]) if (e.var) outer.add(e.var);
    this.outerNodeVars = [...outer];
    this.outerSlots = this.outerNodeVars.map((v) => this.nodeSlot.get(v)!);
    this.matchSlots = p.match.map((c) => this.occSlot.get(c.as)!);

    const aggVars = new Set(p.aggregate.map((c) => c.as));
    const needsOf = (e: Expr): Set<string> => this.needs(e);
    for (const c of p.match) for (const e of c.cross) this.checks.push({ test: compileExpr(e, scope), needs: needsOf(e) });
    for (const e of p.where) {
      const needs = needsOf(e);
      if ([...needs].some((v) => aggVars.has(v))) this.lateChecks.push(compileExpr(e, scope));
      else this.checks.push({ test: compileExpr(e, scope), needs });
    }
    const thresholds = this.thresholds();
    this.thresholdList = thresholds;
    this.checks.push(...this.thresholdPrunes(thresholds));
    this.filters = this.anchorFilters(thresholds);
    for (const t of p.temporal) {
      const a = this.occSlot.get(t.first)!;
      const b = this.occSlot.get(t.then)!;
      const { min, max, maxInclusive } = t;
      this.checks.push({
        needs: new Set([t.first, t.then]),
        test: (f) => {
          const d = f.edges[b]!.time(f.idx[b]!) - f.edges[a]!.time(f.idx[a]!);
          return d >= min && (max === undefined || (maxInclusive ? d <= max : d < max));
        },
      });
    }
    this.projectors = p.group ? [] : columnsOf(p.project, (e) => this.compileMemo(e, scope));
    this.groupBy = p.group ? columnsOf(p.group.by, (e) => this.compileMemo(e, scope)) : [];
    this.groupAggs = p.group
      ? p.group.aggregate.map((c) => ({
          name: c.name,
          arg: c.spec.arg ? this.compileMemo(c.spec.arg, scope) : null,
          make: () => createAccumulator(c.spec),
        }))
      : [];
    const columnScope: Scope<Record<string, Value>> = {
      prop: () => () => null,
      param: (name) => () => p.params[name] ?? null,
      column: (name) => (row) => row[name] ?? null,
    };
    this.rowKey = stableJsonOfKeys(this.projectors.map((pr) => pr.name));
    this.emptyRow = nullRow(this.projectors.map((pr) => pr.name));
    this.emptyKeyRow = nullRow(this.groupBy.map((g) => g.name));
    this.emptyGroupColumns = nullRow([...this.groupBy.map((g) => g.name), ...this.groupAggs.map((a) => a.name)]);
    this.emptyGroupRow = nullRow(p.group ? p.project.map((c) => c.name) : []);
    this.emptyBindings = nullRow(this.outerNodeVars);
    this.postGroup = p.group ? columnsOf(p.project, (e) => compileExpr(e, columnScope)) : [];
    this.streamStart = p.streaming?.start ? compileExpr(p.streaming.start, scope) : null;
    this.streamEnd = p.streaming?.end ? compileExpr(p.streaming.end, scope) : null;
  }

  /** Variables (clause and node) an expression needs bound. */
  private needs(e: Expr): Set<string> {
    return exprVariables(e);
  }

  /** The edge kind a clause binds. */
  private clauseKind(as: string): EdgeKind {
    const p = this.p;
    return [...p.match, ...p.exists, ...p.absent, ...p.aggregate].find((c) => c.as === as)!.edge;
  }

  private scope(): Scope<Frame> {
    const view = this.view;
    return {
      prop: (variable, prop) => {
        const occ = this.occSlot.get(variable);
        if (occ !== undefined) {
          const computed = this.computedNames.get(variable);
          if (computed?.has(prop)) return (f) => f.aggs[occ]?.[prop] ?? null;
          if (prop === 'time') return (f) => f.edges[occ]!.time(f.idx[occ]!);
          if (prop === 'eventId') return (f) => f.edges[occ]!.eventId(f.idx[occ]!);
          // A clause binds edges of its own kind only: the property's column position is known now.
          const at = edgePropPosition(this.clauseKind(variable), prop);
          return at < 0 ? () => null : (f) => f.edges[occ]!.propAt(f.idx[occ]!, at);
        }
        const node = this.nodeSlot.get(variable);
        if (node === undefined) throw new IdgraphError('INVALID_DETECTOR', `unknown variable ${variable}`);
        if (prop === 'key') return (f) => f.nodes[node]!.key;
        return (f) => view.nodeProps(f.nodes[node]!)?.[prop] ?? null;
      },
      param: (name) => (f) => f.params[name] ?? null,
      column: (name) => {
        throw new IdgraphError('INVALID_DETECTOR', `column ${name} used before group`);
      },
    };
  }

  /**
   * An expression that reads one occurrence property and nothing else (no parameter, time or event
   * id), as that property and a function of its value, memoised per value: log columns repeat
   * (tables, result types, apps, UPNs), so most calls are one map lookup and allocate nothing.
   * Null when the expression reads more.
   */
  private valueFunction(e: Expr): { variable: string; prop: string; of: (v: Value) => Value } | null {
    let variable: string | undefined;
    let prop: string | undefined;
    let other = false;
    walkExpr(e, (x) => {
      if (x.type === 'prop') {
        if (!this.occSlot.has(x.variable) || this.computedNames.get(x.variable)?.has(x.prop) || x.prop === 'time' || x.prop === 'eventId') other = true;
        else if (variable === undefined) [variable, prop] = [x.variable, x.prop];
        else if (variable !== x.variable || prop !== x.prop) other = true;
      } else if (x.type === 'param' || x.type === 'column') other = true;
    });
    if (other || variable === undefined || prop === undefined) return null;
    const fn = compileExpr<Value>(e, { prop: () => (v) => v, param: () => () => null, column: () => () => null });
    const memo = new Map<Value, Value>();
    const of = (v: Value): Value => {
      let r = memo.get(v);
      if (r === undefined) {
        r = fn(v);
        // Only text, numbers, booleans and null: a shared array or object could be changed by a caller.
        if (memo.size < 65_536 && (r === null || typeof r !== 'object')) memo.set(v, r);
      }
      return r;
    };
    return { variable, prop, of };
  }

  /** Compiles an expression; one of a single occurrence property (`lower(ok.upn)`) is memoised per value (valueFunction). */
  private compileMemo(e: Expr, scope: Scope<Frame>): Getter<Frame> {
    const vf = e.type === 'prop' ? null : this.valueFunction(e);
    if (!vf) return compileExpr(e, scope);
    const read = scope.prop(vf.variable, vf.prop);
    return (f) => vf.of(read(f));
  }

  /**
   * Compiles a per-occurrence predicate. When it reads a single occurrence property and no
   * parameter, its result is memoised per distinct value (valueFunction). An `and`, `or` or `not`
   * over several properties is compiled branch by branch, so each branch on one property is memoised so.
   * Value tests (what a scan of the kind log can answer) are the memoised predicates at the top only: each is
   * handed to onTest.
   */
  private compileLocal(own: string, e: Expr, scope: Scope<Frame>, onTest: ((prop: string, test: ValuePredicate) => void) | null): Getter<Frame> {
    const vf = this.valueFunction(e);
    if (vf && vf.variable === own) {
      const test = new ValuePredicate((v) => vf.of(v) === true);
      onTest?.(vf.prop, test);
      // Read by the occurrence's interned code: one byte of answers, not the value and a map lookup.
      const slot = this.occSlot.get(own)!;
      const at = edgePropPosition(this.clauseKind(own), vf.prop);
      if (at >= 0) return (f) => f.edges[slot]!.passes(f.idx[slot]!, at, test);
      // Not a property of the kind: every occurrence reads null.
      const none = test.accept(null);
      return () => none;
    }
    const props = new Set<string>();
    let other = false;
    walkExpr(e, (x) => {
      if (x.type === 'prop') {
        if (x.variable !== own || x.prop === 'time' || x.prop === 'eventId') other = true;
        else props.add(x.prop);
      } else if (x.type === 'param' || x.type === 'column') other = true;
    });
    if (!other && props.size > 1 && (e.type === 'and' || e.type === 'or')) {
      const args = e.args.map((a) => this.compileLocal(own, a, scope, null));
      return e.type === 'and' ? (f) => passesAll(args, f) : (f) => passesAny(args, f);
    }
    if (!other && props.size > 1 && e.type === 'not') {
      const a = this.compileLocal(own, e.arg, scope, null);
      return (f) => a(f) !== true;
    }
    return compileExpr(e, scope);
  }

  private prepareClause(c: CompiledClause, scope: Scope<Frame>): PreparedClause {
    const binds = new Set<string>([c.as]);
    const endpointSlot = (e: CompiledClause['from']): number | null => {
      if (e.var === undefined) return null;
      binds.add(e.var);
      return this.nodeSlot.get(e.var)!;
    };
    const indexable =
      c.role !== 'match' &&
      ![...c.local].some((e) => {
        let reads = false;
        walkExpr(e, (x) => {
          if (x.type === 'param' && (x.name === 'start' || x.name === 'end')) reads = true;
        });
        return reads;
      });
    const matchNames = new Set(this.p.match.map((m) => m.as));
    const windowReads = new Set<string>();
    if (indexable && c.window) for (const e of [c.window.from, c.window.to]) if (e) for (const v of exprVariables(e)) if (matchNames.has(v)) windowReads.add(v);
    let readsMore = false;
    if (c.window)
      for (const e of [c.window.from, c.window.to])
        if (e)
          walkExpr(e, (x) => {
            if (x.type === 'prop' || x.type === 'column') readsMore = true;
          });
    // A local predicate is at most one value test (itself, memoised): what a scan by it leaves are the others.
    const tests: { prop: string; test: ValuePredicate; j: number }[] = [];
    const local = c.local.map((e, j) => this.compileLocal(c.as, e, scope, (prop, test) => tests.push({ prop, test, j })));
    const valueTests: ValueTest[] = tests.map(({ prop, test, j }) => ({ prop, test, rest: local.filter((_, k) => k !== j) }));
    return {
      c,
      slot: this.occSlot.get(c.as)!,
      fromSlot: endpointSlot(c.from),
      toSlot: endpointSlot(c.to),
      fromKey: c.from.type === 'key' ? compileExpr(c.from.key, scope) : null,
      toKey: c.to.type === 'key' ? compileExpr(c.to.key, scope) : null,
      local,
      valueTests,
      cross: c.cross.map((e) => compileExpr(e, scope)),
      windowFrom: c.window?.from ? compileExpr(c.window.from, scope) : null,
      windowTo: c.window?.to ? compileExpr(c.window.to, scope) : null,
      collapse: c.collapse ? c.collapse.map((e) => this.compileMemo(e, scope)) : null,
      compute: c.compute.map((x) => ({
        name: x.name,
        arg: x.spec.arg ? this.compileMemo(x.spec.arg, scope) : null,
        acc: createAccumulator(x.spec),
      })),
      emptyResult: nullRow(c.compute.map((x) => x.name)),
      binds,
      fromKinds: narrower(c.from.var ? this.p.nodeVars.get(c.from.var) : undefined, EDGE_KINDS[c.edge].from),
      toKinds: narrower(c.to.var ? this.p.nodeVars.get(c.to.var) : undefined, EDGE_KINDS[c.edge].to),
      // A collapsed clause keeps each key's earliest occurrence, and the constraint judges that one: an
      // occurrence before the constraint's window may be a key's earliest (and fail the row), so only the upper
      // bound holds. An occurrence after it is never the earliest of a key that can pass.
      temporal: this.p.temporal.flatMap((t) =>
        t.first === c.as || t.then === c.as
          ? [{ other: this.occSlot.get(t.first === c.as ? t.then : t.first)!, asThen: t.then === c.as, min: t.min, max: t.max, maxInclusive: t.maxInclusive ?? false, upperOnly: c.collapse !== undefined }]
          : [],
      ),
      indexable,
      windowReads: [...windowReads],
      paramWindow: indexable && c.window !== undefined && !readsMore,
    };
  }

  /**
   * Orders match clauses (seed, anchor or restricted clause first, then each next clause sharing a bound
   * node when one does) and places each check at the first step where everything it reads is bound.
   * Cached per first clause, prebound variables and whether shortcuts apply.
   */
  private plan(first: string | undefined, prebound: readonly string[]): Plan {
    const cacheKey = `${first ?? ''}|${prebound.join(',')}|${this.shortcuts}`;
    const cached = this.planCache.get(cacheKey);
    if (cached) return cached;
    const remaining = this.p.match.map((c) => this.clauses.get(c.as)!);
    const bound = new Set(prebound);
    const order: PreparedClause[] = [];
    const boundAt: Set<string>[] = [];
    const take = (pc: PreparedClause): void => {
      order.push(pc);
      remaining.splice(remaining.indexOf(pc), 1);
      for (const v of pc.binds) bound.add(v);
      boundAt.push(new Set(bound));
    };
    if (first) take(remaining.find((pc) => pc.c.as === first)!);
    while (remaining.length > 0) {
      const connected = remaining.find(
        (pc) => (pc.c.from.var && bound.has(pc.c.from.var)) || (pc.c.to.var && bound.has(pc.c.to.var)),
      );
      take(connected ?? remaining[0]!);
    }
    const due: Check[][] = order.map(() => []);
    for (const ch of this.checks) {
      if (ch.shortcut && !this.shortcuts) continue;
      const step = boundAt.findIndex((s) => [...ch.needs].every((v) => s.has(v)));
      due[step === -1 ? order.length - 1 : step]!.push(ch);
    }
    const plan = { order, due };
    this.planCache.set(cacheKey, plan);
    return plan;
  }

  private resolveEndpoint(
    f: Frame,
    e: CompiledClause['from'],
    slot: number | null,
    key: Getter<Frame> | null,
  ): NodeRef | null | 'none' {
    if (key && e.type === 'key') {
      const raw = key(f);
      if (isEmpty(raw)) return 'none';
      const canonical = this.view.resolve(e.kind, canonicalKey(e.kind, toText(raw)));
      if (canonical === undefined) return 'none';
      const ref: NodeRef = { kind: e.kind, key: canonical };
      if (slot !== null) {
        const cur = f.nodes[slot];
        if (cur && (cur.kind !== ref.kind || cur.key !== ref.key)) return 'none';
      }
      return ref;
    }
    return slot === null ? null : f.nodes[slot] ?? null;
  }

  /** Bounds of a clause's occurrences for the current frame: [lo, hi] with inclusivity, or null when empty. */
  private bounds(f: Frame, pc: PreparedClause): { lo: number; loIn: boolean; hi: number; hiIn: boolean } | null {
    let lo = -Infinity;
    let loIn = true;
    let hi = Infinity;
    let hiIn = true;
    if (pc.c.range === 'run') {
      lo = f.params.start as number;
      hi = f.params.end as number;
    }
    const r = this.restrict;
    if (r && r.clause === pc.c.as) {
      lo = Math.max(lo, r.start);
      hi = Math.min(hi, r.end);
    }
    const w = pc.c.window;
    if (w) {
      if (pc.windowFrom) {
        const v = pc.windowFrom(f);
        if (typeof v !== 'number') return null;
        if (v > lo || (v === lo && !w.fromInclusive)) {
          lo = v;
          loIn = w.fromInclusive;
        }
      }
      if (pc.windowTo) {
        const v = pc.windowTo(f);
        if (typeof v !== 'number') return null;
        if (v < hi || (v === hi && !w.toInclusive)) {
          hi = v;
          hiIn = w.toInclusive;
        }
      }
    }
    // then.time - first.time in [min, max): a bound partner clause fixes a range for this one.
    for (const t of this.shortcuts ? pc.temporal : []) {
      const e = f.edges[t.other];
      if (!e) continue;
      const at = e.time(f.idx[t.other]!);
      const [from, fromIn, to, toIn] = t.asThen
        ? [at + t.min, true, t.max === undefined ? Infinity : at + t.max, t.maxInclusive]
        : [t.max === undefined ? -Infinity : at - t.max, t.maxInclusive, at - t.min, true];
      if (!t.upperOnly && (from > lo || (from === lo && !fromIn))) {
        lo = from;
        loIn = fromIn;
      }
      if (to < hi || (to === hi && !toIn)) {
        hi = to;
        hiIn = toIn;
      }
    }
    return { lo, loIn, hi, hiIn };
  }

  /**
   * Edges a clause may bind given the frame, each with the node slots it would newly bind.
   * With `only` (a seed), just that edge when it fits: never a scan of every edge of the kind.
   */
  private candidateEdges(f: Frame, pc: PreparedClause, b: { lo: number; hi: number }, only?: EdgeHandle): readonly EdgeHandle[] {
    const c = pc.c;
    const from = this.resolveEndpoint(f, c.from, pc.fromSlot, pc.fromKey);
    const to = this.resolveEndpoint(f, c.to, pc.toSlot, pc.toKey);
    if (from === 'none' || to === 'none') return [];
    let edges: readonly EdgeHandle[];
    if (only) {
      const fits = (n: NodeRef | null, e: NodeRef): boolean => !n || (n.kind === e.kind && n.key === e.key);
      edges = only.kind === c.edge && fits(from, only.from) && fits(to, only.to) ? [only] : [];
    } else if (from && to) {
      const e = this.view.edge(c.edge, from, to);
      edges = e ? [e] : [];
    } else if (from) edges = this.view.outEdgesActive(from, c.edge, b.lo, b.hi);
    else if (to) edges = this.view.inEdgesActive(to, c.edge, b.lo, b.hi);
    else edges = this.view.edgesOfKind(c.edge);
    return this.ofKinds(edges, pc, !from, !to);
  }

  /** The edges whose free ends have kinds their variables allow (no filter when no variable is narrower than its edge kind). */
  private ofKinds(edges: readonly EdgeHandle[], pc: PreparedClause, fromFree: boolean, toFree: boolean): readonly EdgeHandle[] {
    const fromKinds = fromFree ? pc.fromKinds : undefined;
    const toKinds = toFree ? pc.toKinds : undefined;
    if (!fromKinds && !toKinds) return edges;
    return edges.filter((e) => (!fromKinds || fromKinds.has(e.from.kind)) && (!toKinds || toKinds.has(e.to.kind)));
  }

  /**
   * For a clause with both ends free whose count filters all hang off one end (mfa-fatigue's successes,
   * filtered by the user's failed prompts): the edges of the nodes of that end where some filter's
   * threshold can hold, active in the bounds, instead of every edge of the kind. Undefined when not
   * applicable. A node's feasibility is judged once here, not once per edge.
   */
  private feasibleNodesEdges(f: Frame, pc: PreparedClause, b: { lo: number; hi: number }, filters: readonly AnchorFilter[]): readonly EdgeHandle[] | undefined {
    const c = pc.c;
    if (c.from.type !== 'var' || c.to.type !== 'var' || pc.fromSlot === null || pc.toSlot === null) return undefined;
    if (f.nodes[pc.fromSlot] || f.nodes[pc.toSlot]) return undefined;
    const fromSide = filters.every((flt) => flt.th.slot === pc.fromSlot);
    if (!fromSide && !filters.every((flt) => flt.th.slot === pc.toSlot)) return undefined;
    const slot = fromSide ? pc.fromSlot : pc.toSlot;
    const allowed = fromSide ? pc.fromKinds : pc.toKinds;
    const out: EdgeHandle[] = [];
    const listed = this.listedNodes(f, filters);
    try {
      for (const kind of (fromSide ? EDGE_KINDS[c.edge].from : EDGE_KINDS[c.edge].to) as readonly NodeKind[]) {
        if (allowed && !allowed.has(kind)) continue;
        for (const node of listed ?? this.view.nodesOfKind(kind)) {
          if (node.kind !== kind) continue;
          f.nodes[slot] = node;
          if (this.feasibleTimes(f, filters) === NOTHING_FEASIBLE) continue;
          const edges = fromSide ? this.view.outEdgesActive(node, c.edge, b.lo, b.hi) : this.view.inEdgesActive(node, c.edge, b.lo, b.hi);
          for (let i = 0; i < edges.length; i++) out.push(edges[i]!);
        }
      }
    } finally {
      f.nodes[slot] = null;
    }
    return this.ofKinds(out, pc, !fromSide, fromSide);
  }

  /**
   * The only nodes where some filter's threshold can hold, when a log pass lists them: a filter
   * needing k >= 1 occurrences whose clause's occurrences for every node come from one log pass
   * (the nodes without any cannot be feasible). Undefined when no filter can be answered so.
   */
  private listedNodes(f: Frame, filters: readonly AnchorFilter[]): NodeRef[] | undefined {
    if (!this.useLogScans) return undefined;
    for (const flt of filters) {
      const k = flt.th.need(f);
      if (k === null || k < 1) continue;
      // The other way visits every node of a kind and its edges: a pass listing fewer entries than the clause's
      // kind has edges pays whatever its share (as a clause with both ends free reads the log, forEachFromLog).
      const pass = this.passOf(flt.th.pc, this.view.edgesOfKind(flt.th.pc.c.edge).length);
      const counts = pass && this.prefill(f, flt.th.pc, flt.th.fromSide, pass);
      if (!counts) continue;
      const nodes: NodeRef[] = [];
      for (const no of counts.counted) if (reachOf(counts, flt.th, no, k) >= k) nodes.push(this.view.nodeAt(no)!);
      return nodes;
    }
    return undefined;
  }

  /**
   * The most a threshold's count can reach for a node in this run's span: how many of the node's occurrences
   * pass the clause's own predicates, or for a dcount their distinct values when a log pass worked them out;
   * from a log pass when one counted them, without listing them.
   */
  private thresholdReach(f: Frame, th: Threshold, node: NodeRef, k: number): number {
    const pc = th.pc;
    // The pass counted the same span and predicates as a list would hold, and its count is an array read.
    const pass = this.passes.get(pc.c.as);
    if (pass?.counts) return reachOf(pass.counts, th, this.view.nodeNumber(node), k);
    const listed = this.byRefOf(pc).get(node);
    if (listed) return listed.times.length;
    return this.nodeOccurrences(f, pc, node, th.fromSide).times.length;
  }

  /**
   * A clause's log pass for this run, its test chosen on first ask; undefined when log scans are not used in this run.
   * `floor` is what the caller's other way costs at least (indexChoice): asked with a higher one while no test
   * qualifies, the choice is made again. Node by node (nodeOccurrences) there is none: its pass waits until
   * the nodes visited cost as much.
   */
  private passOf(pc: PreparedClause, floor = 0): IndexPass | undefined {
    if (!this.useLogScans) return undefined;
    let pass = this.passes.get(pc.c.as);
    if (!pass) this.passes.set(pc.c.as, (pass = { choice: this.indexChoice(pc, this.spanBounds(pc), floor), spent: 0, floor }));
    else if (!pass.choice && !pass.counts && floor > pass.floor) {
      pass.choice = this.indexChoice(pc, this.spanBounds(pc), floor);
      pass.floor = floor;
    }
    return pass;
  }

  /** Per evaluation: an indexable clause's node occurrences by node object. */
  private byRefOf(pc: PreparedClause): Map<NodeRef, NodeOccurrences> {
    let byRef = this.nodeIndexByRef.get(pc.c.as);
    if (!byRef) this.nodeIndexByRef.set(pc.c.as, (byRef = new Map()));
    return byRef;
  }

  /**
   * Calls visit for every occurrence of a clause that fits the frame (bounds, local and cross predicates),
   * with the clause's slots set. Returns false to stop early.
   */
  private forEachOccurrence(
    f: Frame,
    pc: PreparedClause,
    withCross: boolean,
    visit: () => boolean | void,
    only?: { edge: EdgeHandle; index: number },
    firstOnly = false,
  ): void {
    const b = this.bounds(f, pc);
    if (!b) return;
    // A seeded run asks an absent clause about a few rows: a scan that stops at the first hit beats indexing
    // the node's whole window (a heavy user's month of sign-ins) for them. (Exists keeps the index: its
    // evidence is the earliest hit, which a scan edge by edge would not find first.)
    const scan = firstOnly && this.seeded;
    if (pc.indexable && !only && !scan && this.forEachIndexed(f, pc, b, withCross, visit)) return;
    const { slot, fromSlot, toSlot } = pc;
    const filters = this.shortcuts ? this.filters.get(pc.c.as) : undefined;
    if (!only && !filters && this.forEachFromLog(f, pc, b, withCross, visit)) return;
    const edges = (!only && filters && this.feasibleNodesEdges(f, pc, b, filters)) || this.candidateEdges(f, pc, b, only?.edge);
    const whole = [0, 0];
    const savedFrom = fromSlot === null ? null : f.nodes[fromSlot]!;
    const savedTo = toSlot === null ? null : f.nodes[toSlot]!;
    try {
      for (const edge of edges) {
        if (only && edge !== only.edge) continue;
        if (fromSlot !== null) {
          if (savedFrom && (savedFrom.key !== edge.from.key || savedFrom.kind !== edge.from.kind)) continue;
          f.nodes[fromSlot] = edge.from;
        }
        if (toSlot !== null) {
          if (savedTo && (savedTo.key !== edge.to.key || savedTo.kind !== edge.to.kind)) continue;
          f.nodes[toSlot] = edge.to;
        }
        // Before touching the edge's occurrences: a node where no threshold can hold has nothing here.
        const feasible = filters ? this.feasibleTimes(f, filters) : null;
        if (feasible === NOTHING_FEASIBLE) continue;
        let i = b.loIn ? edge.lowerBound(b.lo) : edge.upperBound(b.lo);
        let stop = b.hiIn ? edge.upperBound(b.hi) : edge.lowerBound(b.hi);
        if (only) {
          if (only.index < i || only.index >= stop) continue;
          i = only.index;
          stop = only.index + 1;
        }
        f.edges[slot] = edge;
        let segs: readonly number[] = whole;
        if (feasible) segs = feasibleSegments(feasible, edge, i, stop);
        else {
          whole[0] = i;
          whole[1] = stop;
        }
        for (let s = 0; s < segs.length; s += 2) {
          for (let j = segs[s]!, end = segs[s + 1]!; j < end; j++) {
            f.idx[slot] = j;
            if (!passesAll(pc.local, f) || (withCross && !passesAll(pc.cross, f))) continue;
            if (visit() === false) return;
          }
        }
      }
    } finally {
      if (fromSlot !== null) f.nodes[fromSlot] = savedFrom;
      if (toSlot !== null) f.nodes[toSlot] = savedTo;
      f.edges[slot] = null;
    }
  }

  /**
   * A clause with both ends free (a day's failed sign-ins, for every user and IP) read from its kind's
   * log by one of its predicates, in (time, event id) order, instead of from every edge of its
   * kind. Returns false when not applicable (an end bound, or no selective predicate).
   */
  private forEachFromLog(f: Frame, pc: PreparedClause, b: TimeBounds, withCross: boolean, visit: () => boolean | void): boolean {
    const c = pc.c;
    const { slot, fromSlot, toSlot } = pc;
    if (!this.useLogScans || c.from.type !== 'var' || c.to.type !== 'var' || fromSlot === null || toSlot === null) return false;
    if (f.nodes[fromSlot] || f.nodes[toSlot]) return false;
    // The other way visits every edge of the kind (a binary search each): a scan keeping fewer entries than that pays too.
    const choice = this.indexChoice(pc, b, this.view.edgesOfKind(c.edge).length);
    const found = choice && this.view.occurrencesWhere(c.edge, choice.test.prop, choice.test.test, b);
    if (!found) return false;
    // The scan answered its own test: only the clause's other predicates are left to ask.
    const rest = choice.test.rest;
    try {
      for (let k = 0; k < found.times.length; k++) {
        const from = this.view.nodeAt(found.froms[k]!)!;
        const to = this.view.nodeAt(found.tos[k]!)!;
        if ((pc.fromKinds && !pc.fromKinds.has(from.kind)) || (pc.toKinds && !pc.toKinds.has(to.kind))) continue;
        f.nodes[fromSlot] = from;
        f.nodes[toSlot] = to;
        f.edges[slot] = found.srcs[k]!;
        f.idx[slot] = found.pos[k]!;
        if (!passesAll(rest, f) || (withCross && !passesAll(pc.cross, f))) continue;
        if (visit() === false) return true;
      }
    } finally {
      f.nodes[fromSlot] = null;
      f.nodes[toSlot] = null;
      f.edges[slot] = null;
    }
    return true;
  }

  /**
   * The fast path for exists/absent/aggregate clauses with one end bound and the other free:
   * the bound node's passing occurrences are merged once per evaluation, then each row costs a
   * binary search instead of a walk over every edge of the node. Returns false when not applicable.
   */
  private forEachIndexed(
    f: Frame,
    pc: PreparedClause,
    b: { lo: number; loIn: boolean; hi: number; hiIn: boolean },
    withCross: boolean,
    visit: () => boolean | void,
  ): boolean {
    const c = pc.c;
    const from = this.resolveEndpoint(f, c.from, pc.fromSlot, pc.fromKey);
    const to = this.resolveEndpoint(f, c.to, pc.toSlot, pc.toKey);
    if (from === 'none' || to === 'none') return true; // no candidates at all
    if ((from === null) === (to === null)) return false;
    const bound = (from ?? to)!;
    const freeSlot = from ? pc.toSlot : pc.fromSlot;
    const occ = this.nodeOccurrences(f, pc, bound, from !== null);
    const search = (t: number, strict: boolean): number => {
      let lo = 0;
      let hi = occ.times.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (strict ? occ.times[mid]! <= t : occ.times[mid]! < t) lo = mid + 1;
        else hi = mid;
      }
      return lo;
    };
    const start = search(b.lo, !b.loIn);
    const stop = search(b.hi, b.hiIn);
    const saved = freeSlot === null ? null : f.nodes[freeSlot]!;
    const boundSlot = from ? pc.fromSlot : pc.toSlot;
    const savedBound = boundSlot === null ? null : f.nodes[boundSlot]!;
    if (boundSlot !== null) f.nodes[boundSlot] = bound;
    try {
      for (let k = start; k < stop; k++) {
        if (freeSlot !== null) f.nodes[freeSlot] = occ.others[k]!;
        f.edges[pc.slot] = occ.srcs[k]!;
        f.idx[pc.slot] = occ.pos[k]!;
        if (withCross && !passesAll(pc.cross, f)) continue;
        if (visit() === false) return true;
      }
    } finally {
      if (freeSlot !== null) f.nodes[freeSlot] = saved;
      if (boundSlot !== null) f.nodes[boundSlot] = savedBound;
      f.edges[pc.slot] = null;
    }
    return true;
  }

  /** A node's occurrences of an indexable clause that pass its own predicates, in (time, event id) order (built once per evaluation). */
  private nodeOccurrences(f: Frame, pc: PreparedClause, bound: NodeRef, fromSide: boolean): NodeOccurrences {
    const c = pc.c;
    // By node object first (edges hand out the same one), then by kind and key.
    const byRef = this.byRefOf(pc);
    const hit = byRef.get(bound);
    if (hit) return hit;
    const key = `${c.as}|${bound.kind}:${bound.key}`;
    const cached = this.nodeIndex.get(key);
    if (cached) {
      byRef.set(bound, cached);
      return cached;
    }
    // A log pass pays once the nodes asked about have cost as much to index one by one as reading
    // every node's occurrences from the log at once would (a batch over every user), not for a few nodes.
    const pass = this.passOf(pc);
    const due = pass?.choice && (this.eager || this.passPaid.has(c.as) || pass.spent >= pass.choice.count);
    const counts = due ? this.prefill(f, pc, fromSide, pass!) : undefined;
    if (counts) {
      // The pass listed every node with enough occurrences; one with none has an empty list, and one
      // with too few to pass a threshold (rarely asked: the threshold prune counts) reads its edges below.
      const no = this.view.nodeNumber(bound);
      const listed = no < 0 ? undefined : byRef.get(this.view.nodeAt(no)!);
      if (listed || countOf(counts, no) === 0) {
        const occ = listed ?? noOccurrences();
        byRef.set(bound, occ);
        return occ;
      }
    }
    const freeKinds = this.freeKinds(pc, fromSide);
    const span = this.indexSpan.get(c.as);
    // Plain arrays (most nodes have a handful of occurrences: typed arrays cost more to make).
    let times: number[] = [];
    let srcs: EdgeHandle[] = [];
    let others: NodeRef[] = [];
    let pos: number[] = [];
    // Event ids only to order ties, as the log orders them.
    const ids: string[] = [];
    let sorted = true;
    const lo = span?.lo ?? -Infinity;
    const hi = span?.hi ?? Infinity;
    const edges = fromSide ? this.view.outEdgesActive(bound, c.edge, lo, hi) : this.view.inEdgesActive(bound, c.edge, lo, hi);
    const saved = f.edges[pc.slot] ?? null;
    const savedIdx = f.idx[pc.slot]!;
    for (const e of edges) {
      if (freeKinds && !freeKinds.has(fromSide ? e.to.kind : e.from.kind)) continue;
      f.edges[pc.slot] = e;
      // Only the span this run's windows can reach (a day's hunt need not index a year).
      const end = span ? e.upperBound(span.hi) : e.size;
      const begin = span ? e.lowerBound(span.lo) : 0;
      if (pass) pass.spent += 1 + end - begin;
      for (let i = begin; i < end; i++) {
        f.idx[pc.slot] = i;
        if (!passesAll(pc.local, f)) continue;
        const t = e.time(i);
        const id = e.eventId(i);
        const n = times.length;
        if (n > 0 && (t < times[n - 1]! || (t === times[n - 1]! && id < ids[n - 1]!))) sorted = false;
        times.push(t);
        srcs.push(e);
        others.push(fromSide ? e.to : e.from);
        pos.push(i);
        ids.push(id);
      }
    }
    f.edges[pc.slot] = saved;
    f.idx[pc.slot] = savedIdx;
    if (!sorted) {
      // The order the kind log gives too, so either way of indexing visits occurrences alike.
      const order = orderByTimeThenId(times, ids);
      times = Array.from(order, (k) => times[k]!);
      srcs = Array.from(order, (k) => srcs[k]!);
      others = Array.from(order, (k) => others[k]!);
      pos = Array.from(order, (k) => pos[k]!);
    }
    const occ: NodeOccurrences = { times, others, srcs, pos };
    this.nodeIndex.set(key, occ);
    byRef.set(bound, occ);
    return occ;
  }

  /** The times an indexable clause's windows can reach in this run, as search bounds. */
  private spanBounds(pc: PreparedClause): TimeBounds {
    const span = this.indexSpan.get(pc.c.as);
    return { lo: span?.lo ?? -Infinity, loIn: true, hi: span?.hi ?? Infinity, hiIn: true };
  }

  /** Node kinds the free end of an indexable clause may take, when narrower than the edge kind allows. */
  private freeKinds(pc: PreparedClause, fromSide: boolean): ReadonlySet<string> | undefined {
    return fromSide ? pc.toKinds : pc.fromKinds;
  }

  /**
   * A clause's count array for a log pass, all zero: the last pass's, zeroed where it counted (an array
   * over every node number, most never counted, is not allocated and cleared afresh each run), or a new
   * one when the graph has outgrown it. A run makes one pass per clause, so no counts in use are cleared.
   */
  private clearedCounts(clause: string, size: number): Int32Array {
    const last = this.lastCounts.get(clause);
    if (!last || last.byNo.length < size) return new Int32Array(size);
    for (const no of last.counted) last.byNo[no] = 0;
    return last.byNo;
  }

  /**
   * A batch run asks an indexable clause about many nodes (every user's denied prompts): when a value
   * index answers one of its predicates selectively, one pass over the index counts every node's
   * occurrences in the clause's span and lists those of the nodes with enough of them to pass the
   * clause's count thresholds (the others are pruned by their count). Returns the counts (once per
   * run: later calls return the same), or undefined when no index qualifies or it cannot answer.
   */
  private prefill(f: Frame, pc: PreparedClause, fromSide: boolean, pass: IndexPass): NodeCounts | undefined {
    const c = pc.c;
    if (pass.counts) return pass.counts;
    if (!pass.choice) return undefined;
    const found = this.view.occurrencesWhere(c.edge, pass.choice.test.prop, pass.choice.test.test, this.spanBounds(pc));
    if (!found) return undefined;
    const freeKinds = this.freeKinds(pc, fromSide);
    // Predicates beyond the one the log answered need the occurrence itself.
    const rest = pass.choice.test.rest;
    const n = found.times.length;
    const kept = new Uint8Array(n);
    const view = this.view;
    const byNo = this.clearedCounts(c.as, view.nodeNumberLimit());
    const counted: number[] = [];
    const saved = f.edges[pc.slot] ?? null;
    const savedIdx = f.idx[pc.slot]!;
    const bound = fromSide ? found.froms : found.tos;
    const free = fromSide ? found.tos : found.froms;
    for (let k = 0; k < n; k++) {
      if (freeKinds && !freeKinds.has(view.nodeAt(free[k]!)!.kind)) continue;
      if (rest.length > 0) {
        f.edges[pc.slot] = found.srcs[k]!;
        f.idx[pc.slot] = found.pos[k]!;
        if (!passesAll(rest, f)) continue;
      }
      kept[k] = 1;
      const no = bound[k]!;
      if (byNo[no]!++ === 0) counted.push(no);
    }
    // Nodes below a threshold on this clause are dropped by its prune before anything lists them: by their
    // count, and for a dcount by their distinct values too.
    let least = 0;
    const distinct = new Map<Threshold, Int32Array>();
    const dcounts: { d: Int32Array; k: number }[] = [];
    for (const th of this.thresholdList) {
      if (th.pc !== pc) continue;
      const k = th.need(f) ?? 0;
      least = Math.max(least, k);
      if (!th.distinct || k <= 1) continue;
      const d = this.distinctCounts(f, th, found, kept, byNo, k);
      distinct.set(th, d);
      dcounts.push({ d, k });
    }
    f.edges[pc.slot] = saved;
    f.idx[pc.slot] = savedIdx;
    const counts: NodeCounts = { byNo, counted, distinct };
    this.lastCounts.set(c.as, counts);
    pass.counts = counts;
    this.passPaid.add(c.as);
    const byRef = this.byRefOf(pc);
    // By node number; null for a node listed one by one before, which keeps that list (it is complete).
    const lists = new Map<number, NodeOccurrences | null>();
    for (let k = 0; k < n; k++) {
      if (!kept[k]) continue;
      const no = bound[k]!;
      if (byNo[no]! < least || belowDistinct(dcounts, no)) continue;
      let occ = lists.get(no);
      if (occ === undefined) {
        const node = view.nodeAt(no)!;
        const before = byRef.has(node) || (this.nodeIndex.size > 0 && this.nodeIndex.has(`${c.as}|${node.kind}:${node.key}`));
        lists.set(no, (occ = before ? null : noOccurrences()));
      }
      if (occ === null) continue;
      (occ.times as number[]).push(found.times[k]!);
      (occ.others as NodeRef[]).push(view.nodeAt(free[k]!)!);
      (occ.srcs as OccurrenceSource[]).push(found.srcs[k]!);
      (occ.pos as number[]).push(found.pos[k]!);
    }
    for (const [no, occ] of lists) if (occ) byRef.set(view.nodeAt(no)!, occ);
    return counts;
  }

  /**
   * Which of a clause's value tests a log scan reads, and how many occurrences it returns: the test keeping the fewest,
   * when it keeps at most a quarter of the kind's occurrences the bounds are likely to hold, or at most `floor`
   * (what the other way costs at least); else the edges are visited: a scan would list most of the kind.
   * Undefined when none qualifies.
   */
  private indexChoice(pc: PreparedClause, b: TimeBounds, floor = 0): IndexChoice | undefined {
    if (pc.valueTests.length === 0) return undefined;
    const kind = pc.c.edge;
    const span = this.view.timeSpan();
    if (!span) return undefined;
    const lo = Math.max(b.lo, span.first);
    const hi = Math.min(b.hi, span.last);
    if (hi < lo) return undefined;
    const share = span.last > span.first ? (hi - lo) / (span.last - span.first) : 1;
    const budget = SELECTIVE * this.view.occurrencesOfKind(kind) * Math.max(share, 0.001);
    let best: ValueTest | undefined;
    let fewest = Infinity;
    for (const vt of pc.valueTests) {
      // With a floor any test may qualify: count them all (whole blocks are counted from their tallies).
      const n = this.view.countWhere(kind, vt.prop, vt.test, lo, hi, this.eager || floor > 0 ? 1 : SELECTIVE);
      if (n !== undefined && n < fewest) {
        best = vt;
        fewest = n;
      }
    }
    return best && (this.eager || fewest <= Math.max(budget, floor)) ? { test: best, count: fewest } : undefined;
  }

  /**
   * The pattern's `where A.n >= N` (or `>`) thresholds usable to skip work: n is a count() or
   * dcount() of an indexable aggregate clause A hanging off one node u that the match clauses bind,
   * so the count over a row's window is at most u's passing occurrences of A in that window.
   */
  private thresholds(): Threshold[] {
    const p = this.p;
    const outer = new Set(this.outerNodeVars);
    const out: Threshold[] = [];
    for (const e of p.where) {
      if (e.type !== 'binary' || (e.op !== '>=' && e.op !== '>') || e.left.type !== 'prop') continue;
      const a = p.aggregate.find((c) => c.as === (e.left as { variable: string }).variable);
      const spec = a?.compute.find((x) => x.name === (e.left as { prop: string }).prop)?.spec;
      if (!a || !spec || (spec.fn !== 'count' && spec.fn !== 'dcount')) continue;
      const pc = this.clauses.get(a.as)!;
      if (!pc.indexable || a.from.type !== 'var' || a.to.type !== 'var') continue;
      const fromBound = outer.has(a.from.var!);
      const toBound = outer.has(a.to.var!);
      if (fromBound === toBound) continue;
      const u = fromBound ? a.from.var! : a.to.var!;
      const r = e.right;
      const limit: Getter<Frame> | null =
        r.type === 'literal' && typeof r.value === 'number' ? () => r.value : r.type === 'param' && r.name !== 'start' && r.name !== 'end' ? (f) => f.params[r.name] ?? null : null;
      if (!limit) continue;
      const strict = e.op === '>';
      // dcount(x) with x read from the occurrence alone: distinct keys bound the anchors more tightly than count.
      const free = fromBound ? a.to.var! : a.from.var!;
      const arg = spec.fn === 'dcount' && spec.arg && [...exprVariables(spec.arg)].every((v) => v === a.as || v === free) ? pc.compute.find((x) => x.name === (e.left as { prop: string }).prop)?.arg ?? null : null;
      out.push({ pc, node: u, slot: this.nodeSlot.get(u)!, fromSide: fromBound, freeSlot: this.nodeSlot.get(free)!, distinct: arg, need: (f) => thresholdCount(limit(f), strict) });
    }
    return out;
  }

  /**
   * Drops a binding when its threshold node's passing occurrences over the whole run reach are
   * already fewer than the threshold: the count over a row's window can only be smaller.
   */
  private thresholdPrunes(thresholds: readonly Threshold[]): Check[] {
    return thresholds.map((th) => ({
      shortcut: true,
      needs: new Set([th.node]),
      test: (f) => {
        const k = th.need(f);
        return k === null || this.thresholdReach(f, th, f.nodes[th.slot]!, k) >= k;
      },
    }));
  }

  /**
   * Thresholds whose aggregate window is measured from one match clause's time (`[m.time - 1h,
   * m.time)`) with m binding the threshold node: filters on m's occurrence times (count-window.ts).
   */
  private anchorFilters(thresholds: readonly Threshold[]): Map<string, AnchorFilter[]> {
    const out = new Map<string, AnchorFilter[]>();
    for (const th of thresholds) {
      const w = th.pc.c.window;
      if (!w?.from || !w.to) continue;
      const from = timeOffset(w.from, this.p.params);
      const to = timeOffset(w.to, this.p.params);
      const m = this.p.match.find((c) => c.as === from?.variable);
      // A collapsed clause keeps its earliest occurrence per key: skipping some would change which.
      if (!from || !to || !m || m.collapse || to.variable !== m.as || (m.from.var !== th.node && m.to.var !== th.node)) continue;
      // Offsets read parameters: kept as getters so a run's overrides apply.
      const wf = w.from;
      const wt = w.to;
      const list = out.get(m.as) ?? [];
      list.push({
        th,
        window: (f) => {
          const a = timeOffset(wf, f.params);
          const b = timeOffset(wt, f.params);
          return a && b ? { from: a.offset, fromIn: w.fromInclusive, to: b.offset, toIn: w.toInclusive } : null;
        },
      });
      out.set(m.as, list);
    }
    return out;
  }

  /** The anchor times at which a filter's threshold can hold for a node (built once per node and run). */
  private filterTimes(f: Frame, flt: AnchorFilter, node: NodeRef): readonly TimeInterval[] {
    const k = flt.th.need(f);
    // The window is the same for every node of a run (unless it reads $start or $end, which an anchored run moves).
    let cw = this.filterWindows.get(flt);
    if (!cw || cw.start !== f.params['start'] || cw.end !== f.params['end']) this.filterWindows.set(flt, (cw = { start: f.params['start'], end: f.params['end'], w: flt.window(f) }));
    const w = cw.w;
    if (k === null || w === null) return ALL_TIME;
    // Fewer occurrences than the threshold in the whole span: no window holds enough (counted without listing them).
    if (k >= 1 && this.thresholdReach(f, flt.th, node, k) < k) return NO_TIME;
    const occ = this.nodeOccurrences(f, flt.th.pc, node, flt.th.fromSide);
    let times = occ.feasible?.get(flt);
    if (!times) {
      times = anchorTimesWithCount(occ.times, k, w, flt.th.distinct ? this.distinctKeys(f, flt.th, occ) : undefined);
      (occ.feasible ??= new Map()).set(flt, times);
    }
    return times;
  }

  /**
   * For a dcount threshold, in a log pass: each node's distinct values among its kept occurrences, for the
   * nodes counted at least k times (0 for the others: dcount is at most count, so they fail it anyway).
   * A spray's IP is met by many accounts; most IPs with k failures have one account, and are pruned here.
   */
  private distinctCounts(f: Frame, th: Threshold, found: IndexedOccurrences, kept: Uint8Array, byNo: Int32Array, k: number): Int32Array {
    const d = new Int32Array(byNo.length);
    const view = this.view;
    const slot = th.pc.slot;
    const bound = th.fromSide ? found.froms : found.tos;
    const free = th.fromSide ? found.tos : found.froms;
    // (node, value) pairs seen, as one number: the node's number times 2^24 plus the value's RowCodes number
    // (equal exactly when the values' JSON is, which is when dcount's distinctKey is; text is numbered by
    // itself, without a key string made per occurrence).
    const codes = new RowCodes();
    const seen = new Set<number>();
    // The pass runs in the middle of an evaluation: the slots it borrows are given back as they were.
    const saved = { edge: f.edges[slot] ?? null, idx: f.idx[slot]!, free: f.nodes[th.freeSlot] ?? null };
    try {
      for (let j = 0; j < found.times.length; j++) {
        if (!kept[j]) continue;
        const no = bound[j]!;
        if (byNo[no]! < k) continue;
        f.edges[slot] = found.srcs[j]!;
        f.idx[slot] = found.pos[j]!;
        f.nodes[th.freeSlot] = view.nodeAt(free[j]!)!;
        const v = th.distinct!(f);
        if (isEmpty(v)) continue;
        const code = codes.code(v);
        // Beyond 2^24 values the pairs would collide: the counts stand instead (a looser bound, still a bound).
        if (code >= 0x1000000) return byNo.slice();
        const pair = no * 0x1000000 + code;
        if (!seen.has(pair)) {
          seen.add(pair);
          d[no]!++;
        }
      }
      return d;
    } finally {
      f.edges[slot] = saved.edge;
      f.idx[slot] = saved.idx;
      f.nodes[th.freeSlot] = saved.free;
    }
  }

  /** For a dcount threshold: each indexed occurrence's distinct key (null when empty, as dcount skips it). */
  private distinctKeys(f: Frame, th: Threshold, occ: NodeOccurrences): (string | null)[] {
    const slot = th.pc.slot;
    const saved = { edge: f.edges[slot] ?? null, idx: f.idx[slot]!, free: f.nodes[th.freeSlot] ?? null };
    const keys = occ.others.map((other, k) => {
      f.edges[slot] = occ.srcs[k]!;
      f.idx[slot] = occ.pos[k]!;
      f.nodes[th.freeSlot] = other;
      const v = th.distinct!(f);
      return isEmpty(v) ? null : distinctKey(v);
    });
    f.edges[slot] = saved.edge;
    f.idx[slot] = saved.idx;
    f.nodes[th.freeSlot] = saved.free;
    return keys;
  }

  /** Each filter's anchor times for the nodes the frame binds; NOTHING_FEASIBLE when some filter has none. */
  private feasibleTimes(f: Frame, filters: readonly AnchorFilter[]): readonly (readonly TimeInterval[])[] {
    const out: (readonly TimeInterval[])[] = [];
    for (const flt of filters) {
      const node = f.nodes[flt.th.slot];
      if (!node) continue;
      const times = this.filterTimes(f, flt, node);
      if (times.length === 0) return NOTHING_FEASIBLE;
      out.push(times);
    }
    return out;
  }

  /**
   * Per indexable clause, the times its window can reach in this run. Each match clause's times are
   * bounded by the run range (range 'run'), by the seed (its one occurrence) or by the restriction;
   * a window `from`/`to` within S of the times of the match clauses it reads reaches those bounds
   * widened by S at most. A streamed seed thus indexes an hour around it, not the user's history.
   * `f` is the run's frame before anything is bound: a window of parameters alone is read from it.
   */
  private indexSpans(opts: EvaluationOptions, f: Frame): Map<string, { lo: number; hi: number }> {
    const p = this.p;
    const out = new Map<string, { lo: number; hi: number }>();
    const anchor = opts.anchored ? p.streaming?.anchor : undefined;
    const bounds = new Map<string, { lo: number; hi: number }>();
    for (const c of p.match) {
      let lo = -Infinity;
      let hi = Infinity;
      // Under the streaming rule only the anchor reads the run range as given.
      if (c.range === 'run' && (!anchor || c.as === anchor)) {
        lo = opts.start;
        hi = opts.end;
      }
      const r = opts.restrict;
      if (r && r.clause === c.as) {
        lo = Math.max(lo, r.start);
        hi = Math.min(hi, r.end);
      }
      if (opts.seed && opts.seed.clause === c.as) {
        const t = opts.seed.edge.time(opts.seed.index);
        lo = Math.max(lo, t);
        hi = Math.min(hi, t);
      }
      bounds.set(c.as, { lo, hi });
    }
    // How far each window reaches depends on the parameters only: cached while they are the same object.
    let reaches = this.reaches;
    if (!reaches || reaches.params !== opts.params) {
      const params = { ...p.params, ...(opts.params ?? {}) };
      const byClause = new Map<PreparedClause, number>();
      for (const pc of this.clauses.values()) if (pc.windowReads.length > 0) byClause.set(pc, windowReach(pc.c, new Set(pc.windowReads), params));
      this.reaches = reaches = { params: opts.params, byClause };
    }
    for (const [pc, reach] of reaches.byClause) {
      if (!Number.isFinite(reach)) continue;
      let lo = Infinity;
      let hi = -Infinity;
      for (const v of pc.windowReads) {
        lo = Math.min(lo, bounds.get(v)!.lo);
        hi = Math.max(hi, bounds.get(v)!.hi);
      }
      if (Number.isFinite(lo) && Number.isFinite(hi)) out.set(pc.c.as, { lo: lo - reach, hi: hi + reach });
    }
    // A window of parameters only is the same for every row of a run, unless the streaming rule moves
    // $start and $end per anchor: it is the span (a whole-range hunt's baseline before its start is empty).
    // A shortcut: the reference without shortcuts indexes all time, and the property tests compare the two.
    if (!anchor && opts.shortcuts !== false) {
      for (const pc of this.clauses.values()) {
        if (!pc.paramWindow) continue;
        const lo = pc.windowFrom ? pc.windowFrom(f) : -Infinity;
        const hi = pc.windowTo ? pc.windowTo(f) : Infinity;
        // An empty window (hi below lo) spans its one end: no row's bounds reach into it.
        if (typeof lo === 'number' && typeof hi === 'number' && !Number.isNaN(lo) && !Number.isNaN(hi)) out.set(pc.c.as, { lo, hi: Math.max(lo, hi) });
      }
    }
    return out;
  }


  /**
   * For a collapsed match clause: whether an earlier occurrence (by time, then event id) on the
   * edges of `node` passes the clause's own predicates with the same collapse key as occurrence
   * `index` of `edge`, so that occurrence changes nothing the collapse keeps. Null when the
   * question cannot be answered from the occurrence alone (keys reading other variables).
   */
  hasEarlierSameKey(clause: string, edge: EdgeHandle, index: number, node: NodeRef, params?: Readonly<Record<string, Value>>): boolean | null {
    const pc = this.clauses.get(clause);
    if (!pc || !pc.collapse || !pc.c.collapse || pc.c.collapse.some((e) => [...exprVariables(e)].some((v) => v !== clause))) return null;
    const f = this.occurrenceFrame(pc, edge, index, params);
    // Keys compared by their values' numbers, as the batch collapse compares them.
    const codes = new RowCodes();
    const key = collapseCodes(pc, f, codes, []);
    const probe: number[] = [];
    const t = edge.time(index);
    const id = edge.eventId(index);
    const out = edge.from.kind === node.kind && edge.from.key === node.key;
    const edges = out ? this.view.outEdges(node, pc.c.edge) : this.view.inEdges(node, pc.c.edge);
    // The same candidates the collapse sees: the other end of a kind its variable allows.
    const otherVar = out ? pc.c.to.var : pc.c.from.var;
    const kinds = otherVar ? this.p.nodeVars.get(otherVar) : undefined;
    for (const e of edges) {
      if (kinds && !kinds.has(out ? e.to.kind : e.from.kind)) continue;
      f.edges[pc.slot] = e;
      const stop = e.upperBound(t);
      for (let i = 0; i < stop; i++) {
        if (e.time(i) === t && e.eventId(i) >= id) break;
        f.idx[pc.slot] = i;
        if (passesAll(pc.local, f) && sameCodes(collapseCodes(pc, f, codes, probe), key)) return true;
      }
    }
    return false;
  }

  /**
   * A frame holding one occurrence of a clause (for its own predicates and keys). Reused while the
   * parameters are the same object: streaming asks this for every new occurrence and clause.
   */
  private occurrenceFrame(pc: PreparedClause, edge: EdgeHandle, index: number, params?: Readonly<Record<string, Value>>): Frame {
    let cached = this.occFrame;
    if (!cached || cached.params !== params) {
      const f: Frame = {
        nodes: new Array(this.nodeSlot.size).fill(null),
        edges: new Array(this.occSlot.size).fill(null),
        idx: new Array(this.occSlot.size).fill(0),
        aggs: new Array(this.occSlot.size).fill(null),
        params: { ...this.p.params, ...(params ?? {}), start: -Infinity, end: Infinity },
      };
      this.occFrame = cached = { params, f };
    }
    const f = cached.f;
    f.edges.fill(null);
    f.edges[pc.slot] = edge;
    f.idx[pc.slot] = index;
    return f;
  }

  /** Whether occurrence `index` of `edge` passes a clause's own predicates (those reading only that occurrence). */
  passesLocal(clause: string, edge: EdgeHandle, index: number, params?: Readonly<Record<string, Value>>): boolean {
    const pc = this.clauses.get(clause);
    if (!pc) throw new IdgraphError('BAD_INPUT', `detector ${this.p.id}: no clause ${clause}`);
    const f = this.occurrenceFrame(pc, edge, index, params);
    return passesAll(pc.local, f);
  }

  /** Evaluates the pattern and returns its detections (rows deduplicated, evidence merged). */
  evaluate(opts: EvaluationOptions): Detection[] {
    return this.run(opts, 'detections') as Detection[];
  }

  /** The rows evaluate() would give, with their times, without collecting evidence or hashing ids (unsorted). */
  rows(opts: EvaluationOptions): HuntRow[] {
    if (!this.p.group) return this.run(opts, 'rows') as HuntRow[];
    const out: HuntRow[] = [];
    for (const g of this.fold(this.run(opts, 'rows') as PreGroupRow[], false).values()) out.push({ row: this.groupRow(g), time: g.time, id: null, identity: g.keyRow });
    return out;
  }

  /** The id evaluate() gives a row (kept on it): the detector id and a hash of its identity's stable JSON. */
  rowId(r: HuntRow): string {
    return (r.id ??= detectionId(this.p.id, stableJson(r.identity)));
  }

  /** For grouped patterns: the bindings before folding, so streaming can keep and re-fold them. */
  preGroupRows(opts: EvaluationOptions): PreGroupRow[] {
    if (!this.p.group) throw new IdgraphError('BAD_INPUT', `detector ${this.p.id} has no group`);
    return this.run(opts, 'pre') as PreGroupRow[];
  }

  /** Folds pre-group rows into one detection per group (aggregates are order-independent). */
  foldGroups(rows: Iterable<PreGroupRow>): Detection[] {
    const p = this.p;
    const out: Detection[] = [];
    for (const [key, g] of this.fold(rows, true)) {
      const evidence = [...g.evidence.values()].map(({ e, ids }) => ({ ...e, eventIds: [...ids].sort() }));
      out.push({ detector: p.id, id: detectionId(p.id, key), row: this.groupRow(g), time: g.time, firstTime: g.first, entities: sortEntities(g.entities.values()), evidence });
    }
    return out;
  }

  /** Pre-group rows by group key, each binding counted once; entities and evidence only when asked for. */
  private fold(rows: Iterable<PreGroupRow>, withEvidence: boolean): Map<string, FoldedGroup> {
    const groups = new Map<string, FoldedGroup>();
    for (const r of rows) {
      let g = groups.get(r.group);
      if (!g) {
        g = { keyRow: r.keyRow, accs: this.groupAggs.map((a) => a.make()), time: r.time, first: r.first, entities: new Map(), evidence: new Map(), seen: new Set() };
        groups.set(r.group, g);
      }
      if (g.seen.has(r.identity)) continue;
      g.seen.add(r.identity);
      r.args.forEach((v, k) => g.accs[k]!.add(v, r.time));
      g.time = Math.max(g.time, r.time);
      g.first = Math.min(g.first, r.first);
      if (!withEvidence) continue;
      for (const n of r.entities) if (g.entities.size < EVIDENCE_CAP) g.entities.set(`${n.kind}:${n.key}`, n);
      for (const ev of r.evidence) {
        const cur = g.evidence.get(ev.clause) ?? { e: ev, ids: new Set<string>() };
        for (const id of ev.eventIds) if (cur.ids.size < EVIDENCE_CAP) cur.ids.add(id);
        g.evidence.set(ev.clause, cur);
      }
    }
    return groups;
  }

  /** A folded group's output row: its group-by values and aggregates, through the projection. */
  private groupRow(g: FoldedGroup): Record<string, Value> {
    const columns: Record<string, Value> = { ...this.emptyGroupColumns };
    for (const k of this.groupBy) columns[k.name] = g.keyRow[k.name]!;
    for (let k = 0; k < this.groupAggs.length; k++) columns[this.groupAggs[k]!.name] = g.accs[k]!.result();
    const row: Record<string, Value> = { ...this.emptyGroupRow };
    fillColumns(row, this.postGroup, columns);
    return row;
  }

  private run(opts: EvaluationOptions, output: RunOutput): Detection[] | PreGroupRow[] | HuntRow[] {
    const p = this.p;
    this.nodeIndex = new Map();
    this.nodeIndexByRef = new Map();
    this.restrict = opts.restrict;
    this.shortcuts = opts.shortcuts !== false;
    this.seeded = opts.seed !== undefined && this.shortcuts;
    this.useLogScans = this.shortcuts && !opts.seed && !opts.restrict && Object.keys(opts.prebound ?? {}).length === 0;
    this.passes = new Map();
    this.filterWindows = new Map();
    this.eager = opts.logScans === 'eager';
    const params: Record<string, Value> = { ...p.params, ...(opts.params ?? {}), start: opts.start, end: opts.end };
    const f: Frame = {
      nodes: new Array(this.nodeSlot.size).fill(null),
      edges: new Array(this.occSlot.size).fill(null),
      idx: new Array(this.occSlot.size).fill(0),
      aggs: new Array(this.occSlot.size).fill(null),
      params,
    };
    // Before anything is bound: a window of parameters alone is read from this frame.
    this.indexSpan = this.indexSpans(opts, f);
    const prebound = Object.keys(opts.prebound ?? {}).sort();
    for (const v of prebound) {
      const slot = this.nodeSlot.get(v);
      if (slot === undefined) throw new IdgraphError('BAD_INPUT', `detector ${p.id}: no node variable ${v}`);
      f.nodes[slot] = opts.prebound![v]!;
    }
    const anchor = opts.anchored ? p.streaming?.anchor : undefined;
    if (opts.seed && anchor && opts.seed.clause !== anchor) {
      throw new IdgraphError('UNSUPPORTED_CONSTRUCT', `detector ${p.id}: a seed must be the streaming anchor '${anchor}'`);
    }
    // A restricted clause (streaming re-judgement of a few rows) goes first: it is the narrowest, and
    // otherwise a collapsed clause before it would scan the partition's whole history for nothing.
    // Streaming restricts only under the partial rule, whose collapsed clauses share nothing else with it.
    const first = opts.seed?.clause ?? anchor ?? opts.restrict?.clause;
    const { order, due } = this.plan(first, prebound);

    const out = new Map<string, Detection>();
    const pre: PreGroupRow[] = [];
    // Rows mode: merged by the numbers of the row's values (RowCodes), and no evidence is collected.
    const rowsOut = new RowIndex<HuntRow>();
    const codes = output === 'rows' ? new RowCodes() : null;
    const rowCodes: number[] = [];
    const evidence = codes === null;

    const finish = (): void => {
      // exists, absent and aggregate clauses, in that order: cheap rejections first.
      // Evidence beyond the matched edges: nothing is pushed in rows mode (frozen: a push there would throw).
      const extra: Evidence[] = evidence ? [] : (NO_EVIDENCE as Evidence[]);
      for (const c of p.exists) {
        const pc = this.clauses.get(c.as)!;
        let found: string | null = null;
        this.forEachOccurrence(f, pc, true, () => {
          found = f.edges[pc.slot]!.eventId(f.idx[pc.slot]!);
          return false;
        });
        if (found === null) return;
        if (evidence) extra.push({ clause: c.as, role: 'exists', edge: c.edge, eventIds: [found] });
      }
      for (const c of p.absent) {
        const pc = this.clauses.get(c.as)!;
        let any = false;
        this.forEachOccurrence(
          f,
          pc,
          true,
          () => {
            any = true;
            return false;
          },
          undefined,
          true,
        );
        if (any) return;
      }
      for (const c of p.aggregate) {
        const pc = this.clauses.get(c.as)!;
        const compute = pc.compute;
        for (const x of compute) x.acc.reset();
        const sample = evidence ? new EarliestEvents(AGGREGATE_EVIDENCE_CAP) : null;
        let any = false;
        this.forEachOccurrence(f, pc, true, () => {
          const edge = f.edges[pc.slot]!;
          const i = f.idx[pc.slot]!;
          const t = edge.time(i);
          any = true;
          for (let k = 0; k < compute.length; k++) {
            const x = compute[k]!;
            x.acc.add(x.arg ? x.arg(f) : null, t);
          }
          sample?.offer(t, edge, i);
        });
        // No occurrence: every computed column is null (count() included), as an empty KQL join gives.
        const result: Record<string, Value> = { ...pc.emptyResult };
        if (any) for (const x of compute) result[x.name] = x.acc.result();
        f.aggs[pc.slot] = result;
        if (any && sample) extra.push({ clause: c.as, role: 'aggregate', edge: c.edge, eventIds: sample.ids() });
      }
      for (const t of this.lateChecks) if (t(f) !== true) return;

      if (codes && !p.group) {
        let time = -Infinity;
        for (const slot of this.matchSlots) time = Math.max(time, f.edges[slot]!.time(f.idx[slot]!));
        const row: Record<string, Value> = { ...this.emptyRow };
        fillColumns(row, this.projectors, f, codes, rowCodes);
        const prev = rowsOut.get(rowCodes);
        // As mergeDetections: a row is true from the earliest binding that completes it.
        if (!prev) rowsOut.add(rowCodes, { row, time, id: null, identity: row });
        else if (time < prev.time) prev.time = time;
        return;
      }
      let time = -Infinity;
      let first = Infinity;
      const matched: Evidence[] = [];
      // Evidence in the pattern's clause order, whichever clause the plan started from.
      for (const c of p.match) {
        const pc = this.clauses.get(c.as)!;
        const e = f.edges[pc.slot]!;
        const i = f.idx[pc.slot]!;
        time = Math.max(time, e.time(i));
        first = Math.min(first, e.time(i));
        matched.push({ clause: pc.c.as, role: 'match', edge: pc.c.edge, eventIds: [e.eventId(i)] });
      }
      const entities = this.outerSlots.map((slot) => f.nodes[slot]!);

      if (p.group) {
        const keyRow: Record<string, Value> = { ...this.emptyKeyRow };
        // Rows mode: groups keyed by their values' numbers (RowCodes), and no evidence kept.
        fillColumns(keyRow, this.groupBy, f, codes, rowCodes);
        pre.push({
          group: codes ? rowCodes.join(',') : stableJson(keyRow),
          keyRow,
          args: this.groupAggs.map((a) => (a.arg ? a.arg(f) : null)),
          time,
          first,
          identity: matched.map((m) => m.eventIds[0]).join('|'),
          entities: evidence ? entities : NO_ENTITIES,
          evidence: evidence ? [...matched, ...extra] : NO_EVIDENCE,
        });
        return;
      }
      const row: Record<string, Value> = { ...this.emptyRow };
      fillColumns(row, this.projectors, f);
      // Keyed by the id (a hash of the row's identity text): a short key, where the text runs to hundreds of characters.
      const id = detectionId(p.id, this.rowKey(row));
      const prev = out.get(id);
      if (!prev) {
        const bindings = { ...this.emptyBindings } as Record<string, NodeRef>;
        for (let k = 0; k < entities.length; k++) bindings[this.outerNodeVars[k]!] = entities[k]!;
        out.set(id, { detector: p.id, id, row, time, firstTime: first, entities: sortEntities(entities), bindings, evidence: extra.length ? [...matched, ...extra] : matched });
      } else {
        out.set(id, mergeDetections(prev, { ...prev, time, firstTime: first, entities, evidence: [...matched, ...extra] }));
      }
    };

    const step = (k: number): void => {
      if (k === order.length) {
        finish();
        return;
      }
      const pc = order[k]!;
      const checks = due[k]!;
      const descend = (): void => {
        for (const ch of checks) if (ch.test(f) !== true) return;
        if (k === 0 && anchor && pc.c.as === anchor) {
          // The streaming rule: this anchor is judged with the window it fixes.
          if (this.streamStart) params.start = this.streamStart(f);
          if (this.streamEnd) params.end = this.streamEnd(f);
          step(k + 1);
          params.start = opts.start;
          params.end = opts.end;
          return;
        }
        step(k + 1);
      };
      const only = opts.seed && k === 0 ? { edge: opts.seed.edge, index: opts.seed.index } : undefined;
      if (!pc.collapse) {
        this.forEachOccurrence(f, pc, false, () => descend(), only);
        return;
      }
      // Collapse: keep the earliest occurrence per key (found by its values' numbers: no key text made per
      // occurrence), then bind each kept one.
      const keyCodes = new RowCodes();
      const key: number[] = [];
      const kept = new RowIndex<{ edge: OccurrenceSource; index: number; from: NodeRef | null; to: NodeRef | null }>();
      this.forEachOccurrence(
        f,
        pc,
        false,
        () => {
          const edge = f.edges[pc.slot]!;
          const index = f.idx[pc.slot]!;
          const from = pc.fromSlot === null ? null : f.nodes[pc.fromSlot]!;
          const to = pc.toSlot === null ? null : f.nodes[pc.toSlot]!;
          const cur = kept.get(collapseCodes(pc, f, keyCodes, key));
          if (!cur) {
            kept.add(key, { edge, index, from, to });
            return;
          }
          const t = edge.time(index);
          if (t < cur.edge.time(cur.index) || (t === cur.edge.time(cur.index) && edge.eventId(index) < cur.edge.eventId(cur.index))) {
            cur.edge = edge;
            cur.index = index;
            cur.from = from;
            cur.to = to;
          }
        },
        only,
      );
      const savedFrom = pc.fromSlot === null ? null : f.nodes[pc.fromSlot]!;
      const savedTo = pc.toSlot === null ? null : f.nodes[pc.toSlot]!;
      for (const r of kept.values()) {
        if (pc.fromSlot !== null) f.nodes[pc.fromSlot] = r.from;
        if (pc.toSlot !== null) f.nodes[pc.toSlot] = r.to;
        f.edges[pc.slot] = r.edge;
        f.idx[pc.slot] = r.index;
        descend();
      }
      if (pc.fromSlot !== null) f.nodes[pc.fromSlot] = savedFrom;
      if (pc.toSlot !== null) f.nodes[pc.toSlot] = savedTo;
      f.edges[pc.slot] = null;
    };
    step(0);

    if (p.group) return output === 'detections' ? this.foldGroups(pre) : pre;
    return output === 'rows' ? rowsOut.values() : [...out.values()];
  }
}

/** A node's count in a log pass (0 for a node the graph does not hold, or one made after the pass). */
function countOf(counts: NodeCounts, no: number): number {
  return no < 0 ? 0 : (counts.byNo[no] ?? 0);
}

/** Whether a node's distinct values fall short of some dcount threshold (a loop: it is asked per listed occurrence). */
function belowDistinct(dcounts: readonly { readonly d: Int32Array; readonly k: number }[], no: number): boolean {
  for (let i = 0; i < dcounts.length; i++) if (dcounts[i]!.d[no]! < dcounts[i]!.k) return true;
  return false;
}

/** The most a threshold's count can be for a node, from a log pass: its count, or its distinct values where the pass worked them out. */
function reachOf(counts: NodeCounts, th: Threshold, no: number, k: number): number {
  const n = countOf(counts, no);
  const d = n >= k ? counts.distinct.get(th) : undefined;
  return d ? d[no]! : n;
}

/**
 * The numbers (RowCodes) of a collapsed clause's key values, written into `into`: two occurrences share
 * a key exactly when their values' stable JSON is equal, empty values normalised first.
 */
function collapseCodes(pc: PreparedClause, f: Frame, codes: RowCodes, into: number[]): number[] {
  const by = pc.collapse!;
  for (let j = 0; j < by.length; j++) into[j] = codes.code(normaliseEmpty(by[j]!(f)));
  return into;
}

/** Whether every test passes (a loop: no closure per call on the hot paths). */
function passesAll(tests: readonly Getter<Frame>[], f: Frame): boolean {
  for (let k = 0; k < tests.length; k++) if (tests[k]!(f) !== true) return false;
  return true;
}

/** Whether any of the predicates holds for the frame. */
function passesAny(tests: readonly Getter<Frame>[], f: Frame): boolean {
  for (let k = 0; k < tests.length; k++) if (tests[k]!(f) === true) return true;
  return false;
}

/** A variable's allowed node kinds when some kind an edge end can have is not among them; else undefined. */
function narrower(allowed: ReadonlySet<string> | undefined, possible: readonly string[]): ReadonlySet<string> | undefined {
  return allowed && possible.some((k) => !allowed.has(k)) ? allowed : undefined;
}

const NOTHING_FEASIBLE: readonly (readonly TimeInterval[])[] = Object.freeze([]);

/**
 * Index ranges [a, b) of `edge`'s occurrences within [i, stop) at whose times every filter's
 * threshold can hold (flattened pairs), given each filter's anchor times.
 */
function feasibleSegments(feasible: readonly (readonly TimeInterval[])[], edge: EdgeHandle, i: number, stop: number): readonly number[] {
  let segs: readonly number[] = [i, stop];
  for (const times of feasible) {
    const next: number[] = [];
    for (const t of times) {
      const a = t.loIn ? edge.lowerBound(t.lo) : edge.upperBound(t.lo);
      const b = t.hiIn ? edge.upperBound(t.hi) : edge.lowerBound(t.hi);
      for (let s = 0; s < segs.length; s += 2) {
        const lo = Math.max(a, segs[s]!);
        const hi = Math.min(b, segs[s + 1]!);
        if (lo < hi) next.push(lo, hi);
      }
    }
    segs = next;
    if (segs.length === 0) break;
  }
  return segs;
}
const ALL_TIME: readonly TimeInterval[] = Object.freeze([{ lo: -Infinity, loIn: true, hi: Infinity, hiIn: true }]);
/** No anchor time: a threshold that cannot hold anywhere. */
const NO_TIME: readonly TimeInterval[] = Object.freeze([]);

/** An object with each name set to null (a row's or a result's shape before its values). */
function nullRow(names: readonly string[]): Record<string, null> {
  return Object.fromEntries(names.map((n) => [n, null]));
}

/** Empty text is null in output, so "" and missing never make two rows. */
function normaliseEmpty(v: Value): Value {
  return v === '' ? null : v;
}

/** An output column: its name, how its value is read, and the earlier column with the same expression (read once), or -1. */
interface Column<C> {
  readonly name: string;
  readonly get: Getter<C>;
  readonly sameAs: number;
}

/**
 * Output columns from their expressions. Hunts repeat columns under entity names (IPAddress and
 * IPCustomEntity, TimeGenerated and timestamp): a column whose expression (its AST, plain data) is
 * an earlier one's takes that one's value instead of reading it again.
 */
function columnsOf<C>(defs: readonly { readonly name: string; readonly expr: Expr }[], compile: (e: Expr) => Getter<C>): Column<C>[] {
  const first = new Map<string, number>();
  return defs.map((d, k) => {
    const text = JSON.stringify(d.expr);
    const sameAs = first.get(text) ?? -1;
    if (sameAs < 0) first.set(text, k);
    return { name: d.name, get: sameAs < 0 ? compile(d.expr) : () => null, sameAs };
  });
}

/** Sets each column of `row` to its value read from ctx (empty values normalised); with codes, writes the values' RowCodes numbers into `into`. */
function fillColumns<C>(row: Record<string, Value>, columns: readonly Column<C>[], ctx: C, codes?: RowCodes | null, into?: number[]): void {
  for (let k = 0; k < columns.length; k++) {
    const c = columns[k]!;
    if (c.sameAs >= 0) {
      row[c.name] = row[columns[c.sameAs]!.name]!;
      if (codes && into) into[k] = into[c.sameAs]!;
      continue;
    }
    const v = normaliseEmpty(c.get(ctx));
    row[c.name] = v;
    if (codes && into) into[k] = codes.code(v);
  }
}

/**
 * The earliest occurrences offered (by time, then event id), at most `cap`: an aggregate's
 * evidence sample, the same whichever order the occurrences are visited in (and as the Cypher
 * compiler picks it). Event ids are read only for occurrences that enter the sample.
 */
class EarliestEvents {
  private readonly kept: { t: number; id: string }[] = [];
  constructor(private readonly cap: number) {}

  offer(t: number, edge: OccurrenceSource, i: number): void {
    const k = this.kept;
    if (k.length === this.cap && t > k[k.length - 1]!.t) return;
    const id = edge.eventId(i);
    let at = k.length;
    while (at > 0 && (k[at - 1]!.t > t || (k[at - 1]!.t === t && k[at - 1]!.id > id))) at--;
    if (at >= this.cap) return;
    k.splice(at, 0, { t, id });
    if (k.length > this.cap) k.pop();
  }

  /** The sample's event ids, sorted (as every detection lists its evidence). */
  ids(): string[] {
    return this.kept.map((x) => x.id).sort();
  }
}

/** Merges two detections of the same row: time span widened, entities and evidence united (capped, sorted). */
export function mergeDetections(a: Detection, b: Detection): Detection {
  const entities = new Map(a.entities.map((n) => [`${n.kind}:${n.key}`, n]));
  for (const n of b.entities) if (entities.size < EVIDENCE_CAP) entities.set(`${n.kind}:${n.key}`, n);
  const evidence = new Map<string, Evidence>();
  for (const e of [...a.evidence, ...b.evidence]) {
    const cur = evidence.get(e.clause);
    if (!cur) evidence.set(e.clause, e);
    else {
      const ids = new Set(cur.eventIds);
      for (const id of e.eventIds) if (ids.size < EVIDENCE_CAP) ids.add(id);
      evidence.set(e.clause, { ...cur, eventIds: [...ids].sort() });
    }
  }
  return {
    ...a,
    // A row is true from the earliest binding that completes it.
    time: Math.min(a.time, b.time),
    firstTime: Math.min(a.firstTime, b.firstTime),
    entities: sortEntities(entities.values()),
    evidence: [...evidence.values()],
  };
}
