/**
 * Which analysed faces go over the video frame on screen. Pure: no DOM, tested with tables.
 *
 * The video plays at the camera's own rate; faces come for fewer frames (the detection rate)
 * and later (inference takes time). For the displayed frame at `mediaTimeS` we take the latest
 * analysed frame at or before it (held for at most `holdS`, then nothing is drawn: stale boxes
 * mislead), and when a later analysed frame is known too, each tracked face is moved linearly
 * between its sightings before and after, so boxes follow a walking person between analysed
 * frames, also across a frame or two where the detector missed the face.
 * When the video on screen is newer than the newest analysed frame (analysis running late), each
 * tracked face is moved on along its recent motion for a short while (predicted, at most
 * `maxPredictS`) rather than left where the person was: at 10 analysed frames per second a walker
 * moves 20-40 px per frame, so a box held for 300 ms sits beside the face, not on it.
 */
import type { LiveFace } from '../../../src-preload/contract';

export interface TimedFaces {
  /** Presentation time of the analysed frame in the video (s); entries without one are ignored. */
  ptsS: number | null;
  faces: readonly LiveFace[];
  /** Size of the analysed frame: the coordinate space of the boxes. */
  width: number;
  height: number;
}

export interface OverlayTimingOptions {
  /** How long an analysed frame's faces stay on screen without a newer one (default 0.5 s). */
  holdS?: number;
  /** Two analysed frames further apart than this are not interpolated between (default 1 s). */
  maxInterpolationGapS?: number;
  /** Longest a face is moved on past its newest analysed frame (default 0.3 s); 0 holds it instead. */
  maxPredictS?: number;
}

export interface OverlayFaces {
  faces: LiveFace[];
  width: number;
  height: number;
  /** Seconds between the displayed frame and the analysed frame the faces come from (>= 0). */
  lagS: number;
  /** Whether boxes were interpolated towards the next analysed frame. */
  interpolated: boolean;
  /** Whether boxes were moved on past the newest analysed frame along their motion (see maxPredictS). */
  predicted?: boolean;
  /**
   * Whether the displayed frame is newer than the newest analysed frame (the video ahead of the
   * analysis): its boxes can then only be held or predicted, not placed for its own time.
   */
  ahead?: boolean;
}

export const DEFAULT_HOLD_S = 0.5;
export const DEFAULT_MAX_INTERPOLATION_GAP_S = 1;
export const DEFAULT_MAX_PREDICT_S = 0.3;
/**
 * The motion is measured from an analysed frame about this long before the newest one (not the
 * one just before: a longer baseline keeps detection jitter from being magnified).
 */
const PREDICT_BASELINE_S = 0.3;
/** Timestamps round-trip through ms-precision containers: a frame this close counts as "at" it. */
const SAME_TIME_S = 0.001;

/**
 * A sub-stream's frames carry their own clock, unrelated to the analysed (main) stream's times, so
 * its overlay cannot be matched by time: it is the newest analysed frame's faces, as they arrive
 * (boxes then trail by the analysis latency). Null without any. `history` is oldest first.
 */
export function newestFaces(history: readonly TimedFaces[]): Omit<OverlayFaces, 'lagS'> | null {
  const newest = history[history.length - 1];
  return newest === undefined ? null : { faces: [...newest.faces], width: newest.width, height: newest.height, interpolated: false };
}

/** Faces to draw at `mediaTimeS`, or null when none apply. `history` may be in any order. */
export function facesAt(history: readonly TimedFaces[], mediaTimeS: number, options: OverlayTimingOptions = {}): OverlayFaces | null {
  if (!Number.isFinite(mediaTimeS)) return null;
  const holdS = options.holdS ?? DEFAULT_HOLD_S;
  const maxGapS = options.maxInterpolationGapS ?? DEFAULT_MAX_INTERPOLATION_GAP_S;
  let previous: TimedFaces | null = null;
  let next: TimedFaces | null = null;
  for (const entry of history) {
    const pts = entry.ptsS;
    if (pts === null || !Number.isFinite(pts)) continue;
    if (pts <= mediaTimeS + SAME_TIME_S) {
      if (previous === null || pts > previous.ptsS!) previous = entry;
    } else if (next === null || pts < next.ptsS!) next = entry;
  }
  if (previous === null) return null;
  const lagS = Math.max(0, mediaTimeS - previous.ptsS!);
  if (lagS > holdS) return null;
  const base = { width: previous.width, height: previous.height, lagS };
  if (next === null) return predictFrom(history, previous, lagS, Math.min(options.maxPredictS ?? DEFAULT_MAX_PREDICT_S, holdS), maxGapS);
  if (lagS <= SAME_TIME_S) return { ...base, faces: [...previous.faces], interpolated: false };
  const { before, after } = trackSightings(history, previous, mediaTimeS, maxGapS);
  let interpolated = false;
  const between = (from: { ptsS: number; face: LiveFace }, to: { ptsS: number; face: LiveFace }) => {
    interpolated = true;
    return { ...from.face, bbox: lerpBox(from.face.bbox, to.face.bbox, Math.min(1, (mediaTimeS - from.ptsS) / (to.ptsS - from.ptsS))) };
  };
  // Faces of the analysed frame on screen: placed between their sightings before and after, or held.
  const faces = previous.faces.map((face) => {
    const to = face.trackId === null ? undefined : after.get(face.trackId);
    return to === undefined ? face : between({ ptsS: previous.ptsS!, face }, to);
  });
  // A tracked face the detector missed in that frame but saw before and after it: bridged, not blinking off.
  for (const [trackId, from] of before) {
    if (from.ptsS === previous.ptsS) continue;
    const to = after.get(trackId);
    if (to !== undefined && to.ptsS - from.ptsS <= maxGapS) faces.push(between(from, to));
  }
  return { ...base, faces, interpolated };
}

