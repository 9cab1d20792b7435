/**
 * `idgraph ingest <files|dirs|->...`: reads telemetry into the store and the
 * graph, judging detectors as batches land; prints accepted, duplicate,
 * rejected and skipped per table; rejects go to a file with file, line, field
 * path and message.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Command } from 'commander';
import type { TableCounts } from '../../engine/event-ingest.js';
import { IdgraphError } from '../../errors.js';
import type { Reject } from '../../ingest/prepared-event.js';
import { expandInputs } from '../input-paths.js';
import { openFromOptions, withStoreOptions, type StoreOptions } from '../store-options.js';

interface IngestCliOptions extends StoreOptions {
  table?: string;
  json?: boolean;
  rejects?: string;
}

/** Renders per-table counts as an aligned table. */
export function renderCounts(tables: Record<string, TableCounts>): string {
  const rows = Object.entries(tables).sort(([a], [b]) => (a < b ? -1 : 1));
  const head = ['table', 'accepted', 'duplicate', 'rejected', 'skipped'];
  const body = rows.map(([t, c]) => [t, String(c.accepted), String(c.duplicate), String(c.rejected), String(c.skipped)]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((v, i) => (i === 0 ? v.padEnd(widths[i]!) : v.padStart(widths[i]!))).join('  ');
  return [line(head), ...body.map(line)].join('\n');
}

/** Registers the ingest command. */
export function register(program: Command): void {
  withStoreOptions(
    program
      .command('ingest')
      .description('ingest log files (NDJSON, JSON, Log Analytics API, portal CSV, Graph API pages; gzip ok) into the store')
      .argument('<inputs...>', 'files, folders or - for stdin')
      .option('--table <name>', 'table of records that carry no Type column and whose file name names none')
      .option('--json', 'print the summary as JSON')
      .option('--rejects <file>', 'where to write rejected records (default: <store>/rejects/<time>.ndjson)'),
  ).action(async (inputs: string[], opts: IngestCliOptions) => {
    const sources = expandInputs(inputs);
    const runtime = await openFromOptions(opts);
    const tables: Record<string, TableCounts> = {};
    const rejects: Reject[] = [];
    let rejectsTotal = 0;
    const started = Date.now();
    const tty = process.stderr.isTTY && !opts.json;
    try {
      for (const [i, { label, source }] of sources.entries()) {
        if (tty) process.stderr.write(`\r[${i + 1}/${sources.length}] ${label}`.slice(0, 120).padEnd(80));
        const out = await runtime.ingest(source, opts.table === undefined ? {} : { table: opts.table });
        for (const [t, c] of Object.entries(out.tables)) {
          const acc = (tables[t] ??= { accepted: 0, duplicate: 0, rejected: 0, skipped: 0 });
          acc.accepted += c.accepted;
          acc.duplicate += c.duplicate;
          acc.rejected += c.rejected;
          acc.skipped += c.skipped;
        }
        rejects.push(...out.rejects);
        rejectsTotal += out.rejectsTotal;
      }
    } finally {
      if (tty) process.stderr.write('\n');
    }
    // Files arrive table by table, so most events are "late" for streaming; judge the whole store once more.
    const tooLate = runtime.engine.streaming.tooLate;
    if (tooLate > 0) await runtime.engine.start();
    let rejectsPath: string | undefined;
    if (rejects.length) {
      rejectsPath = opts.rejects ?? join(runtime.location, 'rejects', `${new Date(started).toISOString().replace(/[:.]/g, '-')}.ndjson`);
      mkdirSync(dirname(rejectsPath), { recursive: true });
      appendFileSync(rejectsPath, rejects.map((r) => `${JSON.stringify(r)}\n`).join(''));
    }
    const detections = runtime.engine.detections().length;
    const chains = runtime.engine.listChains().length;
    await runtime.close();
    const seconds = (Date.now() - started) / 1000;
    const accepted = Object.values(tables).reduce((n, c) => n + c.accepted, 0);
    if (opts.json) {
      process.stdout.write(`${JSON.stringify({ tables, rejected: rejectsTotal, rejectsFile: rejectsPath ?? null, seconds, detections, chains }, null, 2)}\n`);
    } else {
      process.stdout.write(`${renderCounts(tables)}\n`);
      process.stdout.write(`${accepted} events accepted in ${seconds.toFixed(1)} s; ${detections} detections, ${chains} chains in the store\n`);
      if (rejectsPath) process.stdout.write(`${rejectsTotal} rejected records written to ${rejectsPath}\n`);
    }
    if (Object.keys(tables).length === 0) throw new IdgraphError('BAD_INPUT', 'nothing could be read from the inputs');
  });
}
