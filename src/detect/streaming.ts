/**
 * The streaming matcher. After each ingest batch is applied to the graph it
 * receives the new edge occurrences and re-judges only what they can change:
 *  - an occurrence of a plain match clause seeds an evaluation that binds it
 *    (rows can only be added), and
 *  - an occurrence of an exists, absent or aggregate clause, of a collapsed
 *    match clause, or of a non-anchor clause of an anchored pattern
 *    re-evaluates the one partition it touches (every binding of the
 *    pattern's partition variable, e.g. the user), so rows a late event
 *    refutes are withdrawn.
 * Grouped patterns keep their bindings and re-fold the groups they touch.
 * Occurrences older than the watermark minus the allowed lateness update the
 * graph but are not re-judged (they are counted).
 */
import { IdgraphError } from '../errors.js';
import type { NodeRef } from '../graph/facts.js';
import type { EdgeHandle, TemporalGraphView } from '../graph/graph-view.js';
import type { EdgeKind } from '../graph/schema.js';
import type { TemporalGraph } from '../graph/temporal-graph.js';
import type { CompiledClause, CompiledPattern } from './compile.js';
import { EVIDENCE_CAP, sortEntities, stableJson, type Detection } from './detection.js';
import { mergeDetections, PreparedPattern, type PreGroupRow } from './evaluator.js';
import { judgeHorizon, windowOffsets } from './judge-window.js';
import type { Value } from './expr/ast.js';

/** An edge occurrence the graph just gained (canonical node refs). */
export interface NewOccurrence {
  readonly kind: EdgeKind;
  readonly from: NodeRef;
  readonly to: NodeRef;
  readonly time: number;
  readonly eventId: string;
}

/** What one batch changed: detections new or updated, and those withdrawn. */
export interface StreamingChange {
  readonly upserted: Detection[];
  readonly withdrawn: Detection[];
}

export interface StreamingOptions {
  /** How late (ms behind the newest event seen) an event may arrive and still be judged. Default 24h. */
  readonly lateness?: number;
  readonly params?: Readonly<Record<string, Readonly<Record<string, Value>>>>;
}

/** Why a detector cannot run in streaming, naming the construct. */
export interface StreamingUnsupported {
  readonly detector: string;
  readonly construct: string;
  readonly reason: string;
}

/** The variable every clause of a pattern touches, which partitions its re-evaluation; or why there is none. */
export function partitionVariable(p: CompiledPattern): string | StreamingUnsupported {
  const clauses = [...p.match, ...p.exists, ...p.absent, ...p.aggregate];
  const varsOf = (c: CompiledClause): string[] => [c.from, c.to].flatMap((e) => (e.type === 'var' ? [e.var] : e.var ? [e.var] : []));
  const outer = new Set(p.match.flatMap(varsOf));
  const common = [...outer].filter((v) => clauses.every((c) => varsOf(c).includes(v)));
  if (common.length > 0) return common[0]!;
  if (p.group && p.exists.length + p.absent.length + p.aggregate.length === 0 && p.match.every((c) => !c.collapse)) {
    return ''; // monotone grouped pattern: streamed by re-folding groups, no partition needed
  }
  return {
    detector: p.id,
    construct: 'pattern',
    reason: 'no node variable is shared by every clause, so a late event cannot be confined to one partition',
  };
}

/** Seeds a re-judgement of a partition already covered: those of `clause` (null: of any clause) with times in [start, end]. */
interface Covered {
  readonly clause: string | null;
  readonly start: number;
  readonly end: number;
}

/** How to re-judge part of a partition (see partialRule). */
interface PartialRule {
  /** A plain match clause every sub-clause window is measured from: rows are re-judged for its occurrences near the new ones. */
  readonly clause: string;
  /** Every exists/absent/aggregate window lies within [clause.time + lo, clause.time + hi]. */
  readonly lo: number;
  readonly hi: number;
  /** Collapsed match clauses: an occurrence that is not its key's earliest changes nothing. */
  readonly collapsed: ReadonlySet<string>;
}

/**
 * For patterns with a plain match clause m (range 'run') that every exists/absent/aggregate window is
 * measured from, as offsets [m.time + lo, m.time + hi] (other match clauses plain, or collapsed with keys
 * read from their own occurrence and sharing no variable but the partition's; under a streaming rule,
 * m is the one plain clause, its anchor, and nothing is collapsed): a new sub-clause occurrence at t can
 * change only the rows whose m occurrence lies in [t - hi, t - lo], so the partition is re-judged there
 * only (unless a collapse changes). New occurrences of the other plain clauses are seeds, judged as
 * such. Windows that look back from m thus re-judge nothing when events arrive in order.
 */
