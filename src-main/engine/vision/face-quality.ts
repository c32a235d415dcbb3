import type { PhotoCheck } from '../../../src-preload/contract.js';
import type { Detection, RgbImage } from './geometry.js';

/**
 * Face quality from size, sharpness, pose and exposure. Pure: it reads the
 * detection and the aligned 112x112 crop only. Used to pick the best frame of
 * a track and to tell an HR clerk, in plain words, why a photo is not good enough.
 */
export interface FaceQuality {
  /** Shorter side of the face box in source pixels. */
  faceSizePx: number;
  /** Variance of the Laplacian of the aligned crop's luma: low = blurry. */
  sharpness: number;
  /** Nose offset from the eye midpoint, in inter-eye distances: ~0 frontal, >0.35 strongly turned. */
  yawRatio: number;
  /** Eye-line angle in degrees. */
  rollDegrees: number;
  /** Mean luma (0..255) of the crop's central region. */
  brightness: number;
  /** 0..1 combined score for choosing between frames of one person. */
  score: number;
}

export interface QualityThresholds {
  minFaceSizePx: number;
  minSharpness: number;
  maxYawRatio: number;
  minBrightness: number;
  maxBrightness: number;
}

export const ENROLLMENT_QUALITY: QualityThresholds = {
  minFaceSizePx: 40,
  minSharpness: 15,
  maxYawRatio: 0.45,
  minBrightness: 40,
  maxBrightness: 225,
};

export function assessFaceQuality(detection: Detection, aligned: RgbImage): FaceQuality {
  const [rightEye, leftEye, nose] = detection.landmarks as [[number, number], [number, number], [number, number]];
  const eyeMidX = (rightEye[0] + leftEye[0]) / 2, eyeMidY = (rightEye[1] + leftEye[1]) / 2;
  const eyeDx = leftEye[0] - rightEye[0], eyeDy = leftEye[1] - rightEye[1];
  const eyeDistance = Math.hypot(eyeDx, eyeDy) || 1;
  // Project the nose offset on the eye line: sideways displacement means a turned head.
  const yawRatio = Math.abs(((nose[0] - eyeMidX) * eyeDx + (nose[1] - eyeMidY) * eyeDy) / (eyeDistance * eyeDistance));
  const rollDegrees = (Math.atan2(eyeDy, eyeDx) * 180) / Math.PI;

  const { data, width, height } = aligned;
  // One luma plane first, then the Laplacian over it (5 reads per pixel instead of 5 luma conversions).
  const lumaPlane = new Float32Array(width * height);
  for (let i = 0, p = 0; p < lumaPlane.length; p++, i += 3) lumaPlane[p] = 0.299 * data[i]! + 0.587 * data[i + 1]! + 0.114 * data[i + 2]!;
  let lapSum = 0, lapSq = 0, count = 0, brightSum = 0, brightCount = 0;
  const x0 = width / 4, x1 = (3 * width) / 4, y0 = height / 4, y1 = (3 * height) / 4;
  for (let y = 1; y < height - 1; y++) {
    const inBand = y > y0 && y < y1;
    for (let x = 1; x < width - 1; x++) {
      const p = y * width + x;
      const centre = lumaPlane[p]!;
      const lap = lumaPlane[p - 1]! + lumaPlane[p + 1]! + lumaPlane[p - width]! + lumaPlane[p + width]! - 4 * centre;
      lapSum += lap; lapSq += lap * lap; count++;
      if (inBand && x > x0 && x < x1) {
        brightSum += centre; brightCount++;
      }
    }
  }
  const lapMean = lapSum / count;
  const sharpness = lapSq / count - lapMean * lapMean;
  const brightness = brightSum / Math.max(1, brightCount);
  const faceSizePx = Math.min(detection.box.width, detection.box.height);

  const sizeTerm = Math.min(1, faceSizePx / 112);
  const sharpTerm = Math.min(1, sharpness / 300);
  const poseTerm = Math.max(0, 1 - yawRatio / 0.5);
  const exposureTerm = brightness < 40 || brightness > 225 ? 0.3 : 1;
  const score = detection.score * (0.35 * sizeTerm + 0.25 * sharpTerm + 0.4 * poseTerm) * exposureTerm;
  return { faceSizePx, sharpness, yawRatio, rollDegrees, brightness, score };
}

/** Each enrollment check of a face, passed or not, in plain words an HR clerk can act on. */
export function qualityChecks(quality: FaceQuality, thresholds: QualityThresholds = ENROLLMENT_QUALITY): PhotoCheck[] {
  const size = Math.round(quality.faceSizePx);
  const tooDark = quality.brightness < thresholds.minBrightness;
  const tooBright = quality.brightness > thresholds.maxBrightness;
  return [
    size >= thresholds.minFaceSizePx
      ? { check: 'size', passed: true, words: `the face is large enough (${size} px)` }
      : { check: 'size', passed: false, words: `the face is too small (${size} px; at least ${thresholds.minFaceSizePx} px needed)` },
    quality.sharpness >= thresholds.minSharpness
      ? { check: 'sharpness', passed: true, words: 'the face is sharp' }
      : { check: 'sharpness', passed: false, words: 'the face is blurry' },
    quality.yawRatio <= thresholds.maxYawRatio
      ? { check: 'pose', passed: true, words: 'the face looks at the camera' }
      : { check: 'pose', passed: false, words: 'the face is turned away; look at the camera' },
    tooDark
      ? { check: 'exposure', passed: false, words: 'the photo is too dark' }
      : tooBright
        ? { check: 'exposure', passed: false, words: 'the photo is too bright' }
        : { check: 'exposure', passed: true, words: 'the lighting is good' },
  ];
}

/** Plain-words problems with a face for enrollment; empty when the face is good enough. */
export function qualityProblems(quality: FaceQuality, thresholds: QualityThresholds = ENROLLMENT_QUALITY): string[] {
  return qualityChecks(quality, thresholds)
    .filter((c) => !c.passed)
    .map((c) => c.words);
}
