/**
 * Visits of one camera: one person's walk through the view is one visit, and
 * one sighting row, whatever the tracker made of it. Pure and synchronous:
 * the pipeline reports each analysed frame's tracks (and the views it
 * embedded), this answers which visits opened, changed and closed. The
 * gallery is reached only through the `identify` function it is given.
 *
 * Why a layer above the tracker: a walking face is lost for a moment when it
 * turns, is hidden, blurs or crosses someone, and the tracker then starts a
 * new track for it. Each new track begins as a provisional visit of its own;
 * before it is written it may join an open visit of the same person:
 *  - same name: the two were named the same person, within `sameNameWindowS`;
 *  - same face: its template's cosine similarity to the open visit's reaches
 *    `appearanceLinkThreshold`, within `appearanceWindowS`, while the open
 *    visit has no live track (one person is not in two places at once);
 *  - same place: it was born where the open visit's last track was heading,
 *    within `proximityWindowS` (for faces too small or too blurred to embed),
 *    unless their faces clearly differ.
 * A track whose new view is nobody it looked like before (cosine to every
 * earlier view of that track under `splitThreshold`: the tracker swapped two
 * people where they crossed) leaves its visit and starts a new one from there.
 * A visit is written once it is judged: named, or seen for `minUnknownVisitS`
 * with at least one view that is a usable face. One that is never judged (a
 * two-frame flicker, a hand, a blur) is dropped without a row. A visit closes
 * once no track of it has been seen for the window in which a track could
 * still join it.
 */
import type { MatchDecision } from '../matching/match-decision.js';
import { type Box, dot } from '../vision/geometry.js';
import { DEFAULT_VISIT_EVIDENCE_POLICY, type FaceView, VisitEvidence, type VisitEvidencePolicy, type VisitVerdict } from './visit-evidence.js';

export interface VisitPolicy {
  evidence: VisitEvidencePolicy;
  /** The gallery's match threshold (a strong single view is measured from it). */
  matchThreshold: number;
  /** Threshold for the visit's template (several views averaged): null = matchThreshold. */
  templateMatchThreshold: number | null;
  /** A new track named the same person joins their visit if it was seen this recently (seconds). */
  sameNameWindowS: number;
  /**
   * A new track whose face matches an open visit's (cosine >= appearanceLinkThreshold) joins it
   * within this window, if it could have walked there (at most `maxFaceHeightsPerSecond`).
   */
  appearanceWindowS: number;
  appearanceLinkThreshold: number;
  /** Walking speed bound for joining by face: face heights per second (plus two face heights of slack). */
  maxFaceHeightsPerSecond: number;
  /** A track's new view this dissimilar (cosine) to all its earlier views is another person: the track is split off. */
  splitThreshold: number;
  /** A track born where a visit's last track was heading, this soon after, joins it (faces too poor to compare). */
  proximityWindowS: number;
  /** ...if its centre is within this many face heights of where the visit was predicted to be. */
  proximityDistance: number;
  /** Two faces this dissimilar (cosine below) are never joined by place alone. */
  contradictionThreshold: number;
  /** An unknown visit is written after this long with a usable face (shorter ones are too short to judge). */
  minUnknownVisitS: number;
}

export const DEFAULT_VISIT_POLICY: Readonly<VisitPolicy> = Object.freeze({
  evidence: DEFAULT_VISIT_EVIDENCE_POLICY,
  matchThreshold: 0.46,
  templateMatchThreshold: null,
  sameNameWindowS: 10,
  appearanceWindowS: 5,
  appearanceLinkThreshold: 0.47,
  maxFaceHeightsPerSecond: 6,
  splitThreshold: 0.2,
  proximityWindowS: 1.5,
  proximityDistance: 2,
  contradictionThreshold: 0.25,
  minUnknownVisitS: 0.5,
});

/** One track in one analysed frame. */
export interface TrackObservation<Crop = unknown> {
  trackId: number;
  /** Tentative tracks wait (a one-frame flicker must not open anything); confirmed ones belong to a visit. */
  confirmed: boolean;
  /** The matched detection's box; null when the track was not detected this frame. */
  box: Box | null;
  /** A view embedded this frame, with the face crop to keep if it is the visit's best. */
  view?: FaceView & { crop?: Crop | null };
}

