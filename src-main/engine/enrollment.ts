import type { PhotoCheck, PhotoOutcome } from '../../src-preload/contract.js';
import { VigilError } from './errors.js';
import type { AnalyzedFace, FaceAnalyzer } from './inference/face-analyzer.js';
import { decodeImage } from './vision/image-io.js';
import { cropFace, type RgbImage } from './vision/geometry.js';
import { qualityChecks, type QualityThresholds, ENROLLMENT_QUALITY } from './vision/face-quality.js';

/**
 * A photo to judge: its bytes, or how to read them when its turn comes (a bulk
 * import holds one file in memory at a time, however many a folder has). `read`
 * raises IMAGE_TOO_LARGE / IMAGE_UNREADABLE in plain words.
 */
export type PhotoBytes = { fileName: string; bytes: Buffer } | { fileName: string; read: () => Promise<Buffer> };

export interface AcceptedPhoto {
  fileName: string;
  face: AnalyzedFace;
  /** The face's crop (pixels around its box), kept only when asked for: remote indexing sends it (never the photo). */
  crop?: RgbImage | null;
}

/**
 * A face counts as "the" face of a photo when it is the only one, or when it
 * is at least this many times larger (area) than the next: a passer-by in the
 * background should not block an otherwise good portrait.
 */
const DOMINANT_FACE_AREA_RATIO = 2.5;

/**
 * Judges each photo for enrollment and returns the usable faces plus an
 * outcome per photo in plain words. Nothing is stored here.
 */
export async function assessEnrollmentPhotos(
  analyzer: FaceAnalyzer,
  photos: PhotoBytes[],
  thresholds: QualityThresholds = ENROLLMENT_QUALITY,
  options: { keepCrops?: boolean } = {},
): Promise<{ accepted: AcceptedPhoto[]; outcomes: PhotoOutcome[] }> {
  const accepted: AcceptedPhoto[] = [];
  const outcomes: PhotoOutcome[] = [];
  for (const photo of photos) {
    const checks: PhotoCheck[] = [];
    const skip = (code: string, reason: string) => outcomes.push({ fileName: photo.fileName, used: false, code, reason, checks });
    let decoded;
    try {
      // Read (if not in memory yet) and decode; the file's bytes are dropped right after.
      decoded = await decodeImage('bytes' in photo ? photo.bytes : await photo.read(), photo.fileName);
    } catch (error) {
      const known = error instanceof VigilError;
      const reason = known ? error.message : 'not a readable image';
      checks.push({ check: 'readable', passed: false, words: reason });
      skip(known ? error.code : 'IMAGE_UNREADABLE', reason);
      continue;
    }
    checks.push({ check: 'readable', passed: true, words: 'the photo can be read' });
    const detections = await analyzer.detect(decoded.image);
    if (detections.length === 0) {
      checks.push({ check: 'one-face', passed: false, words: 'no face found in this photo' });
      skip('NO_FACE', 'no face found in this photo');
      continue;
    }
    const bySize = [...detections].sort((a, b) => b.box.width * b.box.height - a.box.width * a.box.height);
    const [largest, second] = bySize;
    if (second && largest!.box.width * largest!.box.height < DOMINANT_FACE_AREA_RATIO * second.box.width * second.box.height) {
      const words = `${detections.length} faces of similar size found; use a photo of this person alone`;
      checks.push({ check: 'one-face', passed: false, words });
      skip('SEVERAL_FACES', words);
      continue;
    }
    checks.push({ check: 'one-face', passed: true, words: detections.length === 1 ? 'exactly one face' : 'one clear face (others are far smaller)' });
    const face = await analyzer.describe(decoded.image, largest!);
    // Judge the size in the original photo's pixels, not the decoded (possibly scaled) copy.
    const faceChecks = qualityChecks({ ...face.quality, faceSizePx: face.quality.faceSizePx * decoded.scaleToOriginal }, thresholds);
    checks.push(...faceChecks);
    const problems = faceChecks.filter((c) => !c.passed).map((c) => c.words);
    if (problems.length > 0) {
      skip('LOW_QUALITY', problems.join('; '));
      continue;
    }
    accepted.push({ fileName: photo.fileName, face, ...(options.keepCrops ? { crop: cropFace(decoded.image, face.detection.box) } : {}) });
    outcomes.push({ fileName: photo.fileName, used: true, checks });
  }
  return { accepted, outcomes };
}
