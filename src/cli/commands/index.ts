/** The CLI's subcommands, one module each. Add a line here to add a command. */
import type { Command } from 'commander';
import { register as explain } from './explain.js';

export type RegisterCommand = (program: Command) => void;

export const COMMANDS: RegisterCommand[] = [explain];
