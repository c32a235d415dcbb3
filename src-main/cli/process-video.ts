import { existsSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { CameraSource, Sighting } from '../../src-preload/contract.js';
import type { Engine } from '../engine/engine.js';
import { VigilError } from '../engine/errors.js';
import { LiveService } from '../engine/live/live-service.js';
import type { AnalysedFrame, ClosedVisit, PipelineStats } from '../engine/live/camera-pipeline.js';
import type { EmbedPolicy } from '../engine/live/embed-policy.js';
import type { MotionGatePolicy } from '../engine/vision/motion-gate.js';
import { printJsonLine } from './common.js';

export interface ProcessVideoOptions {
  json: boolean;
  /** Detection frames per second of video time (default 10). */
  fps?: number;
  /** Detect on every frame as fast as the machine allows. */
  unthrottled: boolean;
  /** Read a file at its own speed, like a live camera (frames may then be dropped). */
  realtime: boolean;
  /** Streams only: stop after this many seconds. */
  durationSeconds?: number;
  /** Files: the wall-clock time of the first frame (default: when processing started). */
  startTime?: Date;
}

export function sourceFor(input: string): CameraSource {
  if (/^rtsps?:\/\//i.test(input)) return { kind: 'rtsp', url: input };
  if (/^https?:\/\//i.test(input)) return { kind: 'http', url: input };
  const path = resolve(input);
  if (!existsSync(path) || !statSync(path).isFile()) throw new VigilError('NOT_FOUND', `Video file not found: ${path}`);
  return { kind: 'file', path, loop: false };
}

function percentile(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * p))]! * 10) / 10;
}

export interface VideoRun {
  sightings: Sighting[];
  stats: PipelineStats;
  elapsedSeconds: number;
  workers: number;
  executionProvider: string;
  /** The video broke off before its end (ffmpeg failed partway): why. Sightings until then are kept. */
  failure: string | null;
}

/**
 * Runs the live pipeline (ffmpeg -> ring -> inference pool -> tracker ->
 * visits -> sightings) on a video as if it were a camera and returns its
 * sightings (final state) and figures. `onAnalysed` sees every analysed frame.
 */
export async function runVideo(
  engine: Engine,
  input: string,
  options: Omit<ProcessVideoOptions, 'json'> & {
    onAnalysed?: (frame: AnalysedFrame) => void;
    onReconnecting?: (reason: string) => void;
    /** Each visit as it ends (evaluations). */
    onVisitClosed?: (visit: ClosedVisit) => void;
    /** When to embed a tracked face (default: the app's policy). */
    embedPolicy?: EmbedPolicy;
    /** When the detector may skip still, empty frames (default: the app's gate; false: never). */
    motionGate?: MotionGatePolicy | false;
  },
): Promise<VideoRun> {
  if (options.fps !== undefined && (!Number.isFinite(options.fps) || options.fps <= 0 || options.fps > 120)) {
    throw new VigilError('BAD_REQUEST', '--fps must be a number between 0 and 120');
  }
  if (options.durationSeconds !== undefined && !(Number.isFinite(options.durationSeconds) && options.durationSeconds > 0)) {
    throw new VigilError('BAD_REQUEST', '--duration must be a positive number of seconds');
  }
  const source = sourceFor(input);
  const isFile = source.kind === 'file';
  const live = new LiveService(engine);
  const sightings = new Map<number, Sighting>();
  const cameraName = `video:${basename(input)}`;
  const onSighting = (s: Sighting) => {
    if (s.cameraName === cameraName) sightings.set(s.id, s);
  };
  engine.on('sightings.changed', onSighting);
  try {
    const { pool, ring } = await live.sharedInference();
    const pipeline = live.createPipeline(null, cameraName, source, options.unthrottled ? undefined : (options.fps ?? 10), pool, ring, {
      realtime: options.realtime,
      // A file read offline waits for inference instead of dropping frames; a stream cannot wait.
      dropWhenBusy: !isFile || options.realtime,
      // Offline, keep every worker busy: detection of later frames overlaps the current frame's embedding.
      maxFramesInFlight: isFile && !options.realtime ? pool.size * 3 : undefined,
      startTime: options.startTime,
      embedPolicy: options.embedPolicy,
      motionGate: options.motionGate,
    });
    if (options.onVisitClosed) pipeline.on('visitClosed', options.onVisitClosed);
    let lastError: string | null = null;
    pipeline.on('health', (h) => {
      if (h.lastError) lastError = h.lastError;
      if (h.state === 'reconnecting') options.onReconnecting?.(h.lastError ?? 'no data');
    });
    if (options.onAnalysed) pipeline.on('analysed', options.onAnalysed);
    const startedAt = performance.now();
    let failure: string | null = null;
    let onSigint: (() => void) | null = null;
    let stopTimer: NodeJS.Timeout | null = null;
    const finished = new Promise<void>((resolveFinished) => {
      const stopNow = () => void pipeline.stop().then(() => resolveFinished());
      pipeline.once('end', () => resolveFinished());
      // A file that breaks off (ffmpeg fails partway) ends the run: what was seen is kept and said.
      pipeline.once('failed', (reason) => {
        failure = reason ?? 'ffmpeg stopped';
        stopNow();
      });
      onSigint = stopNow;
      process.once('SIGINT', onSigint);
      if (options.durationSeconds) stopTimer = setTimeout(stopNow, options.durationSeconds * 1000).unref();
    });
    pipeline.start();
    try {
      await finished;
    } finally {
      if (onSigint) process.off('SIGINT', onSigint);
      if (stopTimer) clearTimeout(stopTimer);
      // Idempotent after 'end'; otherwise stops ffmpeg and detaches the pipeline from the engine.
      await pipeline.stop();
    }
    const elapsedSeconds = (performance.now() - startedAt) / 1000;
    if (isFile && pipeline.stats.framesDecoded === 0) {
      throw new VigilError('IMAGE_UNREADABLE', `No video frames could be decoded from ${input}${lastError ? `: ${lastError}` : ''}`);
    }
    // Unknown visits are clustered in the background after they end: wait, so cluster ids are in the rows.
    await engine.unknowns.idle();
    const rows = [...sightings.keys()]
      .map((id) => engine.sightingRepo.get(id))
      .filter((s): s is Sighting => s !== null)
      .sort((a, b) => a.firstSeen.localeCompare(b.firstSeen) || a.id - b.id);
    return { sightings: rows, stats: pipeline.stats, elapsedSeconds, workers: pool.size, executionProvider: pool.provider, failure };
  } finally {
    engine.off('sightings.changed', onSighting);
    await live.close();
  }
}

