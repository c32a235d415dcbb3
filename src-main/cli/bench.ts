#!/usr/bin/env node
/**
 * `npm run bench [-- --json] [--only models,frame,cameras,idle,hnsw,erase,search] [--search-members 1000] [--search-clusters 10000] [--search-sightings 1000000] [--erase-sizes 10000,100000] [--max-cameras N] [--step-seconds S] [--models <dir>] [--hnsw-m M] [--hnsw-ef-construction N] [--hnsw-ef a,b,c]`
 *
 * Speed figures measured on this machine with the installed model pack and the
 * shared Hamilton clip served as live 720p streams on 127.0.0.1. Prints one JSON
 * object with --json. Nothing here asserts: benchmarks report, tests check behaviour.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createServer } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import hnswlib from 'hnswlib-node';
import { Engine } from '../engine/engine.js';
import { FaceAnalyzer } from '../engine/inference/face-analyzer.js';
import { LiveService } from '../engine/live/live-service.js';
import { INDEX_EF_CONSTRUCTION, INDEX_EF_SEARCH, INDEX_M } from '../engine/matching/face-gallery.js';
import { loadManifest } from '../engine/models/manifest.js';
import { defaultModelsDir, manifestPath, projectRoot } from '../engine/paths.js';
import { resolveFfmpegPath } from '../engine/video/ffmpeg-path.js';
import { buildDisplayOutputArgs } from '../engine/video/ffmpeg-args.js';
import type { WallSource } from './bench-wall.js';
import { seededRandom } from '../engine/util/seeded-random.js';
import { migrations } from '../engine/storage/migrations.js';
import { reachBound } from '../engine/search/rank.js';
import { type RgbImage, dot, l2Normalize } from '../engine/vision/geometry.js';
import { decodeImage } from '../engine/vision/image-io.js';

const { values, positionals } = parseArgs({
  args: process.argv.slice(2),
  allowPositionals: true,
  options: {
    // `bench wall`: the Live wall in Chromium (see bench-wall.ts).
    cameras: { type: 'string', default: '1' },
    'browser-niceness': { type: 'string' },
    layout: { type: 'string', default: 'auto' },
    sources: { type: 'string', default: 'mixed' },
    seconds: { type: 'string', default: '15' },
    json: { type: 'boolean', default: false },
    only: { type: 'string', default: 'models,frame,cameras,idle,hnsw,erase,search' },
    'erase-sizes': { type: 'string', default: '10000,100000' },
    models: { type: 'string' },
    'max-cameras': { type: 'string', default: '8' },
    'step-seconds': { type: 'string', default: '20' },
    'hnsw-size': { type: 'string', default: '100000' },
    'hnsw-m': { type: 'string' },
    'hnsw-ef-construction': { type: 'string' },
    'hnsw-ef': { type: 'string', default: '16,24,32,48,64,128' },
    embedder: { type: 'string' },
    'search-members': { type: 'string', default: '1000' },
    'search-clusters': { type: 'string', default: '10000' },
    'search-sightings': { type: 'string', default: '1000000' },
    'search-runs': { type: 'string', default: '40' },
  },
});
const sections = new Set(values.only.split(','));
const log = (message: string) => process.stderr.write(`bench: ${message}\n`);
const clip = resolve(process.env.VIGIL_SHARED ?? resolve(projectRoot, '..', 'shared'), 'data', 'video', 'short_hamilton_clip.mp4');
const modelsDir = values.models ? resolve(values.models) : defaultModelsDir();
const ffmpeg = resolveFfmpegPath();
// VIGIL_BENCH_CACHE: somewhere else for the built fixtures (a worktree whose node_modules is shared).
const cacheDir = process.env.VIGIL_BENCH_CACHE ? resolve(process.env.VIGIL_BENCH_CACHE) : join(projectRoot, 'node_modules', '.cache', 'vigil-bench');
mkdirSync(cacheDir, { recursive: true });

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(sorted.length * p) - 1))] ?? NaN;
}
const round = (v: number, digits = 1) => Math.round(v * 10 ** digits) / 10 ** digits;

/** The clip re-encoded once at 1280x720 (H.264, 25 fps): the "720p camera" every step serves. */
function clip720(): string {
  const path = join(cacheDir, 'hamilton_720p.mp4');
  if (!existsSync(path)) {
    log('encoding a 720p copy of the clip (once)');
    const r = spawnSync(ffmpeg, ['-hide_banner', '-loglevel', 'error', '-y', '-i', clip, '-vf', 'scale=1280:720,fps=25', '-c:v', 'libx264', '-preset', 'veryfast', '-g', '50', '-an', path]);
    if (r.status !== 0) throw new Error(`could not encode the 720p clip: ${r.stderr.toString()}`);
  }
  return path;
}

/** A file's frame rate, width and height and codec, from ffmpeg's description of its first video stream. */
function describeVideo(path: string): { fps: number; width: number; height: number; codec: string } {
  const r = spawnSync(ffmpeg, ['-hide_banner', '-i', path], { encoding: 'utf8' });
  const line = /Stream #[^\n]*Video: ([^\n]*)/.exec(r.stderr)?.[1] ?? '';
  const size = /, (\d{2,5})x(\d{2,5})/.exec(line);
  const fps = /([\d.]+) fps/.exec(line);
  if (!size || !fps) throw new Error(`could not read the video stream of ${path}: ${line || r.stderr.slice(-300)}`);
  return { fps: Number(fps[1]), width: Number(size[1]), height: Number(size[2]), codec: line.split(/[ ,]/)[0] ?? '?' };
}

