/**
 * The chain engine: links detections that share an entity (user, IP, device,
 * session) within a horizon into attack chains, keeps chain ids stable across
 * rebuilds and merges, scores chains, and applies investigators' decisions
 * (triage, excluded steps, splits).
 *
 * Linking is union-find over detections: a new detection is united with every
 * detection on the same entity whose time span lies within the horizon of its
 * own, so streaming detections join chains as they arrive. Withdrawals and
 * investigator overrides rebuild the components, which is deterministic: a
 * chain's id is derived from its earliest detection.
 */
import { createHash } from 'node:crypto';
import type { NodeRef } from '../graph/facts.js';
import type { NodeKind } from '../graph/schema.js';
import type { Tactic } from '../detect/definition.js';
import { formatRow, type Detection } from '../detect/detection.js';
import type { CompiledPattern } from '../detect/compile.js';
import type { Chain, ChainStep, TriageStatus } from './chain-schema.js';
import { killChainOrder, scoreSteps } from './scoring.js';

/** What the chain engine needs to know of each detector. */
export interface DetectorInfo {
  readonly name: string;
  readonly severity: 'informational' | 'low' | 'medium' | 'high';
  readonly tactics: readonly Tactic[];
  readonly pattern?: CompiledPattern;
}

export interface ChainEngineOptions {
  /** Longest gap between two detections on one entity that still links them. Default 7 days. */
  readonly horizonMs?: number;
  /** Node kinds whose sharing links detections. */
  readonly linkKinds?: readonly NodeKind[];
  readonly detectorInfo: (id: string) => DetectorInfo | undefined;
  /** Whether a user holds an admin role. */
  readonly isPrivileged: (user: NodeRef) => boolean;
}

/** A triage decision kept with who and when. */
export interface TriageEntry {
  readonly status: TriageStatus;
  readonly note?: string;
  readonly by: string;
  readonly at: string;
}

/** Investigator decisions and id history; persisted by the caller (store documents). */
export interface ChainState {
  excluded: string[];
  /** detection id → split label; detections link only with detections of the same label. */
  labels: Record<string, string>;
  /** alias chain id → chain id it was merged into. */
  aliases: Record<string, string>;
  /** chain id → triage entries, oldest first. */
  triage: Record<string, TriageEntry[]>;
}

export const DEFAULT_HORIZON_MS = 7 * 86_400_000;
const DEFAULT_LINK_KINDS: readonly NodeKind[] = ['User', 'IP', 'Device', 'Session'];

/** Stable chain id from the id of its earliest detection. */
export function chainIdFor(detectionId: string): string {
  return `chain-${createHash('sha256').update(detectionId).digest('hex').slice(0, 16)}`;
}

const iso = (ms: number): string => new Date(ms).toISOString();
const entityKey = (n: NodeRef): string => `${n.kind}:${n.key}`;

