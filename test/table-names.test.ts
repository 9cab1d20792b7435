import { describe, expect, it } from 'vitest';
import { resolveTableName, TABLE_NAMES } from '../src/ingest/table-names.js';

describe('resolveTableName', () => {
  it('resolves every table case-insensitively', () => {
    for (const t of TABLE_NAMES) expect(resolveTableName(t.toUpperCase())).toBe(t);
  });
  it('maps the older Defender name onto EntraIdSignInEvents', () => {
    expect(resolveTableName('AADSignInEventsBeta')).toBe('EntraIdSignInEvents');
  });
  it('returns undefined for unknown names', () => {
    expect(resolveTableName('DeviceEvents')).toBeUndefined();
  });
});
