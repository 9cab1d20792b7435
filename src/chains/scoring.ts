/**
 * Chain scoring, explainable step by step. A chain's score is the sum of its
 * steps' shares; each share is:
 *   severity    informational 1, low 2, medium 5, high 8
 *   privilege   +50% of the severity points when the step involves an account
 *               holding an admin role
 *   newTactic   +3 for each ATT&CK tactic the chain shows for the first time
 *   progression +2 when the step reaches further along the kill chain than
 *               any earlier step (e.g. InitialAccess, then Persistence)
 * Steps are scored in time order, so a share never changes when later steps
 * arrive. docs/scoring.md says the same with examples.
 */
import { TACTICS, type Tactic } from '../detect/definition.js';
import type { ScoreShare } from './chain-schema.js';

export const SEVERITY_POINTS = { informational: 1, low: 2, medium: 5, high: 8 } as const;
export const PRIVILEGE_FACTOR = 0.5;
export const NEW_TACTIC_POINTS = 3;
export const PROGRESSION_POINTS = 2;

/** What scoring needs to know of one step. */
export interface ScoredStepInput {
  readonly severity: keyof typeof SEVERITY_POINTS;
  readonly tactics: readonly Tactic[];
  readonly privileged: boolean;
}

/** Kill-chain position of a tactic (Reconnaissance 0 ... Impact 13). */
export function tacticRank(t: Tactic): number {
  return TACTICS.indexOf(t);
}

/** Scores steps given in time order; returns each step's share. */
export function scoreSteps(steps: readonly ScoredStepInput[]): ScoreShare[] {
  const seen = new Set<Tactic>();
  let furthest = -1;
  return steps.map((s) => {
    const severity = SEVERITY_POINTS[s.severity];
    const privilege = s.privileged ? severity * PRIVILEGE_FACTOR : 0;
    const fresh = s.tactics.filter((t) => !seen.has(t));
    for (const t of fresh) seen.add(t);
    const newTactic = fresh.length * NEW_TACTIC_POINTS;
    const rank = Math.max(-1, ...s.tactics.map(tacticRank));
    const progression = furthest >= 0 && rank > furthest ? PROGRESSION_POINTS : 0;
    furthest = Math.max(furthest, rank);
    return { severity, privilege, newTactic, progression, total: severity + privilege + newTactic + progression };
  });
}

/** Orders tactics along the kill chain, without duplicates. */
export function killChainOrder(tactics: Iterable<Tactic>): Tactic[] {
  return [...new Set(tactics)].sort((a, b) => tacticRank(a) - tacticRank(b));
}
