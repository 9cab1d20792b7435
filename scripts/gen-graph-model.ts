/**
 * Regenerates the schema-derived part of docs/graph-model.md.
 * Run: npx tsx scripts/gen-graph-model.ts   (test/graph/graph-model-doc.test.ts fails when it is stale)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { spliceGraphModel } from '../src/graph/graph-model-doc.js';

const path = fileURLToPath(new URL('../docs/graph-model.md', import.meta.url));
const before = readFileSync(path, 'utf8');
const after = spliceGraphModel(before);
if (after !== before) writeFileSync(path, after);
console.log(after === before ? `${path} is up to date` : `${path} regenerated`);
