/**
 * canonicalKey() of src/graph/node-keys.ts as a Cypher expression, so that a
 * pattern's key endpoint (`to: {kind: IP, key: reg.ip}`) reaches the same
 * node in Neo4j as in the embedded graph.
 *
 * IPs: brackets and an IPv4's port are dropped first. Node's isIP() accepts exactly what IPV4/IPV6 below match (its own
 * regular expressions, in Java syntax). A valid IPv4 is already canonical
 * (no leading zeros are allowed). A valid IPv6 without a zone is rewritten
 * the way WHATWG URL serialises it: eight 16-bit pieces (an embedded IPv4
 * becomes two), lower-case hex without leading zeros, and the first longest
 * run of two or more zero pieces written as `::`. With a zone (`%eth0`) the
 * URL parser throws and canonicalIp lower-cases the text; so does this.
 */
import type { NodeKind } from '../../graph/schema.js';

const V4SEG = '(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])';
const V4 = `(?:${V4SEG}\\.){3}${V4SEG}`;
const V6SEG = '(?:[0-9a-fA-F]{1,4})';
/** Node's isIPv4 expression (whole-string match). */
export const IPV4_RE = V4;
/** Node's isIPv6 expression (whole-string match), zone included. */
export const IPV6_RE =
  '(?:' +
  `(?:${V6SEG}:){7}(?:${V6SEG}|:)|` +
  `(?:${V6SEG}:){6}(?:${V4}|:${V6SEG}|:)|` +
  `(?:${V6SEG}:){5}(?::${V4}|(?::${V6SEG}){1,2}|:)|` +
  `(?:${V6SEG}:){4}(?:(?::${V6SEG}){0,1}:${V4}|(?::${V6SEG}){1,3}|:)|` +
  `(?:${V6SEG}:){3}(?:(?::${V6SEG}){0,2}:${V4}|(?::${V6SEG}){1,4}|:)|` +
  `(?:${V6SEG}:){2}(?:(?::${V6SEG}){0,3}:${V4}|(?::${V6SEG}){1,5}|:)|` +
  `(?:${V6SEG}:){1}(?:(?::${V6SEG}){0,4}:${V4}|(?::${V6SEG}){1,6}|:)|` +
  `(?::(?:(?::${V6SEG}){0,5}:${V4}|(?::${V6SEG}){1,7}|:))` +
  ')(?:%[0-9a-zA-Z.:-]{1,})?';

/** canonicalIp's IPv4-with-port test. */
const V4_PORT = '\\d{1,3}(?:\\.\\d{1,3}){3}:\\d{1,5}';

const q = (s: string): string => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** Cypher: 16-bit pieces of one side of '::' (list of group texts g) as integers, an embedded IPv4 giving two. */
function pieces(groups: string): string {
  const hex = (g: string): string =>
    `reduce(acc = 0, c IN [i IN range(0, size(${g}) - 1) | substring(toLower(${g}), i, 1)] | acc * 16 + size(split('0123456789abcdef', c)[0]))`;
  const oct = (g: string, k: number): string => `toInteger(split(${g}, '.')[${k}])`;
  return `reduce(acc = [], g IN ${groups} | acc + CASE WHEN g CONTAINS '.' THEN [${oct('g', 0)} * 256 + ${oct('g', 1)}, ${oct('g', 2)} * 256 + ${oct('g', 3)}] ELSE [${hex('g')}] END)`;
}

/** Cypher: lower-case hex of an integer 0..65535 without leading zeros. */
function hex16(n: string): string {
  return `CASE WHEN ${n} = 0 THEN '0' ELSE reduce(out = '', k IN [4096, 256, 16, 1] | CASE WHEN out = '' AND (${n} / k) % 16 = 0 THEN '' ELSE out + substring('0123456789abcdef', (${n} / k) % 16, 1) END) END`;
}

const join = (list: string): string => `reduce(out = '', x IN ${list} | CASE WHEN out = '' THEN x ELSE out + ':' + x END)`;

