/** Expands the inputs of `ingest` and `hunt --input`: files, folders (walked, sorted) and "-" for stdin. */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { IdgraphError } from '../errors.js';
import type { SourceInput } from '../ingest/formats/read-source.js';

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => !d.name.startsWith('.'))
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .flatMap((d) => (d.isDirectory() ? walk(join(dir, d.name)) : d.isFile() && !/\.(md|txt)$/i.test(d.name) && d.name !== 'scenario.json' ? [join(dir, d.name)] : []));
}

/** Sources for the given paths; a missing path is an error naming it. */
export function expandInputs(paths: readonly string[]): { label: string; source: SourceInput }[] {
  return paths.flatMap((p) => {
    if (p === '-') return [{ label: '-', source: { stream: process.stdin, name: '-' } as SourceInput }];
    let st;
    try {
      st = statSync(p);
    } catch {
      throw new IdgraphError('BAD_INPUT', `no such file or folder: ${p}`);
    }
    const files = st.isDirectory() ? walk(p) : [p];
    return files.map((f) => ({ label: f, source: { path: f } as SourceInput }));
  });
}
