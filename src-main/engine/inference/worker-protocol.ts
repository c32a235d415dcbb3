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

export interface FrameJob {
  jobId: number;
  slot: number;
  width: number;
  height: number;
  byteLength: number;
  /** Faces smaller than this (shorter box side, px) are detected but not embedded. */
  minEmbedFacePx: number;
}

export interface WorkerFace {
  detection: Detection;
  /** Null when the face was too small to embed. */
  embedding: Float32Array | null;
  qualityScore: number;
}

export type WorkerReply =
  | { type: 'ready'; provider: ExecutionProviderName }
  | { type: 'init-failed'; code: string; message: string }
  | { type: 'result'; jobId: number; faces: WorkerFace[]; detectMs: number; embedMs: number }
  | { type: 'job-failed'; jobId: number; message: string };
