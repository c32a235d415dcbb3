/**
 * Open-set identification decision. Pure: given each candidate person's
 * similarity to a probe, name the best one only when it is both close enough
 * (threshold) and clearly ahead of the runner-up (margin); otherwise "unknown".
 */
export interface CandidateScore {
  personId: number;
  score: number;
}

export interface MatchPolicy {
  /** Minimum cosine similarity to accept a person. */
  threshold: number;
  /** Minimum lead of the best person over the second-best. */
  margin: number;
}

export type MatchDecision =
  | { kind: 'match'; personId: number; score: number; runnerUpScore: number | null }
  | { kind: 'unknown'; reason: 'empty-gallery' | 'below-threshold' | 'ambiguous'; bestPersonId: number | null; bestScore: number | null };

export function decideMatch(candidates: CandidateScore[], policy: MatchPolicy): MatchDecision {
  if (candidates.length === 0) return { kind: 'unknown', reason: 'empty-gallery', bestPersonId: null, bestScore: null };
  const sorted = [...candidates].sort((a, b) => b.score - a.score);
  const best = sorted[0]!;
  const runnerUp = sorted.find((c) => c.personId !== best.personId) ?? null;
  if (best.score < policy.threshold) {
    return { kind: 'unknown', reason: 'below-threshold', bestPersonId: best.personId, bestScore: best.score };
  }
  if (runnerUp && best.score - runnerUp.score < policy.margin) {
    return { kind: 'unknown', reason: 'ambiguous', bestPersonId: best.personId, bestScore: best.score };
  }
  return { kind: 'match', personId: best.personId, score: best.score, runnerUpScore: runnerUp?.score ?? null };
}
