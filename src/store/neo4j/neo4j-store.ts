/**
 * The Neo4j store: the temporal graph, raw events and engine documents in one
 * Neo4j database, for tenants that outgrow one machine. It is an EventSink
 * (each batch is one managed write transaction that stores the raw events and
 * their graph facts together, so a retried or re-run batch adds nothing) and
 * EngineDocuments, and runs the detectors' compiled Cypher (CypherRunner).
 * One writer at a time per process: batches are serialised.
 */
import neo4j, { type Driver } from 'neo4j-driver';
import type { CypherRunner } from '../../detect/cypher/run.js';
import type { EngineDocuments, EventSink, RawEvent } from '../../engine/engine-store.js';
import { TaskQueue } from '../../engine/task-queue.js';
import { IdgraphError } from '../../errors.js';
import type { EdgeFact, NodeFact, NodeRef } from '../../graph/facts.js';
import { canonicalKey } from '../../graph/node-keys.js';
import { normalizeKey } from '../../graph/entity-resolution.js';
import { EDGE_KIND_NAMES, NODE_KIND_NAMES, type EdgeKind, type NodeKind, type Scalar } from '../../graph/schema.js';
import { TemporalGraph, validateFacts, type GraphStats } from '../../graph/temporal-graph.js';
import type { PreparedEvent } from '../../ingest/prepared-event.js';
import { displayUri, openNeo4jDriver, type Neo4jTarget } from './neo4j-connection.js';
import { writeEventBatch } from './neo4j-loader.js';
import { aliasUid } from './batch-resolution.js';
import { ALIAS_LABEL, DOC_LABEL, ensureSchema, EVENT_LABEL } from './neo4j-schema.js';

const toNumber = (v: unknown): number => (neo4j.isInt(v) ? (v as { toNumber(): number }).toNumber() : Number(v));

/** Stored properties as graph scalars (Neo4j integers as numbers), without the bookkeeping ones named. */
function scalarProps(raw: Record<string, unknown>, skip: readonly string[]): Record<string, Scalar> {
  const props: Record<string, Scalar> = {};
  for (const [k, v] of Object.entries(raw)) if (!skip.includes(k)) props[k] = (neo4j.isInt(v) ? toNumber(v) : v) as Scalar;
  return props;
}

/** Counts of the graph in Neo4j, in the shape of the embedded graph's stats (what `idgraph stats` prints). */
export type Neo4jGraphStats = Pick<GraphStats, 'nodes' | 'edges' | 'occurrences' | 'totalNodes' | 'totalEdges' | 'totalOccurrences' | 'aliases'>;

export class Neo4jStore implements EventSink, EngineDocuments, CypherRunner {
  /** Serialises writes: one transaction at a time, batches in order. */
  private readonly writes = new TaskQueue();
  /** Events of the last batches whose facts the graph schema refused, with why (kept as raw evidence only). */
  private readonly refused = new WeakMap<PreparedEvent, string>();

  private constructor(
    private readonly driver: Driver,
    readonly target: Neo4jTarget,
  ) {}

  /** Connects, checks the server answers, and sets the schema up (idempotent). */
  static async open(target: Neo4jTarget): Promise<Neo4jStore> {
    const driver = await openNeo4jDriver(target);
    try {
      await ensureSchema(driver, target.database);
    } catch (err) {
      await driver.close().catch(() => undefined);
      throw new IdgraphError('STORE', `cannot set up the idgraph schema on ${displayUri(target.uri)}: ${(err as Error).message}`, undefined, { cause: err });
    }
    return new Neo4jStore(driver, target);
  }

  /** Where the data lives, as it may be shown (no secrets). */
  get location(): string {
    return `${displayUri(this.target.uri)}${this.target.database ? ` (database ${this.target.database})` : ''}`;
  }

  private session(mode: 'READ' | 'WRITE') {
    return this.driver.session({
      defaultAccessMode: mode === 'READ' ? neo4j.session.READ : neo4j.session.WRITE,
      ...(this.target.database ? { database: this.target.database } : {}),
    });
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    return this.writes.run(work);
  }

  /** Stores the batch's new events and their graph facts in one transaction; returns the new ones. */
  appendEvents(events: readonly PreparedEvent[]): Promise<readonly PreparedEvent[]> {
    for (const e of events) {
      try {
        validateFacts(e.facts);
      } catch (err) {
        this.refused.set(e, (err as Error).message);
      }
    }
    return this.serial(async () => {
      const session = this.session('WRITE');
      try {
        return await session.executeWrite((tx) => writeEventBatch(tx, events, (e) => !this.refused.has(e)));
      } catch (err) {
        throw new IdgraphError('STORE', `could not store a batch of ${events.length} events in ${this.location}: ${(err as Error).message}`, undefined, { cause: err });
      } finally {
        await session.close();
      }
    });
  }

  /** The events among `fresh` whose facts were refused, with the reason (the ingest counts them rejected). */
  refusals(fresh: readonly PreparedEvent[]): { event: PreparedEvent; message: string }[] {
    return fresh.flatMap((e) => {
      const message = this.refused.get(e);
      return message === undefined ? [] : [{ event: e, message }];
    });
  }

