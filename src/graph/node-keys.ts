/**
 * Canonical node keys: the one place that says how a value names a node, so
 * that table mappings, pattern key expressions (`to: {kind: IP, key: reg.ip}`)
 * and the Neo4j loader all reach the same node.
 */
import { isIP } from 'node:net';
import type { NodeKind } from './schema.js';

/** Canonical form of an IP address: IPv4 dotted, IPv6 compressed lower case; other text trimmed as is. */
export function canonicalIp(raw: string): string {
  // Most addresses are already canonical IPv4: told apart in one pass, without a regular expression or a copy.
  if (isCanonicalIpv4(raw)) return raw;
  let s = raw.trim();
  if (s.startsWith('[') && s.includes(']')) s = s.slice(1, s.indexOf(']'));
  else if (/^\d{1,3}(\.\d{1,3}){3}:\d{1,5}$/.test(s)) s = s.slice(0, s.indexOf(':')); // "1.2.3.4:443": IPv4 with a port
  const kind = isIP(s);
  if (kind === 4) return s.split('.').map((o) => String(Number(o))).join('.');
  if (kind === 6) {
    try {
      // WHATWG URL serialisation compresses IPv6 per RFC 5952 and lower-cases it.
      const host = new URL(`http://[${s}]/`).hostname;
      return host.slice(1, -1);
    } catch {
      return s.toLowerCase();
    }
  }
  return s;
}

/** Whether text is a dotted IPv4 address as canonicalIp writes it: four decimal octets up to 255, no leading zeros, nothing else. */
function isCanonicalIpv4(s: string): boolean {
  const n = s.length;
  if (n < 7 || n > 15) return false;
  let parts = 0;
  let i = 0;
  while (i <= n) {
    // One octet: 1-3 digits, no leading zero unless it is "0", at most 255; then a dot, or the end after the fourth.
    const start = i;
    let v = 0;
    while (i < n) {
      const c = s.charCodeAt(i);
      if (c < 48 || c > 57) break;
      v = v * 10 + (c - 48);
      i++;
    }
    const len = i - start;
    if (len === 0 || len > 3 || v > 255 || (len > 1 && s.charCodeAt(start) === 48)) return false;
    parts++;
    if (i === n) return parts === 4;
    if (s.charCodeAt(i) !== 46 || parts === 4) return false;
    i++;
  }
  return false;
}

/** The canonical key of a node of the given kind named by a raw value. */
export function canonicalKey(kind: NodeKind, raw: string): string {
  switch (kind) {
    case 'IP':
      return canonicalIp(raw);
    case 'Session':
    case 'Alert':
      return raw.trim();
    default:
      return raw.trim().toLowerCase();
  }
}
