/**
 * A graph restored from its snapshot (through the structured-clone bytes the store writes) is the same
 * graph: every node, property, alias, edge and occurrence, and every built-in detector's rows, which
 * also read the kind logs the restore rebuilds. The demo tenant brings alias merges; retention leaves
 * holes in the node numbering.
 */
import { deserialize, serialize } from 'node:v8';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openEngineRuntime } from '../../src/cli/engine-runtime.js';
import { runRows } from '../../src/detect/batch.js';
import { loadCatalog } from '../../src/detect/catalog.js';
import type { GraphSnapshot } from '../../src/graph/graph-snapshot.js';
import { edgePropPosition } from '../../src/graph/schema.js';
import { TemporalGraph } from '../../src/graph/temporal-graph.js';
import { ValuePredicate } from '../../src/graph/value-predicate.js';
import { packageRoot } from '../../src/package-root.js';
import { dumpGraph, signIn } from './graph-fixtures.js';

const catalog = loadCatalog();
const CORRELATION = edgePropPosition('SIGNED_IN', 'correlationId');
const RESULT = edgePropPosition('SIGNED_IN', 'resultType');

/** Every built-in detector's rows over the graph's whole span. */
function allRows(g: TemporalGraph): Record<string, unknown> {
  const span = g.timeSpan()!;
  return Object.fromEntries([...catalog.values()].map(({ pattern }) => [pattern.id, runRows(pattern, g, { start: span.first, end: span.last })]));
}

/** dumpGraph without the count of interned values: the original keeps values it no longer uses until it compacts. */
function same(g: TemporalGraph): unknown {
  const d = dumpGraph(g) as { stats: Record<string, unknown> };
  return { ...d, stats: { ...d.stats, internedValues: undefined } };
}

function restored(g: TemporalGraph): TemporalGraph {
  return TemporalGraph.fromSnapshot(deserialize(serialize(g.toSnapshot())) as GraphSnapshot);
}

