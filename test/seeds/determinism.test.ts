/**
 * The generator is deterministic: the same options give byte-identical files
 * (gzip included), another seed gives other files, --start and the matching
 * --end mean the same period, and the committed demo tenant is exactly what
 * `npm run seed:demo` regenerates.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateTenant } from '../../seeds/generator/generate.js';
import { Rng } from '../../seeds/generator/rng.js';
import { packageRoot } from '../../src/package-root.js';

const dirs: string[] = [];
const tmp = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'idgraph-seed-det-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const files = (dir: string): Record<string, Buffer> => Object.fromEntries(readdirSync(dir).sort().map((f) => [f, readFileSync(join(dir, f))]));
/** Asserts two file sets are byte-identical; Buffer.equals, because deep equality walks MBs byte by byte. */
const expectSameFiles = (a: Record<string, Buffer>, b: Record<string, Buffer>): void => {
  expect(Object.keys(a)).toEqual(Object.keys(b));
  for (const [name, bytes] of Object.entries(a)) expect(bytes.equals(b[name]!), `${name} differs`).toBe(true);
};

describe('determinism', () => {
  const base = { users: 32, days: 9, end: '2026-06-01T00:00:00Z' };

  it('same seed: byte-identical files, plain and gzip', async () => {
    for (const gzip of [false, true]) {
      const [a, b] = [tmp(), tmp()];
      await generateTenant({ ...base, seed: 42, out: a, gzip });
      await generateTenant({ ...base, seed: 42, out: b, gzip });
      const fa = files(a);
      expect(Object.keys(fa)).toHaveLength(8);
      expectSameFiles(fa, files(b));
    }
  });

  it('another seed: every table differs', async () => {
    const [a, b] = [tmp(), tmp()];
    await generateTenant({ ...base, seed: 1, out: a });
    await generateTenant({ ...base, seed: 2, out: b });
    const [fa, fb] = [files(a), files(b)];
    for (const name of Object.keys(fa)) expect(fa[name]!.equals(fb[name]!), name).toBe(false);
  });

  it('--start names the same period as the --end it implies', async () => {
    const [a, b] = [tmp(), tmp()];
    const s1 = await generateTenant({ ...base, seed: 9, out: a });
    const s2 = await generateTenant({ users: base.users, days: base.days, seed: 9, start: '2026-05-23T17:45:00Z', out: b });
    expect(s1.start).toBe('2026-05-23T00:00:00.000Z');
    expect(s2).toMatchObject({ start: s1.start, end: s1.end });
    expectSameFiles(files(a), files(b));
  });

  it('refuses a tenant too small or too short for its stories', async () => {
    await expect(generateTenant({ ...base, users: 29, seed: 1, out: tmp() })).rejects.toThrow(RangeError);
    await expect(generateTenant({ ...base, days: 8, seed: 1, out: tmp() })).rejects.toThrow(RangeError);
  });

  it('the committed demo tenant is what npm run seed:demo writes', async () => {
    const demo = join(packageRoot(), 'seeds', 'demo');
    const out = tmp();
    await generateTenant({ users: 60, days: 14, seed: 1, end: '2026-11-01T00:00:00Z', gzip: true, out });
    const committed = files(demo);
    expect(Object.keys(committed).sort()).toEqual(Object.keys(files(out)).sort());
    for (const [name, bytes] of Object.entries(files(out))) expect(bytes.equals(committed[name]!), `${name} is stale: run npm run seed:demo`).toBe(true);
  });

  it('the random stream: same seed same draws, forks independent of each other and of the parent', () => {
    const draw = (r: Rng) => Array.from({ length: 5 }, () => r.u32());
    expect(draw(new Rng(5))).toEqual(draw(new Rng(5)));
    expect(draw(new Rng(5))).not.toEqual(draw(new Rng(6)));
    const parent = new Rng(5);
    expect(draw(parent.fork('a'))).toEqual(draw(new Rng(5).fork('a')));
    expect(draw(parent.fork('a'))).not.toEqual(draw(parent.fork('b')));
    const u = new Rng(3).uuid();
    expect(u).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
