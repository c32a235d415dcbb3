import { join } from 'node:path';
import type { DetectorManifest } from '../models/manifest.js';
import { type Detection, type RgbImage, resizeBilinear } from '../vision/geometry.js';
import { createOnnxSession, ort, type ExecutionProviderName, type SessionOptions } from './onnx-session.js';
import { imageToTensor, resizeIntoTensor } from './tensor.js';
import { SerialQueue } from '../util/serial-queue.js';
import { decodeYunet, type YunetStrideOutput } from './yunet-decoder.js';

/** A face detector: finds faces and their five landmarks in an RGB image (image coordinates). */
export interface FaceDetector {
  readonly id: string;
  readonly provider: ExecutionProviderName;
  /** Why the configured execution provider was not used (null when it was). */
  readonly fallbackReason: string | null;
  detect(image: RgbImage, options?: DetectOptions): Promise<Detection[]>;
  dispose(): Promise<void>;
}

export interface DetectOptions {
  scoreThreshold?: number;
  /**
   * Any-size models only: fit the image to this long side instead of the manifest's (e.g. a
   * small crop around one face, to place its landmarks more precisely, at a fraction of the cost).
   */
  maxSide?: number;
}

/** How an image is fitted into the network input: scale factor and tensor size. */
export function planDetectorInput(manifest: DetectorManifest, width: number, height: number, maxSide?: number) {
  const manifestSize = manifest.input.size;
  const size = manifestSize.kind === 'dynamic' && maxSide !== undefined ? { ...manifestSize, maxSide } : manifestSize;
  if (size.kind === 'fixed') {
    // Letterbox: keep the aspect ratio, pad right/bottom.
    const scale = Math.min(size.width / width, size.height / height);
    return { scale, tensorWidth: size.width, tensorHeight: size.height };
  }
  const fit = size.maxSide / Math.max(width, height);
  const scale = size.upscaleSmall ? fit : Math.min(1, fit);
  const roundUp = (v: number) => Math.max(size.multipleOf, Math.ceil(v / size.multipleOf) * size.multipleOf);
  return { scale, tensorWidth: roundUp(width * scale), tensorHeight: roundUp(height * scale) };
}

export class OnnxYunetDetector implements FaceDetector {
  readonly id: string;
  readonly provider: ExecutionProviderName;
  /** Tensor buffers reused call after call, one per input size (frames and face crops differ). */
  private readonly tensorBuffers = new Map<number, Float32Array>();
  private readonly calls = new SerialQueue();

  private constructor(
    private readonly manifest: DetectorManifest,
    private readonly session: ort.InferenceSession,
    provider: ExecutionProviderName,
    readonly fallbackReason: string | null,
  ) {
    this.id = manifest.id;
    this.provider = provider;
  }

  static async load(manifest: DetectorManifest, modelsDir: string, options: SessionOptions): Promise<OnnxYunetDetector> {
    const loaded = await createOnnxSession(join(modelsDir, manifest.file), {
      ...options,
      graphOptimizationLevel: manifest.runtime.graphOptimizationLevel,
    });
    return new OnnxYunetDetector(manifest, loaded.session, loaded.provider, loaded.fallbackReason);
  }

  detect(image: RgbImage, options: DetectOptions = {}): Promise<Detection[]> {
    return this.calls.run(() => this.detectNow(image, options));
  }

  private async detectNow(image: RgbImage, options: DetectOptions): Promise<Detection[]> {
    const { scale, tensorWidth, tensorHeight } = planDetectorInput(this.manifest, image.width, image.height, options.maxSide);
    const scaledWidth = Math.max(1, Math.round(image.width * scale));
    const scaledHeight = Math.max(1, Math.round(image.height * scale));
    const length = tensorWidth * tensorHeight * 3;
    // Reused frame after frame (ort reads it during run only); a few sizes at most.
    let tensorBuffer = this.tensorBuffers.get(length);
    if (!tensorBuffer) {
      if (this.tensorBuffers.size >= 4) this.tensorBuffers.clear();
      tensorBuffer = new Float32Array(length);
      this.tensorBuffers.set(length, tensorBuffer);
    }
    const data =
      (scaledWidth !== image.width || scaledHeight !== image.height) && this.manifest.input.layout === 'NCHW'
        ? resizeIntoTensor(image, scaledWidth, scaledHeight, this.manifest.input, tensorWidth, tensorHeight, tensorBuffer)
        : imageToTensor(
            scaledWidth === image.width && scaledHeight === image.height ? image : resizeBilinear(image, scaledWidth, scaledHeight),
            this.manifest.input,
            tensorWidth,
            tensorHeight,
            tensorBuffer,
          );
    const input = new ort.Tensor('float32', data, [1, 3, tensorHeight, tensorWidth]);
    const results = await this.session.run({ [this.session.inputNames[0]!]: input });
    const strides: YunetStrideOutput[] = this.manifest.decoder.strides.map((stride) => {
      const get = (name: string) => {
        const tensor = results[`${name}_${stride}`];
        if (!tensor) throw new Error(`detector output ${name}_${stride} missing`);
        return tensor.data as Float32Array;
      };
      return { stride, cls: get('cls'), obj: get('obj'), bbox: get('bbox'), kps: get('kps') };
    });
    const detections = decodeYunet(strides, {
      inputWidth: tensorWidth,
      inputHeight: tensorHeight,
      scoreThreshold: options.scoreThreshold ?? this.manifest.decoder.scoreThreshold,
      nmsIouThreshold: this.manifest.decoder.nmsIouThreshold,
    });
    // Back to image coordinates, clipped to the image.
    const inv = 1 / scale;
    return detections
      .map((d) => {
        const x1 = Math.max(0, d.box.x * inv), y1 = Math.max(0, d.box.y * inv);
        const x2 = Math.min(image.width, (d.box.x + d.box.width) * inv);
        const y2 = Math.min(image.height, (d.box.y + d.box.height) * inv);
        return {
          score: d.score,
          box: { x: x1, y: y1, width: x2 - x1, height: y2 - y1 },
          landmarks: d.landmarks.map(([x, y]) => [x * inv, y * inv] as [number, number]),
        };
      })
      .filter((d) => d.box.width > 1 && d.box.height > 1);
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }
}
