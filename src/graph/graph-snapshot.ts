/**
 * A temporal graph's state as plain data: what TemporalGraph.toSnapshot gives and fromSnapshot restores.
 * Nodes carry their final properties and aliases (entity resolution already done), and each edge kind
 * its edges and their occurrences in (time, event id) order, properties as positions in one list of
 * values. Restoring it costs an append per occurrence, where rebuilding from events costs
 * validating and resolving each one again. Typed arrays keep it compact for a structured-clone file.
 *
 * Owns: the snapshot's shape. How it is written to disk belongs to the store (graph-snapshot-file.ts).
 */
import type { EdgeKind, NodeKind, Scalar } from './schema.js';

/** One node: its canonical key, properties, other names and the last time an event mentioned it. */
export interface SnapshotNode {
  readonly kind: NodeKind;
  readonly key: string;
  readonly props: Readonly<Record<string, Scalar>>;
  readonly aliases: readonly string[] | null;
  readonly seen: number;
}

/** The edges of one kind and their occurrences, edge after edge. */
export interface SnapshotEdges {
  /** Per edge: its source and target (positions in GraphSnapshot.nodes) and how many occurrences it has. */
  readonly from: Int32Array;
  readonly to: Int32Array;
  readonly size: Int32Array;
  /** Per occurrence, in edge order and each edge's (time, event id) order: time and event id. */
  readonly times: Float64Array;
  readonly ids: readonly string[];
  /** Per occurrence, the kind's properties in schema order, as positions in GraphSnapshot.values (0 is null). */
  readonly codes: Int32Array;
  /** Properties per occurrence in `codes` (the kind's property count when the snapshot was made). */
  readonly width: number;
}

/** The values list a snapshot is writing (TemporalGraph.toSnapshot), and where each value-table code went in it. */
export interface SnapshotValues {
  readonly values: Scalar[];
  /** Per value-table code, its position in values (-1: not written yet; code 0, null, is position 0). */
  readonly posOf: Int32Array;
  /** The value table's values by code. */
  readonly table: readonly Scalar[];
}

export interface GraphSnapshot {
  readonly nodes: readonly SnapshotNode[];
  /**
   * Property values by position; values[0] is null. Each interned value the occurrences use once; a value
   * stored raw (a correlation id) once per run of it on an edge.
   */
  readonly values: readonly Scalar[];
  readonly edges: Readonly<Record<EdgeKind, SnapshotEdges>>;
}