  /** Runs a read query; returns its records (CypherRunner, for the compiled detectors). */
  async run(cypher: string, params: Record<string, unknown> = {}): Promise<{ records: { toObject(): Record<string, unknown> }[] }> {
    const session = this.session('READ');
    try {
      return await session.executeRead((tx) => tx.run(cypher, params));
    } finally {
      await session.close();
    }
  }

  private async write(cypher: string, params: Record<string, unknown>): Promise<void> {
    const session = this.session('WRITE');
    try {
      await session.executeWrite((tx) => tx.run(cypher, params));
    } finally {
      await session.close();
    }
  }

  async getRaw(eventIds: string[]): Promise<Map<string, RawEvent>> {
    const out = new Map<string, RawEvent>();
    const ids = [...new Set(eventIds)];
    if (ids.length === 0) return out;
    const res = await this.run(`UNWIND $ids AS id MATCH (e:${EVENT_LABEL} {eventId: id}) RETURN e.eventId AS id, e.table AS table, e.time AS time, e.raw AS raw`, { ids });
    for (const r of res.records) {
      const o = r.toObject();
      out.set(String(o['id']), { table: String(o['table']), time: toNumber(o['time']), raw: JSON.parse(String(o['raw'])) as unknown });
    }
    return out;
  }

  putDocs(collection: string, docs: { id: string; doc: unknown }[]): Promise<void> {
    if (docs.length === 0) return Promise.resolve();
    const rows = docs.map((d) => ({ uid: `${collection}\u0000${d.id}`, collection, id: d.id, doc: JSON.stringify(d.doc) }));
    return this.serial(() => this.write(`UNWIND $rows AS row MERGE (d:${DOC_LABEL} {uid: row.uid}) SET d += row`, { rows }));
  }

  async listDocs(collection: string, opts: { prefix?: string } = {}): Promise<{ id: string; doc: unknown }[]> {
    const res = await this.run(`MATCH (d:${DOC_LABEL} {collection: $collection}) WHERE d.id STARTS WITH $prefix RETURN d.id AS id, d.doc AS doc ORDER BY id`, {
      collection,
      prefix: opts.prefix ?? '',
    });
    return res.records.map((r) => {
      const o = r.toObject();
      return { id: String(o['id']), doc: JSON.parse(String(o['doc'])) as unknown };
    });
  }

  deleteDocs(collection: string, ids: string[]): Promise<void> {
    if (ids.length === 0) return Promise.resolve();
    const uids = ids.map((id) => `${collection}\u0000${id}`);
    return this.serial(() => this.write(`UNWIND $uids AS uid MATCH (d:${DOC_LABEL} {uid: uid}) DELETE d`, { uids }));
  }

  /** Event counts per table with their time span, for `idgraph stats`. */
  async eventStats(): Promise<{ table: string; events: number; first: number; last: number }[]> {
    const res = await this.run(
      `MATCH (e:${EVENT_LABEL}) RETURN e.table AS table, count(*) AS n, min(e.time) AS first, max(e.time) AS last ORDER BY table`,
    );
    return res.records.map((r) => {
      const o = r.toObject();
      return { table: String(o['table']), events: toNumber(o['n']), first: toNumber(o['first']), last: toNumber(o['last']) };
    });
  }

  /** Nodes per kind, distinct edges and occurrences per edge kind. */
  async graphStats(): Promise<Neo4jGraphStats> {
    const nodes = {} as Record<NodeKind, number>;
    const edges = {} as Record<EdgeKind, number>;
    const occurrences = {} as Record<EdgeKind, number>;
    let aliases = 0;
    for (const kind of NODE_KIND_NAMES) {
      const r = (await this.run(`MATCH (n:${kind}) RETURN count(n) AS n, sum(size(coalesce(n.aliases, []))) AS a`)).records[0]!.toObject();
      nodes[kind] = toNumber(r['n']);
      aliases += toNumber(r['a']);
    }
    for (const kind of EDGE_KIND_NAMES) {
      const r = (await this.run(`MATCH (a)-[r:${kind}]->(b) RETURN count(r) AS n, count(DISTINCT [elementId(a), elementId(b)]) AS e`)).records[0]!.toObject();
      occurrences[kind] = toNumber(r['n']);
      edges[kind] = toNumber(r['e']);
    }
    const sum = (o: Record<string, number>): number => Object.values(o).reduce((a, b) => a + b, 0);
    return { nodes, edges, occurrences, totalNodes: sum(nodes), totalEdges: sum(edges), totalOccurrences: sum(occurrences), aliases };
  }

