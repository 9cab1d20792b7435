/**
 * Pattern expressions compiled to Cypher with the KQL semantics of
 * ../expr/kql.ts: empties (null, "" and missing) are one value, `==` is exact
 * but numbers logged as strings compare by value, `=~`/`in~`/`contains`/
 * `startswith`/`endswith` ignore case, `has`/`has_any` match whole terms.
 *
 * Values are dynamically typed in the graph (a ResultType may be 0 or "0"),
 * so every compiled expression carries what is statically known of its type
 * and the helpers emit type switches only where a value could be either.
 * Every literal of the detector file becomes a query parameter; the only text
 * spliced into Cypher is engine constants, generated variable names and
 * operators. Anything that cannot be reproduced exactly throws
 * UNSUPPORTED_CONSTRUCT rather than compiling to a looser query.
 *
 * Known value-level differences (no built-in detector reaches them; the
 * differential test in test/neo4j/cypher-expressions.test.ts pins the rest):
 * - the text form of a non-integral number uses Java's formatting outside
 *   [1e-3, 1e7) ("1.0E-7" where JavaScript writes "1e-7"), and of an integral
 *   one beyond 1e15;
 * - numbers padded with non-ASCII spaces ("\u00a05") are not numeric here;
 * - string ordering and lower-casing follow Java (UTF-16 and Unicode tables
 *   of the JVM), JavaScript's follow V8: they differ only on rare characters.
 */
import type { Expr, Value } from '../expr/ast.js';
import { terms, toNumber } from '../expr/kql.js';
import { translateRegex } from './regex.js';

/** What is statically known of a compiled value: number-or-null, string-or-null, boolean (never null), list, or unknown scalar. */
export type CypherType = 'num' | 'str' | 'bool' | 'list' | 'any';

export interface CypherExpr {
  readonly text: string;
  readonly type: CypherType;
  /** The detector literal this expression is, when it is one (used to pick a form, never spliced). */
  readonly literal?: { readonly value: string | number | boolean };
}

/** How names resolve and literals become parameters while compiling one expression. */
export interface CypherScope {
  prop(variable: string, prop: string): CypherExpr;
  param(name: string): CypherExpr;
  column(name: string): CypherExpr;
  /** Registers a value as a query parameter; returns its reference (`$l3`). */
  bind(value: unknown): string;
  /** A fresh variable name for local bindings inside an expression. */
  fresh(): string;
  /** Throws UNSUPPORTED_CONSTRUCT naming the detector and the construct. */
  unsupported(why: string): never;
}

/** JavaScript's NUMERIC test of kql.ts toNumber, as a Java regex for `=~` (whole-string match). */
const NUMERIC_RE = "'[ \\\\t\\\\n\\\\x0B\\\\f\\\\r]*-?(?:\\\\d+(?:\\\\.\\\\d*)?|\\\\.\\\\d+)(?:[eE][-+]?\\\\d+)?[ \\\\t\\\\n\\\\x0B\\\\f\\\\r]*'";

const SIMPLE = /^(?:[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)?|\$[A-Za-z_][A-Za-z0-9_]*|null|true|false)$/;

/** Binds a complex expression to a variable once (`[v IN [e] | body(v)][0]`) so it is not repeated in type switches. */
export function withLet(e: CypherExpr, s: CypherScope, body: (v: CypherExpr) => string): string {
  if (SIMPLE.test(e.text)) return body(e);
  const v = s.fresh();
  return `[${v} IN [${e.text}] | ${body({ ...e, text: v })}][0]`;
}

const isNumT = (t: string): string => `(${t} IS :: INTEGER NOT NULL OR ${t} IS :: FLOAT NOT NULL)`;

/** Cypher for KQL isempty(). */
export function emptyOf(e: CypherExpr): string {
  switch (e.type) {
    case 'num':
      return `(${e.text} IS NULL)`;
    case 'bool':
      return 'false';
    case 'list':
      return `(${e.text} IS NULL OR size(${e.text}) = 0)`;
    default:
      return `(${e.text} IS NULL OR ${e.text} = '')`;
  }
}

/** Text form of a number as JavaScript's String() gives it for integral values (Java would print 50.0). */
function numText(t: string): string {
  return `CASE WHEN ${t} IS :: INTEGER THEN toString(${t}) WHEN ${t} = floor(${t}) AND abs(${t}) < 1.0e15 THEN toString(toInteger(${t})) ELSE toString(${t}) END`;
}

