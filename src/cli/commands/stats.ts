/** `idgraph stats`: node and edge counts per kind, occurrences, stored events per table and the time span. */
import type { Command } from 'commander';
import type { EngineRuntime, StoreStats } from '../engine-runtime.js';
import { openFromOptions, withStoreOptions, type StoreOptions } from '../store-options.js';

type GraphCounts = StoreStats['graph'];

/** The figures stats prints, from whichever store. */
async function collectStats(opts: StoreOptions): Promise<{ out: Record<string, unknown> & { store: string; span: { first: string; last: string } | null; detections: number; chains: number }; g: GraphCounts; events: { table: string; events: number }[] }> {
  const iso = (t: number): string => new Date(t).toISOString();
  const runtime = await openFromOptions(opts);
  try {
    const { events, graph: g, span } = await runtime.stats();
    return {
      out: {
        store: runtime.location,
        span: span ? { first: iso(span.first), last: iso(span.last) } : null,
        events,
        graph: g,
        // How the embedded graph came back (a snapshot plus later events, or a rebuild): what a slow start costs.
        ...('restart' in runtime ? { restart: runtime.restart } : {}),
        detections: runtime.engine.detections().length,
        chains: runtime.engine.listChains().length,
      },
      g,
      events,
    };
  } finally {
    await runtime.close();
  }
}

/** Registers the stats command. */
export function register(program: Command): void {
  withStoreOptions(program.command('stats').description('graph and store statistics').option('--json', 'print as JSON')).action(
    async (opts: StoreOptions & { json?: boolean }) => {
      const collected = await collectStats(opts);
      {
        const { out, g, events } = collected;
        if (opts.json) {
          process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
          return;
        }
        const lines = [`store ${out.store}`, `time span ${out.span ? `${out.span.first} .. ${out.span.last}` : '(empty)'}`, '', 'events per table:'];
        for (const e of events) lines.push(`  ${e.table.padEnd(34)} ${String(e.events).padStart(9)}`);
        const num = (n: number): string => String(n).padStart(9);
        lines.push('', 'nodes per kind:');
        for (const [kind, n] of Object.entries(g.nodes)) lines.push(`  ${kind.padEnd(34)} ${num(n)}`);
        lines.push('', `${'edges per kind:'.padEnd(36)} ${'edges'.padStart(9)}  ${'occurrences'.padStart(11)}`);
        for (const [kind, n] of Object.entries(g.edges)) lines.push(`  ${kind.padEnd(34)} ${num(n)}  ${String(g.occurrences[kind as keyof typeof g.occurrences] ?? 0).padStart(11)}`);
        lines.push(`  ${'total'.padEnd(34)} ${num(g.totalEdges)}  ${String(g.totalOccurrences).padStart(11)}`);
        lines.push('', `${g.totalNodes} nodes (${g.aliases} alias keys resolved to them)`);
        const r = out['restart'] as EngineRuntime['restart'] | undefined;
        if (r) lines.push(r.fromSnapshot ? `graph restored from its snapshot, ${r.replayed} later events replayed` : `graph rebuilt from ${r.replayed} stored events (${r.snapshotUnused})`);
        lines.push('', `${out.detections} detections, ${out.chains} chains`);
        process.stdout.write(`${lines.join('\n')}\n`);
      }
    },
  );
}
