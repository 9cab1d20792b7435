/** `idgraph explain <id>`: a detector's pattern as a readable plan. */
import type { Command } from 'commander';
import { selectDetectors } from '../../detect/catalog.js';
import { explainPattern } from '../../detect/explain.js';
import { catalogFromOptions, withDetectorDirs } from '../detector-catalog-option.js';

/** Registers the explain command. */
export function register(program: Command): void {
  withDetectorDirs(
    program.command('explain').description("show a detector's pattern as a readable plan").argument('<id>', 'detector id'),
  ).action((id: string, opts: { detectors?: string[] }) => {
    const [entry] = selectDetectors(catalogFromOptions(opts), [id]);
    process.stdout.write(`${explainPattern(entry!.pattern)}\n`);
  });
}
