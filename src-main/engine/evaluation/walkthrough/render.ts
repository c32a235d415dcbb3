/**
 * Renders a walk-through plan (I/O): the real CCTV background (vtest.avi,
 * decoded by the bundled ffmpeg, scaled to cover 1280x720, 25 fps, looped)
 * with LFW faces composited along the planned paths, then sensor noise and
 * H.264 by ffmpeg; writes the video and its ground truth.
 *
 *   walkthrough-<seed>-<hash>.mp4   the video
 *   walkthrough-<seed>-<hash>.json  the ground truth (WalkthroughGroundTruth)
 *
 * The hash covers the plan and everything else that changes the pixels, so an
 * existing pair is reused as it is.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { VigilError } from '../../errors.js';
import { FaceAnalyzer } from '../../inference/face-analyzer.js';
import { loadManifest } from '../../models/manifest.js';
import { defaultModelsDir, manifestPath } from '../../paths.js';
import type { Box, RgbImage } from '../../vision/geometry.js';
import { decodeImageFile } from '../../vision/image-io.js';
import { resolveFfmpegPath } from '../../video/ffmpeg-path.js';
import { pickCentralDetection } from '../face-choice.js';
import { sharedDir } from '../lfw-files.js';
import {
  buildGroundTruth,
  drawOrder,
  frameCount,
  photoWeights,
  type PlannedVisit,
  visitPose,
  type WalkthroughGroundTruth,
  type WalkthroughPlan,
} from './scene-plan.js';
import { blurredFaceSprite, compositeSprites, faceSprite, handSprite, skinTone, type Sprite } from './sprites.js';

/** Bump when the renderer's pixels change for the same plan (invalidates cached videos). */
export const WALKTHROUGH_RENDER_VERSION = 2;
/**
 * x264's own default quality: ~1 Mbit/s for this 720p scene, what a CCTV recorder typically
 * stores for a 720p camera (crf 28 with noise 6 gives ~0.5 Mbit/s, a starved stream).
 */
export const DEFAULT_RENDER_CRF = 23;
/** Sensor noise (ffmpeg noise filter, temporal) of an indoor camera. */
export const DEFAULT_RENDER_NOISE = 4;

export interface RenderProgress {
  frame: number;
  frames: number;
}

export interface RenderOptions {
  /** Where the mp4 and the ground-truth JSON go (created if missing). */
  outDir: string;
  /** LFW images folder: <dir>/<Name>/<Name>_NNNN.jpg. */
  lfwImagesDir: string;
  /** Installed model pack (default: the app's). */
  modelsDir?: string;
  /** An analyzer already loaded (its detector is used); otherwise one is loaded and disposed. */
  analyzer?: FaceAnalyzer;
  /** Background clip (default <shared>/data/video/vtest.avi). */
  backgroundPath?: string;
  /** x264 constant rate factor (default DEFAULT_RENDER_CRF, 23). */
  crf?: number;
  /** ffmpeg noise filter strength, all components, temporal (default DEFAULT_RENDER_NOISE, 4; 0 = none). */
  noise?: number;
  /** Render again even when a cached video exists. */
  force?: boolean;
  ffmpegPath?: string;
  onProgress?: (progress: RenderProgress) => void;
}

export interface RenderResult {
  videoPath: string;
  groundTruthPath: string;
  groundTruth: WalkthroughGroundTruth & { planHash: string };
  /** True when an existing video and ground truth were reused. */
  cached: boolean;
  renderMs: number;
}

