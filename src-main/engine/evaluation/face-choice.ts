/**
 * Which face of an evaluation photo to use, and what to do when none is found
 * (pure).
 *
 * LFW photos are centred on the labelled person but often show other people
 * too, so the face whose box centre is closest to the image centre is used.
 * When the detector finds nothing even at a lowered score threshold, the
 * photo counts as "no_face" and is aligned with fixed landmarks: the mean
 * landmark positions (relative to the image size) of all faces found in the
 * same run, i.e. where an LFW face usually is; DEFAULT_RELATIVE_LANDMARKS if
 * the run found no face at all.
 */
import type { Box, Detection, Landmarks } from '../vision/geometry.js';

export function boxCentreDistance(box: Box, width: number, height: number): number {
  return Math.hypot(box.x + box.width / 2 - width / 2, box.y + box.height / 2 - height / 2);
}

/** The detection closest to the image centre; the earlier (higher-scoring) one on a tie. */
export function pickCentralDetection<T extends Pick<Detection, 'box'>>(detections: readonly T[], width: number, height: number): T | null {
  let chosen: T | null = null, chosenDistance = Infinity;
  for (const d of detections) {
    const distance = boxCentreDistance(d.box, width, height);
    if (distance < chosenDistance) {
      chosen = d;
      chosenDistance = distance;
    }
  }
  return chosen;
}

/**
 * Mean landmarks that yunet_s_dynamic finds on the 7,701 photos of the LFW
 * pairs (150x150), as fractions of width and height (measured with
 * `npm run eval -- lfw`); used only when a run found no face at all.
 */
export const DEFAULT_RELATIVE_LANDMARKS: Landmarks = [
  [0.4164, 0.4493],
  [0.5902, 0.4485],
  [0.501, 0.5484],
  [0.4292, 0.6261],
  [0.5757, 0.6257],
];

export interface LandmarkSample {
  landmarks: Landmarks;
  width: number;
  height: number;
}

/** Mean landmark positions as fractions of the image size; null without samples. */
export function meanRelativeLandmarks(samples: readonly LandmarkSample[]): Landmarks | null {
  const first = samples[0];
  if (!first) return null;
  const sums = first.landmarks.map(() => [0, 0] as [number, number]);
  for (const s of samples) {
    if (s.landmarks.length !== sums.length) throw new RangeError('landmark samples differ in their number of points');
    s.landmarks.forEach(([x, y], i) => {
      sums[i]![0] += x / s.width;
      sums[i]![1] += y / s.height;
    });
  }
  return sums.map(([x, y]) => [x / samples.length, y / samples.length]);
}

/** Relative landmarks placed on a width x height image, with the detection box they span. */
export function templateDetection(relative: Landmarks, width: number, height: number): Detection {
  const landmarks = relative.map(([x, y]) => [x * width, y * height] as [number, number]);
  const xs = landmarks.map((p) => p[0]), ys = landmarks.map((p) => p[1]);
  const x = Math.min(...xs), y = Math.min(...ys);
  return { score: 0, box: { x, y, width: Math.max(...xs) - x, height: Math.max(...ys) - y }, landmarks };
}
