/** The CLI's subcommands, one module each. Add a line here to add a command. */
import type { Command } from 'commander';
import { register as chains } from './chains.js';
import { register as explain } from './explain.js';
import { register as serve } from './serve.js';
import { register as testDetectors } from './test-detectors.js';
import { register as token } from './token.js';

export type RegisterCommand = (program: Command) => void;

export const COMMANDS: RegisterCommand[] = [chains, explain, serve, testDetectors, token];