export function defaultBackgroundPath(): string {
  return join(sharedDir(), 'data', 'video', 'vtest.avi');
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** The plan's hash (with the render settings): the cache key of the video. */
export function walkthroughPlanHash(plan: WalkthroughPlan, settings: { crf: number; noise: number; detector: string }): string {
  return createHash('sha256')
    .update(JSON.stringify({ plan, settings, renderer: WALKTHROUGH_RENDER_VERSION }))
    .digest('hex')
    .slice(0, 12);
}

interface PhotoFace {
  image: RgbImage;
  /** The person's face: the detection nearest the photo's centre. */
  box: Box | null;
  /** Other faces in the photo (cut out of the sprite). */
  others: Box[];
}

export async function renderWalkthrough(plan: WalkthroughPlan, options: RenderOptions): Promise<RenderResult> {
  const started = Date.now();
  const background = options.backgroundPath ?? defaultBackgroundPath();
  if (!existsSync(background)) {
    throw new VigilError('NOT_FOUND', `Background video not found: ${background} (expected ../shared/data/video/vtest.avi beside the project, or set VIGIL_SHARED)`);
  }
  if (!isDirectory(options.lfwImagesDir)) {
    throw new VigilError('NOT_FOUND', `LFW images folder not found: ${options.lfwImagesDir} (expected ../shared/data/lfw/images/<Name>/<Name>_0001.jpg)`);
  }
  const missing = [...new Set(plan.visits.flatMap((v) => v.photos))].filter((p) => !existsSync(join(options.lfwImagesDir, p)));
  if (missing.length > 0) {
    throw new VigilError('NOT_FOUND', `${missing.length} LFW photo(s) of the plan are missing under ${options.lfwImagesDir}, e.g. ${missing[0]}`);
  }
  const ffmpeg = resolveFfmpegPath(options.ffmpegPath);
  const crf = options.crf ?? DEFAULT_RENDER_CRF;
  const noise = options.noise ?? DEFAULT_RENDER_NOISE;
  const manifest = loadManifest(manifestPath());
  const hash = walkthroughPlanHash(plan, { crf, noise, detector: manifest.defaults.detector });
  mkdirSync(options.outDir, { recursive: true });
  const base = join(options.outDir, `walkthrough-${plan.seed}-${hash}`);
  const videoPath = `${base}.mp4`;
  const groundTruthPath = `${base}.json`;
  if (!options.force && existsSync(videoPath) && existsSync(groundTruthPath)) {
    try {
      const groundTruth = JSON.parse(readFileSync(groundTruthPath, 'utf8')) as RenderResult['groundTruth'];
      if (groundTruth.planHash === hash) return { videoPath, groundTruthPath, groundTruth, cached: true, renderMs: Date.now() - started };
    } catch {
      // Unreadable: render again.
    }
  }

  const analyzer = options.analyzer ?? (await FaceAnalyzer.load({ manifest, modelsDir: options.modelsDir ?? defaultModelsDir() }));
  let sprites: Map<number, Sprite[]>;
  let groundTruth: WalkthroughGroundTruth;
  let resolvedPlan: WalkthroughPlan;
  try {
    ({ sprites, groundTruth, resolvedPlan } = await prepareSprites(plan, options.lfwImagesDir, analyzer));
  } finally {
    if (!options.analyzer) await analyzer.dispose();
  }

  const frames = frameCount(plan);
  const tmpVideo = `${base}.tmp.mp4`;
  rmSync(tmpVideo, { force: true });
  try {
    await renderFrames(resolvedPlan, sprites, { ffmpeg, background, crf, noise, outPath: tmpVideo, frames, onProgress: options.onProgress });
  } catch (error) {
    rmSync(tmpVideo, { force: true });
    throw error;
  }
  renameSync(tmpVideo, videoPath);
  const withHash = { ...groundTruth, planHash: hash };
  writeFileSync(`${groundTruthPath}.tmp`, JSON.stringify(withHash));
  renameSync(`${groundTruthPath}.tmp`, groundTruthPath);
  return { videoPath, groundTruthPath, groundTruth: withHash, cached: false, renderMs: Date.now() - started };
}

/**
 * Detects the face in every photo the plan shows (once per photo), replaces a
 * photo with no detectable face by the person's next spare photo (recorded),
 * drops a visit none of whose photos works, builds each visit's sprites and
 * the ground truth from the same geometry.
 */
async function prepareSprites(plan: WalkthroughPlan, lfwImagesDir: string, analyzer: FaceAnalyzer) {
  const cache = new Map<string, Promise<PhotoFace>>();
  const load = (photo: string) => {
    let entry = cache.get(photo);
    if (!entry) {
      entry = (async () => {
        const { image } = await decodeImageFile(join(lfwImagesDir, photo));
        const detections = await analyzer.detect(image);
        const detection = pickCentralDetection(detections, image.width, image.height);
        return { image, box: detection?.box ?? null, others: detections.filter((d) => d !== detection).map((d) => d.box) };
      })();
      cache.set(photo, entry);
    }
    return entry;
  };

  const substitutions: WalkthroughGroundTruth['substitutions'] = [];
  const dropped: number[] = [];
  const sprites = new Map<number, Sprite[]>();
  const resolvedVisits: PlannedVisit[] = [];
  for (const visit of plan.visits) {
    const meanSize = visit.keys.reduce((s, k) => s + k.size, 0) / visit.keys.length;
    if (visit.nonFace) {
      const face = await load(visit.photos[0]!);
      const box = face.box ?? { x: face.image.width * 0.32, y: face.image.height * 0.25, width: face.image.width * 0.37, height: face.image.height * 0.52 };
      const sprite =
        visit.nonFace.style === 'hand'
          ? handSprite(skinTone(face.image, box), visit.look, visit.nonFace.aspect, plan.seed * 1000 + visit.visitId, visit.visitId % 2 === 0)
          : blurredFaceSprite(face.image, box, visit.look, visit.nonFace.blurFraction);
      sprites.set(visit.visitId, [sprite]);
      resolvedVisits.push(visit);
      continue;
    }
    const photos: string[] = [];
    const visitSprites: Sprite[] = [];
    const spares = [...visit.sparePhotos];
    const add = (photo: string, face: PhotoFace & { box: Box }) => {
      photos.push(photo);
      visitSprites.push(faceSprite(face.image, face.box, visit.look, (visit.look.focusBlurPx * face.box.height) / meanSize, face.others));
    };
    for (const planned of visit.photos) {
      let face = await load(planned);
      let used = planned;
      while (!face.box && spares.length > 0) {
        used = spares.shift()!;
        if (photos.includes(used) || visit.photos.includes(used)) continue;
        face = await load(used);
      }
      if (!face.box) continue;
      if (used !== planned) substitutions.push({ visitId: visit.visitId, planned, used });
      add(used, face as PhotoFace & { box: Box });
    }
    if (visitSprites.length === 0) {
      dropped.push(visit.visitId);
      continue;
    }
    // Fewer usable photos than planned: the cross-fades are re-spaced over the ones there are.
    let photoChangesS = visit.photoChangesS;
    if (photos.length !== visit.photos.length) {
      const from = visit.keys[0]!.tS, to = visit.keys.at(-1)!.tS;
      photoChangesS = Array.from({ length: photos.length - 1 }, (_, i) => from + ((i + 1) * (to - from)) / photos.length);
    }
    sprites.set(visit.visitId, visitSprites);
    resolvedVisits.push({ ...visit, photos, photoChangesS });
  }
  const resolvedPlan: WalkthroughPlan = { ...plan, visits: resolvedVisits };
  const groundTruth = buildGroundTruth(resolvedPlan, {
    aspectOf: (visit, index) => sprites.get(visit.visitId)![index]!.aspect,
    droppedVisits: dropped,
    substitutions,
  });
  return { sprites, groundTruth, resolvedPlan };
}

interface FrameJob {
  ffmpeg: string;
  background: string;
  crf: number;
  noise: number;
  outPath: string;
  frames: number;
  onProgress?: (progress: RenderProgress) => void;
}

function collectStderr(child: ChildProcessWithoutNullStreams): () => string {
  let text = '';
  child.stderr.on('data', (d: Buffer) => {
    text = (text + d.toString()).slice(-4000);
  });
  return () => text.trim();
}

function exited(child: ChildProcessWithoutNullStreams): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
    else child.once('close', (code) => resolve(code));
  });
}