/** Cypher: WHATWG serialisation of a zone-less IPv6 text `s` known to be valid. */
function ipv6(s: string): string {
  const side = (k: number): string => `CASE WHEN split(${s}, '::')[${k}] = '' THEN [] ELSE split(split(${s}, '::')[${k}], ':') END`;
  const full =
    `CASE WHEN ${s} CONTAINS '::' THEN ` +
    `[h IN [${pieces(side(0))}] | [t IN [${pieces(side(1))}] | h + [z IN range(1, 8 - size(h) - size(t)) | 0] + t][0]][0] ` +
    `ELSE ${pieces(`split(${s}, ':')`)} END`;
  // For each index, the length of the zero run starting there; keep the first longest.
  const best =
    `reduce(b = {at: -1, n: 0}, i IN range(0, 7) | [n IN [reduce(r = {n: 0, go: true}, j IN range(i, 7) | CASE WHEN r.go AND p[j] = 0 THEN {n: r.n + 1, go: true} ELSE {n: r.n, go: false} END).n] | ` +
    `CASE WHEN n > b.n THEN {at: i, n: n} ELSE b END][0])`;
  const hexes = (from: string, to: string): string => `[x IN p[${from}..${to}] | ${hex16('x')}]`;
  return (
    `[p IN [${full}] | [b IN [${best}] | ` +
    `CASE WHEN b.n < 2 THEN ${join(hexes('0', '8'))} ELSE ${join(hexes('0', 'b.at'))} + '::' + ${join(hexes('b.at + b.n', '8'))} END` +
    `][0]][0]`
  );
}

/** The characters JavaScript's String.prototype.trim() removes (WhiteSpace and LineTerminator); Cypher's trim() keeps some. */
const JS_WHITESPACE = ['\\t', '\\n', '\\u000B', '\\f', '\\r', ' ', '\\u00A0', '\\u1680', '\\u2000', '\\u2001', '\\u2002', '\\u2003', '\\u2004', '\\u2005', '\\u2006',
  '\\u2007', '\\u2008', '\\u2009', '\\u200A', '\\u2028', '\\u2029', '\\u202F', '\\u205F', '\\u3000', '\\uFEFF'];

/** Cypher for JavaScript's text.trim() (text a non-null string expression). */
export function jsTrimCypher(text: string): string {
  const ws = `[${JS_WHITESPACE.map((c) => `'${c}'`).join(', ')}]`;
  return (
    `[s IN [${text}] | [k IN [[i IN range(0, size(s) - 1) WHERE NOT substring(s, i, 1) IN ${ws}]] | ` +
    `CASE WHEN size(k) = 0 THEN '' ELSE substring(s, k[0], k[-1] - k[0] + 1) END][0]][0]`
  );
}

/** Cypher for canonicalIp(text) (text a non-null string expression). */
export function canonicalIpCypher(text: string): string {
  // "[v6]" or "[v6]:port" keeps what is inside the brackets; "1.2.3.4:443" drops the port.
  const unbracketed =
    `CASE WHEN t STARTS WITH '[' AND t CONTAINS ']' THEN split(substring(t, 1), ']')[0] ` +
    `WHEN t =~ ${q(V4_PORT)} THEN split(t, ':')[0] ELSE t END`;
  return (
    `[t IN [${jsTrimCypher(text)}] | [s IN [${unbracketed}] | CASE WHEN s =~ ${q(IPV4_RE)} THEN s ` +
    `WHEN s =~ ${q(IPV6_RE)} THEN CASE WHEN s CONTAINS '%' THEN toLower(s) ELSE ${ipv6('s')} END ELSE s END][0]][0]`
  );
}

/** Cypher for canonicalKey(kind, text) (text a non-null string expression). */
export function canonicalKeyCypher(kind: NodeKind, text: string): string {
  switch (kind) {
    case 'IP':
      return canonicalIpCypher(text);
    case 'Session':
    case 'Alert':
      return jsTrimCypher(text);
    default:
      return `toLower(${jsTrimCypher(text)})`;
  }
}
