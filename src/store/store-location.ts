/**
 * Where the embedded store lives, one rule for every command: `--store <dir>`, else
 * IDGRAPH_STORE, else `$XDG_DATA_HOME/idgraph/store`, else `~/.local/share/idgraph/store`.
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** The store directory (absolute) for an optional `--store` value. */
export function resolveStoreDir(opt?: string, env: NodeJS.ProcessEnv = process.env): string {
  if (opt !== undefined && opt !== '') return resolve(opt);
  const fromEnv = env['IDGRAPH_STORE'];
  if (fromEnv !== undefined && fromEnv !== '') return resolve(fromEnv);
  const xdg = env['XDG_DATA_HOME'];
  const dataHome = xdg !== undefined && xdg !== '' ? xdg : join(homedir(), '.local', 'share');
  return resolve(dataHome, 'idgraph', 'store');
}
