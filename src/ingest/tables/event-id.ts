/**
 * Stable event ids. A table whose records carry their own id gets
 * `<table>:<id>[:<more>]`; the other records get a content hash: the first
 * 22 characters (132 bits) of the base64url SHA-256 of the table name and the
 * record's canonical JSON (keys sorted at every depth). Either way the same
 * record yields the same id on every ingest, and exact duplicates collapse.
 */
import { createHash } from 'node:crypto';

/** The id of a record that carries its own id column (parts joined with ":"). */
export function columnEventId(table: string, ...parts: (string | number)[]): string {
  return [table, ...parts].join(':');
}

/** The content-hash id of a record (sha256, base64url, 22 characters). */
export function hashEventId(table: string, raw: unknown): string {
  return createHash('sha256').update(table).update('\n').update(canonicalJson(raw)).digest('base64url').slice(0, 22);
}

/** JSON with object keys sorted at every depth, so equal records have equal text. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map((x) => (x === undefined ? 'null' : canonicalJson(x))).join(',')}]`;
  if (typeof v === 'object' && v !== null) {
    if (v instanceof Date) return JSON.stringify(v.toISOString());
    const obj = v as Record<string, unknown>;
    const keys = Object.keys(obj)
      .filter((k) => obj[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
  }
  if (typeof v === 'bigint') return v.toString();
  return JSON.stringify(v) ?? 'null';
}
