/**
 * Events waiting to be written, in time order: a binary min-heap keyed by
 * (time, insertion number), so equal times keep the order they were planned
 * in and the output never depends on heap internals. Holds only the events
 * planned ahead of the writing clock (a few hours of background, the stories).
 */
import type { TenantEvent } from './events.js';

interface Entry {
  readonly ev: TenantEvent;
  readonly seq: number;
}

export class Timeline {
  private readonly heap: Entry[] = [];
  private seq = 0;

  get size(): number {
    return this.heap.length;
  }

  push(ev: TenantEvent): void {
    const h = this.heap;
    h.push({ ev, seq: this.seq++ });
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(h[i]!, h[parent]!)) break;
      [h[i], h[parent]] = [h[parent]!, h[i]!];
      i = parent;
    }
  }

  /** Removes and returns the events due before `t`, earliest first. */
  *takeBefore(t: number): Generator<TenantEvent> {
    while (this.heap.length > 0 && this.heap[0]!.ev.time < t) yield this.pop();
  }

  private pop(): TenantEvent {
    const h = this.heap;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && before(h[l]!, h[m]!)) m = l;
        if (r < h.length && before(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top.ev;
  }
}

function before(a: Entry, b: Entry): boolean {
  return a.ev.time < b.ev.time || (a.ev.time === b.ev.time && a.seq < b.seq);
}