/** Exactly frameBytes per yielded Buffer; every Buffer is new (the caller may keep it). */
async function* rawFrames(stream: Readable, frameBytes: number): AsyncGenerator<Buffer> {
  let frame = Buffer.allocUnsafe(frameBytes);
  let filled = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    let offset = 0;
    while (offset < chunk.length) {
      const n = Math.min(frameBytes - filled, chunk.length - offset);
      chunk.copy(frame, filled, offset, offset + n);
      filled += n;
      offset += n;
      if (filled === frameBytes) {
        yield frame;
        frame = Buffer.allocUnsafe(frameBytes);
        filled = 0;
      }
    }
  }
}

/** Writes with back-pressure: waits for 'drain' when write() says so, unless the process ends first. */
async function writeFrame(stdin: Writable, frame: Buffer, ended: Promise<unknown>): Promise<void> {
  if (stdin.write(frame)) return;
  await Promise.race([new Promise<void>((resolve) => stdin.once('drain', () => resolve())), ended]);
}

async function renderFrames(plan: WalkthroughPlan, sprites: Map<number, Sprite[]>, job: FrameJob): Promise<void> {
  const { width, height, fps } = plan;
  const frameBytes = width * height * 3;
  const decoder = spawn(
    job.ffmpeg,
    [
      '-hide_banner', '-nostdin', '-loglevel', 'error',
      '-stream_loop', '-1', '-i', job.background,
      '-ss', plan.backgroundOffsetS.toFixed(3),
      '-vf', `scale=w=${width}:h=${height}:force_original_aspect_ratio=increase,crop=${width}:${height},fps=${fps}`,
      '-frames:v', String(job.frames),
      '-an', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1',
    ],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  const filters = [`format=yuv420p`, ...(job.noise > 0 ? [`noise=alls=${job.noise}:allf=t`] : [])].join(',');
  const encoder = spawn(
    job.ffmpeg,
    [
      '-hide_banner', '-nostdin', '-loglevel', 'error', '-y',
      '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${width}x${height}`, '-r', String(fps), '-i', 'pipe:0',
      '-vf', filters,
      '-c:v', 'libx264', '-preset', 'veryfast', '-crf', String(job.crf), '-g', String(2 * fps), '-pix_fmt', 'yuv420p',
      '-movflags', '+faststart', '-f', 'mp4', job.outPath,
    ],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  const decoderErrors = collectStderr(decoder);
  const encoderErrors = collectStderr(encoder);
  const encoderEnded = exited(encoder);
  encoder.stdin.on('error', () => {
    // EPIPE when the encoder died: reported from its exit code below.
  });
  // The resolved plan: photos as shown (after replacements), dropped visits left out.
  const byStart = [...plan.visits].filter((v) => sprites.has(v.visitId)).sort((a, b) => a.keys[0]!.tS - b.keys[0]!.tS);
  let firstOpen = 0;
  let frameIndex = 0;
  try {
    for await (const frame of rawFrames(decoder.stdout, frameBytes)) {
      if (frameIndex >= job.frames) break;
      const tS = frameIndex / fps;
      while (firstOpen < byStart.length && byStart[firstOpen]!.keys.at(-1)!.tS < tS) firstOpen++;
      const present: Array<{ visitId: number; size: number; visit: PlannedVisit; pose: NonNullable<ReturnType<typeof visitPose>> }> = [];
      for (let i = firstOpen; i < byStart.length && byStart[i]!.keys[0]!.tS <= tS; i++) {
        const visit = byStart[i]!;
        const pose = visitPose(visit, tS);
        if (pose && !pose.hidden) present.push({ visitId: visit.visitId, size: pose.size, visit, pose });
      }
      for (const { visit, pose } of drawOrder(present)) {
        const visitSprites = sprites.get(visit.visitId)!;
        const layers = visit.nonFace
          ? [{ sprite: visitSprites[0]!, weight: 1 }]
          : photoWeights(visit, tS).map((w) => ({ sprite: visitSprites[Math.min(w.index, visitSprites.length - 1)]!, weight: w.weight }));
        compositeSprites(frame, width, height, layers, pose, visit.look.motionBlurPx);
      }
      await writeFrame(encoder.stdin, frame, encoderEnded);
      if (encoder.exitCode !== null) break;
      frameIndex++;
      if (job.onProgress && (frameIndex % fps === 0 || frameIndex === job.frames)) job.onProgress({ frame: frameIndex, frames: job.frames });
    }
  } finally {
    if (decoder.exitCode === null) decoder.kill('SIGKILL');
    encoder.stdin.end();
  }
  const code = await encoderEnded;
  await exited(decoder);
  if (frameIndex < job.frames) {
    throw new VigilError('INTERNAL', `walk-through render stopped at frame ${frameIndex} of ${job.frames}: ${encoderErrors() || decoderErrors() || 'the background decoder ended early'}`);
  }
  if (code !== 0) throw new VigilError('INTERNAL', `ffmpeg (libx264) failed with code ${code}: ${encoderErrors()}`);
}
