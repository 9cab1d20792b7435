/**
 * Compiles pattern expressions to closures for the in-memory matchers. The
 * caller supplies a Scope that turns `var.prop`, `$param` and column names
 * into getters, so the same expression runs over any binding layout.
 */
import { IdgraphError } from '../../errors.js';
import type { Expr, Value } from './ast.js';
import { SCALAR_FUNCTIONS } from './functions.js';
import {
  compare,
  containsText,
  endsWithText,
  equals,
  equalsIgnoreCase,
  hasPhrase,
  isEmpty,
  matchesRegex,
  startsWithText,
  toNumber,
} from './kql.js';

/** Reads one value out of an evaluation context. */
export type Getter<C> = (ctx: C) => Value;

/** How names in an expression resolve for one kind of context. */
export interface Scope<C> {
  prop(variable: string, prop: string): Getter<C>;
  param(name: string): Getter<C>;
  column(name: string): Getter<C>;
}

/** Whether a value counts as true in a `where` (only boolean true does). */
export function isTrue(v: Value): boolean {
  return v === true;
}

function arithmetic(op: '+' | '-' | '*' | '/', a: Value, b: Value): Value {
  const x = toNumber(a);
  const y = toNumber(b);
  if (x === null || y === null) return null;
  switch (op) {
    case '+':
      return x + y;
    case '-':
      return x - y;
    case '*':
      return x * y;
    case '/':
      return y === 0 ? null : x / y;
  }
}

function binary(op: Extract<Expr, { type: 'binary' }>['op'], a: Value, b: Value): Value {
  switch (op) {
    case '==':
      return equals(a, b);
    case '!=':
      return !equals(a, b);
    case '=~':
      return equalsIgnoreCase(a, b);
    case '!~':
      return !equalsIgnoreCase(a, b);
    case '<': {
      const c = compare(a, b);
      return c !== null && c < 0;
    }
    case '<=': {
      const c = compare(a, b);
      return c !== null && c <= 0;
    }
    case '>': {
      const c = compare(a, b);
      return c !== null && c > 0;
    }
    case '>=': {
      const c = compare(a, b);
      return c !== null && c >= 0;
    }
    case '+':
    case '-':
    case '*':
    case '/':
      return arithmetic(op, a, b);
    case 'contains':
      return containsText(a, b);
    case '!contains':
      return !containsText(a, b);
    case 'startswith':
      return startsWithText(a, b);
    case 'endswith':
      return endsWithText(a, b);
    case 'has':
      return hasPhrase(a, b);
    case 'matches':
      return matchesRegex(a, b);
  }
}

function compileList<C>(expr: Extract<Expr, { type: 'list' }>, scope: Scope<C>): Getter<C> {
  const l = compileExpr(expr.left, scope);
  const items = expr.items.map((i) => compileExpr(i, scope));
  const test = {
    in: equals,
    '!in': equals,
    'in~': equalsIgnoreCase,
    '!in~': equalsIgnoreCase,
    has_any: hasPhrase,
  }[expr.op];
  const negate = expr.op.startsWith('!');
  return (ctx) => {
    const v = l(ctx);
    return items.some((i) => test(v, i(ctx))) !== negate;
  };
}

/** Compiles an expression to a getter over contexts of type C. */
export function compileExpr<C>(expr: Expr, scope: Scope<C>): Getter<C> {
  switch (expr.type) {
    case 'literal': {
      const v = expr.value;
      return () => v;
    }
    case 'duration': {
      const v = expr.ms;
      return () => v;
    }
    case 'param':
      return scope.param(expr.name);
    case 'prop':
      return scope.prop(expr.variable, expr.prop);
    case 'column':
      return scope.column(expr.name);
    case 'binary': {
      const l = compileExpr(expr.left, scope);
      const r = compileExpr(expr.right, scope);
      const op = expr.op;
      // Regexes are compiled (and validated) once, not per row.
      if (op === 'matches' && expr.right.type === 'literal') matchesRegex('', String(expr.right.value));
      return (ctx) => binary(op, l(ctx), r(ctx));
    }
    case 'list':
      return compileList(expr, scope);
    case 'and': {
      const args = expr.args.map((a) => compileExpr(a, scope));
      return (ctx) => args.every((a) => a(ctx) === true);
    }
    case 'or': {
      const args = expr.args.map((a) => compileExpr(a, scope));
      return (ctx) => args.some((a) => a(ctx) === true);
    }
    case 'not': {
      const a = compileExpr(expr.arg, scope);
      return (ctx) => a(ctx) !== true;
    }
    case 'neg': {
      const a = compileExpr(expr.arg, scope);
      return (ctx) => {
        const n = toNumber(a(ctx));
        return n === null ? null : -n;
      };
    }
    case 'index': {
      const t = compileExpr(expr.target, scope);
      const i = compileExpr(expr.index, scope);
      return (ctx) => {
        const arr = t(ctx);
        const idx = toNumber(i(ctx));
        if (!Array.isArray(arr) || idx === null) return null;
        const at = idx < 0 ? arr.length + idx : idx;
        return arr[at] ?? null;
      };
    }
    case 'call': {
      const fn = SCALAR_FUNCTIONS[expr.fn];
      if (!fn || !Object.hasOwn(SCALAR_FUNCTIONS, expr.fn)) {
        throw new IdgraphError('INVALID_DETECTOR', `unknown function ${expr.fn}()`);
      }
      if (expr.args.length < fn.min || expr.args.length > fn.max) {
        throw new IdgraphError('INVALID_DETECTOR', `${expr.fn}() takes ${fn.min === fn.max ? fn.min : `${fn.min} to ${fn.max}`} arguments`);
      }
      const args = expr.args.map((a) => compileExpr(a, scope));
      const impl = fn.impl;
      return (ctx) => impl(args.map((a) => a(ctx)));
    }
  }
}

export { isEmpty };