/**
 * Per track, its newest sighting at or before `previous` (within maxGapS of the displayed time) and
 * its first after `mediaTimeS` (within maxGapS of the sighting before it, or of `previous`), in
 * analysed frames of `previous`'s size. A track missing from the frame just before or just after
 * (the detector missed a face for a frame or two; the tracker kept it) is still matched.
 */
function trackSightings(history: readonly TimedFaces[], previous: TimedFaces, mediaTimeS: number, maxGapS: number) {
  const before = new Map<number, { ptsS: number; face: LiveFace }>();
  const after = new Map<number, { ptsS: number; face: LiveFace }>();
  for (const entry of history) {
    const pts = entry.ptsS;
    if (pts === null || !Number.isFinite(pts) || entry.width !== previous.width || entry.height !== previous.height) continue;
    const isBefore = pts <= previous.ptsS!;
    if (isBefore ? mediaTimeS - pts > maxGapS : pts <= mediaTimeS + SAME_TIME_S || pts - previous.ptsS! > maxGapS) continue;
    const into = isBefore ? before : after;
    for (const face of entry.faces) {
      if (face.trackId === null) continue;
      const known = into.get(face.trackId);
      if (known === undefined || (isBefore ? pts > known.ptsS : pts < known.ptsS)) into.set(face.trackId, { ptsS: pts, face });
    }
  }
  return { before, after };
}

/**
 * No newer analysed frame: each tracked face of `latest` moved on along its motion since an
 * earlier analysed frame (the one nearest PREDICT_BASELINE_S before it, within maxGapS), for
 * min(lagS, maxPredictS). Faces without that history are held.
 */
function predictFrom(history: readonly TimedFaces[], latest: TimedFaces, lagS: number, maxPredictS: number, maxGapS: number): OverlayFaces {
  const held: OverlayFaces = { faces: [...latest.faces], width: latest.width, height: latest.height, lagS, interpolated: false, ahead: lagS > SAME_TIME_S };
  if (lagS <= SAME_TIME_S || maxPredictS <= 0) return held;
  let earlier: TimedFaces | null = null;
  for (const entry of history) {
    const pts = entry.ptsS;
    if (pts === null || !Number.isFinite(pts) || entry.width !== latest.width || entry.height !== latest.height) continue;
    const before = latest.ptsS! - pts;
    if (before <= SAME_TIME_S || before > maxGapS) continue;
    if (earlier === null || Math.abs(before - PREDICT_BASELINE_S) < Math.abs(latest.ptsS! - earlier.ptsS! - PREDICT_BASELINE_S)) earlier = entry;
  }
  if (earlier === null) return held;
  const spanS = latest.ptsS! - earlier.ptsS!;
  const from = new Map<number, LiveFace>();
  for (const face of earlier.faces) if (face.trackId !== null) from.set(face.trackId, face);
  const aheadS = Math.min(lagS, maxPredictS);
  let predicted = false;
  const faces = latest.faces.map((face) => {
    const start = face.trackId === null ? undefined : from.get(face.trackId);
    if (start === undefined) return face;
    predicted = true;
    // The centre moves on at its measured velocity; the size stays (a growing or shrinking box
    // extrapolated could turn inside out).
    const [a, b] = [boxCentre(start.bbox), boxCentre(face.bbox)];
    const dx = ((b.x - a.x) / spanS) * aheadS;
    const dy = ((b.y - a.y) / spanS) * aheadS;
    return { ...face, bbox: { ...face.bbox, x: face.bbox.x + dx, y: face.bbox.y + dy } };
  });
  return predicted ? { ...held, faces, predicted } : held;
}

function boxCentre(box: LiveFace['bbox']): { x: number; y: number } {
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

function lerpBox(a: LiveFace['bbox'], b: LiveFace['bbox'], t: number): LiveFace['bbox'] {
  const lerp = (from: number, to: number) => from + (to - from) * t;
  return { x: lerp(a.x, b.x), y: lerp(a.y, b.y), width: lerp(a.width, b.width), height: lerp(a.height, b.height) };
}