export interface VisitState<Crop = unknown> {
  readonly id: number;
  personId: number | null;
  score: number | null;
  verdictReason: VisitVerdict['reason'];
  startS: number;
  lastSeenS: number;
  /** Analysed frames in which one of its tracks was detected. */
  frames: number;
  readonly trackIds: Set<number>;
  readonly liveTrackIds: Set<number>;
  readonly evidence: VisitEvidence;
  /** Written as a sighting row (judged); provisional visits are not. */
  written: boolean;
  bestCrop: Crop | null;
  bestCropQuality: number;
  /** First detected box and its time (where it appeared), for joining by face or place. */
  firstBox: Box | null;
  firstBoxS: number;
  /** Last detected box and its time, and the velocity (px/s) of its centre, for joining by place. */
  lastBox: Box | null;
  lastBoxS: number;
  velocity: { x: number; y: number } | null;
  /** The scene (between cuts) of its last box: joining by place never crosses a cut. */
  scene: number;
  /** Evidence changed since the last verdict (the gallery is asked again only then). */
  dirty: boolean;
  /** Set when it joined another visit: its tracks now report that one. */
  mergedInto: number | null;
}

export interface VisitChanges<Crop = unknown> {
  /** Judged this frame: write a sighting row. */
  opened: Array<VisitState<Crop>>;
  /** Written visits whose name changed this frame. */
  renamed: Array<VisitState<Crop>>;
  /** Ended: written ones get their final row (and unknowns their clustering); `dropped` were never judged. */
  closed: Array<VisitState<Crop>>;
  dropped: Array<VisitState<Crop>>;
  /** Provisional visits joined to another (ids), for counters. */
  joined: Array<{ from: number; into: number; how: JoinReason }>;
  /** Tracks split off their visit because they now follow someone else. */
  split: Array<{ trackId: number; from: number; into: number }>;
}

export type JoinReason = 'same-name' | 'same-face' | 'same-place';

export class CameraVisits<Crop = unknown> {
  private readonly visits = new Map<number, VisitState<Crop>>();
  private readonly visitOfTrackId = new Map<number, number>();
  /** What a tentative track gathered before it was confirmed: views, detected frames, first time and box. */
  private readonly pending = new Map<number, { views: Array<FaceView & { crop?: Crop | null }>; frames: number; firstS: number; firstBox: Box | null }>();
  private nextVisitId = 1;
  private scene = 0;
  /** Each live track's own recent usable views: a view unlike all of them means the track swapped faces. */
  private readonly trackEmbeddings = new Map<number, Float32Array[]>();

  constructor(
    readonly policy: VisitPolicy,
    /** The gallery's decision on an embedding, at the given threshold (default: the gallery's own). */
    private readonly identify: (embedding: Float32Array, threshold?: number) => MatchDecision,
    /** People who may be named (erased and deactivated people may not). */
    private readonly eligible: (personId: number) => boolean = () => true,
  ) {}

  /** The visit a track belongs to now (following joins), if any. */
  visitOfTrack(trackId: number): VisitState<Crop> | undefined {
    const id = this.visitOfTrackId.get(trackId);
    return id === undefined ? undefined : this.visits.get(id);
  }

  /** Open visits (written or provisional). */
  get open(): ReadonlyArray<VisitState<Crop>> {
    return [...this.visits.values()];
  }

