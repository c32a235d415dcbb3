import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { cameraSourceSchema, type Camera, type CameraCredentials, type CameraHealth, type CameraSource, type ParsedRequestOf } from '../../../src-preload/contract.js';
import type { Engine } from '../engine.js';
import { VigilError } from '../errors.js';
import { InferencePool } from '../inference/inference-pool.js';
import { withUrlCredentials } from '../video/ffmpeg-args.js';
import { FrameRing } from '../video/frame-ring.js';
import { CameraPipeline, type PipelineStats } from './camera-pipeline.js';
import type { EmbedPolicy } from './embed-policy.js';
import type { MotionGatePolicy } from '../vision/motion-gate.js';
import type { VideoHub, VideoViewer } from './video-hub.js';
import { cameraUrlsProblemWords, separateCameraCredentials } from '../cameras/camera-urls.js';
import { cameraFieldChanges, credentialHosts, hostsOutsideLogin } from '../cameras/camera-edit.js';

/** What cameras.update may change (absent: unchanged). */
export type CameraPatch = Omit<ParsedRequestOf<'cameras.update'>, 'id'>;

/** Which of a camera's streams a viewer watches: the main one (analysed; maximised tiles) or its sub-stream (tiles). */
export type VideoStreamChoice = 'main' | 'sub';

/** Largest frame the ring holds: 1280 wide at up to 4:3 (frames are scaled to 1280 wide at most). */
export const MAX_FRAME_WIDTH = 1280;
const RING_SLOT_BYTES = 1280 * 960 * 3;
const DEFAULT_DETECT_FPS = 10;

const idleHealth = (): CameraHealth => ({
  state: 'stopped',
  inputFps: 0,
  processedFps: 0,
  droppedFrames: 0,
  lastError: null,
  latencyMs: null,
  width: null,
  height: null,
});

/**
 * Cameras: configuration in SQLite, one CameraPipeline per running camera,
 * one shared inference pool and frame ring for all of them.
 */
export class LiveService {
  private readonly pipelines = new Map<number, CameraPipeline>();
  private poolPromise: Promise<{ pool: InferencePool; ring: FrameRing }> | null = null;

  constructor(
    private readonly engine: Engine,
    private readonly options: { poolSize?: number; ringSlots?: number; /** See CameraPipelineOptions.displayLingerMs. */ displayLingerMs?: number } = {},
  ) {}

  /** Workers start on the first camera: a console with no cameras costs no inference memory. */
  private inference(): Promise<{ pool: InferencePool; ring: FrameRing }> {
    this.poolPromise ??= (async () => {
      await this.engine.checkModels();
      const problems = this.engine.status().modelProblems;
      if (problems.length > 0) throw new VigilError(problems[0]!.code as 'MODEL_MISSING', problems[0]!.message);
      const size = this.options.poolSize ?? this.engine.options.workerPoolSize ?? Math.max(1, cpus().length);
      // Frames from several cameras arrive in bursts; a queue of four jobs per worker (~40 ms of waiting)
      // rides them out instead of dropping frames while the cores are not full (6 cameras: 1.6 % of
      // frames dropped with two per worker, 0.5 % with four). The ring holds every frame queued or running.
      const ring = FrameRing.create(this.options.ringSlots ?? Math.max(12, size * 6), RING_SLOT_BYTES);
      const pool = await InferencePool.start({
        manifest: this.engine.manifest,
        modelsDir: this.engine.modelsDir,
        detectorId: this.engine.detectorId,
        embedderId: this.engine.embedderId,
        executionProvider: this.engine.options.executionProvider ?? 'cpu',
        intraOpNumThreads: 1,
        ring,
        size,
        jobTimeoutMs: 15_000,
        maxQueuedJobs: size * 4,
        onWorkerRestart: (reason, restarts) => this.engine.log.warn('inference', 'worker replaced', { reason, restarts }),
      });
      this.engine.log.info('inference', 'pool started', { workers: size, provider: pool.provider, fallback: pool.providerFallbackReason });
      this.engine.setProviderInUse(pool.provider, pool.providerFallbackReason);
      return { pool, ring };
    })();
    this.poolPromise.catch(() => (this.poolPromise = null));
    return this.poolPromise;
  }

  private toCamera(id: number): Camera {
    const record = this.engine.cameraRepo.get(id);
    if (!record) throw new VigilError('NOT_FOUND', `No camera with id ${id}`);
    return { ...record, health: this.pipelines.get(id)?.health() ?? idleHealth() };
  }

  listCameras(): Camera[] {
    return this.engine.cameraRepo.list().map((c) => this.toCamera(c.id));
  }

