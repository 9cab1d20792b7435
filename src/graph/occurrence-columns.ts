/**
 * Columnar, compact storage of one edge's occurrences, sorted by time (ties
 * keep arrival order). Per edge: an array of times (V8 keeps an all-number
 * array as unboxed doubles, on the heap, without an ArrayBuffer per edge), an
 * array of event ids, and one byte buffer of property codes laid out column by
 * column, each column 0-4 bytes wide per occurrence (0 = never written, so
 * all-null properties cost nothing; the width grows with the largest code).
 * Properties too distinct to be worth interning (correlation ids) are kept
 * as plain values in their own column instead; the layout decides that per
 * edge kind from what it has seen, and edges convert lazily.
 *
 * Owns: one edge's occurrences. Knows nothing of nodes or graphology.
 */
import { edgePropPositions, type EdgeKind, type Scalar } from './schema.js';
import type { SnapshotValues } from './graph-snapshot.js';
import type { ValuePredicate } from './value-predicate.js';
import { ownString, type ValueTable } from './value-table.js';

/** Writes per judging window of a property's distinctness. The first window (warm-up: everything is new) is not judged. */
const POLICY_WINDOW = 8192;
/** Share of a window's writes that brought a never-seen value above which a property is stored raw, not interned. */
const RAW_RATIO = 0.5;

/** The property columns of one edge kind, shared by all its edges, with the intern-or-raw policy per property. */
export class ColumnLayout {
  readonly names: readonly string[];
  readonly index: ReadonlyMap<string, number>;
  /** Per property: stored raw (true) or as interned codes. Only ever flips to true. */
  readonly raw: boolean[];
  /** Bumped whenever a property flips to raw, so edges know to convert. */
  epoch = 0;
  private readonly writes: number[];
  private readonly fresh: number[];
  private readonly windows: number[];

  constructor(
    readonly kind: EdgeKind,
    readonly values: ValueTable,
  ) {
    this.index = edgePropPositions(kind);
    this.names = [...this.index.keys()];
    this.raw = this.names.map(() => false);
    this.writes = this.names.map(() => 0);
    this.fresh = this.names.map(() => 0);
    this.windows = this.names.map(() => 0);
  }

  /**
   * Code of a value written to property p. Counts how many writes bring a value
   * never seen before; a property where most do (a correlation id) flips to raw,
   * since interning a value used once costs more than storing it.
   */
  encode(p: number, v: Scalar): number {
    const before = this.values.size;
    const code = this.values.intern(v);
    this.count(p, this.values.size !== before);
    return code;
  }

  /** Counts a write of property p toward its intern-or-raw policy (fresh: the value was never seen before). */
  count(p: number, fresh: boolean): void {
    if (fresh) this.fresh[p]!++;
    if (++this.writes[p]! === POLICY_WINDOW) {
      if (this.windows[p]!++ > 0 && this.fresh[p]! > POLICY_WINDOW * RAW_RATIO) {
        this.raw[p] = true;
        this.epoch++;
      }
      this.writes[p] = 0;
      this.fresh[p] = 0;
    }
  }

  /** The copy of a raw string to keep: the interned instance when there is one, else a compact private copy. */
  keep(v: Scalar): Scalar {
    return typeof v === 'string' ? (this.values.interned(v) ?? ownString(v)) : v;
  }
}

/** One edge's occurrences in time order, columnar. Indexes are valid until the next mutation. */
export class OccurrenceColumns {
  private n = 0;
  private cap = 0;
  private times: number[] = [];
  private ids: (string | undefined)[] = [];
  /**
   * Property codes, or null before the first coded value. Header: bytes 0..np hold
   * cumulative column widths (cum[p+1] - cum[p] = width of column p, in bytes);
   * column p starts at np + 1 + cap * cum[p]; codes are little-endian.
   */
  private codes: Uint8Array | null = null;
  /** Raw columns (same indexing as occurrences), only for properties the layout stores raw. */
  private raw: (Scalar | undefined)[][] | null = null;
  private epoch: number;

  constructor(readonly layout: ColumnLayout) {
    this.epoch = layout.epoch;
  }

  /** Number of occurrences. */
  get size(): number {
    return this.n;
  }

  /** Time (epoch ms) of occurrence i. */
  time(i: number): number {
    return this.times[i] as number;
  }

  /** Raw event id of occurrence i. */
  eventId(i: number): string {
    return this.ids[i] as string;
  }