  /**
   * One analysed frame at `timeS` (seconds, monotonic: video time for files). `ended` are the
   * tracker's ended track ids of this frame.
   */
  update(
    timeS: number,
    observations: ReadonlyArray<TrackObservation<Crop>>,
    ended: readonly number[],
    options: { sceneCut?: boolean } = {},
  ): VisitChanges<Crop> {
    const changes: VisitChanges<Crop> = { opened: [], renamed: [], closed: [], dropped: [], joined: [], split: [] };
    // After a cut the picture shows another place: nothing joins across it by position.
    if (options.sceneCut) this.scene++;
    const touched = new Set<VisitState<Crop>>();

    for (const observation of observations) {
      let visit = this.visitOfTrack(observation.trackId);
      if (!visit && !observation.confirmed) {
        // Tentative: keep what it gathers until it is confirmed (or dropped by the tracker).
        const pending = this.pending.get(observation.trackId) ?? { views: [], frames: 0, firstS: timeS, firstBox: observation.box };
        if (observation.view) {
          pending.views.push(observation.view);
          this.rememberTrackView(observation.trackId, observation.view);
        }
        if (observation.box) pending.frames++;
        this.pending.set(observation.trackId, pending);
        continue;
      }
      if (!visit) {
        const pending = this.pending.get(observation.trackId);
        visit = this.startVisit(observation.trackId, pending?.firstS ?? timeS);
        if (pending) {
          for (const view of pending.views) this.addView(visit, view);
          visit.frames += pending.frames;
          if (pending.firstBox) this.noteBox(visit, pending.firstBox, pending.firstS);
          this.pending.delete(observation.trackId);
        }
      }
      if (observation.view && this.isAnotherFace(observation.trackId, observation.view)) {
        // The tracker swapped faces (people crossing): what came before stays with the old visit.
        visit.liveTrackIds.delete(observation.trackId);
        touched.add(visit);
        const from = visit.id;
        visit = this.startVisit(observation.trackId, timeS);
        this.trackEmbeddings.delete(observation.trackId);
        changes.split.push({ trackId: observation.trackId, from, into: visit.id });
      }
      if (observation.view) this.rememberTrackView(observation.trackId, observation.view);
      visit.liveTrackIds.add(observation.trackId);
      if (observation.box) {
        visit.frames++;
        this.noteBox(visit, observation.box, timeS);
        visit.lastSeenS = Math.max(visit.lastSeenS, timeS);
      }
      if (observation.view) this.addView(visit, observation.view);
      touched.add(visit);
    }
    for (const trackId of ended) {
      this.pending.delete(trackId);
      this.trackEmbeddings.delete(trackId);
      const visit = this.visitOfTrack(trackId);
      if (visit) visit.liveTrackIds.delete(trackId);
    }

    for (const visit of touched) {
      if (visit.mergedInto !== null) continue;
      const previous = visit.personId;
      if (visit.dirty) this.judge(visit);
      if (!visit.written) {
        const join = this.findVisitToJoin(visit, timeS);
        if (join) {
          this.join(visit, join.into);
          changes.joined.push({ from: visit.id, into: join.into.id, how: join.how });
          const before = join.into.personId;
          this.judge(join.into);
          if (join.into.written && join.into.personId !== before) changes.renamed.push(join.into);
          continue;
        }
        if (this.isJudged(visit, timeS)) {
          visit.written = true;
          changes.opened.push(visit);
        }
      } else if (visit.personId !== previous) {
        changes.renamed.push(visit);
      }
    }

    for (const visit of [...this.visits.values()]) {
      if (visit.liveTrackIds.size > 0) continue;
      if (timeS - visit.lastSeenS <= this.closeAfterS(visit)) continue;
      this.remove(visit);
      (visit.written ? changes.closed : changes.dropped).push(visit);
    }
    return changes;
  }

  /** Ends every visit (the camera stopped or the file ended). */
  closeAll(): VisitChanges<Crop> {
    const changes: VisitChanges<Crop> = { opened: [], renamed: [], closed: [], dropped: [], joined: [], split: [] };
    for (const visit of [...this.visits.values()]) {
      this.remove(visit);
      (visit.written ? changes.closed : changes.dropped).push(visit);
    }
    this.pending.clear();
    this.trackEmbeddings.clear();
    return changes;
  }

  /** Re-decides every open visit's name (e.g. after people were erased or deactivated); returns the written ones that changed. */
  rejudgeAll(): Array<VisitState<Crop>> {
    const renamed: Array<VisitState<Crop>> = [];
    for (const visit of this.visits.values()) {
      const before = visit.personId;
      this.judge(visit);
      if (visit.written && visit.personId !== before) renamed.push(visit);
    }
    return renamed;
  }

  private startVisit(trackId: number, timeS: number): VisitState<Crop> {
    const visit: VisitState<Crop> = {
      id: this.nextVisitId++,
      personId: null,
      score: null,
      verdictReason: 'no-evidence',
      startS: timeS,
      lastSeenS: timeS,
      frames: 0,
      trackIds: new Set([trackId]),
      liveTrackIds: new Set([trackId]),
      evidence: new VisitEvidence(this.policy.evidence),
      written: false,
      bestCrop: null,
      bestCropQuality: -1,
      firstBox: null,
      firstBoxS: timeS,
      lastBox: null,
      lastBoxS: timeS,
      velocity: null,
      scene: this.scene,
      dirty: false,
      mergedInto: null,
    };
    this.visits.set(visit.id, visit);
    this.visitOfTrackId.set(trackId, visit.id);
    return visit;
  }

  private addView(visit: VisitState<Crop>, view: FaceView & { crop?: Crop | null }): void {
    const counted = visit.evidence.add(view);
    if (counted) visit.dirty = true;
    if (counted && view.crop != null && view.quality > visit.bestCropQuality) {
      visit.bestCrop = view.crop;
      visit.bestCropQuality = view.quality;
    }
  }