function partialRule(p: CompiledPattern, partitionVar: string, params: Readonly<Record<string, Value>>): PartialRule | null {
  if (p.group) return null;
  const plain = p.match.filter((c) => !c.collapse);
  const collapsed = p.match.filter((c) => c.collapse);
  if (p.streaming && (plain.length !== 1 || p.streaming.anchor !== plain[0]!.as || collapsed.length > 0)) return null;
  const subClauses = [...p.exists, ...p.absent, ...p.aggregate];
  const m = plain.find((c) => c.range === 'run' && subClauses.every((x) => windowOffsets(x, c.as, p, params) !== null));
  if (!m) return null;
  const varsOf = (c: CompiledClause): string[] => [c.from.var, c.to.var].filter((v): v is string => v !== undefined);
  for (const c of collapsed) {
    if (c.window || c.from.type !== 'var' || c.to.type !== 'var') return null;
    for (const v of varsOf(c)) if (v !== partitionVar && p.match.some((o) => o !== c && varsOf(o).includes(v))) return null;
  }
  let lo = Infinity;
  let hi = -Infinity;
  for (const c of subClauses) {
    const o = windowOffsets(c, m.as, p, params);
    if (!o) return null;
    lo = Math.min(lo, o.lo);
    hi = Math.max(hi, o.hi);
  }
  if (lo > hi) return collapsed.length > 0 && plain.length === 1 ? { clause: m.as, lo: 0, hi: 0, collapsed: new Set(collapsed.map((c) => c.as)) } : null;
  return { clause: m.as, lo, hi, collapsed: new Set(collapsed.map((c) => c.as)) };
}

interface DetectorState {
  readonly p: CompiledPattern;
  readonly prepared: PreparedPattern;
  readonly partitionVar: string;
  readonly params: Readonly<Record<string, Value>>;
  /** judgeHorizon (ms): a partition is re-judged only around the new occurrences' times; Infinity: its whole history. */
  readonly horizon: number;
  /** When the pattern allows it: how to re-judge only the part of a partition a new occurrence can change. */
  readonly partial: PartialRule | null;
  readonly live: Map<string, Detection>;
  /** detection id → partitions (node keys) whose evaluation produced it. */
  readonly support: Map<string, Set<string>>;
  /** partition → detection ids it produced. */
  readonly byPartition: Map<string, Set<string>>;
  /** Grouped patterns: group key → binding identity → pre-group row. */
  readonly groups: Map<string, Map<string, PreGroupRow>>;
  /**
   * With a partial rule: the live detections citing each occurrence of its clause, so a re-judgement
   * finds the rows it can change without scanning the partition's (a heavy user's thousands).
   */
  readonly evidence: EvidenceIndex | null;
  /** The clauses an edge kind's occurrence can bind, per kind. */
  readonly clausesByKind: ReadonlyMap<EdgeKind, readonly CompiledClause[]>;
}

const partitionKey = (n: NodeRef): string => `${n.kind}:${n.key}`;

/** Finds the index of an occurrence by time and event id on a time-sorted edge. */
function occurrenceIndex(edge: EdgeHandle, time: number, eventId: string): number {
  for (let i = edge.lowerBound(time); i < edge.size && edge.time(i) === time; i++) if (edge.eventId(i) === eventId) return i;
  return -1;
}

/** Streams detections for a set of detectors over a live temporal graph. */
export class StreamingEngine {
  private readonly states: DetectorState[] = [];
  readonly unsupported: StreamingUnsupported[] = [];
  private watermark = -Infinity;
  private readonly lateness: number;
  /** Occurrences that arrived later than the allowed lateness (applied to the graph, not re-judged). */
  tooLate = 0;
  /** How partitions were re-judged: whole history, around the new occurrences (horizon), in part (partialRule), or not at all. */
  readonly rejudged = { whole: 0, bounded: 0, partial: 0, skipped: 0 };
  /** Detections renamed by node merges since the last batch (reported as upserted with it). */
  private renamed = new Map<string, Detection>();

