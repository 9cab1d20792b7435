/**
 * Ordering occurrences by (time, event id): the order every occurrence list of the graph keeps, and
 * the order evidence is listed in, whichever way the occurrences were gathered.
 *
 * Owns: that sort, done fast for a million entries.
 */
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