/**
 * The wall bench's cameras: the mix (the Hamilton clip, vtest.avi and a 720p H.264 file, in
 * turn) or the Hamilton clip alone. vtest.avi is MPEG-4 Part 2, which the host re-encodes for the
 * tiles; its display file (for the floor page) is that encoding, made once.
 */
function wallSources(kind: 'mixed' | 'hamilton'): WallSource[] {
  const source = (cameraFile: string, displayFile = cameraFile): WallSource => {
    const d = describeVideo(cameraFile);
    return { label: `${basename(cameraFile)} ${d.width}x${d.height} ${d.codec}`, cameraFile, displayFile, fps: d.fps };
  };
  if (kind === 'hamilton') return [source(clip)];
  const vtest = resolve(dirname(clip), 'vtest.avi');
  const vtestDisplay = join(cacheDir, 'vtest_display.mp4');
  if (!existsSync(vtestDisplay)) {
    log('encoding vtest.avi as the host does for its tiles (once)');
    const args = ['-hide_banner', '-loglevel', 'error', '-y', '-i', vtest, ...buildDisplayOutputArgs({ codec: 'encode' }).slice(0, -3), '-f', 'mp4', vtestDisplay];
    const r = spawnSync(ffmpeg, args);
    if (r.status !== 0) throw new Error(`could not encode vtest.avi: ${r.stderr.toString()}`);
  }
  return [source(clip), source(vtest, vtestDisplay), source(clip720())];
}

/** A few decoded 720p frames of the clip, for model timings. */
function frames720(count: number): RgbImage[] {
  const r = spawnSync(ffmpeg, ['-hide_banner', '-loglevel', 'error', '-i', clip720(), '-vf', `select=not(mod(n\\,${Math.floor(250 / count)}))`, '-vsync', 'passthrough', '-frames:v', String(count), '-pix_fmt', 'rgb24', '-f', 'rawvideo', 'pipe:1'], { maxBuffer: 1 << 30 });
  const size = 1280 * 720 * 3;
  return Array.from({ length: Math.floor(r.stdout.length / size) }, (_, i) => ({ width: 1280, height: 720, data: new Uint8Array(r.stdout.buffer, r.stdout.byteOffset + i * size, size) }));
}

async function benchModels(result: Record<string, unknown>): Promise<void> {
  const manifest = loadManifest(manifestPath());
  const analyzer = await FaceAnalyzer.load({ manifest, modelsDir, embedderId: values.embedder, intraOpNumThreads: 1 });
  const images = frames720(40);
  const detectMs: number[] = [], embedMs: number[] = [], frameMs: number[] = [];
  // Warm up: the first runs allocate.
  for (const image of images.slice(0, 3)) for (const d of await analyzer.detect(image)) await analyzer.describe(image, d);
  const gallery = Array.from({ length: 200 }, (_, i) => l2Normalize(Float32Array.from({ length: analyzer.embedder.dimension }, (_, j) => Math.sin(i * 31 + j))));
  for (const image of images) {
    const frameStart = performance.now();
    const t0 = performance.now();
    const detections = (await analyzer.detect(image)).slice(0, 5);
    detectMs.push(performance.now() - t0);
    for (const detection of detections) {
      const t1 = performance.now();
      const face = await analyzer.describe(image, detection);
      embedMs.push(performance.now() - t1);
      let best = -1;
      for (const g of gallery) best = Math.max(best, dot(face.embedding, g));
    }
    frameMs.push(performance.now() - frameStart);
  }
  await analyzer.dispose();
  const pipelineMs = await framesThroughPool(images, gallery);
  Object.assign(result, {
    detector: analyzer.detector.id,
    embedder: analyzer.embedder.id,
    detect_ms_p50: round(percentile(detectMs, 0.5)),
    detect_ms_p95: round(percentile(detectMs, 0.95)),
    embed_ms_p50: round(percentile(embedMs, 0.5)),
    embed_ms_p95: round(percentile(embedMs, 0.95)),
    // The app's path: frame into the shared ring, detect in a worker, embed across the pool, match.
    frame_ms_p95_720p: round(percentile(pipelineMs, 0.95)),
    frame_ms_p50_720p: round(percentile(pipelineMs, 0.5)),
    // The same work on one thread, one face after another (what one worker alone would take).
    frame_ms_p95_720p_one_thread: round(percentile(frameMs, 0.95)),
    faces_per_frame_mean: round(embedMs.length / images.length, 2),
  });
}

/**
 * Decode-to-result time of single 720p frames through the live path (frames are
 * decoded beforehand; the copy into the ring is counted): the pool has one
 * worker per core, like the app's.
 */
