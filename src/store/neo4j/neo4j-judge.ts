/**
 * Detections on Neo4j, judged in micro-batches: after each stored batch, every
 * detector that reads one of the batch's edge kinds runs as its compiled
 * Cypher over the time window the batch can affect (judgeHorizon: from the
 * batch's earliest time minus twice the detector's horizon to its latest time
 * plus one; late events reach forward too), or over the whole graph when the
 * pattern's horizon is unbounded. Rows found are upserted; stored detections
 * whose time lies in the affected window and that were not found again are
 * withdrawn, so the live set follows what the streaming engine keeps on the
 * embedded store. The live set itself lives in the store's documents, so
 * opening a store does not re-judge it (restore).
 * Each detection carries the entities its bindings took and the event ids
 * behind each clause, returned by the query itself (compileCypher's evidence).
 */
import type { CompiledPattern } from '../../detect/compile.js';
import { compileCypher, type CypherQuery } from '../../detect/cypher/compile.js';
import { cypherDetections } from '../../detect/cypher/run.js';
import { stableJson, type Detection } from '../../detect/detection.js';
import type { Value } from '../../detect/expr/ast.js';
import { judgeHorizon } from '../../detect/judge-window.js';
import type { NewOccurrence, StreamingChange, StreamingUnsupported } from '../../detect/streaming.js';
import type { DetectionJudge } from '../../engine/detection-judge.js';
import { isIdgraphError } from '../../errors.js';
import type { NodeRef } from '../../graph/facts.js';
import type { EdgeKind } from '../../graph/schema.js';
import type { Neo4jStore } from './neo4j-store.js';

/** The widest range a run takes: every representable Date (epoch ms). */
const WHOLE = { start: -8.64e15, end: 8.64e15 };

interface JudgedDetector {
  readonly p: CompiledPattern;
  readonly query: CypherQuery;
  /** ms; Infinity: judge the whole graph. */
  readonly horizon: number;
  readonly edges: ReadonlySet<EdgeKind>;
}

export class Neo4jJudge implements DetectionJudge {
  readonly unsupported: StreamingUnsupported[] = [];
  /** Every event is judged, however late (nothing is kept in memory that lateness would bound). */
  readonly tooLate = 0;
  private readonly detectors: JudgedDetector[] = [];
  private readonly live = new Map<string, Map<string, Detection>>();
  private privileged = new Set<string>();

  /** `params`: per detector id, parameters other than the defaults (as the streaming engine takes them). */
  constructor(
    private readonly store: Neo4jStore,
    patterns: readonly CompiledPattern[],
    private readonly params: Readonly<Record<string, Readonly<Record<string, Value>>>> = {},
  ) {
    for (const p of patterns) {
      try {
        const query = compileCypher(p, { anchored: p.streaming !== undefined, evidence: true });
        const edges = new Set([...p.match, ...p.exists, ...p.absent, ...p.aggregate].map((c) => c.edge));
        this.detectors.push({ p, query, horizon: judgeHorizon(p, params[p.id]), edges });
        this.live.set(p.id, new Map());
      } catch (err) {
        if (!isIdgraphError(err, 'UNSUPPORTED_CONSTRUCT')) throw err;
        const d = err.details as { construct?: string } | undefined;
        this.unsupported.push({ detector: p.id, construct: d?.construct ?? 'pattern', reason: err.message });
      }
    }
  }

  /** Each judged detector's horizon in ms (Infinity: whole graph), for explain and docs. */
  horizons(): Map<string, number> {
    return new Map(this.detectors.map((d) => [d.p.id, d.horizon]));
  }

  current(): Detection[] {
    return [...this.live.values()].flatMap((m) => [...m.values()]);
  }

  /** Whether a user holds an admin role (as of the last refresh). */
  isPrivileged(n: NodeRef): boolean {
    return n.kind === 'User' && this.privileged.has(n.key);
  }

  /** Re-reads which users hold admin roles (after a batch with role assignments, and on open). */
  async refreshPrivileged(): Promise<void> {
    this.privileged = await this.store.privilegedUsers();
  }

  restore(stored: readonly Detection[]): Detection[] {
    for (const m of this.live.values()) m.clear();
    for (const d of stored) this.live.get(d.detector)?.set(d.id, d);
    return this.current();
  }

  async prime(): Promise<Detection[]> {
    await this.refreshPrivileged();
    const found = await this.detectionsOf(this.detectors.map((d) => ({ d, range: WHOLE })));
    for (const d of this.detectors) {
      const m = this.live.get(d.p.id)!;
      m.clear();
      for (const x of found.get(d.p.id) ?? []) m.set(x.id, x);
    }
    return this.current();
  }

  async apply(occurrences: readonly NewOccurrence[]): Promise<StreamingChange> {
    const upserted: Detection[] = [];
    const withdrawn: Detection[] = [];
    const runs: { d: JudgedDetector; range: { start: number; end: number }; zone: { start: number; end: number } }[] = [];
    for (const d of this.detectors) {
      let lo = Infinity;
      let hi = -Infinity;
      for (const o of occurrences) {
        if (!d.edges.has(o.kind)) continue;
        if (o.time < lo) lo = o.time;
        if (o.time > hi) hi = o.time;
      }
      if (lo > hi) continue;
      const w = d.horizon;
      if (w === Infinity) runs.push({ d, range: WHOLE, zone: WHOLE });
      // A detection the batch touches has its time within w of the batch, and its matched occurrences within w of that.
      else runs.push({ d, range: { start: lo - 2 * w, end: hi + w }, zone: { start: lo - w, end: hi + w } });
    }
    if (occurrences.some((o) => o.kind === 'HAS_ROLE')) await this.refreshPrivileged();
    if (runs.length === 0) return { upserted, withdrawn };
    const found = await this.detectionsOf(runs);
    for (const { d, zone } of runs) {
      const m = this.live.get(d.p.id)!;
      const fresh = new Map((found.get(d.p.id) ?? []).map((x) => [x.id, x]));
      for (const [id, old] of m) {
        if (old.time < zone.start || old.time > zone.end || fresh.has(id)) continue;
        m.delete(id);
        withdrawn.push(old);
      }
      for (const [id, x] of fresh) {
        const old = m.get(id);
        if (old && stableJson(old) === stableJson(x)) continue;
        m.set(id, x);
        upserted.push(x);
      }
    }
    return { upserted, withdrawn };
  }

  /** Runs detectors over ranges; their detections (entities and evidence from the query), by detector id. */
  private async detectionsOf(runs: readonly { d: JudgedDetector; range: { start: number; end: number } }[]): Promise<Map<string, Detection[]>> {
    const out = new Map<string, Detection[]>();
    for (const { d, range } of runs) out.set(d.p.id, await cypherDetections(this.store, d.p, d.query, { ...range, params: this.params[d.p.id] ?? {} }));
    return out;
  }
}
