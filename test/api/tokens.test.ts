import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FileTokenStore, tokenStoreFor } from '../../api/auth/token-store.js';
import { hashTokenSecret } from '../../api/auth/token-secret.js';
import { tokenCreate, tokenList, tokenRevoke } from '../../src/cli/commands/token.js';
import { isIdgraphError } from '../../src/errors.js';
import type { Harness } from './harness.js';
import { call, startHarness } from './harness.js';

let dir: string;
let output: string[];
const out = (s: string) => void output.push(s);
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'idgraph-tokens-'));
  output = [];
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('idgraph token (CLI functions)', () => {
  it('create prints id and token once; the file keeps only the hash, owner-only', () => {
    const created = tokenCreate({ scopes: ['read', 'ingest'], name: 'ci' }, { store: dir, env: {}, out });
    expect(created.secret).toMatch(/^idg_[A-Za-z0-9_-]{43}$/);
    expect(created.file).toBe(join(dir, 'tokens.json'));
    const printed = output.join('');
    expect(printed).toContain(created.secret);
    expect(printed).toContain(created.token.id);
    const text = readFileSync(created.file, 'utf8');
    expect(text).not.toContain(created.secret);
    expect(text).not.toContain(created.secret.slice(4));
    expect(text).toContain(hashTokenSecret(created.secret));
    expect(statSync(created.file).mode & 0o777).toBe(0o600);
  });

  it('list shows id, name, scopes and created, never secrets or hashes', () => {
    const a = tokenCreate({ scopes: ['read'], name: 'alpha' }, { store: dir, env: {}, out });
    const b = tokenCreate({ scopes: ['admin'] }, { store: dir, env: {}, out });
    output = [];
    const listed = tokenList({}, { store: dir, env: {}, out });
    expect(listed.map((t) => [t.id, t.name, t.scopes])).toEqual([
      [a.token.id, 'alpha', ['read']],
      [b.token.id, 'unnamed', ['admin']],
    ]);
    for (const t of listed) expect(Object.keys(t).sort()).toEqual(['created', 'id', 'name', 'scopes']);
    const printed = output.join('');
    expect(printed).toContain(a.token.id);
    expect(printed).toContain('alpha');
    for (const s of [a.secret, b.secret, hashTokenSecret(a.secret)]) expect(printed).not.toContain(s);
    output = [];
    tokenList({ json: true }, { store: dir, env: {}, out });
    expect(JSON.parse(output.join(''))).toEqual(listed);
  });

  it('revoke removes a token; an unknown id is NOT_FOUND', () => {
    const a = tokenCreate({ scopes: ['read'] }, { store: dir, env: {}, out });
    const b = tokenCreate({ scopes: ['read'] }, { store: dir, env: {}, out });
    tokenRevoke(a.token.id, { store: dir, env: {}, out });
    expect(tokenList({}, { store: dir, env: {}, out }).map((t) => t.id)).toEqual([b.token.id]);
    let err: unknown;
    try {
      tokenRevoke(a.token.id, { store: dir, env: {}, out });
    } catch (e) {
      err = e;
    }
    expect(isIdgraphError(err, 'NOT_FOUND')).toBe(true);
  });

  it('create refuses no scope or an unknown scope with BAD_INPUT', () => {
    for (const scopes of [[], ['root']]) {
      let err: unknown;
      try {
        tokenCreate({ scopes }, { store: dir, env: {}, out });
      } catch (e) {
        err = e;
      }
      expect(isIdgraphError(err, 'BAD_INPUT'), JSON.stringify(scopes)).toBe(true);
    }
  });

  it('IDGRAPH_TOKENS_FILE overrides <store>/tokens.json; IDGRAPH_STORE is the default store', () => {
    const file = join(dir, 'elsewhere', 'my-tokens.json');
    const created = tokenCreate({ scopes: ['read'] }, { store: dir, env: { IDGRAPH_TOKENS_FILE: file }, out });
    expect(created.file).toBe(file);
    const viaEnvStore = tokenCreate({ scopes: ['read'] }, { env: { IDGRAPH_STORE: join(dir, 's') }, out });
    expect(viaEnvStore.file).toBe(join(dir, 's', 'tokens.json'));
  });

  it('a malformed tokens file is BAD_INPUT naming the file', () => {
    const store = new FileTokenStore(join(dir, 'tokens.json'));
    store.create({ scopes: ['read'] });
    const bad = readFileSync(store.path, 'utf8').replace(/"hash": "[0-9a-f]+"/, '"hash": "plaintext"');
    writeFileSync(store.path, bad);
    let err: unknown;
    try {
      store.list();
    } catch (e) {
      err = e;
    }
    expect(isIdgraphError(err, 'BAD_INPUT')).toBe(true);
    expect((err as Error).message).toContain(store.path);
  });
});