  private rememberTrackView(trackId: number, view: FaceView): void {
    if (!(view.faceNorm >= this.policy.evidence.minFaceNorm)) return;
    const list = this.trackEmbeddings.get(trackId) ?? [];
    list.push(view.embedding);
    if (list.length > MAX_TRACK_EMBEDDINGS) list.shift();
    this.trackEmbeddings.set(trackId, list);
  }

  /** A usable view unlike every earlier usable view of the same track. */
  private isAnotherFace(trackId: number, view: FaceView): boolean {
    if (!(view.faceNorm >= this.policy.evidence.minFaceNorm)) return false;
    const earlier = this.trackEmbeddings.get(trackId);
    if (!earlier || earlier.length === 0) return false;
    return earlier.every((embedding) => dot(embedding, view.embedding) < this.policy.splitThreshold);
  }

  private noteBox(visit: VisitState<Crop>, box: Box, timeS: number): void {
    if (visit.firstBox === null) {
      visit.firstBox = box;
      visit.firstBoxS = timeS;
    }
    const previous = visit.lastBox;
    const dt = timeS - visit.lastBoxS;
    if (previous && dt > 0 && dt < 1) {
      const vx = (centreX(box) - centreX(previous)) / dt, vy = (centreY(box) - centreY(previous)) / dt;
      // Smoothed: one jittery box should not send the prediction off.
      visit.velocity = visit.velocity ? { x: 0.5 * visit.velocity.x + 0.5 * vx, y: 0.5 * visit.velocity.y + 0.5 * vy } : { x: vx, y: vy };
    }
    if (visit.scene !== this.scene) visit.velocity = null;
    visit.lastBox = box;
    visit.lastBoxS = timeS;
    visit.scene = this.scene;
  }

  private judge(visit: VisitState<Crop>): void {
    visit.dirty = false;
    const template = visit.evidence.template();
    const decision = template ? this.identify(template, this.policy.templateMatchThreshold ?? undefined) : null;
    const verdict = visit.evidence.verdict(decision, visit.personId, this.policy.matchThreshold, this.eligible);
    visit.personId = verdict.personId;
    visit.score = verdict.score;
    visit.verdictReason = verdict.reason;
  }

  private isJudged(visit: VisitState<Crop>, timeS: number): boolean {
    if (visit.evidence.usableViews === 0) return false;
    // Seen (detected) for long enough: a lost track still reported for a while adds nothing.
    void timeS;
    return visit.personId !== null || visit.lastSeenS - visit.startS >= this.policy.minUnknownVisitS;
  }

  private closeAfterS(visit: VisitState<Crop>): number {
    const { sameNameWindowS, appearanceWindowS, proximityWindowS } = this.policy;
    return visit.personId !== null ? Math.max(sameNameWindowS, appearanceWindowS, proximityWindowS) : Math.max(appearanceWindowS, proximityWindowS);
  }

