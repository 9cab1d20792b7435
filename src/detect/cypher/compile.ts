/**
 * Compiles a detector's pattern to one parameterised Cypher query that
 * returns the same rows as the in-memory evaluator (../evaluator.ts), step by
 * step in the same order: match clauses in the evaluator's plan order (which
 * fixes what a collapse keeps), each check at the first step where everything
 * it reads is bound, then exists/absent sub-queries, aggregate sub-queries,
 * the checks that read aggregates, and grouping or projection.
 *
 * The query takes $start and $end (epoch ms), the detector's parameters as
 * $p_<name>, and every literal of the detector file as $l<n>. Labels and
 * relationship types come from the schema's allow-lists and property names
 * from the schema; nothing read from a detector is spliced into the text.
 */
import type { CompiledClause, CompiledPattern } from '../compile.js';
import { EVIDENCE_CAP } from '../detection.js';
import { exprVariables, type Expr } from '../expr/ast.js';
import { planAggregates } from './aggregates.js';
import { aggregatePrecollected, aggregateSubquery, clausePattern, collapseLines, evidenceVar, existsEvidenceSubquery, existsSubquery, precollect } from './clauses.js';
import { aggregateType, aggVar, CypherContext, groupVar, nodeVar, relVar, type ParamView } from './context.js';
import { compileCondition, compileExpression, withLet, type CypherExpr } from './expression.js';

export interface CypherQuery {
  readonly cypher: string;
  /** Parameter values: detector defaults ($p_<name>) and literals ($l<n>); the caller adds $start and $end. */
  readonly params: Record<string, unknown>;
  /** Output columns in order (the query returns them as c_<name>). */
  readonly columns: string[];
  /** For grouped patterns: the group-by columns the query also returns as k_<name> (the row identity). */
  readonly groupKeys: string[];
  /** With `evidence`: what else each record holds (see EvidenceColumns). */
  readonly evidence?: EvidenceColumns;
}

/**
 * A record's entities and evidence, as the in-memory evaluator gives a detection's: `_first`
 * (earliest matched occurrence), `e_<var>` (distinct [kind, key] pairs a node variable of the
 * match clauses took, up to the cap) and `v_<clause>` (event ids per clause: every matched
 * occurrence, the earliest of each exists clause, up to ten aggregated per row).
 */
export interface EvidenceColumns {
  readonly nodeVars: readonly string[];
  readonly clauses: readonly { readonly clause: string; readonly role: 'match' | 'exists' | 'aggregate'; readonly edge: string }[];
}


export interface CypherOptions {
  /** Judge each anchor with the pattern's streaming rule (hunt 1's window from the registration). */
  readonly anchored?: boolean;
  /** Read a bound node's occurrences once for all its rows in aggregate clauses (default true). */
  readonly precollect?: boolean;
  /** Also return each row's entities and evidence (EvidenceColumns): for detections, not hunts. */
  readonly evidence?: boolean;
}

/** The evaluator's plan: the anchor (or first clause) first, then each next clause sharing a bound node when one does. */
function planOrder(p: CompiledPattern, first: string | undefined): CompiledClause[] {
  const remaining = [...p.match];
  const bound = new Set<string>();
  const order: CompiledClause[] = [];
  const take = (c: CompiledClause): void => {
    order.push(c);
    remaining.splice(remaining.indexOf(c), 1);
    bound.add(c.as);
    for (const e of [c.from, c.to]) if (e.var) bound.add(e.var);
  };
  if (first) take(remaining.find((c) => c.as === first)!);
  while (remaining.length > 0) {
    const connected = remaining.find((c) => (c.from.var && bound.has(c.from.var)) || (c.to.var && bound.has(c.to.var)));
    take(connected ?? remaining[0]!);
  }
  return order;
}

interface Check {
  readonly path: string;
  readonly needs: ReadonlySet<string>;
  readonly render: (view: ParamView) => string;
}