/**
 * Runs the live pipeline on a video as if it were a camera, then prints the
 * sightings (one per visit, with video time for files) and the pipeline's figures.
 */
export async function processVideoCommand(engine: Engine, input: string, options: ProcessVideoOptions): Promise<void> {
  const run = await runVideo(engine, input, {
    ...options,
    onReconnecting: (reason) => {
      if (!options.json) process.stderr.write(`stream: reconnecting (${reason})\n`);
    },
  });
  const { stats, sightings: rows } = run;
  const summary = {
    frames: stats.framesProcessed,
    faces: stats.facesDetected,
    tracks: stats.tracksStarted,
    fps: Math.round((stats.framesProcessed / run.elapsedSeconds) * 10) / 10,
    sightings: rows.length,
    elapsedSeconds: Math.round(run.elapsedSeconds * 100) / 100,
    framesDecoded: stats.framesDecoded,
    droppedFrames: stats.framesDropped,
    embeddings: stats.embeddings,
    embeddingsByReason: stats.embeddingsByReason,
    framesSkippedStill: stats.framesSkippedStill,
    visitsDropped: stats.visitsDropped,
    visitJoins: stats.visitJoins,
    detectMsP50: percentile(stats.detectMs, 0.5),
    detectMsP95: percentile(stats.detectMs, 0.95),
    embedMsP50PerFrame: percentile(stats.embedMs, 0.5),
    workers: run.workers,
    executionProvider: run.executionProvider,
    detectFps: options.unthrottled ? 'every frame' : (options.fps ?? 10),
    ...(run.failure !== null ? { brokeOff: run.failure } : {}),
  };
  if (run.failure !== null) {
    // The sightings until then are printed and kept; the exit code says the video was not read to its end.
    process.exitCode = 1;
    if (!options.json) process.stderr.write(`process-video: the video broke off before its end: ${run.failure}\n`);
  }
  if (options.json) {
    for (const s of rows) printJsonLine({ sighting: s });
    printJsonLine(summary);
  } else {
    for (const s of rows) {
      const who = s.personName ?? (s.status === 'unknown' ? 'unknown' : s.status);
      const at = s.videoStartS !== null ? `  [${formatVideoTime(s.videoStartS)}-${formatVideoTime(s.videoEndS ?? s.videoStartS)}]` : '';
      console.log(`${s.firstSeen} → ${s.lastSeen}${at}  ${who.padEnd(24)} best ${s.bestScore?.toFixed(3) ?? '-'}  ${s.frames} frames`);
    }
    console.log(
      `${summary.frames} frames, ${summary.faces} faces, ${summary.tracks} tracks, ${summary.sightings} sightings in ${summary.elapsedSeconds} s = ${summary.fps} frames/s ` +
        `(detect p50 ${summary.detectMsP50} ms, ${summary.workers} workers, ${summary.executionProvider}, dropped ${summary.droppedFrames})`,
    );
  }
}

/** 83.4 -> "1:23.4" */
function formatVideoTime(seconds: number): string {
  const minutes = Math.floor(seconds / 60);
  return `${minutes}:${(seconds - minutes * 60).toFixed(1).padStart(4, '0')}`;
}
