/** `idgraph explain <id> [--cypher [--anchored]]`: a detector's pattern as a readable plan, or as the Cypher Neo4j runs. */
import type { Command } from 'commander';
import { selectDetectors } from '../../detect/catalog.js';
import { compileCypher } from '../../detect/cypher/compile.js';
import { explainPattern } from '../../detect/explain.js';
import { catalogFromOptions, withDetectorDirs } from '../detector-catalog-option.js';

/** Registers the explain command. */
export function register(program: Command): void {
  withDetectorDirs(
    program
      .command('explain')
      .description("show a detector's pattern as a readable plan, or with --cypher the parameterised Cypher it compiles to")
      .argument('<id>', 'detector id')
      .option('--cypher', 'print the Cypher query and its parameters ($start and $end are given at run time)')
      .option('--anchored', 'with --cypher: the streaming rule (each anchor judged with the window it fixes)'),
  ).action((id: string, opts: { detectors?: string[]; cypher?: boolean; anchored?: boolean }) => {
    const [entry] = selectDetectors(catalogFromOptions(opts), [id]);
    if (!opts.cypher) {
      process.stdout.write(`${explainPattern(entry!.pattern)}\n`);
      return;
    }
    const q = compileCypher(entry!.pattern, { anchored: opts.anchored });
    const params = { start: '<run start, epoch ms>', end: '<run end, epoch ms>', ...q.params };
    process.stdout.write(`${q.cypher}\n\n// parameters\n${JSON.stringify(params, null, 2)}\n`);
  });
}