/** Compiles a pattern to Cypher; throws UNSUPPORTED_CONSTRUCT naming the detector and construct it cannot honour exactly. */
export function compileCypher(p: CompiledPattern, opts: CypherOptions = {}): CypherQuery {
  const ctx = new CypherContext(p);
  ctx.evidence = opts.evidence === true;
  const anchor = opts.anchored ? p.streaming?.anchor : undefined;
  const order = planOrder(p, anchor);
  const aggVars = new Set(p.aggregate.map((c) => c.as));
  const matchVars = new Set<string>();
  for (const c of p.match) {
    matchVars.add(c.as);
    for (const e of [c.from, c.to]) if (e.var) matchVars.add(e.var);
  }

  const condition = (path: string, e: Expr) => (view: ParamView) => {
    ctx.path = path;
    return compileCondition(e, ctx.scope(view));
  };
  const checks: Check[] = [];
  const late: Check[] = [];
  for (const c of p.match) for (const e of c.cross) checks.push({ path: `${c.path}.where`, needs: exprVariables(e), render: condition(`${c.path}.where`, e) });
  for (const e of p.where) {
    const needs = exprVariables(e);
    const check = { path: 'pattern.where', needs, render: condition('pattern.where', e) };
    if ([...needs].some((v) => aggVars.has(v))) late.push(check);
    else checks.push(check);
  }
  p.temporal.forEach((t, i) => {
    checks.push({
      path: `pattern.temporal[${i}]`,
      needs: new Set([t.first, t.then]),
      render: () => {
        const d = `(${relVar(t.then)}.time - ${relVar(t.first)}.time)`;
        const parts = [`${d} >= ${ctx.bind(t.min)}`];
        if (t.max !== undefined) parts.push(`${d} ${t.maxInclusive ? '<=' : '<'} ${ctx.bind(t.max)}`);
        return `(${parts.join(' AND ')})`;
      },
    });
  });
  // Each check is due at the first step where all it reads is bound.
  const due: Check[][] = order.map(() => []);
  const boundSoFar = new Set<string>();
  const boundAt = order.map((c) => {
    boundSoFar.add(c.as);
    for (const e of [c.from, c.to]) if (e.var) boundSoFar.add(e.var);
    return new Set(boundSoFar);
  });
  for (const ch of checks) {
    const step = boundAt.findIndex((s) => [...ch.needs].every((v) => s.has(v)));
    if (step === -1) {
      const missing = [...ch.needs].filter((v) => !matchVars.has(v));
      ctx.unsupported(`reads ${missing.map((v) => `'${v}'`).join(', ')}, bound by no match clause`, ch.path);
    }
    due[step]!.push(ch);
  }
  for (const ch of late) {
    for (const v of ch.needs) if (!matchVars.has(v) && !aggVars.has(v)) ctx.unsupported(`reads '${v}', bound by no match clause`, ch.path);
  }

  const lines: string[] = [];
  const bound = new Set<string>();
  let view: ParamView = { start: '$start', end: '$end' };
  order.forEach((c, k) => {
    const cp = clausePattern(ctx, c, view, bound, false);
    const dueNow = (): string[] => due[k]!.map((ch) => ch.render(view));
    if (!c.collapse) {
      lines.push(`MATCH ${cp.pattern}`);
      const conds = [...cp.conditions, ...dueNow()];
      if (conds.length) lines.push(`WHERE ${conds.join('\n  AND ')}`);
    } else {
      lines.push(`MATCH ${cp.pattern}`);
      if (cp.conditions.length) lines.push(`WHERE ${cp.conditions.join('\n  AND ')}`);
      lines.push(...collapseLines(ctx, c, view, [...bound], cp.binds));
    }
    for (const b of cp.binds) bound.add(b);
    if (c.collapse) {
      const conds = dueNow();
      if (conds.length) lines.push(`WITH * WHERE ${conds.join('\n  AND ')}`);
    }
    if (k === 0 && anchor && c.as === anchor && p.streaming) {
      // The streaming rule: later clauses see the window this anchor fixes.
      ctx.path = 'pattern.streaming';
      const scope = ctx.scope(view);
      const start = p.streaming.start ? compileExpression(p.streaming.start, scope).text : view.start;
      const end = p.streaming.end ? compileExpression(p.streaming.end, scope).text : view.end;
      lines.push(`WITH *, ${start} AS _start, ${end} AS _end`);
      bound.add('_start');
      bound.add('_end');
      view = { start: '_start', end: '_end' };
    }
  });

  // Frame time: the latest matched occurrence (the evaluator's detection time).
  const times = order.map((c) => `${relVar(c.as)}.time`);
  const frameTime =
    times.length === 1 ? times[0]! : `reduce(m = ${times[0]!}, x IN [${times.slice(1).join(', ')}] | CASE WHEN x > m THEN x ELSE m END)`;
  lines.push(`WITH *, ${frameTime} AS _t`);
  bound.add('_t');
  if (ctx.evidence) {
    const firstTime = times.length === 1 ? times[0]! : `reduce(m = ${times[0]!}, x IN [${times.slice(1).join(', ')}] | CASE WHEN x < m THEN x ELSE m END)`;
    lines.push(`WITH *, ${firstTime} AS _ft`);
    bound.add('_ft');
  }
  // Exists/absent, then aggregates, as the evaluator applies them. Exists/absent stay per-row
  // sub-queries (they stop at the first occurrence); an aggregate on a bound node reads that
  // node's occurrences once for all its rows (precollect: 3x faster on the fatigue and spray detectors).
  // With evidence, an exists clause is a CALL that also returns the occurrence it found.
  const semi = [...(ctx.evidence ? [] : p.exists), ...p.absent].map((c) => existsSubquery(ctx, c, view, bound));
  if (semi.length) lines.push(`WITH * WHERE ${semi.join('\n  AND ')}`);
  if (ctx.evidence) {
    for (const c of p.exists) {
      lines.push(existsEvidenceSubquery(ctx, c, view, bound));
      bound.add(evidenceVar(c.as));
    }
  }
  for (const c of p.aggregate) {
    const pc = opts.precollect === false ? null : precollect(ctx, c, view, bound);
    lines.push(...(pc ? [...pc.lines, ...aggregatePrecollected(ctx, c, view, pc)] : aggregateSubquery(ctx, c, view, bound)));
    for (const x of c.compute) bound.add(aggVar(c.as, x.name));
    if (ctx.evidence) bound.add(evidenceVar(c.as));
  }
  if (late.length) lines.push(`WITH * WHERE ${late.map((ch) => ch.render(view)).join('\n  AND ')}`);

  const columns = p.project.map((c) => c.name);
  const groupKeys: string[] = [];
  const detail = ctx.evidence ? evidenceItems(ctx) : null;
  if (!p.group) {
    ctx.path = 'pattern.project';
    const scope = ctx.scope(view);
    const items = p.project.map((c) => {
      ctx.path = `pattern.project.${c.name}`;
      return `${compileExpression(c.expr, scope).text} AS c_${c.name}`;
    });
    lines.push(`RETURN ${[...items, 'min(_t) AS _time', ...(detail?.items ?? [])].join(',\n  ')}`);
  } else {
    const g = p.group;
    ctx.path = 'pattern.group';
    const scope = ctx.scope(view);
    const by = g.by.map((c) => {
      ctx.path = `pattern.group.by.${c.name}`;
      const x = compileExpression(c.expr, scope);
      if (x.type === 'list') ctx.unsupported('grouping by a list value');
      return { name: c.name, x, text: withLet(x, scope, (v) => `CASE WHEN ${v.text} = '' THEN null ELSE ${v.text} END`) };
    });
    const inputs = g.aggregate.map((c) => {
      ctx.path = `pattern.group.aggregate.${c.name}`;
      return { name: c.name, spec: c.spec, arg: c.spec.arg ? compileExpression(c.spec.arg, scope) : null };
    });
    ctx.path = 'pattern.group.aggregate';
    const plan = planAggregates(ctx, scope, inputs, null, '_t');
    const keys = by.map((b) => `${b.text} AS ${groupVar(b.name)}`);
    lines.push(`WITH ${[...keys, 'max(_t) AS _time', ...plan.items, ...(detail?.items ?? [])].join(', ')}`);
    lines.push(...plan.calls);
    const columnsMap = new Map<string, CypherExpr>();
    for (const b of by) columnsMap.set(b.name, { text: groupVar(b.name), type: b.x.type === 'bool' ? 'any' : b.x.type });
    const finals = inputs.map((i) => {
      columnsMap.set(i.name, { text: groupVar(i.name), type: aggregateType(i.spec, i.arg?.type) });
      return `${plan.results.get(i.name)!} AS ${groupVar(i.name)}`;
    });
    lines.push(`WITH ${[...by.map((b) => groupVar(b.name)), '_time', ...finals, ...(detail?.names ?? [])].join(', ')}`);
    const post = ctx.scope({ start: 'null', end: 'null', postGroup: true }, columnsMap);
    const items = p.project.map((c) => {
      ctx.path = `pattern.project.${c.name}`;
      return `${compileExpression(c.expr, post).text} AS c_${c.name}`;
    });
    for (const b of by) groupKeys.push(b.name);
    lines.push(`RETURN ${[...items, ...by.map((b) => `${groupVar(b.name)} AS k_${b.name}`), '_time', ...(detail?.names ?? [])].join(',\n  ')}`);
  }
  return { cypher: lines.join('\n'), params: ctx.params, columns, groupKeys, ...(detail ? { evidence: detail.columns } : {}) };
}

