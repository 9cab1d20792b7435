/**
 * Writes one batch of prepared events into Neo4j inside one managed write
 * transaction (the driver retries it on transient errors, so the work reads
 * everything it decides on afresh): events already stored are left alone
 * (idempotent by event id), names are resolved against stored aliases, then
 * nodes are created or filled, stored nodes merged, aliases recorded, and one
 * relationship written per edge occurrence, carrying `time` and `eventId`
 * beside its properties (docs/graph-model.md says why). Labels and types come
 * from the closed vocabulary; every value travels as a parameter.
 */
import neo4j, { type ManagedTransaction } from 'neo4j-driver';
import { EDGE_KIND_NAMES, EDGE_KINDS, type NodeKind } from '../../graph/schema.js';
import { rawJson, type PreparedEvent } from '../../ingest/prepared-event.js';
import { namesOf, resolveBatch, type NodeMerge } from './batch-resolution.js';
import { ALIAS_LABEL, EVENT_LABEL } from './neo4j-schema.js';

/** Rows per UNWIND statement inside the batch transaction. */
const ROWS_PER_STATEMENT = 5000;

async function unwind(tx: ManagedTransaction, cypher: string, rows: readonly unknown[]): Promise<void> {
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) await tx.run(cypher, { rows: rows.slice(i, i + ROWS_PER_STATEMENT) });
}

/** Edge kinds that can touch a node kind, as [kind, side] pairs (the closed vocabulary says which). */
function edgeKindsAt(kind: NodeKind): { edge: string; out: boolean; in: boolean }[] {
  return EDGE_KIND_NAMES.map((e) => ({
    edge: e,
    out: (EDGE_KINDS[e].from as readonly NodeKind[]).includes(kind),
    in: (EDGE_KINDS[e].to as readonly NodeKind[]).includes(kind),
  })).filter((x) => x.out || x.in);
}

/** Moves a stored node's relationships, properties (the target's win) and names onto another, then deletes it. */
async function mergeStoredNode(tx: ManagedTransaction, m: NodeMerge): Promise<void> {
  const p = { from: m.from, into: m.into, kind: m.kind };
  for (const { edge, out, in: inc } of edgeKindsAt(m.kind)) {
    // Outgoing first: a self-loop becomes into->from, which the incoming pass then moves to into->into.
    if (out)
      await tx.run(`MATCH (n:${m.kind} {key: $from})-[r:${edge}]->(x) MATCH (t:${m.kind} {key: $into}) CREATE (t)-[r2:${edge}]->(x) SET r2 = properties(r) DELETE r`, p);
    if (inc)
      await tx.run(`MATCH (x)-[r:${edge}]->(n:${m.kind} {key: $from}) MATCH (t:${m.kind} {key: $into}) CREATE (x)-[r2:${edge}]->(t) SET r2 = properties(r) DELETE r`, p);
  }
  await tx.run(
    // n goes first: copying its properties (key included, then restored) must never meet a live duplicate key.
    `MATCH (n:${m.kind} {key: $from}) MATCH (t:${m.kind} {key: $into})
     WITH n, t, properties(n) AS np, properties(t) AS old
     WITH n, t, np, old, [a IN [np.key] + coalesce(np.aliases, []) WHERE NOT a IN coalesce(old.aliases, [])] AS names
     DETACH DELETE n
     WITH t, np, old, names
     SET t += np
     SET t += old
     SET t.aliases = coalesce(old.aliases, []) + names`,
    p,
  );
  await tx.run(`MATCH (a:${ALIAS_LABEL} {kind: $kind, canonical: $from}) SET a.canonical = $into`, p);
}

/**
 * Writes the events of `events` not already stored; returns those it wrote, in order. `usable` says
 * whether an event's facts go into the graph (refused facts: the raw event is still kept as evidence).
 */
export async function writeEventBatch(
  tx: ManagedTransaction,
  events: readonly PreparedEvent[],
  usable: (e: PreparedEvent) => boolean,
): Promise<PreparedEvent[]> {
  const firstCopies: PreparedEvent[] = [];
  const seen = new Set<string>();
  for (const e of events) if (!seen.has(e.eventId) && seen.add(e.eventId)) firstCopies.push(e);
  const stored = new Set<string>();
  for (let i = 0; i < firstCopies.length; i += ROWS_PER_STATEMENT) {
    const ids = firstCopies.slice(i, i + ROWS_PER_STATEMENT).map((e) => e.eventId);
    const res = await tx.run(`UNWIND $ids AS id MATCH (e:${EVENT_LABEL} {eventId: id}) RETURN id`, { ids });
    for (const r of res.records) stored.add(r.get('id') as string);
  }
  const fresh = firstCopies.filter((e) => !stored.has(e.eventId));
  if (fresh.length === 0) return fresh;

  const facts = fresh.filter(usable).map((e) => e.facts);
  const known = new Map<string, string>();
  const uids = [...namesOf(facts)];
  for (let i = 0; i < uids.length; i += ROWS_PER_STATEMENT) {
    const res = await tx.run(`UNWIND $uids AS uid MATCH (a:${ALIAS_LABEL} {uid: uid}) RETURN uid, a.canonical AS canonical`, { uids: uids.slice(i, i + ROWS_PER_STATEMENT) });
    for (const r of res.records) known.set(r.get('uid') as string, r.get('canonical') as string);
  }
  const batch = resolveBatch(facts, known);

  const nodesByKind = new Map<NodeKind, { key: string; props: Record<string, unknown>; aliases: string[] }[]>();
  for (const n of batch.nodes) {
    const list = nodesByKind.get(n.kind) ?? [];
    nodesByKind.set(n.kind, list);
    list.push({ key: n.key, props: n.props, aliases: n.aliases });
  }
  for (const [kind, rows] of nodesByKind)
    await unwind(
      tx,
      `UNWIND $rows AS row
       MERGE (n:${kind} {key: row.key})
       WITH n, row, properties(n) AS old
       SET n += row.props
       SET n += old
       SET n.aliases = coalesce(old.aliases, []) + [a IN row.aliases WHERE NOT a IN coalesce(old.aliases, [])]`,
      rows,
    );
  for (const m of batch.merges) await mergeStoredNode(tx, m);
  await unwind(
    tx,
    `UNWIND $rows AS row MERGE (a:${ALIAS_LABEL} {uid: row.uid}) SET a.kind = row.kind, a.canonical = row.canonical`,
    [...batch.aliases].map(([uid, a]) => ({ uid, kind: a.kind, canonical: a.canonical })),
  );
  const edgeGroups = new Map<string, { a: string; b: string; props: Record<string, unknown> }[]>();
  for (const e of batch.edges) {
    const g = `${e.kind}|${e.fromKind}|${e.toKind}`;
    const rows = edgeGroups.get(g) ?? [];
    edgeGroups.set(g, rows);
    rows.push({ a: e.from, b: e.to, props: { ...e.props, time: neo4j.int(e.time), eventId: e.eventId } });
  }
  for (const [g, rows] of edgeGroups) {
    const [kind, fk, tk] = g.split('|') as [string, NodeKind, NodeKind];
    await unwind(tx, `UNWIND $rows AS row MATCH (a:${fk} {key: row.a}) MATCH (b:${tk} {key: row.b}) CREATE (a)-[r:${kind}]->(b) SET r = row.props`, rows);
  }
  await unwind(
    tx,
    `UNWIND $rows AS row CREATE (e:${EVENT_LABEL}) SET e = row`,
    fresh.map((e) => ({ eventId: e.eventId, table: e.table, time: neo4j.int(Math.trunc(e.time)), raw: rawJson(e) })),
  );
  return fresh;
}
