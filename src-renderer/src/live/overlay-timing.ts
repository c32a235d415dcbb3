/**
 * Which analysed faces go over the video frame on screen. Pure: no DOM, tested with tables.
 *
 * The video plays at the camera's own rate; faces come for fewer frames (the detection rate)
 * and later (inference takes time). For the displayed frame at `mediaTimeS` we take the latest
 * analysed frame at or before it (held for at most `holdS`, then nothing is drawn: stale boxes
 * mislead), and when the next analysed frame is known too, each tracked face is moved linearly
 * between its two positions, so boxes follow a walking person between analysed frames.
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
}

export interface OverlayFaces {
  faces: LiveFace[];
  width: number;
  height: number;
  /** Seconds between the displayed frame and the analysed frame the faces come from (>= 0). */
  lagS: number;
  /** Whether boxes were interpolated towards the next analysed frame. */
  interpolated: boolean;
}

export const DEFAULT_HOLD_S = 0.5;
export const DEFAULT_MAX_INTERPOLATION_GAP_S = 1;
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
  const gapS = next === null ? Infinity : next.ptsS! - previous.ptsS!;
  if (next === null || gapS > maxGapS || lagS <= SAME_TIME_S || next.width !== previous.width || next.height !== previous.height) {
    return { ...base, faces: [...previous.faces], interpolated: false };
  }
  const t = Math.min(1, lagS / gapS);
  const later = new Map<number, LiveFace>();
  for (const face of next.faces) if (face.trackId !== null) later.set(face.trackId, face);
  let interpolated = false;
  const faces = previous.faces.map((face) => {
    const to = face.trackId === null ? undefined : later.get(face.trackId);
    if (to === undefined) return face;
    interpolated = true;
    return { ...face, bbox: lerpBox(face.bbox, to.bbox, t) };
  });
  return { ...base, faces, interpolated };
}

function lerpBox(a: LiveFace['bbox'], b: LiveFace['bbox'], t: number): LiveFace['bbox'] {
  const lerp = (from: number, to: number) => from + (to - from) * t;
  return { x: lerp(a.x, b.x), y: lerp(a.y, b.y), width: lerp(a.width, b.width), height: lerp(a.height, b.height) };
}
