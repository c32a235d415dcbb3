import { VigilError } from '../errors.js';
import { type DetectorManifest, findModel, type Manifest, verifyInstalledModel } from '../models/manifest.js';
import { assessFaceQuality, type FaceQuality } from '../vision/face-quality.js';
import { alignFace112, type Box, type Detection, iou, type RgbImage } from '../vision/geometry.js';
import { type FaceDetector, OnnxYunetDetector, planDetectorInput } from './detector.js';
import { type FaceEmbedder, OnnxArcfaceEmbedder } from './embedder.js';
import type { ExecutionProviderName } from './onnx-session.js';

export interface AnalyzerOptions {
  manifest: Manifest;
  modelsDir: string;
  detectorId?: string;
  embedderId?: string;
  executionProvider?: ExecutionProviderName;
  intraOpNumThreads?: number;
}

export interface AnalyzedFace {
  detection: Detection;
  embedding: Float32Array;
  /** Length of the embedder's raw output: short for blurs and things that are not faces. */
  embeddingNorm: number;
  quality: FaceQuality;
}

/**
 * Detect -> align -> embed, with the models named by the manifest. One per
 * thread: ONNX sessions are not shared between workers.
 */
/**
 * Landmarks of a face that was small in the detector's input are placed again on a crop
 * around it, detected at this side: a 60 px face in a 720p frame is ~30 px at the 640 px
 * the frame is detected at, where a landmark is off by a pixel or two, which costs the
 * embedding ~0.03 of cosine similarity (measured on the walk-through scenes).
 */
export const REFINE_INPUT_SIDE = 192;
/** Crop side around the face box, in face sizes (room for the detector's context). */
const REFINE_CROP_FACTOR = 2.2;
/** Faces at least this big in the detector's input need no second look. */
const REFINE_BELOW_INPUT_PX = 80;

export class FaceAnalyzer {
  private constructor(
    readonly detector: FaceDetector,
    readonly embedder: FaceEmbedder,
    private readonly detectorManifest: DetectorManifest | null = null,
  ) {}

  /** Verifies the model files (checksums) and loads them; MODEL_MISSING / MODEL_CORRUPT otherwise. */
  static async load(options: AnalyzerOptions): Promise<FaceAnalyzer> {
    const detectorManifest = findModel(options.manifest, options.detectorId ?? options.manifest.defaults.detector, 'detector');
    const embedderManifest = findModel(options.manifest, options.embedderId ?? options.manifest.defaults.embedder, 'embedder');
    for (const model of [detectorManifest, embedderManifest]) {
      const problem = await verifyInstalledModel(options.modelsDir, model);
      if (problem) throw new VigilError(problem.code, problem.message);
    }
    const sessionOptions = {
      executionProvider: options.executionProvider ?? 'cpu',
      intraOpNumThreads: options.intraOpNumThreads ?? 1,
    };
    const detector = await OnnxYunetDetector.load(detectorManifest, options.modelsDir, sessionOptions);
    const embedder = await OnnxArcfaceEmbedder.load(embedderManifest, options.modelsDir, sessionOptions);
    return new FaceAnalyzer(detector, embedder, detectorManifest);
  }

  /** Why the configured execution provider was not used, if it was not. */
  get fallbackReason(): string | null {
    return this.detector.fallbackReason ?? this.embedder.fallbackReason;
  }

  get provider(): ExecutionProviderName {
    return this.detector.provider === this.embedder.provider ? this.detector.provider : this.embedder.provider;
  }

  detect(image: RgbImage): Promise<Detection[]> {
    return this.detector.detect(image);
  }

  /** Quality of a detected face from its aligned crop; cheap (no embedding). */
  assess(image: RgbImage, detection: Detection): FaceQuality {
    return assessFaceQuality(detection, alignFace112(image, detection.landmarks));
  }

  /**
   * The detection with its landmarks placed again on a crop around the face, when the face was
   * small in the detector's input (see REFINE_INPUT_SIDE); otherwise, or when the crop finds no
   * matching face, the detection as it was. The box and score stay the original ones.
   */
  async refineLandmarks(image: RgbImage, detection: Detection): Promise<Detection> {
    if (!this.detectorManifest) return detection;
    const { scale } = planDetectorInput(this.detectorManifest, image.width, image.height);
    const sizeInInput = Math.min(detection.box.width, detection.box.height) * scale;
    if (sizeInInput >= REFINE_BELOW_INPUT_PX) return detection;
    const side = Math.max(8, Math.round(Math.max(detection.box.width, detection.box.height) * REFINE_CROP_FACTOR));
    const x0 = Math.round(detection.box.x + detection.box.width / 2 - side / 2);
    const y0 = Math.round(detection.box.y + detection.box.height / 2 - side / 2);
    const crop = cropWithEdges(image, x0, y0, side);
    const inCrop: Box = { x: detection.box.x - x0, y: detection.box.y - y0, width: detection.box.width, height: detection.box.height };
    let best: Detection | null = null;
    let bestOverlap = 0.4;
    for (const candidate of await this.detector.detect(crop, { maxSide: REFINE_INPUT_SIDE })) {
      const overlap = iou(candidate.box, inCrop);
      if (overlap >= bestOverlap) {
        best = candidate;
        bestOverlap = overlap;
      }
    }
    if (!best) return detection;
    return { ...detection, landmarks: best.landmarks.map(([x, y]) => [x + x0, y + y0] as [number, number]) };
  }

  async describe(image: RgbImage, detection: Detection): Promise<AnalyzedFace> {
    return this.describeAligned(image, await this.refineLandmarks(image, detection));
  }

  private async describeAligned(image: RgbImage, detection: Detection): Promise<AnalyzedFace> {
    const aligned = alignFace112(image, detection.landmarks);
    const { embedding, rawNorm } = await this.embedder.embedWithNorm(aligned);
    return { detection, embedding, embeddingNorm: rawNorm, quality: assessFaceQuality(detection, aligned) };
  }

  async analyze(image: RgbImage): Promise<AnalyzedFace[]> {
    const detections = await this.detect(image);
    const faces: AnalyzedFace[] = [];
    for (const detection of detections) faces.push(await this.describe(image, detection));
    return faces;
  }

  async dispose(): Promise<void> {
    await Promise.all([this.detector.dispose(), this.embedder.dispose()]);
  }
}

/** A square crop; pixels outside the image repeat its edge (the detector sees no black frame). */
function cropWithEdges(image: RgbImage, x0: number, y0: number, side: number): RgbImage {
  const data = new Uint8Array(side * side * 3);
  for (let y = 0; y < side; y++) {
    const sy = Math.min(image.height - 1, Math.max(0, y0 + y));
    for (let x = 0; x < side; x++) {
      const sx = Math.min(image.width - 1, Math.max(0, x0 + x));
      const from = (sy * image.width + sx) * 3, to = (y * side + x) * 3;
      data[to] = image.data[from]!;
      data[to + 1] = image.data[from + 1]!;
      data[to + 2] = image.data[from + 2]!;
    }
  }
  return { width: side, height: side, data };
}
