/** `idgraph seed --users N --days N --seed S --out DIR`: writes a deterministic demo tenant, one NDJSON file per table plus scenario.json. */
import type { Command } from 'commander';
import { generateTenant } from '../../../seeds/generator/generate.js';
import { IdgraphError } from '../../errors.js';

function int(name: string, raw: string, min: number): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new IdgraphError('BAD_INPUT', `${name}: expected an integer >= ${min}, got ${raw}`);
  return n;
}

/** Registers the seed command. */
export function register(program: Command): void {
  program
    .command('seed')
    .description('generate a demo tenant with attack scenarios (NDJSON per table + scenario.json)')
    .option('--users <n>', 'number of users', '60')
    .option('--days <n>', 'number of days', '14')
    .option('--seed <s>', 'random seed (same seed, same files)', '1')
    .option('--end <iso>', 'end of the period', '2026-11-01T00:00:00Z')
    .option('--gzip', 'write <Table>.ndjson.gz')
    .requiredOption('--out <dir>', 'output folder')
    .action(async (opts: { users: string; days: string; seed: string; end: string; gzip?: boolean; out: string }) => {
      if (Number.isNaN(Date.parse(opts.end))) throw new IdgraphError('BAD_INPUT', `--end: not an ISO 8601 time: ${opts.end}`);
      const summary = await generateTenant({
        users: int('--users', opts.users, 1),
        days: int('--days', opts.days, 1),
        seed: int('--seed', opts.seed, 0),
        end: opts.end,
        out: opts.out,
        ...(opts.gzip ? { gzip: true } : {}),
      });
      process.stdout.write(`tenant ${summary.start} .. ${summary.end} written to ${opts.out}\n`);
      for (const [t, n] of Object.entries(summary.rows)) process.stdout.write(`  ${t.padEnd(34)} ${String(n).padStart(9)} rows\n`);
    });
}
