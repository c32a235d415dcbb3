import type { MatchDecision } from '../matching/match-decision.js';
import type { RemoteIdentity } from './identity-cache.js';

/**
 * Whether a visit (a track) is asked about remotely. Pure.
 *
 * - local (default): never; nothing leaves the site.
 * - hybrid: the local gallery answers first; Rekognition is asked only when it
 *   leaves the track unknown or ambiguous, and only once per track.
 * - rekognition: Rekognition answers every track, once per track.
 *
 * Offline (endpoint unreachable), both remote modes fall back to the local
 * answer: recognition never stops because the service is away.
 */
export const matcherModes = ['local', 'hybrid', 'rekognition'] as const;
export type MatcherMode = (typeof matcherModes)[number];

export interface RemoteAskInput {
  mode: MatcherMode;
  /** The local matcher's decision for the track's best face (null: none yet, e.g. the gallery is still loading). */
  local: MatchDecision | null;
  /** This track's cached remote answer, if any (see IdentityCache). */
  cached: RemoteIdentity | undefined;
  /** A remote ask for this track is already on its way. */
  askInFlight: boolean;
  /** The remote matcher's health. */
  online: boolean;
}

export type RemoteAskDecision =
  | { action: 'use-local'; reason: 'mode-local' | 'local-match' | 'offline' | 'ask-in-flight' }
  | { action: 'use-cached'; identity: RemoteIdentity }
  | { action: 'ask-remote'; reason: 'local-unknown' | 'local-ambiguous' | 'mode-rekognition' };

export function decideRemoteAsk(input: RemoteAskInput): RemoteAskDecision {
  if (input.mode === 'local') return { action: 'use-local', reason: 'mode-local' };
  if (input.mode === 'hybrid' && input.local?.kind === 'match') return { action: 'use-local', reason: 'local-match' };
  // Once per track: a cached answer (a "no one" answer included) is the answer until it expires.
  if (input.cached) return { action: 'use-cached', identity: input.cached };
  if (input.askInFlight) return { action: 'use-local', reason: 'ask-in-flight' };
  if (!input.online) return { action: 'use-local', reason: 'offline' };
  if (input.mode === 'rekognition') return { action: 'ask-remote', reason: 'mode-rekognition' };
  const ambiguous = input.local?.kind === 'unknown' && input.local.reason === 'ambiguous';
  return { action: 'ask-remote', reason: ambiguous ? 'local-ambiguous' : 'local-unknown' };
}
