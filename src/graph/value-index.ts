/**
 * A secondary index on one property of one edge kind: for each value, the occurrences holding it in
 * (time, event id) order. A hunt for a day's failed sign-ins reads that day's postings of the
 * failure codes instead of visiting every sign-in edge (the property index a graph database keeps
 * on relationships). Postings live in blocks of a few hundred, so an event arriving late is a short
 * splice, not a shift of the whole list.
 *
 * Owns: value -> time-ordered occurrence references. The graph builds it, feeds it and resolves
 * what a reference points at; it knows nothing of nodes or columns.
 */
import type { Scalar } from './schema.js';

/** Entries per block before it splits in two. */
const BLOCK_MAX = 512;

interface Block<E> {
  times: number[];
  ids: string[];
  refs: E[];
}

/** One value's occurrence references, ordered by (time, event id). */
export class Postings<E> {
  private blocks: Block<E>[] = [];
  private count = 0;

  /** Number of references. */
  get size(): number {
    return this.count;
  }

  /** Adds a reference in (time, event id) order. */
  add(t: number, id: string, ref: E): void {
    const blocks = this.blocks;
    if (blocks.length === 0) {
      blocks.push({ times: [t], ids: [id], refs: [ref] });
      this.count = 1;
      return;
    }
    // The last block whose first entry is at or before (t, id); appends in time order hit the last one at once.
    let b = blocks.length - 1;
    if (before(t, id, blocks[b]!, 0)) {
      let lo = 0;
      let hi = b;
      while (lo < hi) {
        const mid = (lo + hi + 1) >>> 1;
        if (before(t, id, blocks[mid]!, 0)) hi = mid - 1;
        else lo = mid;
      }
      b = lo;
    }
    const blk = blocks[b]!;
    let i = 0;
    let hi = blk.times.length;
    while (i < hi) {
      const mid = (i + hi) >>> 1;
      if (before(t, id, blk, mid)) hi = mid;
      else i = mid + 1;
    }
    if (i === blk.times.length) {
      blk.times.push(t);
      blk.ids.push(id);
      blk.refs.push(ref);
    } else {
      blk.times.splice(i, 0, t);
      blk.ids.splice(i, 0, id);
      blk.refs.splice(i, 0, ref);
    }
    this.count++;
    if (blk.times.length > BLOCK_MAX) {
      const h = blk.times.length >>> 1;
      blocks.splice(b + 1, 0, { times: blk.times.splice(h), ids: blk.ids.splice(h), refs: blk.refs.splice(h) });
    }
  }

  /** Drops references with time < t; returns how many. */
  dropBefore(t: number): number {
    let dropped = 0;
    // Whole blocks before t go in one splice (retention can drop thousands), then the first kept one is trimmed.
    let whole = 0;
    while (whole < this.blocks.length && this.blocks[whole]!.times[this.blocks[whole]!.times.length - 1]! < t) dropped += this.blocks[whole++]!.times.length;
    this.blocks.splice(0, whole);
    const blk = this.blocks[0];
    if (blk) {
      let k = 0;
      while (blk.times[k]! < t) k++;
      blk.times.splice(0, k);
      blk.ids.splice(0, k);
      blk.refs.splice(0, k);
      dropped += k;
    }
    this.count -= dropped;
    return dropped;
  }

  /** Calls visit for each reference with time in [lo, hi] (either end exclusive when told), in order. */
  forEachIn(lo: number, loIn: boolean, hi: number, hiIn: boolean, visit: (t: number, id: string, ref: E) => void): void {
    const blocks = this.blocks;
    // First block that can hold a time >= lo: blocks before it end below lo.
    let b = 0;
    let top = blocks.length;
    while (b < top) {
      const mid = (b + top) >>> 1;
      const last = blocks[mid]!.times[blocks[mid]!.times.length - 1]!;
      if (last < lo || (!loIn && last === lo)) b = mid + 1;
      else top = mid;
    }
    for (; b < blocks.length; b++) {
      const { times, ids, refs } = blocks[b]!;
      for (let i = 0; i < times.length; i++) {
        const t = times[i]!;
        if (t < lo || (!loIn && t === lo)) continue;
        if (t > hi || (!hiIn && t === hi)) return;
        visit(t, ids[i]!, refs[i]!);
      }
    }
  }

  /** References with time in [lo, hi] (both ends included), counted by block where blocks lie inside. */
  countIn(lo: number, hi: number): number {
    let n = 0;
    for (const { times } of this.blocks) {
      const len = times.length;
      if (times[len - 1]! < lo) continue;
      if (times[0]! > hi) break;
      if (times[0]! >= lo && times[len - 1]! <= hi) n += len;
      else for (const t of times) if (t >= lo && t <= hi) n++;
    }
    return n;
  }