/** Cypher for KQL tostring(): "" for empty. */
export function textOf(e: CypherExpr, s: CypherScope): string {
  switch (e.type) {
    case 'str':
      return `coalesce(${e.text}, '')`;
    case 'bool':
      return `toString(${e.text})`;
    case 'list':
      return s.unsupported('the text form of a list (JSON) has no exact Cypher equivalent');
    case 'num':
      return withLet(e, s, (v) => `CASE WHEN ${v.text} IS NULL THEN '' ELSE ${numText(v.text)} END`);
    case 'any':
      return withLet(
        e,
        s,
        (v) =>
          `CASE WHEN ${v.text} IS NULL THEN '' WHEN ${v.text} IS :: STRING THEN ${v.text} WHEN ${v.text} IS :: BOOLEAN THEN toString(${v.text}) ELSE ${numText(v.text)} END`,
      );
  }
}

/** Cypher for KQL tonumber(): numbers as is, numeric strings parsed, booleans 1/0, else null. */
export function numOf(e: CypherExpr, s: CypherScope): string {
  switch (e.type) {
    case 'num':
      return e.text;
    case 'bool':
      return `CASE WHEN ${e.text} THEN 1 ELSE 0 END`;
    case 'list':
      return 'null';
    case 'str':
      return withLet(e, s, (v) => `CASE WHEN ${v.text} =~ ${NUMERIC_RE} THEN toFloat(trim(${v.text})) END`);
    case 'any':
      return withLet(
        e,
        s,
        (v) =>
          `CASE WHEN ${v.text} IS NULL THEN null WHEN ${v.text} IS :: STRING THEN CASE WHEN ${v.text} =~ ${NUMERIC_RE} THEN toFloat(trim(${v.text})) END WHEN ${v.text} IS :: BOOLEAN THEN CASE WHEN ${v.text} THEN 1 ELSE 0 END WHEN ${isNumT(v.text)} THEN ${v.text} END`,
      );
  }
}

/** Whether a value is a number at run time ('num' typed values may still be null). */
function isNumber(e: CypherExpr): string {
  if (e.type === 'num') return `(${e.text} IS NOT NULL)`;
  if (e.type === 'any') return isNumT(e.text);
  return 'false';
}

/** Cypher for KQL `==` (kql.ts equals). Always true or false. */
export function equalsOf(a0: CypherExpr, b0: CypherExpr, s: CypherScope): string {
  let a = a0;
  let b = b0;
  if (a.literal && !b.literal) [a, b] = [b, a];
  if (a.type === 'list' || b.type === 'list') s.unsupported('== on lists (JSON equality) has no exact Cypher equivalent');
  const lit = b.literal?.value;
  if (lit !== undefined) {
    if (lit === '') return emptyOf(a);
    if (typeof lit === 'number') return `coalesce(${numOf(a, s)} = ${b.text}, false)`;
    if (typeof lit === 'string') {
      if (a.type === 'str' || a.type === 'bool') return `coalesce(${a.text} = ${b.text}, false)`;
      const n = toNumber(lit);
      const numParam = n === null ? null : s.bind(n);
      const asNumber = (t: string): string => (numParam === null ? 'false' : `coalesce(${t} = ${numParam}, false)`);
      if (a.type === 'num') return asNumber(a.text);
      return withLet(a, s, (v) => `CASE WHEN ${isNumT(v.text)} THEN ${asNumber(v.text)} ELSE coalesce(${v.text} = ${b.text}, false) END`);
    }
  }
  return withLet(a, s, (va) =>
    withLet(b, s, (vb) => {
      const ea = emptyOf(va);
      const eb = emptyOf(vb);
      const anyNum = `${isNumber(va)} OR ${isNumber(vb)}`;
      return `CASE WHEN ${ea} OR ${eb} THEN ${ea} AND ${eb} WHEN ${anyNum} THEN coalesce(${numOf(va, s)} = ${numOf(vb, s)}, false) ELSE coalesce(${va.text} = ${vb.text}, false) END`;
    }),
  );
}

