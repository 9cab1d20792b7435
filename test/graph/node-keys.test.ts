/** canonicalIp's fast path for canonical IPv4 must answer as its general path does. */
import { isIP } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalIp } from '../../src/graph/node-keys.js';

/** The general path alone (canonicalIp before the fast path): the oracle. */
function reference(raw: string): string {
  let s = raw.trim();
  if (s.startsWith('[') && s.includes(']')) s = s.slice(1, s.indexOf(']'));
  else if (/^\d{1,3}(\.\d{1,3}){3}:\d{1,5}$/.test(s)) s = s.slice(0, s.indexOf(':'));
  const kind = isIP(s);
  if (kind === 4) return s.split('.').map((o) => String(Number(o))).join('.');
  if (kind === 6) {
    try {
      return new URL(`http://[${s}]/`).hostname.slice(1, -1);
    } catch {
      return s.toLowerCase();
    }
  }
  return s;
}

// Octets as logs write them and as they should not: leading zeros, over 255, empty, signs.
const octet = fc.oneof(fc.integer({ min: 0, max: 255 }).map(String), fc.constantFrom('00', '01', '007', '256', '999', '1000', '', '+1', '-1', ' 1', '1a'));
const dotted = fc.array(octet, { minLength: 2, maxLength: 6 }).map((o) => o.join('.'));
const address = fc.oneof(
  dotted,
  fc.tuple(dotted, fc.constantFrom(':443', ' ', '\t', '.', '..')).map(([a, b]) => a + b),
  fc.tuple(fc.constantFrom(' ', '['), dotted).map(([a, b]) => a + b),
  fc.ipV4(),
  fc.ipV6(),
  fc.string({ maxLength: 16 }),
);

describe('canonicalIp', () => {
  it('gives what its general path gives, for addresses canonical or not', () => {
    let fast = 0;
    fc.assert(
      fc.property(address, (a) => {
        const got = canonicalIp(a);
        expect(got, JSON.stringify(a)).toBe(reference(a));
        if (got === a && isIP(a) === 4) fast++;
      }),
      { numRuns: 5000 },
    );
    // Not vacuous: many drawn addresses were canonical IPv4 already (the fast path's case).
    expect(fast).toBeGreaterThan(500);
  });

  it('keeps a canonical address and rewrites the others', () => {
    expect(canonicalIp('10.0.0.1')).toBe('10.0.0.1');
    expect(canonicalIp('255.255.255.255')).toBe('255.255.255.255');
    expect(canonicalIp('010.0.0.1')).toBe('010.0.0.1'); // not an address to Node: text, kept as is
    expect(canonicalIp(' 10.0.0.1 ')).toBe('10.0.0.1');
    expect(canonicalIp('10.0.0.1:443')).toBe('10.0.0.1');
    expect(canonicalIp('256.0.0.1')).toBe('256.0.0.1');
    expect(canonicalIp('2001:DB8::0:1')).toBe('2001:db8::1');
  });
});