  constructor(
    patterns: readonly CompiledPattern[],
    private readonly view: TemporalGraphView,
    opts: StreamingOptions = {},
  ) {
    this.lateness = opts.lateness ?? 24 * 3_600_000;
    // A graph that resolves entities tells of merges; detections follow them.
    (view as Partial<Pick<TemporalGraph, 'onMerge'>>).onMerge?.((m) => this.nodeMerged(m.absorbed, m.into));
    for (const p of patterns) {
      const pv = partitionVariable(p);
      if (typeof pv !== 'string') {
        this.unsupported.push(pv);
        continue;
      }
      const partial = partialRule(p, pv, { ...p.params, ...(opts.params?.[p.id] ?? {}) });
      this.states.push({
        p,
        prepared: new PreparedPattern(p, view),
        partitionVar: pv,
        params: opts.params?.[p.id] ?? {},
        horizon: judgeHorizon(p, opts.params?.[p.id]),
        partial,
        live: new Map(),
        support: new Map(),
        byPartition: new Map(),
        groups: new Map(),
        evidence: partial ? new EvidenceIndex(partial.clause) : null,
        clausesByKind: clausesByKind(p),
      });
    }
  }

  /**
   * Entity resolution merged two nodes (a user seen by object id, then by UPN with that id): live
   * detections naming the absorbed node name the surviving one, as a batch run over the graph
   * would, and its partition's detections move with it. Reported with the next batch.
   */
  nodeMerged(absorbed: NodeRef, into: NodeRef): void {
    const from = partitionKey(absorbed);
    const to = partitionKey(into);
    const rename = (n: NodeRef): NodeRef => (n.kind === absorbed.kind && n.key === absorbed.key ? into : n);
    for (const s of this.states) {
      for (const [id, d] of s.live) {
        if (!d.entities.some((n) => n.kind === absorbed.kind && n.key === absorbed.key)) continue;
        const bindings = d.bindings && Object.fromEntries(Object.entries(d.bindings).map(([v, n]) => [v, rename(n)]));
        const next: Detection = { ...d, entities: sortEntities(d.entities.map(rename)), ...(bindings ? { bindings } : {}) };
        setLive(s, next);
        this.renamed.set(id, next);
      }
      const moved = s.byPartition.get(from);
      if (!moved) continue;
      s.byPartition.delete(from);
      const target = s.byPartition.get(to) ?? new Set<string>();
      for (const id of moved) {
        target.add(id);
        const sup = s.support.get(id);
        if (sup?.delete(from)) sup.add(to);
      }
      s.byPartition.set(to, target);
    }
  }

  /** Throws UNSUPPORTED_CONSTRUCT when a detector asked for by id cannot stream. */
  assertSupported(ids: readonly string[]): void {
    for (const u of this.unsupported) {
      if (ids.includes(u.detector)) {
        throw new IdgraphError('UNSUPPORTED_CONSTRUCT', `detector ${u.detector}: ${u.construct}: streaming cannot honour it: ${u.reason}`, u);
      }
    }
  }

  /**
   * Fills the engine's state from the whole graph (after a restart or a bulk load), so later
   * events can withdraw what earlier ones found. Returns every live detection.
   */
  prime(): Detection[] {
    for (const s of this.states) {
      s.live.clear();
      s.evidence?.clear();
      s.support.clear();
      s.byPartition.clear();
      s.groups.clear();
      if (s.p.group) {
        for (const r of s.prepared.preGroupRows(this.evalOpts(s))) {
          const g = s.groups.get(r.group) ?? new Map<string, PreGroupRow>();
          g.set(r.identity, r);
          s.groups.set(r.group, g);
        }
        for (const g of s.groups.values()) for (const d of s.prepared.foldGroups(g.values())) setLive(s, d);
        continue;
      }
      for (const d of s.prepared.evaluate(this.evalOpts(s))) {
        const node = d.bindings?.[s.partitionVar];
        if (!node) continue;
        const key = partitionKey(node);
        setLive(s, d);
        s.support.set(d.id, new Set([key]));
        const ids = s.byPartition.get(key) ?? new Set<string>();
        ids.add(d.id);
        s.byPartition.set(key, ids);
      }
    }
    const span = this.view.timeSpan();
    if (span) this.watermark = Math.max(this.watermark, span.last);
    return this.current();
  }

  /** Every live detection. */
  current(): Detection[] {
    return this.states.flatMap((s) => [...s.live.values()]);
  }

