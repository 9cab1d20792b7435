/**
 * A detection: one output row of a detector, with the graph nodes it binds
 * and the raw events behind each matched clause. Batch runs, the streaming
 * engine, the detection store and chains all speak this shape.
 */
import { hash } from 'node:crypto';
import type { NodeRef } from '../graph/facts.js';
import type { CompiledPattern } from './compile.js';
import type { Value } from './expr/ast.js';

/** Most entities, and event ids per clause, a detection keeps (a grouped row can bind thousands). */
export const EVIDENCE_CAP = 50;
/** Event ids an aggregate clause keeps per binding (a sample of what it counted). */
export const AGGREGATE_EVIDENCE_CAP = 10;

/** Raw events behind one clause of a detection. */
export interface Evidence {
  /** Clause variable (e.g. "reg"). */
  readonly clause: string;
  readonly role: 'match' | 'exists' | 'aggregate';
  readonly edge: string;
  readonly eventIds: readonly string[];
}

export interface Detection {
  readonly detector: string;
  /** Stable identity: the same row of the same detector always has the same id. */
  readonly id: string;
  /** Output row; time columns hold epoch ms (formatRow renders ISO 8601). */
  readonly row: Readonly<Record<string, Value>>;
  /** When the row became true: latest time among its matched occurrences. */
  readonly time: number;
  /** Earliest time among its matched occurrences. */
  readonly firstTime: number;
  /** Graph nodes the row involves (node variables of the pattern). */
  readonly entities: readonly NodeRef[];
  /** Node variable → node, for the binding that first produced the row (absent for grouped rows). */
  readonly bindings?: Readonly<Record<string, NodeRef>>;
  readonly evidence: readonly Evidence[];
}

/** Distinct entities in (kind, key) order, whatever order the bindings named them in (two variables may bind one node). */
export function sortEntities(nodes: Iterable<NodeRef>): NodeRef[] {
  // Sorted, then equal neighbours dropped: no key text per node (a batch run sorts every row's few entities).
  const sorted = [...nodes].sort((a, b) => (a.kind !== b.kind ? (a.kind < b.kind ? -1 : 1) : a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  let n = 0;
  for (const x of sorted) if (n === 0 || x.kind !== sorted[n - 1]!.kind || x.key !== sorted[n - 1]!.key) sorted[n++] = x;
  sorted.length = n;
  return sorted;
}

/**
 * JSON text of recent short strings. Every row's identity is its values' JSON, and rows repeat their values
 * (a user's UPN, an app, a result description): a lookup costs about a tenth of JSON.stringify.
 */
const textJson = new Map<string, string>();
/** Strings cached at most, and the longest cached (long ones are mostly unique: user agents, correlation ids). */
const TEXT_JSON_CAP = 65_536;
const TEXT_JSON_LONGEST = 256;

/** JSON.stringify of a string, from the cache when it holds it. */
function jsonOfText(s: string): string {
  if (s.length > TEXT_JSON_LONGEST) return JSON.stringify(s);
  let j = textJson.get(s);
  if (j === undefined) {
    if (textJson.size >= TEXT_JSON_CAP) textJson.clear();
    textJson.set(s, (j = JSON.stringify(s)));
  }
  return j;
}

/** Stable JSON: object keys sorted, so equal values always give equal text. */
export function stableJson(v: unknown): string {
  if (typeof v === 'string') return jsonOfText(v);
  // JSON.stringify's own text for a finite number; NaN and the infinities are null in JSON.
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : 'null';
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${stableJson(o[k])}`)
    .join(',')}}`;
}

/**
 * stableJson for objects that always have the same keys (a pattern's rows): the key order and
 * quoting are worked out once, so each row costs one pass over its values. Gives stableJson's text.
 */
export function stableJsonOfKeys(keys: readonly string[]): (o: Readonly<Record<string, unknown>>) => string {
  const sorted = [...new Set(keys)].sort();
  const heads = sorted.map((k, i) => `${i === 0 ? '{' : ','}${JSON.stringify(k)}:`);
  return (o) => {
    if (Object.keys(o).length !== sorted.length) return stableJson(o);
    let out = '';
    for (let i = 0; i < sorted.length; i++) {
      const k = sorted[i]!;
      if (!(k in o)) return stableJson(o);
      out += heads[i]! + stableJson(o[k]);
    }
    return sorted.length === 0 ? '{}' : `${out}}`;
  };
}

/** The id of a detection: detector id plus a hash of its identity key. */
export function detectionId(detector: string, identity: string): string {
  return `${detector}:${hash('sha256', identity, 'base64url').slice(0, 22)}`;
}

/** Renders a row for output: time columns as ISO 8601 UTC, in the pattern's column order. */
export function formatRow(p: CompiledPattern, row: Readonly<Record<string, Value>>): Record<string, Value> {
  const out: Record<string, Value> = {};
  for (const c of p.project) {
    const v = row[c.name] ?? null;
    out[c.name] = c.isTime && typeof v === 'number' && Number.isFinite(v) ? new Date(v).toISOString() : v;
  }
  return out;
}
