/** Running the idgraph CLI from tests: in this process through main(), or as a child process from source. */
import { spawn } from 'node:child_process';
import { main } from '../../src/cli/main.js';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `idgraph <args>` in this process: stdout and stderr captured, the exit code read from
 * process.exitCode (or 1 when the command throws, as bin/idgraph does) and reset.
 */
export async function cliInProcess(...args: string[]): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((chunk: string | Uint8Array) => ((stdout += chunk.toString()), true)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => ((stderr += chunk.toString()), true)) as typeof process.stderr.write;
  let code = 0;
  try {
    await main(['node', 'idgraph', ...args]);
    code = Number(process.exitCode ?? 0);
  } catch (e) {
    stderr += `idgraph: ${e instanceof Error ? e.message : String(e)}\n`;
    code = 1;
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
    process.exitCode = undefined;
  }
  return { code, stdout, stderr };
}

/** Runs the CLI from source in a child process (stdin given or empty, env added to this one's). */
export function cliSpawned(args: readonly string[], opts: { stdin?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main-entry.ts', ...args], { env: { ...process.env, ...(opts.env ?? {}) }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(opts.stdin ?? '');
  });
}
