/**
 * Short keys for rows: each distinct column value gets a small number, and a row's key is its
 * values' numbers. Two rows get the same key exactly when their stable JSON (their identity text,
 * detection.ts) is the same, but the key runs to a few characters a column instead of the values'
 * text: a batch run merges its rows in a map keyed so, and hashing hundreds of characters a row
 * cost more than finding the row.
 */
import { stableJson } from './detection.js';
import type { Value } from './expr/ast.js';

/** Numbers for the distinct values of one run's rows (a fresh one per run keeps it small). */
export class RowCodes {
  /** Text, finite numbers, booleans and null, by value (a Map tells "1" from 1, as JSON does). */
  private readonly scalars = new Map<Value, number>();
  /** Arrays, by their stable JSON. */
  private readonly lists = new Map<string, number>();
  private next = 0;

  /** The number of one value; equal numbers exactly when stableJson gives equal text. */
  code(v: Value): number {
    let c: number | undefined;
    if (v !== null && typeof v === 'object') {
      const text = stableJson(v);
      c = this.lists.get(text);
      if (c === undefined) this.lists.set(text, (c = this.next++));
      return c;
    }
    // JSON has no NaN or infinities: stableJson writes them as null, so they are null here too.
    const k = typeof v === 'number' && !Number.isFinite(v) ? null : v;
    c = this.scalars.get(k);
    if (c === undefined) this.scalars.set(k, (c = this.next++));
    return c;
  }
}