async function framesThroughPool(images: RgbImage[], gallery: Float32Array[]): Promise<number[]> {
  const dataDir = join(tmpdir(), `vigil-bench-frame-${process.pid}`);
  const engine = await Engine.open({ dataDir, modelsDir, embedderId: values.embedder });
  const live = new LiveService(engine);
  const frameMs: number[] = [];
  try {
    const { pool, ring } = await live.sharedInference();
    const one = async (image: RgbImage) => {
      const slot = ring.tryAcquireForWrite();
      if (slot === null) throw new Error('frame ring full');
      ring.write(slot, image.data);
      ring.publish(slot);
      const frame = { slot, width: image.width, height: image.height, byteLength: image.data.length };
      try {
        const detected = await pool.detect(frame, { refuseWhenSaturated: false });
        const faces = detected.faces.slice(0, 5);
        const { embeddings } = faces.length ? await pool.embed(frame, faces.map((f) => f.detection)) : { embeddings: [] };
        for (const embedding of embeddings) {
          let best = -1;
          for (const g of gallery) best = Math.max(best, dot(embedding, g));
        }
      } finally {
        ring.release(slot);
      }
    };
    for (const image of images.slice(0, 3)) await one(image); // warm-up in both workers
    for (const image of images) {
      const started = performance.now();
      await one(image);
      frameMs.push(performance.now() - started);
    }
  } finally {
    await live.close();
    await engine.close();
  }
  return frameMs;
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolvePort(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** A 720p "IP camera": ffmpeg copying the pre-encoded H.264 clip in real time over HTTP (no re-encode, so serving costs little). */
function serveCamera(port: number): ChildProcess {
  return spawn(ffmpeg, ['-hide_banner', '-nostdin', '-loglevel', 'error', '-re', '-stream_loop', '-1', '-i', clip720(), '-c', 'copy', '-f', 'mpegts', '-listen', '1', `http://127.0.0.1:${port}/cam`], { stdio: 'ignore' });
}

/** A full GC when the bench can get one (V8 exposes it after the flag is set at run time). */
function collectGarbage(): void {
  v8.setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as (() => void) | undefined;
  gc?.();
}

function rssMb(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

function childPids(name: string): number[] {
  if (!existsSync('/proc/self')) return [];
  const out: number[] = [];
  for (const entry of spawnSync('ls', ['/proc']).stdout.toString().split('\n')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === process.pid && comm.startsWith(name)) out.push(Number(entry));
    } catch {
      /* exited */
    }
  }
  return out;
}

interface StepFigures {
  cameras: number;
  droppedPercent: number;
  latencyP95: number;
  processedFps: number[];
  embeddingsPerTrackSecond: number;
  /** Frames the motion gate let past the detector (nobody tracked, nothing moved). */
  stillSkippedPercent: number;
  rssMbPerCamera: number;
}

/** Runs `count` 720p cameras at 10 detection fps for a while and measures drops, latency and memory. */
async function cameraStep(count: number, seconds: number, dataDir: string, baselineRss: { value: number }): Promise<StepFigures> {
  const engine = await Engine.open({ dataDir, modelsDir, embedderId: values.embedder });
  const live = new LiveService(engine);
  await live.sharedInference();
  collectGarbage(); // earlier sections' garbage must not be freed inside the window and read as negative memory
  const rssBefore = rssMb(process.pid);
  baselineRss.value = rssBefore;
  const servers: ChildProcess[] = [];
  const ids: number[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const port = await freePort();
      servers.push(serveCamera(port));
      await new Promise((r) => setTimeout(r, 300));
      const camera = await live.addCamera(`bench-${i}`, { kind: 'http', url: `http://127.0.0.1:${port}/cam`, format: 'auto' }, 10, true);
      ids.push(camera.id);
    }
    const pipelines = ids.map((id) => ({ stats: live.pipelineStats(id)! }));
    // Steady state only: every camera delivering, and the burst of frames ffmpeg decodes right
    // after probing a stream (stale, dropped by design) behind us.
    const settleDeadline = Date.now() + 30_000;
    while (pipelines.some((p) => p.stats.framesProcessed === 0) && Date.now() < settleDeadline) await new Promise((r) => setTimeout(r, 200));
    await new Promise((r) => setTimeout(r, 3000));
    const start = pipelines.map((p) => ({ decoded: p.stats.framesDecoded, dropped: p.stats.framesDropped, latencies: p.stats.latencyMs.length, embeddings: p.stats.embeddings, skipped: p.stats.framesSkippedStill }));
    const startedAt = Date.now();
    const sightingsStart = engine.listSightings(1000).length;
    await new Promise((r) => setTimeout(r, seconds * 1000));
    let decoded = 0, dropped = 0, embeddings = 0, skipped = 0;
    const latencies: number[] = [];
    pipelines.forEach((p, i) => {
      decoded += p.stats.framesDecoded - start[i]!.decoded;
      dropped += p.stats.framesDropped - start[i]!.dropped;
      embeddings += p.stats.embeddings - start[i]!.embeddings;
      skipped += p.stats.framesSkippedStill - start[i]!.skipped;
      latencies.push(...p.stats.latencyMs.slice(start[i]!.latencies));
    });
    const rssNow = rssMb(process.pid) + childPids('ffmpeg').reduce((sum, pid) => sum + rssMb(pid), 0);
    const health = live.listCameras().map((c) => c.health.processedFps);
    // Track-seconds: how long faces were tracked in the window, from the sightings rows.
    for (const id of ids) await live.stopCamera(id);
    const sightings = engine.listSightings(1000).slice(0, Math.max(0, engine.listSightings(1000).length - sightingsStart));
    const trackSeconds = sightings.reduce((sum, s) => sum + Math.max(0.1, (Date.parse(s.lastSeen) - Math.max(Date.parse(s.firstSeen), startedAt)) / 1000), 0);
    return {
      cameras: count,
      droppedPercent: decoded ? (100 * dropped) / decoded : 100,
      latencyP95: latencies.length ? percentile(latencies, 0.95) : Infinity,
      processedFps: health,
      embeddingsPerTrackSecond: trackSeconds > 0 ? embeddings / trackSeconds : 0,
      stillSkippedPercent: decoded ? (100 * skipped) / decoded : 0,
      rssMbPerCamera: (rssNow - rssBefore) / count,
    };
  } finally {
    for (const s of servers) s.kill('SIGKILL');
    await live.close();
    await engine.close();
  }
}

