/**
 * One edge kind's occurrences in (time, event id) order, as columns in blocks: what a scan of a time
 * range over every edge of a kind reads (a day's failed sign-ins, for every user and IP). Each edge
 * keeps its own occurrences too (per-edge reads stay there); this copy lays the kind out as DuckDB lays
 * a table out, so such a scan reads memory in order instead of hopping from edge to edge across the
 * heap, and a predicate on an interned property is one array read per occurrence.
 *
 * Owns: the kind's occurrences in time order, each with its end nodes (which name its edge within the
 * kind). The graph feeds it (new occurrences, retention, value-table compaction, and edges that entity
 * resolution moved).
 */
import type { IndexedOccurrences, OccurrenceSource } from './graph-view.js';
import type { Scalar } from './schema.js';
import type { ValuePredicate } from './value-predicate.js';
import type { ValueTable } from './value-table.js';

/**
 * Entries per block: appends fill a block; a late event that lands in a full one moves its last entry
 * into the next block when that has room, else splits it in two.
 */
const BLOCK = 1024;

/** An edge as the log needs it: its end nodes and its occurrences read by index. */
export interface LoggedEdge {
  /** Its end nodes' numbers (TemporalGraphView.nodeNumber). */
  readonly fromNo: number;
  readonly toNo: number;
  readonly size: number;
  time(i: number): number;
  eventId(i: number): string;
  propAt(i: number, p: number): Scalar;
  /** Interned code of property p at occurrence i (0 when absent), or -1 when the edge stores it raw. */
  codeAt(i: number, p: number): number;
}

/** A graph snapshot's occurrences of one kind, by row, as a restore hands them to the log (KindLog.appendRows). */
export interface SnapshotRows {
  readonly times: Float64Array;
  readonly ids: readonly string[];
  /** Per row, its edge's end nodes by number. */
  readonly froms: Int32Array;
  readonly tos: Int32Array;
  /** Per row, `width` positions in values (0: absent). */
  readonly codes: Int32Array;
  readonly width: number;
  readonly values: readonly Scalar[];
  /** Value-table code per position in values (-1: none known). */
  readonly remap: Int32Array;
  /** Per property: stored as values, not codes (the layout's final choice). */
  readonly raw: readonly boolean[];
}

/** A run of up to BLOCK consecutive entries. Positions are valid until the log next changes. */
export class LogBlock implements OccurrenceSource {
  n = 0;
  readonly times = new Float64Array(BLOCK);
  ids: string[] = [];
  /**
   * The edge's end nodes by number (within a kind, they name the edge): a scan binds and counts them
   * without a read of the edge or of the node objects, which lie scattered over the heap.
   */
  readonly froms = new Int32Array(BLOCK);
  readonly tos = new Int32Array(BLOCK);
  /**
   * Per property: interned codes (undefined until the block holds a non-null one), in the narrowest
   * array their largest code fits (a table name's code takes one byte; an IP's, four), or the values themselves.
   */
  readonly codes: (Codes | undefined)[];
  readonly raw: (Scalar[] | undefined)[];
  /** Bumped on every change, so a column's tally is made again after one. */
  private version = 0;
  /** Per coded property: how many entries hold each code (what a count over whole blocks reads), as of `version`. */
  private tallies: ({ version: number; codes: Int32Array; counts: Int32Array } | undefined)[] | null = null;

  constructor(private readonly values: ValueTable, np: number) {
    this.codes = new Array<Codes | undefined>(np).fill(undefined);
    this.raw = new Array<Scalar[] | undefined>(np).fill(undefined);
  }

  /** Bytes the block holds, estimated (KindLog.bytes). */
  bytes(): number {
    let n = this.times.byteLength + this.froms.byteLength + this.tos.byteLength + 8 * this.ids.length;
    for (const c of this.codes) n += c?.byteLength ?? 0;
    for (const r of this.raw) n += 8 * (r?.length ?? 0);
    return n;
  }

  /** Time (epoch ms) of entry i. */
  time(i: number): number {
    return this.times[i]!;
  }

  /** Raw event id of entry i. */
  eventId(i: number): string {
    return this.ids[i]!;
  }

  /** Property p of entry i; null when absent. */
  propAt(i: number, p: number): Scalar {
    const r = this.raw[p];
    if (r) return r[i] ?? null;
    const c = this.codes[p];
    return c ? this.values.value(c[i]!) : null;
  }

  /** Whether property p of entry i passes the test (asked once per interned value). */
  passes(i: number, p: number, test: ValuePredicate): boolean {
    const r = this.raw[p];
    if (r) return test.accept(r[i] ?? null);
    const c = this.codes[p];
    return test.passesCode(this.values, c ? c[i]! : 0);
  }

