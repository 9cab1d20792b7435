/**
 * Runs a detector on Neo4j: compiles it to Cypher, runs it with the range and
 * parameters, and turns the records into the rows huntRows() gives on the
 * embedded graph (empty text as null, duplicates merged, the same order:
 * the pattern's sort, then detection time, then detection id; times as ISO
 * 8601 via formatRow).
 */
import neo4j from 'neo4j-driver';
import { sortDetections } from '../batch.js';
import type { CompiledPattern } from '../compile.js';
import { detectionId, EVIDENCE_CAP, formatRow, sortEntities, stableJson, type Detection, type Evidence } from '../detection.js';
import { mergeDetections } from '../evaluator.js';
import type { Value } from '../expr/ast.js';
import type { NodeRef } from '../../graph/facts.js';
import type { NodeKind } from '../../graph/schema.js';
import { compileCypher, type CypherQuery, type EvidenceColumns } from './compile.js';
import { paramName } from './context.js';

/** Anything that runs a Cypher query: a records array, or a driver result with `records`. */
export interface CypherRunner {
  run(cypher: string, params: Record<string, unknown>): Promise<unknown>;
}

export interface CypherHuntOptions {
  readonly start: number;
  readonly end: number;
  readonly params?: Readonly<Record<string, Value>>;
  readonly anchored?: boolean;
}

/** A value from the driver as idgraph's Value (Neo4j integers become numbers). */
export function fromNeo4j(v: unknown): Value {
  if (v === null || v === undefined) return null;
  if (neo4j.isInt(v)) return (v as { toNumber(): number }).toNumber();
  if (typeof v === 'bigint') return Number(v);
  if (Array.isArray(v)) return v.map(fromNeo4j);
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  return String(v);
}

function recordsOf(result: unknown): Record<string, unknown>[] {
  const list = Array.isArray(result) ? result : ((result as { records?: unknown[] }).records ?? []);
  return list.map((r) =>
    r !== null && typeof r === 'object' && typeof (r as { toObject?: unknown }).toObject === 'function'
      ? (r as { toObject(): Record<string, unknown> }).toObject()
      : (r as Record<string, unknown>),
  );
}

const normaliseEmpty = (v: Value): Value => (v === '' ? null : v);

/** The query parameters of one run: compiled literals and defaults, overrides, the range. */
export function cypherParams(base: Record<string, unknown>, p: CompiledPattern, opts: CypherHuntOptions): Record<string, unknown> {
  const params: Record<string, unknown> = { ...base, start: opts.start, end: opts.end };
  for (const [k, v] of Object.entries(opts.params ?? {})) if (Object.hasOwn(p.definition.params, k)) params[paramName(k)] = v;
  return params;
}

/** Runs a compiled query and returns its detections: one per row identity, earliest time kept, evidence united. */
export async function cypherDetections(store: CypherRunner, p: CompiledPattern, q: CypherQuery, opts: CypherHuntOptions): Promise<Detection[]> {
  return detectionsOf(p, q, recordsOf(await store.run(q.cypher, cypherParams(q.params, p, opts))));
}

/** Records of a compiled query as detections (rows as huntRows() gives them; entities and evidence when the query returns them). */
export function detectionsOf(p: CompiledPattern, q: CypherQuery, records: readonly Record<string, unknown>[]): Detection[] {
  const out = new Map<string, Detection>();
  for (const rec of records) {
    const row: Record<string, Value> = {};
    for (const c of q.columns) row[c] = normaliseEmpty(fromNeo4j(rec[`c_${c}`]));
    const time = fromNeo4j(rec['_time']) as number;
    let identity: string;
    if (p.group) {
      const keyRow: Record<string, Value> = {};
      for (const k of q.groupKeys) keyRow[k] = normaliseEmpty(fromNeo4j(rec[`k_${k}`]));
      identity = stableJson(keyRow);
    } else identity = stableJson(row);
    const d: Detection = { detector: p.id, id: detectionId(p.id, identity), row, time, firstTime: time, entities: [], evidence: [], ...(q.evidence ? evidenceOf(q.evidence, rec) : {}) };
    const prev = out.get(identity);
    // Two records of one identity differ only in empty text against null: merge as the evaluator does.
    out.set(identity, prev ? mergeDetections(prev, d) : d);
  }
  return [...out.values()];
}

/** A record's first time, entities and evidence, capped and sorted as the evaluator gives them. */
function evidenceOf(cols: EvidenceColumns, rec: Readonly<Record<string, unknown>>): Pick<Detection, 'firstTime' | 'entities' | 'evidence'> {
  const entities = new Map<string, NodeRef>();
  for (const v of cols.nodeVars) {
    for (const pair of (rec[`e_${v}`] as unknown[] | null) ?? []) {
      const [kind, key] = pair as [NodeKind, string];
      if (entities.size < EVIDENCE_CAP && typeof key === 'string') entities.set(`${kind}:${key}`, { kind, key });
    }
  }
  const evidence: Evidence[] = [];
  for (const c of cols.clauses) {
    const ids = new Set<string>();
    for (const x of ((rec[`v_${c.clause}`] as unknown[] | null) ?? []).flat()) if (typeof x === 'string' && ids.size < EVIDENCE_CAP) ids.add(x);
    if (ids.size > 0) evidence.push({ ...c, eventIds: [...ids].sort() });
  }
  return { firstTime: fromNeo4j(rec['_first']) as number, entities: sortEntities(entities.values()), evidence };
}

/** Runs one detector on Neo4j; returns its rows as huntRows() does on the embedded graph. */
export async function runCypherDetector(store: CypherRunner, p: CompiledPattern, opts: CypherHuntOptions): Promise<Record<string, Value>[]> {
  const found = await cypherDetections(store, p, compileCypher(p, { anchored: opts.anchored }), opts);
  return sortDetections(p, found).map((d) => formatRow(p, d.row));
}