  /**
   * The stored node each name stands for (by key or alias, as the embedded graph resolves them);
   * names of no stored node are left out. Keyed by `kind|name` as given.
   */
  async resolveNames(names: readonly NodeRef[]): Promise<Map<string, NodeRef>> {
    const out = new Map<string, NodeRef>();
    const byUid = new Map<string, NodeRef>();
    for (const n of names) byUid.set(aliasUid(n.kind, normalizeKey(n.kind, n.key)), n);
    if (byUid.size === 0) return out;
    const res = await this.run(`UNWIND $uids AS uid MATCH (a:${ALIAS_LABEL} {uid: uid}) RETURN uid, a.kind AS kind, a.canonical AS canonical`, { uids: [...byUid.keys()] });
    for (const r of res.records) {
      const o = r.toObject();
      const asked = byUid.get(String(o['uid']))!;
      out.set(`${asked.kind}|${asked.key}`, { kind: String(o['kind']) as NodeKind, key: String(o['canonical']) });
    }
    return out;
  }

  /** Keys of the users holding a role whose key contains "admin" (what chains weigh as privileged). */
  async privilegedUsers(): Promise<Set<string>> {
    const res = await this.run('MATCH (u:User)-[:HAS_ROLE]->(r:Role) WHERE r.key CONTAINS $admin RETURN DISTINCT u.key AS key', { admin: 'admin' });
    return new Set(res.records.map((r) => String(r.toObject()['key'])));
  }

  /**
   * A copy of the graph around some entities (named by key or alias), `depth` hops out, as an in-memory
   * TemporalGraph the entity and chain views read like the embedded graph: the nodes with their
   * properties and aliases, every occurrence of every relationship touching a node within depth - 1
   * hops. Stops expanding past `maxOccurrences` (hub nodes such as a shared IP can reach the whole tenant).
   */
  async neighbourhood(refs: readonly NodeRef[], depth: number, maxOccurrences = 50_000): Promise<TemporalGraph> {
    const names: NodeRef[] = refs.flatMap((r) => [r, { kind: r.kind, key: canonicalKey(r.kind, r.key) }]);
    const resolved = await this.resolveNames(names);
    let frontier = new Map<string, NodeRef>();
    for (const n of resolved.values()) frontier.set(`${n.kind}|${n.key}`, n);
    const nodes = new Map(frontier);
    const rels = new Map<string, EdgeFact>();
    for (let hop = 0; hop < depth && frontier.size > 0 && rels.size < maxOccurrences; hop++) {
      const next = new Map<string, NodeRef>();
      for (const kind of NODE_KIND_NAMES) {
        const keys = [...frontier.values()].filter((n) => n.kind === kind).map((n) => n.key);
        if (keys.length === 0) continue;
        const res = await this.run(
          `UNWIND $keys AS k MATCH (n:${kind} {key: k})-[r]-(m)
           RETURN elementId(r) AS rid, type(r) AS type, startNode(r) = n AS out, n.key AS nkey,
                  [l IN labels(m) WHERE l IN $kinds][0] AS mkind, m.key AS mkey, properties(r) AS props
           LIMIT $limit`,
          { keys, kinds: [...NODE_KIND_NAMES], limit: neo4j.int(maxOccurrences - rels.size + 1) },
        );
        for (const r of res.records) {
          const o = r.toObject();
          const rid = String(o['rid']);
          if (rels.has(rid) || o['mkind'] === null) continue;
          const self: NodeRef = { kind, key: String(o['nkey']) };
          const other: NodeRef = { kind: String(o['mkind']) as NodeKind, key: String(o['mkey']) };
          const raw = o['props'] as Record<string, unknown>;
          const props = scalarProps(raw, ['time', 'eventId']);
          const out = o['out'] === true;
          rels.set(rid, { kind: String(o['type']) as EdgeKind, from: out ? self : other, to: out ? other : self, time: toNumber(raw['time']), eventId: String(raw['eventId']), props });
          const id = `${other.kind}|${other.key}`;
          if (!nodes.has(id)) {
            nodes.set(id, other);
            next.set(id, other);
          }
        }
      }
      frontier = next;
    }
    const nodeFacts: NodeFact[] = [];
    for (const kind of NODE_KIND_NAMES) {
      const keys = [...nodes.values()].filter((n) => n.kind === kind).map((n) => n.key);
      if (keys.length === 0) continue;
      const res = await this.run(`UNWIND $keys AS k MATCH (n:${kind} {key: k}) RETURN n.key AS key, properties(n) AS props`, { keys });
      for (const r of res.records) {
        const o = r.toObject();
        const raw = o['props'] as Record<string, unknown>;
        const props = scalarProps(raw, ['key', 'aliases']);
        nodeFacts.push({ kind, key: String(o['key']), props, aliases: ((raw['aliases'] as string[] | undefined) ?? []).map(String) });
      }
    }
    const g = new TemporalGraph();
    g.apply({ eventId: '', table: '', time: 0, nodes: nodeFacts, edges: [] });
    const byEvent = new Map<string, EdgeFact[]>();
    for (const e of rels.values()) byEvent.set(e.eventId, [...(byEvent.get(e.eventId) ?? []), e]);
    for (const [eventId, edges] of byEvent) g.apply({ eventId, table: String(edges[0]!.props['table'] ?? ''), time: edges[0]!.time, nodes: [], edges });
    return g;
  }

  /** Waits for pending writes and closes the driver. */
  async close(): Promise<void> {
    await this.writes.run(() => undefined);
    await this.driver.close();
  }
}