  /** Points entry i at another edge (entity resolution moved its occurrence there). */
  relink(i: number, edge: LoggedEdge): void {
    this.froms[i] = edge.fromNo;
    this.tos[i] = edge.toNo;
  }

  /** Writes occurrence j of `edge` into free slot i. */
  write(i: number, edge: LoggedEdge, j: number): void {
    this.version++;
    this.times[i] = edge.time(j);
    this.ids[i] = edge.eventId(j);
    this.relink(i, edge);
    for (let p = 0; p < this.codes.length; p++) {
      const code = this.raw[p] ? -1 : edge.codeAt(j, p);
      if (code < 0) this.toRaw(p)[i] = edge.propAt(j, p);
      else this.putCode(p, i, code);
    }
  }

  /**
   * Writes `count` of a snapshot's rows, order[j0] on, into slots [at, at + count) (counted in n already):
   * column by column, each coded column made or widened once for them all. A property the layout stores as
   * values (or one with a position whose code is unknown) is written as values.
   */
  writeRows(at: number, order: Int32Array, j0: number, count: number, rows: SnapshotRows): void {
    this.version++;
    const { times, ids, froms, tos, codes, width, values, remap, raw } = rows;
    for (let k = 0; k < count; k++) {
      const x = order[j0 + k]!;
      this.times[at + k] = times[x]!;
      this.ids[at + k] = ids[x]!;
      this.froms[at + k] = froms[x]!;
      this.tos[at + k] = tos[x]!;
    }
    for (let p = 0; p < this.codes.length; p++) {
      let max = 0;
      let coded = !raw[p] && !this.raw[p];
      for (let k = 0; coded && k < count; k++) {
        const c = codes[order[j0 + k]! * width + p]!;
        const code = c === 0 ? 0 : remap[c]!;
        if (code < 0) coded = false;
        else if (code > max) max = code;
      }
      if (!coded) {
        const r = this.toRaw(p);
        for (let k = 0; k < count; k++) r[at + k] = values[codes[order[j0 + k]! * width + p]!]!;
        continue;
      }
      // All absent: a column not made yet reads as absent, one made already gets zeros.
      const col = max === 0 ? this.codes[p] : this.fitting(p, max);
      if (!col) continue;
      for (let k = 0; k < count; k++) {
        const c = codes[order[j0 + k]! * width + p]!;
        col[at + k] = c === 0 ? 0 : remap[c]!;
      }
    }
  }

  /** Writes entry j of another block into slot i (counted in n already). */
  copyFrom(i: number, src: LogBlock, j: number): void {
    this.version++;
    this.times[i] = src.times[j]!;
    this.ids[i] = src.ids[j]!;
    this.froms[i] = src.froms[j]!;
    this.tos[i] = src.tos[j]!;
    for (let p = 0; p < this.codes.length; p++) {
      if (src.raw[p] || this.raw[p]) this.toRaw(p)[i] = src.propAt(j, p);
      else this.putCode(p, i, src.codes[p]?.[j] ?? 0);
    }
  }

  /** Drops the last entry. */
  dropLast(): void {
    this.version++;
    this.n--;
  }

  /** Moves entries [from, n) one place right (from < BLOCK - 1 free slots assumed). */
  shiftRight(from: number): void {
    this.version++;
    const n = this.n;
    this.times.copyWithin(from + 1, from, n);
    this.froms.copyWithin(from + 1, from, n);
    this.tos.copyWithin(from + 1, from, n);
    for (let k = n; k > from; k--) this.ids[k] = this.ids[k - 1]!;
    for (const c of this.codes) c?.copyWithin(from + 1, from, n);
    for (const r of this.raw) if (r) for (let k = n; k > from; k--) r[k] = r[k - 1]!;
  }

  /** Drops the first k entries. */
  dropFirst(k: number): void {
    this.version++;
    const n = this.n;
    this.times.copyWithin(0, k, n);
    this.ids.splice(0, k);
    this.froms.copyWithin(0, k, n);
    this.tos.copyWithin(0, k, n);
    for (const c of this.codes) c?.copyWithin(0, k, n);
    for (const r of this.raw) r?.splice(0, k);
    this.n = n - k;
  }

