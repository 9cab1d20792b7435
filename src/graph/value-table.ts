/**
 * The graph's interned occurrence property values. Columns store small
 * integer codes instead of strings, so an app name, result type or table name
 * repeated a million times is held once. Code 0 is null (absent).
 *
 * Owns: value <-> code only. The occurrence columns decide what to intern.
 */
import type { Scalar } from './schema.js';

/**
 * A compact private copy of a string the graph keeps for long. Strings built by
 * concatenation (cons strings) or cut from a larger one (sliced strings, e.g. a
 * field of a raw JSON line) can hold several times their length, or the whole
 * parent; a JSON round trip yields a flat copy and is exact for every string.
 * V8 makes neither kind below 13 characters, so short strings are kept as they are.
 */
export function ownString(s: string): string {
  return s.length < 13 ? s : (JSON.parse(JSON.stringify(s)) as string);
}

/** A global table of interned scalar values; codes are dense, first-seen order, 0 = null. */
export class ValueTable {
  private values: Scalar[] = [null];
  private strings = new Map<string, number>();
  private numbers = new Map<number, number>();
  private booleans: [number, number] = [0, 0];
  /** Bumped when compact() renumbers codes: answers kept per code (value-predicate.ts) are good for one generation. */
  generation = 0;

  /** Number of codes in use, null's included. */
  get size(): number {
    return this.values.length;
  }

  /** Code of a value, interning it when it is new. */
  intern(v: Scalar): number {
    if (v === null) return 0;
    switch (typeof v) {
      case 'string': {
        const c = this.strings.get(v);
        if (c !== undefined) return c;
        const code = this.values.length;
        const own = ownString(v);
        this.values.push(own);
        this.strings.set(own, code);
        return code;
      }
      case 'number': {
        const c = this.numbers.get(v);
        if (c !== undefined) return c;
        const code = this.values.length;
        this.values.push(v);
        this.numbers.set(v, code);
        return code;
      }
      default: {
        const slot = v ? 1 : 0;
        const c = this.booleans[slot];
        if (c !== 0) return c;
        const code = this.values.length;
        this.values.push(v);
        this.booleans[slot] = code;
        return code;
      }
    }
  }

  /** Every value by its code (list()[code] is what value(code) gives); read it before the table next changes. */
  list(): readonly Scalar[] {
    return this.values;
  }

  /** The interned instance of a string, if interned. */
  interned(s: string): string | undefined {
    const c = this.strings.get(s);
    return c === undefined ? undefined : (this.values[c] as string);
  }

  /** The value behind a code (null for 0 and unknown codes). */
  value(code: number): Scalar {
    return this.values[code] ?? null;
  }

  /**
   * Drop every code not marked live and renumber the rest in their old order.
   * Returns old code -> new code (0 for dropped ones); the caller rewrites its columns.
   */
  compact(live: Uint8Array): Uint32Array {
    const remap = new Uint32Array(this.values.length);
    const kept: Scalar[] = [null];
    this.strings = new Map();
    this.numbers = new Map();
    this.booleans = [0, 0];
    for (let code = 1; code < this.values.length; code++) {
      if (!live[code]) continue;
      const v = this.values[code] as Scalar;
      const next = kept.length;
      kept.push(v);
      remap[code] = next;
      if (typeof v === 'string') this.strings.set(v, next);
      else if (typeof v === 'number') this.numbers.set(v, next);
      else if (typeof v === 'boolean') this.booleans[v ? 1 : 0] = next;
    }
    this.values = kept;
    this.generation++;
    return remap;
  }
}
