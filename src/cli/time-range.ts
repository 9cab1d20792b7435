/** Parses the --start/--end/--since options: ISO 8601 times, or durations back from now (e.g. 7d). */
import { durationMs } from '../detect/compile.js';
import { IdgraphError } from '../errors.js';

/** Epoch ms of an ISO 8601 time or of "now minus a duration" (30d, 6h). */
export function parseTime(name: string, raw: string, now = Date.now()): number {
  if (/^\d+(?:\.\d+)?(ms|s|m|h|d)$/.test(raw)) return now - durationMs(raw);
  const t = Date.parse(raw);
  if (Number.isNaN(t)) throw new IdgraphError('BAD_INPUT', `${name}: not an ISO 8601 time or a duration: ${raw}`);
  return t;
}

/** The run range of a hunt: defaults end = now, start = end - 1d (hunts.md). */
export function huntRange(opts: { start?: string; end?: string }, now = Date.now()): { start: number; end: number } {
  const end = opts.end ? parseTime('--end', opts.end, now) : now;
  const start = opts.start ? parseTime('--start', opts.start, now) : end - 86_400_000;
  if (start > end) throw new IdgraphError('BAD_INPUT', '--start is after --end');
  return { start, end };
}
