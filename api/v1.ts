/**
 * The /v1 API on an engine: every route module, wired to one IdgraphEngine,
 * an ingest function, a job runner and the engine metrics. `idgraph serve`
 * and the tests build the app with `createApp({ tokens, routes: v1Routes(...) })`.
 */
import type { Registry } from 'prom-client';
import type { IdgraphEngine } from '../src/engine/idgraph-engine.js';
import type { NotifierStats } from '../src/engine/webhooks.js';
import { registerEngineMetrics } from './engine-metrics.js';
import { JobRunner } from './jobs.js';
import type { RouteModule } from './route-module.js';
import { chainRoutes } from './routes/chains.js';
import { detectionRoutes } from './routes/detections.js';
import { detectorRoutes } from './routes/detectors.js';
import { entityRoutes } from './routes/entities.js';
import { eventRoutes, type EventIngest } from './routes/events.js';
import { huntRoutes } from './routes/hunts.js';

export interface V1Deps {
  readonly engine: IdgraphEngine;
  /** How POST /v1/events stores events; absent: the route answers 503 STORE. */
  readonly ingest?: EventIngest;
  /** Registry of the app's /metrics, to add the engine metrics to. */
  readonly metrics?: Registry;
  readonly webhookStats?: () => NotifierStats;
  readonly jobs?: JobRunner;
  /** Hunts over a longer range (ms) run as jobs. Default 31 days. */
  readonly huntJobThresholdMs?: number;
}

/** Every /v1 route module. */
export function v1Routes(deps: V1Deps): RouteModule[] {
  const { engine } = deps;
  const metrics = deps.metrics ? registerEngineMetrics(deps.metrics, { engine, ...(deps.webhookStats ? { webhooks: deps.webhookStats } : {}) }) : undefined;
  return [
    eventRoutes({ ...(deps.ingest ? { ingest: deps.ingest } : {}), ...(metrics ? { onIngested: (o) => metrics.recordIngest(o) } : {}) }),
    detectorRoutes({ engine }),
    huntRoutes({ engine, jobs: deps.jobs ?? new JobRunner(), ...(deps.huntJobThresholdMs === undefined ? {} : { huntJobThresholdMs: deps.huntJobThresholdMs }) }),
    detectionRoutes({ engine }),
    chainRoutes({ engine }),
    entityRoutes({ engine }),
  ];
}
