/** The running idgraph version, read from the package.json above this module (source or dist layout). */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/** idgraph's package version, or "0.0.0-unknown" if package.json cannot be found. */
export function idgraphVersion(): string {
  if (cached !== undefined) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'idgraph' && typeof pkg.version === 'string') return (cached = pkg.version);
    } catch {
      // No package.json at this level: keep climbing.
    }
    dir = dirname(dir);
  }
  return (cached = '0.0.0-unknown');
}
