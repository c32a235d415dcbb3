/**
 * Scores what the live pipeline saw in a walk-through video against its
 * ground truth (pure).
 *
 * Association: each analysed frame is compared with the ground-truth boxes of
 * the nearest source frame (|Δt| <= half a source frame); its faces are
 * matched one-to-one to those boxes at IoU >= 0.3 (the assignment with the
 * largest total IoU margin). Every face-frame gets a label: a visit or none.
 * A sighting's visit is the majority label of its faces (a tie goes to a
 * visit, then to the lower visitId); a majority of none is a spurious
 * sighting. The figures follow from these labels (see WalkthroughMetrics).
 *
 * The background clip has real pedestrians whose faces (at most ~33 px at
 * 720p) the app may legitimately detect; the planted faces are >= 50 px. An
 * unmatched face smaller than `ignoreBelowPx` is therefore "background": it
 * does not vote in its sighting's majority, and a sighting made only of such
 * faces is a background sighting, counted apart (not spurious).
 */
import { linearAssignment } from '../../tracking/linear-assignment.js';
import { type Box, iou } from '../../vision/geometry.js';
import type { GroundTruthVisit, VisitKind, WalkthroughGroundTruth } from './scene-plan.js';

export interface ObservedFace {
  trackId: number;
  sightingId: number | null;
  box: Box;
  personId: number | null;
  /** The face's embedding when the pipeline embedded it on this frame (for the "recognisable" figures). */
  embedding?: Float32Array;
}

/** One per analysed frame (~10 per video second). */
export interface ObservedFrame {
  ptsS: number;
  faces: ObservedFace[];
}

export interface ObservedSighting {
  id: number;
  personId: number | null;
  status: 'member' | 'unknown' | 'blocked';
  clusterId: number | null;
  videoStartS: number | null;
  videoEndS: number | null;
  frames: number;
}

export interface WalkthroughObserved {
  frames: ObservedFrame[];
  sightings: ObservedSighting[];
}

/** The ground truth the scoring needs (a rendered WalkthroughGroundTruth fits). */
export type ScoredGroundTruth = Pick<WalkthroughGroundTruth, 'fps'> & {
  visits: Array<Pick<GroundTruthVisit, 'visitId' | 'kind' | 'identityKey' | 'returningOf' | 'startS' | 'boxes'>>;
};

export interface VisitDetail {
  visitId: number;
  kind: VisitKind;
  identityKey: string;
  /** Source frames where the face is visible. */
  gtFrames: number;
  /** Analysed face-frames labelled with this visit. */
  framesLabelled: number;
  /** Sightings whose majority is this visit. */
  sightings: number[];
  /** Keys (personKeyOf) named by those sightings; null for a person without a key. */
  names: Array<string | null>;
  clusters: number[];
  named: boolean;
}

export interface SpuriousDetail {
  sightingId: number;
  faces: number;
  name: string | null;
  clusterId: number | null;
}

export interface WalkthroughMetrics {
  /** Member visits named correctly by a sighting of that visit / all member visits. */
  member_visit_recall: number | null;
  member_visits: number;
  /** Member visits with at least one labelled face-frame. */
  member_visits_detected: number;
  member_visits_named: number;
  /**
   * Member visits with at least one embedded view that the gallery would name as that member on
   * its own (`ScoreOptions.recognisable`): what recognition allowed at all; and the share of those
   * the pipeline named. Null without the option.
   */
  member_visits_recognisable: number | null;
  member_visit_recall_recognisable: number | null;
  /** Sightings naming a person who is not the identity of any visit among their faces. */
  false_names: number;
  named_sightings: number;
  /** Share of stranger visits with a sighting (majority that visit) naming someone. */
  stranger_visits_falsely_named: number | null;
  stranger_visits: number;
  stranger_visits_named: number;
  /** Mean, over visits with >= 1 sighting, of the sightings whose majority is the visit. */
  sightings_per_visit: number | null;
  sightings_per_visit_max: number;
  visits_with_sightings: number;
  sightings: number;
  /** Sightings whose majority label is none (including sightings with no observed face). */
  spurious_sightings: number;
  /** Sightings of background pedestrians only (all their faces unmatched and below ignoreBelowPx). */
  background_sightings: number;
  sightings_without_faces: number;
  /** Returns of strangers whose sighting shares a cluster with a sighting of an earlier visit of theirs. */
  recurring_strangers_linked: number | null;
  returning_stranger_visits: number;
  returning_stranger_visits_linked: number;
  /** Per-frame personId changing from one non-null person to another, within a track. */
  identity_switches: number;
  /** The same, within a sighting (its faces in time order, across its tracks). */
  sighting_identity_switches: number;
  /** Tracks with >= 3 face-frames of each of two different visits. */
  track_swaps: number;
  /** Member visits whose sighting went to the unknowns queue (has a cluster). */
  member_visits_in_review: number;
  /** Non-face visits and spurious sightings with a cluster. */
  nonfaces_in_review: number;
  nonface_visits: number;
  face_frames: number;
  face_frames_labelled: number;
  /** Unmatched face-frames below ignoreBelowPx (background pedestrians). */
  face_frames_background: number;
  visits?: VisitDetail[];
  spurious?: SpuriousDetail[];
}