  /** Property of occurrence i by name (also `time` and `eventId`); null when absent. */
  prop(i: number, name: string): Scalar {
    const p = this.layout.index.get(name);
    if (p !== undefined) return this.propAt(i, p);
    if (name === 'time') return this.time(i);
    if (name === 'eventId') return this.eventId(i);
    return null;
  }

  /** Property of occurrence i by the layout's property index (the kind's declared property order); null when absent. */
  propAt(i: number, p: number): Scalar {
    const r = this.raw?.[p];
    if (r) return r[i] ?? null;
    const b = this.codes;
    if (!b) return null;
    const c0 = b[p] as number;
    const w = (b[p + 1] as number) - c0;
    return w === 0 ? null : this.layout.values.value(readCode(b, this.base(c0) + i * w, w));
  }

  /** Whether property p of occurrence i passes the test (asked once per interned value). */
  passes(i: number, p: number, test: ValuePredicate): boolean {
    const r = this.raw?.[p];
    if (r) return test.accept(r[i] ?? null);
    return test.passesCode(this.layout.values, this.codeAt(i, p));
  }

  /** Interned code of property p at occurrence i (0 when absent), or -1 when stored raw (the kind log copies codes). */
  codeAt(i: number, p: number): number {
    if (this.raw?.[p]) return -1;
    const b = this.codes;
    if (!b) return 0;
    const c0 = b[p] as number;
    const w = (b[p + 1] as number) - c0;
    return w === 0 ? 0 : readCode(b, this.base(c0) + i * w, w);
  }

  /**
   * Writes every occurrence's times, event ids and property codes from row `row0` on, row-major (`width`
   * codes a row, by property position): a snapshot's copy, read column by column from the code buffer
   * instead of value by value. Codes are positions in out.values: an interned value gets one on first use
   * (so values no occurrence uses any more are left out), a value stored raw one per run of it.
   */
  exportRows(times: Float64Array, ids: string[], codes: Int32Array, row0: number, width: number, out: SnapshotValues): void {
    const n = this.n;
    for (let i = 0; i < n; i++) {
      times[row0 + i] = this.times[i] as number;
      ids[row0 + i] = this.ids[i] as string;
    }
    const { values, posOf, table } = out;
    const b = this.codes;
    for (let p = 0; p < width; p++) {
      const r = this.raw?.[p];
      if (r) {
        let last: Scalar | undefined;
        let at = 0;
        for (let i = 0; i < n; i++) {
          const v = r[i];
          if (v === undefined || v === null) continue;
          // A value repeated by the edge's next occurrence (a sign-in's steps share their correlation id) gets the same position.
          if (v !== last) {
            last = v;
            at = values.push(v) - 1;
          }
          codes[(row0 + i) * width + p] = at;
        }
        continue;
      }
      if (!b) continue;
      const c0 = b[p] as number;
      const w = (b[p + 1] as number) - c0;
      // A column never written holds nulls: the rows' codes are 0 already.
      if (w === 0) continue;
      const base = this.base(c0);
      for (let i = 0; i < n; i++) {
        const c = readCode(b, base + i * w, w);
        let at = posOf[c] as number;
        if (at < 0) posOf[c] = at = values.push(table[c] ?? null) - 1;
        codes[(row0 + i) * width + p] = at;
      }
    }
  }

