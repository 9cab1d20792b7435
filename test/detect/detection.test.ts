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

  it('ids are the SHA-256 of the identity as before (stored detections keep their ids)', () => {
    for (const identity of ['{}', '{"a":1}', 'x'.repeat(1000), 'ünïcödé']) {
      const before = createHash('sha256').update(identity).digest('base64url').slice(0, 22);
      expect(detectionId('d', identity)).toBe(`d:${before}`);
    }
  });
});
