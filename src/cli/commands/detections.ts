/** `idgraph detections [--detector id] [--since T]`: the detections found as events were ingested, in the row shape of `hunt`. */
import type { Command } from 'commander';
import { IdgraphError } from '../../errors.js';
import { renderRows, ROW_FORMATS, type RowFormat } from '../row-output.js';
import { openFromOptions, withStoreOptions, type StoreOptions } from '../store-options.js';
import { parseTime } from '../time-range.js';

interface DetectionsCliOptions extends StoreOptions {
  detector?: string;
  since?: string;
  format: string;
}

/** Registers the detections command. */
export function register(program: Command): void {
  withStoreOptions(
    program
      .command('detections')
      .description('list stored detections (streamed as events were ingested)')
      .option('--detector <id>', 'only this detector')
      .option('--since <time>', 'only detections true at or after this time (ISO 8601 or a duration back from now)')
      .option('--format <f>', `output format: ${ROW_FORMATS.join(', ')}`, 'table'),
  ).action(async (opts: DetectionsCliOptions) => {
    if (!(ROW_FORMATS as readonly string[]).includes(opts.format)) throw new IdgraphError('BAD_INPUT', `--format: expected one of ${ROW_FORMATS.join(', ')}`);
    const runtime = await openFromOptions(opts);
    try {
      const { engine } = runtime;
      if (opts.detector && !engine.catalog.has(opts.detector)) throw new IdgraphError('NOT_FOUND', `unknown detector ${opts.detector}`);
      const list = engine.detections({
        ...(opts.detector ? { detector: opts.detector } : {}),
        ...(opts.since ? { since: parseTime('--since', opts.since) } : {}),
      });
      const results = [...engine.catalog.values()]
        .filter((e) => !opts.detector || e.definition.id === opts.detector)
        .map((e) => ({
          id: e.definition.id,
          columns: [...e.pattern.columns],
          rows: list.filter((d) => d.detector === e.definition.id).map((d) => engine.detectionRow(d)),
        }))
        .filter((r) => opts.detector || opts.format !== 'table' || r.rows.length > 0);
      process.stdout.write(renderRows(results, opts.format as RowFormat));
    } finally {
      await runtime.close();
    }
  });
}
