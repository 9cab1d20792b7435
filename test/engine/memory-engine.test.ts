/**
 * The engine without a disk store: MemoryDocuments and EventIngest. Duplicates
 * across and within sources, rejects counted per table, and a second engine
 * over the same graph and documents (a restart) keeping chain ids, triage and
 * detections.
 */
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/detect/catalog.js';
import { IdgraphEngine } from '../../src/engine/idgraph-engine.js';
import { MemoryDocuments } from '../../src/engine/memory-documents.js';
import { applyToGraph, EventIngest, UNKNOWN_TABLE_BUCKET } from '../../src/engine/event-ingest.js';
import { TemporalGraph } from '../../src/graph/temporal-graph.js';
import { ndjson, SCENARIO } from '../api/v1-harness.js';

const source = (text: string) => ({ stream: Readable.from([Buffer.from(text)]), name: 'test' });

describe('MemoryDocuments', () => {
  it('stores copies, lists by prefix in id order, deletes', async () => {
    const docs = new MemoryDocuments();
    const doc = { n: 1 };
    await docs.putDocs('c', [{ id: 'b2', doc }, { id: 'a1', doc: { n: 2 } }, { id: 'b1', doc: { n: 3 } }]);
    doc.n = 99;
    expect(await docs.listDocs('c')).toEqual([{ id: 'a1', doc: { n: 2 } }, { id: 'b1', doc: { n: 3 } }, { id: 'b2', doc: { n: 1 } }]);
    expect((await docs.listDocs('c', { prefix: 'b' })).map((d) => d.id)).toEqual(['b1', 'b2']);
    await docs.deleteDocs('c', ['b1', 'zz']);
    expect((await docs.listDocs('c')).map((d) => d.id)).toEqual(['a1', 'b2']);
    expect(await docs.listDocs('none')).toEqual([]);
    expect(docs.putRaw([{ eventId: 'e1', table: 'T', time: 1, raw: { a: 1 } }, { eventId: 'e1', table: 'T', time: 2, raw: { a: 2 } }])).toBe(1);
    expect((await docs.getRaw(['e1', 'e2'])).get('e1')).toEqual({ table: 'T', time: 1, raw: { a: 1 } });
  });
});

describe('EventIngest and a restart', () => {
  it('counts duplicates and rejects; a second engine over the same documents keeps chains and triage', async () => {
    const graph = new TemporalGraph();
    const docs = new MemoryDocuments();
    const catalog = loadCatalog();
    const first = new IdgraphEngine(catalog, graph, docs);
    await first.start();
    const ingest = new EventIngest(docs, applyToGraph(graph, first), { batchSize: 2 });
    const text = ndjson([...SCENARIO, SCENARIO[1], { Type: 'SigninLogs', TimeGenerated: 'nope', Id: 'bad' }, { Type: 'Nope', x: 1 }]);
    const outcome = await ingest.ingest(source(text));
    expect(outcome.tables['SigninLogs']).toEqual({ accepted: 4, duplicate: 1, rejected: 1, skipped: 0 });
    expect(outcome.tables[UNKNOWN_TABLE_BUCKET]?.rejected).toBe(1);
    expect(outcome.rejects.map((r) => r.line)).toEqual([SCENARIO.length + 2, SCENARIO.length + 3]);
    expect(docs.rawCount).toBe(SCENARIO.length);
    // Read from lines, the raw events are held as those lines and read back as their records.
    const lines = text.split('\n');
    const held = await docs.getRaw(first.detections().flatMap((d) => d.evidence.flatMap((e) => e.eventIds)));
    expect(held.size).toBeGreaterThan(0);
    for (const e of held.values()) expect(lines.map((l) => (l ? JSON.parse(l) : null))).toContainEqual(e.raw);

    const chains = first.listChains();
    expect(chains.length).toBe(2);
    await first.triage(chains[0]!.id, { status: 'investigating', note: 'n', by: 'me' });

    const second = new IdgraphEngine(catalog, graph, docs);
    await second.start();
    expect(second.listChains().map((c) => [c.id, c.status, c.score])).toEqual(first.listChains().map((c) => [c.id, c.status, c.score]));
    expect(second.chain(chains[0]!.id).triage.map((t) => t.note)).toEqual(['n']);
    expect(second.detections().map((d) => d.id).sort()).toEqual(first.detections().map((d) => d.id).sort());
  });
});
