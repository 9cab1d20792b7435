/**
 * Parser for pattern expressions: a small KQL-flavoured language
 * (`reg.result =~ 'success' and reg.time - s.time < 6h`). Hand-written
 * recursive descent, so error messages can name the column and token.
 */
import { IdgraphError } from '../../errors.js';
import type { BinaryOp, Expr, ListOp } from './ast.js';

type Token =
  | { kind: 'num'; value: number; pos: number }
  | { kind: 'dur'; ms: number; text: string; pos: number }
  | { kind: 'str'; value: string; pos: number }
  | { kind: 'ident'; value: string; pos: number }
  | { kind: 'prop'; variable: string; prop: string; pos: number }
  | { kind: 'param'; value: string; pos: number }
  | { kind: 'op'; value: string; pos: number }
  | { kind: 'eof'; pos: number };

const DURATION_UNITS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

// Longest first so that `<=` wins over `<`.
const SYMBOLS = ['=~', '!~', '==', '!=', '<=', '>=', '<', '>', '+', '-', '*', '/', '(', ')', '[', ']', ','];

const WORD_OPS = new Set(['and', 'or', 'not', 'in', 'contains', 'startswith', 'endswith', 'has', 'has_any', 'matches']);

function fail(src: string, pos: number, message: string): never {
  throw new IdgraphError('INVALID_DETECTOR', `${message} at column ${pos + 1} of expression: ${src}`, { column: pos + 1 });
}

function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const start = i;
    if (c === "'" || c === '"') {
      let out = '';
      i++;
      while (i < src.length && src[i] !== c) {
        if (src[i] === '\\' && i + 1 < src.length) {
          out += src[i + 1];
          i += 2;
        } else out += src[i++];
      }
      if (i >= src.length) fail(src, start, 'unterminated string');
      i++;
      tokens.push({ kind: 'str', value: out, pos: start });
      continue;
    }
    if (/[0-9]/.test(c)) {
      const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?(?![A-Za-z0-9_])/.exec(src.slice(i));
      if (!m) fail(src, start, 'malformed number');
      i += m[0].length;
      if (m[2]) tokens.push({ kind: 'dur', ms: Number(m[1]) * DURATION_UNITS[m[2]]!, text: m[0], pos: start });
      else tokens.push({ kind: 'num', value: Number(m[1]), pos: start });
      continue;
    }
    if (c === '$' || /[A-Za-z_]/.test(c)) {
      const m = /^\$?[A-Za-z_][A-Za-z0-9_]*(?:\.([A-Za-z_][A-Za-z0-9_]*))?/.exec(src.slice(i))!;
      i += m[0].length;
      if (m[1] !== undefined) {
        if (m[0].startsWith('$')) fail(src, start, 'parameters have no properties');
        tokens.push({ kind: 'prop', variable: m[0].slice(0, m[0].indexOf('.')), prop: m[1], pos: start });
      } else if (m[0].startsWith('$')) {
        if (m[0].length === 1) fail(src, start, 'parameter name expected after $');
        tokens.push({ kind: 'param', value: m[0].slice(1), pos: start });
      } else if (m[0] === 'in' && src[i] === '~') {
        i++;
        tokens.push({ kind: 'op', value: 'in~', pos: start });
      } else tokens.push({ kind: WORD_OPS.has(m[0]) ? 'op' : 'ident', value: m[0], pos: start });
      continue;
    }
    const negated = c === '!' ? /^!(in~|in\b|contains\b)/.exec(src.slice(i)) : null;
    if (negated) {
      const m = negated;
      i += m[0].length;
      tokens.push({ kind: 'op', value: m[0], pos: start });
      continue;
    }
    const sym = SYMBOLS.find((s) => src.startsWith(s, i));
    if (!sym) fail(src, start, `unexpected character '${c}'`);
    i += sym.length;
    tokens.push({ kind: 'op', value: sym, pos: start });
  }
  tokens.push({ kind: 'eof', pos: src.length });
  return tokens;
}

const COMPARISONS = new Set(['==', '!=', '=~', '!~', '<', '<=', '>', '>=', 'contains', '!contains', 'startswith', 'endswith', 'has', 'matches']);
const LIST_OPS = new Set(['in', '!in', 'in~', '!in~', 'has_any']);

class Parser {
  private i = 0;
  constructor(
    private readonly src: string,
    private readonly tokens: Token[],
  ) {}

