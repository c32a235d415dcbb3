import { VigilError } from '../errors.js';
import { findModel, type Manifest, verifyInstalledModel } from '../models/manifest.js';
import { assessFaceQuality, type FaceQuality } from '../vision/face-quality.js';
import { alignFace112, type Detection, type RgbImage } from '../vision/geometry.js';
import { type FaceDetector, OnnxYunetDetector } from './detector.js';
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
export class FaceAnalyzer {
  private constructor(
    readonly detector: FaceDetector,
    readonly embedder: FaceEmbedder,
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
    return new FaceAnalyzer(detector, embedder);
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

  async describe(image: RgbImage, detection: Detection): Promise<AnalyzedFace> {
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