describe('token store', () => {
  it('authenticates by hash, records lastUsed at most once per period, and rejects near-misses', async () => {
    let now = new Date('2025-03-01T10:00:00Z');
    const store = new FileTokenStore(join(dir, 'tokens.json'), { now: () => now, lastUsedResolutionMs: 60_000 });
    const { secret, token } = store.create({ name: 'svc', scopes: ['ingest'] });
    expect(await store.authenticate(secret)).toEqual({ tokenId: token.id, name: 'svc', scopes: ['ingest'] });
    expect(store.list()[0]!.lastUsed).toBe('2025-03-01T10:00:00.000Z');
    now = new Date('2025-03-01T10:00:30Z');
    await store.authenticate(secret);
    expect(store.list()[0]!.lastUsed).toBe('2025-03-01T10:00:00.000Z');
    now = new Date('2025-03-01T10:02:00Z');
    await store.authenticate(secret);
    expect(store.list()[0]!.lastUsed).toBe('2025-03-01T10:02:00.000Z');
    for (const wrong of [secret.slice(0, -1), `${secret}x`, secret.toUpperCase(), '', hashTokenSecret(secret)]) {
      expect(await store.authenticate(wrong), wrong).toBeNull();
    }
  });

  it('IDGRAPH_TOKEN is an admin token alongside the file', async () => {
    const fileStore = new FileTokenStore(join(dir, 'tokens.json'));
    const { secret } = fileStore.create({ scopes: ['read'] });
    const store = tokenStoreFor(dir, { IDGRAPH_TOKEN: 'operator-secret' });
    expect(await store.authenticate('operator-secret')).toEqual({ tokenId: 'env', name: 'IDGRAPH_TOKEN', scopes: ['admin'] });
    expect((await store.authenticate(secret))?.scopes).toEqual(['read']);
    expect(await tokenStoreFor(dir, {}).authenticate('operator-secret')).toBeNull();
  });
});

describe('tokens on a running server', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  it('a token created and then revoked with the CLI works, then gets 401, without a restart', async () => {
    const created = tokenCreate({ scopes: ['read'] }, { store: h.dir, env: {}, out: () => {} });
    expect((await call(`${h.url}/v1/test/items`, { token: created.secret })).status).toBe(200);
    tokenRevoke(created.token.id, { store: h.dir, env: {}, out: () => {} });
    expect((await call(`${h.url}/v1/test/items`, { token: created.secret })).status).toBe(401);
    expect((await call(`${h.url}/v1/test/items`, { token: h.tokens.read })).status).toBe(200);
  });

  it('an unreadable tokens file fails closed (503 STORE) without naming the file', async () => {
    const good = readFileSync(h.tokensFile, 'utf8');
    writeFileSync(h.tokensFile, '{ not json');
    try {
      const r = await call(`${h.url}/v1/test/items`, { token: h.tokens.read });
      expect(r.status).toBe(503);
      expect(r.body.error.code).toBe('STORE');
      expect(r.text).not.toContain(h.tokensFile);
    } finally {
      writeFileSync(h.tokensFile, good);
    }
    expect((await call(`${h.url}/v1/test/items`, { token: h.tokens.read })).status).toBe(200);
  });
});
