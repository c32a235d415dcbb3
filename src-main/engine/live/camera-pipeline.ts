import { EventEmitter } from 'node:events';
import type { CameraHealth, CameraSource, LiveFace } from '../../../src-preload/contract.js';
import type { Engine } from '../engine.js';
import { type InferencePool, QueueFullError } from '../inference/inference-pool.js';
import type { DetectResult, FrameRef } from '../inference/worker-protocol.js';
import { type EmbedPolicy, shouldEmbed, type TrackEmbedHistory } from './embed-policy.js';
import { ByteTracker, type TrackSnapshot } from '../tracking/byte-tracker.js';
import { FfmpegSource, type RawFrame } from '../video/ffmpeg-source.js';
import type { FrameRing } from '../video/frame-ring.js';
import { type Box, cropFace, type RgbImage } from '../vision/geometry.js';
import { encodeJpeg } from '../vision/image-io.js';
import { DEFAULT_MAX_FACES_PER_CLUSTER } from '../unknowns/clustering.js';
import { type TrackIdentity, TrackIdentityVoter } from './track-identity.js';

export interface CameraPipelineOptions {
  /** Null for a video processed without a configured camera (process-video). */
  cameraId: number | null;
  cameraName: string;
  source: CameraSource;
  /** Detection frames per second; undefined = every decoded frame (process-video --unthrottled). */
  detectFps: number | undefined;
  /** Files only: play at the file's own speed, like a live camera. */
  realtime: boolean;
  /**
   * Live cameras drop frames when inference is behind (and count them);
   * offline video processing instead waits, so every frame is analysed.
   */
  dropWhenBusy: boolean;
  /** Frames are scaled down to at most this width before detection. */
  maxWidth: number;
  /** Publish annotated JPEG frames for the live view (skipped when nobody watches). */
  publishFrames: () => boolean;
  ffmpegPath?: string;
  /** When a tracked face is worth an embedding (default DEFAULT_EMBED_POLICY). */
  embedPolicy?: EmbedPolicy;
  /**
   * Frames being analysed at once for this camera. Live cameras keep it low
   * (fresh frames beat queued ones); offline files raise it to keep every worker busy.
   */
  maxFramesInFlight?: number;
}

interface TrackRecord {
  voter: TrackIdentityVoter;
  embedHistory: TrackEmbedHistory;
  identity: TrackIdentity;
  sightingId: number | null;
  firstSeen: Date;
  lastSeen: Date;
  frames: number;
  lastPersistedAt: number;
  /** Person written in the sighting row last time, to notice identity changes. */
  persistedPersonId: number | null;
  bestScore: number | null;
  /** The track's best embeddings (by face quality): they go to unknown-person clustering if it ends unknown. */
  faces: Array<{ embedding: Float32Array; quality: number }>;
  /** Best face crop so far (in memory only; sealed encrypted if the track ends unknown). */
  bestCrop: RgbImage | null;
  bestCropQuality: number;
}

/** Every decoded frame ends up counted exactly once: processed, dropped or failed (or ignored after stop). */
export interface PipelineStats {
  framesDecoded: number;
  framesProcessed: number;
  /** Dropped on purpose because inference was behind (ring, queue or in-flight limit full). */
  framesDropped: number;
  /** Analysis failed (e.g. a worker crashed or timed out); the reason goes to the camera's lastError. */
  framesFailed: number;
  /** Arrived after stop() was called. */
  framesIgnored: number;
  facesDetected: number;
  embeddings: number;
  tracksStarted: number;
  detectMs: number[];
  embedMs: number[];
  latencyMs: number[];
}

/** Sighting rows are refreshed at most this often while a track is alive (not per frame). */
const SIGHTING_PERSIST_INTERVAL_MS = 2000;
/** Per camera, by default at most this many frames are analysed at once; the rest are dropped (live) or wait (files). */
const DEFAULT_MAX_FRAMES_IN_FLIGHT = 2;
const LATENCY_WINDOW = 200;
/** Frame rate assumed for a file decoded at every frame, for the embedding clock only. */
const ASSUMED_FILE_FPS = 30;

type PipelineEvents = {
  health: [CameraHealth];
  end: [];
};

/**
 * One camera's live pipeline: ffmpeg frames -> shared-memory ring -> inference
 * pool -> tracker -> identity per track -> sightings and live frames.
 */