export interface ScoreOptions {
  /** IoU needed to match an observed face to a ground-truth box (default 0.3). */
  minIou?: number;
  /** An unmatched observed face lower than this (px) is a background pedestrian, ignored (default 40). */
  ignoreBelowPx?: number;
  /** Add the per-visit and spurious-sighting details. */
  details?: boolean;
  /** Whether one embedded view is, on its own, named as the person with this key (gallery decision). */
  recognisable?: (identityKey: string, embedding: Float32Array) => boolean;
}

const TRACK_SWAP_MIN_FRAMES = 3;

export function scoreWalkthrough(
  groundTruth: ScoredGroundTruth,
  observed: WalkthroughObserved,
  personKeyOf: (personId: number) => string | null,
  options: ScoreOptions = {},
): WalkthroughMetrics {
  const minIou = options.minIou ?? 0.3;
  const ignoreBelowPx = options.ignoreBelowPx ?? 40;
  const fps = groundTruth.fps;
  const visits = new Map(groundTruth.visits.map((v) => [v.visitId, v]));

  // Ground-truth boxes by source frame.
  const boxesAt = new Map<number, Array<{ visitId: number; box: Box }>>();
  for (const v of groundTruth.visits) {
    for (const b of v.boxes) {
      let list = boxesAt.get(b.frame);
      if (!list) boxesAt.set(b.frame, (list = []));
      list.push({ visitId: v.visitId, box: b.box });
    }
  }

  // Label every observed face-frame.
  interface Labelled {
    ptsS: number;
    face: ObservedFace;
    visitId: number | null;
    /** Unmatched and small: a background pedestrian. */
    background: boolean;
  }
  const labelled: Labelled[] = [];
  const frames = [...observed.frames].sort((a, b) => a.ptsS - b.ptsS);
  for (const frame of frames) {
    const n = Math.round(frame.ptsS * fps);
    const truth = Math.abs(frame.ptsS - n / fps) <= 0.5 / fps + 1e-9 ? (boxesAt.get(n) ?? []) : [];
    const labels: Array<number | null> = frame.faces.map(() => null);
    if (truth.length > 0 && frame.faces.length > 0) {
      const costs = frame.faces.map((f) => truth.map((t) => 1 - iou(f.box, t.box)));
      // Pairs with IoU >= minIou; the ceiling is exclusive, hence the epsilon.
      const { matches } = linearAssignment(costs, { columnCount: truth.length, maxCost: 1 - minIou + 1e-9 });
      for (const [row, column] of matches) labels[row] = truth[column]!.visitId;
    }
    frame.faces.forEach((face, i) =>
      labelled.push({ ptsS: frame.ptsS, face, visitId: labels[i]!, background: labels[i] === null && face.box.height < ignoreBelowPx }),
    );
  }

  const keyOf = (personId: number | null): string | null => (personId === null ? null : personKeyOf(personId));

  // Sightings: majority label, and every visit among their faces.
  const facesOfSighting = new Map<number, Labelled[]>();
  for (const l of labelled) {
    if (l.face.sightingId === null) continue;
    let list = facesOfSighting.get(l.face.sightingId);
    if (!list) facesOfSighting.set(l.face.sightingId, (list = []));
    list.push(l);
  }
  const majorityOf = new Map<number, number | null>();
  const sightingsOfVisit = new Map<number, ObservedSighting[]>();
  let falseNames = 0, namedSightings = 0, spurious = 0, withoutFaces = 0, background = 0;
  const spuriousDetails: SpuriousDetail[] = [];
  for (const s of observed.sightings) {
    const all = facesOfSighting.get(s.id) ?? [];
    if (all.length === 0) withoutFaces++;
    const faces = all.filter((f) => !f.background);
    const counts = new Map<number | null, number>();
    for (const f of faces) counts.set(f.visitId, (counts.get(f.visitId) ?? 0) + 1);
    let best: number | null = null, bestCount = 0;
    for (const [visitId, count] of counts) {
      if (visitId === null) continue;
      if (count > bestCount || (count === bestCount && best !== null && visitId < best)) {
        best = visitId;
        bestCount = count;
      }
    }
    const majority = best !== null && bestCount >= (counts.get(null) ?? 0) ? best : null;
    majorityOf.set(s.id, majority);
    if (all.length > 0 && faces.length === 0) {
      background++;
    } else if (majority === null) {
      spurious++;
      if (options.details) spuriousDetails.push({ sightingId: s.id, faces: faces.length, name: s.personId === null ? null : keyOf(s.personId), clusterId: s.clusterId });
    } else {
      let list = sightingsOfVisit.get(majority);
      if (!list) sightingsOfVisit.set(majority, (list = []));
      list.push(s);
    }
    if (s.personId !== null) {
      namedSightings++;
      const key = keyOf(s.personId);
      const present = new Set([...counts.keys()].filter((v): v is number => v !== null).map((v) => visits.get(v)?.identityKey));
      if (key === null || !present.has(key)) falseNames++;
    }
  }

  // Per visit.
  const framesOfVisit = new Map<number, number>();
  for (const l of labelled) if (l.visitId !== null) framesOfVisit.set(l.visitId, (framesOfVisit.get(l.visitId) ?? 0) + 1);
  let memberVisits = 0, memberDetected = 0, memberNamed = 0, memberInReview = 0, memberRecognisable = 0, memberRecognisableNamed = 0;
  const recognisableVisits = new Set<number>();
  if (options.recognisable) {
    for (const l of labelled) {
      if (l.visitId === null || !l.face.embedding || recognisableVisits.has(l.visitId)) continue;
      const visit = visits.get(l.visitId);
      if (visit?.kind === 'member' && options.recognisable(visit.identityKey, l.face.embedding)) recognisableVisits.add(l.visitId);
    }
  }
  let strangerVisits = 0, strangerNamed = 0;
  let nonfaceVisits = 0, nonfacesInReview = 0;
  let returning = 0, returningLinked = 0;
  let visitsWithSightings = 0, sightingsOnVisits = 0, maxPerVisit = 0;
  const details: VisitDetail[] = [];
  for (const v of groundTruth.visits) {
    const own = sightingsOfVisit.get(v.visitId) ?? [];
    const names = own.filter((s) => s.personId !== null).map((s) => keyOf(s.personId));
    const named = own.some((s) => s.personId !== null && keyOf(s.personId) === v.identityKey);
    const inReview = own.some((s) => s.clusterId !== null);
    if (own.length > 0) {
      visitsWithSightings++;
      sightingsOnVisits += own.length;
      maxPerVisit = Math.max(maxPerVisit, own.length);
    }
    if (v.kind === 'member') {
      memberVisits++;
      if ((framesOfVisit.get(v.visitId) ?? 0) > 0) memberDetected++;
      if (named) memberNamed++;
      if (inReview) memberInReview++;
      if (recognisableVisits.has(v.visitId)) {
        memberRecognisable++;
        if (named) memberRecognisableNamed++;
      }
    } else if (v.kind === 'stranger') {
      strangerVisits++;
      if (own.some((s) => s.personId !== null)) strangerNamed++;
      if (v.returningOf !== null) {
        returning++;
        const clusters = new Set(own.map((s) => s.clusterId).filter((c): c is number => c !== null));
        const earlier = groundTruth.visits.filter((e) => e.identityKey === v.identityKey && e.visitId !== v.visitId && e.startS < v.startS);
        const linked = earlier.some((e) => (sightingsOfVisit.get(e.visitId) ?? []).some((s) => s.clusterId !== null && clusters.has(s.clusterId)));
        if (linked) returningLinked++;
      }
    } else {
      nonfaceVisits++;
      if (inReview) nonfacesInReview++;
    }
    if (options.details) {
      details.push({
        visitId: v.visitId,
        kind: v.kind,
        identityKey: v.identityKey,
        gtFrames: v.boxes.length,
        framesLabelled: framesOfVisit.get(v.visitId) ?? 0,
        sightings: own.map((s) => s.id),
        names,
        clusters: own.map((s) => s.clusterId).filter((c): c is number => c !== null),
        named,
      });
    }
  }
  for (const s of observed.sightings) {
    const isBackground = (facesOfSighting.get(s.id) ?? []).length > 0 && (facesOfSighting.get(s.id) ?? []).every((f) => f.background);
    if (majorityOf.get(s.id) === null && !isBackground && s.clusterId !== null) nonfacesInReview++;
  }

  // Identity switches within tracks and within sightings; tracks that swapped people.
  const byTrack = groupBy(labelled, (l) => l.face.trackId);
  const bySighting = groupBy(
    labelled.filter((l) => l.face.sightingId !== null),
    (l) => l.face.sightingId!,
  );
  const switches = (list: Labelled[]) => {
    let count = 0, last: number | null = null;
    for (const l of [...list].sort((a, b) => a.ptsS - b.ptsS)) {
      const p = l.face.personId;
      if (p === null) continue;
      if (last !== null && p !== last) count++;
      last = p;
    }
    return count;
  };
  let identitySwitches = 0, sightingSwitches = 0, trackSwaps = 0;
  for (const list of byTrack.values()) {
    identitySwitches += switches(list);
    const perVisit = new Map<number, number>();
    for (const l of list) if (l.visitId !== null) perVisit.set(l.visitId, (perVisit.get(l.visitId) ?? 0) + 1);
    if ([...perVisit.values()].filter((c) => c >= TRACK_SWAP_MIN_FRAMES).length >= 2) trackSwaps++;
  }
  for (const list of bySighting.values()) sightingSwitches += switches(list);

  const ratio = (a: number, b: number) => (b === 0 ? null : a / b);
  const metrics: WalkthroughMetrics = {
    member_visit_recall: ratio(memberNamed, memberVisits),
    member_visits: memberVisits,
    member_visits_detected: memberDetected,
    member_visits_named: memberNamed,
    member_visits_recognisable: options.recognisable ? memberRecognisable : null,
    member_visit_recall_recognisable: options.recognisable && memberRecognisable > 0 ? memberRecognisableNamed / memberRecognisable : null,
    false_names: falseNames,
    named_sightings: namedSightings,
    stranger_visits_falsely_named: ratio(strangerNamed, strangerVisits),
    stranger_visits: strangerVisits,
    stranger_visits_named: strangerNamed,
    sightings_per_visit: ratio(sightingsOnVisits, visitsWithSightings),
    sightings_per_visit_max: maxPerVisit,
    visits_with_sightings: visitsWithSightings,
    sightings: observed.sightings.length,
    spurious_sightings: spurious,
    background_sightings: background,
    sightings_without_faces: withoutFaces,
    recurring_strangers_linked: ratio(returningLinked, returning),
    returning_stranger_visits: returning,
    returning_stranger_visits_linked: returningLinked,
    identity_switches: identitySwitches,
    sighting_identity_switches: sightingSwitches,
    track_swaps: trackSwaps,
    member_visits_in_review: memberInReview,
    nonfaces_in_review: nonfacesInReview,
    nonface_visits: nonfaceVisits,
    face_frames: labelled.length,
    face_frames_labelled: labelled.filter((l) => l.visitId !== null).length,
    face_frames_background: labelled.filter((l) => l.background).length,
  };
  if (options.details) {
    metrics.visits = details;
    metrics.spurious = spuriousDetails;
  }
  return metrics;
}

function groupBy<T, K>(items: readonly T[], key: (item: T) => K): Map<K, T[]> {
  const out = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    let list = out.get(k);
    if (!list) out.set(k, (list = []));
    list.push(item);
  }
  return out;
}
