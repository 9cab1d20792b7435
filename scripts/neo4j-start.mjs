#!/usr/bin/env node
// `npm run neo4j:start`: builds the embedded Neo4j 5.26 launcher (classpath from Maven, javac), starts it in
// the background with a fresh data directory under .neo4j/, waits until Bolt answers (first start can take
// two minutes while Maven fills its cache), writes .neo4j/run-<port>.json and prints the Bolt URI.
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(new URL('.', import.meta.url)), '..');
const dir = join(root, '.neo4j');
const port = Number(process.env.NEO4J_PORT ?? 7687);

export async function startNeo4j({ quiet = false } = {}) {
  mkdirSync(dir, { recursive: true });
  // One run file per port, so several local instances (one per worktree or helper) can coexist.
  const runFile = join(dir, `run-${port}.json`);
  if (existsSync(runFile)) {
    const run = JSON.parse(readFileSync(runFile, 'utf8'));
    try {
      process.kill(run.pid, 0);
      if (!quiet) console.log(run.boltUri);
      return run;
    } catch {
      /* stale: start afresh */
    }
  }
  const cpFile = join(dir, 'classpath.txt');
  if (!existsSync(cpFile)) {
    execFileSync('mvn', ['-q', '-B', '-f', join(root, 'neo4j', 'pom.xml'), 'dependency:build-classpath', `-Dmdep.outputFile=${cpFile}`], { stdio: 'inherit' });
  }
  const classes = join(dir, 'classes');
  const cp = readFileSync(cpFile, 'utf8').trim();
  if (!existsSync(join(classes, 'EmbeddedNeo4j.class'))) {
    mkdirSync(classes, { recursive: true });
    execFileSync('javac', ['-cp', cp, '-d', classes, join(root, 'neo4j', 'src', 'EmbeddedNeo4j.java')], { stdio: 'inherit' });
  }
  const home = join(dir, `data-${Date.now()}`);
  const logFile = join(dir, `neo4j-${port}.log`);
  const log = openSync(logFile, 'w');
  const heap = process.env.NEO4J_HEAP ?? '2g';
  const child = spawn('java', [`-Xmx${heap}`, `-Xms512m`, '-cp', `${classes}:${cp}`, 'EmbeddedNeo4j', home, String(port), String(1024 * 1024 * 1024)], {
    detached: true,
    stdio: ['ignore', log, log],
  });
  child.unref();
  const boltUri = `bolt://127.0.0.1:${port}`;
  const deadline = Date.now() + 180_000;
  for (;;) {
    const text = existsSync(logFile) ? readFileSync(logFile, 'utf8') : '';
    if (text.includes(`NEO4J READY ${boltUri}`)) break;
    try {
      process.kill(child.pid, 0);
    } catch {
      throw new Error(`Neo4j exited during start; see ${logFile}`);
    }
    if (Date.now() > deadline) throw new Error(`Neo4j did not start within 3 minutes; see ${logFile}`);
    await new Promise((r) => setTimeout(r, 500));
  }
  const run = { pid: child.pid, boltUri, port, home };
  writeFileSync(runFile, JSON.stringify(run, null, 2));
  if (!quiet) console.log(boltUri);
  return run;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  startNeo4j().catch((err) => {
    console.error(`neo4j:start: ${err.message}`);
    process.exit(1);
  });
}