/** Cypher for KQL `=~` (kql.ts equalsIgnoreCase). */
export function equalsIgnoreCaseOf(a0: CypherExpr, b0: CypherExpr, s: CypherScope): string {
  let a = a0;
  let b = b0;
  if (a.literal && !b.literal) [a, b] = [b, a];
  if (a.type === 'list' || b.type === 'list') s.unsupported('=~ on lists has no exact Cypher equivalent');
  const lit = b.literal?.value;
  if (typeof lit === 'string' && lit !== '') {
    return withLet(a, s, (v) => `CASE WHEN ${isNumber(v)} THEN ${equalsOf(v, b, s)} WHEN ${emptyOf(v)} THEN false ELSE toLower(${textOf(v, s)}) = toLower(${b.text}) END`);
  }
  return withLet(a, s, (va) =>
    withLet(b, s, (vb) => {
      const ea = emptyOf(va);
      const eb = emptyOf(vb);
      return `CASE WHEN ${isNumber(va)} OR ${isNumber(vb)} THEN ${equalsOf(va, vb, s)} WHEN ${ea} OR ${eb} THEN ${ea} AND ${eb} ELSE toLower(${textOf(va, s)}) = toLower(${textOf(vb, s)}) END`;
    }),
  );
}

/** Cypher for an ordering comparison (kql.ts compare): false when either side is empty. */
export function compareOf(op: '<' | '<=' | '>' | '>=', a: CypherExpr, b: CypherExpr, s: CypherScope): string {
  if (a.type === 'num' && b.type === 'num') return `coalesce(${a.text} ${op} ${b.text}, false)`;
  if (a.type === 'list' || b.type === 'list') s.unsupported('ordering comparison of lists has no exact Cypher equivalent');
  return withLet(a, s, (va) =>
    withLet(b, s, (vb) => {
      const na = numOf(va, s);
      const nb = numOf(vb, s);
      return `CASE WHEN ${emptyOf(va)} OR ${emptyOf(vb)} THEN false WHEN ${na} IS NOT NULL AND ${nb} IS NOT NULL THEN ${na} ${op} ${nb} ELSE ${textOf(va, s)} ${op} ${textOf(vb, s)} END`;
    }),
  );
}

/** A Java regex (for `=~` on lower-cased text) true when the text has one of the phrases as consecutive whole terms. */
export function phraseRegex(phrases: readonly string[]): string | null {
  const alts = phrases
    .map((p) => terms(p))
    .filter((t) => t.length > 0)
    .map((t) => t.map((x) => `\\Q${x}\\E`).join('[^\\p{L}\\p{N}]+'));
  if (alts.length === 0) return null;
  return `(?s).*(?<![\\p{L}\\p{N}])(?:${alts.join('|')})(?![\\p{L}\\p{N}]).*`;
}

function literalText(e: Expr, s: CypherScope, what: string): string {
  if (e.type === 'literal' && e.value !== null && typeof e.value !== 'boolean') return String(e.value);
  return s.unsupported(`${what} must be a literal (the Cypher form is derived from it when compiling)`);
}

/** Cypher for `has`/`has_any`: whole-term phrase match, case-insensitive. */
function hasOf(text: CypherExpr, phrases: readonly Expr[], s: CypherScope): string {
  const re = phraseRegex(phrases.map((p) => literalText(p, s, 'the phrase of has/has_any')));
  if (re === null) return 'false';
  return `coalesce(toLower(${textOf(text, s)}) =~ ${s.bind(re)}, false)`;
}

function listOf(e: Extract<Expr, { type: 'list' }>, s: CypherScope): string {
  const left = compileExpression(e.left, s);
  if (e.op === 'has_any') return hasOf(left, e.items, s);
  const negate = e.op.startsWith('!');
  const ci = e.op.endsWith('~');
  const wrap = (t: string): string => (negate ? `(NOT ${t})` : t);
  if (left.type === 'list') s.unsupported(`${e.op} on a list has no exact Cypher equivalent`);
  const lits = e.items.map((i) => (i.type === 'literal' ? i.value : undefined));
  // All items string or number literals: one membership test against parameter lists.
  if (lits.length > 0 && lits.every((v) => typeof v === 'string' || typeof v === 'number')) {
    const values = lits as (string | number)[];
    const hasEmpty = values.includes('');
    const nonEmpty = values.filter((v) => v !== '');
    const nums = nonEmpty.map((v) => toNumber(v)).filter((n): n is number => n !== null);
    const strs = nonEmpty.filter((v): v is string => typeof v === 'string');
    const numbers = nonEmpty.filter((v) => typeof v === 'number');
    const test = withLet(left, s, (v) => {
      const parts: string[] = [];
      if (hasEmpty) parts.push(`WHEN ${emptyOf(v)} THEN true`);
      else parts.push(`WHEN ${emptyOf(v)} THEN false`);
      // A number compares by value with every item; a string or boolean by value only with number items.
      parts.push(`WHEN ${isNumber(v)} THEN ${nums.length ? `${v.text} IN ${s.bind(nums)}` : 'false'}`);
      const otherTests: string[] = [];
      if (numbers.length) otherTests.push(`coalesce(${numOf(v, s)} IN ${s.bind(numbers)}, false)`);
      if (strs.length) {
        otherTests.push(ci ? `toLower(${textOf(v, s)}) IN ${s.bind(strs.map((x) => x.toLowerCase()))}` : `coalesce(${v.text} IN ${s.bind(strs)}, false)`);
      }
      return `CASE ${parts.join(' ')} ELSE ${otherTests.length ? otherTests.join(' OR ') : 'false'} END`;
    });
    return wrap(test);
  }
  const items = e.items.map((i) => compileExpression(i, s));
  const test = items.map((i) => (ci ? equalsIgnoreCaseOf(left, i, s) : equalsOf(left, i, s)));
  return wrap(test.length ? `(${test.join(' OR ')})` : 'false');
}

