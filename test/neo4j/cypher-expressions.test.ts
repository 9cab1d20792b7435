/**
 * Differential test of the expression compiler on a real Neo4j: each
 * expression runs over a pool of awkward values (empties, numbers as text,
 * case variants, term boundaries, integers and floats) in the in-memory
 * evaluator and as Cypher, and must give the same value. Also checks the
 * canonical-IP Cypher against canonicalIp() on random addresses.
 */
import fc from 'fast-check';
import neo4j from 'neo4j-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileExpression, type CypherScope } from '../../src/detect/cypher/expression.js';
import { canonicalIpCypher, canonicalKeyCypher } from '../../src/detect/cypher/node-key.js';
import { fromNeo4j } from '../../src/detect/cypher/run.js';
import { formatExpr, type BinaryOp, type Expr, type ListOp, type Value } from '../../src/detect/expr/ast.js';
import { IdgraphError, isIdgraphError } from '../../src/errors.js';
import { compileExpr } from '../../src/detect/expr/evaluate.js';
import { parseExpr } from '../../src/detect/expr/parser.js';
import { canonicalIp, canonicalKey } from '../../src/graph/node-keys.js';
import { openTestNeo4j, SKIP_NEO4J, type TestNeo4j } from './cypher-neo4j.js';

let db: TestNeo4j;
beforeAll(async () => {
  if (!SKIP_NEO4J) db = await openTestNeo4j();
});
afterAll(async () => {
  await db?.close();
});

/** A value as it is stored: integers as Neo4j integers when `asInt`, other numbers as floats. */
interface Sample {
  readonly value: Value;
  readonly asInt: boolean;
}

const POOL: Sample[] = [
  null, '', 0, '0', ' 5 ', '5.', '-.5', '1e3', 50, 50.5, '50', '0x10', 'abc', 'ABC', 'Abc@Contoso.com', 'a@', '@b', 'a@@b',
  'multi-factor auth', 'Multi Factor', 'multifactor', 'MFAX', 'MFA denied', 'second  factor!', true, false, 'true', 'x\ny', 'xzy', 'abbbc',
  'Ünïcode Straße', 500121, '500121',
].flatMap((value): Sample[] => (typeof value === 'number' && Number.isInteger(value) ? [{ value, asInt: true }, { value, asInt: false }] : [{ value, asInt: false }]));

const EXPRESSIONS = [
  'x.a == x.b', 'x.a != x.b', 'x.a =~ x.b', 'x.a !~ x.b', 'x.a < x.b', 'x.a >= x.b', 'x.a contains x.b', 'x.a startswith x.b', 'x.a endswith x.b',
  'x.a + x.b', 'x.a - x.b', 'x.a * x.b', 'x.a / x.b', 'coalesce(x.a, x.b)', 'strcat(x.a, x.b)', 'iff(x.a == x.b, x.a, x.b)', 'x.a in (x.b, 50)',
  'x.a in~ (x.b)', 'x.a == 0', "x.a == '50'", "x.a == ''", 'x.a == true', 'x.a in (50, 500121)', "x.a in ('abc', 'ABC', '', '0')", "x.a in~ ('abc', '5', 'true')",
  "x.a !in ('abc', 50)", "x.a has_any ('MFA', 'second factor', 'multi-factor')", "x.a has 'multi factor'", "x.a has 'straße'", 'tostring(x.a)', 'tonumber(x.a)',
  'lower(x.a)', 'upper(x.a)', 'isempty(x.a)', 'isnotempty(x.a)', "split(x.a, '@')[0]", "split(x.a, '@')[1]", "split(x.a, '@')[-1]", "split(x.a, '@')",
  "x.a matches '^ab+c$'", "x.a matches '(?i)x.y'", "x.a matches '[0-9]'", "x.a matches 'c\\\\s*$'", '-x.a', 'not (x.a == x.b) and x.a != 0', "datetime('2026-10-01T00:00:00Z') > x.a",
  "x.a =~ 'ABC'", "x.a =~ '50'", "x.a > 5", "x.a <= '5'",
];

