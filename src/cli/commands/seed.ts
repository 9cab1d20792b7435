/** `idgraph seed --users N --days N --seed S [--start ISO | --end ISO] [--gzip] --out DIR`: writes a deterministic demo tenant, one NDJSON file per table plus scenario.json. */
import type { Command } from 'commander';
import { DEFAULT_END, generateTenant } from '../../../seeds/generator/generate.js';
import { IdgraphError } from '../../errors.js';

function int(name: string, raw: string, min: number): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new IdgraphError('BAD_INPUT', `${name}: expected an integer >= ${min}, got ${raw}`);
  return n;
}

function time(name: string, raw: string): string {
  if (Number.isNaN(Date.parse(raw))) throw new IdgraphError('BAD_INPUT', `${name}: not an ISO 8601 time: ${raw}`);
  return raw;
}

/** Registers the seed command. */
export function register(program: Command): void {
  program
    .command('seed')
    .description('generate a demo tenant with attack scenarios (NDJSON per table + scenario.json); same options, same bytes')
    .option('--users <n>', 'number of users (at least 30)', '60')
    .option('--days <n>', 'number of days (at least 9)', '14')
    .option('--seed <s>', 'random seed, 0..4294967295 (same seed, same files)', '1')
    .option('--start <iso>', 'first day of the period (UTC day); default: --days before --end')
    .option('--end <iso>', 'end of the period (exclusive, UTC day)', DEFAULT_END)
    .option('--gzip', 'write <Table>.ndjson.gz')
    .requiredOption('--out <dir>', 'output folder')
    .action(async (opts: { users: string; days: string; seed: string; start?: string; end: string; gzip?: boolean; out: string }) => {
      const began = Date.now();
      let summary;
      try {
        summary = await generateTenant({
          users: int('--users', opts.users, 1),
          days: int('--days', opts.days, 1),
          seed: int('--seed', opts.seed, 0),
          ...(opts.start !== undefined ? { start: time('--start', opts.start) } : { end: time('--end', opts.end) }),
          out: opts.out,
          ...(opts.gzip ? { gzip: true } : {}),
        });
      } catch (err) {
        if (err instanceof RangeError) throw new IdgraphError('BAD_INPUT', err.message);
        throw err;
      }
      const lines = [`tenant ${summary.start} .. ${summary.end}, ${summary.stories} stories, written to ${opts.out} in ${((Date.now() - began) / 1000).toFixed(1)} s`];
      for (const [t, n] of Object.entries(summary.rows)) {
        const mb = (summary.bytes[t as keyof typeof summary.bytes] / 1e6).toFixed(1);
        lines.push(`  ${t.padEnd(34)} ${String(n).padStart(10)} rows ${mb.padStart(9)} MB`);
      }
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