  /** The open visit a provisional one belongs to, by name, then face, then place. */
  private findVisitToJoin(visit: VisitState<Crop>, timeS: number): { into: VisitState<Crop>; how: JoinReason } | null {
    const policy = this.policy;
    const others = [...this.visits.values()].filter((other) => other !== visit && other.mergedInto === null && other.startS <= visit.startS);
    // Seconds between the other visit's last sighting and this one's first.
    const gap = (other: VisitState<Crop>) => visit.startS - other.lastSeenS;
    const simultaneous = (other: VisitState<Crop>) => [...other.liveTrackIds].some((id) => !visit.trackIds.has(id)) && gap(other) < 0.05;

    if (visit.personId !== null) {
      const sameName = others
        .filter((other) => other.personId === visit.personId && gap(other) <= policy.sameNameWindowS)
        .sort((a, b) => b.lastSeenS - a.lastSeenS)[0];
      if (sameName) return { into: sameName, how: 'same-name' };
    }
    const template = visit.evidence.template();
    if (template) {
      let best: { into: VisitState<Crop>; similarity: number } | null = null;
      for (const other of others) {
        if (simultaneous(other) || gap(other) > policy.appearanceWindowS || !this.reachable(other, visit)) continue;
        // A visit named someone else is not this face (this one would have been named too).
        if (other.personId !== null && visit.personId !== null && other.personId !== visit.personId) continue;
        const similarity = similarityToVisit(template, other);
        if (similarity !== null && similarity >= policy.appearanceLinkThreshold && (!best || similarity > best.similarity)) best = { into: other, similarity };
      }
      if (best) return { into: best.into, how: 'same-face' };
    }
    // By place: only while the new track is young (its first box is where it was born).
    if (visit.frames <= 2 && visit.lastBox) {
      const born = visit.lastBox;
      let best: { into: VisitState<Crop>; distance: number } | null = null;
      for (const other of others) {
        if (simultaneous(other) || !other.lastBox || gap(other) > policy.proximityWindowS || other.scene !== visit.scene) continue;
        if (other.personId !== null && visit.personId !== null && other.personId !== visit.personId) continue;
        const otherTemplate = other.evidence.template();
        if (template && otherTemplate && dot(template, otherTemplate) < policy.contradictionThreshold) continue;
        const size = Math.max(born.height, other.lastBox.height);
        const ratio = born.height / other.lastBox.height;
        if (ratio < 0.6 || ratio > 1 / 0.6) continue;
        const dt = Math.max(0, visit.startS - other.lastBoxS);
        const predictedX = centreX(other.lastBox) + (other.velocity?.x ?? 0) * dt;
        const predictedY = centreY(other.lastBox) + (other.velocity?.y ?? 0) * dt;
        const distance = Math.hypot(centreX(born) - predictedX, centreY(born) - predictedY) / size;
        if (distance <= policy.proximityDistance && (!best || distance < best.distance)) best = { into: other, distance };
      }
      if (best) return { into: best.into, how: 'same-place' };
    }
    void timeS;
    return null;
  }

  /** Whether one person could have walked from where `from` was last seen to where `to` appeared. */
  private reachable(from: VisitState<Crop>, to: VisitState<Crop>): boolean {
    if (!from.lastBox || !to.firstBox || from.scene !== to.scene) return true;
    const size = Math.max(from.lastBox.height, to.firstBox.height);
    const seconds = Math.max(0, to.firstBoxS - from.lastBoxS);
    const distance = Math.hypot(centreX(to.firstBox) - centreX(from.lastBox), centreY(to.firstBox) - centreY(from.lastBox));
    return distance <= (this.policy.maxFaceHeightsPerSecond * seconds + 2) * size;
  }

  private join(visit: VisitState<Crop>, into: VisitState<Crop>): void {
    into.evidence.absorb(visit.evidence);
    // Only the tracks still this visit's move along (one split off to another visit stays there).
    for (const trackId of visit.trackIds) {
      if (this.visitOfTrackId.get(trackId) !== visit.id) continue;
      into.trackIds.add(trackId);
      this.visitOfTrackId.set(trackId, into.id);
      if (visit.liveTrackIds.has(trackId)) into.liveTrackIds.add(trackId);
    }
    into.frames += visit.frames;
    into.startS = Math.min(into.startS, visit.startS);
    into.lastSeenS = Math.max(into.lastSeenS, visit.lastSeenS);
    if (visit.lastBox && visit.lastBoxS >= into.lastBoxS) {
      into.lastBox = visit.lastBox;
      into.lastBoxS = visit.lastBoxS;
      into.velocity = visit.velocity ?? into.velocity;
      into.scene = visit.scene;
    }
    if (visit.bestCrop != null && visit.bestCropQuality > into.bestCropQuality) {
      into.bestCrop = visit.bestCrop;
      into.bestCropQuality = visit.bestCropQuality;
    }
    visit.mergedInto = into.id;
    this.visits.delete(visit.id);
  }

  private remove(visit: VisitState<Crop>): void {
    this.visits.delete(visit.id);
    for (const trackId of visit.trackIds) if (this.visitOfTrackId.get(trackId) === visit.id) this.visitOfTrackId.delete(trackId);
  }
}

/** The higher of the cosine similarity to the visit's template and to its closest kept view. */
function similarityToVisit(template: Float32Array, visit: VisitState<unknown>): number | null {
  const otherTemplate = visit.evidence.template();
  if (!otherTemplate) return null;
  let best = dot(template, otherTemplate);
  for (const view of visit.evidence.views) best = Math.max(best, dot(template, view.embedding));
  return best;
}

/** Earlier views kept per live track to notice a face swap. */
const MAX_TRACK_EMBEDDINGS = 8;

const centreX = (box: Box) => box.x + box.width / 2;
const centreY = (box: Box) => box.y + box.height / 2;
