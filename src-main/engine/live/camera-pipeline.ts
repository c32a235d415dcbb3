import { EventEmitter } from 'node:events';
import type { CameraHealth, CameraSource, LiveFace } from '../../../src-preload/contract.js';
import type { Engine } from '../engine.js';
import { type InferencePool, QueueFullError } from '../inference/inference-pool.js';
import type { DetectResult, FrameRef } from '../inference/worker-protocol.js';
import { type EmbedPolicy, type EmbedReason, shouldEmbed, type TrackEmbedHistory } from './embed-policy.js';
import { DEFAULT_MOTION_GATE_POLICY, MotionGate, type MotionGatePolicy, motionGrid } from '../vision/motion-gate.js';
import { ByteTracker, type TrackSnapshot } from '../tracking/byte-tracker.js';
import { VideoHub } from './video-hub.js';
import { SubStreamDisplay } from './sub-stream-display.js';
import { FfmpegSource, type RawFrame } from '../video/ffmpeg-source.js';
import type { FrameRing } from '../video/frame-ring.js';
import { type Box, cropFace, type RgbImage } from '../vision/geometry.js';
import { DEFAULT_MAX_FACES_PER_CLUSTER } from '../unknowns/clustering.js';
import type { FaceStatus, Sighting } from '../../../src-preload/contract.js';
import { CameraVisits, type TrackObservation, type VisitChanges, type VisitPolicy, type VisitState } from './camera-visits.js';
import { FrameClock } from './frame-clock.js';
import { SCENE_CUT_THRESHOLD, sceneDifference } from '../vision/scene-change.js';
import type { RemoteIdentity } from '../remote/identity-cache.js';
import { nameVisit, type VisitRemoteNaming } from './remote-naming.js';

/** Who a face is on screen: its visit's verdict. */
export interface TrackIdentity {
  personId: number | null;
  status: FaceStatus;
  score: number | null;
  /** Who named it (null: unknown). */
  source: 'local' | 'remote' | null;
}

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
  /** Publish each analysed frame's faces for the live view ('live.faces'; skipped when nobody listens). */
  publishFrames: () => boolean;
  /**
   * Also make the camera's video for display: the same ffmpeg writes a fragmented MP4 (H.264)
   * into `videoHub`; the faces' ptsS are presentation times of that video.
   */
  display?: boolean;
  /**
   * After the last viewer leaves, an encoded display goes on this long before it is switched off
   * (a guard paging the wall back and forth must not restart the camera each time). Default 60 s.
   */
  displayLingerMs?: number;
  /**
   * The camera's sub-stream (credentials included), shown on the wall's tiles through `subStream`;
   * never analysed. Only with `display`.
   */
  subStreamSource?: CameraSource;
  ffmpegPath?: string;
  /** When a tracked face is worth an embedding (default DEFAULT_EMBED_POLICY). */
  embedPolicy?: EmbedPolicy;
  /**
   * When the detector may skip a still, empty frame (vision/motion-gate.ts); false: look at every
   * frame. Default DEFAULT_MOTION_GATE_POLICY.
   */
  motionGate?: MotionGatePolicy | false;
  /**
   * Frames being analysed at once for this camera. Live cameras keep it low
   * (fresh frames beat queued ones); offline files raise it to keep every worker busy.
   */
  maxFramesInFlight?: number;
  /** How tracks become visits and who a visit was (default: from the engine's thresholds). */
  visitPolicy?: VisitPolicy;
  /** Offline files: the wall-clock time of the file's first frame (default: when processing started). */
  startTime?: Date;
  /**
   * The remote matcher's side (hybrid / rekognition modes): default the engine's, null in local
   * mode. Tests pass one of their own.
   */
  remoteNaming?: VisitRemoteNaming | null;
}

/** Per-track bookkeeping the visit layer does not need: when to embed it next. */
interface TrackRecord {
  embedHistory: TrackEmbedHistory;
}

/** A written visit's sighting row and what was last written to it. */
interface VisitRow {
  sightingId: number;
  lastPersistedAt: number;
  persistedPersonId: number | null;
}

/** One face in one analysed frame, as the pipeline saw it (evaluations and diagnostics). */
export interface AnalysedFace {
  box: Box;
  trackId: number | null;
  /** The track is past its first frame(s) (tentative tracks are not in a visit yet). */
  confirmed: boolean;
  visitId: number | null;
  sightingId: number | null;
  personId: number | null;
  status: TrackIdentity['status'];
  /** When the face was embedded in this frame: the view the visit received (diagnostics). */
  view: { embedding: Float32Array; quality: number; faceNorm: number } | null;
}