  /**
   * A source as it is stored, and the login it carried or was given: a video file must exist; a
   * network camera's URLs lose their user information (taken out as its login, see camera-urls).
   * Shared by adding and editing a camera, so both accept and refuse the same sources.
   */
  private storableSource(source: CameraSource, credentials: CameraCredentials | undefined): { stored: CameraSource; secret: CameraCredentials | null } {
    if (source.kind === 'file' && !existsSync(source.path)) {
      throw new VigilError('NOT_FOUND', `Video file not found: ${source.path}`);
    }
    if (source.kind === 'rtsp' || source.kind === 'http') {
      // The main URL and the sub-stream's: one login for the camera, taken out of both.
      const separated = separateCameraCredentials(source.url, source.subStreamUrl, credentials);
      if (!separated.ok) throw new VigilError('BAD_REQUEST', cameraUrlsProblemWords[separated.problem]);
      const stored = { ...source, url: separated.url };
      if (separated.subStreamUrl !== undefined) stored.subStreamUrl = separated.subStreamUrl;
      else delete stored.subStreamUrl;
      return { stored, secret: separated.credentials };
    }
    if (credentials) throw new VigilError('BAD_REQUEST', 'Only RTSP and HTTP cameras take a user name and password');
    return { stored: source, secret: null };
  }

  /**
   * Camera names are unique (ignoring case and spaces around them): sightings, searches, the wall
   * and the CLI name cameras by them. `exceptId`: the camera being renamed.
   */
  private assertNameFree(name: string, exceptId?: number): void {
    const wanted = name.trim().toLowerCase();
    const holder = this.engine.cameraRepo.list().find((c) => c.id !== exceptId && c.name.trim().toLowerCase() === wanted);
    if (holder) throw new VigilError('CONFLICT', `Another camera is already named "${holder.name}"; choose another name`);
  }

  /**
   * Adds a camera. A network camera's user name and password (given apart, or in the URL, from
   * which they are taken out) are sealed in its row; the stored URL has none.
   */
  async addCamera(name: string, source: CameraSource, detectFps: number | undefined, start: boolean, credentials?: CameraCredentials, operator?: string): Promise<Camera> {
    this.assertNameFree(name);
    const { stored, secret } = this.storableSource(source, credentials);
    const vault = this.engine.cameraCredentials;
    const record = this.engine.cameraRepo.add(name, stored, detectFps ?? DEFAULT_DETECT_FPS, start, secret ? (cameraId) => vault.seal(secret, cameraId) : null, operator);
    if (start) return this.startCamera(record.id);
    return this.toCamera(record.id);
  }

  /**
   * Edits a camera in place: it keeps its id, sightings, restricted flag, attendance direction
   * and (on the same hosts) its login. Everything is checked before anything is written; a
   * running camera then restarts on the new settings, a stopped one stays stopped.
   */
  async updateCamera(id: number, patch: CameraPatch, operator?: string): Promise<Camera> {
    const record = this.engine.cameraRepo.get(id);
    if (!record) throw new VigilError('NOT_FOUND', `No camera with id ${id}`);
    const name = patch.name === undefined ? record.name : patch.name.trim();
    if (name === '') throw new VigilError('BAD_REQUEST', 'A camera name is required');
    if (name.toLowerCase() !== record.name.trim().toLowerCase()) this.assertNameFree(name, id);

    let source = patch.source ?? record.source;
    if (patch.subStreamUrl !== undefined) {
      if (source.kind !== 'rtsp' && source.kind !== 'http') throw new VigilError('BAD_REQUEST', 'Only RTSP and HTTP cameras have a sub-stream');
      const { subStreamUrl: _old, ...rest } = source;
      // Checked as cameras.add checks it: the sub-stream's scheme must match the camera's kind.
      const checked = cameraSourceSchema.safeParse(patch.subStreamUrl === null ? rest : { ...rest, subStreamUrl: patch.subStreamUrl });
      if (!checked.success) throw new VigilError('BAD_REQUEST', `Sub-stream URL: ${checked.error.issues[0]?.message ?? 'not valid'}`);
      source = checked.data;
    }

    let stored = record.source;
    // undefined: the stored login is kept; a value: replaced; null: dropped.
    let login: CameraCredentials | null | undefined;
    if (patch.source !== undefined || patch.subStreamUrl !== undefined || patch.credentials !== undefined) {
      const prepared = this.storableSource(source, patch.credentials ?? undefined);
      stored = prepared.stored;
      if (prepared.secret && patch.credentials === null) throw new VigilError('BAD_REQUEST', cameraUrlsProblemWords.CREDENTIALS_TWICE);
      if (prepared.secret) login = prepared.secret;
      else if (patch.credentials === null) login = record.hasCredentials ? null : undefined;
      else if (record.hasCredentials) {
        if (stored.kind !== 'rtsp' && stored.kind !== 'http') login = null; // a file or webcam has no use for it: never kept
        else {
          const newHosts = hostsOutsideLogin(record.source, stored);
          if (newHosts.length > 0) {
            throw new VigilError(
              'BAD_REQUEST',
              `The stored user name and password were given for ${credentialHosts(record.source).join(', ')}; Vigil will not send them to ${newHosts.join(', ')}. Enter the new camera's user name and password, or choose none`,
            );
          }
        }
      }
    }
    const detectFps = patch.detectFps ?? record.detectFps;

    const changes: Record<string, unknown> = cameraFieldChanges(record, { name, source: stored, detectFps });
    if (login !== undefined) changes.credentials = login ? (record.hasCredentials ? 'replaced' : 'set') : 'removed';
    if (Object.keys(changes).length === 0) return this.toCamera(id);

    const sealed = login === undefined ? undefined : login === null ? null : this.engine.cameraCredentials.seal(login, id);
    this.engine.cameraRepo.update(id, { name, source: stored, detectFps }, sealed, operator, { changes });
    this.engine.log.info('camera', 'camera edited', { cameraId: id, fields: Object.keys(changes) });
    return this.restartIfRunning(id);
  }

