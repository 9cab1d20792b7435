/**
 * Numbers for values, and rows found by them. Each distinct value gets a small number, equal for two
 * values exactly when their stable JSON (detection.ts) is, which is when dcount's distinctKey is. A
 * batch run merges its rows by their values' numbers (RowIndex: a hash of the numbers, no key text;
 * hashing hundreds of characters a row cost more than finding the row), and make_set and dcount tell
 * values apart by them.
 */
import { stableJson } from './detection.js';
import type { Value } from './expr/ast.js';

/** Numbers for distinct values: one run's rows (a fresh one per run keeps it small), or an aggregate's values. */
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

  /** How many distinct values have a number (dcount() counts by this). */
  get size(): number {
    return this.next;
  }

  /** Forgets every value, so numbering starts again at 0. */
  clear(): void {
    this.scalars.clear();
    this.lists.clear();
    this.next = 0;
  }
}

/** One kept row in a RowIndex bucket: its values' numbers, and the next row whose numbers hash alike. */
interface RowEntry<T> {
  readonly codes: readonly number[];
  readonly item: T;
  next: RowEntry<T> | null;
}

/**
 * Items kept per row, found by the row's value numbers (RowCodes) without a key string: a hash of the
 * numbers picks a bucket, and the numbers themselves are compared. Iterates in insertion order.
 */
export class RowIndex<T> {
  private readonly buckets = new Map<number, RowEntry<T>>();
  private readonly items: T[] = [];

  /** The item kept for a row with exactly these numbers, or undefined. */
  get(codes: readonly number[]): T | undefined {
    for (let e: RowEntry<T> | null = this.buckets.get(hashCodes(codes)) ?? null; e; e = e.next) if (sameCodes(e.codes, codes)) return e.item;
    return undefined;
  }

  /** Keeps an item for a row with these numbers (none kept yet: get said so); the numbers are copied. */
  add(codes: readonly number[], item: T): void {
    const h = hashCodes(codes);
    this.buckets.set(h, { codes: codes.slice(), item, next: this.buckets.get(h) ?? null });
    this.items.push(item);
  }

  /** The kept items, in the order they were added. */
  values(): T[] {
    return this.items;
  }
}

/** A 30-bit hash of a row's numbers: a Map key that stays a small integer (a Smi; 31 bits would not always be). */
function hashCodes(codes: readonly number[]): number {
  let h = 0x811c9dc5;
  for (let k = 0; k < codes.length; k++) h = Math.imul(h ^ codes[k]!, 0x01000193);
  return h & 0x3fffffff;
}

/** Whether two rows of value numbers are the same row. */
export function sameCodes(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return false;
  return true;
}