async function benchCameras(result: Record<string, unknown>): Promise<void> {
  const maxCameras = Number(values['max-cameras']);
  const seconds = Number(values['step-seconds']);
  const steps: StepFigures[] = [];
  let sustained = 0;
  const baseline = { value: 0 };
  for (let count = 1; count <= maxCameras; count++) {
    const dataDir = join(tmpdir(), `vigil-bench-${process.pid}-${count}`);
    log(`${count} camera(s) at 720p, 10 detection fps, ${seconds} s`);
    const step = await cameraStep(count, seconds, dataDir, baseline);
    steps.push(step);
    log(`  dropped ${round(step.droppedPercent, 2)}%, latency p95 ${round(step.latencyP95)} ms, processed fps ${step.processedFps.join('/')}`);
    if (step.droppedPercent < 1 && step.latencyP95 < 150) sustained = count;
    else break;
  }
  const atLimit = steps.find((s) => s.cameras === sustained) ?? steps[0]!;
  Object.assign(result, {
    cameras_720p_10fps: sustained,
    latency_ms_p95: round(atLimit.latencyP95),
    rss_mb_per_camera: round(atLimit.rssMbPerCamera),
    embeddings_per_tracked_face_per_second: round(atLimit.embeddingsPerTrackSecond, 2),
    camera_steps: steps.map((s) => ({ cameras: s.cameras, dropped_percent: round(s.droppedPercent, 2), latency_ms_p95: round(s.latencyP95), processed_fps: s.processedFps, still_frames_skipped_percent: round(s.stillSkippedPercent, 1) })),
  });
}

/** A still, empty 720p scene with fresh sensor noise on every frame (a camera over an empty corridor), cached. */
function stillClip720(): string {
  const path = join(cacheDir, 'still_720p_noise.mp4');
  if (!existsSync(path)) {
    log('encoding a still 720p scene with sensor noise (once)');
    // The first frame of vtest.avi (a hall, nobody near the camera's faces scale), held for 20 s with noise.
    const vtest = join(dirname(clip), 'vtest.avi');
    const r = spawnSync(ffmpeg, ['-hide_banner', '-loglevel', 'error', '-y', '-i', vtest, '-vf', 'trim=end_frame=1,loop=loop=499:size=1:start=0,setpts=N/25/TB,scale=1280:720,noise=alls=5:allf=t', '-r', '25', '-t', '20', '-c:v', 'libx264', '-preset', 'veryfast', '-g', '50', '-an', path]);
    if (r.status !== 0) throw new Error(`could not encode the still clip: ${r.stderr.toString()}`);
  }
  return path;
}

/** CPU seconds (user + system) a process has used, from /proc (Linux). */
function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/**
 * What one camera over a still, empty scene costs (this process plus its ffmpeg), with the motion
 * gate and with every frame sent to the detector: most of a site's cameras are like this most of the day.
 */
async function benchIdleCamera(result: Record<string, unknown>): Promise<void> {
  if (!existsSync('/proc/self/stat')) return;
  const seconds = Number(values['step-seconds']);
  const figures: Record<string, number> = {};
  for (const gate of [true, false]) {
    const dataDir = join(tmpdir(), `vigil-bench-idle-${process.pid}-${gate}`);
    const engine = await Engine.open({ dataDir, modelsDir, embedderId: values.embedder });
    const live = new LiveService(engine);
    const port = await freePort();
    const server = spawn(ffmpeg, ['-hide_banner', '-nostdin', '-loglevel', 'error', '-re', '-stream_loop', '-1', '-i', stillClip720(), '-c', 'copy', '-f', 'mpegts', '-listen', '1', `http://127.0.0.1:${port}/cam`], { stdio: 'ignore' });
    try {
      const { pool, ring } = await live.sharedInference();
      await new Promise((r) => setTimeout(r, 300));
      const pipeline = live.createPipeline(null, 'idle', { kind: 'http', url: `http://127.0.0.1:${port}/cam`, format: 'auto' }, 10, pool, ring, { dropWhenBusy: true, realtime: true, motionGate: gate ? undefined : false });
      pipeline.start();
      const settle = Date.now() + 30_000;
      while (pipeline.stats.framesProcessed === 0 && Date.now() < settle) await new Promise((r) => setTimeout(r, 200));
      await new Promise((r) => setTimeout(r, 3000));
      const decoders = () => childPids('ffmpeg').filter((pid) => pid !== server.pid);
      const before = { self: cpuSeconds(process.pid), ffmpeg: decoders().reduce((sum, pid) => sum + cpuSeconds(pid), 0), frames: pipeline.stats.framesProcessed, skipped: pipeline.stats.framesSkippedStill };
      await new Promise((r) => setTimeout(r, seconds * 1000));
      const self = cpuSeconds(process.pid) - before.self;
      const decoding = decoders().reduce((sum, pid) => sum + cpuSeconds(pid), 0) - before.ffmpeg;
      const frames = pipeline.stats.framesProcessed - before.frames;
      const key = gate ? 'gated' : 'every_frame';
      figures[`idle_camera_cores_${key}`] = round((self + decoding) / seconds, 3);
      figures[`idle_camera_decoder_cores_${key}`] = round(decoding / seconds, 3);
      figures[`idle_camera_analysed_fps_${key}`] = round(frames / seconds, 1);
      if (gate) figures.idle_camera_frames_skipped_percent = round((100 * (pipeline.stats.framesSkippedStill - before.skipped)) / Math.max(1, frames), 1);
      await pipeline.stop();
    } finally {
      server.kill('SIGKILL');
      await live.close();
      await engine.close();
    }
  }
  log(`idle camera: ${figures.idle_camera_cores_gated} cores with the motion gate (${figures.idle_camera_frames_skipped_percent} % of frames skipped), ${figures.idle_camera_cores_every_frame} cores looking at every frame`);
  Object.assign(result, figures);
}

