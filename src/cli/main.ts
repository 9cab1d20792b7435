/**
 * The `idgraph` command line. Each subcommand lives in src/cli/commands/<name>.ts
 * and exports `register(program)`; this file only wires them together.
 */
import { Command } from 'commander';
import { COMMANDS } from './commands/index.js';

/** Builds the commander program with every registered subcommand. */
export function buildProgram(): Command {
  const program = new Command('idgraph')
    .description('Identity threat correlation engine: Entra ID telemetry as a temporal graph.')
    .showHelpAfterError()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  for (const register of COMMANDS) register(program);
  return program;
}

/** Runs the CLI with the given argv (as process.argv). */
export async function main(argv: readonly string[]): Promise<void> {
  await buildProgram().parseAsync([...argv]);
}
