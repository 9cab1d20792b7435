/**
 * Where a count threshold over a sliding window can hold. A pattern such as
 * "at least 5 denied prompts of the user in [ok.time - 1h, ok.time)" can only
 * match an anchor `ok` at times t where the user's passing occurrences put 5
 * of them inside [t - 1h, t). From the node's sorted occurrence times those
 * anchor times are a union of intervals, found in one pass; the evaluator
 * then visits only the anchor occurrences inside them, instead of
 * aggregating a window for every anchor (most users and IPs have none).
 */
import type { Value } from './expr/ast.js';

/** A set of times: [lo, hi] with each end open or closed. */
export interface TimeInterval {
  readonly lo: number;
  readonly loIn: boolean;
  readonly hi: number;
  readonly hiIn: boolean;
}

/** A window measured from an anchor's time t: [t + from, t + to], each end open or closed. */
export interface AnchorWindow {
  readonly from: number;
  readonly fromIn: boolean;
  readonly to: number;
  readonly toIn: boolean;
}

/**
 * The anchor times t at which the window holds at least k of `times` (sorted ascending), as
 * intervals in time order; with `keys`, at least k distinct non-null keys among them (dcount). A
 * superset is allowed (touching intervals are merged whole), never a subset: callers use it to
 * skip anchors that cannot match.
 */
export function anchorTimesWithCount(times: ArrayLike<number>, k: number, w: AnchorWindow, keys?: readonly (string | null)[]): TimeInterval[] {
  const out: TimeInterval[] = [];
  if (k <= 0) return [{ lo: -Infinity, loIn: true, hi: Infinity, hiIn: true }];
  /** Anchors whose window starts at or before times[first] and reaches times[last]. */
  const add = (first: number, last: number): void => {
    // t + from <= times[first] and times[last] <= t + to.
    const next: TimeInterval = { lo: times[last]! - w.to, loIn: w.toIn, hi: times[first]! - w.from, hiIn: w.fromIn };
    if (next.lo > next.hi || (next.lo === next.hi && !(next.loIn && next.hiIn))) return;
    const cur = out[out.length - 1];
    if (cur && next.lo <= cur.hi) out[out.length - 1] = { lo: cur.lo, loIn: cur.loIn, hi: next.hi, hiIn: next.hiIn };
    else out.push(next);
  };
  if (!keys) {
    for (let i = 0; i + k - 1 < times.length; i++) add(i, i + k - 1);
    return out;
  }
  // Two pointers: [i, r) is the shortest run from i holding k distinct keys.
  const held = new Map<string, number>();
  let distinct = 0;
  let r = 0;
  for (let i = 0; i < times.length; i++) {
    while (distinct < k && r < times.length) {
      const key = keys[r++];
      if (key === null || key === undefined) continue;
      const n = held.get(key) ?? 0;
      held.set(key, n + 1);
      if (n === 0) distinct++;
    }
    if (distinct < k) break; // later runs only lose keys
    add(i, r - 1);
    const key = keys[i];
    if (key === null || key === undefined) continue;
    const n = held.get(key)!;
    if (n === 1) {
      held.delete(key);
      distinct--;
    } else held.set(key, n - 1);
  }
  return out;
}

/** The fewest occurrences a `count >= n` (or `> n`) threshold needs, or null when n is not a number. */
export function thresholdCount(n: Value, strict: boolean): number | null {
  if (typeof n !== 'number' || Number.isNaN(n)) return null;
  return strict ? Math.floor(n) + 1 : Math.ceil(n);
}
