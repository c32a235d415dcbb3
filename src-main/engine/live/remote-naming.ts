import type { MatchDecision } from '../matching/match-decision.js';
import type { RemoteIdentity } from '../remote/identity-cache.js';
import { decideRemoteAsk, type MatcherMode, type RemoteAskDecision } from '../remote/matcher-mode.js';
import { RemoteMatcherError, type RemoteErrorCode } from '../remote/remote-errors.js';
import type { RemoteMatcher } from '../remote/remote-matcher.js';
import type { RgbImage } from '../vision/geometry.js';
import type { VisitVerdict } from './visit-evidence.js';

/**
 * The camera pipeline's window on a remote matcher (hybrid / rekognition
 * modes). The pipeline hands over a judged visit with its best face crop; this
 * decides (decideRemoteAsk) whether to ask, asks at most once per track (the
 * matcher's per-track cache and in-flight sharing), and calls back with the
 * answer later. Nothing here is awaited on the frame loop. Local mode builds
 * none of this (the pipeline's `remote` is null).
 */
export interface VisitRemoteNaming {
  readonly mode: Exclude<MatcherMode, 'local'>;
  /**
   * Considers one judged visit, keyed by the track it started with. Returns at once; when an ask
   * is started, `onAnswer` runs later with the answer, or with null when the ask failed
   * (recognition stays local).
   */
  consider(visit: RemoteVisitInput, onAnswer: (identity: RemoteIdentity | null) => void): RemoteAskDecision | { action: 'wait'; reason: 'no-crop' | 'gave-up' | 'cooling-down' };
  /** Resolves when every ask started so far has settled (files: rows are final before `end`). */
  idle(): Promise<void>;
}

export interface RemoteVisitInput {
  cameraKey: string;
  trackId: number;
  /** The local verdict on the visit. */
  personId: number | null;
  score: number | null;
  reason: VisitVerdict['reason'];
  crop: RgbImage | null;
}

/** The local verdict on a visit as the one-face decision decideRemoteAsk reads ('conflict' is ambiguous). Pure. */
export function localDecisionOfVisit(personId: number | null, score: number | null, reason: VisitVerdict['reason']): MatchDecision {
  if (personId !== null) return { kind: 'match', personId, score: score ?? 0, runnerUpScore: null };
  return { kind: 'unknown', reason: reason === 'conflict' ? 'ambiguous' : 'below-threshold', bestPersonId: null, bestScore: score };
}

export interface VisitName {
  personId: number | null;
  score: number | null;
  source: 'local' | 'remote' | null;
}

/**
 * Who a visit is, given the local verdict and the remote answer (if any). Pure.
 * - hybrid: the local name stands; a remote answer names a visit the local matcher left unknown.
 * - rekognition: the remote answer, once there, is the answer (a "no one" included); the local
 *   verdict shows until then, and whenever the service cannot be asked.
 * A remote name of someone who may not be named (erased, deactivated) is ignored.
 */
export function nameVisit(mode: MatcherMode, local: { personId: number | null; score: number | null }, remote: RemoteIdentity | undefined, eligible: (personId: number) => boolean): VisitName {
  const localName: VisitName = { personId: local.personId, score: local.score, source: local.personId === null ? null : 'local' };
  if (mode === 'local' || !remote) return localName;
  const remoteNamesSomeone = remote.personId !== null && eligible(remote.personId);
  if (mode === 'hybrid') {
    if (local.personId !== null || !remoteNamesSomeone) return localName;
  } else if (!remoteNamesSomeone) {
    return { personId: null, score: local.personId === null ? local.score : null, source: null };
  }
  return { personId: remote.personId, score: remote.similarity === null ? null : Math.round(remote.similarity * 10) / 1000, source: 'remote' };
}

/** After these failures the same visit may be asked again later (the service was away or busy). */
const WORTH_RETRYING: ReadonlySet<RemoteErrorCode> = new Set(['REMOTE_UNREACHABLE', 'REMOTE_TIMEOUT', 'REMOTE_THROTTLED', 'REMOTE_SERVER_ERROR', 'REMOTE_DROPPED', 'REMOTE_NO_CREDENTIALS']);

export interface RemoteVisitNamingOptions {
  mode: Exclude<MatcherMode, 'local'>;
  matcher: Pick<RemoteMatcher, 'identifyTrack' | 'isAskInFlight' | 'cachedTrack' | 'health'>;
  /** Face crop to JPEG (the only thing sent: never a frame). */
  encode: (crop: RgbImage) => Promise<Uint8Array>;
  /** A visit whose ask failed for a reason worth retrying is not asked again for this long (default 10 s). */
  retryAfterMs?: number;
  now?: () => number;
  onError?: (error: unknown) => void;
}

export class RemoteVisitNaming implements VisitRemoteNaming {
  readonly mode: Exclude<MatcherMode, 'local'>;
  private readonly pending = new Set<Promise<void>>();
  /** Track keys whose ask failed for good (no face, refused): not asked again. */
  private readonly gaveUp = new Set<string>();
  private readonly coolingUntil = new Map<string, number>();
  private readonly now: () => number;
  private readonly retryAfterMs: number;

  constructor(private readonly options: RemoteVisitNamingOptions) {
    this.mode = options.mode;
    this.now = options.now ?? Date.now;
    this.retryAfterMs = options.retryAfterMs ?? 10_000;
  }

  consider(visit: RemoteVisitInput, onAnswer: (identity: RemoteIdentity | null) => void): ReturnType<VisitRemoteNaming['consider']> {
    const key = `${visit.cameraKey}\u0000${visit.trackId}`;
    const { matcher } = this.options;
    const decision = decideRemoteAsk({
      mode: this.mode,
      local: localDecisionOfVisit(visit.personId, visit.score, visit.reason),
      cached: matcher.cachedTrack(visit.cameraKey, visit.trackId),
      askInFlight: matcher.isAskInFlight(visit.cameraKey, visit.trackId),
      online: matcher.health().online,
    });
    if (decision.action === 'use-cached') {
      onAnswer(decision.identity);
      return decision;
    }
    if (decision.action !== 'ask-remote') return decision;
    if (this.gaveUp.has(key)) return { action: 'wait', reason: 'gave-up' };
    if ((this.coolingUntil.get(key) ?? 0) > this.now()) return { action: 'wait', reason: 'cooling-down' };
    const crop = visit.crop;
    if (!crop) return { action: 'wait', reason: 'no-crop' };
    // Cooling down from now: this ask counts as in flight only once the JPEG is made.
    this.coolingUntil.set(key, this.now() + this.retryAfterMs);
    bound(this.coolingUntil);
    const ask = (async () => {
      try {
        const identity = await matcher.identifyTrack(visit.cameraKey, visit.trackId, await this.options.encode(crop));
        this.coolingUntil.delete(key);
        onAnswer(identity);
      } catch (error) {
        const code = error instanceof RemoteMatcherError ? error.code : null;
        if (code === null || !WORTH_RETRYING.has(code)) {
          this.gaveUp.add(key);
          bound(this.gaveUp);
          this.coolingUntil.delete(key);
        }
        this.options.onError?.(error);
        onAnswer(null);
      }
    })();
    this.pending.add(ask);
    void ask.finally(() => this.pending.delete(ask));
    return decision;
  }

  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }
}

/** A camera running for months sees millions of tracks: the oldest marks go first. */
const MAX_MARKED_TRACKS = 10_000;
function bound(marks: Set<string> | Map<string, number>): void {
  while (marks.size > MAX_MARKED_TRACKS) marks.delete(marks.keys().next().value as string);
}