export interface AnalysedFrame {
  seq: number;
  /** The camera's clock (video time for files), seconds. */
  timeS: number;
  /** The frame's own presentation time, when ffmpeg reported it. */
  ptsS: number | null;
  faces: AnalysedFace[];
  /** Tracks that ended on this frame (including all of them at a scene cut). */
  endedTrackIds: number[];
  sceneCut: boolean;
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
  /** Analysed without the detector: nobody tracked and nothing moved since the detector last looked (motion gate). */
  framesSkippedStill: number;
  facesDetected: number;
  embeddings: number;
  /** Embeddings by why they were made (the embed policy's reason): where the embedding budget goes. */
  embeddingsByReason: Record<EmbedReason, number>;
  tracksStarted: number;
  /** Visits written as sightings, dropped unjudged (too short, not a face), and tracks joined to an open visit. */
  visitsWritten: number;
  visitsDropped: number;
  visitJoins: number;
  /** Cuts seen (every track ended there). */
  sceneCuts: number;
  /** Tracks split off their visit because their face changed to someone else's (a swap where people crossed). */
  trackSplits: number;
  /** Frames whose embeddings failed (worker crash, timeout): tracked without new views. */
  embedFailures: number;
  /** Visits asked about remotely (a request started; once per track) and remote answers that named a visit. */
  remoteAsks: number;
  remoteNamed: number;
  detectMs: number[];
  embedMs: number[];
  latencyMs: number[];
}

/** Sighting rows are refreshed at most this often while a track is alive (not per frame). */
const SIGHTING_PERSIST_INTERVAL_MS = 2000;
/** Per camera, by default at most this many frames are analysed at once; the rest are dropped (live) or wait (files). */
const DEFAULT_MAX_FRAMES_IN_FLIGHT = 2;
let nextPoolSourceKey = 1;
const LATENCY_WINDOW = 200;

/** A visit as it ended: who it was, and the template it was judged on. */
export interface ClosedVisit {
  sightingId: number;
  personId: number | null;
  reason: VisitState['verdictReason'];
  usableViews: number;
  /** The visit's template (L2-normalised), null without usable views. */
  template: Float32Array | null;
}

type PipelineEvents = {
  health: [CameraHealth];
  /** Every analysed frame's faces with their track, visit and sighting (evaluations, diagnostics). */
  analysed: [AnalysedFrame];
  end: [];
  /** A visit ended and its row was written for the last time (evaluations, diagnostics). */
  visitClosed: [ClosedVisit];
  /** The source failed for good (a file that cannot be read to its end); `end` does not follow. */
  failed: [string | null];
};

/** See CameraPipelineOptions.displayLingerMs. */
export const DEFAULT_DISPLAY_LINGER_MS = 60_000;

/** The tracker counts in steps of 100 ms whatever the detection rate, so its buffers mean the same time at 5 or 30 fps. */
const TRACKER_STEP_S = 0.1;

/**
 * One camera's live pipeline: ffmpeg frames -> shared-memory ring -> inference
 * pool -> tracker -> identity per track -> sightings and live frames.
 */
