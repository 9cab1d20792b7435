/**
 * The engine a command works on (`serve`, `ingest`, `hunt`, `chains`...): the
 * detector catalog, the temporal graph restored from the store's snapshot plus
 * the events stored after it (or rebuilt from the durable DuckDB store's raw
 * events), written back as a new snapshot when the store closes,
 * the IdgraphEngine over the store's documents, and the ingest function that
 * feeds both. `memory: true` keeps everything in memory instead (a one-shot
 * `hunt --input`, tests). `StoreRuntime` is what commands see: the Neo4j
 * runtime (neo4j-runtime.ts) fulfils it too, so no command asks which store
 * it has.
 */
import { join } from 'node:path';
import type { CatalogEntry } from '../detect/catalog.js';
import type { EngineDocuments, EventSink } from '../engine/engine-store.js';
import { applyToGraph, EventIngest, type IngestCallOptions, type IngestOutcome } from '../engine/event-ingest.js';
import { IdgraphEngine, type EngineOptions } from '../engine/idgraph-engine.js';
import { MemoryDocuments } from '../engine/memory-documents.js';
import { TaskQueue } from '../engine/task-queue.js';
import { TemporalGraph } from '../graph/temporal-graph.js';
import type { SourceInput } from '../ingest/formats/read-source.js';
import type { GraphStats } from '../graph/temporal-graph.js';
import { DuckDbStore } from '../store/duckdb/duckdb-store.js';
import { GRAPH_SNAPSHOT_FILE, readGraphSnapshot, removeGraphSnapshot, writeGraphSnapshot } from '../store/duckdb/graph-snapshot-file.js';
import { storedEventFacts } from '../ingest/prepare.js';

/** Events per transaction of a bulk ingest (a streaming ingest keeps the default 1,000, for latency). */
const BULK_BATCH = 5000;

/** What `idgraph stats` shows, from whichever store. */
export interface StoreStats {
  readonly events: { table: string; events: number; first: number; last: number }[];
  readonly graph: Pick<GraphStats, 'nodes' | 'edges' | 'occurrences' | 'totalNodes' | 'totalEdges' | 'totalOccurrences' | 'aliases'>;
  readonly span: { first: number; last: number } | null;
}

/** What every data command works on, whichever store holds the graph. */
export interface StoreRuntime {
  readonly engine: IdgraphEngine;
  /**
   * The in-memory temporal graph, when the store keeps one (embedded). On a remote store it is
   * undefined: hunts, detections and chains go through the engine, which runs them on the server.
   */
  readonly graph: TemporalGraph | undefined;
  /** Where data lives: the store directory, a server URI (no secrets), or "memory". */
  readonly location: string;
  readonly durable: boolean;
  /** Events dropped by retention when opening. */
  readonly retained: { dropped: number };
  /** Default folder of rejects files. */
  readonly rejectsDir: string;
  ingest(source: SourceInput, opts: IngestCallOptions): Promise<IngestOutcome>;
  /**
   * Ingests without judging each batch, for bulk loads of files: a file of one table arrives after another
   * table's, so most of its events would be late for streaming anyway. Call `judge()` after the last one.
   */
  ingestBulk(source: SourceInput, opts: IngestCallOptions): Promise<IngestOutcome>;
  /** Judges what bulk ingests added (what streaming would have found) and updates detections and chains. */
  judge(): Promise<void>;
  /** Events per table, graph counts and time span. */
  stats(): Promise<StoreStats>;
  /**
   * Saves what a restart needs to come back quickly, between ingest batches: on the embedded store a
   * graph snapshot when events arrived since the last one (a long-running server calls this now and
   * then, so a crash replays few events); nothing on Neo4j, where the graph is the server's.
   */
  snapshot(): Promise<void>;
  close(): Promise<void>;
}

/** Where an opened graph came from: its snapshot, or not (and why the snapshot was not used). */
export type GraphSource = { readonly fromSnapshot: true } | { readonly fromSnapshot: false; readonly snapshotUnused: string };

/** Said before stored events are replayed into the graph: how many, and on top of what. */
export type ReplayNotice = GraphSource & { readonly events: number };

/** The embedded runtime: the in-memory graph and the DuckDB store beside the engine. */
export interface EngineRuntime extends StoreRuntime {
  readonly graph: TemporalGraph;
  /** The DuckDB store, when durable. */
  readonly store: DuckDbStore | undefined;
  /**
   * How the graph came back when opening: from the store's snapshot (and how many events stored after it
   * were replayed), or rebuilt from every stored event, with why the snapshot was not used.
   */
  readonly restart: GraphSource & { readonly replayed: number };
}