  /** A new block holding entries [from, n) of this one, which keeps [0, from). */
  splitAt(from: number): LogBlock {
    this.version++;
    const b = new LogBlock(this.values, this.codes.length);
    const n = this.n;
    b.times.set(this.times.subarray(from, n));
    b.ids.push(...this.ids.splice(from));
    b.froms.set(this.froms.subarray(from, n));
    b.tos.set(this.tos.subarray(from, n));
    this.codes.forEach((c, p) => {
      if (c) (b.codes[p] = new (c.constructor as CodesType)(BLOCK)).set(c.subarray(from, n));
    });
    this.raw.forEach((r, p) => {
      if (r) b.raw[p] = r.splice(from);
    });
    b.n = n - from;
    this.n = from;
    return b;
  }

  /** Rewrites codes after the value table was compacted. */
  remap(remap: Uint32Array): void {
    this.version++;
    for (const c of this.codes) if (c) for (let i = 0; i < this.n; i++) c[i] = remap[c[i]!]!;
  }

  /** Each code property p holds in this block and how many entries hold it; null when the column holds values, not codes. */
  tally(p: number): { codes: Int32Array; counts: Int32Array } | null {
    if (this.raw[p]) return null;
    const t = (this.tallies ??= [])[p];
    if (t && t.version === this.version) return t;
    const c = this.codes[p];
    const byCode = new Map<number, number>();
    if (c) for (let i = 0; i < this.n; i++) byCode.set(c[i]!, (byCode.get(c[i]!) ?? 0) + 1);
    else byCode.set(0, this.n);
    const made = { version: this.version, codes: Int32Array.from(byCode.keys()), counts: Int32Array.from(byCode.values()) };
    this.tallies[p] = made;
    return made;
  }

  /** Writes a code into slot i of property p's coded column (0, absent, allocates nothing: a column that is not there reads as absent). */
  private putCode(p: number, i: number, code: number): void {
    if (code !== 0) this.fitting(p, code)[i] = code;
    else {
      const c = this.codes[p];
      if (c) c[i] = 0;
    }
  }

  /** Property p's code column, made or widened so that `code` fits. */
  private fitting(p: number, code: number): Codes {
    const c = this.codes[p];
    const Need: CodesType = code < 0x100 ? Uint8Array : code < 0x10000 ? Uint16Array : Uint32Array;
    if (c && c.BYTES_PER_ELEMENT >= Need.BYTES_PER_ELEMENT) return c;
    const wider = new Need(BLOCK);
    if (c) wider.set(c);
    this.codes[p] = wider;
    return wider;
  }

  /** Property p's column as values (a property the edges began to store raw: correlation ids). */
  private toRaw(p: number): Scalar[] {
    let r = this.raw[p];
    if (!r) {
      const c = this.codes[p];
      r = new Array<Scalar>(this.n);
      for (let i = 0; i < this.n; i++) r[i] = c ? this.values.value(c[i]!) : null;
      this.raw[p] = r;
      this.codes[p] = undefined;
    }
    return r;
  }
}

/** A column of interned codes. */
type Codes = Uint8Array | Uint16Array | Uint32Array;
type CodesType = Uint8ArrayConstructor | Uint16ArrayConstructor | Uint32ArrayConstructor;

/** The log of one edge kind. */
export class KindLog {
  private blocks: LogBlock[] = [];
  /** Bumped on every change: a count kept for a test is good while it stays the same. */
  private version = 0;
  /** Per test, its last few counts (a planner asks the same counts on every run of a hunt, and `where` sizes by one). */
  private readonly counted = new WeakMap<ValuePredicate, { p: number; lo: number; hi: number; version: number; n: number }[]>();

  constructor(
    private readonly values: ValueTable,
    private readonly np: number,
  ) {}

  /** Bytes the log holds, estimated: its typed arrays' lengths, plus a pointer (8 bytes) per event id and raw value slot. */
  bytes(): number {
    let n = 0;
    for (const b of this.blocks) n += b.bytes();
    return n;
  }

  /** Number of entries. */
  get size(): number {
    let n = 0;
    for (const b of this.blocks) n += b.n;
    return n;
  }

  /** Appends a snapshot's rows in `order` (a restore's: each sorts after every entry held), block by block, no search. */
  appendRows(order: Int32Array, rows: SnapshotRows): void {
    this.version++;
    for (let j = 0; j < order.length; ) {
      let blk = this.blocks[this.blocks.length - 1];
      if (!blk || blk.n === BLOCK) this.blocks.push((blk = new LogBlock(this.values, this.np)));
      const count = Math.min(BLOCK - blk.n, order.length - j);
      const at = blk.n;
      // Counted before writing, as add does (a column turned to values converts the new slots too).
      blk.n += count;
      blk.writeRows(at, order, j, count, rows);
      j += count;
    }
  }

