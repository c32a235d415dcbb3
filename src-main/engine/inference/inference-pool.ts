import { Worker } from 'node:worker_threads';
import { VigilError } from '../errors.js';
import type { FrameRing } from '../video/frame-ring.js';
import type { ExecutionProviderName } from './onnx-session.js';
import { disableOrtTelemetry } from './ort-telemetry.js';
import { fairShareEviction } from './fair-share.js';
import type { DetectResult, EmbedResult, FrameJob, FrameRef, WorkerInit, WorkerReply } from './worker-protocol.js';
import type { Detection } from '../vision/geometry.js';

export interface PoolOptions extends Omit<WorkerInit, 'ring'> {
  /** Told when a worker is replaced, and why (the engine logs it). */
  onWorkerRestart?: (reason: string, restarts: number) => void;
  ring: FrameRing;
  /** Number of workers; default: one per core, since each runs single-threaded ONNX sessions. */
  size: number;
  /** A job not answered within this time kills and restarts its worker. */
  jobTimeoutMs: number;
  /** Jobs waiting for a free worker beyond this are refused (the caller drops the frame and counts it). */
  maxQueuedJobs: number;
}

type JobResult = DetectResult | EmbedResult;

interface PendingJob {
  job: FrameJob;
  resolve: (result: JobResult) => void;
  reject: (error: Error) => void;
  /** A live camera's frame (refusable), by camera: may give way to another camera's (see fair-share.ts). */
  liveSource?: string | number;
}

interface PoolWorker {
  worker: Worker;
  ready: boolean;
  current: PendingJob | null;
  timer: NodeJS.Timeout | null;
}

/**
 * The worker entry sits beside this file: .js in the built app; .ts when run
 * from source, where the worker needs tsx's loader too (workers do not
 * inherit loader hooks registered in the main thread).
 */
function workerEntry(): URL {
  if (import.meta.url.endsWith('.ts')) return new URL('./inference-worker-dev.mjs', import.meta.url);
  return new URL('./inference-worker.js', import.meta.url);
}

/**
 * A fixed-size pool of inference workers.
 * Policy: size workers, each job has a timeout; a worker that crashes or times
 * out is replaced (backoff 0.5 s, doubling to 10 s, reset after a success);
 * its job fails, the others continue.
 */
export class InferencePool {
  private readonly workers: PoolWorker[] = [];
  private readonly queue: PendingJob[] = [];
  private nextJobId = 1;
  private closed = false;
  private restartDelayMs = 500;
  restarts = 0;
  /** Jobs handed to workers since start (health and tests). */
  jobsStarted = 0;
  /** Live frames that gave way in the queue to another camera's (fair share; each is also a dropped frame of its camera). */
  evictedForFairness = 0;
  provider: ExecutionProviderName = 'cpu';
  providerFallbackReason: string | null = null;
  lastWorkerError: string | null = null;

  private constructor(private readonly options: PoolOptions) {}

  static async start(options: PoolOptions): Promise<InferencePool> {
    // Here, on the spawning thread: the workers' own process.env is a copy the native runtime does not read.
    disableOrtTelemetry();
    const pool = new InferencePool(options);
    await Promise.all(Array.from({ length: options.size }, () => pool.spawnWorker()));
    return pool;
  }

  get size(): number {
    return this.options.size;
  }

  get busy(): number {
    return this.workers.filter((w) => w.current).length;
  }

  get queued(): number {
    return this.queue.length;
  }

  private spawnWorker(): Promise<void> {
    const { ring, size: _size, jobTimeoutMs: _timeout, maxQueuedJobs: _max, onWorkerRestart: _onRestart, ...init } = this.options;
    const workerInit: WorkerInit = { ...init, ring: ring.descriptor() };
    const worker = new Worker(workerEntry(), { workerData: workerInit });
    const entry: PoolWorker = { worker, ready: false, current: null, timer: null };
    this.workers.push(entry);
    return new Promise<void>((resolve, reject) => {
      worker.on('message', (reply: WorkerReply) => {
        if (reply.type === 'ready') {
          entry.ready = true;
          this.provider = reply.provider;
          this.providerFallbackReason = reply.fallbackReason;
          resolve();
          this.pump();
        } else if (reply.type === 'init-failed') {
          reject(new VigilError(reply.code as VigilError['code'], reply.message));
          void worker.terminate();
        } else if (reply.type === 'result' || reply.type === 'job-failed') {
          const pending = entry.current;
          if (!pending || pending.job.jobId !== reply.jobId) return;
          if (entry.timer) clearTimeout(entry.timer);
          entry.current = null;
          entry.timer = null;
          if (reply.type === 'result') {
            this.restartDelayMs = 500;
            pending.resolve(reply.result);
          } else {
            pending.reject(new Error(`inference failed: ${reply.message}`));
          }
          this.pump();
        }
      });
      worker.on('error', (error) => {
        this.lastWorkerError = error.message;
        if (!entry.ready) reject(error);
      });
      worker.on('exit', () => this.onWorkerExit(entry));
    });
  }

