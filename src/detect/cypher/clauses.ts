/**
 * Edge clauses in Cypher: the relationship pattern (node variables by label,
 * key endpoints by canonical key or alias), the time bounds the in-memory
 * evaluator applies (the run's [start, end] and the clause window), and the
 * per-role forms: MATCH (with collapse to the earliest occurrence per key),
 * EXISTS / NOT EXISTS sub-queries, and aggregate sub-queries.
 */
import type { CompiledClause, CompiledEndpoint } from '../compile.js';
import { AGGREGATE_EVIDENCE_CAP } from '../detection.js';
import { exprVariables, walkExpr, type Expr } from '../expr/ast.js';
import { planAggregates } from './aggregates.js';
import { aggregateType, aggVar, labels, nodeVar, relType, relVar, type CypherContext, type ParamView } from './context.js';
import { compileCondition, compileExpression, emptyOf, textOf, withLet, type CypherScope, type CypherType } from './expression.js';
import { canonicalKeyCypher } from './node-key.js';

export interface ClausePattern {
  /** `(a)-[r:KIND]->(b)` */
  readonly pattern: string;
  /** Conditions on the pattern: key endpoints, bounds and local predicates (cross predicates when asked). */
  readonly conditions: string[];
  /** Cypher variables the pattern binds that were not bound before. */
  readonly binds: string[];
}

/** The Cypher node a key expression names: canonical key, then alias (as TemporalGraph.resolve looks it up). */
function keyCondition(ctx: CypherContext, scope: CypherScope, node: string, ep: Extract<CompiledEndpoint, { type: 'key' }>): string {
  const raw = compileExpression(ep.key, scope);
  const key = withLet(raw, scope, (v) => `CASE WHEN ${emptyOf(v)} THEN null ELSE ${canonicalKeyCypher(ep.kind, textOf(v, scope))} END`);
  const k = ctx.fresh();
  return `[${k} IN [${key}] | ${node}.key = ${k} OR ${k} IN coalesce(${node}.aliases, [])][0]`;
}

function endpoint(
  ctx: CypherContext,
  scope: CypherScope,
  c: CompiledClause,
  ep: CompiledEndpoint,
  side: 'from' | 'to',
  bound: ReadonlySet<string>,
  out: { conditions: string[]; binds: string[] },
): string {
  if (ep.type === 'var') {
    const v = nodeVar(ep.var);
    if (bound.has(v) || out.binds.includes(v)) return `(${v})`;
    out.binds.push(v);
    return `(${v}:${labels(ctx.p.nodeVars.get(ep.var) ?? [])})`;
  }
  for (const needed of exprVariables(ep.key)) {
    const isBound = bound.has(relVar(needed)) || bound.has(nodeVar(needed)) || ctx.aggregateOutputs.has(needed);
    if (!isBound) ctx.unsupported(`the key of ${side} reads '${needed}', which is not bound when this clause is matched`, `${c.path}.${side}.key`);
  }
  const v = ep.var ? nodeVar(ep.var) : `k_${c.as}_${side}`;
  out.conditions.push(keyCondition(ctx, scope, v, ep));
  if (bound.has(v) || out.binds.includes(v)) return `(${v})`;
  out.binds.push(v);
  return `(${v}:${labels([ep.kind])})`;
}

/** The pattern and conditions of a clause, given the Cypher variables already bound. */
export function clausePattern(
  ctx: CypherContext,
  c: CompiledClause,
  view: ParamView,
  bound: ReadonlySet<string>,
  withCross: boolean,
): ClausePattern {
  ctx.path = c.path;
  const scope = ctx.scope(view);
  const out = { conditions: [] as string[], binds: [] as string[] };
  const r = relVar(c.as);
  const from = endpoint(ctx, scope, c, c.from, 'from', bound, out);
  const to = endpoint(ctx, scope, c, c.to, 'to', bound, out);
  out.binds.push(r);
  const conds = out.conditions;
  // A sub-query whose node is bound expands from that node: keep the planner off the global time index there
  // (`+ 0` hides the property from index seeks), or it scans every occurrence in the window for every row.
  const fromBound = c.role !== 'match' && [c.from, c.to].some((ep) => ep.var !== undefined && bound.has(nodeVar(ep.var)));
  const t = fromBound ? `(${r}.time + 0)` : `${r}.time`;
  if (c.range === 'run') conds.push(`${t} >= ${view.start}`, `${t} <= ${view.end}`);
  if (c.window?.from) {
    ctx.path = `${c.path}.window.from`;
    conds.push(`${t} ${c.window.fromInclusive ? '>=' : '>'} ${compileExpression(c.window.from, scope).text}`);
  }
  if (c.window?.to) {
    ctx.path = `${c.path}.window.to`;
    conds.push(`${t} ${c.window.toInclusive ? '<=' : '<'} ${compileExpression(c.window.to, scope).text}`);
  }
  ctx.path = `${c.path}.where`;
  for (const e of c.local) conds.push(compileCondition(e, scope));
  if (withCross) for (const e of c.cross) conds.push(compileCondition(e, scope));
  return { pattern: `${from}-[${r}:${relType(c.edge)}]->${to}`, conditions: conds, binds: out.binds };
}

