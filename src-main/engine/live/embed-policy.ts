/**
 * When to spend an embedding on a tracked face. Pure: the pipeline asks, this
 * answers from the track's history, so the rules are tested with tables.
 *
 * Embedding is the expensive step (several ms per face on a CPU), and a face
 * that stays in view looks the same from frame to frame, so a track is
 * embedded when it is born, when a clearly better view arrives, and then only
 * now and again to re-verify who it is.
 */
export interface EmbedPolicy {
  /** Faces smaller than this (shorter box side, px) are not embedded: too small to recognise. */
  minFacePx: number;
  /** A new view must beat the best embedded quality by this factor to count as "clearly better". */
  betterQualityFactor: number;
  /** Never embed one track more often than this, even for better views. */
  minIntervalMs: number;
  /** Re-embed a track at least this often to re-verify its identity (also the steady-state rate). */
  refreshIntervalMs: number;
  /** A track with no name yet is retried this often at first (a better frame may name it); later the wait doubles per try, up to refreshIntervalMs. */
  unknownRetryIntervalMs: number;
  /** Embeddings of a still-unnamed track retried at the plain unknownRetryIntervalMs before the wait starts doubling. */
  quickUnknownRetries: number;
}

export const DEFAULT_EMBED_POLICY: EmbedPolicy = {
  minFacePx: 24,
  betterQualityFactor: 1.25,
  minIntervalMs: 500,
  refreshIntervalMs: 3000,
  unknownRetryIntervalMs: 1000,
  quickUnknownRetries: 2,
};

export interface TrackEmbedHistory {
  /** Embeddings made for this track so far. */
  embeddings: number;
  /** Time of the last embedding (ms), or null if none. */
  lastEmbeddedAt: number | null;
  /** Best quality among the embedded views (0 if none). */
  bestEmbeddedQuality: number;
  /** Whether the track currently has a name. */
  named: boolean;
}

export type EmbedReason = 'new-track' | 'better-view' | 'still-unknown' | 'refresh';

export function shouldEmbed(
  history: TrackEmbedHistory,
  face: { sizePx: number; quality: number },
  now: number,
  policy: EmbedPolicy = DEFAULT_EMBED_POLICY,
): EmbedReason | null {
  if (face.sizePx < policy.minFacePx) return null;
  if (history.lastEmbeddedAt === null) return 'new-track';
  const sinceLast = now - history.lastEmbeddedAt;
  if (sinceLast < policy.minIntervalMs) return null;
  if (sinceLast >= policy.refreshIntervalMs) return 'refresh';
  // The first tries come every second (a member's first views may be poor); after that a
  // stranger stays a stranger: each further try doubles the wait, up to the refresh interval,
  // so unknown faces cost no more than named ones in steady state.
  const retryMs = policy.unknownRetryIntervalMs * 2 ** Math.max(0, history.embeddings - policy.quickUnknownRetries);
  if (!history.named && sinceLast >= Math.min(policy.refreshIntervalMs, retryMs)) {
    return 'still-unknown';
  }
  if (face.quality >= history.bestEmbeddedQuality * policy.betterQualityFactor) return 'better-view';
  return null;
}
