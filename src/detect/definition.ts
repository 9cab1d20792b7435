/**
 * The detector file format: rule metadata investigators know from Sentinel
 * beside a declarative temporal graph pattern. This zod schema is the single
 * source for validating detector files, for their TypeScript types and for
 * the API's description of detectors.
 *
 * A pattern is read top to bottom:
 *   match      edge clauses that bind occurrences (each binding is a candidate row)
 *   exists     edge clauses that must have at least one occurrence (semi-join)
 *   absent     edge clauses that must have none (negation)
 *   aggregate  edge clauses summarised per row (optional: aggregates are null when none)
 *   temporal   ordering and distance between matched occurrences
 *   where      a predicate across clauses
 *   group      grouping with aggregates, then project names the output columns
 */
import { z } from 'zod';
import { EdgeKindSchema, NodeKindSchema } from '../graph/schema.js';
import { TABLE_NAMES } from '../ingest/table-names.js';

const Ident = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an identifier (letters, digits, _)');
const ExprText = z.string().min(1).describe('an expression, e.g. "reg.result =~ \'success\'"');
export const DurationText = z
  .string()
  .regex(/^\d+(?:\.\d+)?(ms|s|m|h|d)$/, 'must be a duration such as 30d, 6h, 15m, 10s or 500ms');

/** One end of an edge clause: a node variable, or a node found by evaluating a key expression. */
export const EndpointSchema = z.union([
  Ident.describe('a node variable, shared by every clause that names it'),
  z
    .object({
      kind: NodeKindSchema,
      key: ExprText.describe('expression giving the node key, canonicalised like ingestion does (e.g. reg.ip)'),
      as: Ident.optional(),
    })
    .strict(),
]);

export const WindowSchema = z
  .object({
    from: ExprText.optional().describe('lower time bound (epoch ms expression)'),
    to: ExprText.optional().describe('upper time bound'),
    fromInclusive: z.boolean().default(true),
    toInclusive: z.boolean().default(false),
  })
  .strict();

export const EdgeClauseSchema = z
  .object({
    as: Ident.describe('name of the occurrence variable'),
    edge: EdgeKindSchema,
    from: EndpointSchema,
    to: EndpointSchema,
    range: z
      .enum(['run', 'any'])
      .default('run')
      .describe("'run': occurrences inside the run's [start, end]; 'any': whatever their time"),
    window: WindowSchema.optional().describe('extra time bounds; may use parameters and variables bound earlier'),
    where: ExprText.optional(),
    collapse: z
      .object({ by: z.array(ExprText).min(1), keep: z.literal('earliest').default('earliest') })
      .strict()
      .optional()
      .describe('keep one occurrence (the earliest) per distinct key, before any temporal constraint'),
  })
  .strict();

export const AggregateClauseSchema = EdgeClauseSchema.extend({
  compute: z.record(Ident, ExprText).describe('name → aggregate call, e.g. count: "dcount(b.ip)"'),
}).strict();

export const TemporalSchema = z
  .object({
    first: Ident,
    then: Ident,
    min: DurationText.default('0s').describe('then.time - first.time >= min'),
    max: DurationText.optional().describe('then.time - first.time < max (<= with maxInclusive)'),
    maxInclusive: z.boolean().default(false),
  })
  .strict();

export const PatternSchema = z
  .object({
    match: z.array(EdgeClauseSchema).min(1),
    exists: z.array(EdgeClauseSchema).default([]),
    absent: z.array(EdgeClauseSchema).default([]),
    aggregate: z.array(AggregateClauseSchema).default([]),
    temporal: z.array(TemporalSchema).default([]),
    where: ExprText.optional(),
    group: z
      .object({ by: z.record(Ident, ExprText), aggregate: z.record(Ident, ExprText) })
      .strict()
      .optional(),
    project: z.record(Ident, ExprText).describe('output column → expression, in column order'),
    sort: z
      .array(z.object({ column: Ident, order: z.enum(['asc', 'desc']).default('asc') }).strict())
      .default([]),
    streaming: z
      .object({
        anchor: Ident.describe('the match clause whose arrival fixes the window'),
        start: ExprText.optional().describe('the $start a streaming evaluation uses, from the anchor'),
        end: ExprText.optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export const TACTICS = [
  'Reconnaissance', 'ResourceDevelopment', 'InitialAccess', 'Execution', 'Persistence', 'PrivilegeEscalation',
  'DefenseEvasion', 'CredentialAccess', 'Discovery', 'LateralMovement', 'Collection', 'CommandAndControl',
  'Exfiltration', 'Impact',
] as const;
export const TacticSchema = z.enum(TACTICS);

export const ParamSchema = z
  .object({
    type: z.enum(['duration', 'number', 'string']),
    default: z.union([z.string(), z.number()]),
    description: z.string().default(''),
  })
  .strict();

export const DetectorSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and dashes'),
    name: z.string().min(1),
    description: z.string().min(1),
    severity: z.enum(['informational', 'low', 'medium', 'high']),
    tactics: z.array(TacticSchema).min(1),
    techniques: z.array(z.string().regex(/^T\d{4}(?:\.\d{3})?$/, 'an ATT&CK technique id such as T1556.006')),
    entities: z
      .array(
        z
          .object({
            type: z.enum(['Account', 'IP', 'Host', 'CloudApplication', 'Mailbox']),
            column: Ident,
            identifier: z.string().optional(),
          })
          .strict(),
      )
      .default([]),
    tables: z.array(z.enum(TABLE_NAMES)).min(1),
    source: z
      .object({ title: z.string(), path: z.string().optional(), deviations: z.array(z.string()).default([]) })
      .strict()
      .optional()
      .describe('the hunt this detector re-expresses, and where it knowingly departs from its KQL'),
    params: z.record(Ident, ParamSchema).default({}),
    pattern: PatternSchema,
  })
  .strict();

export type DetectorDefinition = z.infer<typeof DetectorSchema>;
export type EdgeClauseDefinition = z.infer<typeof EdgeClauseSchema>;
export type AggregateClauseDefinition = z.infer<typeof AggregateClauseSchema>;
export type PatternDefinition = z.infer<typeof PatternSchema>;
export type Tactic = z.infer<typeof TacticSchema>;
