#!/usr/bin/env node
// Thin launcher: the CLI is compiled to dist/ by `npm run build` (run by `npm ci`/`npm install` via `prepare`).
import { main } from '../dist/src/cli/main.js';

main(process.argv).catch((err) => {
  process.stderr.write(`idgraph: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = typeof err?.exitCode === 'number' ? err.exitCode : 1;
});
