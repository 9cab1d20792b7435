/**
 * The behavioural test harness for detectors: runs a detector's cases (raw
 * events in, rows expected out) in batch over the case's range and in
 * streaming (events applied one at a time in arrival order), and reports per
 * case which expected rows are missing and which rows were not expected.
 *
 * Events go through the real ingest path (prepareRecord) and the real
 * temporal graph, so a case exercises table mapping, graph and pattern
 * together, exactly as a user's logs would.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { IdgraphError } from '../../errors.js';
import { TemporalGraph, type AppliedOccurrence } from '../../graph/temporal-graph.js';
import { prepareRecord } from '../../ingest/prepare.js';
import type { PreparedEvent } from '../../ingest/prepared-event.js';
import { huntRows } from '../batch.js';
import { readDocument, type CatalogEntry } from '../catalog.js';
import { parseParamValue, type CompiledPattern } from '../compile.js';
import { formatRow, stableJson } from '../detection.js';
import type { Value } from '../expr/ast.js';
import { StreamingEngine } from '../streaming.js';
import { CasesFileSchema, type CasesFile, type DetectorCase, type ExpectedRow } from './case-schema.js';

/** A cases file as read: its path (for messages) and validated content. */
export interface LoadedCases {
  readonly path: string;
  readonly file: CasesFile;
}

/** Outcome of one case in one mode. */
export interface CaseResult {
  readonly detector: string;
  readonly case: string;
  readonly kind: DetectorCase['kind'];
  readonly mode: 'batch' | 'streaming';
  readonly passed: boolean;
  /** Expected rows no actual row matched. */
  readonly missing: readonly ExpectedRow[];
  /** Actual rows no expected row matched. */
  readonly unexpected: readonly Record<string, Value>[];
  /** Every actual row. */
  readonly rows: readonly Record<string, Value>[];
}

const CASES_SUFFIXES = ['.cases.yaml', '.cases.yml', '.cases.json'];

/** The cases file beside a detector (`<dir>/<id>.cases.yaml|yml|json`), or undefined when it has none. */
export function casesPathFor(entry: CatalogEntry): string | undefined {
  const dir = dirname(entry.file);
  for (const suffix of CASES_SUFFIXES) {
    const path = join(dir, `${entry.definition.id}${suffix}`);
    if (existsSync(path)) return path;
  }
  return undefined;
}

/** Reads and validates a cases file; errors name the file and the field path. */
export function loadCasesFile(path: string): LoadedCases {
  const parsed = CasesFileSchema.safeParse(readDocument(path));
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    const first = issues[0]!;
    throw new IdgraphError('INVALID_DETECTOR', `${path}: ${first.path || '(root)'}: ${first.message}`, { file: path, issues });
  }
  return { path, file: parsed.data };
}

/** Prepares every event of a case; a rejected event is a harness error naming file, case and event index. */
function prepareEvents(path: string, c: DetectorCase): PreparedEvent[] {
  return c.events.map((record, i) => {
    const r = prepareRecord({ file: path, line: i + 1, table: String(record['Type']), record });
    if ('kind' in r) {
      throw new IdgraphError(
        'BAD_INPUT',
        `${path}: case "${c.name}": event ${i}: ${r.kind}: ${r.path || '(record)'}: ${r.message}`,
        { file: path, case: c.name, event: i, path: r.path },
      );
    }
    return r;
  });
}

/** The case's parameter overrides, read by each parameter's declared type. */
function caseParams(path: string, entry: CatalogEntry, c: DetectorCase): Record<string, Value> {
  const out: Record<string, Value> = {};
  for (const [name, raw] of Object.entries(c.params ?? {})) {
    const spec = entry.definition.params[name];
    if (!spec) {
      throw new IdgraphError('BAD_INPUT', `${path}: case "${c.name}": params.${name}: detector ${entry.definition.id} has no such parameter`);
    }
    try {
      out[name] = parseParamValue(spec.type, raw);
    } catch (err) {
      throw new IdgraphError('BAD_INPUT', `${path}: case "${c.name}": params.${name}: ${(err as Error).message}`);
    }
  }
  return out;
}

/** Applies events to a graph in the given order; an event the graph refuses names file, case and event index. */
function applyAll(
  path: string,
  c: DetectorCase,
  g: TemporalGraph,
  events: readonly PreparedEvent[],
  order: readonly number[],
  each?: (applied: AppliedOccurrence[]) => void,
): void {
  for (const i of order) {
    let applied: AppliedOccurrence[];
    try {
      applied = g.apply(events[i]!.facts);
    } catch (err) {
      throw new IdgraphError('BAD_INPUT', `${path}: case "${c.name}": event ${i}: ${(err as Error).message}`, { file: path, case: c.name, event: i });
    }
    each?.(applied);
  }
}

/** Batch: every event into a fresh graph, then the detector over the case's range. */
function batchRows(path: string, entry: CatalogEntry, c: DetectorCase, events: readonly PreparedEvent[], params: Record<string, Value>): Record<string, Value>[] {
  const g = new TemporalGraph();
  applyAll(path, c, g, events, events.map((_, i) => i));
  return huntRows(entry.pattern, g, { start: Date.parse(c.range.start), end: Date.parse(c.range.end), params });
}