  /** Index of the first occurrence with time >= t (size when none). */
  lowerBound(t: number): number {
    let lo = 0;
    let hi = this.n;
    const ts = this.times;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((ts[mid] as number) < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Index of the first occurrence with time > t (size when none). */
  upperBound(t: number): number {
    let lo = 0;
    let hi = this.n;
    const ts = this.times;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((ts[mid] as number) <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Whether an occurrence with this time and event id is stored. */
  contains(t: number, eventId: string): boolean {
    return this.indexOf(t, eventId) >= 0;
  }

  /** Index of the occurrence with this time and event id, or -1. */
  indexOf(t: number, eventId: string): number {
    for (let i = this.lowerBound(t); i < this.n && this.times[i] === t; i++) if (this.ids[i] === eventId) return i;
    return -1;
  }

  /**
   * Add an occurrence in (time, event id) order; returns its index. Ties go by event id so the
   * order does not depend on arrival (the Cypher compiler orders them so too).
   * Appending in time order is O(1) amortized; a late event shifts the later ones.
   */
  insert(t: number, eventId: string, props: Readonly<Record<string, Scalar>>): number {
    const n = this.n;
    let i = n > 0 && (this.times[n - 1] as number) >= t ? this.upperBound(t) : n;
    while (i > 0 && this.times[i - 1] === t && (this.ids[i - 1] as string) > eventId) i--;
    this.openRow(i, t, ownString(eventId));
    let k = 0;
    for (const name in props) {
      const v = props[name];
      if (v === null || v === undefined) continue;
      const p = this.layout.index.get(name);
      if (p === undefined) continue;
      if (this.layout.raw[p]) this.setRaw(i, p, this.layout.keep(v));
      else {
        ROW_PROPS[k] = p;
        ROW_CODES[k++] = this.layout.encode(p, v);
      }
    }
    this.writeCodes(i, k);
    return i;
  }

  /**
   * Appends an occurrence after every one held, from a snapshot's row: property p's value is
   * values[codes[off + p]] (0: none). `remap` (per position in values, -1 until known) keeps the value
   * table's code of each position, so a value repeated over many occurrences is interned once. Strings
   * are kept as given: a deserialised snapshot's are flat copies of their own (no ownString).
   */
  appendRow(t: number, eventId: string, codes: Int32Array, off: number, values: readonly Scalar[], remap: Int32Array): void {
    const i = this.n;
    this.openRow(i, t, eventId);
    const layout = this.layout;
    const np = layout.names.length;
    let k = 0;
    for (let p = 0; p < np; p++) {
      const c = codes[off + p]!;
      if (c === 0) continue;
      if (layout.raw[p]) {
        this.setRaw(i, p, values[c]!);
        continue;
      }
      let code = remap[c]!;
      if (code < 0) remap[c] = code = layout.encode(p, values[c]!);
      else layout.count(p, false);
      ROW_PROPS[k] = p;
      ROW_CODES[k++] = code;
    }
    this.writeCodes(i, k);
  }

  /** Drop occurrences with time < t; returns how many were dropped. */
  dropBefore(t: number): number {
    const k = this.lowerBound(t);
    if (k > 0) this.dropFirst(k);
    return k;
  }

  /** Move every occurrence of another edge's columns into these, keeping (time, event id) order. */
  absorb(other: OccurrenceColumns): void {
    if (other.n === 0) return;
    const before = (x: OccurrenceColumns, i: number, y: OccurrenceColumns, j: number): boolean =>
      x.time(i) < y.time(j) || (x.time(i) === y.time(j) && x.eventId(i) <= y.eventId(j));
    if (this.n === 0 || before(this, this.n - 1, other, 0)) {
      for (let j = 0; j < other.n; j++) this.appendFrom(other, j);
      return;
    }
    const mine = new OccurrenceColumns(this.layout);
    mine.takeOver(this);
    let a = 0;
    let b = 0;
    while (a < mine.n || b < other.n) {
      if (b >= other.n || (a < mine.n && before(mine, a, other, b))) this.appendFrom(mine, a++);
      else this.appendFrom(other, b++);
    }
  }

  /** Shrink capacity to the current size (after a bulk load or retention). */
  trim(): void {
    if (this.cap !== this.n) this.resize(this.n);
  }

  /** Makes room for `n` occurrences in all, so that many appends (a snapshot's) copy nothing on the way. */
  reserve(n: number): void {
    if (n > this.cap) this.resize(n);
  }

  /** Mark every interned code these columns use (for value table compaction). */
  markLive(live: Uint8Array): void {
    this.eachCodeColumn((b, base, w) => {
      for (let i = 0; i < this.n; i++) live[readCode(b, base + i * w, w)] = 1;
    });
  }

  /** Rewrite codes after the value table was compacted (codes only shrink, so widths still fit). */
  remapCodes(remap: Uint32Array): void {
    this.eachCodeColumn((b, base, w) => {
      for (let i = 0; i < this.n; i++) writeCode(b, base + i * w, w, remap[readCode(b, base + i * w, w)] as number);
    });
  }

  /** Bytes the columns reserve for codes, times and slots (not counting event id and raw value strings). */
  bufferBytes(): number {
    return (this.codes?.byteLength ?? 0) + 16 * this.cap + 8 * this.cap * (this.raw?.filter(Boolean).length ?? 0);
  }

  /** Calls visit for each property column held as codes (width above 0): the code buffer, the column's first byte and its width. */
  private eachCodeColumn(visit: (b: Uint8Array, base: number, w: number) => void): void {
    const b = this.codes;
    if (!b) return;
    for (let p = 0; p < this.layout.names.length; p++) {
      const c0 = b[p] as number;
      const w = (b[p + 1] as number) - c0;
      if (w !== 0) visit(b, this.base(c0), w);
    }
  }

  /** Byte offset of the column whose cumulative width is c0. */
  private base(c0: number): number {
    return this.layout.names.length + 1 + this.cap * c0;
  }

  private appendFrom(src: OccurrenceColumns, j: number): void {
    const i = this.n;
    this.openRow(i, src.time(j), src.eventId(j));
    let k = 0;
    for (let p = 0; p < this.layout.names.length; p++) {
      const v = src.propAt(j, p);
      if (v === null) continue;
      if (this.layout.raw[p]) this.setRaw(i, p, v);
      else {
        ROW_PROPS[k] = p;
        ROW_CODES[k++] = this.layout.values.intern(v);
      }
    }
    this.writeCodes(i, k);
  }

  private takeOver(o: OccurrenceColumns): void {
    this.n = o.n;
    this.cap = o.cap;
    this.times = o.times;
    this.ids = o.ids;
    this.codes = o.codes;
    this.raw = o.raw;
    this.epoch = o.epoch;
    o.n = 0;
    o.cap = 0;
    o.times = [];
    o.ids = [];
    o.codes = null;
    o.raw = null;
  }

  /** Opens an empty slot at index i with its time and event id, the raw columns following the layout's latest choice: the start of every write of an occurrence. */
  private openRow(i: number, t: number, eventId: string): void {
    this.openSlot(i);
    this.times[i] = t;
    this.ids[i] = eventId;
    if (this.epoch !== this.layout.epoch) this.syncRaw();
  }

  /**
   * Make room for one occurrence at index i (shifting later ones right) with an empty slot. Slots from n on
   * are always empty (buffers are made zeroed, and dropFirst clears what it vacates), so an append, the
   * common case, touches no column.
   */
  private openSlot(i: number): void {
    const n = this.n;
    if (n === this.cap) this.resize(n === 0 ? 1 : n * 2);
    if (i < n) {
      this.times.copyWithin(i + 1, i, n);
      const ids = this.ids;
      for (let j = n; j > i; j--) ids[j] = ids[j - 1];
      if (this.raw)
        for (const r of this.raw) {
          if (!r) continue;
          for (let j = n; j > i; j--) r[j] = r[j - 1];
          r[i] = undefined;
        }
      this.eachCodeColumn((b, base, w) => {
        b.copyWithin(base + (i + 1) * w, base + i * w, base + n * w);
        b.fill(0, base + i * w, base + (i + 1) * w);
      });
    }
    this.n = n + 1;
  }

  private dropFirst(k: number): void {
    const n = this.n;
    const m = n - k;
    this.times.copyWithin(0, k, n);
    const ids = this.ids;
    for (let j = 0; j < m; j++) ids[j] = ids[j + k];
    for (let j = m; j < n; j++) ids[j] = undefined;
    this.eachCodeColumn((b, base, w) => {
      b.copyWithin(base, base + k * w, base + n * w);
      // Vacated slots are left empty, as openSlot expects of every slot from n on.
      b.fill(0, base + m * w, base + n * w);
    });
    if (this.raw)
      for (const r of this.raw) {
        if (!r) continue;
        for (let j = 0; j < m; j++) r[j] = r[j + k];
        for (let j = m; j < n; j++) r[j] = undefined;
      }
    this.n = m;
    if (m <= this.cap >>> 2) this.resize(m);
  }

  private setRaw(i: number, p: number, v: Scalar): void {
    const raw = (this.raw ??= []);
    (raw[p] ??= new Array<Scalar | undefined>(this.cap))[i] = v;
  }

  /** Write the k codes staged in ROW_PROPS/ROW_CODES to occurrence i, widening columns at most once. */
  private writeCodes(i: number, k: number): void {
    if (k === 0) return;
    let b = this.codes;
    let widths: number[] | null = null;
    for (let j = 0; j < k; j++) {
      const p = ROW_PROPS[j] as number;
      const need = bytesFor(ROW_CODES[j] as number);
      const have = b ? (b[p + 1] as number) - (b[p] as number) : 0;
      if (have >= need) continue;
      widths ??= this.widths();
      if ((widths[p] as number) < need) widths[p] = need;
    }
    if (widths) b = this.relayout(this.cap, widths);
    for (let j = 0; j < k; j++) {
      const p = ROW_PROPS[j] as number;
      const c0 = b![p] as number;
      const w = (b![p + 1] as number) - c0;
      writeCode(b!, this.base(c0) + i * w, w, ROW_CODES[j] as number);
    }
  }

  /** Current width of every code column (0 when never written). */
  private widths(): number[] {
    const np = this.layout.names.length;
    const b = this.codes;
    const widths = new Array<number>(np);
    for (let p = 0; p < np; p++) widths[p] = b ? (b[p + 1] as number) - (b[p] as number) : 0;
    return widths;
  }

  /** Rebuild the code buffer for capacity `cap` and the given column widths (0 drops a column). */
  private relayout(cap: number, widths: readonly number[]): Uint8Array {
    const np = this.layout.names.length;
    const old = this.codes;
    let total = 0;
    for (let p = 0; p < np; p++) total += widths[p] as number;
    const next = new Uint8Array(np + 1 + cap * total);
    let cum = 0;
    for (let p = 0; p < np; p++) {
      next[p] = cum;
      cum += widths[p] as number;
    }
    next[np] = cum;
    if (old) {
      const n = Math.min(this.n, cap);
      for (let p = 0; p < np; p++) {
        const ow = (old[p + 1] as number) - (old[p] as number);
        const nw = widths[p] as number;
        if (ow === 0 || nw === 0) continue;
        const ob = np + 1 + this.cap * (old[p] as number);
        const nb = np + 1 + cap * (next[p] as number);
        if (ow === nw) {
          const len = n * ow;
          if (len > 64) next.set(old.subarray(ob, ob + len), nb);
          else for (let x = 0; x < len; x++) next[nb + x] = old[ob + x] as number;
        } else for (let i = 0; i < n; i++) writeCode(next, nb + i * nw, nw, readCode(old, ob + i * ow, ow));
      }
    }
    this.codes = next;
    return next;
  }

  /** Convert coded columns of properties the layout now stores raw. */
  private syncRaw(): void {
    this.epoch = this.layout.epoch;
    const values = this.layout.values;
    for (let p = 0; p < this.layout.names.length; p++) {
      const b = this.codes;
      if (!b || !this.layout.raw[p] || this.raw?.[p]) continue;
      const c0 = b[p] as number;
      const w = (b[p + 1] as number) - c0;
      if (w === 0) continue;
      const col = new Array<Scalar | undefined>(this.cap);
      const base = this.base(c0);
      for (let i = 0; i < this.n; i++) {
        const v = values.value(readCode(b, base + i * w, w));
        if (v !== null) col[i] = v;
      }
      (this.raw ??= [])[p] = col;
      const widths = this.widths();
      widths[p] = 0;
      this.relayout(this.cap, widths);
    }
  }

  private resize(cap: number): void {
    const n = this.n;
    const times = new Array<number>(cap);
    for (let j = 0; j < n; j++) times[j] = this.times[j] as number;
    this.times = times;
    const ids = new Array<string | undefined>(cap);
    for (let j = 0; j < n; j++) ids[j] = this.ids[j];
    this.ids = ids;
    if (this.codes) this.relayout(cap, this.widths());
    if (this.raw)
      this.raw = this.raw.map((r) => {
        if (!r) return r;
        const col = new Array<Scalar | undefined>(cap);
        for (let j = 0; j < n; j++) col[j] = r[j];
        return col;
      });
    this.cap = cap;
  }
}

/** Scratch row for staging one occurrence's codes (single-threaded; never held across calls). */
const ROW_PROPS = new Int32Array(64);
const ROW_CODES = new Float64Array(64);

function bytesFor(code: number): number {
  return code < 0x100 ? 1 : code < 0x10000 ? 2 : code < 0x1000000 ? 3 : 4;
}

function readCode(b: Uint8Array, o: number, w: number): number {
  switch (w) {
    case 1:
      return b[o] as number;
    case 2:
      return (b[o] as number) | ((b[o + 1] as number) << 8);
    case 3:
      return (b[o] as number) | ((b[o + 1] as number) << 8) | ((b[o + 2] as number) << 16);
    default:
      return ((b[o] as number) | ((b[o + 1] as number) << 8) | ((b[o + 2] as number) << 16) | ((b[o + 3] as number) << 24)) >>> 0;
  }
}

function writeCode(b: Uint8Array, o: number, w: number, code: number): void {
  b[o] = code & 0xff;
  if (w > 1) b[o + 1] = (code >>> 8) & 0xff;
  if (w > 2) b[o + 2] = (code >>> 16) & 0xff;
  if (w > 3) b[o + 3] = code >>> 24;
}
