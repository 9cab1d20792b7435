/**
 * Accumulators against a reference written the plain way (every value keyed by distinctKey), for
 * values where JavaScript and JSON equality part, in any arrival order, and after a reset.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AGGREGATE_FUNCTIONS, createAccumulator, distinctKey, type AggregateSpec } from '../../src/detect/aggregates.js';
import type { Value } from '../../src/detect/expr/ast.js';
import { compare, isEmpty } from '../../src/detect/expr/kql.js';

const scalar = fc.oneof(
  fc.constantFrom<Value>(null, '', true, false, 0, -0, 1, '1', 'null', NaN, Infinity, -Infinity, '0', ' '),
  fc.string({ maxLength: 2 }),
  fc.integer({ min: -3, max: 3 }),
);
const value: fc.Arbitrary<Value> = fc.oneof(scalar, fc.array(scalar, { maxLength: 2 }));
const rows = fc.array(fc.record({ v: value, t: fc.integer({ min: 0, max: 5 }) }), { maxLength: 12 });

/** The reference: each function as its definition reads, distinct values by their distinctKey text. */
function reference(spec: AggregateSpec, input: readonly { v: Value; t: number }[]): Value {
  const present = input.filter((r) => !isEmpty(r.v));
  const byKey = new Map<string, { v: Value; t: number }>();
  for (const r of present) {
    const k = distinctKey(r.v);
    const cur = byKey.get(k);
    if (!cur || r.t < cur.t) byKey.set(k, r);
  }
  const keyOrder = (a: Value, b: Value): number => (distinctKey(a) < distinctKey(b) ? -1 : distinctKey(a) > distinctKey(b) ? 1 : 0);
  switch (spec.fn) {
    case 'count':
      return input.length === 0 ? null : input.length;
    case 'dcount':
      return byKey.size === 0 ? null : byKey.size;
    case 'make_set':
      return [...byKey.values()]
        .sort((a, b) => a.t - b.t || keyOrder(a.v, b.v))
        .slice(0, spec.cap)
        .map((x) => x.v);
    case 'min':
    case 'max': {
      const sign = spec.fn === 'min' ? -1 : 1;
      let best: Value = null;
      for (const { v } of present) {
        if (best === null) best = v;
        else {
          const c = compare(v, best);
          if (c !== null && (Math.sign(c) === sign || (c === 0 && keyOrder(v, best) < 0))) best = v;
        }
      }
      return best;
    }
    case 'sum':
      return input.reduce<number | null>((s, { v }) => (typeof v === 'number' ? (s ?? 0) + v : typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v)) ? (s ?? 0) + Number(v) : s), null);
    case 'earliest':
    case 'latest': {
      let best: { v: Value; t: number } | null = null;
      for (const r of input) {
        const better = spec.fn === 'earliest' ? r.t < (best?.t ?? Infinity) : r.t > (best?.t ?? -Infinity);
        if (!best || better || (r.t === best.t && keyOrder(r.v, best.v) < 0)) best = r;
      }
      return best ? best.v : null;
    }
  }
}

const specs: AggregateSpec[] = AGGREGATE_FUNCTIONS.map((fn) => ({ fn, arg: null, cap: fn === 'make_set' ? 3 : 0 }));

describe('accumulators', () => {
  for (const spec of specs) {
    it(`${spec.fn}: equals the plain definition in any order, and again after a reset`, () => {
      fc.assert(
        fc.property(rows, rows, fc.nat(), (input, before, seed) => {
          const acc = createAccumulator(spec);
          // Whatever it held before the reset must not show.
          for (const r of before) acc.add(r.v, r.t);
          acc.reset();
          // min and max are order-independent only over values compare() orders totally (all numbers, or all
          // text): mixed ones like these are not, so they are checked in the reference's order.
          const shuffled = input.map((r, k) => ({ r, k: (k * 7919 + seed) % 101 })).sort((a, b) => a.k - b.k).map(({ r }) => r);
          const order = spec.fn === 'min' || spec.fn === 'max' ? input : shuffled;
          for (const r of order) acc.add(r.v, r.t);
          // JSON text is the contract (rows are compared and keyed by it).
          expect(JSON.stringify(acc.result())).toBe(JSON.stringify(reference(spec, input)));
        }),
        { numRuns: 400 },
      );
    });
  }

  it('make_set and dcount tell "5" from 5 and count NaN and the infinities as one value, as distinctKey does', () => {
    const set = createAccumulator({ fn: 'make_set', arg: null, cap: 10 });
    const count = createAccumulator({ fn: 'dcount', arg: null, cap: 0 });
    for (const [v, t] of [['5', 1], [5, 2], [NaN, 3], [Infinity, 4], [-0, 5], [0, 6], [['a'], 7], [['a'], 8]] as [Value, number][]) {
      set.add(v, t);
      count.add(v, t);
    }
    expect(set.result()).toEqual(['5', 5, NaN, -0, ['a']]);
    expect(count.result()).toBe(5);
  });
});
