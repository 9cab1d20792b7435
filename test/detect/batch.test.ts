/**
 * runDetector keeps one prepared pattern per graph view and reuses it: a reused one must answer
 * exactly as a fresh one does, whatever ranges, parameters and graph changes came between runs.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runDetector, sortDetections } from '../../src/detect/batch.js';
import { loadCatalog } from '../../src/detect/catalog.js';
import { PreparedPattern } from '../../src/detect/evaluator.js';
import { TemporalGraph } from '../../src/graph/temporal-graph.js';
import { BASE, tenantArb } from './tenant-arbitrary.js';

const patterns = [...loadCatalog().values()].map((e) => e.pattern);
const HOUR = 3_600_000;

describe('runDetector reuses its prepared pattern', () => {
  it('gives what a freshly prepared pattern gives, across ranges, parameters and a growing graph', () => {
    let rows = 0;
    fc.assert(
      fc.property(tenantArb(40), fc.double({ min: 0.2, max: 0.8, noNaN: true }), fc.integer({ min: 0, max: 72 }), fc.integer({ min: 1, max: 96 }), (events, share, from, hours) => {
        const cut = Math.floor(events.length * share);
        const graph = new TemporalGraph();
        // Narrow ranges first: a wider run after them must not read what a narrower one kept.
        const ranges = [
          { start: BASE + from * HOUR, end: BASE + (from + hours) * HOUR },
          { start: BASE + from * HOUR, end: BASE + (from + hours) * HOUR, params: { window: 3 * HOUR, minFailures: 2, minAccounts: 2 } },
          { start: -Infinity, end: Infinity },
        ];
        const check = (): void => {
          for (const p of patterns) {
            for (const opts of ranges) {
              const reused = runDetector(p, graph, opts);
              const fresh = sortDetections(p, new PreparedPattern(p, graph).evaluate(opts));
              expect(reused, `${p.id} over ${opts.start}..${opts.end}`).toEqual(fresh);
              rows += reused.length;
            }
          }
        };
        for (const e of events.slice(0, cut)) graph.apply(e);
        check();
        for (const e of events.slice(cut)) graph.apply(e);
        check();
      }),
      { numRuns: 100 },
    );
    expect(rows, 'the tenants give detections to compare').toBeGreaterThan(40);
  });
});