/** Opens the engine for a store directory and starts it (graph rebuilt, streaming state primed, chains restored). */
export async function openEngineRuntime(input: {
  storeDir: string;
  catalog: ReadonlyMap<string, CatalogEntry>;
  engine?: EngineOptions;
  memory?: boolean;
  /** Drop events older than this many days (store and graph). */
  retentionDays?: number;
  /** Told before stored events are replayed into the graph (how many, and whether on top of its snapshot), so a long start can say why. */
  onReplay?: (r: ReplayNotice) => void;
}): Promise<EngineRuntime> {
  let graph = new TemporalGraph();
  let docs: EngineDocuments & EventSink;
  let store: DuckDbStore | undefined;
  let dropped = 0;
  let restart: EngineRuntime['restart'] = { fromSnapshot: false, snapshotUnused: 'no store (in memory)', replayed: 0 };
  const snapshotPath = join(input.storeDir, GRAPH_SNAPSHOT_FILE);
  /** The sequence number the snapshot file on disk holds events up to, when it matches the graph (close writes a new one otherwise). */
  let snapshotSeq = -1;
  if (input.memory) docs = new MemoryDocuments();
  else {
    store = await DuckDbStore.open(input.storeDir);
    if (input.retentionDays !== undefined) {
      const cutoff = Date.now() - input.retentionDays * 86_400_000;
      // The snapshot goes before the events it holds do: a crash in between must not bring them back.
      if ((await store.countBefore(cutoff)) > 0) {
        removeGraphSnapshot(snapshotPath);
        dropped = await store.dropBefore(cutoff);
      }
    }
    const read = readGraphSnapshot(snapshotPath, store);
    let after = 0;
    let source: GraphSource;
    if ('graph' in read) {
      graph = read.graph;
      after = snapshotSeq = read.seq;
      source = { fromSnapshot: true };
    } else source = { fromSnapshot: false, snapshotUnused: read.unused };
    const pending = await store.countAfter(after);
    if (pending > 0) input.onReplay?.({ ...source, events: pending });
    let replayed = 0;
    for await (const e of store.scanEvents({ afterSeq: after })) {
      const facts = storedEventFacts({ ...e, raw: parseRaw(e.raw) });
      if (!facts) continue;
      replayed++;
      try {
        graph.apply(facts);
      } catch {
        // Facts the graph refused at ingest stay refused; the raw event is still kept as evidence.
      }
    }
    restart = { ...source, replayed };
    docs = store;
  }
  const engine = new IdgraphEngine(input.catalog, graph, docs, input.engine ?? {});
  await engine.start();
  // One queue for ingests and snapshots: a snapshot never falls between a batch's commit and its apply.
  const queue = new TaskQueue();
  const ingest = new EventIngest(docs, applyToGraph(graph, engine), { queue });
  // Bulk loads commit bigger batches: each commit flushes the store's log, and nothing waits on a batch.
  const bulk = new EventIngest(docs, applyToGraph(graph), { batchSize: BULK_BATCH, queue });
  /** Writes a snapshot when events were stored since the one on disk (run through the queue). */
  const saveGraph = (): void => {
    if (!store || store.lastSeq === snapshotSeq) return;
    writeGraphSnapshot(snapshotPath, graph, { storeId: store.storeId, seq: store.lastSeq });
    snapshotSeq = store.lastSeq;
  };
  return {
    engine,
    graph,
    store,
    location: store ? input.storeDir : 'memory',
    durable: store !== undefined,
    retained: { dropped },
    restart,
    rejectsDir: join(store ? input.storeDir : process.cwd(), store ? 'rejects' : 'idgraph-rejects'),
    ingest: (source, opts) => ingest.ingest(source, opts),
    ingestBulk: (source, opts) => bulk.ingest(source, opts),
    judge: () => engine.start(),
    stats: async () => ({ events: (await store?.eventStats()) ?? [], graph: graph.stats(), span: graph.timeSpan() }),
    snapshot: () => queue.run(saveGraph),
    close: async () => {
      await queue.run(() => {
        try {
          saveGraph();
        } catch {
          // Only a cache: without it (or with the last one) the next open replays more events, nothing is lost.
        }
      });
      await store?.close();
    },
  };
}

/** A stored raw record's JSON, or undefined when the text is not JSON (that event then adds nothing to the graph). */
function parseRaw(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