export class CameraPipeline extends EventEmitter<PipelineEvents> {
  private readonly source: FfmpegSource;
  private readonly tracker = new ByteTracker();
  private readonly tracks = new Map<number, TrackRecord>();
  private inFlight = 0;
  private chain: Promise<void> = Promise.resolve();
  private lastProcessedSeq = -1;
  private processedTimes: number[] = [];
  private stopped = false;
  private waiters: Array<() => void> = [];
  private readonly maxFramesInFlight: number;
  readonly stats: PipelineStats = {
    framesDecoded: 0,
    framesProcessed: 0,
    framesDropped: 0,
    framesFailed: 0,
    framesIgnored: 0,
    facesDetected: 0,
    embeddings: 0,
    tracksStarted: 0,
    detectMs: [],
    embedMs: [],
    latencyMs: [],
  };

  constructor(
    private readonly engine: Engine,
    private readonly pool: InferencePool,
    private readonly ring: FrameRing,
    readonly options: CameraPipelineOptions,
  ) {
    super();
    this.maxFramesInFlight = options.maxFramesInFlight ?? DEFAULT_MAX_FRAMES_IN_FLIGHT;
    this.source = new FfmpegSource({
      source: options.source,
      outputFps: options.detectFps,
      maxWidth: options.maxWidth,
      realtime: options.realtime,
      ffmpegPath: options.ffmpegPath,
    });
    this.source.on('frame', (frame) => this.onFrame(frame));
    this.source.on('state', ({ state, lastError }) => {
      const level = state === 'failed' ? 'error' : state === 'reconnecting' ? 'warn' : 'info';
      this.engine.log.write(level, 'camera', `camera ${state}`, { cameraId: options.cameraId, camera: options.cameraName, lastError });
      this.emit('health', this.health());
    });
    this.source.on('end', () => {
      void this.drain().then(() => {
        this.finishAllTracks();
        this.emit('end');
      });
    });
  }

  start(): void {
    this.stopped = false;
    this.source.start();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.source.stop();
    await this.drain();
    this.finishAllTracks();
    this.emit('health', this.health());
  }

  /** Resolves when every frame handed to inference has been applied. */
  async drain(): Promise<void> {
    while (this.inFlight > 0) await new Promise<void>((r) => this.waiters.push(r));
    await this.chain;
  }

  health(): CameraHealth {
    const h = this.source.health();
    const now = Date.now();
    this.processedTimes = this.processedTimes.filter((t) => now - t < 5000);
    const latencies = this.stats.latencyMs.slice(-50).sort((a, b) => a - b);
    return {
      state: h.state,
      inputFps: round1(h.inputFps),
      processedFps: round1(this.processedTimes.length / 5),
      droppedFrames: this.stats.framesDropped,
      lastError: h.lastError,
      latencyMs: latencies.length ? Math.round(latencies[Math.floor(latencies.length * 0.95)] ?? latencies[latencies.length - 1]!) : null,
      width: h.width,
      height: h.height,
    };
  }

  private onFrame(frame: RawFrame): void {
    this.stats.framesDecoded++;
    if (this.stopped) {
      this.stats.framesIgnored++;
      return;
    }
    if (this.inFlight >= this.maxFramesInFlight) {
      if (this.options.dropWhenBusy) {
        this.stats.framesDropped++;
        return;
      }
      this.source.pause();
    }
    const slot = this.ring.tryAcquireForWrite();
    if (slot === null) {
      this.ring.recordDrop();
      this.stats.framesDropped++;
      return;
    }
    this.ring.write(slot, frame.data);
    this.ring.publish(slot);
    this.inFlight++;
    const ref: FrameRef = { slot, width: frame.width, height: frame.height, byteLength: frame.data.length };
    // Detection starts now, in parallel with earlier frames' embedding. A live camera's frame
    // may be refused at once when the pool is saturated (dropped and counted below); an
    // offline file waits its turn instead.
    const detection = this.pool.detect(ref, { refuseWhenSaturated: this.options.dropWhenBusy });
    // Handled in order in the chain below; this stops an early refusal counting as unhandled meanwhile.
    detection.catch(() => undefined);
    // ...but results are applied strictly in frame order: the tracker needs that.
    this.chain = this.chain.then(async () => {
      try {
        await this.applyFrame(frame, ref, await detection);
      } catch (error) {
        if (error instanceof QueueFullError) this.stats.framesDropped++;
        else {
          this.stats.framesFailed++;
          this.source.noteError((error as Error).message);
        }
      } finally {
        this.ring.release(slot);
        this.inFlight--;
        if (this.inFlight < this.maxFramesInFlight) this.source.resume();
        for (const w of this.waiters.splice(0)) w();
      }
    });
  }

  /**
   * The clock the embedding policy runs on: wall time for live cameras; for a
   * file read faster than real time, the video's own time (frame number over
   * the detection rate), so "every 3 s" means 3 s of video either way.
   */
  private policyClockMs(frame: RawFrame): number {
    if (this.options.dropWhenBusy || this.options.realtime) return frame.capturedAt;
    return (frame.seq * 1000) / (this.options.detectFps ?? ASSUMED_FILE_FPS);
  }

