/**
 * generateTenant: a deterministic Entra ID tenant over N days, written as one
 * NDJSON file per table (<Table>.ndjson, or .ndjson.gz) plus scenario.json
 * describing the attack stories and near misses woven into it.
 *
 * Memory stays bounded whatever the size: the clock advances an hour at a
 * time, the background plans that hour, and every event due before the hour's
 * end is built and written (through streams that apply backpressure) and
 * dropped. Only events planned ahead (token refreshes within hours, the
 * stories) wait in the timeline. Same options, same bytes.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TableName } from '../../src/ingest/table-names.js';
import { Background } from './background.js';
import type { BuildContext } from './events.js';
import { Rng } from './rng.js';
import { MIN_DAYS, planStories, type Story } from './scenarios/index.js';
import { SignInHistory } from './sign-in-history.js';
import { buildTenant, MIN_USERS } from './tenant.js';
import { DAY, dayStart, HOUR, iso } from './time.js';
import { Timeline } from './timeline.js';
import { TableWriters } from './writer.js';

/** The demo tenant ends here unless told otherwise (a fixed date, so the demo is the same on every run). */
export const DEFAULT_END = '2026-11-01T00:00:00.000Z';

export interface GenerateOptions {
  readonly users: number;
  readonly days: number;
  readonly seed: number;
  /** First instant (ISO 8601, rounded down to a UTC day). Default: `days` before `end`. */
  readonly start?: string;
  /** End of the period, exclusive (ISO 8601, rounded down to a UTC day). Default DEFAULT_END; ignored when `start` is given. */
  readonly end?: string;
  readonly out: string;
  /** Write <Table>.ndjson.gz instead of <Table>.ndjson. */
  readonly gzip?: boolean;
}

export interface GenerateSummary {
  readonly start: string;
  readonly end: string;
  readonly rows: Record<TableName, number>;
  /** Uncompressed bytes per table. */
  readonly bytes: Record<TableName, number>;
  readonly files: readonly string[];
  readonly stories: number;
}

/** What scenario.json holds. */
export interface Scenario {
  readonly seed: number;
  readonly users: number;
  readonly days: number;
  readonly start: string;
  readonly end: string;
  readonly judging: string;
  readonly stories: readonly Story[];
}

const JUDGING =
  'Each expect entry names a detector and output columns: at least one row of that detector, run over [start, end] ' +
  'with its streaming rule for anchored hunts (mfa-registration-unseen-ip judges a registration at t with start = t - 1d), ' +
  'has every listed column equal to the value (text compared as written). A mustNotMatch entry: no such row. ' +
  'Background activity produces other rows too (routine MFA changes for account-mfa-modifications, admins\' MFA interrupts for privileged-account-failed-mfa).';

/** Writes the tenant; resolves when every file is on disk. */
export async function generateTenant(opts: GenerateOptions): Promise<GenerateSummary> {
  if (!Number.isInteger(opts.days) || opts.days < MIN_DAYS) throw new RangeError(`days: at least ${MIN_DAYS}, got ${opts.days}`);
  if (!Number.isInteger(opts.users) || opts.users < MIN_USERS) throw new RangeError(`users: at least ${MIN_USERS}, got ${opts.users}`);
  if (!Number.isInteger(opts.seed) || opts.seed < 0 || opts.seed > 0xffffffff) throw new RangeError(`seed: an integer in 0..4294967295, got ${opts.seed}`);
  const start = opts.start !== undefined ? dayStart(parseTime('start', opts.start)) : dayStart(parseTime('end', opts.end ?? DEFAULT_END)) - opts.days * DAY;
  const end = start + opts.days * DAY;

  const root = new Rng(opts.seed);
  const tenant = buildTenant(root.fork('tenant'), opts.users);
  const history = new SignInHistory();
  const { cast, stories } = planStories({ tenant, rng: root.fork('stories'), day: (n) => end - n * DAY });
  const life = new Background(root.fork('background'), tenant, history, cast.reserved, start);
  const timeline = new Timeline();
  for (const s of stories) for (const ev of s.events) timeline.push(ev);

  const writers = new TableWriters(opts.out, opts.gzip ?? false);
  const ctx: BuildContext = { rng: root.fork('rows'), tenant, history };
  try {
    for (let hour = start; hour < end; hour += HOUR) {
      life.planHour(hour, (ev) => timeline.push(ev));
      for (const ev of timeline.takeBefore(hour + HOUR)) {
        if (ev.time < start) throw new Error(`event planned before the start: ${iso(ev.time)}`);
        ev.effect?.(ctx);
        for (const row of ev.rows(ctx)) await writers.write(row.table, row.record);
      }
    }
    await writers.close();
  } catch (err) {
    writers.destroy();
    throw err;
  }
  const scenario: Scenario = { seed: opts.seed, users: opts.users, days: opts.days, start: iso(start), end: iso(end), judging: JUDGING, stories: stories.map((s) => s.story) };
  const scenarioPath = join(opts.out, 'scenario.json');
  writeFileSync(scenarioPath, `${JSON.stringify(scenario, null, 2)}\n`);
  return { start: scenario.start, end: scenario.end, rows: writers.rows(), bytes: writers.bytes(), files: [...writers.paths(), scenarioPath], stories: stories.length };
}

function parseTime(name: string, value: string): number {
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw new RangeError(`${name}: not an ISO 8601 time: ${value}`);
  return t;
}
