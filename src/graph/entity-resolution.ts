/**
 * Entity resolution vocabulary: how keys compare (User keys case-insensitively)
 * and the alias index that maps other names of an entity (a user's object id
 * beside its UPN) to the canonical key. The temporal graph owns the merging of
 * nodes; this module only answers "which canonical key does this name mean".
 */
import type { NodeKind } from './schema.js';

/** The form a key is stored and looked up in: User keys lower-cased (UPNs and object ids compare case-insensitively). */
export function normalizeKey(kind: NodeKind, key: string): string {
  return kind === 'User' ? key.toLowerCase() : key;
}

/** Alias -> canonical key, per node kind. Alias keys and canonical node keys never overlap. */
export class AliasIndex {
  private readonly byKind = new Map<NodeKind, Map<string, string>>();

  /** Canonical key an alias stands for, if recorded. */
  get(kind: NodeKind, alias: string): string | undefined {
    return this.byKind.get(kind)?.get(alias);
  }

  /** Record (or re-point) an alias. */
  set(kind: NodeKind, alias: string, canonical: string): void {
    let m = this.byKind.get(kind);
    if (!m) this.byKind.set(kind, (m = new Map()));
    m.set(alias, canonical);
  }

  /** Forget an alias (its entity left the graph). */
  delete(kind: NodeKind, alias: string): void {
    this.byKind.get(kind)?.delete(alias);
  }

  /** Number of aliases recorded across kinds. */
  get size(): number {
    let n = 0;
    for (const m of this.byKind.values()) n += m.size;
    return n;
  }
}
