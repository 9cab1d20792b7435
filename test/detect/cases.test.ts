/**
 * Runs every built-in detector's cases (detectors/<id>.cases.yaml) through the
 * real ingest path, temporal graph and engines: one test per case and mode.
 */
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/detect/catalog.js';
import { casesPathFor, formatCaseResult, loadCasesFile, runCases } from '../../src/detect/cases/run-cases.js';

const catalog = loadCatalog();

describe('built-in detectors ship with cases', () => {
  for (const entry of catalog.values()) {
    it(`${entry.definition.id} has positives, near misses, reversed order, outside-window and late-arrival cases`, () => {
      const path = casesPathFor(entry);
      expect(path, `${entry.definition.id} has no cases file`).toBeDefined();
      const kinds = new Set(loadCasesFile(path!).file.cases.map((c) => c.kind));
      for (const k of ['positive', 'reversed-order', 'outside-window', 'late-arrival'] as const) expect(kinds, k).toContain(k);
      expect(kinds.has('negative') || kinds.has('boundary')).toBe(true);
    });
  }
});

for (const entry of catalog.values()) {
  const path = casesPathFor(entry);
  if (!path) continue;
  const loaded = loadCasesFile(path);
  describe(`cases of ${entry.definition.id}`, () => {
    for (const c of loaded.file.cases) {
      const modes = c.mode === 'both' ? (['batch', 'streaming'] as const) : [c.mode];
      for (const mode of modes) {
        it(`${c.name} [${c.kind}, ${mode}]`, () => {
          const [result] = runCases(entry, loaded, { cases: [c.name], modes: [mode] });
          expect(result, 'the case ran').toBeDefined();
          expect(result!.passed, formatCaseResult(result!)).toBe(true);
        });
      }
    }
  });
}
