/**
 * Aggregate functions of patterns (group aggregates and aggregate clauses):
 * count(), dcount(e), make_set(e, cap), min(e), max(e), sum(e), earliest(e),
 * latest(e). Every accumulator gives the same result whatever order its rows
 * arrive in, which is what lets streaming equal batch under late arrival.
 */
import { IdgraphError } from '../errors.js';
import type { Expr, Value } from './expr/ast.js';
import { compare, isEmpty } from './expr/kql.js';
import { RowCodes } from './row-codes.js';

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
  /** Empties it, so one accumulator serves binding after binding (an aggregate clause runs once per row). */
  reset(): void;
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

class CountAccumulator implements Accumulator {
  private n = 0;
  add(): void {
    this.n++;
  }
  result(): Value {
    return this.n === 0 ? null : this.n;
  }
  reset(): void {
    this.n = 0;
  }
}

/** Distinct values by their RowCodes numbers: the same classes as distinctKey's, without a key string made per value. */
class DcountAccumulator implements Accumulator {
  private readonly seen = new RowCodes();
  add(v: Value): void {
    if (!isEmpty(v)) this.seen.code(v);
  }
  result(): Value {
    return this.seen.size === 0 ? null : this.seen.size;
  }
  reset(): void {
    this.seen.clear();
  }
}

/** Keeps each distinct value's earliest time, so the capped set is the same in any arrival order. */
class MakeSetAccumulator implements Accumulator {
  /** Distinct values numbered as dcount's are; first[n] is value n's earliest arrival. */
  private readonly codes = new RowCodes();
  private readonly first: { v: Value; t: number }[] = [];
  constructor(private readonly cap: number) {}
  add(v: Value, t: number): void {
    if (isEmpty(v)) return;
    const n = this.codes.code(v);
    const cur = this.first[n];
    if (!cur) this.first[n] = { v, t };
    else if (t < cur.t) {
      cur.v = v;
      cur.t = t;
    }
  }
  result(): Value {
    if (this.first.length === 0) return [];
    const all = this.first.slice();
    // Ties in time are ordered by distinctKey, made only for them.
    all.sort((a, b) => a.t - b.t || keyOrder(a.v, b.v));
    return all.slice(0, this.cap).map((x) => x.v);
  }
  reset(): void {
    this.codes.clear();
    this.first.length = 0;
  }
}

class ExtremeAccumulator implements Accumulator {
  private best: Value = null;
  constructor(private readonly sign: 1 | -1) {}
  add(v: Value): void {
    if (isEmpty(v)) return;
    if (this.best === null) this.best = v;
    else {
      const c = compare(v, this.best);
      // Values equal by value but written differently (5 and "5") tie-break by key, so arrival order never matters.
      if (c !== null && (Math.sign(c) === this.sign || (c === 0 && keyOrder(v, this.best) < 0))) this.best = v;
    }
  }
  result(): Value {
    return this.best;
  }
  reset(): void {
    this.best = null;
  }
}

class SumAccumulator implements Accumulator {
  private total: number | null = null;
  add(v: Value): void {
    if (typeof v === 'number') this.total = (this.total ?? 0) + v;
    else if (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) this.total = (this.total ?? 0) + Number(v);
  }
  result(): Value {
    return this.total;
  }
  reset(): void {
    this.total = null;
  }
}

class TimeEndAccumulator implements Accumulator {
  private best: { v: Value; t: number } | null = null;
  constructor(private readonly earlier: boolean) {}
  add(v: Value, t: number): void {
    const b = this.best;
    // Ties in time are broken by value (distinctKey, made only for them) so arrival order never matters.
    if (!b || (this.earlier ? t < b.t : t > b.t) || (t === b.t && keyOrder(v, b.v) < 0)) this.best = { v, t };
  }
  result(): Value {
    return this.best ? this.best.v : null;
  }
  reset(): void {
    this.best = null;
  }
}

/** Orders two values by their distinctKey. */
function keyOrder(a: Value, b: Value): number {
  const ka = distinctKey(a);
  const kb = distinctKey(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/** A fresh accumulator for a spec. Empty values are ignored by every function but count(). */
export function createAccumulator(spec: AggregateSpec): Accumulator {
  switch (spec.fn) {
    case 'count':
      return new CountAccumulator();
    case 'dcount':
      return new DcountAccumulator();
    case 'make_set':
      return new MakeSetAccumulator(spec.cap);
    case 'min':
      return new ExtremeAccumulator(-1);
    case 'max':
      return new ExtremeAccumulator(1);
    case 'sum':
      return new SumAccumulator();
    case 'earliest':
      return new TimeEndAccumulator(true);
    case 'latest':
      return new TimeEndAccumulator(false);
  }
}
