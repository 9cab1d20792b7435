/**
 * The CLI's tools end to end, run in-process through main() (no store involved, so nothing is held open
 * between tests): explain --cypher keeps every string literal of a detector out of the query text
 * (parameters, never spliced), test-detectors passes on the built-ins and fails naming a wrong case in a
 * --dir folder, seed writes one file per table plus scenario.json (same options, same bytes), and token
 * create/list/revoke show a secret once and keep only its hash.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { cliInProcess as cli } from './cli-harness.js';

const dir = mkdtempSync(join(tmpdir(), 'idgraph-cli-tools-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// The token file location must come from --store alone.
const savedTokensFile = process.env['IDGRAPH_TOKENS_FILE'];
delete process.env['IDGRAPH_TOKENS_FILE'];
afterAll(() => {
  if (savedTokensFile !== undefined) process.env['IDGRAPH_TOKENS_FILE'] = savedTokensFile;
});


afterEach(() => {
  process.exitCode = undefined;
});

const detectorFiles = readdirSync('detectors').filter((f) => f.endsWith('.yaml') && !f.endsWith('.cases.yaml'));

/** The literals of a detector's pattern expressions: quoted strings, and numbers of three digits or more (result codes). */
function patternLiterals(pattern: unknown): { strings: string[]; numbers: string[] } {
  const strings = new Set<string>();
  const numbers = new Set<string>();
  const walk = (v: unknown): void => {
    if (typeof v === 'string') {
      for (const m of v.matchAll(/'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"/g)) strings.add(m[1] ?? m[2]!);
      const unquoted = v.replace(/'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"/g, "''");
      for (const m of unquoted.matchAll(/(?<![\w.$])(\d{3,})(?![\w.])/g)) numbers.add(m[1]!);
    } else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(pattern);
  return { strings: [...strings], numbers: [...numbers] };
}

/** Runs of letters and digits, lower-cased (has_any phrases compile to a regex over these terms). */
const terms = (s: string): string[] => s.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];

/** Every scalar value inside a parameters object, as text. */
function paramValues(v: unknown, into: Set<string> = new Set()): Set<string> {
  if (Array.isArray(v)) v.forEach((x) => paramValues(x, into));
  else if (v && typeof v === 'object') Object.values(v).forEach((x) => paramValues(x, into));
  else into.add(String(v));
  return into;
}

describe('idgraph explain', () => {
  it('knows the eight built-in detectors, whose patterns hold string literals', () => {
    expect(detectorFiles).toHaveLength(8);
    const withStrings = detectorFiles.filter((f) => patternLiterals((parse(readFileSync(join('detectors', f), 'utf8')) as { pattern: unknown }).pattern).strings.length > 0);
    expect(withStrings.length).toBeGreaterThanOrEqual(6);
  });

  for (const file of detectorFiles) {
    const definition = parse(readFileSync(join('detectors', file), 'utf8')) as { id: string; pattern: unknown };
    it(`${definition.id} --cypher: the YAML's literals are $parameters, not spliced into the query`, async () => {
      const literals = patternLiterals(definition.pattern);
      expect(literals.strings.length + literals.numbers.length, 'a detector without literals tests nothing here').toBeGreaterThan(0);
      for (const anchored of [false, true]) {
        const r = await cli('explain', definition.id, '--cypher', ...(anchored ? ['--anchored'] : []));
        expect(r.code, r.stderr).toBe(0);
        const [query, paramsText] = r.stdout.split('\n\n// parameters\n');
        expect(query, 'query').toMatch(/\bMATCH\b/);
        expect(query).toMatch(/\bRETURN\b/);
        expect(query).toContain('$start');
        expect(query).toContain('$end');
        const params = JSON.parse(paramsText!) as Record<string, unknown>;
        // Every $name the query uses is given.
        for (const [, name] of query!.matchAll(/\$([A-Za-z_][A-Za-z0-9_]*)/g)) expect(params, `$${name}`).toHaveProperty(name!);
        const values = [...paramValues(params)];
        for (const lit of literals.strings) {
          for (const q of [`'${lit}'`, `"${lit}"`]) expect(query, `${q} spliced into the query`).not.toContain(q);
          if (terms(lit).length === 0) continue;
          // Carried by a parameter: as is, or (has_any, contains) as the terms of a pattern.
          const carried = values.some((v) => v === lit || terms(lit).every((t) => v.toLowerCase().includes(t)));
          expect(carried, `literal ${JSON.stringify(lit)} among the parameters`).toBe(true);
        }
        for (const n of literals.numbers) {
          expect(query, `${n} spliced into the query`).not.toMatch(new RegExp(`(?<![\\w.])${n}(?![\\w.])`));
          expect(values, `${n} among the parameters`).toContain(n);
        }
      }
    });
  }

  it('the readable plan (no --cypher) is not Cypher; an unknown id is an error naming it', async () => {
    const plan = await cli('explain', 'mfa-fatigue');
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout.length).toBeGreaterThan(0);
    expect(plan.stdout).not.toContain('// parameters');
    const unknown = await cli('explain', 'no-such-detector', '--cypher');
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain('no-such-detector');
  });
});

describe('idgraph test-detectors', () => {
  it('passes every built-in case in batch and streaming (exit 0)', async () => {
    const r = await cli('test-detectors', '--json');
    expect(r.code, r.stdout).toBe(0);
    const report = JSON.parse(r.stdout) as { ok: boolean; detectors: { detector: string; results: { passed: boolean; mode: string }[] }[] };
    expect(report.ok).toBe(true);
    expect(report.detectors.map((d) => d.detector).sort()).toEqual(detectorFiles.map((f) => f.replace('.yaml', '')).sort());
    for (const d of report.detectors) {
      expect(d.results.length, d.detector).toBeGreaterThan(0);
      expect(new Set(d.results.map((c) => c.mode)), d.detector).toEqual(new Set(['batch', 'streaming']));
    }
  });

  it('a --dir detector with a deliberately wrong case exits non-zero and names that case only', async () => {
    const rules = join(dir, 'rules');
    mkdirSync(rules);
    const def = parse(readFileSync('detectors/mfa-fatigue.yaml', 'utf8')) as Record<string, unknown>;
    writeFileSync(join(rules, 'my-fatigue.yaml'), stringify({ ...def, id: 'my-fatigue' }));
    const cases = parse(readFileSync('detectors/mfa-fatigue.cases.yaml', 'utf8')) as { cases: { name: string; expect: Record<string, unknown>[] }[] };
    const good = cases.cases[0]!;
    const wrong = { ...good, name: 'deliberately wrong prompt count', expect: [{ ...good.expect[0], FailedPrompts: 99 }] };
    writeFileSync(join(rules, 'my-fatigue.cases.yaml'), stringify({ detector: 'my-fatigue', cases: [good, wrong] }));

    const r = await cli('test-detectors', 'my-fatigue', '--dir', rules);
    expect(r.code).not.toBe(0);
    const failed = r.stdout.split('\n').filter((l) => l.includes('✗'));
    expect(failed.length).toBeGreaterThan(0);
    for (const l of failed) expect(l).toContain('deliberately wrong prompt count');
    expect(r.stdout).toContain(`✓ my-fatigue › ${good.name}`);
    expect(r.stdout).toMatch(/missing:.*"FailedPrompts":99/);
    expect(r.stdout).toMatch(/unexpected:.*"FailedPrompts":5/);

    const json = await cli('test-detectors', 'my-fatigue', '--dir', rules, '--json');
    expect(json.code).not.toBe(0);
    const report = JSON.parse(json.stdout) as { ok: boolean; detectors: { detector: string; results: { case: string; passed: boolean }[] }[] };
    expect(report.ok).toBe(false);
    expect(report.detectors.map((d) => d.detector)).toEqual(['my-fatigue']);
    const byCase = new Map<string, boolean[]>();
    for (const c of report.detectors[0]!.results) byCase.set(c.case, [...(byCase.get(c.case) ?? []), c.passed]);
    expect(byCase.get(good.name)).toEqual([true, true]);
    expect(byCase.get('deliberately wrong prompt count')).toEqual([false, false]);

    // The built-ins still pass beside the extra folder; only the copy fails.
    const builtins = await cli('test-detectors', 'mfa-fatigue', '--dir', rules);
    expect(builtins.code, builtins.stdout).toBe(0);
  });
});

describe('idgraph seed', () => {
  const TABLES = ['AADNonInteractiveUserSignInLogs', 'AuditLogs', 'CloudAppEvents', 'EntraIdSignInEvents', 'IdentityInfo', 'SecurityAlert', 'SigninLogs'];

  it('--users 30 --days 9 writes one <Table>.ndjson per table plus scenario.json, as many lines as it reports; same options, same bytes', async () => {
    const out = join(dir, 'tenant');
    const r = await cli('seed', '--users', '30', '--days', '9', '--out', out);
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(out).sort()).toEqual([...TABLES.map((t) => `${t}.ndjson`), 'scenario.json'].sort());
    const scenario = JSON.parse(readFileSync(join(out, 'scenario.json'), 'utf8')) as unknown;
    expect(scenario).toBeTypeOf('object');
    for (const table of TABLES) {
      const lines = readFileSync(join(out, `${table}.ndjson`), 'utf8').split('\n').filter(Boolean);
      expect(lines.length, table).toBeGreaterThan(0);
      expect(r.stdout, table).toMatch(new RegExp(`\\b${table}\\s+${lines.length} rows`));
      for (const line of [lines[0]!, lines.at(-1)!]) expect((JSON.parse(line) as { Type?: string }).Type ?? table, table).toBe(table);
    }
    const again = join(dir, 'tenant-again');
    expect((await cli('seed', '--users', '30', '--days', '9', '--out', again)).code).toBe(0);
    for (const f of readdirSync(out)) expect(readFileSync(join(again, f)).equals(readFileSync(join(out, f))), f).toBe(true);
  });

  it('a non-integer --users is an error naming the option', async () => {
    const r = await cli('seed', '--users', 'many', '--out', join(dir, 'never'));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('--users');
  });
});

describe('idgraph token', () => {
  const store = join(dir, 'token-store');
  const tokensFile = join(store, 'tokens.json');

  it('create prints the secret once, list never shows it, the file keeps only its hash, revoke removes it', async () => {
    const created = await cli('token', 'create', '--scope', 'read', '--name', 'ci reader', '--store', store);
    expect(created.code, created.stderr).toBe(0);
    const secret = /token:\s+(idg_[A-Za-z0-9_-]{20,})/.exec(created.stdout)?.[1];
    expect(secret, created.stdout).toBeDefined();
    const id = /id:\s+(\S+)/.exec(created.stdout)?.[1];
    expect(id).toBeDefined();
    expect(created.stdout.split(secret!)).toHaveLength(2); // printed exactly once
    expect(created.stdout).toMatch(/scopes:\s+read\b/);

    const fileText = readFileSync(tokensFile, 'utf8');
    expect(fileText).not.toContain(secret);
    expect(fileText).not.toContain(secret!.slice(4)); // nor its random part
    expect(fileText).toContain(createHash('sha256').update(secret!, 'utf8').digest('hex'));

    const second = await cli('token', 'create', '--scope', 'read', '--scope', 'ingest', '--store', store, '--json');
    expect(second.code, second.stderr).toBe(0);
    const secondToken = JSON.parse(second.stdout) as { id: string; token: string; scopes: string[] };
    expect(secondToken.scopes).toEqual(['read', 'ingest']);
    expect(readFileSync(tokensFile, 'utf8')).not.toContain(secondToken.token);

    for (const args of [[], ['--json']]) {
      const list = await cli('token', 'list', '--store', store, ...args);
      expect(list.code, list.stderr).toBe(0);
      expect(list.stdout).toContain(id);
      expect(list.stdout).toContain(secondToken.id);
      expect(list.stdout).toContain('ci reader');
      expect(list.stdout).not.toContain(secret);
      expect(list.stdout).not.toContain(secondToken.token);
      expect(list.stdout).not.toMatch(/idg_/);
      expect(list.stdout).not.toMatch(/[0-9a-f]{64}/); // no hash either
    }

    const revoked = await cli('token', 'revoke', id!, '--store', store);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(revoked.stdout).toContain(id);
    const after = JSON.parse((await cli('token', 'list', '--store', store, '--json')).stdout) as { id: string }[];
    expect(after.map((t) => t.id)).toEqual([secondToken.id]);
    expect(readFileSync(tokensFile, 'utf8')).not.toContain(createHash('sha256').update(secret!, 'utf8').digest('hex'));

    const twice = await cli('token', 'revoke', id!, '--store', store);
    expect(twice.code).not.toBe(0);
    expect(twice.stderr).toContain(id);
  });

  it('an unknown scope is an error naming it, and writes no token', async () => {
    const other = join(dir, 'token-store-2');
    const r = await cli('token', 'create', '--scope', 'superuser', '--store', other);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('superuser');
    expect(r.stdout).not.toMatch(/idg_/);
    const list = await cli('token', 'list', '--store', other, '--json');
    expect(JSON.parse(list.stdout)).toEqual([]);
  });
});