export class CameraPipeline extends EventEmitter<PipelineEvents> {
  private readonly source: FfmpegSource;
  /** The camera's display video (null without options.display). */
  readonly videoHub: VideoHub | null;
  /** The sub-stream's display (null without options.subStreamSource). */
  readonly subStream: SubStreamDisplay | null;
  private readonly tracker = new ByteTracker();
  private readonly tracks = new Map<number, TrackRecord>();
  private readonly visits: CameraVisits<RgbImage>;
  private readonly visitRows = new Map<number, VisitRow>();
  private readonly clock: FrameClock;
  /** Wall-clock ms at clock time 0 (set by the first frame): row times = anchor + clock time. */
  private wallAnchorMs: number | null = null;
  private lastTimeS: number | null = null;
  private lastSignature: Float32Array | null = null;
  private readonly motionGate: MotionGate | null;
  /** Frames handed to the detector and not yet applied: faces they find are not tracked yet, so the gate must not skip. */
  private detectionsInFlight = 0;
  /** Files (not looped) store where in the video each sighting is. */
  private readonly recordsVideoTime: boolean;
  private readonly onPeopleChanged = () => this.rejudgeVisits();
  private inFlight = 0;
  /** This pipeline's frames in the shared pool's queue (its fair share under overload). */
  private readonly poolSourceKey = nextPoolSourceKey++;
  private chain: Promise<void> = Promise.resolve();
  private processedTimes: number[] = [];
  private stopped = false;
  private displayLingerTimer: NodeJS.Timeout | null = null;
  private waiters: Array<() => void> = [];
  private readonly maxFramesInFlight: number;
  private readonly remote: VisitRemoteNaming | null;
  /** Remote answers per visit id (open visits, and closed ones whose answer came late). */
  private readonly remoteAnswers = new Map<number, RemoteIdentity>();
  /** Closed visits with a remote ask still on its way: the answer updates their final row. */
  private readonly closedAwaitingRemote = new Map<number, { visit: VisitState<RgbImage>; rowState: VisitRow }>();
  /** Visits with a remote ask on its way. */
  private readonly remoteAsking = new Set<number>();
  readonly stats: PipelineStats = {
    framesDecoded: 0,
    framesProcessed: 0,
    framesDropped: 0,
    framesFailed: 0,
    framesIgnored: 0,
    framesSkippedStill: 0,
    facesDetected: 0,
    embeddings: 0,
    embeddingsByReason: { 'new-track': 0, 'better-view': 0, 'still-unknown': 0, refresh: 0 },
    tracksStarted: 0,
    visitsWritten: 0,
    visitsDropped: 0,
    visitJoins: 0,
    sceneCuts: 0,
    trackSplits: 0,
    embedFailures: 0,
    remoteAsks: 0,
    remoteNamed: 0,
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
    this.motionGate = options.motionGate === false ? null : new MotionGate(options.motionGate ?? DEFAULT_MOTION_GATE_POLICY);
    this.remote = options.remoteNaming !== undefined ? options.remoteNaming : engine.remoteNaming;
    const isFile = options.source.kind === 'file';
    this.clock = new FrameClock(isFile, options.detectFps !== undefined ? 1 / options.detectFps : null);
    this.recordsVideoTime = options.source.kind === 'file' && !options.source.loop;
    this.visits = new CameraVisits<RgbImage>(
      options.visitPolicy ?? engine.visitPolicy(),
      (template, threshold) => engine.identifyEmbedding(template, threshold),
      (personId) => engine.isMatchable(personId),
    );
    engine.on('people.changed', this.onPeopleChanged);
    this.source = new FfmpegSource({
      source: options.source,
      outputFps: options.detectFps,
      maxWidth: options.maxWidth,
      realtime: options.realtime,
      ffmpegPath: options.ffmpegPath,
      display: options.display === true ? {} : undefined,
      // onFrame copies each frame into the ring before it returns: one reused buffer instead of
      // a fresh 2.7 MB allocation per 720p frame (that garbage cost the main thread ~5 ms a frame).
      frameBuffers: 'borrowed',
    });
    const hub = options.display === true ? new VideoHub({ onViewerCount: (viewers) => this.onDisplayViewers(viewers) }) : null;
    this.videoHub = hub;
    const subSource = options.display === true ? options.subStreamSource : undefined;
    this.subStream =
      subSource === undefined
        ? null
        : new SubStreamDisplay({
            source: subSource,
            ffmpegPath: options.ffmpegPath,
            lingerMs: options.displayLingerMs ?? DEFAULT_DISPLAY_LINGER_MS,
            onState: (state, lastError) =>
              this.engine.log.write(state === 'failed' ? 'error' : state === 'reconnecting' ? 'warn' : 'info', 'camera', `sub-stream ${state}`, {
                cameraId: options.cameraId,
                camera: options.cameraName,
                lastError,
              }),
          });
    if (hub !== null) {
      this.source.on('displayStart', () => hub.restart());
      this.source.on('display', (chunk) => hub.push(chunk));
    }
    this.source.on('frame', (frame) => this.onFrame(frame));
    this.source.on('state', ({ state, lastError }) => {
      const level = state === 'failed' ? 'error' : state === 'reconnecting' ? 'warn' : 'info';
      this.engine.log.write(level, 'camera', `camera ${state}`, { cameraId: options.cameraId, camera: options.cameraName, lastError });
      // The picture is gone (a dropped stream, a file that broke off): the people in view have
      // left as far as anyone can tell. Their visits end now, with final rows and clustering,
      // instead of waiting for frames that may not come.
      if (state === 'reconnecting' || state === 'failed') {
        void this.drain().then(() => this.finishAllTracksLogged());
      }
      this.emit('health', this.health());
      if (state === 'failed') this.emit('failed', lastError);
    });
    this.source.on('end', () => {
      void this.drain().then(async () => {
        this.finishAllTracksLogged();
        // A file's rows are final at its end: remote answers still on their way land first.
        await this.remote?.idle();
        this.closedAwaitingRemote.clear();
        this.engine.off('people.changed', this.onPeopleChanged);
        this.emit('end');
      });
    });
  }

