import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { orderByTimeThenId } from '../../src/graph/time-order.js';

const byTimeThenId = (a: { t: number; id: string }, b: { t: number; id: string }): number => a.t - b.t || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

describe('orderByTimeThenId', () => {
  it('orders by time, then id, with packed keys or, for times too wide to pack, a comparator (property)', () => {
    const entry = fc.record({ t: fc.oneof(fc.integer({ min: 0, max: 30 }), fc.constantFrom(1.5, 2 ** 52, -(2 ** 40))), id: fc.constantFrom('a', 'b', 'c', 'e10', 'e2') });
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 200 }), fc.boolean(), (raw, narrow) => {
        const xs = narrow ? raw.map((x) => ({ ...x, t: Math.abs(Math.round(x.t)) % 31 })) : raw;
        const order = [...orderByTimeThenId(xs.map((x) => x.t), xs.map((x) => x.id))];
        const got = order.map((k) => xs[k]!);
        expect(got).toEqual([...xs].sort(byTimeThenId));
        expect([...order].sort((a, b) => a - b)).toEqual(xs.map((_, k) => k));
      }),
      { numRuns: 300 },
    );
  });
});
