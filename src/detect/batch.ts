/**
 * Batch hunting: run detectors over a time range of the temporal graph and
 * return their rows, sorted as each detector says.
 */
import type { TemporalGraphView } from '../graph/graph-view.js';
import type { CompiledPattern } from './compile.js';
import { formatRow, type Detection } from './detection.js';
import { PreparedPattern } from './evaluator.js';
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

/** Sorts detections by the pattern's sort, then by time and id so output order is deterministic. */
export function sortDetections(p: CompiledPattern, ds: Detection[]): Detection[] {
  return ds.sort((a, b) => {
    for (const s of p.sort) {
      const c = compare(a.row[s.column] ?? null, b.row[s.column] ?? null) ?? 0;
      if (c !== 0) return s.order === 'desc' ? -c : c;
    }
    return a.time - b.time || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  });
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

/** Runs one detector in batch and returns its output rows (times as ISO 8601). */
export function huntRows(p: CompiledPattern, view: TemporalGraphView, opts: HuntOptions): Record<string, Value>[] {
  return runDetector(p, view, opts).map((d) => formatRow(p, d.row));
}
