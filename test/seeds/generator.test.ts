import { readFileSync, mkdtempSync, rmSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateTenant } from '../../seeds/generator/generate.js';
import { openEngineRuntime } from '../../src/cli/engine-runtime.js';
import { loadCatalog } from '../../src/detect/catalog.js';
import { TABLE_NAMES } from '../../src/ingest/table-names.js';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'idgraph-seed-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const read = (dir: string) => Object.fromEntries(readdirSync(dir).sort().map((f) => [f, readFileSync(join(dir, f), 'utf8')]));

describe('seeds generator', () => {
  const opts = { users: 30, days: 10, end: '2026-11-01T00:00:00Z' };

  it('is deterministic: same seed same bytes, another seed other bytes', async () => {
    const a = tmp();
    const b = tmp();
    const c = tmp();
    await generateTenant({ ...opts, seed: 7, out: a });
    await generateTenant({ ...opts, seed: 7, out: b });
    await generateTenant({ ...opts, seed: 8, out: c });
    expect(read(a)).toEqual(read(b));
    expect(read(a)['SigninLogs.ndjson']).not.toEqual(read(c)['SigninLogs.ndjson']);
  });

  it('writes every table in Microsoft shapes: SigninLogs rows of 2-4 KB with nested columns, non-interactive as JSON text', async () => {
    const out = tmp();
    const summary = await generateTenant({ ...opts, seed: 3, out });
    for (const t of TABLE_NAMES) expect(summary.rows[t], t).toBeGreaterThan(0);
    expect(summary.rows['AADNonInteractiveUserSignInLogs']!).toBeGreaterThan(2 * summary.rows['SigninLogs']!);
    const lines = readFileSync(join(out, 'SigninLogs.ndjson'), 'utf8').trim().split('\n');
    const mean = lines.reduce((n, l) => n + l.length, 0) / lines.length;
    expect(mean).toBeGreaterThanOrEqual(2000);
    expect(mean).toBeLessThanOrEqual(4096);
    for (const line of lines.slice(0, 50)) {
      expect(line.length).toBeGreaterThanOrEqual(1500);
      expect(line.length).toBeLessThanOrEqual(6144);
      const r = JSON.parse(line);
      expect(typeof r.ResultType).toBe('string');
      expect(typeof r.LocationDetails).toBe('object');
      expect(typeof r.DeviceDetail).toBe('object');
    }
    const ni = JSON.parse(readFileSync(join(out, 'AADNonInteractiveUserSignInLogs.ndjson'), 'utf8').split('\n')[0]!);
    expect(typeof ni.DeviceDetail).toBe('string');
    expect(typeof ni.Status).toBe('string');
  });

  it('ingests with no reject, and every story expectation is found while its near misses are not', async () => {
    const out = tmp();
    await generateTenant({ ...opts, seed: 11, out });
    const scenario = JSON.parse(readFileSync(join(out, 'scenario.json'), 'utf8')) as {
      stories: { id: string; expect: { detector: string; where: Record<string, unknown> }[]; mustNotMatch: { detector: string; where: Record<string, unknown> }[] }[];
    };
    const rt = await openEngineRuntime({ storeDir: tmp(), catalog: loadCatalog(), memory: true });
    for (const t of TABLE_NAMES) {
      const res = await rt.ingest({ path: join(out, `${t}.ndjson`) }, {});
      expect(res.rejectsTotal, t).toBe(0);
    }
    await rt.engine.start();
    const rows = rt.engine.detections().map((d) => ({ detector: d.detector, row: rt.engine.detectionRow(d) }));
    const matches = (e: { detector: string; where: Record<string, unknown> }) =>
      rows.some((r) => r.detector === e.detector && Object.entries(e.where).every(([k, v]) => r.row[k] === v));
    const stories = scenario.stories;
    expect(stories.length).toBeGreaterThanOrEqual(4);
    for (const s of stories) {
      for (const e of s.expect) expect(matches(e), `${s.id}: ${e.detector} ${JSON.stringify(e.where)}`).toBe(true);
      for (const e of s.mustNotMatch) expect(matches(e), `${s.id} must not match: ${e.detector}`).toBe(false);
    }
    await rt.close();
  }, 120_000);
});
