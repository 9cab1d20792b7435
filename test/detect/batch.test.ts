/**
 * runDetector keeps one prepared pattern per graph view and reuses it: a reused one must answer
 * exactly as a fresh one does, whatever ranges, parameters and graph changes came between runs.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { huntRows, runDetector, runRows, sortDetections } from '../../src/detect/batch.js';
import { loadCatalog } from '../../src/detect/catalog.js';
import { PreparedPattern } from '../../src/detect/evaluator.js';
import { TemporalGraph } from '../../src/graph/temporal-graph.js';
import { prepareRecord } from '../../src/ingest/prepare.js';
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

describe('batch output order', () => {
  it('breaks ties in time by the row values in column order, the same for rows and detections', () => {
    const records = [
      { Type: 'IdentityInfo', TimeGenerated: '2026-10-01T00:00:00Z', AccountUPN: 'ivan@contoso.com', AccountObjectId: 'oid-ivan', AssignedRoles: '["Global Administrator", "Exchange Admin", "Billing Administrator"]' },
      { Type: 'SigninLogs', TimeGenerated: '2026-10-10T01:00:00Z', Id: 'p1', CorrelationId: 'c1', UserPrincipalName: 'ivan@contoso.com', UserId: 'oid-ivan', IPAddress: '10.0.0.2', AppDisplayName: 'Azure Portal', ResultType: '50074', ResultDescription: 'x' },
      { Type: 'SigninLogs', TimeGenerated: '2026-10-10T01:00:00Z', Id: 'p2', CorrelationId: 'c2', UserPrincipalName: 'ivan@contoso.com', UserId: 'oid-ivan', IPAddress: '10.0.0.1', AppDisplayName: 'Azure Portal', ResultType: '50074', ResultDescription: 'x' },
      { Type: 'SigninLogs', TimeGenerated: '2026-10-10T00:30:00Z', Id: 'p0', CorrelationId: 'c0', UserPrincipalName: 'ivan@contoso.com', UserId: 'oid-ivan', IPAddress: '10.0.0.9', AppDisplayName: 'Azure Portal', ResultType: '50074', ResultDescription: 'x' },
    ];
    const g = new TemporalGraph();
    records.forEach((record, i) => {
      const e = prepareRecord({ file: 'order', line: i + 1, table: record.Type, record });
      if ('kind' in e) throw new Error(`record ${i}: ${e.kind}: ${e.path}: ${e.message}`);
      g.apply(e.facts);
    });
    const p = loadCatalog().get('privileged-account-failed-mfa')!.pattern;
    const opts = { start: Date.parse('2026-10-10T00:00:00Z'), end: Date.parse('2026-10-11T00:00:00Z') };
    const got = huntRows(p, g, opts).map((r) => `${String(r['TimeGenerated']).slice(11, 16)} ${String(r['Roles'])} ${String(r['IPAddress'])}`);
    // Time first; at 01:00, by Roles (the first column), then by IPAddress (a later one).
    expect(got).toEqual([
      '00:30 Billing Administrator 10.0.0.9',
      '00:30 Exchange Admin 10.0.0.9',
      '00:30 Global Administrator 10.0.0.9',
      '01:00 Billing Administrator 10.0.0.1',
      '01:00 Billing Administrator 10.0.0.2',
      '01:00 Exchange Admin 10.0.0.1',
      '01:00 Exchange Admin 10.0.0.2',
      '01:00 Global Administrator 10.0.0.1',
      '01:00 Global Administrator 10.0.0.2',
    ]);
    expect(runDetector(p, g, opts).map((d) => d.row)).toEqual(runRows(p, g, opts).map((r) => r.row));
  });
});