  /** Judges a batch of new occurrences (already applied to the graph) and returns what changed. */
  apply(occurrences: readonly NewOccurrence[]): StreamingChange {
    const upserted = new Map(this.renamed);
    this.renamed = new Map();
    const withdrawn = new Map<string, Detection>();
    let newest = this.watermark;
    for (const o of occurrences) if (o.time > newest) newest = o.time;
    const floor = Math.min(this.watermark, newest) - this.lateness;
    this.watermark = newest;

    for (const s of this.states) {
      const partitions = new Map<string, NodeRef>();
      // Per partition, the span of the occurrences that touched it (bounds its re-judgement),
      // and whether it must be re-judged whole (a collapse may keep another occurrence).
      const spans = new Map<string, { lo: number; hi: number }>();
      const whole = new Set<string>();
      const seeds: { clause: string; edge: EdgeHandle; index: number }[] = [];
      const touchedGroups: { clause: string; edge: EdgeHandle; index: number }[] = [];
      const anchor = s.p.streaming?.anchor;
      for (const o of occurrences) {
        const clauses = s.clausesByKind.get(o.kind);
        if (!clauses) continue;
        if (o.time < floor) {
          this.tooLate++;
          continue;
        }
        const edge = this.view.edge(o.kind, o.from, o.to);
        if (!edge) continue;
        const index = occurrenceIndex(edge, o.time, o.eventId);
        if (index < 0) continue;
        for (const c of clauses) {
          if (!s.prepared.passesLocal(c.as, edge, index, s.params)) continue;
          if (s.p.group) {
            touchedGroups.push({ clause: c.as, edge, index });
            continue;
          }
          const plain = c.role === 'match' && !c.collapse && (!anchor || c.as === anchor);
          if (plain) {
            seeds.push({ clause: c.as, edge, index });
            continue;
          }
          const node = this.partitionNode(s, c, o);
          if (!node) continue;
          const key = partitionKey(node);
          partitions.set(key, node);
          if (s.partial && s.partial.collapsed.has(c.as)) {
            // A later occurrence of a collapse key changes nothing the collapse keeps.
            if (s.prepared.hasEarlierSameKey(c.as, edge, index, node, s.params) !== true) whole.add(key);
            continue;
          }
          const span = spans.get(key);
          if (!span) spans.set(key, { lo: o.time, hi: o.time });
          else {
            span.lo = Math.min(span.lo, o.time);
            span.hi = Math.max(span.hi, o.time);
          }
        }
      }
      if (s.p.group) this.refold(s, touchedGroups, upserted);
      else {
        const covered = new Map<string, Covered>();
        for (const [key, node] of partitions) {
          const span = spans.get(key);
          if (!whole.has(key) && span === undefined) {
            this.rejudged.skipped++; // only later occurrences of collapse keys
            continue;
          }
          covered.set(key, this.reevaluate(s, key, node, upserted, withdrawn, whole.has(key) ? null : span!));
        }
        for (const seed of seeds) this.addSeed(s, seed, covered, upserted);
      }
    }
    return { upserted: [...upserted.values()], withdrawn: [...withdrawn.values()] };
  }

  /** The node of the partition variable that occurrence o binds through clause c. */
  private partitionNode(s: DetectorState, c: CompiledClause, o: NewOccurrence): NodeRef | null {
    if (c.from.var === s.partitionVar) return o.from;
    if (c.to.var === s.partitionVar) return o.to;
    return null;
  }

  private evalOpts(s: DetectorState): { start: number; end: number; params: Readonly<Record<string, Value>>; anchored: boolean } {
    return { start: -Infinity, end: Infinity, params: s.params, anchored: s.p.streaming !== undefined };
  }

