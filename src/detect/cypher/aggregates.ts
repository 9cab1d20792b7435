/**
 * Aggregate functions (../aggregates.ts) in Cypher, for group aggregates and
 * aggregate clauses alike: items for the aggregating WITH, sub-queries for
 * the order-dependent ones (make_set keeps each value's earliest time and
 * sorts by time then value key, earliest/latest break ties by value key),
 * and the final expression of each result.
 */
import type { AggregateSpec } from '../aggregates.js';
import type { CypherContext } from './context.js';
import { compareOf, emptyOf, valueKeyOf, withLet, type CypherExpr, type CypherScope } from './expression.js';

export interface AggregateInput {
  readonly name: string;
  readonly spec: AggregateSpec;
  /** The argument compiled in the row scope (null for count()). */
  readonly arg: CypherExpr | null;
}

export interface AggregatePlan {
  /** `expr AS var` items of the aggregating WITH. */
  readonly items: string[];
  /** CALL sub-queries run after the aggregating WITH. */
  readonly calls: string[];
  /** Final expression per aggregate name (reads the items' and calls' variables). */
  readonly results: Map<string, string>;
  /** Variables the items and calls define (to carry through WITH). */
  readonly vars: string[];
}

/**
 * Plans aggregates over rows. `present` is the Cypher condition that a row is
 * a real occurrence (an OPTIONAL MATCH yields one null row when none); `time`
 * the row's time for make_set/earliest/latest.
 */
export function planAggregates(
  ctx: CypherContext,
  scope: CypherScope,
  inputs: readonly AggregateInput[],
  present: string | null,
  time: string,
): AggregatePlan {
  const items: string[] = [];
  const calls: string[] = [];
  const results = new Map<string, string>();
  const vars: string[] = [];
  const when = (cond: string, value: string): string => {
    const c = [present, cond === 'true' ? null : cond].filter((x) => x !== null);
    return c.length ? `CASE WHEN ${c.join(' AND ')} THEN ${value} END` : value;
  };
  for (const { name, spec, arg } of inputs) {
    const v = `_ag${ctx.fresh()}`;
    vars.push(v);
    if (spec.fn === 'count') {
      items.push(`${present ? `count(CASE WHEN ${present} THEN 1 END)` : 'count(*)'} AS ${v}`);
      results.set(name, `CASE WHEN ${v} = 0 THEN null ELSE ${v} END`);
      continue;
    }
    const a = arg!;
    if (a.type === 'list') ctx.unsupported(`${spec.fn}() of a list has no exact Cypher equivalent`);
    switch (spec.fn) {
      case 'dcount':
        items.push(`size(collect(DISTINCT ${withLet(a, scope, (x) => when(`NOT ${emptyOf(x)}`, x.text))})) AS ${v}`);
        results.set(name, `CASE WHEN ${v} = 0 THEN null ELSE ${v} END`);
        break;
      case 'sum':
        if (a.type !== 'num') ctx.unsupported('sum() of a value that may be text (JavaScript Number() parsing has no exact Cypher equivalent)');
        items.push(`collect(${when('true', a.text)}) AS ${v}`);
        results.set(name, `CASE WHEN size(${v}) = 0 THEN null ELSE reduce(s = 0, x IN ${v} | s + x) END`);
        break;
      case 'min':
      case 'max':
        if (a.type === 'num') {
          items.push(`${spec.fn}(${when('true', a.text)}) AS ${v}`);
          results.set(name, v);
        } else {
          items.push(`collect(${withLet(a, scope, (x) => when(`NOT ${emptyOf(x)}`, x.text))}) AS ${v}`);
          const b = ctx.fresh();
          const x = ctx.fresh();
          const xe = { text: x, type: 'any' as const };
          const be = { text: b, type: 'any' as const };
          const better = compareOf(spec.fn === 'min' ? '<' : '>', xe, be, scope);
          // Ties (equal by value, written differently) go to the smaller value key, as aggregates.ts does.
          const tie = `(NOT ${compareOf('<', xe, be, scope)} AND NOT ${compareOf('>', xe, be, scope)} AND ${valueKeyOf(x)} < ${valueKeyOf(b)})`;
          results.set(name, `reduce(${b} = null, ${x} IN ${v} | CASE WHEN ${b} IS NULL THEN ${x} WHEN ${better} OR ${tie} THEN ${x} ELSE ${b} END)`);
        }
        break;
      case 'make_set': {
        items.push(`collect(${withLet(a, scope, (x) => when(`NOT ${emptyOf(x)}`, `[${x.text}, ${time}]`))}) AS ${v}`);
        const out = `${v}_set`;
        const cap = ctx.bind(spec.cap);
        calls.push(
          `CALL (${v}) { UNWIND ${v} AS _p WITH _p[0] AS _v, min(_p[1]) AS _pt ORDER BY _pt, ${valueKeyOf('_v')} RETURN collect(_v)[0..toInteger(${cap})] AS ${out} }`,
        );
        vars.push(out);
        results.set(name, out);
        break;
      }
      case 'earliest':
      case 'latest': {
        items.push(`collect(${when('true', `[${a.text}, ${time}]`)}) AS ${v}`);
        const out = `${v}_pick`;
        calls.push(
          `CALL (${v}) { UNWIND ${v} AS _p WITH _p ORDER BY _p[1] ${spec.fn === 'earliest' ? 'ASC' : 'DESC'}, ${valueKeyOf('_p[0]')} ASC RETURN head(collect(_p))[0] AS ${out} }`,
        );
        vars.push(out);
        results.set(name, out);
        break;
      }
    }
  }
  return { items, calls, results, vars };
}
