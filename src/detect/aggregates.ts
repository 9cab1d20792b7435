/**
 * Aggregate functions of patterns (group aggregates and aggregate clauses):
 * count(), dcount(e), make_set(e, cap), min(e), max(e), sum(e), earliest(e),
 * latest(e). Every accumulator gives the same result whatever order its rows
 * arrive in, which is what lets streaming equal batch under late arrival.
 */
import { IdgraphError } from '../errors.js';
import type { Expr, Value } from './expr/ast.js';
import { compare, isEmpty } from './expr/kql.js';

export const AGGREGATE_FUNCTIONS = ['count', 'dcount', 'make_set', 'min', 'max', 'sum', 'earliest', 'latest'] as const;
export type AggregateFunction = (typeof AGGREGATE_FUNCTIONS)[number];

/** A parsed aggregate call: function, argument expression and make_set's cap. */
export interface AggregateSpec {
  readonly fn: AggregateFunction;
  readonly arg: Expr | null;
  readonly cap: number;
}

/** Folds rows into one value. `time` orders rows for make_set, earliest and latest. */
export interface Accumulator {
  add(value: Value, time: number): void;
  result(): Value;
}

/** Whether an expression is a call of an aggregate function. */
export function isAggregateCall(e: Expr): boolean {
  return e.type === 'call' && (AGGREGATE_FUNCTIONS as readonly string[]).includes(e.fn);
}

/** Reads an aggregate call's function, argument and cap; throws naming the construct when malformed. */
export function aggregateSpec(e: Expr, where: string): AggregateSpec {
  if (e.type !== 'call' || !isAggregateCall(e)) {
    throw new IdgraphError('INVALID_DETECTOR', `${where}: expected an aggregate call (${AGGREGATE_FUNCTIONS.join(', ')})`);
  }
  const fn = e.fn as AggregateFunction;
  if (fn === 'count') {
    if (e.args.length !== 0) throw new IdgraphError('INVALID_DETECTOR', `${where}: count() takes no argument`);
    return { fn, arg: null, cap: 0 };
  }
  if (fn === 'make_set') {
    const capArg = e.args[1];
    if (e.args.length < 1 || e.args.length > 2 || (capArg && !(capArg.type === 'literal' && typeof capArg.value === 'number'))) {
      throw new IdgraphError('INVALID_DETECTOR', `${where}: make_set(expr[, cap]) takes an expression and a numeric cap`);
    }
    const cap = capArg && capArg.type === 'literal' ? Number(capArg.value) : 1_048_576;
    return { fn, arg: e.args[0]!, cap };
  }
  if (e.args.length !== 1) throw new IdgraphError('INVALID_DETECTOR', `${where}: ${fn}() takes one argument`);
  return { fn, arg: e.args[0]!, cap: 0 };
}

/** The key dcount() and make_set() tell values apart by. */
export const distinctKey = (v: Value): string => (typeof v === 'string' ? `s${v}` : `j${JSON.stringify(v)}`);

/** A fresh accumulator for a spec. Empty values are ignored by every function but count(). */
export function createAccumulator(spec: AggregateSpec): Accumulator {
  switch (spec.fn) {
    case 'count': {
      let n = 0;
      return { add: () => void n++, result: () => (n === 0 ? null : n) };
    }
    case 'dcount': {
      const seen = new Set<string>();
      return {
        add: (v) => {
          if (!isEmpty(v)) seen.add(distinctKey(v));
        },
        result: () => (seen.size === 0 ? null : seen.size),
      };
    }
    case 'make_set': {
      // Keep each distinct value's earliest time, so the capped set is the same in any arrival order.
      const first = new Map<string, { v: Value; t: number }>();
      return {
        add: (v, t) => {
          if (isEmpty(v)) return;
          const k = distinctKey(v);
          const cur = first.get(k);
          if (!cur || t < cur.t) first.set(k, { v, t });
        },
        result: () => {
          if (first.size === 0) return [];
          return [...first.entries()]
            .sort(([ka, a], [kb, b]) => a.t - b.t || (ka < kb ? -1 : ka > kb ? 1 : 0))
            .slice(0, spec.cap)
            .map(([, x]) => x.v);
        },
      };
    }
    case 'min':
    case 'max': {
      let best: Value = null;
      const sign = spec.fn === 'min' ? -1 : 1;
      return {
        add: (v) => {
          if (isEmpty(v)) return;
          if (best === null) best = v;
          else {
            const c = compare(v, best);
            // Values equal by value but written differently (5 and "5") tie-break by key, so arrival order never matters.
            if (c !== null && (Math.sign(c) === sign || (c === 0 && distinctKey(v) < distinctKey(best)))) best = v;
          }
        },
        result: () => best,
      };
    }
    case 'sum': {
      let total: number | null = null;
      return {
        add: (v) => {
          if (typeof v === 'number') total = (total ?? 0) + v;
          else if (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) total = (total ?? 0) + Number(v);
        },
        result: () => total,
      };
    }
    case 'earliest':
    case 'latest': {
      let best: { v: Value; t: number; k: string } | null = null;
      const earlier = spec.fn === 'earliest';
      return {
        add: (v, t) => {
          const k = distinctKey(v);
          if (
            !best ||
            (earlier ? t < best.t : t > best.t) ||
            (t === best.t && k < best.k) // ties broken by value so arrival order never matters
          ) {
            best = { v, t, k };
          }
        },
        result: () => (best ? best.v : null),
      };
    }
  }
}
