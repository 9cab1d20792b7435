/**
 * Graph facts: what one raw event contributes to the temporal graph, in a
 * backend-neutral form. Table mappings (src/graph/mappings/) produce them;
 * the in-memory temporal graph and the Neo4j loader both consume them, so
 * the two backends can never disagree on what an event means.
 */
import type { EdgeKind, NodeKind, Scalar } from './schema.js';

/** A reference to a node by kind and canonical key. */
export interface NodeRef {
  readonly kind: NodeKind;
  readonly key: string;
}

/** A node the event mentions, with properties it reveals (first non-empty value wins). */
export interface NodeFact extends NodeRef {
  readonly props?: Readonly<Record<string, Scalar>>;
  /**
   * Other keys that name the same entity (a user's object id beside its UPN).
   * Entity resolution merges nodes that share an alias.
   */
  readonly aliases?: readonly string[];
}

/** One occurrence of an edge, carrying its time and the event it came from. */
export interface EdgeFact {
  readonly kind: EdgeKind;
  readonly from: NodeRef;
  readonly to: NodeRef;
  /** Event time in epoch milliseconds. */
  readonly time: number;
  readonly eventId: string;
  readonly props: Readonly<Record<string, Scalar>>;
}

/** Everything one raw event adds to the graph. */
export interface EventFacts {
  readonly eventId: string;
  readonly table: string;
  readonly time: number;
  readonly nodes: readonly NodeFact[];
  readonly edges: readonly EdgeFact[];
}