  start(): void {
    this.stopped = false;
    this.source.start();
  }

  /** The display is wanted while someone watches, and for displayLingerMs after the last one left. */
  private onDisplayViewers(viewers: number): void {
    if (this.displayLingerTimer !== null) clearTimeout(this.displayLingerTimer);
    this.displayLingerTimer = null;
    if (viewers > 0) {
      this.source.setDisplayWanted(true);
      return;
    }
    if (this.stopped) return;
    this.displayLingerTimer = setTimeout(() => {
      this.displayLingerTimer = null;
      this.source.setDisplayWanted(false);
    }, this.options.displayLingerMs ?? DEFAULT_DISPLAY_LINGER_MS);
    this.displayLingerTimer.unref?.();
  }

  /** Whether ffmpeg is writing this camera's display video now. */
  get displayActive(): boolean {
    return this.source.displayActive;
  }

  async stop(): Promise<void> {
    if (this.displayLingerTimer !== null) clearTimeout(this.displayLingerTimer);
    this.displayLingerTimer = null;
    this.stopped = true;
    await Promise.all([this.source.stop(), this.subStream?.close()]);
    this.videoHub?.close();
    await this.drain();
    this.finishAllTracks();
    this.engine.off('people.changed', this.onPeopleChanged);
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
    if (this.motionGate !== null) {
      const image: RgbImage = { width: frame.width, height: frame.height, data: frame.data };
      const timeMs = frame.ptsS !== null && Number.isFinite(frame.ptsS) ? frame.ptsS * 1000 : frame.capturedAt;
      const tracking = this.tracker.trackCount > 0 || this.detectionsInFlight > 0;
      if (this.motionGate.decide(motionGrid(image, this.motionGate.policy), timeMs, tracking) === 'skip') {
        this.applySkippedFrame(frame);
        return;
      }
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
    this.detectionsInFlight++;
    const ref: FrameRef = { slot, width: frame.width, height: frame.height, byteLength: frame.data.length };
    // Detection starts now, in parallel with earlier frames' embedding. A live camera's frame
    // may be refused at once when the pool is saturated (dropped and counted below); an
    // offline file waits its turn instead.
    const detection = this.pool.detect(ref, { refuseWhenSaturated: this.options.dropWhenBusy, source: this.poolSourceKey });
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
        this.detectionsInFlight--;
        this.inFlight--;
        if (this.inFlight < this.maxFramesInFlight) this.source.resume();
        for (const w of this.waiters.splice(0)) w();
      }
    });
  }

  /**
   * A frame the motion gate let through without the detector: nobody is tracked and nothing moved,
   * so it holds no face. It still counts in order (time passes for visits and the lost-track buffer).
   */
  private applySkippedFrame(frame: RawFrame): void {
    this.inFlight++;
    this.stats.framesSkippedStill++;
    const stillFrame: DetectResult = { kind: 'detect', faces: [], signature: this.lastSignature ?? new Float32Array(0), ms: 0 };
    this.chain = this.chain.then(async () => {
      try {
        await this.applyFrame(frame, null, stillFrame);
      } catch (error) {
        this.stats.framesFailed++;
        this.source.noteError((error as Error).message);
      } finally {
        this.inFlight--;
        if (this.inFlight < this.maxFramesInFlight) this.source.resume();
        for (const w of this.waiters.splice(0)) w();
      }
    });
  }

  /** `ref`: the frame's ring slot, or null for a frame the detector skipped (it has no faces to embed). */
  private async applyFrame(frame: RawFrame, ref: FrameRef | null, detected: DetectResult): Promise<void> {
    const faces = detected.faces;
    // One clock for tracking, visits and the embedding schedule: video time for files (at any
    // reading speed), arrival time for live streams.
    const timeS = this.clock.timeOf(frame);
    if (this.options.startTime) this.wallAnchorMs ??= this.options.startTime.getTime() - timeS * 1000;
    else if (this.options.dropWhenBusy || this.options.realtime) {
      // Live: row times follow the wall clock as it is now (an NTP correction moves them with it).
      this.wallAnchorMs = frame.capturedAt - timeS * 1000;
    } else this.wallAnchorMs ??= Date.now() - timeS * 1000;
    const elapsedSteps = this.lastTimeS === null ? 1 : Math.max(0.05, (timeS - this.lastTimeS) / TRACKER_STEP_S);
    this.lastTimeS = timeS;
    // A cut (an edited video, a PTZ preset, a reconnect to another view): every track ends here.
    const sceneCut = ref !== null && this.lastSignature !== null && sceneDifference(this.lastSignature, detected.signature) > SCENE_CUT_THRESHOLD;
    this.lastSignature = detected.signature;
    const endedByCut = sceneCut ? this.tracker.flush() : [];
    if (sceneCut) this.stats.sceneCuts++;
    const update = this.tracker.update(
      faces.map((f) => ({ box: f.detection.box, score: f.detection.score })),
      { elapsedFrames: elapsedSteps },
    );
    const endedTrackIds = [...endedByCut, ...update.endedTrackIds];
    const clockMs = timeS * 1000;

    // Which tracked faces are worth an embedding this frame.
    const trackByDetection = new Map<number, TrackSnapshot>();
    const chosen: Array<{ detectionIndex: number; track: TrackSnapshot; record: TrackRecord; reason: EmbedReason }> = [];
    for (const track of update.tracks) {
      if (track.detectionIndex === null) continue;
      trackByDetection.set(track.detectionIndex, track);
      const record = this.trackRecord(track.trackId);
      record.embedHistory.named = this.visits.visitOfTrack(track.trackId)?.personId != null;
      const face = faces[track.detectionIndex]!;
      const sizePx = Math.min(face.detection.box.width, face.detection.box.height);
      const reason = shouldEmbed(record.embedHistory, { sizePx, quality: face.quality }, clockMs, this.options.embedPolicy);
      if (reason) chosen.push({ detectionIndex: track.detectionIndex, track, record, reason });
    }
    const views = new Map<number, NonNullable<TrackObservation<RgbImage>['view']>>();
    let embedMs = 0;
    if (chosen.length > 0 && ref !== null) {
      let embedded: Awaited<ReturnType<InferencePool['embed']>> | null = null;
      try {
        embedded = await this.pool.embed(ref, chosen.map((c) => faces[c.detectionIndex]!.detection));
      } catch (error) {
        // The frame still counts for tracking and visits (tracks that ended on it must end);
        // only its views are lost.
        this.stats.embedFailures++;
        this.source.noteError(`embedding: ${(error as Error).message}`);
      }
      if (embedded) {
        embedMs = embedded.ms;
        const frameImage: RgbImage = { width: frame.width, height: frame.height, data: this.ring.view(ref.slot, ref.byteLength) };
        chosen.forEach(({ detectionIndex, track, record, reason }, i) => {
          this.stats.embeddingsByReason[reason]++;
          const face = faces[detectionIndex]!;
          const embedding = embedded.embeddings[i]!;
          views.set(track.trackId, {
            embedding,
            quality: face.quality,
            faceNorm: embedded.norms[i] ?? 0,
            decision: this.engine.identifyEmbedding(embedding),
            // Kept in memory only: sealed (encrypted) if the visit ends as an unknown person.
            crop: cropFace(frameImage, face.detection.box),
          });
          record.embedHistory.embeddings++;
          record.embedHistory.lastEmbeddedAt = clockMs;
          record.embedHistory.bestEmbeddedQuality = Math.max(record.embedHistory.bestEmbeddedQuality, face.quality);
        });
        this.stats.embeddings += chosen.length;
      }
    }

    const observations: Array<TrackObservation<RgbImage>> = update.tracks
      .filter((track) => track.detectionIndex !== null || this.visits.visitOfTrack(track.trackId) !== undefined)
      .map((track) => ({
        trackId: track.trackId,
        confirmed: track.state !== 'tentative',
        box: track.detectionIndex === null ? null : faces[track.detectionIndex]!.detection.box,
        view: views.get(track.trackId),
      }));
    for (const trackId of endedTrackIds) this.tracks.delete(trackId);
    const changes = this.visits.update(timeS, observations, endedTrackIds, { sceneCut });
    this.applyVisitChanges(changes);
    this.askRemote();
    this.refreshOpenRows();

    const analysedFaces: AnalysedFace[] = [];
    const liveFaces: LiveFace[] = [];
    faces.forEach((face, index) => {
      const track = trackByDetection.get(index);
      const visit = track ? this.visits.visitOfTrack(track.trackId) : undefined;
      const identity: TrackIdentity = visit ? this.identityOf(visit) : { personId: null, status: 'unknown', score: null, source: null };
      analysedFaces.push({
        box: face.detection.box,
        trackId: track?.trackId ?? null,
        confirmed: track !== undefined && track.state !== 'tentative',
        visitId: visit?.id ?? null,
        sightingId: visit ? (this.visitRows.get(visit.id)?.sightingId ?? null) : null,
        personId: identity.personId,
        status: identity.status,
        view: track && views.has(track.trackId) ? { embedding: views.get(track.trackId)!.embedding, quality: face.quality, faceNorm: views.get(track.trackId)!.faceNorm } : null,
      });
      // A detection no track took (too unsure to start one) is not shown: the guard sees the faces being followed.
      if (!track) return;
      liveFaces.push({
        bbox: roundBox(face.detection.box),
        landmarks: face.detection.landmarks.map(([x, y]) => [Math.round(x), Math.round(y)] as [number, number]),
        detScore: Math.round(face.detection.score * 1000) / 1000,
        trackId: track?.trackId ?? null,
        status: identity.status,
        personId: identity.personId,
        personName: identity.personId !== null ? this.engine.personName(identity.personId) : null,
        score: identity.score === null ? null : Math.round(identity.score * 1000) / 1000,
      });
    });
    this.emit('analysed', { seq: frame.seq, timeS, ptsS: frame.ptsS, faces: analysedFaces, endedTrackIds, sceneCut });

    this.stats.framesProcessed++;
    this.stats.facesDetected += faces.length;
    if (ref !== null) pushBounded(this.stats.detectMs, detected.ms);
    if (chosen.length > 0) pushBounded(this.stats.embedMs, embedMs / chosen.length);
    pushBounded(this.stats.latencyMs, Date.now() - frame.capturedAt);
    this.processedTimes.push(Date.now());
    // Pruned here as well as in health(): nobody may be asking for health (a headless host).
    if (this.processedTimes.length > 1000) this.processedTimes = this.processedTimes.filter((t) => Date.now() - t < 5000);

    if (this.options.cameraId !== null && this.options.publishFrames()) {
      // Faces only: the picture is the camera's own video (videoHub), matched by ptsS.
      this.engine.emit('live.faces', {
        cameraId: this.options.cameraId,
        frameSeq: frame.seq,
        ptsS: frame.ptsS,
        capturedAt: frame.capturedAt,
        width: frame.width,
        height: frame.height,
        faces: liveFaces,
      });
    }
  }

  private trackRecord(trackId: number): TrackRecord {
    let record = this.tracks.get(trackId);
    if (!record) {
      record = { embedHistory: { embeddings: 0, lastEmbeddedAt: null, bestEmbeddedQuality: 0, named: false } };
      this.tracks.set(trackId, record);
      this.stats.tracksStarted++;
    }
    return record;
  }

  /** A visit's name as the overlay, the sighting and the alerts show it (a remote answer included). */
  private identityOf(visit: VisitState<RgbImage>): TrackIdentity {
    const name = this.remote
      ? nameVisit(this.remote.mode, visit, this.remoteAnswers.get(visit.id), (personId) => this.engine.isMatchable(personId))
      : { personId: visit.personId, score: visit.score, source: visit.personId === null ? null : ('local' as const) };
    if (name.personId === null) return { personId: null, status: 'unknown', score: name.score, source: null };
    const blocked = this.engine.personFacts(name.personId)?.category === 'blocked';
    return { personId: name.personId, status: blocked ? 'blocked' : 'member', score: name.score, source: name.source };
  }

  /**
   * Written visits the remote matcher should be asked about (hybrid: those left unknown or
   * ambiguous; rekognition: all), once per track, with the visit's best crop. Never awaited: the
   * answer renames the visit when it comes.
   */
  private askRemote(): void {
    const remote = this.remote;
    if (!remote) return;
    const cameraKey = this.options.cameraId !== null ? String(this.options.cameraId) : `file:${this.options.cameraName}`;
    for (const visit of this.visits.open) {
      if (!visit.written || visit.mergedInto !== null || this.remoteAnswers.has(visit.id)) continue;
      const trackId = [...visit.trackIds][0];
      if (trackId === undefined) continue;
      const decision = remote.consider(
        { cameraKey, trackId, personId: visit.personId, score: visit.score, reason: visit.verdictReason, crop: visit.bestCrop },
        (identity) => this.onRemoteAnswer(visit, identity),
      );
      if (decision.action === 'ask-remote') {
        this.stats.remoteAsks++;
        this.remoteAsking.add(visit.id);
      }
    }
  }

  private onRemoteAnswer(visit: VisitState<RgbImage>, identity: RemoteIdentity | null): void {
    this.remoteAsking.delete(visit.id);
    if (identity === null) {
      this.closedAwaitingRemote.delete(visit.id);
      return;
    }
    const before = this.identityOf(visit).personId;
    this.remoteAnswers.set(visit.id, identity);
    const after = this.identityOf(visit);
    if (after.source === 'remote' && after.personId !== before) this.stats.remoteNamed++;
    try {
      if (this.visitRows.has(visit.id)) this.writeRow(visit, false);
      else {
        const late = this.closedAwaitingRemote.get(visit.id);
        if (late) {
          this.closedAwaitingRemote.delete(visit.id);
          this.writeRow(visit, true, late.rowState);
          // Closed unknown, it went to the unknown-person clustering: the cluster follows the new name.
          if (before === null && after.personId !== null) this.engine.unknowns.visitNamedInBackground(late.rowState.sightingId, after.personId);
        }
        this.remoteAnswers.delete(visit.id);
      }
    } catch (error) {
      this.engine.log.error('camera', 'sighting not updated with the remote answer', { camera: this.options.cameraName, visit: visit.id, reason: (error as Error).message });
    }
  }

  private wallTime(timeS: number): Date {
    return new Date((this.wallAnchorMs ?? 0) + timeS * 1000);
  }

  private rowOf(visit: VisitState<RgbImage>) {
    const identity = this.identityOf(visit);
    return {
      personId: identity.personId,
      status: identity.status,
      matchSource: identity.source,
      firstSeen: this.wallTime(visit.startS),
      lastSeen: this.wallTime(visit.lastSeenS),
      bestScore: identity.score,
      frames: visit.frames,
      videoStartS: this.recordsVideoTime ? round3(visit.startS) : null,
      videoEndS: this.recordsVideoTime ? round3(visit.lastSeenS) : null,
    };
  }

  private applyVisitChanges(changes: VisitChanges<RgbImage>): void {
    this.stats.visitJoins += changes.joined.length;
    this.stats.trackSplits += changes.split.length;
    this.stats.visitsDropped += changes.dropped.length;
    // One visit's failed write (a busy or broken database) must not lose the others'.
    const each = (visits: Array<VisitState<RgbImage>>, what: string, write: (visit: VisitState<RgbImage>) => void) => {
      for (const visit of visits) {
        try {
          write(visit);
        } catch (error) {
          this.engine.log.error('camera', `sighting not ${what}`, { camera: this.options.cameraName, visit: visit.id, reason: (error as Error).message });
        }
      }
    };
    each(changes.opened, 'written', (visit) => this.openRow(visit));
    each(changes.renamed, 'updated', (visit) => this.writeRow(visit, false));
    each(changes.closed, 'closed', (visit) => this.closeVisit(visit));
  }

  /** A judged visit gets its sighting row (and the alerts it raises at once). */
  private openRow(visit: VisitState<RgbImage>): void {
    const row = this.rowOf(visit);
    const sighting = this.engine.sightingRepo.insert({
      ...row,
      cameraId: this.options.cameraId,
      cameraName: this.options.cameraName,
      trackId: [...visit.trackIds][0] ?? null,
    });
    this.visitRows.set(visit.id, { sightingId: sighting.id, lastPersistedAt: Date.now(), persistedPersonId: row.personId });
    this.stats.visitsWritten++;
    this.announce(sighting, false, visit.bestCrop);
  }

  /** Updates a written visit's row; a change of name (or the end) is announced, other refreshes are quiet. */
  private writeRow(visit: VisitState<RgbImage>, final: boolean, closedRow?: VisitRow): Sighting | null {
    const rowState = closedRow ?? this.visitRows.get(visit.id);
    if (!rowState) return null;
    const row = this.rowOf(visit);
    const renamed = rowState.persistedPersonId !== row.personId;
    const sighting = this.engine.sightingRepo.update(rowState.sightingId, row);
    rowState.lastPersistedAt = Date.now();
    rowState.persistedPersonId = row.personId;
    if (sighting && (final || renamed)) this.announce(sighting, final, visit.bestCrop);
    return sighting;
  }

  private announce(sighting: Sighting, final: boolean, face: RgbImage | null): void {
    this.engine.emit('sightings.changed', sighting);
    // Finality goes to the alerts: a restricted-area alert for a face still unknown waits for the visit's end.
    // The visit's best crop goes with an alert's pushed event only (in memory, never stored).
    this.engine.alerts.onSighting(sighting, final, face);
  }

  /** Written visits still open get their last-seen time and frame count refreshed now and then (not per frame). */
  private refreshOpenRows(): void {
    const now = Date.now();
    for (const visit of this.visits.open) {
      const rowState = this.visitRows.get(visit.id);
      if (rowState && now - rowState.lastPersistedAt >= SIGHTING_PERSIST_INTERVAL_MS) this.writeRow(visit, false);
    }
  }

  /**
   * A visit ended: its row gets its final state. One that ended unknown is one visit of a
   * recurring-unknown cluster: its best usable faces and best crop go to the clustering.
   */
  private closeVisit(visit: VisitState<RgbImage>): void {
    const sighting = this.writeRow(visit, true);
    const rowState = this.visitRows.get(visit.id);
    this.visitRows.delete(visit.id);
    // An ask still on its way: its answer will update this final row.
    if (rowState && this.remoteAsking.has(visit.id)) this.closedAwaitingRemote.set(visit.id, { visit, rowState });
    const name = this.identityOf(visit);
    this.remoteAnswers.delete(visit.id);
    if (rowState && sighting && this.listenerCount('visitClosed') > 0) {
      this.emit('visitClosed', { sightingId: rowState.sightingId, personId: name.personId, reason: visit.verdictReason, usableViews: visit.evidence.usableViews, template: visit.evidence.template() });
    }
    if (!rowState || !sighting || name.personId !== null) return;
    const faces = visit.evidence.views.slice(0, DEFAULT_MAX_FACES_PER_CLUSTER).map((v) => ({ embedding: v.embedding, quality: v.quality }));
    if (faces.length === 0) return;
    this.engine.unknowns.recordVisitInBackground({
      faces,
      crop: visit.bestCrop,
      cropQuality: visit.bestCropQuality,
      cameraId: this.options.cameraId,
      cameraName: this.options.cameraName,
      sightingId: rowState.sightingId,
      seenAt: this.wallTime(visit.lastSeenS),
    });
  }

  /** People changed (erased, deactivated, renamed): open visits are judged again at once. */
  private rejudgeVisits(): void {
    try {
      const renamed = new Set(this.visits.rejudgeAll());
      // A remote name of someone erased or deactivated is dropped too (identityOf checks who may be named).
      for (const visit of this.visits.open) if (this.remoteAnswers.has(visit.id)) renamed.add(visit);
      for (const visit of renamed) this.writeRow(visit, false);
    } catch (error) {
      this.engine.log.error('camera', 'visits not re-judged after a change of people', { camera: this.options.cameraName, reason: (error as Error).message });
    }
  }

  private finishAllTracks(): void {
    this.tracker.flush();
    this.tracks.clear();
    this.lastSignature = null;
    // The picture was lost (reconnection, end): the next frame is looked at, whatever it shows.
    this.motionGate?.reset();
    this.applyVisitChanges(this.visits.closeAll());
  }

  /** For event and promise callbacks: an error here is logged, never thrown into ffmpeg's events. */
  private finishAllTracksLogged(): void {
    try {
      this.finishAllTracks();
    } catch (error) {
      this.engine.log.error('camera', 'visits not closed', { camera: this.options.cameraName, reason: (error as Error).message });
    }
  }
}

function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
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