  private peek(): Token {
    return this.tokens[this.i]!;
  }
  private next(): Token {
    return this.tokens[this.i++]!;
  }
  private isOp(value: string): boolean {
    const t = this.peek();
    return t.kind === 'op' && t.value === value;
  }
  private expectOp(value: string): void {
    const t = this.next();
    if (t.kind !== 'op' || t.value !== value) fail(this.src, t.pos, `expected '${value}'`);
  }

  parseAll(): Expr {
    const e = this.parseOr();
    const t = this.peek();
    if (t.kind !== 'eof') fail(this.src, t.pos, 'unexpected token');
    return e;
  }

  private parseOr(): Expr {
    const args = [this.parseAnd()];
    while (this.isOp('or')) {
      this.next();
      args.push(this.parseAnd());
    }
    return args.length === 1 ? args[0]! : { type: 'or', args };
  }

  private parseAnd(): Expr {
    const args = [this.parseNot()];
    while (this.isOp('and')) {
      this.next();
      args.push(this.parseNot());
    }
    return args.length === 1 ? args[0]! : { type: 'and', args };
  }

  private parseNot(): Expr {
    if (this.isOp('not')) {
      this.next();
      return { type: 'not', arg: this.parseNot() };
    }
    return this.parseComparison();
  }

  private parseComparison(): Expr {
    const left = this.parseAdditive();
    const t = this.peek();
    if (t.kind !== 'op') return left;
    if (COMPARISONS.has(t.value)) {
      this.next();
      return { type: 'binary', op: t.value as BinaryOp, left, right: this.parseAdditive() };
    }
    if (LIST_OPS.has(t.value)) {
      this.next();
      this.expectOp('(');
      const items: Expr[] = [];
      if (!this.isOp(')')) {
        items.push(this.parseOr());
        while (this.isOp(',')) {
          this.next();
          items.push(this.parseOr());
        }
      }
      this.expectOp(')');
      if (items.length === 0) fail(this.src, t.pos, `${t.value} needs at least one value`);
      return { type: 'list', op: t.value as ListOp, left, items };
    }
    return left;
  }

  private parseAdditive(): Expr {
    let left = this.parseMultiplicative();
    while (this.isOp('+') || this.isOp('-')) {
      const op = (this.next() as { value: string }).value as BinaryOp;
      left = { type: 'binary', op, left, right: this.parseMultiplicative() };
    }
    return left;
  }

  private parseMultiplicative(): Expr {
    let left = this.parseUnary();
    while (this.isOp('*') || this.isOp('/')) {
      const op = (this.next() as { value: string }).value as BinaryOp;
      left = { type: 'binary', op, left, right: this.parseUnary() };
    }
    return left;
  }

  private parseUnary(): Expr {
    if (this.isOp('-')) {
      this.next();
      return { type: 'neg', arg: this.parseUnary() };
    }
    let e = this.parsePrimary();
    while (this.isOp('[')) {
      this.next();
      const index = this.parseOr();
      this.expectOp(']');
      e = { type: 'index', target: e, index };
    }
    return e;
  }

  private parsePrimary(): Expr {
    const t = this.next();
    switch (t.kind) {
      case 'num':
        return { type: 'literal', value: t.value };
      case 'dur':
        return { type: 'duration', ms: t.ms, text: t.text };
      case 'str':
        return { type: 'literal', value: t.value };
      case 'param':
        return { type: 'param', name: t.value };
      case 'prop':
        return { type: 'prop', variable: t.variable, prop: t.prop };
      case 'ident': {
        if (t.value === 'true' || t.value === 'false') return { type: 'literal', value: t.value === 'true' };
        if (t.value === 'null') return { type: 'literal', value: null };
        if (this.isOp('(')) {
          this.next();
          const args: Expr[] = [];
          if (!this.isOp(')')) {
            args.push(this.parseOr());
            while (this.isOp(',')) {
              this.next();
              args.push(this.parseOr());
            }
          }
          this.expectOp(')');
          return { type: 'call', fn: t.value, args };
        }
        return { type: 'column', name: t.value };
      }
      case 'op':
        if (t.value === '(') {
          const e = this.parseOr();
          this.expectOp(')');
          return e;
        }
        return fail(this.src, t.pos, `unexpected '${t.value}'`);
      case 'eof':
        return fail(this.src, t.pos, 'unexpected end');
    }
  }
}

/** Parses one expression; throws IdgraphError INVALID_DETECTOR naming the column on a syntax error. */
export function parseExpr(src: string): Expr {
  return new Parser(src, tokenize(src)).parseAll();
}
