import { existsSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { CameraSource, Sighting } from '../../src-preload/contract.js';
import type { Engine } from '../engine/engine.js';
import { VigilError } from '../engine/errors.js';
import { LiveService } from '../engine/live/live-service.js';
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

/**
 * Runs the live pipeline (ffmpeg -> ring -> inference pool -> tracker ->
 * identity per track -> sightings) on a video as if it were a camera, then
 * prints the sightings and the pipeline's figures.
 */
export async function processVideoCommand(engine: Engine, input: string, options: ProcessVideoOptions): Promise<void> {
  if (options.fps !== undefined && (!Number.isFinite(options.fps) || options.fps <= 0 || options.fps > 120)) {
    throw new VigilError('BAD_REQUEST', '--fps must be a number between 0 and 120');
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
    });
    let lastError: string | null = null;
    pipeline.on('health', (h) => {
      if (h.lastError) lastError = h.lastError;
      if (!options.json && h.state === 'reconnecting') process.stderr.write(`stream: reconnecting (${h.lastError ?? 'no data'})\n`);
    });
    const startedAt = performance.now();
    const finished = new Promise<void>((resolveFinished) => {
      pipeline.once('end', () => resolveFinished());
      const stop = () => void pipeline.stop().then(() => resolveFinished());
      process.once('SIGINT', stop);
      if (options.durationSeconds) setTimeout(stop, options.durationSeconds * 1000).unref();
    });
    pipeline.start();
    await finished;
    const elapsedSeconds = (performance.now() - startedAt) / 1000;
    const stats = pipeline.stats;
    if (isFile && stats.framesDecoded === 0) {
      throw new VigilError('IMAGE_UNREADABLE', `No video frames could be decoded from ${input}${lastError ? `: ${lastError}` : ''}`);
    }
    const rows = [...sightings.values()].sort((a, b) => a.firstSeen.localeCompare(b.firstSeen) || a.id - b.id);
    const summary = {
      frames: stats.framesProcessed,
      faces: stats.facesDetected,
      tracks: stats.tracksStarted,
      fps: Math.round((stats.framesProcessed / elapsedSeconds) * 10) / 10,
      sightings: rows.length,
      elapsedSeconds: Math.round(elapsedSeconds * 100) / 100,
      framesDecoded: stats.framesDecoded,
      droppedFrames: stats.framesDropped,
      embeddings: stats.embeddings,
      detectMsP50: percentile(stats.detectMs, 0.5),
      detectMsP95: percentile(stats.detectMs, 0.95),
      embedMsP50PerFrame: percentile(stats.embedMs, 0.5),
      workers: pool.size,
      executionProvider: pool.provider,
      detectFps: options.unthrottled ? 'every frame' : (options.fps ?? 10),
    };
    if (options.json) {
      for (const s of rows) printJsonLine({ sighting: s });
      printJsonLine(summary);
    } else {
      for (const s of rows) {
        const who = s.personName ?? (s.status === 'unknown' ? 'unknown' : s.status);
        console.log(`${s.firstSeen} → ${s.lastSeen}  ${who.padEnd(24)} best ${s.bestScore?.toFixed(3) ?? '-'}  ${s.frames} frames`);
      }
      console.log(
        `${summary.frames} frames, ${summary.faces} faces, ${summary.tracks} tracks, ${summary.sightings} sightings in ${summary.elapsedSeconds} s = ${summary.fps} frames/s ` +
          `(detect p50 ${summary.detectMsP50} ms, ${summary.workers} workers, ${summary.executionProvider}, dropped ${summary.droppedFrames})`,
      );
    }
  } finally {
    engine.off('sightings.changed', onSighting);
    await live.close();
  }
}
