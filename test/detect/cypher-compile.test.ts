/**
 * The Cypher compiler without a database: every built-in detector compiles,
 * no literal of a detector file reaches the query text (they are all
 * parameters), constructs that Cypher cannot reproduce exactly are errors
 * naming the detector and the construct, and the IP expressions the
 * canonical-key Cypher relies on accept exactly what Node's isIP accepts.
 */
import fc from 'fast-check';
import { isIP } from 'node:net';
import { describe, expect, it } from 'vitest';
import { loadCatalog, loadDetectorDocument } from '../../src/detect/catalog.js';
import type { CompiledPattern } from '../../src/detect/compile.js';
import { compileCypher } from '../../src/detect/cypher/compile.js';
import { phraseRegex } from '../../src/detect/cypher/expression.js';
import { IPV4_RE, IPV6_RE } from '../../src/detect/cypher/node-key.js';
import { translateRegex } from '../../src/detect/cypher/regex.js';
import { walkExpr, type Expr } from '../../src/detect/expr/ast.js';
import { hasPhrase } from '../../src/detect/expr/kql.js';
import { isIdgraphError } from '../../src/errors.js';

const catalog = loadCatalog();

/** Every expression of a compiled pattern. */
function expressions(p: CompiledPattern): Expr[] {
  const out: Expr[] = [];
  for (const c of [...p.match, ...p.exists, ...p.absent, ...p.aggregate]) {
    out.push(...c.local, ...c.cross, ...(c.collapse ?? []));
    for (const w of [c.window?.from, c.window?.to]) if (w) out.push(w);
    for (const e of [c.from, c.to]) if (e.type === 'key') out.push(e.key);
    for (const x of c.compute) if (x.spec.arg) out.push(x.spec.arg);
  }
  out.push(...p.where, ...p.project.map((c) => c.expr));
  if (p.group) out.push(...p.group.by.map((c) => c.expr), ...p.group.aggregate.map((c) => c.expr));
  if (p.streaming?.start) out.push(p.streaming.start);
  return out;
}

function literals(p: CompiledPattern): (string | number)[] {
  const out: (string | number)[] = [];
  for (const e of expressions(p)) {
    walkExpr(e, (x) => {
      if (x.type === 'literal' && (typeof x.value === 'string' || typeof x.value === 'number')) out.push(x.value);
      if (x.type === 'duration') out.push(x.ms);
    });
  }
  return out;
}

function detector(pattern: Record<string, unknown>, params: Record<string, unknown> = {}): CompiledPattern {
  return loadDetectorDocument(
    {
      id: 'crafted',
      name: 'crafted',
      description: 'a detector written for this test',
      severity: 'low',
      tactics: ['InitialAccess'],
      techniques: [],
      tables: ['SigninLogs'],
      params,
      pattern,
    },
    'crafted.yaml',
  ).pattern;
}

const signIn = (where: string): Record<string, unknown> => ({
  match: [{ as: 's', edge: 'SIGNED_IN', from: 'user', to: 'ip', where }],
  project: { When: 's.time', Upn: 's.upn' },
});

function unsupported(fn: () => unknown): { message: string; details: unknown } {
  try {
    fn();
  } catch (err) {
    if (isIdgraphError(err, 'UNSUPPORTED_CONSTRUCT')) return { message: err.message, details: err.details };
    throw err;
  }
  throw new Error('expected UNSUPPORTED_CONSTRUCT');
}

describe('compileCypher on the built-in detectors', () => {
  it('has the eight built-in detectors to compile', () => {
    expect(catalog.size).toBeGreaterThanOrEqual(8);
  });

  for (const [id, entry] of catalog) {
    describe(id, () => {
      const modes = entry.pattern.streaming ? [false, true] : [false];
      for (const anchored of modes) {
        it(`compiles${anchored ? ' in anchored (streaming-rule) mode' : ''}, returning every column`, () => {
          const q = compileCypher(entry.pattern, { anchored });
          expect(q.columns).toEqual(entry.pattern.columns);
          for (const c of q.columns) expect(q.cypher).toContain(` AS c_${c}`);
          expect(q.cypher).toMatch(/\$start\b/);
          expect(q.cypher).toMatch(/\$end\b/);
          if (anchored) expect(q.cypher).toContain('AS _start');
        });
      }

      it('keeps every literal of the detector out of the query text, as parameters', () => {
        // Anchored mode compiles every expression of the plain one plus the streaming window.
        const q = compileCypher(entry.pattern, { anchored: entry.pattern.streaming !== undefined });
        const values = Object.values(q.params).flatMap((v) => (Array.isArray(v) ? v : [v]));
        for (const lit of literals(entry.pattern)) {
          if (typeof lit === 'string') {
            expect(q.cypher).not.toContain(`'${lit}'`);
            expect(q.cypher).not.toContain(`"${lit}"`);
            // A value that is not a bare word (an identifier could coincide with a property name) appears nowhere.
            if (!/^[A-Za-z_]\w*$/.test(lit)) expect(q.cypher.toLowerCase()).not.toContain(lit.toLowerCase());
          }
          // Each literal reaches the query as a parameter, as is or lower-cased for in~ lists and has/has_any regexes.
          const present = values.some(
            (v) => v === lit || (typeof v === 'string' && typeof lit === 'string' && (v === lit.toLowerCase() || v.includes(lit.toLowerCase().split(/[^\p{L}\p{N}]+/u)[0]!))),
          );
          expect(present, `literal ${JSON.stringify(lit)} among the parameters`).toBe(true);
        }
        for (const [name, v] of Object.entries(entry.pattern.params)) expect(q.params[`p_${name}`]).toEqual(v);
      });
    });
  }
});