const where = (conds: readonly string[]): string => (conds.length ? ` WHERE ${conds.join(' AND ')}` : '');

/** `EXISTS { ... }` (or NOT EXISTS) for an exists/absent clause. */
export function existsSubquery(ctx: CypherContext, c: CompiledClause, view: ParamView, bound: ReadonlySet<string>): string {
  const cp = clausePattern(ctx, c, view, bound, true);
  return `${c.role === 'absent' ? 'NOT ' : ''}EXISTS { MATCH ${cp.pattern}${where(cp.conditions)} }`;
}

/** The variable an exists clause's or aggregate clause's evidence (event ids) is held in. */
export const evidenceVar = (clause: string): string => `ev_${clause}`;

/**
 * An exists clause that also keeps the earliest occurrence's event id as evidence: a CALL
 * sub-query, so a row without an occurrence is dropped as EXISTS would drop it.
 */
export function existsEvidenceSubquery(ctx: CypherContext, c: CompiledClause, view: ParamView, bound: ReadonlySet<string>): string {
  const cp = clausePattern(ctx, c, view, bound, true);
  const r = relVar(c.as);
  return `CALL (*) { MATCH ${cp.pattern}${where(cp.conditions)} RETURN ${r}.eventId AS ${evidenceVar(c.as)} ORDER BY ${r}.time, ${r}.eventId LIMIT 1 }`;
}

/** A CALL sub-query computing an aggregate clause's values for each row (null when no occurrence). */
export function aggregateSubquery(ctx: CypherContext, c: CompiledClause, view: ParamView, bound: ReadonlySet<string>): string[] {
  const cp = clausePattern(ctx, c, view, bound, true);
  return aggregateBody(ctx, c, view, `OPTIONAL MATCH ${cp.pattern}${where(cp.conditions)}`);
}

function aggregateBody(ctx: CypherContext, c: CompiledClause, view: ParamView, source: string): string[] {
  const r = relVar(c.as);
  ctx.path = `${c.path}.compute`;
  const scope = ctx.scope(view);
  const inputs = c.compute.map(({ name, spec }) => ({ name, spec, arg: spec.arg ? compileExpression(spec.arg, scope) : null }));
  const plan = planAggregates(ctx, scope, inputs, `${r} IS NOT NULL`, ctx.timeVars.get(c.as) ?? `${r}.time`);
  const n = `_n${ctx.fresh()}`;
  const outputs = new Map<string, CypherType>();
  for (const { name, spec, arg } of inputs) outputs.set(name, aggregateType(spec, arg?.type));
  ctx.aggregateOutputs.set(c.as, outputs);
  const returns = inputs.map(({ name }) => `CASE WHEN ${n} = 0 THEN null ELSE ${plan.results.get(name)!} END AS ${aggVar(c.as, name)}`);
  // Evidence: the earliest occurrences aggregated (by time, then event id), as many as the in-memory evaluator keeps.
  const pairs = `_evp${ctx.fresh()}`;
  const ev = ctx.evidence ? [`collect(CASE WHEN ${r} IS NOT NULL THEN [${ctx.timeVars.get(c.as) ?? `${r}.time`}, ${r}.eventId] END) AS ${pairs}`] : [];
  const evCall = ctx.evidence
    ? [`CALL (${pairs}) { UNWIND ${pairs} AS _e WITH _e ORDER BY _e[0], _e[1] LIMIT toInteger(${ctx.bind(AGGREGATE_EVIDENCE_CAP)}) RETURN collect(_e[1]) AS ${evidenceVar(c.as)} }`]
    : [];
  if (ctx.evidence) returns.push(evidenceVar(c.as));
  return [
    'CALL (*) {',
    `  ${source}`,
    `  WITH count(${r}) AS ${n}${[...plan.items, ...ev].map((i) => `, ${i}`).join('')}`,
    ...[...plan.calls, ...evCall].map((x) => `  ${x}`),
    `  RETURN ${returns.join(', ')}`,
    '}',
  ];
}

/** Lines that keep, per frame (bound variables) and collapse key, only the earliest occurrence of a just-matched clause. */
export function collapseLines(ctx: CypherContext, c: CompiledClause, view: ParamView, frame: readonly string[], newBinds: readonly string[]): string[] {
  ctx.path = `${c.path}.collapse`;
  const scope = ctx.scope(view);
  const r = relVar(c.as);
  const key = (c.collapse ?? []).map((e) => {
    const x = compileExpression(e, scope);
    if (x.type === 'list') ctx.unsupported('collapse by a list value');
    return withLet(x, scope, (v) => `CASE WHEN ${v.text} = '' THEN null ELSE ${v.text} END`);
  });
  const keep = ['_key', ...frame];
  const kept = `_kept${ctx.fresh()}`;
  return [
    `WITH ${[...frame, `[${key.join(', ')}] AS _key`, ...newBinds].join(', ')}`,
    `ORDER BY ${r}.time, ${r}.eventId`,
    `WITH ${[...keep, `collect([${newBinds.join(', ')}])[0] AS ${kept}`].join(', ')}`,
    `WITH ${[...frame, ...newBinds.map((b, i) => `${kept}[${i}] AS ${b}`)].join(', ')}`,
  ];
}

