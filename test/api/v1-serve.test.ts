/**
 * `idgraph serve` and `idgraph chains`: the server started as the CLI starts
 * it (token hint when no token exists, loopback, port 0), ingest and chains
 * over HTTP, the chains listing, and a real child process shut down
 * gracefully by SIGTERM.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileTokenStore } from '../../api/auth/token-store.js';
import { renderChains } from '../../src/cli/commands/chains.js';
import { startServe, type RunningServe } from '../../src/cli/commands/serve.js';
import { isIdgraphError } from '../../src/errors.js';
import { call } from './harness.js';
import { ndjson, SCENARIO, startV1 } from './v1-harness.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'idgraph-serve-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('startServe', () => {
  let running: RunningServe;
  let printed = '';

  it('prints the URL and, with no token yet, how to create one', async () => {
    running = await startServe({ port: 0, store: join(dir, 'a'), env: {}, out: (s) => (printed += s) });
    expect(running.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(printed).toContain(`listening on ${running.url}`);
    expect(printed).toContain('idgraph token create --scope read');
    const r = await call(`${running.url}/v1/chains`);
    expect(r.status).toBe(401);
  });

  it('serves the engine: events in, chains out, with tokens created afterwards', async () => {
    const store = new FileTokenStore(join(dir, 'a', 'tokens.json'));
    const ingest = store.create({ scopes: ['ingest'] }).secret;
    const read = store.create({ scopes: ['read'] }).secret;
    const posted = await call(`${running.url}/v1/events`, { token: ingest, body: ndjson(SCENARIO), headers: { 'content-type': 'application/x-ndjson' } });
    expect(posted.status).toBe(200);
    expect(posted.body.totals.accepted).toBe(SCENARIO.length);
    const chains = await call(`${running.url}/v1/chains`, { token: read });
    expect(chains.body.items.map((c: { accounts: string[] }) => c.accounts[0]).sort()).toEqual(['alice@contoso.com', 'bob@contoso.com']);
    const metrics = await call(`${running.url}/metrics`);
    expect(metrics.text).toMatch(/idgraph_webhook_deliveries\{outcome="delivered"\} 0/);
    expect(metrics.text).toMatch(/idgraph_process_/); // default process metrics on the served registry
  });

  it('idgraph chains lists the same chains, filtered, as a table or JSON', () => {
    const all = JSON.parse(renderChains(running.engine, { json: true })) as { id: string; score: number; accounts: string[]; stepCount: number }[];
    expect(all.map((c) => c.id)).toEqual(running.engine.listChains().map((c) => c.id));
    const top = all[0]!;
    expect(top.accounts).toEqual(['alice@contoso.com']);
    const text = renderChains(running.engine, { minScore: top.score });
    expect(text).toContain(top.id);
    expect(text).toContain('alice@contoso.com*');
    expect(text).not.toContain('bob@contoso.com');
    expect(text).toContain('1 chain\n');
    expect(renderChains(running.engine, { status: 'resolved' })).toBe('no chains\n');
    try {
      renderChains(running.engine, { status: 'closed' });
      expect.unreachable();
    } catch (err) {
      expect(isIdgraphError(err, 'BAD_INPUT')).toBe(true);
    }
  });

  it('closes cleanly (twice is fine)', async () => {
    await running.close();
    await running.close();
    await expect(fetch(`${running.url}/healthz`)).rejects.toThrow();
  });

  it('a port in use is a BAD_INPUT error naming it; an invalid webhooks file stops start-up', async () => {
    const first = await startServe({ port: 0, store: join(dir, 'b'), env: {}, out: () => {} });
    try {
      const port = Number(new URL(first.url).port);
      await expect(startServe({ port, store: join(dir, 'b'), env: {}, out: () => {} })).rejects.toMatchObject({ code: 'BAD_INPUT' });
    } finally {
      await first.close();
    }
    mkdirSync(join(dir, 'b'), { recursive: true });
    writeFileSync(join(dir, 'b', 'webhooks.json'), '[{"url": "nope"}]');
    await expect(startServe({ port: 0, store: join(dir, 'b'), env: {}, out: () => {} })).rejects.toMatchObject({ code: 'BAD_INPUT' });
  });
});

describe('idgraph serve as a process', () => {
  it('prints its URL, answers, and exits 0 on SIGTERM', async () => {
    const entry = join(dir, 'cli.mts');
    writeFileSync(entry, `import { main } from ${JSON.stringify(join(process.cwd(), 'src/cli/main.ts'))};\nawait main(process.argv);\n`);
    const child = spawn(process.execPath, ['--import', 'tsx', entry, 'serve', '--port', '0', '--store', join(dir, 'c')], {
      cwd: process.cwd(),
      env: { ...process.env, IDGRAPH_TOKEN: 'operator-secret-for-the-test', IDGRAPH_WEBHOOKS: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URL printed: ${stdout} ${stderr}`)), 30_000);
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
      child.once('exit', (code) => reject(new Error(`exited early (${code}): ${stderr}`)));
    });
    expect(stdout).not.toContain('no API token yet'); // IDGRAPH_TOKEN is a token
    const r = await call(`${url}/v1/detectors`, { token: 'operator-secret-for-the-test' });
    expect(r.status).toBe(200);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stderr).toContain('SIGTERM, shutting down');
  }, 60_000);
});

describe('restart on the DuckDB store', () => {
  it('chains, triage, detections and raw evidence survive a restart', async () => {
    const storeDir = join(dir, 'restart');
    mkdirSync(storeDir, { recursive: true });
    const first = await startV1({ dir: storeDir });
    let before: { id: string; score: number; status: string }[];
    let detail: { steps: { detectionId: string; events: { eventId: string; raw: unknown }[] }[] };
    try {
      const posted = await call(`${first.url}/v1/events`, { token: first.tokens.ingest, body: ndjson(SCENARIO), headers: { 'content-type': 'application/x-ndjson' } });
      expect(posted.body.totals.accepted).toBe(SCENARIO.length);
      expect(first.runtime.durable).toBe(true);
      const list = await call(`${first.url}/v1/chains`, { token: first.tokens.read });
      const top = list.body.items[0].id as string;
      const patched = await call(`${first.url}/v1/chains/${top}`, { method: 'PATCH', token: first.tokens.read, json: { status: 'false_positive', note: 'red team' } });
      expect(patched.status).toBe(200);
      before = (await call(`${first.url}/v1/chains`, { token: first.tokens.read })).body.items;
      detail = (await call(`${first.url}/v1/chains/${top}`, { token: first.tokens.read })).body;
      expect(detail.steps.every((s) => s.events.length > 0)).toBe(true);
    } finally {
      await first.close();
    }
    const second = await startV1({ dir: storeDir });
    try {
      const after = (await call(`${second.url}/v1/chains`, { token: second.tokens.read })).body.items;
      expect(after.map((c: { id: string; score: number; status: string }) => [c.id, c.score, c.status])).toEqual(before.map((c) => [c.id, c.score, c.status]));
      expect(after[0].status).toBe('false_positive');
      const again = (await call(`${second.url}/v1/chains/${before[0]!.id}`, { token: second.tokens.read })).body;
      expect(again.triage.map((t: { note: string }) => t.note)).toEqual(['red team']);
      expect(again.steps.map((s: { detectionId: string; events: { eventId: string; raw: unknown }[] }) => [s.detectionId, s.events])).toEqual(detail.steps.map((s) => [s.detectionId, s.events]));
      const reposted = await call(`${second.url}/v1/events`, { token: second.tokens.ingest, body: ndjson(SCENARIO), headers: { 'content-type': 'application/x-ndjson' } });
      expect(reposted.body.totals).toEqual({ accepted: 0, duplicate: SCENARIO.length, rejected: 0, skipped: 0 });
    } finally {
      await second.close();
    }
    // `idgraph chains` as a process on the same store lists the same chains.
    const entry = join(dir, 'cli-chains.mts');
    writeFileSync(entry, `import { main } from ${JSON.stringify(join(process.cwd(), 'src/cli/main.ts'))};\nawait main(process.argv);\n`);
    const out = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', entry, 'chains', '--json', '--store', join(storeDir, 'store')], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.once('exit', (code) => resolve({ code, stdout, stderr }));
    });
    expect(out.code, out.stderr).toBe(0);
    const listed = JSON.parse(out.stdout) as { id: string; score: number; status: string }[];
    expect(listed.map((c) => [c.id, c.score, c.status])).toEqual(before!.map((c) => [c.id, c.score, c.status]));
  }, 60_000);
});
