/**
 * A real /v1 server for the route tests: the built-in detector catalog, the
 * engine runtime `idgraph serve` uses (a DuckDB store in a temp dir, the
 * temporal graph rebuilt from it, EventIngest behind POST /v1/events; or all
 * in memory with `memory: true`), file tokens in the temp dir, on port 0. Also the scenario
 * records the tests ingest (real table shapes, prepared by the real readers).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../../api/app.js';
import { FileTokenStore, tokenStoreFor } from '../../api/auth/token-store.js';
import { JobRunner } from '../../api/jobs.js';
import { memoryLogger } from '../../api/logger.js';
import { createMetricsRegistry, type Registry } from '../../api/metrics.js';
import { startServer, type RunningServer } from '../../api/server.js';
import { v1Routes } from '../../api/v1.js';
import { openEngineRuntime, type EngineRuntime } from '../../src/cli/engine-runtime.js';
import { loadCatalog } from '../../src/detect/catalog.js';
import type { IdgraphEngine } from '../../src/engine/idgraph-engine.js';
import type { TemporalGraph } from '../../src/graph/temporal-graph.js';

export interface V1Harness {
  url: string;
  dir: string;
  engine: IdgraphEngine;
  graph: TemporalGraph;
  runtime: EngineRuntime;
  jobs: JobRunner;
  registry: Registry;
  logger: ReturnType<typeof memoryLogger>;
  tokens: { read: string; ingest: string; admin: string; read2: string };
  server: RunningServer;
  close(): Promise<void>;
}

/** Starts the /v1 app on an empty engine. */
export async function startV1(opts: { huntJobThresholdMs?: number; lateness?: number; memory?: boolean; dir?: string } = {}): Promise<V1Harness> {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'idgraph-v1-'));
  const fileStore = new FileTokenStore(join(dir, 'tokens.json'));
  const tokens = {
    read: fileStore.create({ name: 'analyst', scopes: ['read'] }).secret,
    ingest: fileStore.create({ name: 'collector', scopes: ['ingest'] }).secret,
    admin: fileStore.create({ name: 'admin', scopes: ['admin'] }).secret,
    read2: fileStore.create({ name: 'analyst-2', scopes: ['read'] }).secret,
  };
  const runtime = await openEngineRuntime({
    storeDir: join(dir, 'store'),
    catalog: loadCatalog(),
    ...(opts.memory ? { memory: true } : {}),
    ...(opts.lateness === undefined ? {} : { engine: { lateness: opts.lateness } }),
  });
  const { engine, graph } = runtime;
  const registry = createMetricsRegistry({ defaultMetrics: false });
  const logger = memoryLogger();
  const jobs = new JobRunner();
  const app = createApp({
    tokens: tokenStoreFor(dir, {}),
    routes: v1Routes({ engine, ingest: (s, o) => runtime.ingest(s, o), metrics: registry, jobs, ...(opts.huntJobThresholdMs === undefined ? {} : { huntJobThresholdMs: opts.huntJobThresholdMs }) }),
    metrics: registry,
    logger,
    validateResponses: true,
  });
  const server = await startServer(app, { port: 0, announce: () => {} });
  return {
    url: server.url,
    dir,
    engine,
    graph,
    runtime,
    jobs,
    registry,
    logger,
    tokens,
    server,
    close: async () => {
      await server.close();
      await runtime.close();
      if (!opts.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

const signIn = (id: string, time: string, upn: string, ip: string, result: string, extra: Record<string, unknown> = {}) => ({
  Type: 'SigninLogs',
  TimeGenerated: time,
  Id: id,
  CorrelationId: `c-${id}`,
  UserPrincipalName: upn,
  UserId: `oid-${upn.split('@')[0]}`,
  IPAddress: ip,
  AppDisplayName: 'Azure Portal',
  ResultType: result,
  ResultDescription: '',
  ...extra,
});

const registration = (id: string, time: string, upn: string, ip: string) => ({
  Type: 'AuditLogs',
  TimeGenerated: time,
  Id: id,
  Category: 'UserManagement',
  OperationName: 'User registered security info',
  Result: 'success',
  CorrelationId: `c-${id}`,
  InitiatedBy: { user: { id: `oid-${upn.split('@')[0]}`, userPrincipalName: upn, ipAddress: ip } },
  TargetResources: [{ id: `oid-${upn.split('@')[0]}`, type: 'User', displayName: upn.split('@')[0], userPrincipalName: upn }],
});

const paris = { Location: 'FR', LocationDetails: { city: 'Paris', state: '', countryOrRegion: 'FR' } };
const seattle = { Location: 'US', LocationDetails: { city: 'Seattle', state: '', countryOrRegion: 'US' } };

/**
 * Alice, a Global Administrator, signs in from the US as usual; on 10 October
 * an attacker in Paris fails MFA on her account, then gets in, then registers
 * an authenticator from the same IP. Bob, ten days later, registers security
 * info with no history (an unrelated chain).
 */
export const SCENARIO: Record<string, unknown>[] = [
  { Type: 'IdentityInfo', TimeGenerated: '2026-09-01T00:00:00Z', AccountUPN: 'alice@contoso.com', AccountObjectId: 'oid-alice', AccountName: 'alice', AssignedRoles: '["Global Administrator"]' },
  signIn('s1', '2026-10-01T08:00:00Z', 'alice@contoso.com', '10.50.0.1', '0', seattle),
  signIn('s2', '2026-10-02T08:00:00Z', 'alice@contoso.com', '10.50.0.1', '0', seattle),
  signIn('s3', '2026-10-10T05:00:00Z', 'alice@contoso.com', '203.0.113.80', '50074', { ...paris, ResultDescription: 'Strong Authentication is required.' }),
  signIn('s4', '2026-10-10T06:00:00Z', 'alice@contoso.com', '203.0.113.80', '0', paris),
  registration('a1', '2026-10-10T09:00:00Z', 'alice@contoso.com', '203.0.113.80'),
  registration('a2', '2026-10-20T12:00:00Z', 'bob@contoso.com', '10.9.9.9'),
];

/** Records as NDJSON. */
export function ndjson(records: readonly unknown[]): string {
  return records.map((r) => JSON.stringify(r)).join('\n') + '\n';
}

/** Validates real responses against the server's own /openapi.json (ajv, JSON Schema 2020-12). */
export async function openApiValidator(url: string): Promise<(method: string, expressPath: string, status: number, body: unknown) => string[]> {
  const { Ajv2020 } = await import('ajv/dist/2020.js');
  const { toOpenApiPath } = await import('../../api/openapi.js');
  const doc = (await (await fetch(`${url}/openapi.json`)).json()) as { paths: Record<string, Record<string, { responses: Record<string, { $ref?: string }> }>> };
  const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
  ajv.addSchema(doc as object, 'openapi.json');
  const pointer = (...parts: string[]): string => parts.map((p) => p.replaceAll('~', '~0').replaceAll('/', '~1')).join('/');
  return (method, expressPath, status, body) => {
    const path = toOpenApiPath(expressPath);
    const response = doc.paths[path]?.[method]?.responses[String(status)];
    if (!response) return [`${method} ${path} does not document ${status}`];
    const base = response.$ref ? `openapi.json${response.$ref}` : `openapi.json#/${pointer('paths', path, method, 'responses', String(status))}`;
    const validate = ajv.getSchema(`${base}/${pointer('content', 'application/json', 'schema')}`);
    if (!validate) return [`no JSON schema for ${method} ${path} ${status}`];
    return validate(body) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
  };
}