  /** Adds occurrence i of `edge` in (time, event id) order; appends in time order touch the last block only. */
  add(edge: LoggedEdge, i: number): void {
    this.version++;
    const t = edge.time(i);
    const id = edge.eventId(i);
    const blocks = this.blocks;
    let b = blocks.length - 1;
    if (b < 0 || (blocks[b]!.n === BLOCK && !before(t, id, blocks[b]!, BLOCK - 1))) {
      // After everything, and the last block is full (or there is none): a new block.
      blocks.push(new LogBlock(this.values, this.np));
      b++;
    } else if (before(t, id, blocks[b]!, 0)) {
      // The last block whose first entry is at or before (t, id); block 0 when it sorts before everything.
      let lo = 0;
      let hi = b;
      while (lo < hi) {
        const mid = (lo + hi + 1) >>> 1;
        if (before(t, id, blocks[mid]!, 0)) hi = mid - 1;
        else lo = mid;
      }
      b = lo;
    }
    let blk = blocks[b]!;
    let at = position(t, id, blk);
    const next = blocks[b + 1];
    if (blk.n === BLOCK && next && next.n < BLOCK) {
      // A late event into a full block whose next one has room (late events land in the last few blocks, so
      // the next is usually the one appends fill): the entry at the seam moves over, and blocks stay full.
      // Halving the block instead would leave two half-empty blocks for good (a third more log memory).
      if (at === BLOCK) {
        blk = next;
        at = 0;
      } else {
        next.shiftRight(0);
        next.n++;
        next.copyFrom(0, blk, BLOCK - 1);
        blk.dropLast();
      }
    } else if (blk.n === BLOCK) {
      const half = BLOCK >>> 1;
      blocks.splice(b + 1, 0, blk.splitAt(half));
      if (at > half) {
        blk = blocks[b + 1]!;
        at -= half;
      }
    }
    if (at < blk.n) blk.shiftRight(at);
    // Counted before writing: a column turned to values while writing converts the opened slot too.
    blk.n++;
    blk.write(at, edge, i);
  }

  /** Points the entries of `edge`'s occurrences at `target` (entity resolution is moving them there). */
  relink(edge: LoggedEdge, target: LoggedEdge): void {
    this.version++;
    for (let j = 0; j < edge.size; j++) {
      const t = edge.time(j);
      const id = edge.eventId(j);
      // Entries at time t begin in the first block whose last entry is at t or later, and may run on into the next.
      let b = this.firstBlock(t, true);
      for (; b < this.blocks.length; b++) {
        const blk = this.blocks[b]!;
        let i = firstAtOrAfter(blk.times, blk.n, t, true);
        for (; i < blk.n && blk.times[i] === t; i++) if (blk.ids[i] === id && blk.froms[i] === edge.fromNo && blk.tos[i] === edge.toNo) break;
        if (i < blk.n && blk.times[i] === t) {
          blk.relink(i, target);
          break;
        }
        if (i < blk.n) break;
      }
    }
  }

  /** Drops entries with time < t. */
  dropBefore(t: number): void {
    this.version++;
    let whole = 0;
    while (whole < this.blocks.length && this.blocks[whole]!.times[this.blocks[whole]!.n - 1]! < t) whole++;
    this.blocks.splice(0, whole);
    const blk = this.blocks[0];
    if (!blk) return;
    let k = 0;
    while (k < blk.n && blk.times[k]! < t) k++;
    if (k > 0) blk.dropFirst(k);
  }

  /** Rewrites codes after the value table was compacted (old code -> new code). */
  remapCodes(remap: Uint32Array): void {
    for (const b of this.blocks) b.remap(remap);
    this.version++;
  }

  /** The entries with time in the bounds whose property p passes the test (asked once per interned value). */
  where(p: number, test: ValuePredicate, lo: number, loIn: boolean, hi: number, hiIn: boolean): IndexedOccurrences {
    // Sized by the count over [lo, hi] (whole blocks from their tallies), at least what the bounds keep: no array grows.
    const most = lo <= hi ? this.countWhere(p, test, lo, hi) : 0;
    const times = new Float64Array(most);
    const froms = new Int32Array(most);
    const tos = new Int32Array(most);
    const pos = new Int32Array(most);
    const srcs = new Array<OccurrenceSource>(most);
    let n = 0;
    this.scan(p, test, lo, loIn, hi, hiIn, (b, i) => {
      times[n] = b.times[i]!;
      froms[n] = b.froms[i]!;
      tos[n] = b.tos[i]!;
      srcs[n] = b;
      pos[n++] = i;
    });
    srcs.length = n;
    return { times: times.subarray(0, n), froms: froms.subarray(0, n), tos: tos.subarray(0, n), srcs, pos: pos.subarray(0, n) };
  }