  /**
   * Re-evaluates one partition and replaces the detections it supports. With a finite horizon W only
   * around the occurrences that touched it (span [lo, hi]): detections whose time lies in
   * [lo - W, hi + W] read occurrences in [lo - 2W, hi + W] only, so that range is evaluated and
   * detections outside the zone are left as they are (the rule the Neo4j micro-batch judge follows).
   */
  private reevaluate(
    s: DetectorState,
    key: string,
    node: NodeRef,
    upserted: Map<string, Detection>,
    withdrawn: Map<string, Detection>,
    span: { lo: number; hi: number } | null,
  ): Covered {
    const everything: Covered = { clause: null, start: -Infinity, end: Infinity };
    const w = s.horizon;
    // The seeds this re-judgement already covers (addSeed skips those).
    let covered: Covered = everything;
    const all = s.byPartition.get(key) ?? new Set<string>();
    const prebound = { [s.partitionVar]: node };
    let fresh: Detection[];
    let before: Set<string>;
    const part = span && s.partial ? this.partialZone(s, s.partial, node, all, span) : null;
    if (part) {
      this.rejudged.partial++;
      before = part.before;
      fresh = s.prepared.evaluate({ ...this.evalOpts(s), prebound, restrict: { clause: s.partial!.clause, ...part.range } });
      covered = { clause: s.partial!.clause, ...part.range };
    } else if (span && Number.isFinite(w)) {
      // The zone bounds detection times, not seed times: every seed is still evaluated.
      covered = { clause: null, start: Infinity, end: -Infinity };
      const zone = { start: span.lo - w, end: span.hi + w };
      const inZone = (d: Detection): boolean => d.time >= zone.start && d.time <= zone.end;
      this.rejudged.bounded++;
      fresh = s.prepared.evaluate({ ...this.evalOpts(s), start: span.lo - 2 * w, end: span.hi + w, prebound }).filter(inZone);
      before = new Set([...all].filter((id) => s.live.has(id) && inZone(s.live.get(id)!)));
    } else {
      this.rejudged.whole++;
      fresh = s.prepared.evaluate({ ...this.evalOpts(s), prebound });
      before = all;
    }
    // The partition's detections become (all - before) + fresh, updated in place: a heavy user's
    // thousands of rows are not copied for each event.
    const freshIds = new Set(fresh.map((d) => d.id));
    for (const id of before) {
      if (freshIds.has(id)) continue;
      all.delete(id);
      const sup = s.support.get(id);
      sup?.delete(key);
      if (!sup || sup.size === 0) {
        const gone = s.live.get(id);
        dropLive(s, id);
        s.support.delete(id);
        upserted.delete(id);
        if (gone) withdrawn.set(id, gone);
      }
    }
    for (const d of fresh) {
      this.upsert(s, key, d, upserted, withdrawn, true);
      all.add(d.id);
    }
    if (all.size > 0) s.byPartition.set(key, all);
    else s.byPartition.delete(key);
    return covered;
  }

  /**
   * For a partial re-judgement: the plain-match times whose rows the span can change and the live
   * rows there; null when a row there is also held up by occurrences outside (or past the evidence
   * cap), so the partition must be judged another way.
   */
  private partialZone(
    s: DetectorState,
    rule: PartialRule,
    node: NodeRef,
    all: ReadonlySet<string>,
    span: { lo: number; hi: number },
  ): { range: { start: number; end: number }; before: Set<string> } | null {
    const range = { start: span.lo - rule.hi, end: span.hi - rule.lo };
    const ids = this.occurrenceIds(s, rule.clause, node, range);
    const before = new Set<string>();
    for (const x of ids) for (const id of s.evidence?.citing(x) ?? []) if (all.has(id) && s.live.has(id)) before.add(id);
    for (const id of before) {
      const own = measuringIds(s.live.get(id)!, rule.clause);
      if (own.length >= EVIDENCE_CAP || !own.every((x) => ids.has(x))) return null;
    }
    return { range, before };
  }

  /** Event ids of a clause's occurrences on a partition node's edges within a time range. */
  private occurrenceIds(s: DetectorState, clause: string, node: NodeRef, range: { start: number; end: number }): Set<string> {
    const c = s.p.match.find((m) => m.as === clause)!;
    const edges = c.from.var === s.partitionVar ? this.view.outEdgesActive(node, c.edge, range.start, range.end) : this.view.inEdgesActive(node, c.edge, range.start, range.end);
    const ids = new Set<string>();
    for (const e of edges) for (let i = e.lowerBound(range.start), stop = e.upperBound(range.end); i < stop; i++) ids.add(e.eventId(i));
    return ids;
  }

  private addSeed(s: DetectorState, seed: { clause: string; edge: EdgeHandle; index: number }, done: Map<string, Covered>, upserted: Map<string, Detection>): void {
    const c = s.p.match.find((m) => m.as === seed.clause)!;
    const node = c.from.var === s.partitionVar ? seed.edge.from : seed.edge.to;
    const key = partitionKey(node);
    const t = seed.edge.time(seed.index);
    const covered = done.get(key);
    // The partition was just re-judged where this seed lies (for its clause, or for every clause).
    if (covered && (covered.clause === null || covered.clause === seed.clause) && t >= covered.start && t <= covered.end) return;
    for (const d of s.prepared.evaluate({ ...this.evalOpts(s), seed })) {
      this.upsert(s, key, d, upserted, new Map());
      const ids = s.byPartition.get(key) ?? new Set<string>();
      ids.add(d.id);
      s.byPartition.set(key, ids);
    }
  }