function arith(op: '+' | '-' | '*' | '/', a: CypherExpr, b: CypherExpr, s: CypherScope): string {
  const x = numOf(a, s);
  const y = numOf(b, s);
  if (op === '/') return withLet({ text: y, type: 'num' }, s, (vy) => `CASE WHEN ${vy.text} = 0 THEN null ELSE toFloat(${x}) / ${vy.text} END`);
  return `(${x} ${op} ${y})`;
}

/** Compiles a predicate: Cypher that is always true or false (a `where` holds only when the value is boolean true). */
export function compileCondition(e: Expr, s: CypherScope): string {
  const c = compileExpression(e, s);
  return c.type === 'bool' ? c.text : `coalesce(${c.text} = true, false)`;
}

const bool = (text: string): CypherExpr => ({ text, type: 'bool' });

/** Compiles an expression to a Cypher expression with KQL semantics. */
export function compileExpression(e: Expr, s: CypherScope): CypherExpr {
  switch (e.type) {
    case 'literal': {
      const v = e.value;
      if (v === null) return { text: 'null', type: 'any' };
      const type: CypherType = typeof v === 'string' ? 'str' : typeof v === 'number' ? 'num' : 'bool';
      return { text: s.bind(v), type, literal: { value: v } };
    }
    case 'duration':
      return { text: s.bind(e.ms), type: 'num', literal: { value: e.ms } };
    case 'param':
      return s.param(e.name);
    case 'prop':
      return s.prop(e.variable, e.prop);
    case 'column':
      return s.column(e.name);
    case 'binary': {
      const a = compileExpression(e.left, s);
      if (e.op === 'has') return bool(hasOf(a, [e.right], s));
      if (e.op === 'matches') {
        const re = translateRegex(literalText(e.right, s, 'the regular expression of matches'), s.unsupported.bind(s));
        return bool(`(NOT ${emptyOf(a)} AND coalesce(${textOf(a, s)} =~ ${s.bind(re)}, false))`);
      }
      const b = compileExpression(e.right, s);
      switch (e.op) {
        case '==':
          return bool(equalsOf(a, b, s));
        case '!=':
          return bool(`(NOT ${equalsOf(a, b, s)})`);
        case '=~':
          return bool(equalsIgnoreCaseOf(a, b, s));
        case '!~':
          return bool(`(NOT ${equalsIgnoreCaseOf(a, b, s)})`);
        case '<':
        case '<=':
        case '>':
        case '>=':
          return bool(compareOf(e.op, a, b, s));
        case '+':
        case '-':
        case '*':
        case '/':
          return { text: arith(e.op, a, b, s), type: 'num' };
        case 'contains':
          return bool(`(toLower(${textOf(a, s)}) CONTAINS toLower(${textOf(b, s)}))`);
        case '!contains':
          return bool(`(NOT toLower(${textOf(a, s)}) CONTAINS toLower(${textOf(b, s)}))`);
        case 'startswith':
          return bool(`(toLower(${textOf(a, s)}) STARTS WITH toLower(${textOf(b, s)}))`);
        case 'endswith':
          return bool(`(toLower(${textOf(a, s)}) ENDS WITH toLower(${textOf(b, s)}))`);
      }
      return s.unsupported(`operator ${e.op}`);
    }
    case 'list':
      return bool(listOf(e, s));
    case 'and':
    case 'or':
      return bool(`(${e.args.map((x) => compileCondition(x, s)).join(e.type === 'and' ? ' AND ' : ' OR ')})`);
    case 'not':
      return bool(`(NOT ${compileCondition(e.arg, s)})`);
    case 'neg':
      return { text: `(-${numOf(compileExpression(e.arg, s), s)})`, type: 'num' };
    case 'index': {
      const t = compileExpression(e.target, s);
      const i = compileExpression(e.index, s);
      if (t.type === 'str' || t.type === 'num' || t.type === 'bool') return { text: 'null', type: 'any' };
      const n = numOf(i, s);
      const elemType: CypherType = e.target.type === 'call' && e.target.fn === 'split' ? 'str' : 'any';
      const at = withLet({ text: n, type: 'num' }, s, (vn) => `CASE WHEN ${vn.text} = toInteger(${vn.text}) THEN (${t.text})[toInteger(${vn.text})] END`);
      if (t.type === 'list') return { text: at, type: elemType };
      return s.unsupported('indexing a value that is not known to be a list');
    }
    case 'call':
      return callOf(e, s);
  }
}