  /** How many entries with time in [lo, hi] pass the test on property p (blocks inside the range counted from their tallies). */
  countWhere(p: number, test: ValuePredicate, lo: number, hi: number): number {
    let kept = this.counted.get(test);
    if (!kept) this.counted.set(test, (kept = []));
    for (const c of kept) if (c.p === p && c.lo === lo && c.hi === hi && c.version === this.version) return c.n;
    let n = 0;
    const blocks = this.blocks;
    let b = this.firstBlock(lo, true);
    // Blocks wholly inside: from their tallies (a few codes each), not entry by entry.
    const partial: LogBlock[] = [];
    const ans = test.answersFor(this.values);
    for (; b < blocks.length; b++) {
      const blk = blocks[b]!;
      if (blk.times[0]! > hi) break;
      const tally = blk.times[0]! >= lo && blk.times[blk.n - 1]! <= hi ? blk.tally(p) : null;
      if (!tally) {
        partial.push(blk);
        continue;
      }
      for (let k = 0; k < tally.codes.length; k++) if (test.answer(ans, this.values, tally.codes[k]!)) n += tally.counts[k]!;
    }
    for (const blk of partial)
      this.scanBlock(blk, p, test, lo, true, hi, true, () => {
        n++;
      });
    if (kept.length === 4) kept.shift();
    kept.push({ p, lo, hi, version: this.version, n });
    return n;
  }

  /** Calls visit for each entry with time in the bounds whose property p passes the test, in order. */
  private scan(p: number, test: ValuePredicate, lo: number, loIn: boolean, hi: number, hiIn: boolean, visit: (b: LogBlock, i: number) => void): void {
    const blocks = this.blocks;
    for (let b = this.firstBlock(lo, loIn); b < blocks.length; b++) if (!this.scanBlock(blocks[b]!, p, test, lo, loIn, hi, hiIn, visit)) return;
  }

  /** First block that can hold a time at or after lo: blocks before it end below lo. */
  private firstBlock(lo: number, loIn: boolean): number {
    const blocks = this.blocks;
    let b = 0;
    let top = blocks.length;
    while (b < top) {
      const mid = (b + top) >>> 1;
      const last = blocks[mid]!.times[blocks[mid]!.n - 1]!;
      if (last < lo || (!loIn && last === lo)) b = mid + 1;
      else top = mid;
    }
    return b;
  }

  /** scan's work on one block; false when the block reaches past hi (later blocks hold nothing in range). */
  private scanBlock(blk: LogBlock, p: number, test: ValuePredicate, lo: number, loIn: boolean, hi: number, hiIn: boolean, visit: (b: LogBlock, i: number) => void): boolean {
    const times = blk.times;
    const n = blk.n;
    let i = 0;
    if (times[0]! < lo || (!loIn && times[0] === lo)) i = firstAtOrAfter(times, n, lo, loIn);
    let end = n;
    const past = times[n - 1]! > hi || (!hiIn && times[n - 1] === hi);
    if (past) end = firstAtOrAfter(times, n, hi, !hiIn);
    const raw = blk.raw[p];
    const codes = blk.codes[p];
    if (raw) {
      for (; i < end; i++) if (test.accept(raw[i] ?? null)) visit(blk, i);
    } else if (codes) {
      // One array read per entry: the answer for its code, asked of the test only the first time a code is met.
      const ans = test.answersFor(this.values);
      for (; i < end; i++) {
        const a = ans[codes[i]!]!;
        if (a === 1 || (a === 0 && test.answer(ans, this.values, codes[i]!))) visit(blk, i);
      }
    } else if (test.accept(null)) for (; i < end; i++) visit(blk, i);
    return !past;
  }
}

/** Whether (t, id) sorts before entry i of a block. */
function before(t: number, id: string, blk: LogBlock, i: number): boolean {
  const bt = blk.times[i]!;
  return t < bt || (t === bt && id < blk.ids[i]!);
}

/** Where (t, id) goes in a block: after every entry that sorts at or before it. */
function position(t: number, id: string, blk: LogBlock): number {
  let lo = 0;
  let hi = blk.n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (before(t, id, blk, mid)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** First index whose time is >= t (inclusive) or > t (not inclusive). */
function firstAtOrAfter(times: Float64Array, n: number, t: number, inclusive: boolean): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (times[mid]! < t || (!inclusive && times[mid] === t)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
