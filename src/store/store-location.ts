/**
 * Where the embedded store lives, one rule for every command: `--store <dir>`, else
 * IDGRAPH_STORE, else `$XDG_DATA_HOME/idgraph/store`, else `~/.local/share/idgraph/store`.
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { isNeo4jUri } from './neo4j/neo4j-uri.js';

/** The store directory (absolute) for an optional `--store` value. */
export function resolveStoreDir(opt?: string, env: NodeJS.ProcessEnv = process.env): string {
  if (opt !== undefined && opt !== '') return resolve(opt);
  const fromEnv = env['IDGRAPH_STORE'];
  if (fromEnv !== undefined && fromEnv !== '') return resolve(fromEnv);
  const xdg = env['XDG_DATA_HOME'];
  const dataHome = xdg !== undefined && xdg !== '' ? xdg : join(homedir(), '.local', 'share');
  return resolve(dataHome, 'idgraph', 'store');
}

/**
 * Where local state (API tokens, webhooks) lives for a `--store` value: the store directory, or, when the
 * store is a Neo4j server (from the option or IDGRAPH_STORE), the per-user data directory.
 */
export function resolveStateDir(opt?: string, env: NodeJS.ProcessEnv = process.env): string {
  const named = opt !== undefined && opt !== '' ? opt : env['IDGRAPH_STORE'];
  if (isNeo4jUri(named)) return resolveStoreDir(undefined, { ...env, IDGRAPH_STORE: '' });
  return resolveStoreDir(opt, env);
}
