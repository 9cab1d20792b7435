/**
 * `idgraph token create|list|revoke`: manage the API's bearer tokens. A new token is
 * printed once; only its SHA-256 hash is written to the tokens file
 * (`<store>/tokens.json` or IDGRAPH_TOKENS_FILE).
 */
import type { Command } from 'commander';
import { Scope, SCOPES } from '../../../api/auth/scopes.js';
import type { TokenInfo } from '../../../api/auth/token-store.js';
import { FileTokenStore, resolveTokensFile } from '../../../api/auth/token-store.js';
import { IdgraphError } from '../../errors.js';
import { resolveStateDir } from '../../store/store-location.js';

export interface TokenCommandOptions {
  store?: string;
  env?: NodeJS.ProcessEnv;
  /** Where output goes (stdout by default). */
  out?: (text: string) => void;
}

function storeFor(options: TokenCommandOptions): FileTokenStore {
  const env = options.env ?? process.env;
  return new FileTokenStore(resolveTokensFile(resolveStateDir(options.store, env), env));
}

function parseScopes(values: readonly string[]): Scope[] {
  if (values.length === 0) throw new IdgraphError('BAD_INPUT', `token create: give at least one --scope (${SCOPES.join(', ')})`);
  return values.map((v) => {
    const parsed = Scope.safeParse(v);
    if (!parsed.success) throw new IdgraphError('BAD_INPUT', `token create: unknown scope "${v}"; expected ${SCOPES.join(', ')}`, { scope: v });
    return parsed.data;
  });
}

/** Creates a token and prints its id and secret (the only time the secret is shown). */
export function tokenCreate(
  input: { scopes: readonly string[]; name?: string; json?: boolean },
  options: TokenCommandOptions = {},
): { secret: string; token: TokenInfo; file: string } {
  const out = options.out ?? ((s: string) => process.stdout.write(s));
  const store = storeFor(options);
  const created = store.create({ scopes: parseScopes(input.scopes), ...(input.name !== undefined ? { name: input.name } : {}) });
  if (input.json) {
    out(`${JSON.stringify({ ...created.token, token: created.secret })}\n`);
  } else {
    out(
      `id:     ${created.token.id}\n` +
        `name:   ${created.token.name}\n` +
        `scopes: ${created.token.scopes.join(', ')}\n` +
        `token:  ${created.secret}\n` +
        `This token is shown once; only its hash is kept in ${store.path}.\n`,
    );
  }
  return { ...created, file: store.path };
}

/** Lists tokens (id, name, scopes, created, last used); never secrets or hashes. */
export function tokenList(input: { json?: boolean } = {}, options: TokenCommandOptions = {}): TokenInfo[] {
  const out = options.out ?? ((s: string) => process.stdout.write(s));
  const tokens = storeFor(options).list();
  if (input.json) {
    out(`${JSON.stringify(tokens)}\n`);
    return tokens;
  }
  if (tokens.length === 0) {
    out('no tokens\n');
    return tokens;
  }
  const rows = [['ID', 'NAME', 'SCOPES', 'CREATED', 'LAST USED'], ...tokens.map((t) => [t.id, t.name, t.scopes.join(','), t.created, t.lastUsed ?? '-'])];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  out(rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n') + '\n');
  return tokens;
}

/** Revokes (deletes) a token by id; NOT_FOUND when there is none. */
export function tokenRevoke(id: string, options: TokenCommandOptions = {}): TokenInfo {
  const out = options.out ?? ((s: string) => process.stdout.write(s));
  const revoked = storeFor(options).revoke(id);
  out(`revoked ${revoked.id} (${revoked.name})\n`);
  return revoked;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** Registers `idgraph token`. */
export function register(program: Command): void {
  const token = program.command('token').description('Manage API bearer tokens (stored hashed)');
  token
    .command('create')
    .description('Create a token; prints it once')
    .option('--scope <scope>', `scope to grant: ${SCOPES.join(', ')} (repeatable; admin implies all)`, collect, [])
    .option('--name <name>', 'a label for the token')
    .option('--store <dir>', 'store directory (default: IDGRAPH_STORE or the XDG data dir)')
    .option('--json', 'print JSON')
    .action((opts: { scope: string[]; name?: string; store?: string; json?: boolean }) => {
      tokenCreate(
        { scopes: opts.scope, ...(opts.name !== undefined ? { name: opts.name } : {}), json: opts.json === true },
        opts.store !== undefined ? { store: opts.store } : {},
      );
    });
  token
    .command('list')
    .description('List tokens (never their secrets)')
    .option('--store <dir>', 'store directory')
    .option('--json', 'print JSON')
    .action((opts: { store?: string; json?: boolean }) => {
      tokenList({ json: opts.json === true }, opts.store !== undefined ? { store: opts.store } : {});
    });
  token
    .command('revoke <id>')
    .description('Revoke a token by id')
    .option('--store <dir>', 'store directory')
    .action((id: string, opts: { store?: string }) => {
      tokenRevoke(id, opts.store !== undefined ? { store: opts.store } : {});
    });
}
