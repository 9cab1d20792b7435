/**
 * Starts the embedded Neo4j 5.26 (scripts/neo4j-start.mjs) for the test/neo4j suites when Java and Maven
 * are on this machine, and stops it after. Under CI (CI=true) a missing Java or Maven is a failure:
 * the Neo4j suites must run there, never skip. IDGRAPH_TEST_NEO4J_URI, when set, names a Neo4j to use
 * instead.
 */
import { execFileSync } from 'node:child_process';

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