function callOf(e: Extract<Expr, { type: 'call' }>, s: CypherScope): CypherExpr {
  const args = (): CypherExpr[] => e.args.map((a) => compileExpression(a, s));
  switch (e.fn) {
    case 'lower':
    case 'tolower':
    case 'upper':
    case 'toupper': {
      const [a] = args();
      const f = e.fn.includes('lower') ? 'toLower' : 'toUpper';
      return { text: withLet(a!, s, (v) => `CASE WHEN ${emptyOf(v)} THEN null ELSE ${f}(${textOf(v, s)}) END`), type: 'str' };
    }
    case 'tostring':
      return { text: textOf(args()[0]!, s), type: 'str' };
    case 'tonumber':
      return { text: numOf(args()[0]!, s), type: 'num' };
    case 'strlen':
      return s.unsupported('strlen() counts UTF-16 units, Cypher size() code points');
    case 'split': {
      const [a, sep] = args();
      if (e.args[1]?.type !== 'literal' || e.args[1].value === '' || e.args[1].value === null) {
        s.unsupported('split() needs a non-empty literal separator in Cypher');
      }
      return { text: withLet(a!, s, (v) => `CASE WHEN ${emptyOf(v)} THEN [] ELSE split(${textOf(v, s)}, ${textOf(sep!, s)}) END`), type: 'list' };
    }
    case 'strcat':
      return { text: `(${args().map((a) => textOf(a, s)).join(' + ')})`, type: 'str' };
    case 'coalesce': {
      const as = args();
      const types = new Set(as.map((a) => a.type));
      if (types.has('list') && types.size > 1) s.unsupported('coalesce() mixing lists and scalars');
      const type: CypherType = types.size === 1 ? as[0]!.type : 'any';
      // Booleans are never empty: the first one is the value, and stays typed boolean (Cypher infers it too).
      if (type === 'bool') return { text: as[0]!.text, type };
      return { text: `CASE ${as.map((a) => `WHEN NOT ${emptyOf(a)} THEN ${a.text}`).join(' ')} ELSE null END`, type };
    }
    case 'iff': {
      const c = compileCondition(e.args[0]!, s);
      const [, a, b] = args();
      const type: CypherType = a!.type === b!.type ? a!.type : a!.type === 'list' || b!.type === 'list' ? s.unsupported('iff() mixing lists and scalars') : 'any';
      return { text: `CASE WHEN ${c} THEN ${a!.text} ELSE ${b!.text} END`, type };
    }
    case 'isempty':
    case 'isnull':
      return bool(emptyOf(args()[0]!));
    case 'isnotempty':
    case 'isnotnull':
      return bool(`(NOT ${emptyOf(args()[0]!)})`);
    case 'array_length': {
      const [a] = args();
      if (a!.type === 'list') return { text: `size(${a!.text})`, type: 'num' };
      return { text: 'null', type: 'num' };
    }
    case 'datetime': {
      const arg = e.args[0]!;
      if (arg.type !== 'literal' || typeof arg.value !== 'string') return s.unsupported('datetime() of a non-literal (JavaScript Date.parse has no Cypher equivalent)');
      const t = Date.parse(arg.value);
      return Number.isNaN(t) ? { text: 'null', type: 'num' } : { text: s.bind(t), type: 'num' };
    }
    default:
      return s.unsupported(`function ${e.fn}() has no Cypher form`);
  }
}

/** Sort key of a value as aggregates.ts keyOf orders ties ('s' + text for strings, 'j' + JSON otherwise). */
export function valueKeyOf(v: string): string {
  return `CASE WHEN ${v} IS NULL THEN 'jnull' WHEN ${v} IS :: STRING THEN 's' + ${v} WHEN ${v} IS :: BOOLEAN THEN 'j' + toString(${v}) ELSE 'j' + ${numText(v)} END`;
}

export type { Value };
