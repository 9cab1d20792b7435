/**
 * The config file: validated with errors naming the file and setting, paths resolved against the file,
 * no password setting; through the CLI, its store is used when neither the flag nor IDGRAPH_STORE says,
 * and the environment and flags win over it.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { applyConfigFile, configEnvironment, readConfigFile } from '../../src/cli/config-file.js';
import { cliInProcess as cli } from './cli-harness.js';

const dir = mkdtempSync(join(tmpdir(), 'idgraph-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const KEYS = ['IDGRAPH_STORE', 'IDGRAPH_CONFIG', 'IDGRAPH_RETENTION_DAYS', 'IDGRAPH_NEO4J_USER', 'IDGRAPH_NEO4J_DATABASE', 'IDGRAPH_NEO4J_PASSWORD_FILE', 'IDGRAPH_TOKENS_FILE', 'XDG_CONFIG_HOME'];
const saved = Object.fromEntries(KEYS.map((k) => [k, process.env[k]]));
for (const k of KEYS) delete process.env[k];
afterEach(() => {
  for (const k of KEYS) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
});

const write = (name: string, body: unknown): string => {
  const path = join(dir, name);
  writeFileSync(path, typeof body === 'string' ? body : JSON.stringify(body));
  return path;
};

describe('reading a config file', () => {
  it('names the file and the setting when a value is wrong, unknown, or the file is not JSON', () => {
    expect(() => readConfigFile(write('a.json', { retentionDays: 'thirty' }))).toThrow(/a\.json: retentionDays: .*number/);
    // No password setting: a config can be shared; the password lives in the file it names.
    expect(() => readConfigFile(write('b.json', { neo4j: { password: 'hunter2' } }))).toThrow(/b\.json: neo4j: .*password/);
    expect(() => readConfigFile(write('c.json', '{ "store": '))).toThrow(/c\.json: not JSON/);
    expect(() => readConfigFile(join(dir, 'missing.json'))).toThrow(/missing\.json: cannot read \(ENOENT\)/);
  });

  it('resolves paths against the file and keeps URIs as they are', () => {
    mkdirSync(join(dir, 'team'), { recursive: true });
    const path = join(dir, 'team', 'config.json');
    const env = configEnvironment({ store: './data', retentionDays: 90, neo4j: { user: 'hunter', passwordFile: 'secret.txt' }, tokensFile: '/etc/idgraph/tokens.json' }, path);
    expect(env).toEqual({
      IDGRAPH_STORE: join(dir, 'team', 'data'),
      IDGRAPH_RETENTION_DAYS: '90',
      IDGRAPH_NEO4J_USER: 'hunter',
      IDGRAPH_NEO4J_PASSWORD_FILE: join(dir, 'team', 'secret.txt'),
      IDGRAPH_TOKENS_FILE: '/etc/idgraph/tokens.json',
    });
    expect(configEnvironment({ store: 'neo4j+s://db.example.net:7687' }, path)).toEqual({ IDGRAPH_STORE: 'neo4j+s://db.example.net:7687' });
  });

  it('fills only what the environment leaves unset; found through IDGRAPH_CONFIG or the XDG config directory', () => {
    const path = write('d.json', { store: '/srv/idgraph', neo4j: { database: 'identity' } });
    const env: NodeJS.ProcessEnv = { IDGRAPH_CONFIG: path, IDGRAPH_STORE: '/already/set' };
    expect(applyConfigFile(undefined, env)).toBe(path);
    expect(env).toMatchObject({ IDGRAPH_STORE: '/already/set', IDGRAPH_NEO4J_DATABASE: 'identity' });
    mkdirSync(join(dir, 'xdg', 'idgraph'), { recursive: true });
    writeFileSync(join(dir, 'xdg', 'idgraph', 'config.json'), JSON.stringify({ retentionDays: 7 }));
    const xdg: NodeJS.ProcessEnv = { XDG_CONFIG_HOME: join(dir, 'xdg') };
    expect(applyConfigFile(undefined, xdg)).toBe(join(dir, 'xdg', 'idgraph', 'config.json'));
    expect(xdg['IDGRAPH_RETENTION_DAYS']).toBe('7');
    expect(applyConfigFile(undefined, { XDG_CONFIG_HOME: join(dir, 'nothing-here') })).toBeUndefined();
  });
});

describe('idgraph --config', () => {
  it('uses the store the config names; IDGRAPH_STORE and --store win over it; a bad config stops the command', async () => {
    const cfg = write('cli.json', { store: './from-config' });
    const ingest = await cli('--config', cfg, 'ingest', 'seeds/demo/IdentityInfo.ndjson.gz', '--json');
    expect(ingest.code, ingest.stderr).toBe(0);
    const summary = JSON.parse(ingest.stdout) as { store: string; tables: Record<string, { accepted: number }> };
    expect(summary.store).toBe(join(dir, 'from-config'));
    expect(summary.tables['IdentityInfo']!.accepted).toBeGreaterThan(0);
    for (const k of KEYS) delete process.env[k];

    process.env['IDGRAPH_STORE'] = join(dir, 'from-env');
    const byEnv = JSON.parse((await cli('--config', cfg, 'ingest', 'seeds/demo/IdentityInfo.ndjson.gz', '--json')).stdout) as { store: string };
    expect(byEnv.store).toBe(join(dir, 'from-env'));
    const byFlag = JSON.parse((await cli('--config', cfg, 'ingest', 'seeds/demo/IdentityInfo.ndjson.gz', '--json', '--store', join(dir, 'from-flag'))).stdout) as { store: string };
    expect(byFlag.store).toBe(join(dir, 'from-flag'));
    delete process.env['IDGRAPH_STORE'];

    const bad = await cli('--config', write('bad.json', { stroe: './x' }), 'stats');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/bad\.json: .*stroe/);
  }, 120_000);
});