describe('graph snapshot', () => {
  it('restores the demo tenant graph exactly, with the same rows from every detector', async () => {
    const rt = await openEngineRuntime({ storeDir: '', catalog, memory: true });
    for (const t of ['IdentityInfo', 'AuditLogs', 'SigninLogs', 'AADNonInteractiveUserSignInLogs', 'EntraIdSignInEvents', 'CloudAppEvents', 'SecurityAlert']) {
      await rt.ingestBulk({ path: join(packageRoot(), 'seeds', 'demo', `${t}.ndjson.gz`) }, {});
    }
    const g = rt.graph;
    expect(g.stats().aliases).toBeGreaterThan(0);
    const rows = allRows(g);
    expect(Object.values(rows).some((r) => (r as unknown[]).length > 0)).toBe(true);
    const h = restored(g);
    expect(same(h)).toEqual(same(g));
    expect(allRows(h)).toEqual(rows);
    // A restored graph takes new events as the original does.
    const next = signIn('snap-1', g.timeSpan()!.last + 1000, 'late.user@contoso.com', '10.9.9.9');
    g.apply(next);
    h.apply(next);
    expect(same(h)).toEqual(same(g));
    await rt.close();
  }, 120_000);

  it('restores a graph with nodes dropped by retention and one whose user merged with its object id', () => {
    const g = new TemporalGraph();
    const t0 = Date.parse('2026-10-01T00:00:00Z');
    g.apply(signIn('old', t0, 'gone@contoso.com', '10.0.0.1', { props: { resultType: '50126' } }));
    g.apply(signIn('by-oid', t0 + 5_000, 'oid-7', '10.0.0.2'));
    g.apply(signIn('by-upn', t0 + 10_000, 'seven@contoso.com', '10.0.0.2', { aliases: ['oid-7'], userProps: { displayName: 'Seven' } }));
    g.removeBefore(t0 + 1);
    expect(g.nodeNumberLimit()).toBeGreaterThan(g.stats().totalNodes);
    const h = restored(g);
    expect(same(h)).toEqual(same(g));
    expect(h.resolve('User', 'oid-7')).toBe(g.resolve('User', 'oid-7'));
  });

  it('restores properties stored raw (a correlation id per sign-in) and the kind log, late arrivals included', () => {
    const g = new TemporalGraph();
    const t0 = Date.parse('2026-10-01T00:00:00Z');
    // Edges with no occurrence after the ids went raw keep theirs as codes (edges convert when next written).
    for (let i = 0; i < 50; i++) g.apply(signIn(`early${i}`, t0 - 1000 + i, `early${i}@contoso.com`, '10.1.0.1', { props: { correlationId: `early-${i}` } }));
    for (let i = 0; i < 20_000; i++) {
      // Every tenth sign-in arrives an hour late, so edges and the log are not filled in time order.
      const t = t0 + i * 1000 - (i % 10 === 0 ? 3_600_000 : 0);
      g.apply(signIn(`e${i}`, t, `user${i % 40}@contoso.com`, `10.0.${i % 7}.${i % 5}`, { props: { correlationId: `corr-${i}`, resultType: i % 3 === 0 ? '50126' : '0' } }));
    }
    // The correlation ids went raw (each is new), each with a position of its own in the snapshot's values;
    // those interned before that (still in the value table, used by no occurrence) are left out.
    expect(g.stats().internedValues).toBeGreaterThan(16_000);
    const values = g.toSnapshot().values.length;
    expect(values).toBeGreaterThan(20_050);
    expect(values).toBeLessThan(20_150);
    const scan = (x: TemporalGraph, prop: string, test: ValuePredicate): unknown[] => {
      const found = x.occurrencesWhere('SIGNED_IN', prop, test, { lo: -Infinity, loIn: true, hi: Infinity, hiIn: true })!;
      return Array.from(found.times, (t, k) => {
        const src = found.srcs[k]!;
        const i = found.pos[k]!;
        return [t, src.eventId(i), x.nodeAt(found.froms[k]!)!.key, x.nodeAt(found.tos[k]!)!.key, src.propAt(i, CORRELATION), src.propAt(i, RESULT)];
      });
    };
    const anyText = new ValuePredicate((v) => typeof v === 'string');
    const failed = new ValuePredicate((v) => v === '50126');
    const h = restored(g);
    expect(same(h)).toEqual(same(g));
    for (const prop of ['correlationId', 'resultType']) expect(scan(h, prop, anyText)).toEqual(scan(g, prop, anyText));
    expect(scan(h, 'resultType', failed)).toEqual(scan(g, 'resultType', failed));
    expect(scan(h, 'resultType', failed)).toHaveLength(6667);
    // A restored graph's own snapshot restores the same graph again.
    expect(same(restored(h))).toEqual(same(g));
  });

  it('refuses a snapshot made for another property layout', () => {
    const g = new TemporalGraph();
    g.apply(signIn('a', Date.parse('2026-10-01T00:00:00Z'), 'a@contoso.com', '10.0.0.1'));
    const snap = g.toSnapshot();
    const edges = { ...snap.edges, SIGNED_IN: { ...snap.edges.SIGNED_IN, width: snap.edges.SIGNED_IN.width + 1 } };
    expect(() => TemporalGraph.fromSnapshot({ ...snap, edges })).toThrow(/SIGNED_IN occurrences have/);
  });

  it('refuses a snapshot whose occurrences name a value it does not hold', () => {
    const g = new TemporalGraph();
    g.apply(signIn('a', Date.parse('2026-10-01T00:00:00Z'), 'a@contoso.com', '10.0.0.1'));
    const snap = g.toSnapshot();
    const codes = snap.edges.SIGNED_IN.codes.slice();
    codes[0] = snap.values.length;
    const edges = { ...snap.edges, SIGNED_IN: { ...snap.edges.SIGNED_IN, codes } };
    expect(() => TemporalGraph.fromSnapshot({ ...snap, edges })).toThrow(/SIGNED_IN occurrence 0 names value/);
  });
});
