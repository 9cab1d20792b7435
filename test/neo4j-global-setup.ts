/**
 * Starts the embedded Neo4j 5.26 (scripts/neo4j-start.mjs) for the test/neo4j suites when Java and Maven
 * are on this machine, and stops it after. Under CI (CI=true) a missing Java or Maven is a failure:
 * the Neo4j suites must run there, never skip. IDGRAPH_TEST_NEO4J_URI, when set, names a Neo4j to use
 * instead.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Whether this run includes a Neo4j suite: a `vitest run test/ingest` need not wait ~20 s for a Neo4j
 * it never uses. Vitest file filters are substrings of the test file path; no filter means every file.
 */
export function runIncludesNeo4jSuites(argv: readonly string[]): boolean {
  const runAt = argv.findIndex((a) => a === 'run' || a === 'watch' || a === 'related');
  const filters = argv.slice(runAt >= 0 ? runAt + 1 : argv.length).filter((a) => !a.startsWith('-'));
  if (filters.length === 0) return true;
  const root = fileURLToPath(new URL('..', import.meta.url));
  const files = (readdirSync(new URL('.', import.meta.url), { recursive: true }) as string[])
    .map((f) => relative(root, fileURLToPath(new URL(f, import.meta.url))))
    .filter((f) => f.endsWith('.test.ts') && f.includes('neo4j'));
  return files.some((f) => filters.some((flt) => f.includes(flt.replace(/^\.\//, ''))));
}

function has(cmd: string, args: string[]): boolean {
  try {
    execFileSync(cmd, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export default async function setup(): Promise<(() => Promise<void>) | void> {
  if (process.env['IDGRAPH_TEST_NEO4J_URI']) return;
  if (process.env['IDGRAPH_SKIP_NEO4J'] === '1' && process.env['CI'] !== 'true') return;
  if (!runIncludesNeo4jSuites(process.argv)) return;
  const ready = has('java', ['-version']) && has('mvn', ['-v']);
  if (!ready) {
    if (process.env['CI'] === 'true') throw new Error('CI: Java and Maven are required to run the Neo4j suites');
    return;
  }
  // @ts-expect-error: a plain ESM script without type declarations
  const { startNeo4j } = (await import('../scripts/neo4j-start.mjs')) as { startNeo4j: (o: { quiet: boolean }) => Promise<{ boltUri: string }> };
  // @ts-expect-error: a plain ESM script without type declarations
  const { stopNeo4j } = (await import('../scripts/neo4j-stop.mjs')) as { stopNeo4j: () => Promise<void> };
  const run = await startNeo4j({ quiet: true });
  process.env['IDGRAPH_TEST_NEO4J_URI'] = run.boltUri;
  return async () => {
    await stopNeo4j();
  };
}
