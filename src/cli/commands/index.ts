/** The CLI's subcommands, one module each. Add a line here to add a command. */
import type { Command } from 'commander';
import { register as chains } from './chains.js';
import { register as demo } from './demo.js';
import { register as detections } from './detections.js';
import { register as entity } from './entity.js';
import { register as explain } from './explain.js';
import { register as hunt } from './hunt.js';
import { register as ingest } from './ingest.js';
import { register as seed } from './seed.js';
import { register as serve } from './serve.js';
import { register as stats } from './stats.js';
import { register as testDetectors } from './test-detectors.js';
import { register as token } from './token.js';

export type RegisterCommand = (program: Command) => void;

export const COMMANDS: RegisterCommand[] = [ingest, hunt, detections, chains, entity, stats, explain, testDetectors, seed, serve, demo, token];