  private onWorkerExit(entry: PoolWorker): void {
    const index = this.workers.indexOf(entry);
    if (index >= 0) this.workers.splice(index, 1);
    if (entry.timer) clearTimeout(entry.timer);
    entry.current?.reject(new Error(`inference worker stopped${this.lastWorkerError ? `: ${this.lastWorkerError}` : ''}`));
    entry.current = null;
    if (this.closed || !entry.ready) return;
    this.restarts++;
    this.options.onWorkerRestart?.(this.lastWorkerError ?? 'worker exited', this.restarts);
    const delay = this.restartDelayMs;
    this.restartDelayMs = Math.min(10_000, this.restartDelayMs * 2);
    setTimeout(() => {
      if (!this.closed) this.spawnWorker().catch((error: Error) => (this.lastWorkerError = error.message));
    }, delay).unref();
  }

  /**
   * Detects faces in a frame. With refuseWhenSaturated (live cameras), rejects at
   * once with QueueFullError when every worker is busy and the queue is full, so
   * the caller drops that frame rather than falling behind.
   */
  detect(frame: FrameRef, options: { refuseWhenSaturated?: boolean; source?: string | number } = {}): Promise<DetectResult> {
    const refusable = options.refuseWhenSaturated ?? true;
    const saturated = this.queue.length >= this.options.maxQueuedJobs && !this.workers.some((w) => w.ready && !w.current);
    if (refusable && saturated) {
      // A camera with fewer frames waiting takes the place of one of the busiest camera's.
      const evicted = options.source === undefined ? null : fairShareEviction(this.queue.map((p) => p.liveSource), options.source);
      if (evicted === null) return Promise.reject(new QueueFullError());
      const [dropped] = this.queue.splice(evicted, 1);
      this.evictedForFairness++;
      dropped!.reject(new QueueFullError());
    }
    return this.enqueue({ ...frame, kind: 'detect', jobId: this.nextJobId++ }, refusable ? options.source : undefined) as Promise<DetectResult>;
  }

  /**
   * Embeds chosen faces of a frame already detected (never refused: the frame's
   * detection was paid for). Several faces are split over the workers so one
   * crowded frame is not embedded on a single core while the other idles.
   */
  async embed(frame: FrameRef, detections: Detection[]): Promise<EmbedResult> {
    const chunkCount = Math.max(1, Math.min(detections.length, this.options.size));
    const chunkSize = Math.ceil(detections.length / chunkCount);
    const chunks: Detection[][] = [];
    for (let i = 0; i < detections.length; i += chunkSize) chunks.push(detections.slice(i, i + chunkSize));
    if (chunks.length <= 1) return this.enqueue({ ...frame, kind: 'embed', detections, jobId: this.nextJobId++ }) as Promise<EmbedResult>;
    const parts = (await Promise.all(
      chunks.map((chunk) => this.enqueue({ ...frame, kind: 'embed', detections: chunk, jobId: this.nextJobId++ })),
    )) as EmbedResult[];
    return {
      kind: 'embed',
      embeddings: parts.flatMap((p) => p.embeddings),
      norms: parts.flatMap((p) => p.norms),
      ms: Math.max(...parts.map((p) => p.ms)),
    };
  }

  private enqueue(job: FrameJob, liveSource?: string | number): Promise<JobResult> {
    if (this.closed) return Promise.reject(new Error('inference pool closed'));
    return new Promise<JobResult>((resolve, reject) => {
      // Embeds go first: they finish frames already under way, which frees ring slots sooner.
      if (job.kind === 'embed') this.queue.unshift({ job, resolve, reject });
      else this.queue.push({ job, resolve, reject, liveSource });
      this.pump();
    });
  }

  private pump(): void {
    for (const entry of this.workers) {
      if (!entry.ready || entry.current) continue;
      const next = this.queue.shift();
      if (!next) return;
      entry.current = next;
      this.jobsStarted++;
      entry.timer = setTimeout(() => {
        this.lastWorkerError = `job timed out after ${this.options.jobTimeoutMs} ms`;
        void entry.worker.terminate();
      }, this.options.jobTimeoutMs);
      entry.worker.postMessage(next.job);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const pending of this.queue.splice(0)) pending.reject(new Error('inference pool closed'));
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
  }
}

export class QueueFullError extends Error {
  constructor() {
    super('inference queue full');
    this.name = 'QueueFullError';
  }
}