/** Orders detections by first time, then id: the order chain ids and steps follow. */
function byTime(a: Detection, b: Detection): number {
  return a.firstTime - b.firstTime || a.time - b.time || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** A detection's entities as one comparable string. */
function entitySet(d: Detection): string {
  return d.entities.map(entityKey).sort().join('\n');
}

export class ChainEngine {
  private readonly horizon: number;
  private readonly linkKinds: ReadonlySet<NodeKind>;
  private readonly detections = new Map<string, Detection>();
  private parent = new Map<string, string>();
  /** (label, entity) → detection ids on it. */
  private byEntity = new Map<string, string[]>();
  private state: ChainState = { excluded: [], labels: {}, aliases: {}, triage: {} };
  /** detection id → the chain id it was last reported in (for aliases on merge). */
  private lastChainOf = new Map<string, string>();
  private cache: Map<string, Chain> | null = null;

  constructor(private readonly opts: ChainEngineOptions) {
    this.horizon = opts.horizonMs ?? DEFAULT_HORIZON_MS;
    this.linkKinds = new Set(opts.linkKinds ?? DEFAULT_LINK_KINDS);
  }

  /** Restores investigator decisions and id history. */
  loadState(state: ChainState): void {
    this.state = structuredClone(state);
    this.rebuild();
  }

  /** The state to persist. */
  getState(): ChainState {
    return structuredClone(this.state);
  }

  /** Adds or replaces detections; new ones join chains incrementally. */
  upsert(ds: readonly Detection[]): void {
    let needRebuild = false;
    for (const d of ds) {
      const prev = this.detections.get(d.id);
      this.detections.set(d.id, d);
      // Links follow entities and times: a change in either (a late event, a node merge) re-links.
      if (prev && (prev.firstTime !== d.firstTime || prev.time !== d.time || entitySet(prev) !== entitySet(d))) needRebuild = true;
      else if (!prev) this.link(d);
    }
    if (needRebuild) this.rebuild();
    this.cache = null;
  }

  /** Removes detections (withdrawn by the streaming engine); their chains are rebuilt. */
  withdraw(ids: readonly string[]): void {
    let any = false;
    for (const id of ids) any = this.detections.delete(id) || any;
    if (any) this.rebuild();
  }

  /** Leaves a detection out of every chain (an investigator's decision). */
  exclude(detectionId: string): void {
    if (!this.state.excluded.includes(detectionId)) this.state.excluded.push(detectionId);
    this.rebuild();
  }

  /** Splits the given detections off into a chain of their own; returns the new chain's id. */
  split(detectionIds: readonly string[]): string | undefined {
    const label = createHash('sha256').update([...detectionIds].sort().join('|')).digest('hex').slice(0, 12);
    for (const id of detectionIds) this.state.labels[id] = label;
    this.rebuild();
    const first = detectionIds.map((id) => this.detections.get(id)).filter((d): d is Detection => !!d).sort(byTime)[0];
    return first ? this.chainOfDetection(first.id)?.id : undefined;
  }

  /** Records a triage decision on a chain (by id or alias). */
  triage(chainId: string, entry: TriageEntry): Chain | undefined {
    const chain = this.chain(chainId);
    if (!chain) return undefined;
    (this.state.triage[chain.id] ??= []).push(entry);
    this.cache = null;
    return this.chain(chain.id);
  }

  /** Every chain, highest score first. */
  chains(): Chain[] {
    return [...this.materialise().values()].sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1));
  }

  /** One chain by id or by an alias it absorbed. */
  chain(id: string): Chain | undefined {
    const all = this.materialise();
    let cur = id;
    for (let i = 0; i < 64 && !all.has(cur) && this.state.aliases[cur]; i++) cur = this.state.aliases[cur]!;
    return all.get(cur);
  }

  /** The chain a detection belongs to. */
  chainOfDetection(detectionId: string): Chain | undefined {
    if (!this.detections.has(detectionId)) return undefined;
    const root = this.find(detectionId);
    return [...this.materialise().values()].find((c) => c.steps.some((s) => this.find(s.detectionId) === root));
  }

  private find(id: string): string {
    let root = id;
    while (this.parent.get(root) !== root && this.parent.has(root)) root = this.parent.get(root)!;
    let cur = id;
    while (cur !== root) {
      const next = this.parent.get(cur)!;
      this.parent.set(cur, root);
      cur = next;
    }
    return root;
  }

  private union(a: string, b: string): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent.set(rb, ra);
  }

  private link(d: Detection): void {
    this.cache = null;
    this.parent.set(d.id, d.id);
    if (this.state.excluded.includes(d.id)) return;
    const label = this.state.labels[d.id] ?? '';
    for (const n of d.entities) {
      if (!this.linkKinds.has(n.kind) || n.key === '') continue;
      const key = `${label}|${entityKey(n)}`;
      const list = this.byEntity.get(key) ?? [];
      for (const otherId of list) {
        const o = this.detections.get(otherId);
        if (!o) continue;
        // Distance between the two detections' time spans.
        const gap = Math.max(0, Math.max(o.firstTime, d.firstTime) - Math.min(o.time, d.time));
        if (gap <= this.horizon) this.union(otherId, d.id);
      }
      list.push(d.id);
      this.byEntity.set(key, list);
    }
  }

  /** Rebuilds components from scratch, in time order so the result never depends on arrival order. */
  private rebuild(): void {
    this.parent = new Map();
    this.byEntity = new Map();
    for (const d of [...this.detections.values()].sort(byTime)) this.link(d);
    this.cache = null;
  }

  private materialise(): Map<string, Chain> {
    if (this.cache) return this.cache;
    const excluded = new Set(this.state.excluded);
    const components = new Map<string, Detection[]>();
    for (const d of this.detections.values()) {
      if (excluded.has(d.id)) continue;
      const root = this.find(d.id);
      const list = components.get(root) ?? [];
      list.push(d);
      components.set(root, list);
    }
    const out = new Map<string, Chain>();
    for (const members of components.values()) {
      members.sort(byTime);
      const id = chainIdFor(members[0]!.id);
      for (const m of members) {
        const before = this.lastChainOf.get(m.id);
        if (before && before !== id && !out.has(before) && this.state.aliases[before] === undefined) this.state.aliases[before] = id;
        this.lastChainOf.set(m.id, id);
      }
      out.set(id, this.buildChain(id, members));
    }
    // An alias must never point at itself or at a chain id that is alive again.
    for (const a of Object.keys(this.state.aliases)) if (out.has(a)) delete this.state.aliases[a];
    this.cache = out;
    return out;
  }

  private buildChain(id: string, members: Detection[]): Chain {
    const privilegedAccounts = new Set<string>();
    const inputs = members.map((d) => {
      const info = this.opts.detectorInfo(d.detector);
      const privileged = d.entities.filter((n) => n.kind === 'User' && this.opts.isPrivileged(n));
      for (const p of privileged) privilegedAccounts.add(p.key);
      return { d, info, severity: info?.severity ?? 'low', tactics: info?.tactics ?? [], privileged: privileged.length > 0 };
    });
    const shares = scoreSteps(inputs);
    const steps: ChainStep[] = inputs.map(({ d, info, severity, tactics }, i) => ({
      detectionId: d.id,
      detector: d.detector,
      name: info?.name ?? d.detector,
      severity,
      tactics: [...tactics],
      time: iso(d.time),
      firstTime: iso(d.firstTime),
      entities: d.entities.map((n) => ({ kind: n.kind, key: n.key })),
      row: info?.pattern ? formatRow(info.pattern, d.row) : { ...d.row },
      evidence: d.evidence.map((e) => ({ ...e, eventIds: [...e.eventIds] })),
      score: shares[i]!,
    }));
    const entities = new Map<string, NodeRef>();
    for (const d of members) for (const n of d.entities) entities.set(entityKey(n), n);
    const aliases = Object.entries(this.state.aliases)
      .filter(([, to]) => to === id)
      .map(([from]) => from)
      .sort();
    const triage = [id, ...aliases].flatMap((c) => this.state.triage[c] ?? []).sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
    return {
      id,
      aliases,
      firstSeen: iso(Math.min(...members.map((d) => d.firstTime))),
      lastSeen: iso(Math.max(...members.map((d) => d.time))),
      score: Math.round(shares.reduce((s, x) => s + x.total, 0) * 100) / 100,
      status: triage.at(-1)?.status ?? 'new',
      tactics: killChainOrder(inputs.flatMap((x) => x.tactics)),
      entities: [...entities.values()].sort((a, b) => (entityKey(a) < entityKey(b) ? -1 : 1)).map((n) => ({ kind: n.kind, key: n.key })),
      privilegedAccounts: [...privilegedAccounts].sort(),
      steps,
      triage: triage.map((t) => ({ ...t })),
    };
  }
}
