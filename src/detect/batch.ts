/**
 * Batch hunting: run detectors over a time range of the temporal graph and
 * return their rows, sorted as each detector says.
 */
import type { TemporalGraphView } from '../graph/graph-view.js';
import type { CompiledPattern } from './compile.js';
import { formatRow, type Detection } from './detection.js';
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

/** Sorts by the pattern's sort, then by time and id so output order is deterministic; idOf is asked only on ties. */
function sortByPattern<T extends { readonly row: Readonly<Record<string, Value>>; readonly time: number }>(p: CompiledPattern, items: T[], idOf: (x: T) => string): T[] {
  return items.sort((a, b) => {
    for (const s of p.sort) {
      const c = compare(a.row[s.column] ?? null, b.row[s.column] ?? null) ?? 0;
      if (c !== 0) return s.order === 'desc' ? -c : c;
    }
    if (a.time !== b.time) return a.time - b.time;
    const x = idOf(a);
    const y = idOf(b);
    return x < y ? -1 : x > y ? 1 : 0;
  });
}

/** Sorts detections by the pattern's sort, then by time and id so output order is deterministic. */
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
  // The id breaks ties only: it is worked out for the rows that tie, and kept.
  return sortByPattern(p, prepared.rows(opts), (r) => prepared.rowId(r));
}

/** Runs one detector in batch and returns its output rows (times as ISO 8601). */
export function huntRows(p: CompiledPattern, view: TemporalGraphView, opts: HuntOptions): Record<string, Value>[] {
  return runRows(p, view, opts).map((r) => formatRow(p, r.row));
}
