/**
 * Engine gauges and counters on the app's /metrics registry: events ingested
 * (by table), live detections, chains (by status), occurrences that arrived
 * too late for the streaming engine to judge, and webhook deliveries. Gauges
 * are read when Prometheus scrapes, so they cost nothing between scrapes.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { IdgraphEngine } from '../src/engine/idgraph-engine.js';
import type { NotifierStats } from '../src/engine/webhooks.js';
import type { EventIngestOutcome } from './routes/events.js';

export interface EngineMetrics {
  /** Counts an ingest's accepted events. */
  recordIngest(outcome: EventIngestOutcome): void;
}

/** Registers the engine metrics on `registry`. */
export function registerEngineMetrics(registry: Registry, source: { engine: IdgraphEngine; webhooks?: () => NotifierStats }): EngineMetrics {
  const { engine } = source;
  const ingested = new Counter({
    name: 'idgraph_events_ingested_total',
    help: 'Events accepted by ingestion, by table',
    labelNames: ['table'] as const,
    registers: [registry],
  });
  const rejected = new Counter({
    name: 'idgraph_events_rejected_total',
    help: 'Records rejected by ingestion, by table',
    labelNames: ['table'] as const,
    registers: [registry],
  });
  new Gauge({
    name: 'idgraph_detections_live',
    help: 'Detections currently true (streaming engine)',
    registers: [registry],
    collect() {
      this.set(engine.streaming.current().length);
    },
  });
  new Gauge({
    name: 'idgraph_chains',
    help: 'Attack chains, by triage status',
    labelNames: ['status'] as const,
    registers: [registry],
    collect() {
      const by: Record<string, number> = { new: 0, investigating: 0, resolved: 0, false_positive: 0 };
      for (const c of engine.listChains()) by[c.status] = (by[c.status] ?? 0) + 1;
      for (const [status, n] of Object.entries(by)) this.set({ status }, n);
    },
  });
  new Gauge({
    name: 'idgraph_streaming_late_occurrences',
    help: 'Occurrences that arrived later than the allowed lateness: applied to the graph, not judged in streaming',
    registers: [registry],
    collect() {
      this.set(engine.streaming.tooLate);
    },
  });
  const webhooks = source.webhooks;
  if (webhooks) {
    new Gauge({
      name: 'idgraph_webhook_deliveries',
      help: 'Webhook deliveries since start, by outcome',
      labelNames: ['outcome'] as const,
      registers: [registry],
      collect() {
        const s = webhooks();
        this.set({ outcome: 'delivered' }, s.delivered);
        this.set({ outcome: 'failed' }, s.failed);
        this.set({ outcome: 'dropped' }, s.dropped);
      },
    });
  }
  return {
    recordIngest(outcome) {
      for (const [table, c] of Object.entries(outcome.tables)) {
        if (c.accepted > 0) ingested.inc({ table }, c.accepted);
        if (c.rejected > 0) rejected.inc({ table }, c.rejected);
      }
    },
  };
}
