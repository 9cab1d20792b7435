import { describe, expect, it } from 'vitest';
import { normalizeColumns } from '../../src/ingest/tables/normalize-columns.js';

describe('normalizeColumns', () => {
  it('gives a record with nothing to fold back as itself (no copy of its columns)', () => {
    const rec = { TimeGenerated: '2026-10-01T00:00:00Z', Id: 'a', Status: { errorCode: 0 }, _ResourceId: '/x' };
    expect(normalizeColumns(rec)).toBe(rec);
  });

  it('folds suffixed and split columns into a view, and leaves __proto__ out of it', () => {
    const rec = JSON.parse('{"TimeGenerated [UTC]":"t","Status_dynamic":"","Status_string":"{}","__proto__":{"polluted":1},"Id":"a"}') as Record<string, unknown>;
    const view = normalizeColumns(rec) as Record<string, unknown>;
    expect(view).not.toBe(rec);
    expect(view['TimeGenerated']).toBe('t');
    expect(view['Status']).toBe('{}');
    expect(Object.hasOwn(view, '__proto__')).toBe(false);
    expect(Object.hasOwn(rec, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('a suffixed or split __proto__ column never becomes the view\'s prototype', () => {
    const rec = JSON.parse('{"__proto__ [UTC]":{"UserPrincipalName":"x@evil"},"__proto___string":{"Id":"b"},"Id":"a"}') as Record<string, unknown>;
    const view = normalizeColumns(rec) as Record<string, unknown>;
    expect(Object.getPrototypeOf(view)).toBe(Object.prototype);
    expect(view['UserPrincipalName']).toBeUndefined();
    expect(view['Id']).toBe('a');
    expect(view['__proto__ [UTC]']).toEqual({ UserPrincipalName: 'x@evil' });
  });

  it('a plain column wins over its split parts', () => {
    const view = normalizeColumns({ Status: 'plain', Status_string: 'split', X_long: 1 }) as Record<string, unknown>;
    expect(view['Status']).toBe('plain');
    expect(view['X']).toBe(1);
  });
});