  private async applyFrame(frame: RawFrame, ref: FrameRef, detected: DetectResult): Promise<void> {
    const faces = detected.faces;
    const elapsedFrames = this.lastProcessedSeq < 0 ? 1 : Math.max(1, frame.seq - this.lastProcessedSeq);
    this.lastProcessedSeq = frame.seq;
    const update = this.tracker.update(
      faces.map((f) => ({ box: f.detection.box, score: f.detection.score })),
      { elapsedFrames },
    );
    const now = new Date(frame.capturedAt);
    const clock = this.policyClockMs(frame);

    // Which tracked faces are worth an embedding this frame.
    const trackByDetection = new Map<number, TrackSnapshot>();
    const chosen: Array<{ detectionIndex: number; record: TrackRecord }> = [];
    for (const track of update.tracks) {
      if (track.detectionIndex === null) continue;
      trackByDetection.set(track.detectionIndex, track);
      const record = this.trackRecord(track.trackId, now);
      const face = faces[track.detectionIndex]!;
      const sizePx = Math.min(face.detection.box.width, face.detection.box.height);
      if (shouldEmbed(record.embedHistory, { sizePx, quality: face.quality }, clock, this.options.embedPolicy)) {
        chosen.push({ detectionIndex: track.detectionIndex, record });
      }
    }
    let embedMs = 0;
    if (chosen.length > 0) {
      const embedded = await this.pool.embed(ref, chosen.map((c) => faces[c.detectionIndex]!.detection));
      embedMs = embedded.ms;
      const frameImage: RgbImage = { width: frame.width, height: frame.height, data: this.ring.view(ref.slot, ref.byteLength) };
      chosen.forEach(({ detectionIndex, record }, i) => {
        const quality = faces[detectionIndex]!.quality;
        const embedding = embedded.embeddings[i]!;
        record.voter.add(this.engine.identifyEmbedding(embedding), quality);
        this.keepForUnknowns(record, embedding, quality, frameImage, faces[detectionIndex]!.detection.box);
        record.embedHistory.embeddings++;
        record.embedHistory.lastEmbeddedAt = clock;
        record.embedHistory.bestEmbeddedQuality = Math.max(record.embedHistory.bestEmbeddedQuality, quality);
      });
      this.stats.embeddings += chosen.length;
    }

    const liveFaces: LiveFace[] = faces.map((face, index) => {
      const track = trackByDetection.get(index);
      let identity: TrackIdentity = { personId: null, status: 'unknown', score: null };
      if (track) {
        const record = this.tracks.get(track.trackId)!;
        record.identity = record.voter.identity((id) => this.engine.personFacts(id)?.category === 'blocked');
        // Votes cast before an erasure or deactivation must not name (or write a sighting for) that person.
        if (record.identity.personId !== null && !this.engine.isMatchable(record.identity.personId)) {
          record.identity = { personId: null, status: 'unknown', score: record.identity.score };
        }
        record.embedHistory.named = record.identity.personId !== null;
        record.lastSeen = now;
        record.frames++;
        if (record.identity.score !== null) record.bestScore = Math.max(record.bestScore ?? -1, record.identity.score);
        if (track.state === 'confirmed') this.persistSighting(track.trackId, record, false);
        identity = record.identity;
      }
      return {
        bbox: roundBox(face.detection.box),
        landmarks: face.detection.landmarks.map(([x, y]) => [Math.round(x), Math.round(y)] as [number, number]),
        detScore: Math.round(face.detection.score * 1000) / 1000,
        trackId: track?.trackId ?? null,
        status: identity.status,
        personId: identity.personId,
        personName: identity.personId !== null ? this.engine.personName(identity.personId) : null,
        score: identity.score === null ? null : Math.round(identity.score * 1000) / 1000,
      };
    });
    for (const trackId of update.endedTrackIds) this.finishTrack(trackId);

    this.stats.framesProcessed++;
    this.stats.facesDetected += faces.length;
    pushBounded(this.stats.detectMs, detected.ms);
    if (chosen.length > 0) pushBounded(this.stats.embedMs, embedMs / chosen.length);
    pushBounded(this.stats.latencyMs, Date.now() - frame.capturedAt);
    this.processedTimes.push(Date.now());

    if (this.options.cameraId !== null && this.options.publishFrames()) {
      // Recognition for this frame is done and recorded; a display problem must not undo that.
      try {
        const jpeg = await encodeJpeg({ width: frame.width, height: frame.height, data: this.ring.view(ref.slot, ref.byteLength) });
        this.engine.emit('live.frame', {
          cameraId: this.options.cameraId,
          frameSeq: frame.seq,
          capturedAt: frame.capturedAt,
          width: frame.width,
          height: frame.height,
          jpegBase64: jpeg.toString('base64'),
          faces: liveFaces,
        });
      } catch (error) {
        this.source.noteError(`live view: ${(error as Error).message}`);
      }
    }
  }