/** Streaming arrival order: the case's, else time order (ties keep file order). */
export function arrivalOrder(c: DetectorCase, events: readonly PreparedEvent[]): number[] {
  if (c.arrival) return [...c.arrival];
  return events.map((_, i) => i).sort((a, b) => events[a]!.time - events[b]!.time || a - b);
}

/** Streaming: events one at a time in arrival order, each applied batch judged; the final live rows. */
function streamingRows(path: string, entry: CatalogEntry, c: DetectorCase, events: readonly PreparedEvent[], params: Record<string, Value>): Record<string, Value>[] {
  const g = new TemporalGraph();
  const times = events.map((e) => e.time);
  const lateness = Math.max(1, Math.max(...times) - Math.min(...times) + 1);
  const engine = new StreamingEngine([entry.pattern], g, { lateness, params: { [entry.definition.id]: params } });
  engine.assertSupported([entry.definition.id]);
  applyAll(path, c, g, events, arrivalOrder(c, events), (applied) => engine.apply(applied));
  return engine.current().map((d) => formatRow(entry.pattern, d.row));
}

/** Whether an actual value matches an expected one: times by instant, arrays as sets, the rest exactly. */
function valueMatches(expected: unknown, actual: Value | undefined, isTime: boolean): boolean {
  if (expected === null || expected === undefined) return actual === null || actual === undefined;
  if (isTime && typeof expected === 'string' && typeof actual === 'string') return Date.parse(expected) === Date.parse(actual);
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) return false;
    const a = expected.map((v) => stableJson(v)).sort();
    const b = actual.map((v) => stableJson(v)).sort();
    return a.every((v, i) => v === b[i]);
  }
  return stableJson(expected) === stableJson(actual);
}

function rowMatches(p: CompiledPattern, expected: ExpectedRow, actual: Record<string, Value>): boolean {
  return Object.entries(expected).every(([col, v]) => {
    if (!Object.hasOwn(actual, col)) return false;
    return valueMatches(v, actual[col], p.project.find((c) => c.name === col)?.isTime ?? false);
  });
}

/**
 * Compares rows as sets: a maximum one-to-one matching of expected rows to actual rows
 * (an expected row lists only the columns it checks), then what is left on each side.
 */
export function diffRows(p: CompiledPattern, expected: readonly ExpectedRow[], actual: readonly Record<string, Value>[]): { missing: ExpectedRow[]; unexpected: Record<string, Value>[] } {
  const adj = expected.map((e) => actual.flatMap((a, j) => (rowMatches(p, e, a) ? [j] : [])));
  const owner = new Array<number>(actual.length).fill(-1);
  const tryAssign = (i: number, seen: boolean[]): boolean => {
    for (const j of adj[i]!) {
      if (seen[j]) continue;
      seen[j] = true;
      if (owner[j] === -1 || tryAssign(owner[j]!, seen)) {
        owner[j] = i;
        return true;
      }
    }
    return false;
  };
  expected.forEach((_, i) => tryAssign(i, new Array<boolean>(actual.length).fill(false)));
  const assigned = new Set(owner.filter((o) => o !== -1));
  return {
    missing: expected.filter((_, i) => !assigned.has(i)),
    unexpected: actual.filter((_, j) => owner[j] === -1),
  };
}

/** Runs the cases of one detector in the modes each case asks for. */
export function runCases(
  entry: CatalogEntry,
  loaded: LoadedCases,
  only?: { readonly cases?: readonly string[]; readonly modes?: readonly ('batch' | 'streaming')[] },
): CaseResult[] {
  const { path, file } = loaded;
  if (file.detector !== entry.definition.id) {
    throw new IdgraphError('BAD_INPUT', `${path}: detector: is ${file.detector}, but the detector file ${entry.file} defines ${entry.definition.id}`);
  }
  const results: CaseResult[] = [];
  for (const c of file.cases) {
    if (only?.cases && !only.cases.includes(c.name)) continue;
    const events = prepareEvents(path, c);
    const params = caseParams(path, entry, c);
    const modes = (c.mode === 'both' ? (['batch', 'streaming'] as const) : [c.mode]).filter((m) => !only?.modes || only.modes.includes(m));
    if (modes.length === 0) continue;
    for (const mode of modes) {
      const rows = mode === 'batch' ? batchRows(path, entry, c, events, params) : streamingRows(path, entry, c, events, params);
      const expected = mode === 'streaming' && c.expectStreaming ? c.expectStreaming : c.expect;
      const { missing, unexpected } = diffRows(entry.pattern, expected, rows);
      results.push({
        detector: entry.definition.id,
        case: c.name,
        kind: c.kind,
        mode,
        passed: missing.length === 0 && unexpected.length === 0,
        missing,
        unexpected,
        rows,
      });
    }
  }
  return results;
}

/** One case result as readable lines: ✓/✗, then the rows missing and the rows not expected. */
export function formatCaseResult(r: CaseResult): string {
  const head = `${r.passed ? '✓' : '✗'} ${r.detector} › ${r.case} [${r.kind}, ${r.mode}]`;
  if (r.passed) return head;
  const lines = [head];
  for (const m of r.missing) lines.push(`    missing:    ${JSON.stringify(m)}`);
  for (const u of r.unexpected) lines.push(`    unexpected: ${JSON.stringify(u)}`);
  return lines.join('\n');
}
