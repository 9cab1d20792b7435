/**
 * Columnar, compact storage of one edge's occurrences, sorted by time (ties
 * keep arrival order). Per edge: a Float64Array of times, an array of event
 * ids, and one buffer of property codes laid out column by column (stride =
 * capacity) whose element width (8/16/32 bits) grows with the largest code.
 * Properties too distinct to be worth interning (correlation ids) are kept
 * as plain values in their own column instead; the layout decides that per
 * edge kind from what it has seen, and edges convert lazily.
 *
 * Owns: one edge's occurrences. Knows nothing of nodes or graphology.
 */
import { EDGE_KINDS, type EdgeKind, type Scalar } from './schema.js';
import { ownString, type ValueTable } from './value-table.js';

type Codes = Uint8Array | Uint16Array | Uint32Array;

/** Writes per judging window of a property's distinctness. The first window (warm-up: everything is new) is not judged. */
const POLICY_WINDOW = 8192;
/** Share of a window's writes that brought a never-seen value above which a property is stored raw, not interned. */
const RAW_RATIO = 0.5;

const EMPTY_TIMES = new Float64Array(0);

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
    this.names = Object.keys(EDGE_KINDS[kind].props);
    this.index = new Map(this.names.map((n, i) => [n, i]));
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
    if (this.values.size !== before) this.fresh[p]!++;
    if (++this.writes[p]! === POLICY_WINDOW) {
      if (this.windows[p]!++ > 0 && this.fresh[p]! > POLICY_WINDOW * RAW_RATIO) {
        this.raw[p] = true;
        this.epoch++;
      }
      this.writes[p] = 0;
      this.fresh[p] = 0;
    }
    return code;
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
  private times: Float64Array = EMPTY_TIMES;
  private ids: (string | undefined)[] = [];
  /** Property codes, column p at [p * cap, p * cap + n); null until a coded value is written. */
  private codes: Codes | null = null;
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

  /** Property of occurrence i by the layout's property index; null when absent. */
  propAt(i: number, p: number): Scalar {
    const r = this.raw?.[p];
    if (r) return r[i] ?? null;
    const c = this.codes;
    return c ? this.layout.values.value(c[p * this.cap + i] as number) : null;
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
    for (let i = this.upperBound(t) - 1; i >= 0 && this.times[i] === t; i--) if (this.ids[i] === eventId) return true;
    return false;
  }

  /**
   * Add an occurrence after every stored one with time <= t; returns its index.
   * Appending in time order is O(1) amortized; a late event shifts the later ones.
   */
  insert(t: number, eventId: string, props: Readonly<Record<string, Scalar>>): number {
    const n = this.n;
    const i = n > 0 && (this.times[n - 1] as number) > t ? this.upperBound(t) : n;
    this.openSlot(i);
    this.times[i] = t;
    this.ids[i] = ownString(eventId);
    if (this.epoch !== this.layout.epoch) this.syncRaw();
    for (const name in props) {
      const v = props[name];
      if (v === null || v === undefined) continue;
      const p = this.layout.index.get(name);
      if (p !== undefined) this.setProp(i, p, v, true);
    }
    return i;
  }

  /** Drop occurrences with time < t; returns how many were dropped. */
  dropBefore(t: number): number {
    const k = this.lowerBound(t);
    if (k > 0) this.dropFirst(k);
    return k;
  }

  /** Move every occurrence of another edge's columns into these, keeping time order (ties: ours first). */
  absorb(other: OccurrenceColumns): void {
    if (other.n === 0) return;
    if (this.n === 0 || other.time(0) >= this.time(this.n - 1)) {
      for (let j = 0; j < other.n; j++) this.appendFrom(other, j);
      return;
    }
    const mine = new OccurrenceColumns(this.layout);
    mine.takeOver(this);
    let a = 0;
    let b = 0;
    while (a < mine.n || b < other.n) {
      if (b >= other.n || (a < mine.n && mine.time(a) <= other.time(b))) this.appendFrom(mine, a++);
      else this.appendFrom(other, b++);
    }
  }

  /** Shrink capacity to the current size (after a bulk load or retention). */
  trim(): void {
    if (this.cap !== this.n) this.resize(this.n);
  }

  /** Mark every interned code these columns use (for value table compaction). */
  markLive(live: Uint8Array): void {
    const c = this.codes;
    if (!c) return;
    for (let p = 0; p < this.layout.names.length; p++) {
      const base = p * this.cap;
      for (let i = 0; i < this.n; i++) live[c[base + i] as number] = 1;
    }
  }

  /** Rewrite codes after the value table was compacted. */
  remapCodes(remap: Uint32Array): void {
    const c = this.codes;
    if (!c) return;
    for (let p = 0; p < this.layout.names.length; p++) {
      const base = p * this.cap;
      for (let i = 0; i < this.n; i++) c[base + i] = remap[c[base + i] as number] as number;
    }
  }

  /** Approximate bytes held by the columns' buffers (not counting event id strings). */
  bufferBytes(): number {
    return this.times.byteLength + (this.codes?.byteLength ?? 0) + 8 * this.cap * (1 + (this.raw?.filter(Boolean).length ?? 0));
  }

  private appendFrom(src: OccurrenceColumns, j: number): void {
    const i = this.n;
    this.openSlot(i);
    this.times[i] = src.time(j);
    this.ids[i] = src.eventId(j);
    if (this.epoch !== this.layout.epoch) this.syncRaw();
    for (let p = 0; p < this.layout.names.length; p++) {
      const v = src.propAt(j, p);
      if (v !== null) this.setProp(i, p, v, false);
    }
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
    o.times = EMPTY_TIMES;
    o.ids = [];
    o.codes = null;
    o.raw = null;
  }

  /** Make room for one occurrence at index i (shifting later ones right) and clear its slot. */
  private openSlot(i: number): void {
    const n = this.n;
    if (n === this.cap) this.resize(n === 0 ? 1 : n * 2);
    const cap = this.cap;
    const np = this.layout.names.length;
    const c = this.codes;
    if (i < n) {
      this.times.copyWithin(i + 1, i, n);
      const ids = this.ids;
      for (let j = n; j > i; j--) ids[j] = ids[j - 1];
      if (c) for (let p = 0; p < np; p++) c.copyWithin(p * cap + i + 1, p * cap + i, p * cap + n);
      if (this.raw) for (const r of this.raw) if (r) for (let j = n; j > i; j--) r[j] = r[j - 1];
    }
    if (c) for (let p = 0; p < np; p++) c[p * cap + i] = 0;
    if (this.raw) for (const r of this.raw) if (r) r[i] = undefined;
    this.n = n + 1;
  }

  private dropFirst(k: number): void {
    const n = this.n;
    const m = n - k;
    const cap = this.cap;
    this.times.copyWithin(0, k, n);
    const ids = this.ids;
    for (let j = 0; j < m; j++) ids[j] = ids[j + k];
    for (let j = m; j < n; j++) ids[j] = undefined;
    const c = this.codes;
    if (c) for (let p = 0; p < this.layout.names.length; p++) c.copyWithin(p * cap, p * cap + k, p * cap + n);
    if (this.raw)
      for (const r of this.raw) {
        if (!r) continue;
        for (let j = 0; j < m; j++) r[j] = r[j + k];
        for (let j = m; j < n; j++) r[j] = undefined;
      }
    this.n = m;
    if (m <= cap >>> 2) this.resize(m);
  }

  private setProp(i: number, p: number, v: Scalar, count: boolean): void {
    if (this.layout.raw[p]) {
      const raw = (this.raw ??= []);
      (raw[p] ??= new Array<Scalar | undefined>(this.cap))[i] = count ? this.layout.keep(v) : v;
      return;
    }
    const code = count ? this.layout.encode(p, v) : this.layout.values.intern(v);
    let c = this.codes;
    if (!c || code > maxCode(c)) c = this.widen(code);
    c[p * this.cap + i] = code;
  }

  /** Replace the code buffer with one wide enough for `code`. */
  private widen(code: number): Codes {
    const len = this.layout.names.length * this.cap;
    const next: Codes = code < 0x100 ? new Uint8Array(len) : code < 0x10000 ? new Uint16Array(len) : new Uint32Array(len);
    if (this.codes) next.set(this.codes);
    this.codes = next;
    return next;
  }

  /** Convert coded columns of properties the layout now stores raw. */
  private syncRaw(): void {
    this.epoch = this.layout.epoch;
    const c = this.codes;
    if (!c) return;
    const values = this.layout.values;
    for (let p = 0; p < this.layout.names.length; p++) {
      if (!this.layout.raw[p] || this.raw?.[p]) continue;
      const col = new Array<Scalar | undefined>(this.cap);
      const base = p * this.cap;
      for (let i = 0; i < this.n; i++) {
        const v = values.value(c[base + i] as number);
        if (v !== null) col[i] = v;
        c[base + i] = 0;
      }
      (this.raw ??= [])[p] = col;
    }
  }

  private resize(cap: number): void {
    const n = this.n;
    const times = new Float64Array(cap);
    times.set(this.times.subarray(0, n));
    this.times = times;
    const ids = new Array<string | undefined>(cap);
    for (let j = 0; j < n; j++) ids[j] = this.ids[j];
    this.ids = ids;
    const old = this.codes;
    if (old) {
      const np = this.layout.names.length;
      const next = new (old.constructor as new (len: number) => Codes)(np * cap);
      for (let p = 0; p < np; p++) next.set(old.subarray(p * this.cap, p * this.cap + n), p * cap);
      this.codes = next;
    }
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

function maxCode(c: Codes): number {
  return c instanceof Uint8Array ? 0xff : c instanceof Uint16Array ? 0xffff : 0xffffffff;
}
