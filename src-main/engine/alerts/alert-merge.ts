/**
 * Merged repeats (pure): the same rule for the same subject within the rule's repeat
 * window adds to the open alert (count + 1, last time, latest camera) instead of a new row.
 * The window slides: it runs from the alert's last repeat, so a subject that keeps coming
 * back every few minutes stays one alert until someone acknowledges it.
 */
import type { AlertDraft } from './alert-rules.js';

/**
 * Who or what an alert is about, as a key: a person, an unknown cluster, a camera. null when
 * it names nothing that can repeat (a camera deleted since): such an alert never merges.
 */
export function alertSubject(draft: Pick<AlertDraft, 'rule' | 'personId' | 'clusterId' | 'cameraId' | 'cameraName'>): string | null {
  const camera = draft.cameraId !== null ? `camera:${draft.cameraId}` : null;
  switch (draft.rule) {
    case 'new_unknown':
    case 'recurring_unknown':
      return draft.clusterId !== null ? `cluster:${draft.clusterId}` : null;
    case 'blocklisted_seen':
    case 'restricted_area':
      // A stranger (nobody named yet) at a restricted camera: repeats at that camera are one alert.
      return draft.personId !== null ? `person:${draft.personId}` : camera && `unknown-at-${camera}`;
    case 'camera_offline':
      return camera;
  }
}

/** The latest alert of this rule and subject, as far as merging cares. */
export interface MergeCandidate {
  id: number;
  acknowledged: boolean;
  lastRaisedAt: Date;
}

export type MergeDecision = { kind: 'new' } | { kind: 'merge'; alertId: number };

/**
 * New alert or repeat of `candidate`: a repeat when the candidate is still open and was last
 * raised no longer than `windowMinutes` ago (a clock that went backwards counts as within).
 */
export function mergeDecision(candidate: MergeCandidate | null, now: Date, windowMinutes: number): MergeDecision {
  if (!candidate || candidate.acknowledged || windowMinutes <= 0) return { kind: 'new' };
  const elapsedMs = now.getTime() - candidate.lastRaisedAt.getTime();
  return elapsedMs <= windowMinutes * 60_000 ? { kind: 'merge', alertId: candidate.id } : { kind: 'new' };
}
