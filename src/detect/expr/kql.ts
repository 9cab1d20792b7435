/**
 * KQL value semantics as hunts.md fixes them: empty is null, "" or missing;
 * `=~`, `in~`, `contains`, `startswith`, `endswith` and `has` ignore case;
 * `==` and `in` are exact; numbers logged as strings compare by value;
 * `has` matches whole terms (runs of letters and digits).
 */
import { RE2JS } from 're2js';
import { IdgraphError } from '../../errors.js';
import type { Value } from './ast.js';

/** Whether a value is empty in the KQL sense (null, undefined, "" or an empty array). */
export function isEmpty(v: Value | undefined): boolean {
  return v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0);
}

/** The text form KQL's tostring() gives a value ("" for empty). */
export function toText(v: Value | undefined): string {
  if (v === null || v === undefined) return '';
  if (Array.isArray(v)) return JSON.stringify(v);
  return String(v);
}

const NUMERIC = /^\s*-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?\s*$/;

/** A value read as a number: numbers as is, numeric strings parsed, anything else null. */
export function toNumber(v: Value | undefined): number | null {
  if (typeof v === 'number') return Number.isNaN(v) ? null : v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string' && NUMERIC.test(v)) return Number(v);
  return null;
}

/** `==` : exact, except that a number and a numeric string compare by value; empties equal each other. */
export function equals(a: Value | undefined, b: Value | undefined): boolean {
  const ea = isEmpty(a);
  const eb = isEmpty(b);
  if (ea || eb) return ea && eb;
  if (typeof a === 'number' || typeof b === 'number') {
    const na = toNumber(a as Value);
    const nb = toNumber(b as Value);
    return na !== null && na === nb;
  }
  if (Array.isArray(a) || Array.isArray(b)) return JSON.stringify(a) === JSON.stringify(b);
  return a === b;
}

/** `=~` : case-insensitive equality of the text forms (numbers by value). */
export function equalsIgnoreCase(a: Value | undefined, b: Value | undefined): boolean {
  if (typeof a === 'number' || typeof b === 'number') return equals(a, b);
  const ea = isEmpty(a);
  const eb = isEmpty(b);
  if (ea || eb) return ea && eb;
  return toText(a).toLowerCase() === toText(b).toLowerCase();
}

/** Ordering comparison; numbers (and numeric strings) by value, otherwise text; null when either is empty. */
export function compare(a: Value | undefined, b: Value | undefined): number | null {
  if (isEmpty(a) || isEmpty(b)) return null;
  const na = toNumber(a as Value);
  const nb = toNumber(b as Value);
  if (na !== null && nb !== null) return na - nb;
  const ta = toText(a);
  const tb = toText(b);
  return ta < tb ? -1 : ta > tb ? 1 : 0;
}

/** `contains`: case-insensitive substring. */
export function containsText(haystack: Value | undefined, needle: Value | undefined): boolean {
  return toText(haystack).toLowerCase().includes(toText(needle).toLowerCase());
}

/** `startswith`: case-insensitive prefix. */
export function startsWithText(s: Value | undefined, prefix: Value | undefined): boolean {
  return toText(s).toLowerCase().startsWith(toText(prefix).toLowerCase());
}

/** `endswith`: case-insensitive suffix. */
export function endsWithText(s: Value | undefined, suffix: Value | undefined): boolean {
  return toText(s).toLowerCase().endsWith(toText(suffix).toLowerCase());
}

const TERM = /[\p{L}\p{N}]+/gu;

/** Recent texts' terms: log columns repeat (result descriptions), and has_any asks for each phrase. */
const termCache = new Map<string, readonly string[]>();
const TERM_CACHE_SIZE = 4096;
const TERM_CACHE_TEXT = 512;

/** The lower-cased terms of a text: its runs of letters and digits. */
export function terms(text: string): readonly string[] {
  let t = termCache.get(text);
  if (t === undefined) {
    t = text.toLowerCase().match(TERM) ?? [];
    if (text.length <= TERM_CACHE_TEXT) {
      if (termCache.size >= TERM_CACHE_SIZE) termCache.clear();
      termCache.set(text, t);
    }
  }
  return t;
}

/** `has`: the phrase's terms appear consecutively, as whole terms, in the text. */
export function hasPhrase(text: Value | undefined, phrase: Value | undefined): boolean {
  const want = terms(toText(phrase));
  if (want.length === 0) return false;
  const got = terms(toText(text));
  outer: for (let i = 0; i + want.length <= got.length; i++) {
    for (let j = 0; j < want.length; j++) if (got[i + j] !== want[j]) continue outer;
    return true;
  }
  return false;
}

const regexCache = new Map<string, RE2JS>();

/** Compiles a regular expression with RE2 semantics (linear time: safe on hostile input). */
export function compileRegex(pattern: string): RE2JS {
  let re = regexCache.get(pattern);
  if (!re) {
    try {
      re = RE2JS.compile(pattern);
    } catch (err) {
      throw new IdgraphError('INVALID_DETECTOR', `invalid regular expression ${JSON.stringify(pattern)}: ${(err as Error).message}`);
    }
    regexCache.set(pattern, re);
  }
  return re;
}

/** `matches regex`: RE2 search anywhere in the text (case-sensitive, as in KQL). */
export function matchesRegex(text: Value | undefined, pattern: Value | undefined): boolean {
  if (isEmpty(text)) return false;
  return compileRegex(toText(pattern)).matcher(toText(text)).find();
}
