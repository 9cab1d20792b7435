/**
 * The runtime every command gets when `--store` names a Neo4j server: the
 * Neo4j store (graph, raw events and documents in one database), the same
 * IdgraphEngine as on the embedded store, but judging with Neo4jJudge (each
 * ingested batch's time window re-run as the detectors' compiled Cypher) and
 * hunting with the compiled Cypher on the server: never an in-memory copy of
 * the graph. Detections and chain state are documents in the same database,
 * so opening the store restores them without re-judging anything.
 */
import type { CatalogEntry } from '../detect/catalog.js';
import { runCypherDetector } from '../detect/cypher/run.js';
import type { NewOccurrence } from '../detect/streaming.js';
import { EventIngest, type StoredBatchHandler } from '../engine/event-ingest.js';
import { IdgraphEngine, type EngineOptions, type Hunter } from '../engine/idgraph-engine.js';
import type { EdgeKind } from '../graph/schema.js';
import { TemporalGraph } from '../graph/temporal-graph.js';
import type { PreparedEvent } from '../ingest/prepared-event.js';
import { neo4jTargetFrom } from '../store/neo4j/neo4j-connection.js';
import { Neo4jJudge } from '../store/neo4j/neo4j-judge.js';
import { Neo4jStore } from '../store/neo4j/neo4j-store.js';
import type { StoreRuntime } from './engine-runtime.js';
import { join } from 'node:path';

export interface Neo4jRuntime extends StoreRuntime {
  readonly store: Neo4jStore;
  readonly judgeOf: Neo4jJudge;
}

/** The occurrences of a stored batch's events whose facts the graph took (what the judge needs: kinds and times). */
function occurrencesOf(fresh: readonly PreparedEvent[], refused: ReadonlySet<PreparedEvent>): NewOccurrence[] {
  const out: NewOccurrence[] = [];
  for (const e of fresh) {
    if (refused.has(e)) continue;
    for (const ed of e.facts.edges) out.push({ kind: ed.kind, from: ed.from, to: ed.to, time: ed.time, eventId: ed.eventId });
  }
  return out;
}

/** Opens the Neo4j store a `--store` URI names (schema set up), restores detections and chains, and starts the engine. */
export async function openNeo4jRuntime(input: {
  uri: string;
  user?: string;
  database?: string;
  catalog: ReadonlyMap<string, CatalogEntry>;
  engine?: EngineOptions;
}): Promise<Neo4jRuntime> {
  const store = await Neo4jStore.open(neo4jTargetFrom(input.uri, { ...(input.user ? { user: input.user } : {}), ...(input.database ? { database: input.database } : {}) }));
  try {
    const judge = new Neo4jJudge(
      store,
      [...input.catalog.values()].map((e) => e.pattern),
    );
    await judge.refreshPrivileged();
    const hunter: Hunter = async (entries, opts) => {
      const out = [];
      for (const e of entries) out.push({ id: e.definition.id, columns: [...e.pattern.columns], rows: await runCypherDetector(store, e.pattern, opts) });
      return out;
    };
    const engine = new IdgraphEngine(input.catalog, new TemporalGraph(), store, {
      ...(input.engine ?? {}),
      judge,
      isPrivileged: (n) => judge.isPrivileged(n),
      hunter,
      graphAround: (refs, depth) => store.neighbourhood(refs, depth),
    });
    await engine.start({ rejudge: false });

    const refusedOf = (fresh: readonly PreparedEvent[]) => {
      const refused = store.refusals(fresh);
      return { refused, set: new Set(refused.map((r) => r.event)) };
    };
    // Streaming: each stored batch is judged at once (its window re-run on the server).
    const streamed: StoredBatchHandler = async (fresh) => {
      const { refused, set } = refusedOf(fresh);
      const occurrences = occurrencesOf(fresh, set);
      if (occurrences.length) await engine.onOccurrences(occurrences);
      return refused;
    };
    // Bulk: only the span each edge kind covered is remembered, and judged once by judge().
    const pending = new Map<EdgeKind, { lo: NewOccurrence; hi: NewOccurrence }>();
    const bulk: StoredBatchHandler = async (fresh) => {
      const { refused, set } = refusedOf(fresh);
      for (const o of occurrencesOf(fresh, set)) {
        const span = pending.get(o.kind);
        if (!span) pending.set(o.kind, { lo: o, hi: o });
        else {
          if (o.time < span.lo.time) span.lo = o;
          if (o.time > span.hi.time) span.hi = o;
        }
      }
      return refused;
    };
    const ingest = new EventIngest(store, streamed);
    const ingestBulk = new EventIngest(store, bulk);
    return {
      engine,
      graph: undefined,
      store,
      judgeOf: judge,
      location: store.location,
      durable: true,
      retained: { dropped: 0 },
      rejectsDir: join(process.cwd(), 'idgraph-rejects'),
      ingest: (source, opts) => ingest.ingest(source, opts),
      ingestBulk: (source, opts) => ingestBulk.ingest(source, opts),
      async judge() {
        const spans = [...pending.values()].flatMap((s) => [s.lo, s.hi]);
        pending.clear();
        // The judge re-runs what the first and last occurrence of each kind reach: everything in between is covered.
        if (spans.length) await engine.onOccurrences(spans);
      },
      async stats() {
        const events = await store.eventStats();
        const span = events.length ? { first: Math.min(...events.map((e) => e.first)), last: Math.max(...events.map((e) => e.last)) } : null;
        return { events, graph: await store.graphStats(), span };
      },
      // The graph is the server's, and every batch is in it once committed: nothing to save for a restart.
      snapshot: async () => {},
      close: () => store.close(),
    };
  } catch (err) {
    await store.close().catch(() => undefined);
    throw err;
  }
}