describe.skipIf(SKIP_NEO4J)('expressions: Cypher equals the in-memory evaluator', () => {
  for (const src of EXPRESSIONS) {
    it(src, async () => {
      const expr = parseExpr(src);
      const params: Record<string, unknown> = {};
      let n = 0;
      const scope: CypherScope = {
        prop: (_v, prop) => ({ text: `c.${prop}`, type: 'any' }),
        param: () => {
          throw new Error('no params here');
        },
        column: () => {
          throw new Error('no columns here');
        },
        bind: (v) => {
          const name = `l${n++}`;
          params[name] = v;
          return `$${name}`;
        },
        fresh: () => `_f${n++}`,
        unsupported: (why) => {
          throw new Error(why);
        },
      };
      const cypher = compileExpression(expr, scope).text;
      const get = compileExpr<{ a: Value; b: Value }>(expr, {
        prop: (_v, prop) => (ctx) => (prop === 'a' ? ctx.a : ctx.b),
        param: () => () => null,
        column: () => () => null,
      });
      const pairs: [Sample, Sample][] = [];
      for (const a of POOL) for (const b of src.includes('x.b') ? POOL : [POOL[0]!]) pairs.push([a, b]);
      const toParam = (s: Sample): unknown => (s.asInt && typeof s.value === 'number' ? neo4j.int(s.value) : s.value);
      const records = await db.run(`UNWIND $cases AS c RETURN c.i AS i, ${cypher} AS r ORDER BY i`, {
        ...params,
        cases: pairs.map(([a, b], i) => ({ i, a: toParam(a), b: toParam(b) })),
      });
      expect(records).toHaveLength(pairs.length);
      const mismatches: string[] = [];
      records.forEach((rec, i) => {
        const [a, b] = pairs[i]!;
        const want = get({ a: a.value, b: b.value });
        const got = fromNeo4j(rec['r']);
        if (JSON.stringify(want) !== JSON.stringify(got)) {
          mismatches.push(`a=${JSON.stringify(a.value)}${a.asInt ? 'i' : ''} b=${JSON.stringify(b.value)}${b.asInt ? 'i' : ''}: evaluator ${JSON.stringify(want)}, cypher ${JSON.stringify(got)}`);
        }
      });
      expect(mismatches).toEqual([]);
    });
  }
});

describe.skipIf(SKIP_NEO4J)('canonical IP keys in Cypher', () => {
  it('equal canonicalIp() on random IPv4, IPv6, bracketed, zoned and non-IP texts', async () => {
    const texts = fc.sample(
      fc.oneof(
        fc.ipV4(),
        fc.ipV4Extended(),
        fc.ipV6(),
        fc.ipV6().map((s) => s.toUpperCase()),
        fc.ipV6().map((s) => `[${s}]`),
        fc.tuple(fc.ipV4(), fc.nat(99999)).map(([a, port]) => `${a}:${port}`),
        fc.tuple(fc.ipV6(), fc.nat(65535)).map(([a, port]) => `[${a}]:${port}`),
        fc.tuple(fc.ipV6(), fc.stringMatching(/^%[A-Za-z0-9]{1,4}$/)).map(([a, z]) => a + z),
        fc.tuple(fc.nat(0xffff), fc.ipV4()).map(([h, v4]) => `::ffff:${h.toString(16)}:${v4}`.replace(/:[0-9a-f]+:(?=\d+\.)/, ':')),
        fc.constantFrom('\u00a010.0.0.1\u2028', '\ufeff2001:DB8::1 ', '\t\u3000', '0:0:0:0:0:0:0:0', '1:0:0:2:0:0:0:3', '0:0:1:0:0:1:0:0', ' 10.0.0.1 ', '[::1]:443', '999.1.1.1:80', '1.2.3.4:123456', 'not an ip', '', '01.2.3.4', '2001:DB8:0:0:1::1'),
      ),
      { numRuns: 600, seed: 7 },
    );
    const records = await db.run(`UNWIND $texts AS t RETURN t, ${canonicalIpCypher('t')} AS k`, { texts });
    const mismatches = records
      .map((r) => ({ t: r['t'] as string, got: r['k'] as string }))
      .filter(({ t, got }) => got !== canonicalIp(t))
      .map(({ t, got }) => `${JSON.stringify(t)}: canonicalIp ${JSON.stringify(canonicalIp(t))}, cypher ${JSON.stringify(got)}`);
    expect(mismatches).toEqual([]);
    expect(records.length).toBe(texts.length);
  });
});

