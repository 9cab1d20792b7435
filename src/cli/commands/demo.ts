/**
 * `idgraph demo` (what `npm start` runs): ingests the committed demo tenant
 * (seeds/demo) into a fresh embedded store, creates a read token, and serves
 * the API with its detections and chains ready, printing the URL and token.
 */
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { FileTokenStore, resolveTokensFile } from '../../../api/auth/token-store.js';
import { IdgraphError } from '../../errors.js';
import { packageRoot } from '../../package-root.js';
import { resolveStoreDir } from '../../store/store-location.js';
import { catalogFromOptions } from '../detector-catalog-option.js';
import { openEngineRuntime } from '../engine-runtime.js';
import { expandInputs } from '../input-paths.js';
import { startServe } from './serve.js';

/** Registers the demo command. */
export function register(program: Command): void {
  program
    .command('demo')
    .description('load the demo tenant into a fresh store and serve the API (what npm start runs)')
    .option('--port <n>', 'port (0: any free port)', '8080')
    .option('--store <path>', 'store directory for the demo (default: <data dir>/idgraph/demo; wiped first)')
    .action(async (opts: { port: string; store?: string }) => {
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new IdgraphError('BAD_INPUT', `--port: expected 0..65535, got ${opts.port}`);
      const demoData = join(packageRoot(), 'seeds', 'demo');
      if (!existsSync(demoData)) throw new IdgraphError('NOT_FOUND', `no demo data at ${demoData} (npm run seed:demo writes it)`);
      const storeDir = opts.store ?? join(resolveStoreDir(undefined), '..', 'demo');
      rmSync(storeDir, { recursive: true, force: true });
      process.stdout.write(`loading the demo tenant into ${storeDir}\n`);
      const runtime = await openEngineRuntime({ storeDir, catalog: catalogFromOptions({}) });
      let accepted = 0;
      for (const { source } of expandInputs([demoData])) {
        const out = await runtime.ingestBulk(source, {});
        for (const c of Object.values(out.tables)) accepted += c.accepted;
      }
      await runtime.judge();
      const detections = runtime.engine.detections().length;
      const chains = runtime.engine.listChains();
      await runtime.close();
      const { secret } = new FileTokenStore(resolveTokensFile(storeDir, {})).create({ name: 'demo', scopes: ['read'] });
      process.stdout.write(`${accepted} events, ${detections} detections, ${chains.length} chains (top score ${chains[0]?.score ?? 0})\n`);
      const running = await startServe({ store: storeDir, port, env: { ...process.env, IDGRAPH_STORE: storeDir } });
      process.stdout.write(`\nread token (shown once): ${secret}\ntry: curl -H "Authorization: Bearer ${secret}" ${running.url}/v1/chains\n`);
      const stop = () => void running.close().then(() => process.exit(0));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
