/**
 * The idgraph config file: settings a team keeps instead of exporting
 * variables in every shell (where the store is, which Neo4j user and
 * database, where the API's tokens live). It is JSON, validated
 * by zod, and read from `--config <file>`, else `$IDGRAPH_CONFIG`, else
 * `$XDG_CONFIG_HOME/idgraph/config.json` (`~/.config/idgraph/config.json`)
 * when that exists. Each setting is the default of the environment variable
 * it names, so the order is: flag, then environment, then the file.
 *
 * A password is never a setting: the file names a file holding it
 * (`neo4j.passwordFile`), so the config can be shared and checked in.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';
import { IdgraphError } from '../errors.js';

const Path = z.string().min(1);

export const ConfigFile = z.strictObject({
  store: z.string().min(1).optional().describe('store directory or Neo4j URI (IDGRAPH_STORE)'),
  retentionDays: z.number().positive().optional().describe('drop events older than this many days (IDGRAPH_RETENTION_DAYS)'),
  neo4j: z
    .strictObject({
      user: z.string().min(1).optional().describe('IDGRAPH_NEO4J_USER'),
      database: z.string().min(1).optional().describe('IDGRAPH_NEO4J_DATABASE'),
      passwordFile: Path.optional().describe('file holding the password (IDGRAPH_NEO4J_PASSWORD_FILE)'),
    })
    .optional(),
  tokensFile: Path.optional().describe('API tokens file (IDGRAPH_TOKENS_FILE)'),
});
export type ConfigFile = z.infer<typeof ConfigFile>;

/** Where the config comes from when --config is not given (undefined: no file). */
export function defaultConfigPath(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env['IDGRAPH_CONFIG']) return env['IDGRAPH_CONFIG'];
  const base = env['XDG_CONFIG_HOME'] || join(homedir(), '.config');
  const path = join(base, 'idgraph', 'config.json');
  return existsSync(path) ? path : undefined;
}

/** Reads and validates a config file; errors name the file and the setting. */
export function readConfigFile(path: string): ConfigFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new IdgraphError('BAD_INPUT', `config ${path}: cannot read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new IdgraphError('BAD_INPUT', `config ${path}: not JSON (${(err as Error).message})`);
  }
  const parsed = ConfigFile.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const at = issue.path.length ? issue.path.join('.') : '(top level)';
    throw new IdgraphError('BAD_INPUT', `config ${path}: ${at}: ${issue.message}`, parsed.error.issues.map((i) => ({ path: i.path.map(String), message: i.message })));
  }
  return parsed.data;
}

/** The environment variables a config sets (paths relative to the file resolved). */
export function configEnvironment(config: ConfigFile, path: string): Record<string, string> {
  const here = (p: string) => (isAbsolute(p) ? p : resolve(dirname(path), p));
  const store = config.store === undefined ? undefined : /^[a-z0-9+]+:\/\//i.test(config.store) ? config.store : here(config.store);
  const pairs: [string, string | undefined][] = [
    ['IDGRAPH_STORE', store],
    ['IDGRAPH_RETENTION_DAYS', config.retentionDays?.toString()],
    ['IDGRAPH_NEO4J_USER', config.neo4j?.user],
    ['IDGRAPH_NEO4J_DATABASE', config.neo4j?.database],
    ['IDGRAPH_NEO4J_PASSWORD_FILE', config.neo4j?.passwordFile && here(config.neo4j.passwordFile)],
    ['IDGRAPH_TOKENS_FILE', config.tokensFile && here(config.tokensFile)],
  ];
  return Object.fromEntries(pairs.filter((p): p is [string, string] => p[1] !== undefined));
}

/** Loads the config (explicit path, else the default one) into `env` where env does not already say. */
export function applyConfigFile(explicit: string | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const path = explicit ?? defaultConfigPath(env);
  if (path === undefined) return undefined;
  for (const [k, v] of Object.entries(configEnvironment(readConfigFile(path), path))) if (env[k] === undefined || env[k] === '') env[k] = v;
  return path;
}