async function benchHnsw(result: Record<string, unknown>): Promise<void> {
  const size = Number(values['hnsw-size']);
  const dimension = 512;
  const next = seededRandom(42); // deterministic, so runs are comparable
  // Gallery vectors: random unit vectors (a hard case for HNSW: no cluster structure to exploit).
  const gallery = Array.from({ length: size }, () => l2Normalize(Float32Array.from({ length: dimension }, () => next() - 0.5)));
  const { HierarchicalNSW } = hnswlib;
  const m = Number(values['hnsw-m'] ?? INDEX_M);
  const efConstruction = Number(values['hnsw-ef-construction'] ?? INDEX_EF_CONSTRUCTION);
  const indexPath = join(cacheDir, `hnsw-${size}-${dimension}-m${m}-ef${efConstruction}.bin`);
  const index = new HierarchicalNSW('cosine', dimension);
  if (existsSync(indexPath)) {
    index.readIndexSync(indexPath);
    log(`hnsw: reusing the index built earlier (${indexPath})`);
  } else {
    log(`hnsw: building ${size} x ${dimension} (M ${m}, efConstruction ${efConstruction}); this takes minutes once, then it is cached`);
    index.initIndex(size, m, efConstruction, 100);
    const started = performance.now();
    gallery.forEach((v, i) => {
      index.addPoint(Array.from(v), i);
      if (i % 10000 === 9999) log(`  ${i + 1}/${size} (${round((performance.now() - started) / 1000)} s)`);
    });
    result.hnsw_100k_build_s = round((performance.now() - started) / 1000);
    index.writeIndexSync(indexPath);
  }
  // Probes: a noisy view of an enrolled face (as a camera sees a member), 1,000 of them.
  const queries = Array.from({ length: 1000 }, () => {
    const base = gallery[Math.floor(next() * size)]!;
    return l2Normalize(base.map((x) => x + (next() - 0.5) * 0.06));
  });
  // Exact answers (brute force, minutes at 100k), cached like the index; then each search setting against them.
  const exactPath = join(cacheDir, `hnsw-exact-${size}-${dimension}.json`);
  const exact: number[] = existsSync(exactPath)
    ? (JSON.parse(readFileSync(exactPath, 'utf8')) as number[])
    : queries.map((q) => {
        let best = -1, bestId = -1;
        for (let i = 0; i < size; i++) {
          const s = dot(q, gallery[i]!);
          if (s > best) { best = s; bestId = i; }
        }
        return bestId;
      });
  if (!existsSync(exactPath)) writeFileSync(exactPath, JSON.stringify(exact));
  const sweep: Array<{ ef: number; p50_ms: number; p99_ms: number; recall1: number }> = [];
  const asArrays = queries.map((q) => Array.from(q));
  for (const ef of values['hnsw-ef'].split(',').map(Number)) {
    index.setEf(ef);
    collectGarbage(); // start each setting with a clean heap, so one setting's garbage is not timed in the next
    const times: number[] = [];
    let hits = 0;
    asArrays.forEach((asArray, i) => {
      const t = performance.now();
      const found = index.searchKnn(asArray, 1);
      times.push(performance.now() - t);
      if (found.neighbors[0] === exact[i]) hits++;
    });
    sweep.push({ ef, p50_ms: round(percentile(times, 0.5), 3), p99_ms: round(percentile(times, 0.99), 3), recall1: round(hits / queries.length, 4) });
    log(`hnsw ef ${ef}: recall@1 ${round(hits / queries.length, 4)}, p99 ${round(percentile(times, 0.99), 3)} ms`);
  }
  const app = sweep.find((r) => r.ef === INDEX_EF_SEARCH) ?? sweep[0]!;
  result.hnsw_m = m;
  result.hnsw_ef_construction = efConstruction;
  Object.assign(result, {
    hnsw_100k_p99_ms: app.p99_ms,
    hnsw_100k_p50_ms: app.p50_ms,
    hnsw_100k_recall1: app.recall1,
    hnsw_ef_search: INDEX_EF_SEARCH,
    hnsw_ef_sweep: sweep,
    hnsw_size: size,
  });
}

/**
 * Erasure at scale: a data folder with `size` templates (size/5 people x 5 random 512-d unit
 * vectors around each person's own) and its saved vector index, built once and cached (the
 * 100k index takes ~15 minutes here); each run erases one person from a fresh copy while a
 * 5 ms timer measures the event loop. The fixture build times the old erase path on the same
 * data (a full index rebuild + VACUUM on the loop): erase_before_ms_*.
 */
