/**
 * Time expressions of the shape windows use: a clause's `.time` (or `$start` / `$end`) plus or
 * minus constants (`ok.time - $window`, `$start - 30d`). One walker reads them; the judge window
 * sums the constants' sizes (how far the time can be from its base), the evaluator and the
 * streaming engine add them up with their signs (the exact offset from the base).
 */
import type { Expr, Value } from './expr/ast.js';

/** A constant duration in ms (a duration, a number, a numeric parameter, negated or not), or undefined. */
export function constantMs(x: Expr, params: Readonly<Record<string, Value>>): number | undefined {
  if (x.type === 'duration') return x.ms;
  if (x.type === 'literal' && typeof x.value === 'number') return x.value;
  if (x.type === 'param' && x.name !== 'start' && x.name !== 'end') {
    const v = params[x.name];
    return typeof v === 'number' ? v : undefined;
  }
  if (x.type === 'neg') {
    const v = constantMs(x.arg, params);
    return v === undefined ? undefined : -v;
  }
  return undefined;
}

/** A time expression as its base (a clause variable's time, or the run's start or end) and the constants added to it, signed. */
export interface TimeTerms {
  readonly base: { readonly variable: string } | { readonly run: 'start' | 'end' };
  readonly terms: readonly number[];
}

/** Reads `base ± c ± ...` (c constant; a constant may also come first when added); null for anything else. */
export function timeTerms(e: Expr, params: Readonly<Record<string, Value>>): TimeTerms | null {
  if (e.type === 'prop') return e.prop === 'time' ? { base: { variable: e.variable }, terms: [] } : null;
  if (e.type === 'param') return e.name === 'start' || e.name === 'end' ? { base: { run: e.name }, terms: [] } : null;
  if (e.type !== 'binary' || (e.op !== '+' && e.op !== '-')) return null;
  const r = constantMs(e.right, params);
  if (r !== undefined) {
    const l = timeTerms(e.left, params);
    return l && { base: l.base, terms: [...l.terms, e.op === '+' ? r : -r] };
  }
  const l = constantMs(e.left, params);
  if (l !== undefined && e.op === '+') {
    const rr = timeTerms(e.right, params);
    return rr && { base: rr.base, terms: [...rr.terms, l] };
  }
  return null;
}

/** A time as a clause variable's time plus an offset (ms). */
export interface TimeOffset {
  readonly variable: string;
  readonly offset: number;
}

/**
 * `v.time`, `v.time + c` or `v.time - c` (c constant) as the clause variable v and the offset; else
 * null. `run` says what `$start` / `$end` stand for (under a streaming rule, the anchor's window).
 */
export function timeOffset(e: Expr, params: Readonly<Record<string, Value>>, run?: (name: 'start' | 'end') => TimeOffset | null): TimeOffset | null {
  const t = timeTerms(e, params);
  if (!t) return null;
  const base = 'variable' in t.base ? { variable: t.base.variable, offset: 0 } : (run?.(t.base.run) ?? null);
  return base && { variable: base.variable, offset: t.terms.reduce((a, b) => a + b, base.offset) };
}
