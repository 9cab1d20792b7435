/**
 * The running product: a temporal graph kept current by ingestion, the
 * detector catalog run in streaming as events arrive (and in batch on
 * request), detections persisted, and the chain engine over them. The CLI
 * and the REST API are thin layers over this class.
 */
import { ChainEngine, type ChainState, type TriageEntry } from '../chains/chain-engine.js';
import type { Chain, TriageStatus } from '../chains/chain-schema.js';
import { huntRows, runDetector, type HuntOptions } from '../detect/batch.js';
import { selectDetectors, type CatalogEntry } from '../detect/catalog.js';
import { formatRow, stableJson, type Detection } from '../detect/detection.js';
import type { Value } from '../detect/expr/ast.js';
import { StreamingEngine, type NewOccurrence, type StreamingChange } from '../detect/streaming.js';
import { IdgraphError } from '../errors.js';
import type { NodeRef } from '../graph/facts.js';
import type { TemporalGraphView } from '../graph/graph-view.js';
import type { DetectionJudge } from './detection-judge.js';
import type { EngineDocuments, RawEvent } from './engine-store.js';

const DETECTIONS = 'detections';
const CHAIN_STATE = 'chain-state';

export interface EngineOptions {
  /** Streaming lateness, ms (default 24h). */
  readonly lateness?: number;
  /** Chain horizon, ms (default 7 days). */
  readonly horizon?: number;
  /** Who judges detections (default: the streaming engine over `view`; a remote store brings its own). */
  readonly judge?: DetectionJudge;
  /** Whether a user holds an admin role (default: read from `view`). */
  readonly isPrivileged?: (user: NodeRef) => boolean;
  /** Runs batch hunts where the graph lives (default: in memory over `view`). */
  readonly hunter?: Hunter;
  /** The graph around some entities, for entity and chain views (default: `view` itself). */
  readonly graphAround?: (refs: readonly NodeRef[], depth: number) => Promise<TemporalGraphView>;
}

/** Rows of detectors over a range, keyed by detector id, as hunts.md shapes them. */
export type HuntResult = { id: string; columns: string[]; rows: Record<string, Value>[] }[];

/** Runs detectors in batch (the Neo4j store: as compiled Cypher on the server). */
export type Hunter = (entries: readonly CatalogEntry[], opts: HuntOptions) => Promise<HuntResult>;

/** Filters for listing detections. */
export interface DetectionFilter {
  readonly detector?: string;
  readonly since?: number;
  readonly until?: number;
  readonly entity?: NodeRef;
}

/** Filters for listing chains. */
export interface ChainFilter {
  readonly entity?: NodeRef;
  readonly detector?: string;
  readonly minScore?: number;
  readonly status?: TriageStatus;
  readonly since?: number;
  readonly until?: number;
}

/** Whether a user holds a role whose name contains "admin" (IdentityInfo), the privilege chains weigh. */
export function isPrivilegedUser(view: TemporalGraphView, user: NodeRef): boolean {
  if (user.kind !== 'User' || !view.hasNode(user)) return false;
  return view.outEdges(user, 'HAS_ROLE').some((e) => e.to.key.includes('admin'));
}

/** Told after each onOccurrences batch has been judged (webhooks, metrics). */
export type EngineListener = (change: StreamingChange) => void;

export class IdgraphEngine {
  readonly streaming: DetectionJudge;
  readonly chains: ChainEngine;
  private readonly listeners = new Set<EngineListener>();

  constructor(
    readonly catalog: ReadonlyMap<string, CatalogEntry>,
    readonly view: TemporalGraphView,
    private readonly docs: EngineDocuments,
    opts: EngineOptions = {},
  ) {
    this.hunter = opts.hunter;
    this.graphAround = opts.graphAround;
    this.streaming =
      opts.judge ??
      new StreamingEngine(
        [...catalog.values()].map((e) => e.pattern),
        view,
        opts.lateness === undefined ? {} : { lateness: opts.lateness },
      );
    const isPrivileged = opts.isPrivileged ?? ((n: NodeRef) => isPrivilegedUser(view, n));
    this.chains = new ChainEngine({
      ...(opts.horizon === undefined ? {} : { horizonMs: opts.horizon }),
      detectorInfo: (id) => {
        const e = catalog.get(id);
        return e ? { name: e.definition.name, severity: e.definition.severity, tactics: e.definition.tactics, pattern: e.pattern } : undefined;
      },
      isPrivileged,
    });
  }

