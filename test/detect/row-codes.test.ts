/** RowCodes must merge rows exactly as their identity text (stable JSON) would. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { distinctKey } from '../../src/detect/aggregates.js';
import { stableJson } from '../../src/detect/detection.js';
import type { Value } from '../../src/detect/expr/ast.js';
import { RowCodes, RowIndex } from '../../src/detect/row-codes.js';

// Values as rows hold them, with the cases where JSON and JavaScript equality part: "1" and 1, -0 and 0,
// NaN and the infinities (JSON null), arrays of them.
const scalar = fc.oneof(
  fc.constantFrom<Value>(null, true, false, 0, -0, 1, '1', '', 'null', NaN, Infinity, -Infinity, '0'),
  fc.string({ maxLength: 3 }),
  fc.integer({ min: -3, max: 3 }),
);
const value: fc.Arbitrary<Value> = fc.oneof(scalar, fc.array(scalar, { maxLength: 3 }), fc.array(fc.array(scalar, { maxLength: 2 }), { maxLength: 2 }));

describe('RowCodes', () => {
  it('gives two values the same number exactly when their stable JSON is the same', () => {
    let same = 0;
    fc.assert(
      fc.property(fc.array(value, { minLength: 2, maxLength: 30 }), (values) => {
        const codes = new RowCodes();
        const numbers = values.map((v) => codes.code(v));
        for (let i = 0; i < values.length; i++)
          for (let j = 0; j < values.length; j++) {
            const equalText = stableJson(values[i]) === stableJson(values[j]);
            if (equalText && i !== j) same++;
            expect(numbers[i] === numbers[j], `${stableJson(values[i])} vs ${stableJson(values[j])}`).toBe(equalText);
            // The same classes as dcount's: a log pass counts distinct values by these numbers.
            expect(distinctKey(values[i]!) === distinctKey(values[j]!), `distinctKey ${stableJson(values[i])} vs ${stableJson(values[j])}`).toBe(equalText);
          }
        // Asked again, a value keeps its number.
        expect(values.map((v) => codes.code(v))).toEqual(numbers);
      }),
      { numRuns: 300 },
    );
    // Not vacuous: equal values (and JSON-equal ones such as NaN and null) were drawn many times.
    expect(same).toBeGreaterThan(100);
  });

  it('RowIndex finds a row exactly when one with the same stable JSON was added, and lists rows in the order added', () => {
    let merged = 0;
    fc.assert(
      // Few values, so rows repeat (and JSON-equal ones such as NaN and null, or -0 and 0, meet).
      fc.property(fc.array(fc.array(fc.constantFrom<Value>(null, NaN, 1, '1', 'a', -0, 0), { minLength: 3, maxLength: 3 }), { minLength: 20, maxLength: 60 }), (rows) => {
        const codes = new RowCodes();
        const index = new RowIndex<number>();
        const firstOf = new Map<string, number>();
        rows.forEach((row, k) => {
          const numbers = row.map((v) => codes.code(v));
          const text = stableJson(row);
          expect(index.get(numbers)).toBe(firstOf.get(text));
          if (firstOf.has(text)) merged++;
          else {
            index.add(numbers, k);
            firstOf.set(text, k);
          }
        });
        expect(index.values()).toEqual([...firstOf.values()]);
      }),
      { numRuns: 300 },
    );
    expect(merged).toBeGreaterThan(50);
    // The same numbers in another order are another row.
    const index = new RowIndex<string>();
    index.add([1, 2, 3], 'a');
    expect(index.get([3, 2, 1])).toBeUndefined();
    expect(index.get([1, 2])).toBeUndefined();
    expect(index.get([1, 2, 3])).toBe('a');
  });
});