describe.skipIf(SKIP_NEO4J)('canonical keys of other kinds in Cypher', () => {
  it('equal canonicalKey() (JavaScript trim and lower-casing) on texts padded with every kind of space', async () => {
    const pad = fc.constantFrom('', ' ', '\t', '\n', '\u00a0', '\u2003', '\u2028', '\ufeff', '\u3000', '\u200b', '\u0085');
    const texts = fc.sample(
      fc.tuple(pad, fc.constantFrom('Ann@Contoso.COM', 'Straße', 'ÀÉÎ', '', 'a b', 'SESSION-1'), pad).map(([a, b, c]) => a + b + c),
      { numRuns: 300, seed: 3 },
    );
    for (const kind of ['User', 'Session'] as const) {
      const records = await db.run(`UNWIND $texts AS t RETURN t, ${canonicalKeyCypher(kind, 't')} AS k`, { texts });
      const bad = records.filter((r) => r['k'] !== canonicalKey(kind, r['t'] as string)).map((r) => `${kind} ${JSON.stringify(r['t'])} -> ${JSON.stringify(r['k'])}`);
      expect(bad).toEqual([]);
    }
  });
});

/** Random expressions over x.a, x.b and literals, built as ASTs (constructs Cypher refuses are skipped, not loosened). */
const exprArb: fc.Arbitrary<Expr> = fc.letrec<{ e: Expr; leaf: Expr }>((tie) => ({
  leaf: fc.oneof(
    fc.constantFrom<Expr>({ type: 'prop', variable: 'x', prop: 'a' }, { type: 'prop', variable: 'x', prop: 'b' }),
    fc.constantFrom<string | number | boolean | null>('', 'abc', 'ABC', '5', ' 5 ', 0, 5, 50.5, true, null, '@', 'multi factor').map((value): Expr => ({ type: 'literal', value })),
  ),
  e: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    tie('leaf'),
    fc
      .tuple(fc.constantFrom('==', '!=', '=~', '!~', '<', '<=', '>', '>=', '+', '-', '*', '/', 'contains', '!contains', 'startswith', 'endswith'), tie('e'), tie('e'))
      .map(([op, left, right]): Expr => ({ type: 'binary', op: op as BinaryOp, left, right })),
    fc
      .tuple(fc.constantFrom('in', '!in', 'in~', '!in~'), tie('e'), fc.array(tie('leaf'), { minLength: 1, maxLength: 3 }))
      .map(([op, left, items]): Expr => ({ type: 'list', op: op as ListOp, left, items })),
    fc.tuple(fc.constantFrom('and', 'or'), tie('e'), tie('e')).map(([type, a, b]): Expr => ({ type: type as 'and' | 'or', args: [a, b] })),
    tie('e').map((arg): Expr => ({ type: 'not', arg })),
    tie('e').map((arg): Expr => ({ type: 'neg', arg })),
    fc
      .tuple(fc.constantFrom('lower', 'upper', 'tostring', 'tonumber', 'isempty', 'isnotempty'), tie('e'))
      .map(([fn, a]): Expr => ({ type: 'call', fn, args: [a] })),
    fc.tuple(fc.constantFrom('coalesce', 'strcat'), tie('e'), tie('e')).map(([fn, a, b]): Expr => ({ type: 'call', fn, args: [a, b] })),
    fc.tuple(tie('e'), tie('e'), tie('e')).map(([c, a, b]): Expr => ({ type: 'call', fn: 'iff', args: [c, a, b] })),
    fc
      .tuple(tie('e'), fc.integer({ min: -2, max: 2 }))
      .map(([a, i]): Expr => ({ type: 'index', target: { type: 'call', fn: 'split', args: [a, { type: 'literal', value: '@' }] }, index: { type: 'literal', value: i } })),
  ),
})).e;

