import type { Manifest } from '../models/manifest.js';
import { FrameRing } from '../video/frame-ring.js';
import type { Detection, RgbImage } from '../vision/geometry.js';
import { MAX_DECODE_SIDE } from '../vision/image-io.js';
import { InferencePool } from './inference-pool.js';
import type { ExecutionProviderName } from './onnx-session.js';

export interface PhotoFace {
  detection: Detection;
  /** 0..1 from size, sharpness, pose and exposure (as for live faces). */
  quality: number;
  embedding: Float32Array;
}

export interface PhotoInferenceOptions {
  manifest: Manifest;
  modelsDir: string;
  detectorId: string;
  embedderId: string;
  executionProvider: ExecutionProviderName;
  /** Workers (one per core by default in the engine). */
  size: number;
  onWorkerRestart?: (reason: string, restarts: number) => void;
}

/** A decoded photo is at most MAX_DECODE_SIDE on its long side (see image-io.ts): one slot holds any of them. */
const PHOTO_SLOT_BYTES = MAX_DECODE_SIDE * MAX_DECODE_SIDE * 3;
/** A photo can take a minute on a slow machine with big images; a stuck worker is still replaced. */
const PHOTO_JOB_TIMEOUT_MS = 60_000;

/**
 * Photos (CLI identify and verify) analysed in inference workers, as live
 * frames are, never on the main thread: the decoded photo is copied into a
 * shared-memory slot, a worker finds its faces, and the faces are embedded
 * across the workers. Two slots per worker, so the next photo is decoded while
 * the workers run; a caller beyond that waits for a free slot (bounded memory
 * however many photos a script passes).
 */
export class PhotoInference {
  private readonly waiting: Array<() => void> = [];

  private constructor(
    private readonly pool: InferencePool,
    private readonly ring: FrameRing,
  ) {}

  static async start(options: PhotoInferenceOptions): Promise<PhotoInference> {
    const ring = FrameRing.create(options.size * 2, PHOTO_SLOT_BYTES);
    const pool = await InferencePool.start({
      manifest: options.manifest,
      modelsDir: options.modelsDir,
      detectorId: options.detectorId,
      embedderId: options.embedderId,
      executionProvider: options.executionProvider,
      intraOpNumThreads: 1,
      ring,
      size: options.size,
      jobTimeoutMs: PHOTO_JOB_TIMEOUT_MS,
      maxQueuedJobs: ring.slotCount,
      onWorkerRestart: options.onWorkerRestart,
    });
    return new PhotoInference(pool, ring);
  }

  /** Photos that can be in the workers at once (callers may keep this many analyses going). */
  get capacity(): number {
    return this.ring.slotCount;
  }

  get provider(): ExecutionProviderName {
    return this.pool.provider;
  }

  get providerFallbackReason(): string | null {
    return this.pool.providerFallbackReason;
  }

  /** Every face of the photo with its quality and embedding (detection order). */
  async analyze(image: RgbImage): Promise<PhotoFace[]> {
    const slot = await this.acquireSlot();
    try {
      this.ring.write(slot, image.data);
      this.ring.publish(slot);
      const ref = { slot, width: image.width, height: image.height, byteLength: image.data.length };
      const detected = await this.pool.detect(ref, { refuseWhenSaturated: false });
      if (detected.faces.length === 0) return [];
      const { embeddings } = await this.pool.embed(ref, detected.faces.map((f) => f.detection));
      return detected.faces.map((f, i) => ({ detection: f.detection, quality: f.quality, embedding: embeddings[i]! }));
    } finally {
      this.ring.release(slot);
      this.waiting.shift()?.();
    }
  }

  private async acquireSlot(): Promise<number> {
    for (;;) {
      const slot = this.ring.tryAcquireForWrite();
      if (slot !== null) return slot;
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
  }

  async close(): Promise<void> {
    await this.pool.close();
    for (const wake of this.waiting.splice(0)) wake();
  }
}
