/**
 * What judges detections for the engine: the streaming engine over the
 * in-memory temporal graph (src/detect/streaming.ts), or a store that runs the
 * detectors where the graph lives (the Neo4j store re-judges each ingested
 * batch's time window with the compiled Cypher). IdgraphEngine persists what a
 * judge reports and feeds it to the chain engine; it never asks which judge
 * it has.
 */
import type { Detection } from '../detect/detection.js';
import type { NewOccurrence, StreamingChange, StreamingUnsupported } from '../detect/streaming.js';

export interface DetectionJudge {
  /** Detectors this judge cannot run, with why. */
  readonly unsupported: readonly StreamingUnsupported[];
  /** Occurrences that arrived too late to be judged (applied to the graph, not re-judged). */
  readonly tooLate: number;
  /** Every live detection. */
  current(): Detection[];
  /** Judges the whole graph and returns every live detection (after a restart or a bulk load). */
  prime(): Detection[] | Promise<Detection[]>;
  /** Judges a batch of new occurrences (already stored in the graph) and returns what changed. */
  apply(occurrences: readonly NewOccurrence[]): StreamingChange | Promise<StreamingChange>;
  /**
   * For a judge that keeps no state the store does not already hold (a remote graph): takes the stored
   * detections as live instead of re-judging the whole graph on every open. Returns the live set.
   */
  restore?(stored: readonly Detection[]): Detection[];
}
