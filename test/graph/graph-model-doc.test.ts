import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isIdgraphError } from '../../src/errors.js';
import { renderGraphModel, spliceGraphModel } from '../../src/graph/graph-model-doc.js';
import { EDGE_KIND_NAMES, EDGE_KINDS, NODE_KIND_NAMES } from '../../src/graph/schema.js';

const doc = readFileSync(new URL('../../docs/graph-model.md', import.meta.url), 'utf8');

describe('docs/graph-model.md', () => {
  it('is up to date with schema.ts (run: npx tsx scripts/gen-graph-model.ts)', () => {
    expect(spliceGraphModel(doc)).toBe(doc);
  });

  it('covers every node kind, edge kind and occurrence property', () => {
    const md = renderGraphModel();
    for (const k of NODE_KIND_NAMES) expect(md).toContain(`| ${k} |`);
    for (const k of EDGE_KIND_NAMES) {
      expect(md).toContain(`### ${k}`);
      for (const p of Object.keys(EDGE_KINDS[k].props)) expect(md).toContain(`| \`${p}\` |`);
    }
    expect(md).toContain('User -->|SIGNED_IN| IP');
  });

  it('refuses a document without markers', () => {
    let err: unknown;
    try {
      spliceGraphModel('# no markers');
    } catch (e) {
      err = e;
    }
    expect(isIdgraphError(err, 'BAD_INPUT')).toBe(true);
  });
});
