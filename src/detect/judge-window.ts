/**
 * How far in time one occurrence can reach into a detector's rows: the
 * window a store that re-runs detectors per ingested batch (micro-batch, as
 * on Neo4j) must re-judge around the batch so that it finds exactly what the
 * streaming engine would.
 *
 * `judgeHorizon(p)` is W such that every occurrence a detection reads
 * (matched, or inside an exists/absent/aggregate window) lies within W of the
 * detection's time, and every matched occurrence within W of each other; and
 * such that the rows found over a run range covering a detection's matched
 * occurrences equal those of a whole-graph judgement (nothing else in the
 * pattern reads the run range). When that cannot be shown from the pattern,
 * the horizon is Infinity and the whole graph is judged: grouped patterns (a
 * group folds occurrences from any time), collapses (the earliest occurrence
 * per key depends on where the range starts), match clauses free of the
 * range, match clauses not tied together by bounded `temporal` constraints,
 * sub-clauses without a two-sided window, and `$start` / `$end` read outside
 * the streaming rule. The bound is conservative (sums of the durations
 * involved): a wider window costs query time, never a missed detection.
 */
import type { CompiledClause, CompiledPattern } from './compile.js';
import { timeOffset, timeTerms } from './time-offset.js';
import { walkExpr, type Expr, type Value } from './expr/ast.js';

const RUN = new Set(['start', 'end']);

/** Whether an expression reads `$start` or `$end`. */
function readsRun(e: Expr): boolean {
  let found = false;
  walkExpr(e, (x) => {
    if (x.type === 'param' && RUN.has(x.name)) found = true;
  });
  return found;
}

/**
 * How far a time expression can be from the times of bound occurrences: `v.time` is 0 away, a
 * constant (duration, number, numeric parameter) adds its size, `$start`/`$end` are as far as
 * `run` says (the streaming rule's bound, or Infinity). Anything else: Infinity.
 */
function spread(e: Expr, params: CompiledPattern['params'], run: { start: number; end: number }): number {
  const t = timeTerms(e, params);
  if (!t) return Infinity;
  const base = 'variable' in t.base ? 0 : run[t.base.run];
  return t.terms.reduce((a, b) => a + Math.abs(b), base);
}

/**
 * How far (ms) a clause's two-sided window reaches from the times of the clauses named in `from`:
 * Infinity when a side is missing or a bound reads anything but those clauses' `.time` and constants.
 */
export function windowReach(c: CompiledClause, from: ReadonlySet<string>, params: CompiledPattern['params']): number {
  const w = c.window;
  if (!w?.from || !w.to) return Infinity;
  let onlyTimes = true;
  for (const e of [w.from, w.to]) {
    walkExpr(e, (x) => {
      if (x.type === 'prop' && (x.prop !== 'time' || !from.has(x.variable))) onlyTimes = false;
    });
  }
  if (!onlyTimes) return Infinity;
  const noRun = { start: Infinity, end: Infinity };
  return Math.max(spread(w.from, params, noRun), spread(w.to, params, noRun));
}

/** Every expression of a clause other than its window. */
function clauseExprs(c: CompiledClause): Expr[] {
  return [...c.local, ...c.cross, ...(c.collapse ?? []), ...c.compute.flatMap((x) => (x.spec.arg ? [x.spec.arg] : []))];
}

/** The detector's judge horizon in ms (Infinity: judge the whole graph), with parameters overridden as given. See the module comment. */
export function judgeHorizon(pattern: CompiledPattern, params: Readonly<Record<string, Value>> = {}): number {
  const p = { ...pattern, params: { ...pattern.params, ...params } };
  if (p.group) return Infinity;
  const anchored = p.streaming !== undefined;
  const noRun = { start: Infinity, end: Infinity };
  // Under the streaming rule $start/$end are the anchor's window, as far from its time as these say.
  const run = anchored
    ? {
        start: p.streaming!.start ? spread(p.streaming!.start, p.params, noRun) : Infinity,
        end: p.streaming!.end ? spread(p.streaming!.end, p.params, noRun) : Infinity,
      }
    : noRun;

  const others = [...p.exists, ...p.absent, ...p.aggregate];
  const all = [...p.match, ...others];
  if (all.some((c) => c.collapse !== undefined)) return Infinity;
  if (p.match.some((c) => c.range !== 'run')) return Infinity;
  const plain = [...p.where, ...all.flatMap(clauseExprs), ...p.project.map((c) => c.expr)];
  // Reading the run range anywhere but in windows: rows would depend on the range judged.
  if (plain.some(readsRun) && (!anchored || run.start === Infinity || run.end === Infinity)) return Infinity;

  // Matched occurrences: tied together by temporal constraints with a bound.
  let matchSpread = 0;
  if (p.match.length > 1) {
    const parent = new Map(p.match.map((c) => [c.as, c.as]));
    const find = (x: string): string => {
      while (parent.get(x) !== x) x = parent.get(x)!;
      return x;
    };
    for (const t of p.temporal) {
      if (t.max === undefined || !parent.has(t.first) || !parent.has(t.then)) continue;
      parent.set(find(t.first), find(t.then));
      matchSpread += Math.max(Math.abs(t.min), Math.abs(t.max));
    }
    const roots = new Set(p.match.map((c) => find(c.as)));
    if (roots.size > 1) return Infinity;
  }
  // Non-anchor match clauses under the streaming rule still read the anchor's window: bounded by it too.
  let reach = matchSpread;
  for (const c of others) {
    if (c.range === 'run' && !anchored) return Infinity;
    const w = c.window;
    if (!w || !w.from || !w.to) {
      if (c.range === 'run' && anchored && run.start !== Infinity && run.end !== Infinity) {
        reach = Math.max(reach, matchSpread + Math.max(run.start, run.end));
        continue;
      }
      return Infinity;
    }
    const s = Math.max(spread(w.from, p.params, run), spread(w.to, p.params, run));
    if (s === Infinity) return Infinity;
    reach = Math.max(reach, matchSpread + s);
  }
  return reach;
}

/**
 * A clause's window as offsets from the time of match clause `m`: [m.time + lo, m.time + hi]. Under
 * the streaming rule with m the anchor, `$start` / `$end` are the anchor's window. Null when a side
 * is missing or reads anything else.
 */
export function windowOffsets(c: CompiledClause, m: string, p: CompiledPattern, params: CompiledPattern['params']): { lo: number; hi: number } | null {
  const w = c.window;
  if (!w?.from || !w.to) return null;
  const rule = p.streaming?.anchor === m ? p.streaming : undefined;
  const run = (name: 'start' | 'end') => {
    const e = name === 'start' ? rule?.start : rule?.end;
    return e ? timeOffset(e, params) : null;
  };
  const from = timeOffset(w.from, params, run);
  const to = timeOffset(w.to, params, run);
  if (!from || !to || from.variable !== m || to.variable !== m) return null;
  return { lo: from.offset, hi: to.offset };
}
