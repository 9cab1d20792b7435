/**
 * `idgraph chains [--min-score N] [--status S] [--json] [--store P]`: the
 * attack chains of the store, highest score first — id, score, status,
 * first and last seen, accounts, tactics and number of steps.
 */
import type { Command } from 'commander';
import { TriageStatusSchema, type TriageStatus } from '../../chains/chain-schema.js';
import { summariseChain, type ChainSummary } from '../../chains/chain-summary.js';
import type { IdgraphEngine } from '../../engine/idgraph-engine.js';
import { IdgraphError } from '../../errors.js';
import { openFromOptions, withStoreOptions, type StoreOptions } from '../store-options.js';

export interface ChainsOptions {
  minScore?: number;
  status?: string;
  json?: boolean;
}

/** Renders the chains of an engine, filtered, as a table or JSON lines of summaries. */
export function renderChains(engine: IdgraphEngine, opts: ChainsOptions): string {
  let status: TriageStatus | undefined;
  if (opts.status !== undefined) {
    const parsed = TriageStatusSchema.safeParse(opts.status);
    if (!parsed.success) throw new IdgraphError('BAD_INPUT', `--status: expected one of ${TriageStatusSchema.options.join(', ')}, got ${opts.status}`);
    status = parsed.data;
  }
  if (opts.minScore !== undefined && !Number.isFinite(opts.minScore)) throw new IdgraphError('BAD_INPUT', '--min-score: expected a number');
  const chains = engine
    .listChains({ ...(opts.minScore === undefined ? {} : { minScore: opts.minScore }), ...(status === undefined ? {} : { status }) })
    .map(summariseChain);
  if (opts.json) return `${JSON.stringify(chains, null, 2)}\n`;
  if (chains.length === 0) return 'no chains\n';
  return `${table(chains)}\n${chains.length} chain${chains.length === 1 ? '' : 's'}\n`;
}

function table(chains: readonly ChainSummary[]): string {
  const header = ['id', 'score', 'status', 'first seen', 'last seen', 'accounts', 'tactics', 'steps'];
  const rows = chains.map((c) => [
    c.id,
    String(c.score),
    c.status,
    c.firstSeen.slice(0, 19).replace('T', ' '),
    c.lastSeen.slice(0, 19).replace('T', ' '),
    c.accounts.map((a) => (c.privilegedAccounts.includes(a) ? `${a}*` : a)).join(', '),
    c.tactics.join('>'),
    String(c.stepCount),
  ]);
  const cap = 48;
  const widths = header.map((h, i) => Math.min(cap, Math.max(h.length, ...rows.map((r) => r[i]!.length))));
  const fmt = (cells: readonly string[]) => cells.map((v, i) => (v.length > widths[i]! ? `${v.slice(0, widths[i]! - 1)}…` : v.padEnd(widths[i]!))).join('  ').trimEnd();
  return [fmt(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(fmt), '(* holds an admin role)'].join('\n');
}

/** Registers the chains command. */
export function register(program: Command): void {
  withStoreOptions(
    program
      .command('chains')
      .description('list attack chains, highest score first')
      .option('--min-score <n>', 'only chains scoring at least this', (v) => Number(v))
      .option('--status <status>', `only chains in this triage status (${TriageStatusSchema.options.join(', ')})`)
      .option('--json', 'print the chain summaries as JSON'),
  ).action(async (opts: ChainsOptions & StoreOptions) => {
    const runtime = await openFromOptions(opts);
    try {
      process.stdout.write(renderChains(runtime.engine, opts));
    } finally {
      await runtime.close();
    }
  });
}
