/** The list form of a chain (no rows, no evidence): what `idgraph chains` prints and GET /v1/chains pages. */
import { z } from 'zod';
import { TacticSchema } from '../detect/definition.js';
import { TriageStatusSchema, type Chain } from './chain-schema.js';

export const ChainSummarySchema = z.object({
  id: z.string(),
  aliases: z.array(z.string()),
  score: z.number(),
  status: TriageStatusSchema,
  firstSeen: z.string(),
  lastSeen: z.string(),
  accounts: z.array(z.string()).describe('user keys involved'),
  privilegedAccounts: z.array(z.string()),
  tactics: z.array(TacticSchema),
  detectors: z.array(z.string()).describe('detector ids of the steps, first occurrence order'),
  stepCount: z.number().int(),
});
export type ChainSummary = z.infer<typeof ChainSummarySchema>;

/** Summarises a chain for lists. */
export function summariseChain(c: Chain): ChainSummary {
  return {
    id: c.id,
    aliases: [...c.aliases],
    score: c.score,
    status: c.status,
    firstSeen: c.firstSeen,
    lastSeen: c.lastSeen,
    accounts: c.entities.filter((e) => e.kind === 'User').map((e) => e.key),
    privilegedAccounts: [...c.privilegedAccounts],
    tactics: [...c.tactics],
    detectors: [...new Set(c.steps.map((s) => s.detector))],
    stepCount: c.steps.length,
  };
}
