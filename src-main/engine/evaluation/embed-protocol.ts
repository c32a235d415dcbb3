/** Messages between the evaluation's embedding pool and its workers (types only). */
import type { Manifest } from '../models/manifest.js';
import type { Landmarks } from '../vision/geometry.js';

/** One embedder as evaluated: the manifest entry, possibly with another channel order. */
export interface EmbedVariant {
  embedderId: string;
  channelOrder: 'RGB' | 'BGR';
  /** The manifest the analyzer is loaded with (the file's, or a copy with the channel order changed). */
  manifest: Manifest;
}

export interface EmbedWorkerInit {
  modelsDir: string;
  detectorId: string;
  variants: EmbedVariant[];
  /** Second try when the detector's own threshold finds nothing. */
  lowScoreThreshold: number;
  intraOpNumThreads: number;
}

export interface EmbedItem {
  /** Position in the caller's list. */
  id: number;
  path: string;
  /** No-face fallback: skip detection and align with these landmarks (fractions of width and height). */
  templateLandmarks: Landmarks | null;
}

export interface EmbedJob {
  jobId: number;
  items: EmbedItem[];
}

export type EmbedStatus = 'face' | 'face_low_score' | 'no_face' | 'template' | 'error';

export interface EmbedItemResult {
  id: number;
  status: EmbedStatus;
  width: number;
  height: number;
  /** The detection used (face / face_low_score). */
  landmarks: Landmarks | null;
  detectionScore: number | null;
  /** One per variant, in init order; empty for no_face and error. */
  embeddings: Float32Array[];
  /** Milliseconds spent in each variant's align + embed. */
  embedMs: number[];
  detectMs: number;
  error?: string;
}

export type EmbedWorkerReply =
  | { type: 'ready' }
  | { type: 'init-failed'; code: string; message: string }
  | { type: 'result'; jobId: number; results: EmbedItemResult[] };