/**
 * The pre-collected form of an aggregate clause on a bound node:
 * rows are grouped by that node, the node's occurrences that pass the clause's
 * row-independent predicates are collected once per node, and each row then
 * filters that list by its window and cross predicates. Equal to the per-row
 * sub-query (same occurrences, same predicates), but a node's relationships
 * are read once instead of once per row. Null when the clause does not qualify
 * (a key endpoint, or no bound node to group by).
 */
export interface Precollected {
  /** Lines that group rows by node, collect the occurrences and restore the rows. */
  readonly lines: string[];
  /** `UNWIND <list> ... WHERE <row conditions>`: binds the clause's variables for one row's occurrences. */
  readonly perRow: string;
}

export function precollect(ctx: CypherContext, c: CompiledClause, view: ParamView, bound: ReadonlySet<string>): Precollected | null {
  if (c.from.type === 'key' || c.to.type === 'key') return null;
  const ends = [c.from.var!, c.to.var!].map(nodeVar);
  const groupBy = [...new Set(ends.filter((v) => bound.has(v)))];
  if (groupBy.length === 0) return null;
  ctx.path = c.path;
  const scope = ctx.scope(view);
  const r = relVar(c.as);
  const fresh = [...new Set(ends.filter((v) => !bound.has(v)))];
  const pattern = `(${ends[0]}${groupBy.includes(ends[0]!) ? '' : `:${labels(ctx.p.nodeVars.get(c.from.var!) ?? [])}`})-[${r}:${relType(c.edge)}]->(${ends[1]}${groupBy.includes(ends[1]!) || ends[1] === ends[0] ? '' : `:${labels(ctx.p.nodeVars.get(c.to.var!) ?? [])}`})`;
  // Predicates that read $start/$end depend on the row when the streaming rule moved them into variables.
  const rowParams = view.start !== '$start' || view.end !== '$end';
  const readsRun = (e: Expr): boolean => {
    let hit = false;
    walkExpr(e, (x) => {
      if (x.type === 'param' && (x.name === 'start' || x.name === 'end')) hit = true;
    });
    return hit;
  };
  ctx.path = `${c.path}.where`;
  const pre: string[] = [];
  const perRow: string[] = [];
  for (const e of c.local) (rowParams && readsRun(e) ? perRow : pre).push(compileCondition(e, scope));
  // From here on the clause's time is read from the list, not from the relationship.
  const id = ctx.fresh();
  const timeVar = `_rt${id}`;
  ctx.timeVars.set(c.as, timeVar);
  if (c.range === 'run') perRow.push(`${timeVar} >= ${view.start}`, `${timeVar} <= ${view.end}`);
  if (c.window?.from) {
    ctx.path = `${c.path}.window.from`;
    perRow.push(`${timeVar} ${c.window.fromInclusive ? '>=' : '>'} ${compileExpression(c.window.from, scope).text}`);
  }
  if (c.window?.to) {
    ctx.path = `${c.path}.window.to`;
    perRow.push(`${timeVar} ${c.window.toInclusive ? '<=' : '<'} ${compileExpression(c.window.to, scope).text}`);
  }
  ctx.path = `${c.path}.where`;
  for (const e of c.cross) perRow.push(compileCondition(e, scope));
  const rows = `_rows${id}`;
  const list = `_pre${id}`;
  const carried = [...bound].filter((v) => !groupBy.includes(v));
  const lines = [
    `WITH ${[...groupBy, `collect({${carried.map((v) => `${v}: ${v}`).join(', ')}}) AS ${rows}`].join(', ')}`,
    `CALL (${groupBy.join(', ')}) { MATCH ${pattern}${where(pre)} RETURN collect([${[`${r}.time`, r, ...fresh].join(', ')}]) AS ${list} }`,
    `UNWIND ${rows} AS _row`,
    `WITH ${[...groupBy, list, ...carried.map((v) => `_row.${v} AS ${v}`)].join(', ')}`,
  ];
  const binds = [timeVar, r, ...fresh].map((v, i) => `_x[${i}] AS ${v}`).join(', ');
  return { lines, perRow: `UNWIND ${list} AS _x WITH *, ${binds}${where(perRow)}` };
}

/** The aggregate CALL over a pre-collected clause. */
export function aggregatePrecollected(ctx: CypherContext, c: CompiledClause, view: ParamView, pc: Precollected): string[] {
  return aggregateBody(ctx, c, view, pc.perRow);
}