  /** Records a detection of a partition; `replace` when the partition was re-evaluated in full. */
  private upsert(s: DetectorState, key: string, d: Detection, upserted: Map<string, Detection>, withdrawn: Map<string, Detection>, replace = false): void {
    const sup = s.support.get(d.id) ?? new Set<string>();
    sup.add(key);
    s.support.set(d.id, sup);
    const prev = s.live.get(d.id);
    const merged = !prev || (replace && sup.size === 1) ? d : mergeDetections(prev, d);
    setLive(s, merged);
    withdrawn.delete(d.id);
    if (!prev || prev.time !== merged.time || prev.firstTime !== merged.firstTime || detailOf(prev) !== detailOf(merged)) {
      upserted.set(d.id, merged);
    }
  }

  /** Grouped patterns: add the new bindings to their groups and re-fold those groups. */
  private refold(s: DetectorState, touched: { clause: string; edge: EdgeHandle; index: number }[], upserted: Map<string, Detection>): void {
    const changed = new Set<string>();
    for (const seed of touched) {
      for (const r of s.prepared.preGroupRows({ ...this.evalOpts(s), seed })) {
        const g = s.groups.get(r.group) ?? new Map<string, PreGroupRow>();
        if (!g.has(r.identity)) {
          g.set(r.identity, r);
          changed.add(r.group);
        }
        s.groups.set(r.group, g);
      }
    }
    for (const group of changed) {
      for (const d of s.prepared.foldGroups(s.groups.get(group)!.values())) {
        setLive(s, d);
        upserted.set(d.id, d);
      }
    }
  }
}

/** What a change to a live detection is judged on: its row, entities and evidence (a late event can swap a collapsed binding). */
function detailOf(d: Detection): string {
  return stableJson([d.row, d.entities, d.evidence]);
}

/** Event ids a detection's evidence cites for one clause. */
function measuringIds(d: Detection, clause: string): readonly string[] {
  return d.evidence.find((e) => e.clause === clause)?.eventIds ?? [];
}

/** Event id of an occurrence of one clause → the live detections whose evidence cites it. */
class EvidenceIndex {
  private readonly byEvent = new Map<string, Set<string>>();

  constructor(private readonly clause: string) {}

  /** Ids of the detections citing an event. */
  citing(eventId: string): Iterable<string> {
    return this.byEvent.get(eventId) ?? [];
  }

  add(d: Detection): void {
    for (const x of measuringIds(d, this.clause)) {
      let ids = this.byEvent.get(x);
      if (!ids) this.byEvent.set(x, (ids = new Set()));
      ids.add(d.id);
    }
  }

  remove(d: Detection): void {
    for (const x of measuringIds(d, this.clause)) {
      const ids = this.byEvent.get(x);
      if (ids?.delete(d.id) && ids.size === 0) this.byEvent.delete(x);
    }
  }

  clear(): void {
    this.byEvent.clear();
  }
}

/** Sets a live detection, keeping the evidence index in step. */
function setLive(s: DetectorState, d: Detection): void {
  const prev = s.live.get(d.id);
  s.live.set(d.id, d);
  if (!s.evidence || prev === d) return;
  if (prev) s.evidence.remove(prev);
  s.evidence.add(d);
}

/** Removes a live detection and its evidence index entries. */
function dropLive(s: DetectorState, id: string): void {
  const prev = s.live.get(id);
  if (!prev) return;
  s.live.delete(id);
  s.evidence?.remove(prev);
}

/** Per edge kind, the clauses of a pattern an occurrence of that kind can bind. */
function clausesByKind(p: CompiledPattern): Map<EdgeKind, CompiledClause[]> {
  const out = new Map<EdgeKind, CompiledClause[]>();
  for (const c of [...p.match, ...p.exists, ...p.absent, ...p.aggregate]) {
    const list = out.get(c.edge) ?? [];
    list.push(c);
    out.set(c.edge, list);
  }
  return out;
}
