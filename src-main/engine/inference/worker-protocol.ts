import type { Manifest } from '../models/manifest.js';
import type { Detection } from '../vision/geometry.js';
import type { ExecutionProviderName } from './onnx-session.js';

/** Messages between the inference pool (main thread) and its workers. */
export interface WorkerInit {
  manifest: Manifest;
  modelsDir: string;
  detectorId: string;
  embedderId: string;
  executionProvider: ExecutionProviderName;
  intraOpNumThreads: number;
  /** FrameRing descriptor (shared memory) the frames are read from. */
  ring: unknown;
}

/** Where a frame lies in the shared ring. */
export interface FrameRef {
  slot: number;
  width: number;
  height: number;
  byteLength: number;
}

/**
 * Two phases per frame: `detect` finds faces and rates each one's quality
 * (cheap); the pipeline then picks which faces are worth an `embed` (costly).
 */
export type FrameJob =
  | ({ jobId: number; kind: 'detect' } & FrameRef)
  | ({ jobId: number; kind: 'embed'; detections: Detection[] } & FrameRef);

export interface DetectedFace {
  detection: Detection;
  /** 0..1 from size, sharpness, pose and exposure (see vision/face-quality.ts). */
  quality: number;
}

export interface DetectResult {
  kind: 'detect';
  faces: DetectedFace[];
  /** The frame's coarse luma grid (vision/scene-change.ts): the pipeline compares it with the previous frame's to see cuts. */
  signature: Float32Array;
  ms: number;
}

export interface EmbedResult {
  kind: 'embed';
  embeddings: Float32Array[];
  /** Raw (pre-normalisation) length of each embedding, in the same order: low = not a usable face. */
  norms: number[];
  ms: number;
}

export type WorkerReply =
  | { type: 'ready'; provider: ExecutionProviderName; fallbackReason: string | null }
  | { type: 'init-failed'; code: string; message: string }
  | { type: 'result'; jobId: number; result: DetectResult | EmbedResult }
  | { type: 'job-failed'; jobId: number; message: string };
