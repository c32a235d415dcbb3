import { join } from 'node:path';
import type { EmbedderManifest } from '../models/manifest.js';
import { type RgbImage, l2Normalize } from '../vision/geometry.js';
import { createOnnxSession, ort, type ExecutionProviderName, type SessionOptions } from './onnx-session.js';
import { imageToTensor } from './tensor.js';
import { SerialQueue } from '../util/serial-queue.js';

/** A face embedder: an aligned 112x112 face in, an L2-normalised vector out. */
export interface FaceEmbedder {
  readonly id: string;
  readonly dimension: number;
  readonly provider: ExecutionProviderName;
  /** Why the configured execution provider was not used (null when it was). */
  readonly fallbackReason: string | null;
  embed(aligned: RgbImage): Promise<Float32Array>;
  /**
   * The embedding and the length of the raw vector before normalisation: ArcFace-type
   * models give faces a long raw vector and blurs or non-faces a short one, so the norm
   * tells "is this a usable face" (see the manifest's `faceNormThreshold`).
   */
  embedWithNorm(aligned: RgbImage): Promise<EmbeddedFace>;
  dispose(): Promise<void>;
}

export interface EmbeddedFace {
  /** L2-normalised. */
  embedding: Float32Array;
  /** Euclidean length of the model's output before normalisation. */
  rawNorm: number;
}

export class OnnxArcfaceEmbedder implements FaceEmbedder {
  readonly id: string;
  readonly dimension: number;
  readonly provider: ExecutionProviderName;
  private readonly tensorData: Float32Array;
  private readonly calls = new SerialQueue();

  private constructor(
    private readonly manifest: EmbedderManifest,
    private readonly session: ort.InferenceSession,
    provider: ExecutionProviderName,
    readonly fallbackReason: string | null,
  ) {
    this.id = manifest.id;
    this.dimension = manifest.embeddingSize;
    this.provider = provider;
    this.tensorData = new Float32Array(3 * 112 * 112);
  }

  static async load(manifest: EmbedderManifest, modelsDir: string, options: SessionOptions): Promise<OnnxArcfaceEmbedder> {
    const loaded = await createOnnxSession(join(modelsDir, manifest.file), {
      ...options,
      graphOptimizationLevel: manifest.runtime.graphOptimizationLevel,
    });
    return new OnnxArcfaceEmbedder(manifest, loaded.session, loaded.provider, loaded.fallbackReason);
  }

  async embed(aligned: RgbImage): Promise<Float32Array> {
    return (await this.embedWithNorm(aligned)).embedding;
  }

  embedWithNorm(aligned: RgbImage): Promise<EmbeddedFace> {
    if (aligned.width !== 112 || aligned.height !== 112) return Promise.reject(new Error('embedder expects a 112x112 aligned face'));
    return this.calls.run(() => this.embedNow(aligned));
  }

  private async embedNow(aligned: RgbImage): Promise<EmbeddedFace> {
    imageToTensor(aligned, this.manifest.input, 112, 112, this.tensorData);
    const input = new ort.Tensor('float32', this.tensorData, [1, 3, 112, 112]);
    const results = await this.session.run({ [this.session.inputNames[0]!]: input });
    const output = results[this.session.outputNames[0]!];
    if (!output) throw new Error('embedder produced no output');
    const vector = Float32Array.from(output.data as Float32Array);
    if (vector.length !== this.dimension) {
      throw new Error(`embedder ${this.id} produced ${vector.length} values, manifest says ${this.dimension}`);
    }
    let squares = 0;
    for (let i = 0; i < vector.length; i++) squares += vector[i]! * vector[i]!;
    return { embedding: l2Normalize(vector), rawNorm: Math.sqrt(squares) };
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }
}