  private readonly hunter: Hunter | undefined;
  private readonly graphAround: EngineOptions['graphAround'];

  /**
   * A view holding at least the entities named (by key or alias) and everything within `depth` hops of
   * them: the in-memory graph itself on the embedded store, a copy loaded from the server on Neo4j.
   */
  async viewAround(refs: readonly NodeRef[], depth = 1): Promise<TemporalGraphView> {
    return this.graphAround ? this.graphAround(refs, depth) : this.view;
  }

  /**
   * Brings detections and chains in line with the graph as loaded (after a restart or bulk load):
   * streaming state primed from the whole graph, stored detections replaced, chain state restored.
   * `rejudge: false` lets a judge that keeps its state in the store (Neo4j) take the stored detections
   * as they are instead of judging the whole graph again on every open.
   */
  async start(opts: { rejudge?: boolean } = {}): Promise<void> {
    const stored = await this.docs.listDocs(DETECTIONS);
    const live =
      opts.rejudge === false && this.streaming.restore
        ? this.streaming.restore(stored.map((s) => s.doc as Detection))
        : await this.streaming.prime();
    const liveIds = new Set(live.map((d) => d.id));
    const stale = stored.map((s) => s.id).filter((id) => !liveIds.has(id));
    if (stale.length) await this.docs.deleteDocs(DETECTIONS, stale);
    // Only what changed is written: on a remote store every document is a round trip.
    const before = new Map(stored.map((s) => [s.id, stableJson(s.doc)]));
    const changed = live.filter((d) => before.get(d.id) !== stableJson(d));
    if (changed.length) await this.docs.putDocs(DETECTIONS, changed.map((d) => ({ id: d.id, doc: d })));
    const [state] = await this.docs.listDocs(CHAIN_STATE);
    if (state) this.chains.loadState(state.doc as ChainState);
    this.chains.upsert(live);
  }

  /** Judges newly applied occurrences: stores new and withdrawn detections and updates chains. */
  async onOccurrences(occurrences: readonly NewOccurrence[]): Promise<StreamingChange> {
    return this.applyChange(await this.streaming.apply(occurrences));
  }

  /** Stores a judged change (new and withdrawn detections), updates chains and tells listeners. */
  async applyChange(change: StreamingChange): Promise<StreamingChange> {
    if (change.upserted.length) await this.docs.putDocs(DETECTIONS, change.upserted.map((d) => ({ id: d.id, doc: d })));
    if (change.withdrawn.length) await this.docs.deleteDocs(DETECTIONS, change.withdrawn.map((d) => d.id));
    this.chains.upsert(change.upserted);
    this.chains.withdraw(change.withdrawn.map((d) => d.id));
    await this.saveChainState();
    for (const l of this.listeners) l(change);
    return change;
  }

