import type { FaceStatus } from '../../../src-preload/contract.js';
import type { MatchDecision } from '../matching/match-decision.js';

/**
 * Identity of one track, decided by voting over its recognitions rather than
 * trusting any single frame. Pure: the caller feeds decisions, it answers who.
 */
export interface TrackIdentity {
  personId: number | null;
  status: FaceStatus;
  /** Mean similarity of the winning person's matches, or the best unknown score. */
  score: number | null;
}

export interface VotePolicy {
  /** Recognitions kept per track (best quality first): old, poor frames stop counting. */
  maxVotes: number;
  /** Matches needed before a person is named (1 = first confident match names them). */
  minMatchesToName: number;
}

export const DEFAULT_VOTE_POLICY: VotePolicy = { maxVotes: 5, minMatchesToName: 1 };

interface Vote {
  decision: MatchDecision;
  quality: number;
}

export class TrackIdentityVoter {
  private votes: Vote[] = [];

  constructor(private readonly policy: VotePolicy = DEFAULT_VOTE_POLICY) {}

  get recognitions(): number {
    return this.votes.length;
  }

  /** Adds one recognition; keeps only the best `maxVotes` by face quality. */
  add(decision: MatchDecision, quality: number): void {
    this.votes.push({ decision, quality });
    if (this.votes.length > this.policy.maxVotes) {
      this.votes.sort((a, b) => b.quality - a.quality);
      this.votes.length = this.policy.maxVotes;
    }
  }

  /** Person with the most matches (ties: higher mean score), if named often enough; else unknown. */
  identity(isBlocked: (personId: number) => boolean): TrackIdentity {
    const tally = new Map<number, { count: number; sum: number }>();
    let bestUnknownScore: number | null = null;
    for (const { decision } of this.votes) {
      if (decision.kind === 'match') {
        const entry = tally.get(decision.personId) ?? { count: 0, sum: 0 };
        entry.count++;
        entry.sum += decision.score;
        tally.set(decision.personId, entry);
      } else if (decision.bestScore !== null) {
        bestUnknownScore = Math.max(bestUnknownScore ?? -1, decision.bestScore);
      }
    }
    let winner: { personId: number; count: number; mean: number } | null = null;
    for (const [personId, { count, sum }] of tally) {
      const mean = sum / count;
      if (!winner || count > winner.count || (count === winner.count && mean > winner.mean)) winner = { personId, count, mean };
    }
    // A person must also out-vote the frames that said "unknown" for this track.
    const unknownVotes = this.votes.length - [...tally.values()].reduce((n, t) => n + t.count, 0);
    if (winner && winner.count >= this.policy.minMatchesToName && winner.count >= unknownVotes) {
      return { personId: winner.personId, status: isBlocked(winner.personId) ? 'blocked' : 'member', score: winner.mean };
    }
    return { personId: null, status: 'unknown', score: bestUnknownScore };
  }
}