/** The aggregating items that gather a row's entities and evidence over its bindings. */
function evidenceItems(ctx: CypherContext): { items: string[]; names: string[]; columns: EvidenceColumns } {
  const p = ctx.p;
  const cap = `toInteger(${ctx.bind(EVIDENCE_CAP)})`;
  const nodeVars: string[] = [];
  for (const c of p.match) for (const e of [c.from, c.to]) if (e.var && !nodeVars.includes(e.var)) nodeVars.push(e.var);
  const items = ['min(_ft) AS _first'];
  for (const v of nodeVars) {
    const kinds = [...(p.nodeVars.get(v) ?? [])];
    const kind = kinds.length === 1 ? ctx.bind(kinds[0]) : `[l IN labels(${nodeVar(v)}) WHERE l IN ${ctx.bind(kinds)}][0]`;
    items.push(`collect(DISTINCT [${kind}, ${nodeVar(v)}.key])[0..${cap}] AS e_${v}`);
  }
  const clauses: EvidenceColumns['clauses'][number][] = [];
  for (const c of p.match) {
    clauses.push({ clause: c.as, role: 'match', edge: c.edge });
    items.push(`collect(DISTINCT ${relVar(c.as)}.eventId)[0..${cap}] AS v_${c.as}`);
  }
  for (const c of p.exists) {
    clauses.push({ clause: c.as, role: 'exists', edge: c.edge });
    items.push(`collect(DISTINCT ${evidenceVar(c.as)})[0..${cap}] AS v_${c.as}`);
  }
  for (const c of p.aggregate) {
    clauses.push({ clause: c.as, role: 'aggregate', edge: c.edge });
    items.push(`collect(${evidenceVar(c.as)})[0..${cap}] AS v_${c.as}`);
  }
  const names = ['_first', ...nodeVars.map((v) => `e_${v}`), ...clauses.map((c) => `v_${c.clause}`)];
  return { items, names, columns: { nodeVars, clauses } };
}