  /** Subscribes to judged batches; returns the unsubscribe function. Listeners must not throw or block. */
  onChange(listener: EngineListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private async saveChainState(): Promise<void> {
    await this.docs.putDocs(CHAIN_STATE, [{ id: 'state', doc: this.chains.getState() }]);
  }

  /** Runs detectors in batch over a range where the graph lives (in memory, or as Cypher on Neo4j). */
  async hunts(ids: readonly string[], opts: HuntOptions): Promise<HuntResult> {
    if (this.hunter) return this.hunter(selectDetectors(this.catalog, ids), opts);
    return this.hunt(ids, opts);
  }

  /** Runs detectors in batch over the in-memory graph; rows keyed by detector id, as hunts.md shapes them. */
  hunt(ids: readonly string[], opts: HuntOptions): HuntResult {
    // A store that hunts remotely has an empty in-memory graph: answering from it would be silently wrong.
    if (this.hunter) throw new Error('this engine hunts on its store: use hunts()');
    return selectDetectors(this.catalog, ids).map((e) => ({
      id: e.definition.id,
      columns: [...e.pattern.columns],
      rows: huntRows(e.pattern, this.view, opts),
    }));
  }

  /** Batch detections (with evidence) of one detector over a range. */
  huntDetections(id: string, opts: HuntOptions): Detection[] {
    const [e] = selectDetectors(this.catalog, [id]);
    return runDetector(e!.pattern, this.view, opts);
  }

  /** The live (streamed) detections, filtered, newest first. */
  detections(filter: DetectionFilter = {}): Detection[] {
    const key = filter.entity ? `${filter.entity.kind}:${filter.entity.key}` : undefined;
    return this.streaming
      .current()
      .filter(
        (d) =>
          (!filter.detector || d.detector === filter.detector) &&
          (filter.since === undefined || d.time >= filter.since) &&
          (filter.until === undefined || d.time <= filter.until) &&
          (!key || d.entities.some((n) => `${n.kind}:${n.key}` === key)),
      )
      .sort((a, b) => b.time - a.time || (a.id < b.id ? -1 : 1));
  }

  /** A detection's output row as hunts render it (times ISO 8601). */
  detectionRow(d: Detection): Record<string, Value> {
    const e = this.catalog.get(d.detector);
    return e ? formatRow(e.pattern, d.row) : { ...d.row };
  }

  /** Chains matching a filter, highest score first. */
  listChains(filter: ChainFilter = {}): Chain[] {
    const key = filter.entity ? `${filter.entity.kind}:${filter.entity.key}` : undefined;
    return this.chains.chains().filter(
      (c) =>
        (filter.minScore === undefined || c.score >= filter.minScore) &&
        (!filter.status || c.status === filter.status) &&
        (!filter.detector || c.steps.some((s) => s.detector === filter.detector)) &&
        (!key || c.entities.some((n) => `${n.kind}:${n.key}` === key)) &&
        (filter.since === undefined || Date.parse(c.lastSeen) >= filter.since) &&
        (filter.until === undefined || Date.parse(c.firstSeen) <= filter.until),
    );
  }

  /** One chain by id or alias; NOT_FOUND otherwise. */
  chain(id: string): Chain {
    const c = this.chains.chain(id);
    if (!c) throw new IdgraphError('NOT_FOUND', `no chain ${id}`);
    return c;
  }

  /** Records a triage decision (status and note, with who and when). */
  async triage(id: string, entry: Omit<TriageEntry, 'at'> & { at?: string }): Promise<Chain> {
    const c = this.chains.triage(id, { ...entry, at: entry.at ?? new Date().toISOString() });
    if (!c) throw new IdgraphError('NOT_FOUND', `no chain ${id}`);
    await this.saveChainState();
    return c;
  }

  /** Leaves a step out of its chain. */
  async excludeStep(chainId: string, detectionId: string): Promise<Chain | undefined> {
    const c = this.chain(chainId);
    if (!c.steps.some((s) => s.detectionId === detectionId)) throw new IdgraphError('NOT_FOUND', `chain ${chainId} has no step ${detectionId}`);
    this.chains.exclude(detectionId);
    await this.saveChainState();
    return this.chains.chain(c.id);
  }

  /** Splits steps off a chain into a chain of their own; returns the new chain. */
  async splitChain(chainId: string, detectionIds: readonly string[]): Promise<Chain> {
    const c = this.chain(chainId);
    const missing = detectionIds.filter((id) => !c.steps.some((s) => s.detectionId === id));
    if (missing.length) throw new IdgraphError('NOT_FOUND', `chain ${chainId} has no step ${missing.join(', ')}`);
    if (detectionIds.length === 0 || detectionIds.length === c.steps.length) {
      throw new IdgraphError('BAD_INPUT', 'a split takes some but not all of the chain\'s steps');
    }
    const id = this.chains.split(detectionIds);
    await this.saveChainState();
    return this.chain(id!);
  }

  /** Raw events behind evidence ids. */
  async evidence(eventIds: string[]): Promise<Map<string, RawEvent>> {
    return this.docs.getRaw(eventIds);
  }
}
