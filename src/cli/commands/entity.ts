/** `idgraph entity <kind> <key>`: an entity's neighbours (with first and last seen) and its timeline. */
import type { Command } from 'commander';
import { IdgraphError } from '../../errors.js';
import { canonicalKey } from '../../graph/node-keys.js';
import { neighbours, timeline } from '../../graph/entity-view.js';
import { NODE_KIND_NAMES, parseNodeKind } from '../../graph/schema.js';
import { openFromOptions, withStoreOptions, type StoreOptions } from '../store-options.js';

/** Registers the entity command. */
export function register(program: Command): void {
  withStoreOptions(
    program
      .command('entity')
      .description("an entity's neighbours and timeline, e.g. idgraph entity user alice@contoso.com")
      .argument('<kind>', `node kind: ${NODE_KIND_NAMES.join(', ')} (any case)`)
      .argument('<key>', 'UPN, object id, IP address, device id...')
      .option('--limit <n>', 'timeline entries (latest first)', '50')
      .option('--json', 'print as JSON'),
  ).action(async (kindArg: string, keyArg: string, opts: StoreOptions & { limit: string; json?: boolean }) => {
    const kind = parseNodeKind(kindArg);
    if (!kind) throw new IdgraphError('BAD_INPUT', `unknown kind ${kindArg} (one of ${NODE_KIND_NAMES.join(', ')})`);
    const runtime = await openFromOptions(opts);
    try {
      // The in-memory graph, or on Neo4j the entity and its neighbours loaded from the server.
      const graph = await runtime.engine.viewAround([{ kind, key: keyArg }], 1);
      const key = graph.resolve(kind, canonicalKey(kind, keyArg));
      if (key === undefined) throw new IdgraphError('NOT_FOUND', `no ${kind} ${keyArg} in the store`);
      const ref = { kind, key };
      const nb = neighbours(graph, ref);
      const tl = timeline(graph, ref, { limit: Number(opts.limit) || 50, order: 'desc' });
      const detections = runtime.engine.detections({ entity: ref }).map((d) => ({ detector: d.detector, time: new Date(d.time).toISOString(), row: runtime.engine.detectionRow(d) }));
      const chains = runtime.engine.listChains({ entity: ref }).map((c) => ({ id: c.id, score: c.score, status: c.status, steps: c.steps.length }));
      if (opts.json) {
        process.stdout.write(`${JSON.stringify({ entity: ref, aliases: graph.nodeAliases(ref), props: graph.nodeProps(ref), neighbours: nb, timeline: tl, detections, chains }, null, 2)}\n`);
        return;
      }
      const iso = (t: number) => new Date(t).toISOString();
      const lines = [`${kind} ${key}`, '', 'neighbours:'];
      for (const n of nb) lines.push(`  ${n.direction === 'out' ? '->' : '<-'} ${n.edgeKind.padEnd(22)} ${n.kind.padEnd(9)} ${n.key.padEnd(40)} x${n.count}  ${iso(n.first)} .. ${iso(n.last)}`);
      lines.push('', `timeline (latest ${tl.length}):`);
      for (const t of tl) lines.push(`  ${iso(t.time)}  ${t.direction === 'out' ? '->' : '<-'} ${t.edgeKind.padEnd(22)} ${t.other.kind}:${t.other.key}`);
      lines.push('', `detections: ${detections.length}; chains: ${chains.map((c) => `${c.id} (score ${c.score})`).join(', ') || 'none'}`);
      process.stdout.write(`${lines.join('\n')}\n`);
    } finally {
      await runtime.close();
    }
  });
}