  /** Replaces (or with null clears) a network camera's credentials; a running camera reconnects with them. */
  async setCredentials(id: number, credentials: CameraCredentials | null, operator?: string): Promise<Camera> {
    const record = this.engine.cameraRepo.get(id);
    if (!record) throw new VigilError('NOT_FOUND', `No camera with id ${id}`);
    if (record.source.kind !== 'rtsp' && record.source.kind !== 'http') throw new VigilError('BAD_REQUEST', 'Only RTSP and HTTP cameras take a user name and password');
    this.engine.cameraRepo.setSealedCredentials(id, credentials ? this.engine.cameraCredentials.seal(credentials, id) : null, operator);
    return this.restartIfRunning(id);
  }

  /** A running camera restarts on its stored settings (new source, login); a stopped one stays stopped. */
  private async restartIfRunning(id: number): Promise<Camera> {
    const pipeline = this.pipelines.get(id);
    if (!pipeline) return this.toCamera(id);
    // Supervised restart: the old ffmpeg is stopped (SIGTERM, then SIGKILL) before the new one starts.
    await pipeline.stop();
    this.pipelines.delete(id);
    return this.startCamera(id);
  }

  /**
   * The sources ffmpeg opens: a network camera's URL (and its sub-stream's, when it has one) with
   * its decrypted credentials (in memory only). The main source carries no sub-stream URL.
   */
  private sourcesWithCredentials(id: number, source: CameraSource): { main: CameraSource; sub: CameraSource | undefined } {
    if (source.kind !== 'rtsp' && source.kind !== 'http') return { main: source, sub: undefined };
    const sealed = this.engine.cameraRepo.sealedCredentials(id);
    const credentials = sealed ? this.engine.cameraCredentials.open(sealed, id) : null;
    const { subStreamUrl, ...main } = source;
    return {
      main: { ...main, url: withUrlCredentials(source.url, credentials) },
      sub: subStreamUrl === undefined ? undefined : { ...main, url: withUrlCredentials(subStreamUrl, credentials) },
    };
  }

  /** `operator`: who started it (audited); none when the engine restarts its own cameras. */
  async startCamera(id: number, operator?: string): Promise<Camera> {
    const record = this.engine.cameraRepo.get(id);
    if (!record) throw new VigilError('NOT_FOUND', `No camera with id ${id}`);
    this.engine.cameraRepo.setEnabled(id, true, operator);
    if (!this.pipelines.has(id)) {
      const sources = this.sourcesWithCredentials(id, record.source);
      const { pool, ring } = await this.inference();
      const pipeline = this.createPipeline(record.id, record.name, sources.main, record.detectFps, pool, ring, { subStreamSource: sources.sub });
      this.pipelines.set(id, pipeline);
      pipeline.start();
    }
    return this.toCamera(id);
  }