describe.skipIf(SKIP_NEO4J)('random expressions: Cypher equals the in-memory evaluator', () => {
  it('on 300 random expressions over the value pool', async () => {
    const exprs = fc.sample(exprArb, { numRuns: 300, seed: 20261123 });
    const values = POOL.filter((_, i) => i % 2 === 0);
    const pairs: [Sample, Sample][] = values.flatMap((a, i) => [[a, values[(i * 7 + 3) % values.length]!], [a, a]] as [Sample, Sample][]);
    const toParam = (s: Sample): unknown => (s.asInt && typeof s.value === 'number' ? neo4j.int(s.value) : s.value);
    const mismatches: string[] = [];
    let compared = 0;
    let refused = 0;
    for (let k = 0; k < exprs.length; k += 10) {
      const batch = exprs.slice(k, k + 10);
      const params: Record<string, unknown> = {};
      let n = 0;
      const columns: { expr: Expr; text: string }[] = [];
      for (const expr of batch) {
        const scope: CypherScope = {
          prop: (_v, prop) => ({ text: `c.${prop}`, type: 'any' }),
          param: () => {
            throw new Error('no params');
          },
          column: () => {
            throw new Error('no columns');
          },
          bind: (v) => {
            const name = `l${n++}`;
            params[name] = v;
            return `$${name}`;
          },
          fresh: () => `_f${n++}`,
          unsupported: (why) => {
            throw new IdgraphError('UNSUPPORTED_CONSTRUCT', why);
          },
        };
        try {
          const text = compileExpression(expr, scope).text;
          // Deep random nestings make queries too long to plan quickly; real detectors nest two or three levels.
          if (text.length <= 12_000) columns.push({ expr, text });
        } catch (err) {
          if (!isIdgraphError(err, 'UNSUPPORTED_CONSTRUCT')) throw err;
          refused++;
        }
      }
      const cases = pairs.map(([a, b], i) => ({ i, a: toParam(a), b: toParam(b) }));
      const query = (cols: typeof columns) => db.run(`UNWIND $cases AS c RETURN c.i AS i, ${cols.map((c, j) => `${c.text} AS r${j}`).join(', ')} ORDER BY i`, { ...params, cases });
      let records: Record<string, unknown>[];
      try {
        records = await query(columns);
      } catch {
        // Find the expressions Neo4j rejects (a type error is a mismatch too), then compare the rest.
        const ok: typeof columns = [];
        for (const c of columns) {
          try {
            await query([c]);
            ok.push(c);
          } catch (err) {
            mismatches.push(`${formatExpr(c.expr)}: Neo4j error ${(err as Error).message.split('\n')[0]}`);
          }
        }
        columns.splice(0, columns.length, ...ok);
        records = ok.length ? await query(ok) : [];
      }
      columns.forEach((c, j) => {
        const get = compileExpr<{ a: Value; b: Value }>(c.expr, {
          prop: (_v, prop) => (ctx) => (prop === 'a' ? ctx.a : ctx.b),
          param: () => () => null,
          column: () => () => null,
        });
        records.forEach((rec, i) => {
          const [a, b] = pairs[i]!;
          const want = get({ a: a.value, b: b.value });
          const got = fromNeo4j(rec[`r${j}`]);
          compared++;
          if (JSON.stringify(want) !== JSON.stringify(got) && !(typeof want === 'number' && typeof got === 'number' && Math.abs(want - got) <= 1e-9 * Math.abs(want))) {
            mismatches.push(`${formatExpr(c.expr)} a=${JSON.stringify(a.value)} b=${JSON.stringify(b.value)}: evaluator ${JSON.stringify(want)}, cypher ${JSON.stringify(got)}`);
          }
        });
      });
    }
    expect(mismatches.slice(0, 20)).toEqual([]);
    expect(compared).toBeGreaterThan(5_000);
    expect(refused).toBeLessThan(exprs.length / 2);
  }, 300_000);
});