  private trackRecord(trackId: number, now: Date): TrackRecord {
    let record = this.tracks.get(trackId);
    if (!record) {
      record = {
        voter: new TrackIdentityVoter(),
        embedHistory: { embeddings: 0, lastEmbeddedAt: null, bestEmbeddedQuality: 0, named: false },
        identity: { personId: null, status: 'unknown', score: null },
        sightingId: null,
        firstSeen: now,
        lastSeen: now,
        frames: 0,
        lastPersistedAt: 0,
        persistedPersonId: null,
        bestScore: null,
        faces: [],
        bestCrop: null,
        bestCropQuality: 0,
      };
      this.tracks.set(trackId, record);
      this.stats.tracksStarted++;
    }
    return record;
  }

  /** Opens the sighting on a track's first confirmed frame; refreshes it on identity change or every few seconds. */
  private persistSighting(trackId: number, record: TrackRecord, final: boolean): void {
    const now = Date.now();
    const row = {
      personId: record.identity.personId,
      status: record.identity.status,
      lastSeen: record.lastSeen,
      bestScore: record.bestScore,
      frames: record.frames,
    };
    if (record.sightingId === null) {
      const sighting = this.engine.sightingRepo.insert({
        ...row,
        cameraId: this.options.cameraId,
        cameraName: this.options.cameraName,
        trackId,
        firstSeen: record.firstSeen,
      });
      record.sightingId = sighting.id;
      record.lastPersistedAt = now;
      record.persistedPersonId = row.personId;
      this.engine.emit('sightings.changed', sighting);
      this.engine.alerts.onSighting(sighting, final);
      return;
    }
    const identityChanged = record.persistedPersonId !== row.personId;
    if (!final && !identityChanged && now - record.lastPersistedAt < SIGHTING_PERSIST_INTERVAL_MS) return;
    const sighting = this.engine.sightingRepo.update(record.sightingId, row);
    record.lastPersistedAt = now;
    record.persistedPersonId = row.personId;
    if (sighting && (final || identityChanged)) {
      this.engine.emit('sightings.changed', sighting);
      // Finality goes to the alerts: a restricted-area alert for a face still unknown waits for the track's end.
      this.engine.alerts.onSighting(sighting, final);
    }
  }

  /**
   * Keeps a track's best embeddings and its best face crop while nobody has
   * been named on it: if it ends unknown they become one visit of a
   * recurring-unknown cluster. Named tracks keep no crop.
   */
  private keepForUnknowns(record: TrackRecord, embedding: Float32Array, quality: number, frame: RgbImage, box: Box): void {
    if (record.identity.personId !== null) return;
    record.faces.push({ embedding, quality });
    if (record.faces.length > DEFAULT_MAX_FACES_PER_CLUSTER) {
      record.faces.sort((a, b) => b.quality - a.quality);
      record.faces.length = DEFAULT_MAX_FACES_PER_CLUSTER;
    }
    if (quality > record.bestCropQuality) {
      const crop = cropFace(frame, box);
      if (crop) {
        record.bestCrop = crop;
        record.bestCropQuality = quality;
      }
    }
  }

  private finishTrack(trackId: number): void {
    const record = this.tracks.get(trackId);
    if (!record) return;
    if (record.sightingId !== null) this.persistSighting(trackId, record, true);
    this.tracks.delete(trackId);
    // One visit per track (never per frame): a confirmed track that ended unknown feeds the clustering.
    if (record.sightingId !== null && record.identity.status === 'unknown' && record.faces.length > 0) {
      this.engine.unknowns.recordVisitInBackground({
        faces: record.faces,
        crop: record.bestCrop,
        cropQuality: record.bestCropQuality,
        cameraId: this.options.cameraId,
        cameraName: this.options.cameraName,
        sightingId: record.sightingId,
        seenAt: record.lastSeen,
      });
    }
  }

  private finishAllTracks(): void {
    for (const trackId of this.tracker.flush()) this.finishTrack(trackId);
    for (const trackId of [...this.tracks.keys()]) this.finishTrack(trackId);
  }
}

function round1(v: number): number {
  return Math.round(v * 10) / 10;
}

function roundBox(b: { x: number; y: number; width: number; height: number }) {
  return { x: Math.round(b.x), y: Math.round(b.y), width: Math.round(b.width), height: Math.round(b.height) };
}

function pushBounded(list: number[], value: number): void {
  list.push(value);
  if (list.length > LATENCY_WINDOW * 10) list.splice(0, list.length - LATENCY_WINDOW * 10);
}
