/**
 * The attack-chain shapes, as zod schemas: the single source for the chain
 * engine's types, the API's validation and its OpenAPI document.
 */
import { z } from 'zod';
import { NodeKindSchema } from '../graph/schema.js';
import { TacticSchema } from '../detect/definition.js';

export const TriageStatusSchema = z.enum(['new', 'investigating', 'resolved', 'false_positive']);
export type TriageStatus = z.infer<typeof TriageStatusSchema>;

export const EntityRefSchema = z.object({ kind: NodeKindSchema, key: z.string() });

export const ScoreShareSchema = z.object({
  severity: z.number().describe('points for the step severity'),
  privilege: z.number().describe('extra points because a privileged account is involved'),
  newTactic: z.number().describe('points for a tactic the chain had not shown before'),
  progression: z.number().describe('points for moving further along the kill chain'),
  total: z.number(),
});
export type ScoreShare = z.infer<typeof ScoreShareSchema>;

export const ChainStepSchema = z.object({
  detectionId: z.string(),
  detector: z.string(),
  name: z.string(),
  severity: z.enum(['informational', 'low', 'medium', 'high']),
  tactics: z.array(TacticSchema),
  time: z.string().describe('ISO 8601: when the detection became true'),
  firstTime: z.string(),
  entities: z.array(EntityRefSchema),
  row: z.record(z.string(), z.unknown()),
  evidence: z.array(z.object({ clause: z.string(), role: z.string(), edge: z.string(), eventIds: z.array(z.string()) })),
  score: ScoreShareSchema,
});
export type ChainStep = z.infer<typeof ChainStepSchema>;

export const TriageEntrySchema = z.object({
  status: TriageStatusSchema,
  note: z.string().optional(),
  by: z.string(),
  at: z.string(),
});

export const ChainSchema = z.object({
  id: z.string(),
  aliases: z.array(z.string()).describe('ids of chains merged into this one'),
  firstSeen: z.string(),
  lastSeen: z.string(),
  score: z.number(),
  status: TriageStatusSchema,
  tactics: z.array(TacticSchema).describe('ATT&CK tactics in kill-chain order'),
  entities: z.array(EntityRefSchema),
  privilegedAccounts: z.array(z.string()),
  steps: z.array(ChainStepSchema),
  triage: z.array(TriageEntrySchema),
});
export type Chain = z.infer<typeof ChainSchema>;
