/**
 * Where bearer tokens live: a JSON file of hashed tokens (`<store>/tokens.json` or
 * IDGRAPH_TOKENS_FILE) plus, optionally, one operator token from IDGRAPH_TOKEN held
 * only as a hash in memory. Plaintext secrets are returned once, by `create`, and never kept.
 */
import { chmodSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { IdgraphError } from '../../src/errors.js';
import { Scope } from './scopes.js';
import { generateTokenId, generateTokenSecret, hashesEqual, hashTokenSecret } from './token-secret.js';

/** Who made a request: the token's public identity and scopes. */
export interface Principal {
  readonly tokenId: string;
  readonly name: string;
  readonly scopes: readonly Scope[];
}

/** What the API needs from a token source. */
export interface TokenStore {
  /** The principal a presented secret belongs to, or null when it matches no token. */
  authenticate(secret: string): Promise<Principal | null>;
}

/** One stored token: public fields plus the SHA-256 hash of its secret. */
export const TokenRecord = z.object({
  id: z.string().min(1),
  name: z.string(),
  scopes: z.array(Scope).min(1),
  hash: z.string().regex(/^[0-9a-f]{64}$/, 'expected a hex SHA-256 digest'),
  created: z.iso.datetime(),
  lastUsed: z.iso.datetime().optional(),
});
export type TokenRecord = z.infer<typeof TokenRecord>;

/** The tokens file. */
export const TokensFile = z.object({ version: z.literal(1), tokens: z.array(TokenRecord) });
export type TokensFile = z.infer<typeof TokensFile>;

/** A token as listed: everything but the hash. */
export type TokenInfo = Omit<TokenRecord, 'hash'>;

/** The tokens file path: IDGRAPH_TOKENS_FILE, else `<storeDir>/tokens.json`. */
export function resolveTokensFile(storeDir: string, env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env['IDGRAPH_TOKENS_FILE'];
  return fromEnv !== undefined && fromEnv !== '' ? fromEnv : join(storeDir, 'tokens.json');
}

function publicInfo(record: TokenRecord): TokenInfo {
  const { hash: _hash, ...info } = record;
  return info;
}

/** Checks a secret against every hash without stopping early, so timing does not reveal which matched. */
function findByHash<T extends { hash: string }>(candidates: readonly T[], secret: string): T | undefined {
  const presented = hashTokenSecret(secret);
  let found: T | undefined;
  for (const c of candidates) {
    if (hashesEqual(presented, c.hash) && found === undefined) found = c;
  }
  return found;
}

export interface FileTokenStoreOptions {
  now?: () => Date;
  /** lastUsed is written at most this often per token (ms), so requests do not each rewrite the file. */
  lastUsedResolutionMs?: number;
  /** Told when lastUsed cannot be written; authentication still succeeds. */
  onWarning?: (message: string, fields: Record<string, unknown>) => void;
}

/** The tokens file. Re-read when it changes on disk, so `idgraph token revoke` takes effect on a running server. */
export class FileTokenStore implements TokenStore {
  readonly path: string;
  private readonly now: () => Date;
  private readonly lastUsedResolutionMs: number;
  private readonly onWarning: (message: string, fields: Record<string, unknown>) => void;
  private cache: { stamp: string; file: TokensFile } | undefined;
  private readonly lastUsedWritten = new Map<string, number>();

  constructor(path: string, options: FileTokenStoreOptions = {}) {
    this.path = path;
    this.now = options.now ?? (() => new Date());
    this.lastUsedResolutionMs = options.lastUsedResolutionMs ?? 60_000;
    this.onWarning = options.onWarning ?? (() => {});
  }

  /** Creates a token; returns its secret (shown once, never stored) and its public info. */
  create(input: { name?: string; scopes: readonly Scope[] }): { secret: string; token: TokenInfo } {
    const scopes = [...new Set(z.array(Scope).min(1).parse(input.scopes))];
    const file = this.read();
    let id = generateTokenId();
    while (file.tokens.some((t) => t.id === id)) id = generateTokenId();
    const secret = generateTokenSecret();
    const record: TokenRecord = {
      id,
      name: input.name ?? 'unnamed',
      scopes,
      hash: hashTokenSecret(secret),
      created: this.now().toISOString(),
    };
    this.write({ ...file, tokens: [...file.tokens, record] });
    return { secret, token: publicInfo(record) };
  }

  /** Every token's public info, oldest first. */
  list(): TokenInfo[] {
    return this.read().tokens.map(publicInfo);
  }

  /** Deletes a token by id; throws NOT_FOUND when there is none. */
  revoke(id: string): TokenInfo {
    const file = this.read();
    const record = file.tokens.find((t) => t.id === id);
    if (!record) throw new IdgraphError('NOT_FOUND', `token revoke: no token with id "${id}" in ${this.path}`, { id });
    this.write({ ...file, tokens: file.tokens.filter((t) => t.id !== id) });
    return publicInfo(record);
  }

  async authenticate(secret: string): Promise<Principal | null> {
    let file: TokensFile;
    try {
      file = this.readCached();
    } catch (err) {
      // Fail closed, and do not tell clients where the file is.
      throw new IdgraphError('STORE', 'token store unavailable', null, { cause: err });
    }
    const record = findByHash(file.tokens, secret);
    if (!record) return null;
    this.touch(record.id);
    return { tokenId: record.id, name: record.name, scopes: record.scopes };
  }

  /** Reads the file (an absent file holds no tokens); throws BAD_INPUT naming the file when malformed. */
  read(): TokensFile {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, tokens: [] };
      throw new IdgraphError('STORE', `cannot read tokens file ${this.path}`, null, { cause: err });
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      throw new IdgraphError('BAD_INPUT', `${this.path}: not valid JSON`, null, { cause: err });
    }
    const parsed = TokensFile.safeParse(json);
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      throw new IdgraphError(
        'BAD_INPUT',
        `${this.path}: invalid tokens file at ${first?.path.join('.') || '(root)'}: ${first?.message ?? 'invalid'}`,
        parsed.error.issues.map((i) => ({ path: i.path.map(String), message: i.message })),
      );
    }
    return parsed.data;
  }

  private readCached(): TokensFile {
    let stamp: string;
    try {
      const st = statSync(this.path);
      stamp = `${st.ino}:${st.size}:${st.mtimeMs}`;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, tokens: [] };
      throw err;
    }
    if (this.cache?.stamp !== stamp) this.cache = { stamp, file: this.read() };
    return this.cache.file;
  }

  /** Atomic replace (write a temp file, rename), owner-only permissions. */
  private write(file: TokensFile): void {
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
    const tmp = `${this.path}.${process.pid}.${Date.now()}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(TokensFile.parse(file), null, 2)}\n`, { mode: 0o600 });
    chmodSync(tmp, 0o600);
    renameSync(tmp, this.path);
    this.cache = undefined;
  }

  /** Records lastUsed, at most once per resolution period; re-reads first so concurrent CLI edits survive. */
  private touch(id: string): void {
    const nowMs = this.now().getTime();
    const last = this.lastUsedWritten.get(id);
    if (last !== undefined && nowMs - last < this.lastUsedResolutionMs) return;
    this.lastUsedWritten.set(id, nowMs);
    try {
      const fresh = this.read();
      const at = new Date(nowMs).toISOString();
      this.write({ ...fresh, tokens: fresh.tokens.map((t) => (t.id === id ? { ...t, lastUsed: at } : t)) });
    } catch (err) {
      this.onWarning('could not record token lastUsed', { tokenId: id, error: String(err) });
    }
  }
}

/** One operator-given admin token (IDGRAPH_TOKEN), kept only as its hash. */
export function envTokenStore(secret: string): TokenStore {
  const entry = { hash: hashTokenSecret(secret) };
  const principal: Principal = { tokenId: 'env', name: 'IDGRAPH_TOKEN', scopes: ['admin'] };
  return { authenticate: async (presented) => (findByHash([entry], presented) ? principal : null) };
}

/** Tries each store in turn; the first match wins. */
export function combineTokenStores(...stores: TokenStore[]): TokenStore {
  return {
    async authenticate(secret) {
      for (const store of stores) {
        const principal = await store.authenticate(secret);
        if (principal) return principal;
      }
      return null;
    },
  };
}

/** The server's token source: the tokens file of a store dir, plus IDGRAPH_TOKEN when set. */
export function tokenStoreFor(
  storeDir: string,
  env: NodeJS.ProcessEnv = process.env,
  options: FileTokenStoreOptions = {},
): TokenStore {
  const file = new FileTokenStore(resolveTokensFile(storeDir, env), options);
  const envSecret = env['IDGRAPH_TOKEN'];
  return envSecret !== undefined && envSecret !== '' ? combineTokenStores(envTokenStore(envSecret), file) : file;
}
