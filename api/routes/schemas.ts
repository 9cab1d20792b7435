/**
 * Shapes shared by the /v1 route modules, as zod schemas with component ids
 * (so /openapi.json names them once), and the parsers of common parameters:
 * instants (ISO 8601 or epoch ms) and entity references (`Kind:key`).
 */
import { z } from 'zod';
import { ChainSchema, ChainStepSchema, EntityRefSchema, ScoreShareSchema, TriageEntrySchema, TriageStatusSchema } from '../../src/chains/chain-schema.js';
import { ChainSummarySchema, summariseChain } from '../../src/chains/chain-summary.js';
import { TacticSchema } from '../../src/detect/definition.js';
import type { NodeRef } from '../../src/graph/facts.js';
import type { TemporalGraphView } from '../../src/graph/graph-view.js';
import { canonicalKey } from '../../src/graph/node-keys.js';
import { NODE_KIND_NAMES, NodeKindName, parseNodeKind, type NodeKind } from '../../src/graph/schema.js';

export const EntityRef = EntityRefSchema.meta({ id: 'EntityRef', description: 'A graph node: kind and canonical key.' });
export const TriageStatus = TriageStatusSchema.meta({ id: 'TriageStatus' });
export const ScoreShare = ScoreShareSchema.meta({ id: 'ScoreShare', description: "A step's share of its chain's score, by rule." });
export const TriageEntry = TriageEntrySchema.meta({ id: 'TriageEntry', description: 'A triage decision with who made it and when.' });
export const ChainStep = ChainStepSchema.extend({ entities: z.array(EntityRef), score: ScoreShare }).meta({ id: 'ChainStep' });
export const ChainBody = ChainSchema.extend({
  status: TriageStatus,
  entities: z.array(EntityRef),
  steps: z.array(ChainStep),
  triage: z.array(TriageEntry),
}).meta({ id: 'Chain', description: 'An attack chain: linked detections in time order, scored.' });

/** A chain without its steps' rows and evidence, for lists. */
export const ChainSummary = ChainSummarySchema.extend({ status: TriageStatus }).meta({ id: 'ChainSummary' });
export type ChainSummary = z.infer<typeof ChainSummary>;
export { summariseChain };

export const RawEventBody = z
  .object({
    eventId: z.string(),
    table: z.string(),
    time: z.string().describe('ISO 8601'),
    raw: z.unknown().describe('the record exactly as ingested'),
  })
  .meta({ id: 'RawEvent', description: 'A stored raw event (evidence).' });
export type RawEventBody = z.infer<typeof RawEventBody>;

export const Evidence = z
  .object({ clause: z.string(), role: z.string(), edge: z.string(), eventIds: z.array(z.string()) })
  .meta({ id: 'Evidence', description: 'Raw events behind one clause of a detection.' });

export const DetectionBody = z
  .object({
    id: z.string(),
    detector: z.string(),
    name: z.string(),
    severity: z.enum(['informational', 'low', 'medium', 'high']),
    tactics: z.array(TacticSchema),
    time: z.string().describe('ISO 8601: when the row became true'),
    firstTime: z.string(),
    entities: z.array(EntityRef),
    row: z.record(z.string(), z.unknown()).describe('the output row, as hunts render it'),
    evidence: z.array(Evidence),
    chainId: z.string().nullable().describe('the chain this detection is a step of, if any'),
  })
  .meta({ id: 'Detection' });
export type DetectionBody = z.infer<typeof DetectionBody>;

/** Parses an instant: ISO 8601 with a zone, or epoch milliseconds. NaN when it is neither. */
export function parseInstant(v: string | number): number {
  if (typeof v === 'number') return Number.isFinite(v) ? v : NaN;
  if (/^-?\d{1,16}$/.test(v)) return Number(v);
  if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2}))?$/i.test(v)) return NaN;
  return Date.parse(v);
}

const INSTANT_HELP = 'ISO 8601 (e.g. 2026-10-01T00:00:00Z) or epoch milliseconds';

/** A query-string instant, parsed to epoch ms. */
export const InstantQuery = z
  .string()
  .refine((v) => !Number.isNaN(parseInstant(v)), `expected ${INSTANT_HELP}`)
  .transform((v) => parseInstant(v))
  .meta({ description: INSTANT_HELP });

/** A JSON-body instant (string or number), parsed to epoch ms. */
export const InstantBody = z
  .union([z.string(), z.number()])
  .refine((v) => !Number.isNaN(parseInstant(v)), `expected ${INSTANT_HELP}`)
  .transform((v) => parseInstant(v))
  .meta({ description: INSTANT_HELP });

/** `Kind:key` (e.g. User:alice@contoso.com, IP:203.0.113.9), parsed to a node reference. */
export const EntityQuery = z
  .string()
  .regex(new RegExp(`^(${NODE_KIND_NAMES.join('|')}):.+$`, 'i'), `expected Kind:key with Kind one of ${NODE_KIND_NAMES.join(', ')}`)
  .transform((v): NodeRef => {
    const i = v.indexOf(':');
    const kind = parseNodeKind(v.slice(0, i))!;
    return { kind, key: canonicalKey(kind, v.slice(i + 1)) };
  })
  .meta({ description: 'an entity as Kind:key, e.g. User:alice@contoso.com' });

/** Path parameters naming an entity. */
export const EntityParams = z.object({ kind: NodeKindName, key: z.string().min(1).max(1024) });

/** The node an entity reference names in the graph (by key or alias), else the reference canonicalised. */
export function resolveEntity(view: TemporalGraphView, ref: { kind: NodeKind; key: string }): NodeRef {
  const key = view.resolve(ref.kind, ref.key) ?? view.resolve(ref.kind, canonicalKey(ref.kind, ref.key));
  return { kind: ref.kind, key: key ?? canonicalKey(ref.kind, ref.key) };
}

/** ISO 8601 of an epoch ms time. */
export const iso = (ms: number): string => new Date(ms).toISOString();
