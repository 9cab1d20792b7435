import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isIdgraphError } from '../../src/errors.js';
import type { Value } from '../../src/detect/expr/ast.js';
import { formatExpr } from '../../src/detect/expr/ast.js';
import { compileExpr, type Scope } from '../../src/detect/expr/evaluate.js';
import { hasPhrase } from '../../src/detect/expr/kql.js';
import { parseExpr } from '../../src/detect/expr/parser.js';

type Ctx = Record<string, Value>;
const scope: Scope<Ctx> = {
  prop: (v, p) => (ctx) => ctx[`${v}.${p}`] ?? null,
  param: (n) => (ctx) => ctx[`$${n}`] ?? null,
  column: (n) => (ctx) => ctx[n] ?? null,
};
const run = (src: string, ctx: Ctx = {}): Value => compileExpr(parseExpr(src), scope)(ctx);

describe('expression parser', () => {
  it('parses precedence: and binds tighter than or, comparison tighter than and', () => {
    expect(formatExpr(parseExpr("a.x == 1 or a.y == 2 and not a.z == 3"))).toBe('(a.x == 1) or (a.y == 2) and not ((a.z == 3))');
  });
  it('parses durations into milliseconds and params', () => {
    expect(run('$start - 30d', { $start: 40 * 86_400_000 })).toBe(10 * 86_400_000);
    expect(run('6h + 15m + 10s + 500ms')).toBe(6 * 3_600_000 + 15 * 60_000 + 10_500);
  });
  it('parses list operators and negated forms', () => {
    expect(run("a.op in~ ('X', 'y')", { 'a.op': 'Y' })).toBe(true);
    expect(run("a.op !in~ ('X', 'y')", { 'a.op': 'Y' })).toBe(false);
    expect(run("a.op !in ('X')", { 'a.op': 'x' })).toBe(true);
    expect(run("a.op !contains 'abc'", { 'a.op': 'xxABCxx' })).toBe(false);
  });
  it('reports the column of a syntax error with a stable code', () => {
    try {
      parseExpr("a.x == 'unterminated");
      expect.unreachable();
    } catch (err) {
      expect(isIdgraphError(err, 'INVALID_DETECTOR')).toBe(true);
      expect((err as Error).message).toMatch(/column 8/);
    }
    expect(() => parseExpr('a.x ==')).toThrow(/unexpected end/);
    expect(() => parseExpr('a.x == 1 )')).toThrow(/unexpected token/);
  });
  it('indexes arrays from split, negative from the end, null out of range', () => {
    expect(run("split('alice@contoso.com', '@')[1]")).toBe('contoso.com');
    expect(run("split('alice', '@')[1]")).toBe(null);
    expect(run("split('a.b.c', '.')[-1]")).toBe('c');
  });
  it('rejects unknown functions at compile time', () => {
    expect(() => compileExpr(parseExpr('nosuch(1)'), scope)).toThrow(/unknown function/);
  });
});

describe('KQL semantics (hunts.md shared rules)', () => {
  it('== is exact for text but compares numbers logged as strings by value', () => {
    expect(run("a.r == 0", { 'a.r': '0' })).toBe(true);
    expect(run("a.r == 50126", { 'a.r': '50126' })).toBe(true);
    expect(run("a.r == '50126'", { 'a.r': 50126 })).toBe(true);
    expect(run("a.r == 0", { 'a.r': '00' })).toBe(true);
    expect(run("a.r == 0", { 'a.r': 'zero' })).toBe(false);
    expect(run("a.s == 'Azure Portal'", { 'a.s': 'azure portal' })).toBe(false);
  });
  it('=~ and in~ ignore case; in is exact', () => {
    expect(run("a.s =~ 'SUCCESS'", { 'a.s': 'success' })).toBe(true);
    expect(run("a.s in ('OfficeHome')", { 'a.s': 'officehome' })).toBe(false);
    expect(run("a.s in (50, 100)", { 'a.s': '50' })).toBe(true);
  });
  it('treats null, missing and "" as the same empty', () => {
    expect(run('isempty(a.x)', {})).toBe(true);
    expect(run('isempty(a.x)', { 'a.x': '' })).toBe(true);
    expect(run('isnotempty(a.x)', { 'a.x': ' ' })).toBe(true);
    expect(run("a.x == ''", { 'a.x': null })).toBe(true);
    expect(run("a.x == 'v'", { 'a.x': null })).toBe(false);
    expect(run("a.x != 'v'", { 'a.x': null })).toBe(true);
  });
  it('ordering comparisons with an empty side are false', () => {
    expect(run('a.x < 5', {})).toBe(false);
    expect(run('a.x >= 5', {})).toBe(false);
    expect(run("a.x > 5", { 'a.x': '10' })).toBe(true);
  });
  it('contains, startswith and endswith ignore case', () => {
    expect(run("a.r contains 'admin'", { 'a.r': 'Global Administrator' })).toBe(true);
    expect(run("a.r startswith 'glob'", { 'a.r': 'Global Administrator' })).toBe(true);
    expect(run("a.r endswith 'TOR'", { 'a.r': 'Global Administrator' })).toBe(true);
  });
  it('has_any matches whole terms, phrases consecutively (hunts.md fine print)', () => {
    const d = (text: string): Value => run("a.d has_any ('MFA', 'second factor', 'multi-factor')", { 'a.d': text });
    expect(d('User did not pass the MFA requirement')).toBe(true);
    expect(d('requires multi factor authentication')).toBe(true);
    expect(d('second-factor failed')).toBe(true);
    expect(d('multifactor required')).toBe(false);
    expect(d('MFAX token')).toBe(false);
    expect(d('factor second')).toBe(false);
    expect(d('')).toBe(false);
  });
  it('has matches a term sequence anywhere, for any text (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[a-z0-9]{1,6}$/), { minLength: 1, maxLength: 6 }), fc.nat(5), (words, cut) => {
        const i = cut % words.length;
        const phrase = words.slice(i, i + 2).join(' ');
        expect(hasPhrase(words.join(' - '), phrase)).toBe(true);
        expect(hasPhrase(words.join(''), `${words.join('')}x`)).toBe(false);
      }),
    );
  });
  it('matches uses a linear-time engine: a catastrophic pattern stays fast and correct', () => {
    const evil = `${'a'.repeat(5000)}!`;
    expect(run("a.x matches '(a+)+$'", { 'a.x': evil })).toBe(false);
    expect(run("a.x matches '^a+!$'", { 'a.x': evil })).toBe(true);
  });
  it('arithmetic on times and durations, null when not numeric', () => {
    expect(run('a.t - 1d', { 'a.t': 2 * 86_400_000 })).toBe(86_400_000);
    expect(run("a.t - 1d", { 'a.t': 'x' })).toBe(null);
  });
});
