/** The store options every data command shares (`--store`, `--retention-days`, `--detectors`) and opening the engine with them. */
import type { Command } from 'commander';
import { IdgraphError } from '../errors.js';
import { resolveStoreDir } from '../store/store-location.js';
import { catalogFromOptions, withDetectorDirs } from './detector-catalog-option.js';
import { openEngineRuntime, type EngineRuntime } from './engine-runtime.js';

export interface StoreOptions {
  store?: string;
  retentionDays?: string;
  detectors?: string[];
  lateness?: string;
}

/** Adds --store, --retention-days, --lateness and --detectors to a command. */
export function withStoreOptions(cmd: Command): Command {
  return withDetectorDirs(
    cmd
      .option('--store <path>', 'store directory (default: $IDGRAPH_STORE, else the per-user data directory)')
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

/** Opens the engine on the store the options name (or in memory). */
export async function openFromOptions(opts: StoreOptions, extra: { memory?: boolean } = {}): Promise<EngineRuntime> {
  const retentionDays = positive('--retention-days', opts.retentionDays ?? process.env['IDGRAPH_RETENTION_DAYS']);
  const lateness = positive('--lateness', opts.lateness);
  return openEngineRuntime({
    storeDir: resolveStoreDir(opts.store),
    catalog: catalogFromOptions(opts),
    ...(extra.memory ? { memory: true } : {}),
    ...(retentionDays === undefined ? {} : { retentionDays }),
    engine: lateness === undefined ? {} : { lateness: lateness * 3_600_000 },
  });
}