describe('compileCypher on crafted detectors', () => {
  it('passes a hostile literal as a parameter, never as text', () => {
    const evil = "x' OR true //\\' }) MATCH (n) DETACH DELETE n //";
    const p = detector(signIn(`s.upn == '${evil.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}' and s.app in~ ('${evil.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}')`));
    const q = compileCypher(p);
    expect(q.cypher).not.toContain('DETACH');
    expect(Object.values(q.params)).toContain(evil);
  });

  it('refuses has with a phrase that is not a literal, naming detector and construct', () => {
    const err = unsupported(() => compileCypher(detector(signIn('s.resultDescription has s.app'))));
    expect(err.message).toContain('detector crafted');
    expect(err.message).toContain('pattern.match[0].where');
    expect(err.details).toMatchObject({ detector: 'crafted', construct: 'pattern.match[0].where' });
  });

  it('refuses strlen() (UTF-16 units vs code points)', () => {
    const err = unsupported(() => compileCypher(detector(signIn('strlen(s.upn) > 3'))));
    expect(err.message).toMatch(/detector crafted: pattern\.match\[0\]\.where: .*strlen/);
  });

  it('refuses a regular expression construct whose meaning differs between RE2 and Java', () => {
    const err = unsupported(() => compileCypher(detector(signIn("s.upn matches '\\\\badmin\\\\b'"))));
    expect(err.message).toContain('detector crafted: pattern.match[0].where');
    expect(() => compileCypher(detector(signIn("s.upn matches '^adm[a-z]+[0-9]{2,}$'")))).not.toThrow();
  });

  it('refuses a predicate on a node bound by no match clause', () => {
    const err = unsupported(() =>
      compileCypher(
        detector({
          match: [{ as: 's', edge: 'SIGNED_IN', from: 'user', to: 'ip' }],
          exists: [{ as: 'x', edge: 'SECURITY_INFO', from: 'user', to: 'method' }],
          where: "method.key == 'a'",
          project: { When: 's.time' },
        }),
      ),
    );
    expect(err.message).toContain('detector crafted: pattern.where');
    expect(err.message).toContain("'method'");
  });

  it('refuses datetime() of a value that is not a literal', () => {
    const err = unsupported(() => compileCypher(detector(signIn('s.time > datetime(s.app)'))));
    expect(err.message).toContain('pattern.match[0].where');
  });
});

describe('pieces the Cypher relies on', () => {
  it('IPV4_RE and IPV6_RE accept exactly what isIP accepts', () => {
    const v4 = new RegExp(`^${IPV4_RE}$`);
    const v6 = new RegExp(`^${IPV6_RE}$`);
    const hex = fc.constantFrom(...'0123456789abcdefABCDEF:.%'.split(''), '1', '0', ':', ':', 'e');
    const candidates = fc.oneof(
      fc.string({ unit: hex, maxLength: 40 }),
      fc.ipV4(),
      fc.ipV4Extended(),
      fc.ipV6(),
      fc.tuple(fc.ipV6(), fc.stringMatching(/^%[a-z0-9]{1,4}$/)).map(([a, z]) => a + z),
    );
    fc.assert(
      fc.property(candidates, (s) => {
        expect(v4.test(s)).toBe(isIP(s) === 4);
        expect(v6.test(s)).toBe(isIP(s) === 6);
      }),
      { numRuns: 3000 },
    );
  });

  it('phraseRegex matches as hasPhrase does (JavaScript reading of the same regex)', () => {
    const phrases = ['MFA', 'second factor', 'multi-factor'];
    const re = new RegExp(`^${phraseRegex(phrases)!.replace('(?s)', '').replace(/\\Q(.*?)\\E/g, '$1')}$`, 'su');
    const texts = ['MFA denied', 'multi factor', 'second-factor missing', 'multifactor', 'MFAX', 'x:mfa;', 'Second  Factor!', 'factor second', ''];
    for (const t of texts) expect(re.test(t.toLowerCase()), t).toBe(phrases.some((p) => hasPhrase(t, p)));
    expect(phraseRegex(['', '  '])).toBeNull();
  });

  it('translateRegex makes a search into a whole-string match and maps RE2-only meanings', () => {
    const fail = (why: string): never => {
      throw new Error(why);
    };
    expect(translateRegex('adm', fail)).toBe('(?s).*?(?:adm).*');
    expect(translateRegex('(?i)a.b$', fail)).toBe('(?s)(?iu).*?(?:a[^\\n]b(?![\\s\\S])).*');
    expect(() => translateRegex('[[:alpha:]]', fail)).toThrow();
    expect(translateRegex('[a[b&&c]', fail)).toBe('(?s).*?(?:[a\\[b\\&\\&c]).*');
    expect(() => translateRegex('(?P<x>a)', fail)).toThrow();
    expect(() => translateRegex('\\pL', fail)).toThrow();
  });
});