async function benchErase(result: Record<string, unknown>): Promise<void> {
  for (const size of values['erase-sizes'].split(',').map(Number)) {
    const key = size % 1000 === 0 ? `${size / 1000}k` : String(size);
    const fixture = join(cacheDir, `erase-${size}`);
    const markerPath = join(fixture, 'fixture.json');
    const noModels = join(cacheDir, 'no-models');
    if (!existsSync(markerPath)) {
      log(`erase ${key}: building the fixture (${size} templates, then the index: minutes at 100k, once)`);
      rmSync(fixture, { recursive: true, force: true });
      const seed = await Engine.open({ dataDir: fixture, modelsDir: noModels });
      const next = seededRandom(size);
      const audit = { operator: 'bench', action: 'person.enrolled', subjectKind: 'person', subjectId: null, subjectLabel: null };
      seed.db.transaction(() => {
        for (let p = 0; p < size / 5; p++) {
          const identity = l2Normalize(Float32Array.from({ length: 512 }, () => next() - 0.5));
          const templates = Array.from({ length: 5 }, () => ({ embedding: l2Normalize(identity.map((x) => x + (next() - 0.5) * 0.05)), quality: 0.9, source: 'bench.jpg' }));
          seed.people.create({ name: `Person ${p}`, employeeCode: null, department: null, category: 'employee', notes: null }, null, seed.embedderId, templates, audit);
        }
      })();
      await seed.close();
      // Opening builds and saves the index: the same FaceGallery.rebuild the old erase ran.
      const started = performance.now();
      const built = await Engine.open({ dataDir: fixture, modelsDir: noModels });
      const rebuildMs = performance.now() - started;
      const vacuumStarted = performance.now();
      built.db.exec('VACUUM');
      built.db.pragma('wal_checkpoint(TRUNCATE)');
      const vacuumMs = performance.now() - vacuumStarted;
      await built.close();
      writeFileSync(markerPath, JSON.stringify({ size, rebuildMs, vacuumMs }));
    }
    const marker = JSON.parse(readFileSync(markerPath, 'utf8')) as { rebuildMs: number; vacuumMs: number };
    const dataDir = join(tmpdir(), `vigil-bench-erase-${process.pid}-${size}`);
    rmSync(dataDir, { recursive: true, force: true });
    cpSync(fixture, dataDir, { recursive: true });
    try {
      const engine = await Engine.open({ dataDir, modelsDir: noModels });
      const victim = engine.people.list({ search: 'Person 7' }).find((p) => p.name === 'Person 7')!;
      let longestGap = 0;
      let ticks = 0;
      let last = performance.now();
      const pulse = setInterval(() => {
        const now = performance.now();
        longestGap = Math.max(longestGap, now - last);
        last = now;
        ticks++;
      }, 5);
      const started = performance.now();
      last = started;
      await engine.peopleService.erase(victim.id, { operator: 'bench', permissions: new Set() });
      const eraseMs = performance.now() - started;
      clearInterval(pulse);
      await engine.close();
      log(`erase ${key}: ${round(eraseMs)} ms, longest event-loop gap ${round(longestGap)} ms (${ticks} timer calls); before: rebuild ${round(marker.rebuildMs)} + VACUUM ${round(marker.vacuumMs)} ms on the loop`);
      result[`erase_ms_${key}`] = round(eraseMs);
      result[`erase_loop_max_gap_ms_${key}`] = round(longestGap);
      result[`erase_before_ms_${key}`] = round(marker.rebuildMs + marker.vacuumMs);
      result[`erase_before_rebuild_ms_${key}`] = round(marker.rebuildMs);
      result[`erase_before_vacuum_ms_${key}`] = round(marker.vacuumMs);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
}

/**
 * Finding a person at site scale: 1,000 members (5 templates each), 10,000 open unknown clusters
 * (3 kept faces each) and 1,000,000 sightings in SQLite (built once into the cache, then copied).
 * search-face: from a decoded photo to the answer (faces found and embedded in the inference
 * workers, members and clusters ranked, sightings read, the audit row written); last-seen: a
 * member's or a cluster's latest 20 sightings, with and without a camera and time filter.
 */
async function benchSearch(result: Record<string, unknown>): Promise<void> {
  const members = Number(values['search-members']), clusters = Number(values['search-clusters']), sightings = Number(values['search-sightings']);
  // Keyed by the schema version: a fixture built by older migrations is rebuilt, not opened half-migrated.
  const fixture = join(cacheDir, `search-v2-s${migrations.at(-1)!.version}-${members}-${clusters}-${sightings}`);
  const markerPath = join(fixture, 'fixture.json');
  const lfwPhoto = (name: string, n: number) => join(resolve(process.env.VIGIL_SHARED ?? resolve(projectRoot, '..', 'shared'), 'data', 'lfw', 'images', name, `${name}_${String(n).padStart(4, '0')}.jpg`));
  const cameraNames = Array.from({ length: 16 }, (_, i) => `Camera ${i + 1}`);
  if (!existsSync(markerPath)) {
    log(`search: building the fixture (${members} members, ${clusters} clusters, ${sightings} sightings; once)`);
    rmSync(fixture, { recursive: true, force: true });
    const seed = await Engine.open({ dataDir: fixture, modelsDir, snapshotRetentionDays: 36_500 });
    const next = seededRandom(17);
    const near = (center: Float32Array, spread: number) => l2Normalize(center.map((x) => x + (next() - 0.5) * spread));
    const randomUnit = () => l2Normalize(Float32Array.from({ length: seed.embedderManifest.embeddingSize }, () => next() - 0.5));
    const audit = { operator: 'bench', action: 'person.enrolled', subjectKind: 'person', subjectId: null, subjectLabel: null };
    // One real person among them (the probe is another photo of him), the rest synthetic identities.
    const powell = await seed.peopleService.enroll(
      { record: { name: 'Colin Powell', employeeCode: 'E-POW', department: null, category: 'employee', notes: null }, consent: { textVersion: '1' }, photos: [1, 2, 3].map((n) => ({ fileName: `p${n}.jpg`, bytes: readFileSync(lfwPhoto('Colin_Powell', n)) })) },
      {},
      { operator: 'bench', permissions: new Set(['people.enroll']) },
    );
    const personIds = [powell.person!.id];
    seed.db.transaction(() => {
      for (let p = 1; p < members; p++) {
        const identity = randomUnit();
        const templates = Array.from({ length: 5 }, () => ({ embedding: near(identity, 0.05), quality: 0.9, source: 'bench.jpg' }));
        personIds.push(seed.people.create({ name: `Person ${p}`, employeeCode: `E-${p}`, department: null, category: 'employee', notes: null }, null, seed.embedderId, templates, audit).personId);
      }
    })();
    const clusterIds: number[] = [];
    const day = 24 * 3600 * 1000, start = Date.parse('2026-09-01T00:00:00Z');
    seed.db.transaction(() => {
      for (let c = 0; c < clusters; c++) {
        const seen = new Date(start + next() * 90 * day);
        const id = seed.unknowns.repo.create(seed.embedderId, seen);
        const identity = randomUnit();
        const appearance = seed.unknowns.repo.addAppearance(id, { cameraId: null, cameraName: cameraNames[c % 16]!, sightingId: null, seenAt: seen });
        for (let f = 0; f < 3; f++) seed.unknowns.repo.insertFace(id, appearance, { embedding: near(identity, 0.05), quality: 0.8 }, seen);
        seed.unknowns.repo.refreshStats(id);
        clusterIds.push(id);
      }
    })();
    const insert = seed.db.prepare(
      'INSERT INTO sightings (camera_name, person_id, cluster_id, status, first_seen, last_seen, best_score, frames, video_start_s, video_end_s) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    const batch = 100_000;
    for (let done = 0; done < sightings; done += batch) {
      seed.db.transaction(() => {
        for (let i = done; i < Math.min(sightings, done + batch); i++) {
          const first = start + next() * 90 * day, last = first + 2000 + next() * 60_000;
          const member = i % 2 === 0;
          const video = i % 10 === 0 ? next() * 3600 : null;
          insert.run(
            cameraNames[Math.floor(next() * 16)]!,
            member ? personIds[Math.floor(next() * personIds.length)]! : null,
            member ? null : clusterIds[Math.floor(next() * clusterIds.length)]!,
            member ? 'member' : 'unknown',
            new Date(first).toISOString(), new Date(last).toISOString(), member ? 0.6 : null, 10,
            video, video === null ? null : video + (last - first) / 1000,
          );
        }
      })();
      log(`search: ${Math.min(sightings, done + batch)} sightings`);
    }
    seed.db.pragma('wal_checkpoint(TRUNCATE)');
    await seed.close();
    // Opening once builds and saves the vector index of every template (not part of the figures).
    await (await Engine.open({ dataDir: fixture, modelsDir, snapshotRetentionDays: 36_500 })).close();
    writeFileSync(markerPath, JSON.stringify({ members, clusters, sightings, clusterIds: [clusterIds[0], clusterIds.at(-1)] }));
  }
  const marker = JSON.parse(readFileSync(markerPath, 'utf8')) as { clusterIds: [number, number] };
  const dataDir = join(tmpdir(), `vigil-bench-search-${process.pid}`);
  rmSync(dataDir, { recursive: true, force: true });
  cpSync(fixture, dataDir, { recursive: true });
  try {
    // The fixture's visits are dated Sept-Nov 2026: a long retention keeps its clusters (the purge is not what is measured).
    const engine = await Engine.open({ dataDir, modelsDir, snapshotRetentionDays: 36_500 });
    const caller = { operator: 'bench', permissions: new Set<never>() };
    const probeBytes = readFileSync(lfwPhoto('Colin_Powell', 7));
    const inference = await engine.photoInference();
    const decoded = await decodeImage(probeBytes, 'probe.jpg');
    const minScore = engine.matchPolicy.threshold;
    // Warm-up (models, statement cache), then timed runs: decoded image -> answer (with the audit row).
    for (let i = 0; i < 5; i++) await engine.search.searchFace({ kind: 'photo', bytes: probeBytes, label: 'probe.jpg' }, {}, caller);
    const runs = Number(values['search-runs']);
    const decodedToAnswer: number[] = [], rankAndRead: number[] = [], bytesToAnswer: number[] = [];
    let firstMatch = '';
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      const faces = await inference.analyze(decoded.image);
      const t1 = performance.now();
      const matches = engine.search.matchesFor(faces[0]!.embedding, { minScore, limit: 20 });
      engine.auditLog.append({ operator: 'bench', action: 'search.face', subjectKind: 'search', subjectId: null, subjectLabel: null, details: { faces: faces.length, results: matches.length } });
      const t2 = performance.now();
      decodedToAnswer.push(t2 - t0);
      rankAndRead.push(t2 - t1);
      firstMatch = matches[0]?.kind === 'member' ? matches[0].name : String(matches[0]?.kind);
      const t3 = performance.now();
      await engine.search.searchFace({ kind: 'photo', bytes: probeBytes, label: 'probe.jpg' }, {}, caller);
      bytesToAnswer.push(performance.now() - t3);
    }
    // How much of the cluster scoring the reach bound skipped for this probe (it depends on how tightly the fixture's faces cluster).
    const probe = (await inference.analyze(decoded.image))[0]!.embedding;
    let clustersSeen = 0, withinReach = 0;
    for (const cluster of engine.unknowns.searchableClusters()) {
      clustersSeen++;
      if (reachBound(dot(probe, cluster.centroid), cluster.spreadCos) >= minScore - 1e-4) withinReach++;
    }
    const next = seededRandom(99);
    const lastSeenMs: number[] = [], lastSeenFilteredMs: number[] = [];
    for (let i = 0; i < 400; i++) {
      const key = i % 2 === 0 ? `E-${1 + Math.floor(next() * (members - 1))}` : `#${marker.clusterIds[0] + Math.floor(next() * (marker.clusterIds[1] - marker.clusterIds[0]))}`;
      const t0 = performance.now();
      engine.search.lastSeen(key, { limit: 20 });
      lastSeenMs.push(performance.now() - t0);
      const t1 = performance.now();
      engine.search.lastSeen(key, { limit: 20, cameras: ['Camera 3', 'Camera 7'], since: '2026-10-01T00:00:00Z', until: '2026-11-01T00:00:00Z' });
      lastSeenFilteredMs.push(performance.now() - t1);
    }
    await engine.close();
    log(`search: first candidate ${firstMatch}; search-face p95 ${round(percentile(decodedToAnswer, 0.95))} ms (ranking and sightings ${round(percentile(rankAndRead, 0.95))} ms); last-seen p95 ${round(percentile(lastSeenMs, 0.95), 2)} ms`);
    result.search_fixture = { members, clusters, sightings };
    result.search_first_candidate = firstMatch;
    result.search_face_p50_ms = round(percentile(decodedToAnswer, 0.5));
    result.search_face_p95_ms = round(percentile(decodedToAnswer, 0.95));
    result.search_face_rank_and_read_p95_ms = round(percentile(rankAndRead, 0.95));
    result.search_clusters_faces_scored_share = round(withinReach / Math.max(1, clustersSeen), 4);
    result.search_face_from_bytes_p95_ms = round(percentile(bytesToAnswer, 0.95));
    result.last_seen_p50_ms = round(percentile(lastSeenMs, 0.5), 2);
    result.last_seen_p95_ms = round(percentile(lastSeenMs, 0.95), 2);
    result.last_seen_filtered_p95_ms = round(percentile(lastSeenFilteredMs, 0.95), 2);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  if (positionals[0] === 'wall') {
    const { benchWall, TILES_PER_PAGE } = await import('./bench-wall.js');
    const layout = values.layout;
    if (layout !== 'auto' && !Object.hasOwn(TILES_PER_PAGE, layout)) {
      process.stderr.write(`bench wall: unknown layout "${layout}" (auto, ${Object.keys(TILES_PER_PAGE).join(', ')})\n`);
      process.exitCode = 2;
      return;
    }
    if (values.sources !== 'mixed' && values.sources !== 'hamilton') {
      process.stderr.write(`bench wall: unknown --sources "${values.sources}" (mixed, hamilton)\n`);
      process.exitCode = 2;
      return;
    }
    const wall = await benchWall({
      cameras: Math.max(1, Number(values.cameras)),
      seconds: Math.max(3, Number(values.seconds)),
      sources: wallSources(values.sources),
      layout: layout as keyof typeof TILES_PER_PAGE | 'auto',
      browserNiceness: values['browser-niceness'] === undefined ? undefined : Math.max(0, Math.min(19, Number(values['browser-niceness']))),
    });
    if (values.json) process.stdout.write(`${JSON.stringify(wall)}\n`);
    else for (const [key, value] of Object.entries(wall)) console.log(`${key.padEnd(28)} ${String(value)}`);
    return;
  }
  const result: Record<string, unknown> = { machine: { cores: cpus().length, cpu: cpus()[0]?.model ?? 'unknown' }, execution_provider: 'cpu' };
  if (sections.has('models')) {
    log('model timings on 720p frames');
    await benchModels(result);
  }
  if (sections.has('frame') && !sections.has('models')) await benchModels(result);
  // hnsw before the cameras: camera processes winding down must not land in its p99; its
  // index is collected (collectGarbage) before the cameras' memory is measured.
  if (sections.has('hnsw')) await benchHnsw(result);
  if (sections.has('erase')) await benchErase(result);
  if (sections.has('search')) await benchSearch(result);
  if (sections.has('cameras')) await benchCameras(result);
  if (sections.has('idle')) await benchIdleCamera(result);
  if (values.json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else for (const [key, value] of Object.entries(result)) console.log(`${key.padEnd(40)} ${typeof value === 'object' ? JSON.stringify(value) : String(value)}`);
  writeFileSync(join(cacheDir, 'last-run.json'), JSON.stringify(result, null, 2));
}

main().catch((error: unknown) => {
  console.error(`bench failed: ${(error as Error).message}`);
  process.exit(1);
});