  createPipeline(
    cameraId: number | null,
    cameraName: string,
    source: CameraSource,
    detectFps: number | undefined,
    pool: InferencePool,
    ring: FrameRing,
    overrides: { realtime?: boolean; dropWhenBusy?: boolean; maxFramesInFlight?: number; startTime?: Date; embedPolicy?: EmbedPolicy; motionGate?: MotionGatePolicy | false; subStreamSource?: CameraSource } = {},
  ): CameraPipeline {
    const isFile = source.kind === 'file';
    const pipeline = new CameraPipeline(this.engine, pool, ring, {
      cameraId,
      cameraName,
      source,
      detectFps,
      realtime: overrides.realtime ?? isFile,
      dropWhenBusy: overrides.dropWhenBusy ?? true,
      maxFramesInFlight: overrides.maxFramesInFlight,
      startTime: overrides.startTime,
      embedPolicy: overrides.embedPolicy,
      motionGate: overrides.motionGate,
      maxWidth: MAX_FRAME_WIDTH,
      publishFrames: () => this.engine.listenerCount('live.faces') > 0,
      // Configured cameras are shown on the wall; process-video and benchmarks (no id) need no video.
      display: cameraId !== null,
      displayLingerMs: this.options.displayLingerMs,
      subStreamSource: cameraId !== null ? overrides.subStreamSource : undefined,
      ffmpegPath: this.engine.options.ffmpegPath,
    });
    if (cameraId !== null) pipeline.on('health', (health) => this.engine.emit('cameras.health', { cameraId, health }));
    return pipeline;
  }

  /**
   * Adds a viewer of a running camera's video (fragmented MP4, see VideoHub); returns the function
   * that removes it, or null when the camera is not running (or makes no video).
   */
  subscribeVideo(id: number, viewer: VideoViewer, stream: VideoStreamChoice = 'main'): (() => void) | null {
    return this.videoHub(id, stream)?.subscribe(viewer) ?? null;
  }

  /**
   * A running camera's video hub (counters, codec): its main stream's, or its sub-stream's; null
   * when it is not running, or has no sub-stream.
   */
  videoHub(id: number, stream: VideoStreamChoice = 'main'): VideoHub | null {
    const pipeline = this.pipelines.get(id);
    if (!pipeline) return null;
    return stream === 'sub' ? (pipeline.subStream?.hub ?? null) : pipeline.videoHub;
  }

  /** Whether a running camera's sub-stream ffmpeg runs now (diagnostics, tests). */
  subStreamActive(id: number): boolean {
    return this.pipelines.get(id)?.subStream?.active ?? false;
  }

  /** A running camera's counters (benchmarks, diagnostics); null when it is not running. */
  pipelineStats(id: number): PipelineStats | null {
    return this.pipelines.get(id)?.stats ?? null;
  }

  /** For process-video and benchmarks: the shared pool and ring. */
  sharedInference(): Promise<{ pool: InferencePool; ring: FrameRing }> {
    return this.inference();
  }

  setRestricted(id: number, restricted: boolean, operator?: string): Camera {
    if (!this.engine.cameraRepo.get(id)) throw new VigilError('NOT_FOUND', `No camera with id ${id}`);
    this.engine.cameraRepo.setRestricted(id, restricted, operator);
    return this.toCamera(id);
  }

  async stopCamera(id: number, operator?: string): Promise<Camera> {
    if (!this.engine.cameraRepo.get(id)) throw new VigilError('NOT_FOUND', `No camera with id ${id}`);
    this.engine.cameraRepo.setEnabled(id, false, operator);
    const pipeline = this.pipelines.get(id);
    if (pipeline) {
      await pipeline.stop();
      this.pipelines.delete(id);
    }
    return this.toCamera(id);
  }

  async removeCamera(id: number, operator?: string): Promise<boolean> {
    const pipeline = this.pipelines.get(id);
    if (pipeline) {
      await pipeline.stop();
      this.pipelines.delete(id);
    }
    const removed = this.engine.cameraRepo.remove(id, operator);
    if (!removed) throw new VigilError('NOT_FOUND', `No camera with id ${id}`);
    return removed;
  }

  /** Starts cameras left enabled last time; a camera that cannot start is reported, not fatal. */
  async startEnabledCameras(): Promise<void> {
    for (const camera of this.engine.cameraRepo.list()) {
      if (!camera.enabled) continue;
      try {
        await this.startCamera(camera.id);
      } catch (error) {
        this.engine.emit('cameras.health', {
          cameraId: camera.id,
          health: { ...idleHealth(), state: 'failed', lastError: (error as Error).message },
        });
      }
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.pipelines.values()].map((p) => p.stop()));
    this.pipelines.clear();
    const inference = await this.poolPromise?.catch(() => null);
    await inference?.pool.close();
  }
}
