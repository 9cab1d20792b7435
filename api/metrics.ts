/**
 * Prometheus metrics. Each app has its own prom-client Registry (passed in or created),
 * so tests and embedded servers do not collide; other modules add their gauges and
 * counters to the same registry (`new Gauge({ ..., registers: [registry] })`) and they
 * appear on GET /metrics.
 */
import type { RequestHandler } from 'express';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import { ROUTE_LABEL } from './route.js';

export { Registry } from 'prom-client';

/** A fresh registry; `defaultMetrics` adds process metrics (CPU, memory, event loop). */
export function createMetricsRegistry(options: { defaultMetrics?: boolean } = {}): Registry {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'idgraph_' });
  return registry;
}

const LABELS = ['method', 'route', 'status'] as const;

function counter(registry: Registry): Counter<(typeof LABELS)[number]> {
  const name = 'idgraph_http_requests_total';
  return (
    (registry.getSingleMetric(name) as Counter<(typeof LABELS)[number]> | undefined) ??
    new Counter({ name, help: 'HTTP requests by route template, method and status', labelNames: LABELS, registers: [registry] })
  );
}

function histogram(registry: Registry): Histogram<(typeof LABELS)[number]> {
  const name = 'idgraph_http_request_duration_seconds';
  return (
    (registry.getSingleMetric(name) as Histogram<(typeof LABELS)[number]> | undefined) ??
    new Histogram({
      name,
      help: 'HTTP request duration in seconds by route template, method and status',
      labelNames: LABELS,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    })
  );
}

/**
 * Middleware counting and timing every request. The route label is the declared path
 * template (`/v1/chains/:id`), or "unmatched", so label values stay bounded.
 */
export function httpMetrics(registry: Registry): RequestHandler {
  const requests = counter(registry);
  const durations = histogram(registry);
  return (req, res, next) => {
    const start = process.hrtime.bigint();
    res.on('finish', () => {
      const route = typeof res.locals[ROUTE_LABEL] === 'string' ? (res.locals[ROUTE_LABEL] as string) : 'unmatched';
      const labels = { method: req.method, route, status: String(res.statusCode) };
      requests.inc(labels);
      durations.observe(labels, Number(process.hrtime.bigint() - start) / 1e9);
    });
    next();
  };
}
