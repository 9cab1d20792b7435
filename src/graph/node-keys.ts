/**
 * Canonical node keys: the one place that says how a value names a node, so
 * that table mappings, pattern key expressions (`to: {kind: IP, key: reg.ip}`)
 * and the Neo4j loader all reach the same node.
 */
import { isIP } from 'node:net';
import type { NodeKind } from './schema.js';

/** Canonical form of an IP address: IPv4 dotted, IPv6 compressed lower case; other text trimmed as is. */
export function canonicalIp(raw: string): string {
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
