/**
 * Batch hunting: run detectors over a time range of the temporal graph and
 * return their rows, sorted as each detector says.
 */
import type { TemporalGraphView } from '../graph/graph-view.js';
import type { CompiledPattern } from './compile.js';
import { formatRow, stableJson, type Detection } from './detection.js';
import { PreparedPattern, type HuntRow } from './evaluator.js';
import type { Value } from './expr/ast.js';
import { compare } from './expr/kql.js';

/** A batch run's range and parameters. */
export interface HuntOptions {
  readonly start: number;
  readonly end: number;
  readonly params?: Readonly<Record<string, Value>>;
  /** Judge anchored detectors with their streaming rule (used to check streaming against batch). */
  readonly anchored?: boolean;
}

/**
 * Sorts by the pattern's sort, then by time, then by the row's values in column order, so output order
 * is deterministic (hunts.md leaves it unspecified beyond the sort); idOf is asked only for rows whose
 * values are all alike (grouped rows can be).
 */
function sortByPattern<T extends { readonly row: Readonly<Record<string, Value>>; readonly time: number }>(p: CompiledPattern, items: T[], idOf: (x: T) => string): T[] {
  const columns = p.project.map((c) => c.name);
  return items.sort((a, b) => {
    for (const s of p.sort) {
      const c = compare(a.row[s.column] ?? null, b.row[s.column] ?? null) ?? 0;
      if (c !== 0) return s.order === 'desc' ? -c : c;
    }
    if (a.time !== b.time) return a.time - b.time;
    for (const name of columns) {
      const c = orderValues(a.row[name] ?? null, b.row[name] ?? null);
      if (c !== 0) return c;
    }
    const x = idOf(a);
    const y = idOf(b);
    return x < y ? -1 : x > y ? 1 : 0;
  });
}

/** A total order on values for breaking ties: null, booleans, numbers, text, then arrays (by their JSON). */
function orderValues(a: Value, b: Value): number {
  if (a === b) return 0;
  const ra = valueRank(a);
  const rb = valueRank(b);
  if (ra !== rb) return ra - rb;
  if (typeof a === 'number' && typeof b === 'number') {
    if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) ? (Number.isNaN(b) ? 0 : -1) : 1;
    return a < b ? -1 : a > b ? 1 : 0;
  }
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : 1;
  if (typeof a === 'boolean') return a ? 1 : -1;
  const x = stableJson(a);
  const y = stableJson(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function valueRank(v: Value): number {
  if (v === null) return 0;
  switch (typeof v) {
    case 'boolean':
      return 1;
    case 'number':
      return 2;
    case 'string':
      return 3;
    default:
      return 4;
  }
}

/** Sorts detections by the pattern's sort, then by time and values so output order is deterministic. */
export function sortDetections(p: CompiledPattern, ds: Detection[]): Detection[] {
  return sortByPattern(p, ds, (d) => d.id);
}

/**
 * Prepared patterns per graph view, like a database's prepared statements: compiled once, so each
 * hunt reuses the compiled expressions and their answers per value (and the kind logs' answers
 * to them, which are kept per test function). A run resets everything else it keeps.
 */
const preparedByView = new WeakMap<TemporalGraphView, WeakMap<CompiledPattern, PreparedPattern>>();

/** The pattern prepared for a view, made on first use. */
function preparedFor(p: CompiledPattern, view: TemporalGraphView): PreparedPattern {
  let byPattern = preparedByView.get(view);
  if (!byPattern) preparedByView.set(view, (byPattern = new WeakMap()));
  let prepared = byPattern.get(p);
  if (!prepared) byPattern.set(p, (prepared = new PreparedPattern(p, view)));
  return prepared;
}

/** Runs one detector in batch and returns its detections, sorted. */
export function runDetector(p: CompiledPattern, view: TemporalGraphView, opts: HuntOptions): Detection[] {
  return sortDetections(p, preparedFor(p, view).evaluate(opts));
}

/** Runs one detector in batch and returns its rows, in runDetector's order, without evidence or ids. */
export function runRows(p: CompiledPattern, view: TemporalGraphView, opts: HuntOptions): HuntRow[] {
  const prepared = preparedFor(p, view);
  // The id breaks ties of rows alike only: it is worked out for those rows, and kept.
  return sortByPattern(p, prepared.rows(opts), (r) => prepared.rowId(r));
}

/** Runs one detector in batch and returns its output rows (times as ISO 8601). */
export function huntRows(p: CompiledPattern, view: TemporalGraphView, opts: HuntOptions): Record<string, Value>[] {
  return runRows(p, view, opts).map((r) => formatRow(p, r.row));
}