  /** Postings from references in any order (sorted here, and cut into half-full blocks in one pass). */
  static fromUnsorted<E>(times: readonly number[], ids: readonly string[], refs: readonly E[]): Postings<E> {
    const p = new Postings<E>();
    const order = orderByTimeThenId(times, ids);
    const half = BLOCK_MAX >>> 1;
    for (let i = 0; i < order.length; i += half) {
      const end = Math.min(order.length, i + half);
      const blk: Block<E> = { times: new Array<number>(end - i), ids: new Array<string>(end - i), refs: new Array<E>(end - i) };
      for (let j = i; j < end; j++) {
        const k = order[j]!;
        blk.times[j - i] = times[k]!;
        blk.ids[j - i] = ids[k]!;
        blk.refs[j - i] = refs[k]!;
      }
      p.blocks.push(blk);
    }
    p.count = order.length;
    return p;
  }
}

/** Whether (t, id) sorts before entry i of a block. */
function before<E>(t: number, id: string, blk: Block<E>, i: number): boolean {
  const bt = blk.times[i]!;
  return t < bt || (t === bt && id < blk.ids[i]!);
}

/** The index of one property: postings per value (absent values are not indexed). */
export class ValueIndex<E> {
  private readonly byValue = new Map<Scalar, Postings<E>>();
  /** Values in first-seen order, so an accept test is run once per value, when the value is new. */
  private readonly values: Scalar[] = [];
  private readonly accepted = new WeakMap<(v: Scalar) => boolean, { checked: number; postings: Postings<E>[] }>();

  /** Adds an occurrence holding value v. */
  add(v: Scalar, t: number, id: string, ref: E): void {
    let p = this.byValue.get(v);
    if (!p) {
      p = new Postings<E>();
      this.byValue.set(v, p);
      this.values.push(v);
    }
    p.add(t, id, ref);
  }

  /** Drops references with time < t. */
  dropBefore(t: number): void {
    for (const p of this.byValue.values()) p.dropBefore(t);
  }

  /** The postings of every value `accept` takes (it is asked once per value; pass the same function again to reuse that). */
  matching(accept: (v: Scalar) => boolean): readonly Postings<E>[] {
    let seen = this.accepted.get(accept);
    if (!seen) this.accepted.set(accept, (seen = { checked: 0, postings: [] }));
    for (; seen.checked < this.values.length; seen.checked++) {
      const v = this.values[seen.checked]!;
      if (accept(v)) seen.postings.push(this.byValue.get(v)!);
    }
    return seen.postings;
  }

  /** An index over references grouped by value, in any order within a group. */
  static fromGroups<E>(groups: Map<Scalar, { times: number[]; ids: string[]; refs: E[] }>): ValueIndex<E> {
    const ix = new ValueIndex<E>();
    for (const [v, g] of groups) {
      ix.byValue.set(v, Postings.fromUnsorted(g.times, g.ids, g.refs));
      ix.values.push(v);
    }
    return ix;
  }
}

/**
 * Positions of entries in (time, id) order. Integer times and positions that fit in one double's
 * 53 bits together are packed and sorted natively (a comparator sort of a million entries costs
 * several times more); ties in time are then put in id order.
 */
export function orderByTimeThenId(times: readonly number[], ids: readonly string[]): Uint32Array {
  const n = times.length;
  let min = Infinity;
  let max = -Infinity;
  let integral = true;
  for (const t of times) {
    if (t < min) min = t;
    if (t > max) max = t;
    if (!Number.isInteger(t)) integral = false;
  }
  const scale = 2 ** Math.ceil(Math.log2(n + 1));
  let order: Uint32Array;
  if (n > 0 && integral && (max - min + 1) * scale <= Number.MAX_SAFE_INTEGER) {
    const keys = new Float64Array(n);
    for (let k = 0; k < n; k++) keys[k] = (times[k]! - min) * scale + k;
    keys.sort();
    order = new Uint32Array(n);
    for (let k = 0; k < n; k++) order[k] = keys[k]! % scale;
  } else order = Uint32Array.from(times.keys()).sort((x, y) => times[x]! - times[y]!);
  // Equal times are in position order now: runs of them go into id order.
  for (let a = 0; a < n; ) {
    let b = a + 1;
    while (b < n && times[order[b]!] === times[order[a]!]) b++;
    if (b - a > 1) order.subarray(a, b).sort((x, y) => (ids[x]! < ids[y]! ? -1 : ids[x]! > ids[y]! ? 1 : 0));
    a = b;
  }
  return order;
}
