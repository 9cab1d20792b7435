/**
 * The `idgraph` command line. Each subcommand lives in src/cli/commands/<name>.ts
 * and exports `register(program)`; this file only wires them together.
 */
import { Command } from 'commander';
import { COMMANDS } from './commands/index.js';
import { applyConfigFile } from './config-file.js';

/** Builds the commander program with every registered subcommand. */
export function buildProgram(): Command {
  const program = new Command('idgraph')
    .description('Identity threat correlation engine: Entra ID telemetry as a temporal graph.')
    .option('--config <file>', 'config file (JSON; default: $IDGRAPH_CONFIG, else $XDG_CONFIG_HOME/idgraph/config.json if present)')
    .showHelpAfterError()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) })
    // Settings from the config file fill environment variables the shell left unset (flags still win).
    .hook('preSubcommand', (cmd) => void applyConfigFile(cmd.opts<{ config?: string }>().config));
  for (const register of COMMANDS) register(program);
  return program;
}

/** Runs the CLI with the given argv (as process.argv). */
export async function main(argv: readonly string[]): Promise<void> {
  await buildProgram().parseAsync([...argv]);
}
