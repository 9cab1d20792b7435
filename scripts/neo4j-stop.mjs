#!/usr/bin/env node
// `npm run neo4j:stop`: stops the Neo4j started by neo4j:start and removes its data directory.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = join(fileURLToPath(new URL('.', import.meta.url)), '..', '.neo4j');

export async function stopNeo4j() {
  const runFile = join(dir, `run-${Number(process.env.NEO4J_PORT ?? 7687)}.json`);
  if (!existsSync(runFile)) return;
  const run = JSON.parse(readFileSync(runFile, 'utf8'));
  try {
    process.kill(run.pid, 'SIGTERM');
    for (let i = 0; i < 60; i++) {
      process.kill(run.pid, 0);
      await new Promise((r) => setTimeout(r, 500));
    }
    process.kill(run.pid, 'SIGKILL');
  } catch {
    /* gone */
  }
  rmSync(runFile, { force: true });
  if (run.home) rmSync(run.home, { recursive: true, force: true });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await stopNeo4j();
