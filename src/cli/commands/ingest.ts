/**
 * `idgraph ingest <files|dirs|->...`: reads telemetry into the store and the
 * graph, judging detectors as batches land; prints accepted, duplicate,
 * rejected and skipped per table; rejects go to a file with file, line, field
 * path and message.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Command } from 'commander';
import type { IngestCallOptions, IngestOutcome, TableCounts } from '../../engine/event-ingest.js';
import { IdgraphError } from '../../errors.js';
import { UNKNOWN_TABLE_MESSAGE } from '../../ingest/formats/record-table.js';
import type { Reject } from '../../ingest/prepared-event.js';
import { expandInputs } from '../input-paths.js';
import type { SourceInput } from '../../ingest/formats/read-source.js';
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

/** Where an ingest goes: the store's engine, which judges detectors once the files are in. */
interface IngestTarget {
  readonly location: string;
  /** Default folder of rejects files. */
  readonly rejectsDir: string;
  ingest(source: SourceInput, opts: IngestCallOptions): Promise<IngestOutcome>;
  /** After the last file: judge what was added; detections and chains in the store. */
  settle(): Promise<{ detections: number; chains: number }>;
  close(): Promise<void>;
}

async function openIngestTarget(opts: IngestCliOptions): Promise<IngestTarget> {
  const runtime = await openFromOptions(opts);
  return {
    location: runtime.location,
    rejectsDir: runtime.rejectsDir,
    // Files arrive table by table, so most events would be late for streaming: load them all, then judge
    // once what they added (the same detections streaming gives in order, at a fraction of the cost).
    ingest: runtime.ingestBulk,
    async settle() {
      await runtime.judge();
      return { detections: runtime.engine.detections().length, chains: runtime.engine.listChains().length };
    },
    close: runtime.close,
  };
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
      .option('--rejects <file>', 'where to write rejected records (default: <store>/rejects/<time>.ndjson; ./idgraph-rejects/ for a Neo4j store)'),
  ).action(async (inputs: string[], opts: IngestCliOptions) => {
    const sources = expandInputs(inputs);
    const target = await openIngestTarget(opts);
    const tables: Record<string, TableCounts> = {};
    let rejectsTotal = 0;
    const started = Date.now();
    const tty = process.stderr.isTTY && !opts.json;
    // Every reject goes to the file as it happens (the outcome keeps only the first few).
    const rejectsPath = opts.rejects ?? join(target.rejectsDir, `${new Date(started).toISOString().replace(/[:.]/g, '-')}.ndjson`);
    let rejectsOpened = false;
    // Records no rule gives a table, per file: a whole file of them is a naming mistake, reported by name.
    const tableless = new Map<string, number>();
    const onReject = (r: Reject): void => {
      if (r.path === 'Type' && r.message === UNKNOWN_TABLE_MESSAGE) tableless.set(r.file, (tableless.get(r.file) ?? 0) + 1);
      if (!rejectsOpened) {
        mkdirSync(dirname(rejectsPath), { recursive: true });
        rejectsOpened = true;
      }
      appendFileSync(rejectsPath, `${JSON.stringify(r)}\n`);
    };
    let summary: { detections: number; chains: number };
    try {
      try {
        for (const [i, { label, source }] of sources.entries()) {
          const fileStart = performance.now();
          const show = (records: number): void => {
            if (!tty) return;
            const rate = records / Math.max(1e-3, (performance.now() - fileStart) / 1000);
            const line = `[${i + 1}/${sources.length}] ${label}  ${records.toLocaleString('en-US')} records  ${Math.round(rate).toLocaleString('en-US')}/s`;
            process.stderr.write(`\r${line.length > 119 ? `…${line.slice(-118)}` : line.padEnd(119)}`);
          };
          show(0);
          const out = await target.ingest(source, { ...(opts.table === undefined ? {} : { table: opts.table }), onReject, onProgress: show });
          for (const [t, c] of Object.entries(out.tables)) {
            const acc = (tables[t] ??= { accepted: 0, duplicate: 0, rejected: 0, skipped: 0 });
            acc.accepted += c.accepted;
            acc.duplicate += c.duplicate;
            acc.rejected += c.rejected;
            acc.skipped += c.skipped;
          }
          rejectsTotal += out.rejectsTotal;
        }
      } finally {
        if (tty) process.stderr.write('\n');
      }
      summary = await target.settle();
    } finally {
      await target.close();
    }
    const seconds = (Date.now() - started) / 1000;
    const accepted = Object.values(tables).reduce((n, c) => n + c.accepted, 0);
    const rejectsFile = rejectsOpened ? rejectsPath : null;
    if (opts.json) {
      process.stdout.write(`${JSON.stringify({ tables, rejected: rejectsTotal, rejectsFile, seconds, store: target.location, ...summary }, null, 2)}\n`);
    } else {
      process.stdout.write(`${renderCounts(tables)}\n`);
      const judged = `; ${summary.detections} detections, ${summary.chains} chains in the store`;
      process.stdout.write(`${accepted} events accepted in ${seconds.toFixed(1)} s into ${target.location}${judged}\n`);
      if (rejectsFile) process.stdout.write(`${rejectsTotal} rejected records written to ${rejectsFile}\n`);
    }
    if (Object.keys(tables).length === 0) throw new IdgraphError('BAD_INPUT', 'nothing could be read from the inputs');
    if (tableless.size > 0) {
      for (const [file, n] of tableless) {
        process.stderr.write(
          `idgraph: ${file}: ${n} record${n === 1 ? '' : 's'} of no known table; give --table, a Type column holding the table, or name the file after its table (e.g. SigninLogs.ndjson)\n`,
        );
      }
      process.exitCode = 1;
    }
  });
}
