import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { detectionId, stableJson, stableJsonOfKeys } from '../../src/detect/detection.js';

const value = fc.oneof(fc.constant(null), fc.string(), fc.double(), fc.integer(), fc.boolean(), fc.array(fc.oneof(fc.string(), fc.integer(), fc.constant(null)), { maxLength: 4 }));

describe('detection identity', () => {
  it('stableJsonOfKeys gives stableJson\'s text for rows with its keys, and falls back for others', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string({ maxLength: 6 }), { maxLength: 8 }), fc.array(value, { minLength: 8, maxLength: 8 }), fc.boolean(), (keys, values, extra) => {
        const row: Record<string, unknown> = {};
        keys.forEach((k, i) => (row[k] = values[i]));
        const key = stableJsonOfKeys(keys);
        expect(key(row)).toBe(stableJson(row));
        if (extra) {
          const other = { ...row, zz_not_a_column: 1 };
          expect(key(other)).toBe(stableJson(other));
        }
      }),
    );
  });

  it('stableJson gives the text of a plain JSON.stringify with sorted keys, whether a string is met the first time or again (property)', () => {
    const reference = (v: unknown): string => {
      if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
      if (Array.isArray(v)) return `[${v.map(reference).join(',')}]`;
      const o = v as Record<string, unknown>;
      return `{${Object.keys(o)
        .sort()
        .map((k) => `${JSON.stringify(k)}:${reference(o[k])}`)
        .join(',')}}`;
    };
    // Any UTF-16 text (lone surrogates and control characters are escaped), long text past the cache's
    // limit, and numbers JSON writes in exponent form or as null.
    const text = fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme', minLength: 250, maxLength: 300 }));
    const num = fc.oneof(fc.double(), fc.constantFrom(-0, 1e21, 1e-7, Number.MAX_VALUE, NaN, Infinity, -Infinity));
    const leaf = fc.oneof(text, num, fc.integer(), fc.boolean(), fc.constant(null));
    const doc = fc.oneof(leaf, fc.array(leaf, { maxLength: 4 }), fc.dictionary(fc.string({ maxLength: 5 }), leaf, { maxKeys: 4 }));
    fc.assert(
      fc.property(doc, (v) => {
        expect(stableJson(v)).toBe(reference(v));
        expect(stableJson(v)).toBe(reference(v));
      }),
      { numRuns: 500 },
    );
  });

  it('ids are the SHA-256 of the identity as before (stored detections keep their ids)', () => {
    for (const identity of ['{}', '{"a":1}', 'x'.repeat(1000), 'ünïcödé']) {
      const before = createHash('sha256').update(identity).digest('base64url').slice(0, 22);
      expect(detectionId('d', identity)).toBe(`d:${before}`);
    }
  });
});
