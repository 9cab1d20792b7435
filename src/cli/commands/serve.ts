/**
 * `idgraph serve [--port N] [--host H] [--store P] [--detectors DIR...]`: the
 * REST API (/v1, /openapi.json, /docs, /metrics) on the engine. Binds
 * 127.0.0.1 unless told otherwise; `--port 0` picks a free port; the URL is
 * printed once listening. Webhooks from IDGRAPH_WEBHOOKS or
 * `<store>/webhooks.json`. SIGINT/SIGTERM close the server, flush webhooks
 * and close the store. On the embedded store the graph is snapshotted every
 * `--snapshot-minutes` while events arrive, and on shutdown.
 */
import type { Command } from 'commander';
import { createApp } from '../../../api/app.js';
import { FileTokenStore, resolveTokensFile, tokenStoreFor } from '../../../api/auth/token-store.js';
import { JobRunner } from '../../../api/jobs.js';
import { jsonLogger } from '../../../api/logger.js';
import { createMetricsRegistry } from '../../../api/metrics.js';
import { startServer } from '../../../api/server.js';
import { v1Routes } from '../../../api/v1.js';
import type { IdgraphEngine } from '../../engine/idgraph-engine.js';
import { loadWebhooks, WebhookNotifier } from '../../engine/webhooks.js';
import { IdgraphError } from '../../errors.js';
import { resolveStateDir } from '../../store/store-location.js';
import { neo4jStoreUri, openFromOptions, withStoreOptions, type StoreOptions } from '../store-options.js';

export interface ServeOptions extends StoreOptions {
  port?: number;
  host?: string;
  /** Hunts over more days than this run as jobs. Default 31. */
  jobDays?: number;
  /** Minutes between graph snapshots while events arrive (a crash then replays at most that much). Default 10; 0: only on shutdown. */
  snapshotMinutes?: number;
  env?: NodeJS.ProcessEnv;
  out?: (text: string) => void;
}

export interface RunningServe {
  readonly url: string;
  readonly engine: IdgraphEngine;
  close(): Promise<void>;
}

/** Starts the API on the engine; resolves once listening. */
export async function startServe(opts: ServeOptions = {}): Promise<RunningServe> {
  const env = opts.env ?? process.env;
  const out = opts.out ?? ((s: string) => process.stdout.write(s));
  const uri = neo4jStoreUri(opts, env);
  // Tokens and webhooks are local files: beside the embedded store, or in the per-user data directory when the graph is on Neo4j.
  const storeDir = resolveStateDir(opts.store, env);
  const hooks = loadWebhooks(storeDir, env);
  const runtime = await openFromOptions({ ...opts, store: uri ?? storeDir });
  const catalog = runtime.engine.catalog;
  const logger = jsonLogger();
  const notifier = new WebhookNotifier(hooks, { onError: (message, fields) => logger.warn(message, fields) });
  notifier.attach(runtime.engine);
  const registry = createMetricsRegistry();
  const jobs = new JobRunner();
  const app = createApp({
    tokens: tokenStoreFor(storeDir, env, { onWarning: (m, f) => logger.warn(m, f) }),
    routes: v1Routes({
      engine: runtime.engine,
      ingest: (source, o) => runtime.ingest(source, o),
      metrics: registry,
      webhookStats: () => notifier.stats,
      jobs,
      ...(opts.jobDays === undefined ? {} : { huntJobThresholdMs: opts.jobDays * 86_400_000 }),
    }),
    metrics: registry,
    logger,
  });
  let server;
  try {
    server = await startServer(app, { host: opts.host ?? '127.0.0.1', port: opts.port ?? 0, announce: () => {} });
  } catch (err) {
    await notifier.close(0);
    await runtime.close();
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
      throw new IdgraphError('BAD_INPUT', `serve: cannot listen on ${opts.host ?? '127.0.0.1'}:${opts.port ?? 0}: ${code}`, { code });
    }
    throw err;
  }
  out(`idgraph API listening on ${server.url}\n`);
  out(`  docs ${server.url}/docs · OpenAPI ${server.url}/openapi.json · store ${runtime.durable ? runtime.location : 'in memory (not kept after exit)'}\n`);
  out(`  ${catalog.size} detectors · ${runtime.engine.listChains().length} chains · ${hooks.length} webhook${hooks.length === 1 ? '' : 's'}\n`);
  const tokensFile = resolveTokensFile(storeDir, env);
  const hasEnvToken = (env['IDGRAPH_TOKEN'] ?? '') !== '';
  let tokenCount = 0;
  try {
    tokenCount = new FileTokenStore(tokensFile).list().length;
  } catch {
    // A broken tokens file is reported per request (the server fails closed).
  }
  if (tokenCount === 0 && !hasEnvToken) {
    out(
      `  no API token yet: every /v1 request will be refused. Create one with\n` +
        `    idgraph token create --scope read${opts.store ? ` --store ${opts.store}` : ''}\n` +
        `  (--scope ingest to post events, --scope admin for everything)\n`,
    );
  }
  const every = opts.snapshotMinutes ?? 10;
  const snapshots =
    every > 0
      ? setInterval(() => {
          runtime.snapshot().catch((err: Error) => logger.warn('graph snapshot failed; the next restart replays more events', { error: err.message }));
        }, every * 60_000)
      : undefined;
  snapshots?.unref();
  let closing: Promise<void> | undefined;
  return {
    url: server.url,
    engine: runtime.engine,
    close: () =>
      (closing ??= (async () => {
        clearInterval(snapshots);
        await server.close();
        await notifier.close();
        await runtime.close();
      })()),
  };
}

/** Registers the serve command. */
export function register(program: Command): void {
  withStoreOptions(
    program
      .command('serve')
      .description('serve the REST API (/v1, /docs, /openapi.json, /metrics) on the store')
      .option('--port <n>', 'port to listen on (0: any free port)', (v) => parsePort(v), 8080)
      .option('--host <host>', 'interface to bind (default loopback only)', '127.0.0.1')
      .option('--job-days <n>', 'hunts over more days than this run as background jobs', (v) => Number(v), 31)
      .option('--snapshot-minutes <n>', 'minutes between graph snapshots while events arrive, so a crash replays little (0: only on shutdown)', (v) => parseMinutes(v), 10),
  ).action(async (opts: ServeOptions & { port: number; host: string; jobDays: number; snapshotMinutes: number }) => {
    const running = await startServe(opts);
    const stop = (signal: string) => {
      process.stderr.write(`idgraph: ${signal}, shutting down\n`);
      running.close().then(
        () => process.exit(0),
        (err) => {
          process.stderr.write(`idgraph: shutdown failed: ${(err as Error).message}\n`);
          process.exit(1);
        },
      );
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
}

function parsePort(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new IdgraphError('BAD_INPUT', `--port: expected 0..65535, got ${v}`);
  return n;
}

function parseMinutes(v: string): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n < 0 || n > 10_080) throw new IdgraphError('BAD_INPUT', `--snapshot-minutes: expected 0..10080 minutes, got ${v}`);
  return n;
}
