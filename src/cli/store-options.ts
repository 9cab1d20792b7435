/** The store options every data command shares (`--store`, `--retention-days`, `--detectors`) and opening the engine with them. */
import type { Command } from 'commander';
import { IdgraphError } from '../errors.js';
import { isNeo4jUri } from '../store/neo4j/neo4j-uri.js';
import { resolveStoreDir } from '../store/store-location.js';
import { catalogFromOptions, withDetectorDirs } from './detector-catalog-option.js';
import { openEngineRuntime, type ReplayNotice, type StoreRuntime } from './engine-runtime.js';

export interface StoreOptions {
  store?: string;
  retentionDays?: string;
  detectors?: string[];
  lateness?: string;
  neo4jUser?: string;
  neo4jDatabase?: string;
}

/** Adds --store, --retention-days, --lateness and --detectors to a command. */
export function withStoreOptions(cmd: Command): Command {
  return withDetectorDirs(
    cmd
      .option('--store <path|uri>', 'store directory, or a Neo4j URI (bolt://, neo4j://, +s, +ssc) (default: $IDGRAPH_STORE, else the per-user data directory)')
      .option('--neo4j-user <name>', 'Neo4j user (default: $IDGRAPH_NEO4J_USER; the password comes only from $IDGRAPH_NEO4J_PASSWORD or $IDGRAPH_NEO4J_PASSWORD_FILE)')
      .option('--neo4j-database <name>', 'Neo4j database (default: $IDGRAPH_NEO4J_DATABASE, else the server default)')
      .option('--retention-days <n>', 'drop events older than N days (default: $IDGRAPH_RETENTION_DAYS, else keep all)')
      .option('--lateness <hours>', 'how late (hours) an event may arrive and still be judged in streaming (default 24)'),
  );
}

function positive(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new IdgraphError('BAD_INPUT', `${name}: expected a non-negative number, got ${raw}`);
  return n;
}

/** The Neo4j URI the options name (--store, else IDGRAPH_STORE), if they name one. */
export function neo4jStoreUri(opts: StoreOptions, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const store = opts.store !== undefined && opts.store !== '' ? opts.store : env['IDGRAPH_STORE'];
  return isNeo4jUri(store) ? store : undefined;
}

/** Opens the engine on the store the options name: a directory (embedded), a Neo4j URI, or memory. */
export async function openFromOptions(opts: StoreOptions, extra: { memory?: boolean } = {}): Promise<StoreRuntime> {
  const lateness = positive('--lateness', opts.lateness);
  const engine = lateness === undefined ? {} : { lateness: lateness * 3_600_000 };
  const uri = extra.memory ? undefined : neo4jStoreUri(opts);
  if (uri !== undefined) {
    // Retention on Neo4j would delete history other tools may read: not done behind the user's back.
    if (opts.retentionDays !== undefined) throw new IdgraphError('BAD_INPUT', '--retention-days applies to the embedded store only; on Neo4j, expire data with the database\'s own tools');
    // Loaded only for a Neo4j store: the driver is a third of a second of every start otherwise.
    const { openNeo4jRuntime } = await import('./neo4j-runtime.js');
    return openNeo4jRuntime({
      uri,
      catalog: catalogFromOptions(opts),
      engine,
      ...(opts.neo4jUser ? { user: opts.neo4jUser } : {}),
      ...(opts.neo4jDatabase ? { database: opts.neo4jDatabase } : {}),
    });
  }
  const retentionDays = positive('--retention-days', opts.retentionDays ?? process.env['IDGRAPH_RETENTION_DAYS']);
  return openEngineRuntime({
    storeDir: resolveStoreDir(opts.store),
    onReplay: sayLongReplay,
    catalog: catalogFromOptions(opts),
    ...(extra.memory ? { memory: true } : {}),
    ...(retentionDays === undefined ? {} : { retentionDays }),
    engine,
  });
}

/** Replays of this many stored events and more take seconds: the command says why it is slow to start. */
const LONG_REPLAY = 50_000;

function sayLongReplay(r: ReplayNotice): void {
  if (r.events < LONG_REPLAY) return;
  process.stderr.write(
    r.fromSnapshot
      ? `idgraph: replaying ${r.events} events stored after the graph snapshot (the last run did not close the store)\n`
      : `idgraph: rebuilding the graph from ${r.events} stored events (${r.snapshotUnused}); later starts restore it from its snapshot\n`,
  );
}
