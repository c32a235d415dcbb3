/**
 * Embeds a list of photos with several embedder variants on a pool of worker
 * threads (I/O). Each photo is decoded and detected once; every variant embeds
 * the same detection. Photos where no face is found (even at the lowered
 * score threshold) get a second pass aligned with the mean landmarks of the
 * faces found in this run (see face-choice.ts).
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { VigilError } from '../errors.js';
import type { Landmarks } from '../vision/geometry.js';
import type { EmbedItem, EmbedItemResult, EmbedJob, EmbedVariant, EmbedWorkerInit, EmbedWorkerReply } from './embed-protocol.js';
import { DEFAULT_RELATIVE_LANDMARKS, meanRelativeLandmarks } from './face-choice.js';

export interface EmbedProgress {
  done: number;
  total: number;
  phase: 'detect-embed' | 'no-face-fallback';
}

export interface EmbedRunOptions {
  paths: readonly string[];
  variants: EmbedVariant[];
  modelsDir: string;
  detectorId: string;
  /** Worker threads (default: one per core). */
  workers?: number;
  /** Score threshold of the second detection attempt. */
  lowScoreThreshold?: number;
  onProgress?: (progress: EmbedProgress) => void;
}

export interface EmbedRunResult {
  /** One per path, in order; every entry has one embedding per variant. */
  results: EmbedItemResult[];
  /** Counts by how the face was obtained. */
  counts: { face: number; faceLowScore: number; noFace: number };
  /** Landmarks used for no-face photos (fractions of width and height). */
  templateLandmarks: Landmarks;
  /** Mean align + embed time per photo per variant (ms, one thread). */
  embedMsPerImage: number[];
  detectMsPerImage: number;
  workers: number;
  seconds: number;
}

const BATCH = 8;

function workerEntry(): URL {
  if (import.meta.url.endsWith('.ts')) return new URL('./embed-worker-dev.mjs', import.meta.url);
  return new URL('./embed-worker.js', import.meta.url);
}

class EmbedPool {
  private readonly workers: Worker[] = [];
  private nextJobId = 1;

  static async start(init: EmbedWorkerInit, size: number): Promise<EmbedPool> {
    const pool = new EmbedPool();
    try {
      await Promise.all(Array.from({ length: size }, () => pool.spawn(init)));
    } catch (error) {
      await pool.close();
      throw error;
    }
    return pool;
  }

  private spawn(init: EmbedWorkerInit): Promise<void> {
    const worker = new Worker(workerEntry(), { workerData: init });
    this.workers.push(worker);
    return new Promise<void>((resolve, reject) => {
      const onMessage = (reply: EmbedWorkerReply) => {
        if (reply.type === 'ready') {
          worker.off('message', onMessage);
          resolve();
        } else if (reply.type === 'init-failed') {
          reject(new VigilError(reply.code as VigilError['code'], reply.message));
        }
      };
      worker.on('message', onMessage);
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`evaluation worker exited (code ${code}) before it was ready`)));
    });
  }

  /** Runs all items, BATCH at a time per worker; results in item order. */
  async run(items: EmbedItem[], onBatch: (done: number) => void): Promise<EmbedItemResult[]> {
    const results: EmbedItemResult[] = [];
    let next = 0, done = 0;
    const drive = (worker: Worker) =>
      new Promise<void>((resolve, reject) => {
        const send = () => {
          if (next >= items.length) {
            cleanup();
            resolve();
            return;
          }
          const job: EmbedJob = { jobId: this.nextJobId++, items: items.slice(next, next + BATCH) };
          next += job.items.length;
          worker.postMessage(job);
        };
        const onMessage = (reply: EmbedWorkerReply) => {
          if (reply.type !== 'result') return;
          results.push(...reply.results);
          done += reply.results.length;
          onBatch(done);
          send();
        };
        const onError = (error: Error) => {
          cleanup();
          reject(new Error(`evaluation worker failed: ${error.message}`));
        };
        const onExit = (code: number) => {
          cleanup();
          reject(new Error(`evaluation worker stopped (exit code ${code})`));
        };
        const cleanup = () => {
          worker.off('message', onMessage);
          worker.off('error', onError);
          worker.off('exit', onExit);
        };
        worker.on('message', onMessage);
        worker.on('error', onError);
        worker.on('exit', onExit);
        send();
      });
    await Promise.all(this.workers.map(drive));
    const byId = new Map(results.map((r) => [r.id, r]));
    return items.map((item) => byId.get(item.id)!);
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

export async function embedImages(options: EmbedRunOptions): Promise<EmbedRunResult> {
  const started = performance.now();
  const size = Math.max(1, Math.min(options.workers ?? availableParallelism(), options.paths.length || 1));
  const init: EmbedWorkerInit = {
    modelsDir: options.modelsDir,
    detectorId: options.detectorId,
    variants: options.variants,
    lowScoreThreshold: options.lowScoreThreshold ?? 0.3,
    intraOpNumThreads: 1,
  };
  const pool = await EmbedPool.start(init, size);
  try {
    const total = options.paths.length;
    const items: EmbedItem[] = options.paths.map((path, id) => ({ id, path, templateLandmarks: null }));
    const results = await pool.run(items, (done) => options.onProgress?.({ done, total, phase: 'detect-embed' }));
    const failed = results.filter((r) => r.status === 'error');
    if (failed.length > 0) {
      const examples = failed.slice(0, 3).map((r) => r.error).join('; ');
      throw new VigilError('IMAGE_UNREADABLE', `${failed.length} of ${total} photos could not be processed, e.g. ${examples}`);
    }
    const found = results.filter((r) => r.landmarks !== null);
    const templateLandmarks =
      meanRelativeLandmarks(found.map((r) => ({ landmarks: r.landmarks!, width: r.width, height: r.height }))) ?? DEFAULT_RELATIVE_LANDMARKS;
    const noFace = results.filter((r) => r.status === 'no_face');
    if (noFace.length > 0) {
      const retry = noFace.map((r) => ({ id: r.id, path: options.paths[r.id]!, templateLandmarks }));
      const second = await pool.run(retry, (done) => options.onProgress?.({ done, total: retry.length, phase: 'no-face-fallback' }));
      for (const r of second) {
        if (r.status === 'error') throw new VigilError('IMAGE_UNREADABLE', `photo ${options.paths[r.id]} failed on the no-face fallback: ${r.error}`);
        const original = results[r.id]!;
        original.embeddings = r.embeddings;
        original.embedMs = r.embedMs;
      }
    }
    const embedMsPerImage = options.variants.map((_, v) => results.reduce((s, r) => s + (r.embedMs[v] ?? 0), 0) / Math.max(1, total));
    return {
      results,
      counts: {
        face: results.filter((r) => r.status === 'face').length,
        faceLowScore: results.filter((r) => r.status === 'face_low_score').length,
        noFace: noFace.length,
      },
      templateLandmarks,
      embedMsPerImage,
      detectMsPerImage: results.reduce((s, r) => s + r.detectMs, 0) / Math.max(1, total),
      workers: size,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    await pool.close();
  }
}
