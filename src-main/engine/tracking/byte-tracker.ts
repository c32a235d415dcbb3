/**
 * ByteTrack-style multi-object tracker for face boxes (Zhang et al., "ByteTrack:
 * Multi-Object Tracking by Associating Every Detection Box", ECCV 2022).
 *
 * Each frame, tracks are moved forward by a constant-velocity Kalman filter and
 * matched to detections by *buffered* IoU in stages (both boxes widened by a
 * fraction of their size before the overlap is measured, as in C-BIoU, Yang et
 * al. 2023: a face walking past at 10 analysed frames per second moves half its
 * width or more between frames, so plain IoU often finds no overlap at all; a
 * lost track's search area grows the longer it is lost):
 *   1. high-score detections vs confirmed and lost tracks;
 *   2. low-score detections vs confirmed tracks still unmatched — a blurred or
 *      turned face keeps its track, but a low-score box never starts one;
 *   3. high-score detections left over vs tentative (newly started) tracks;
 *   4. high-score detections still left over start new tentative tracks.
 * Confirmed tracks that find no detection become lost and are kept for
 * re-association for a while; tentative tracks that miss a frame are dropped.
 *
 * Pure and synchronous: no I/O, no shared state. Use one instance per camera.
 */
import { iou, type Box } from '../vision/geometry.js';
import { KalmanBoxFilter, type KalmanNoiseWeights } from './kalman-box-filter.js';
import { linearAssignment } from './linear-assignment.js';

export type TrackState = 'tentative' | 'confirmed' | 'lost';

export interface TrackerDetection {
  box: Box;
  score: number;
}

export interface TrackSnapshot {
  /** Per-tracker id, 1, 2, 3, … in order of creation; never reused by the same instance (until reset()). */
  trackId: number;
  /** The matched detection's box this frame, or the Kalman-predicted box when unmatched. */
  box: Box;
  /** Score of the detection last matched to this track. */
  score: number;
  /** Index into this frame's `detections` matched to the track, or null. */
  detectionIndex: number | null;
  state: TrackState;
  /** Number of updates in which a detection was matched to the track. */
  hits: number;
  /** Frames since the track started, counting its first frame as 1. */
  age: number;
  /** Frames since a detection was last matched (0 when matched this frame). */
  framesSinceUpdate: number;
}

export interface TrackerUpdate {
  /** Every live track (tentative, confirmed and lost), by ascending trackId. */
  tracks: TrackSnapshot[];
  /**
   * Ids of tracks that ended this frame, ascending: lost longer than the
   * buffer, tentative tracks that missed a frame, or lost tracks superseded by
   * a live track on the same face. Every id seen in `tracks` ends exactly once
   * (here, or in flush()).
   */
  endedTrackIds: number[];
}

export interface ByteTrackerConfig {
  /** Detections scoring at least this take part in the first association (and may start tracks). */
  highScoreThreshold: number;
  /** Detections scoring below this are ignored; between this and highScoreThreshold they can only extend confirmed tracks. */
  lowScoreThreshold: number;
  /** An unmatched high-score detection starts a new track only if it scores at least this. */
  newTrackScoreThreshold: number;
  /** Stage 1 (high-score detections vs confirmed and lost tracks): IoU with the predicted box must exceed this. */
  firstMatchIouThreshold: number;
  /** Stage 2 (low-score detections vs confirmed tracks): IoU must exceed this; stricter, as low scores are often clutter. */
  secondMatchIouThreshold: number;
  /** Stage 3 (remaining high-score detections vs tentative tracks): IoU must exceed this. */
  unconfirmedMatchIouThreshold: number;
  /** A lost track is kept for re-association for up to this many frames without a detection, then ended. */
  lostTrackBufferFrames: number;
  /** A tentative track becomes confirmed once matched on this many consecutive frames (1 = confirmed at birth). */
  minConsecutiveHitsToConfirm: number;
  /** A lost track whose predicted box overlaps a track matched this frame by more than this IoU is ended as a duplicate of it. */
  duplicateIouThreshold: number;
  /** Matching widens each box by this fraction of its width / height on every side before measuring IoU (0 = plain IoU). */
  matchBoxBuffer: number;
  /** The same for a track seen once, whose velocity is still unknown: it may have moved anywhere near. */
  newTrackBoxBuffer: number;
  /**
   * A track's boxes are widened by this much more for every frame beyond one since it was last
   * matched (lost, or the detector skipped frames), so the search grows with the uncertainty.
   */
  lostBoxBufferPerFrame: number;
  /** Upper bound of a lost track's buffer. */
  maxMatchBoxBuffer: number;
  /**
   * A detection this many times taller or shorter than a track's predicted box is never that
   * track (wide buffers would otherwise let a distant face take over a near one's track).
   */
  maxScaleChange: number;
  /** The Kalman filter's noise weights (see kalman-box-filter.ts). */
  kalman: Partial<KalmanNoiseWeights>;
}

/**
 * ByteTrack's published settings (track_thresh 0.6 with new tracks from
 * +0.1, match_thresh 0.8 i.e. IoU > 0.2, then 0.5 and 0.7 as costs, a buffer of
 * 30 frames, confirmation on the second hit, duplicates at IoU distance < 0.15),
 * with C-BIoU's buffers (0.3 on every side, 0.5 for a track seen once, growing
 * by 0.2 per frame unseen, up to 1) and a wide prior on a new face's velocity (half its height per
 * frame) for faces walking past a camera. In the app one "frame" is 100 ms
 * (the pipeline converts), so the buffer of 30 is 3 s at any detection rate.
 */
export const DEFAULT_BYTE_TRACKER_CONFIG: Readonly<ByteTrackerConfig> = Object.freeze({
  highScoreThreshold: 0.6,
  lowScoreThreshold: 0.1,
  newTrackScoreThreshold: 0.7,
  firstMatchIouThreshold: 0.2,
  secondMatchIouThreshold: 0.5,
  unconfirmedMatchIouThreshold: 0.3,
  lostTrackBufferFrames: 30,
  minConsecutiveHitsToConfirm: 2,
  duplicateIouThreshold: 0.85,
  matchBoxBuffer: 0.3,
  newTrackBoxBuffer: 0.5,
  lostBoxBufferPerFrame: 0.2,
  maxMatchBoxBuffer: 1,
  maxScaleChange: 1.5,
  kalman: Object.freeze({ initialVelocityStdWeight: 0.5 }),
});

export interface TrackerUpdateOptions {
  /**
   * Frames since the previous update (default 1). Pass more when the detector
   * runs on every Nth frame or frames were dropped, so motion prediction and
   * lostTrackBufferFrames stay in camera frames.
   */
  elapsedFrames?: number;
}

interface Track {
  readonly trackId: number;
  readonly filter: KalmanBoxFilter;
  state: TrackState;
  box: Box;
  score: number;
  detectionIndex: number | null;
  hits: number;
  age: number;
  framesSinceUpdate: number;
}

export class ByteTracker {
  readonly config: Readonly<ByteTrackerConfig>;
  private tracks: Track[] = [];
  private nextTrackId = 1;

  constructor(config: Partial<ByteTrackerConfig> = {}) {
    this.config = Object.freeze(validateConfig({ ...DEFAULT_BYTE_TRACKER_CONFIG, ...config }));
  }

  update(detections: ReadonlyArray<TrackerDetection>, options: TrackerUpdateOptions = {}): TrackerUpdate {
    const elapsedFrames = options.elapsedFrames ?? 1;
    if (!(elapsedFrames > 0) || !Number.isFinite(elapsedFrames)) {
      throw new RangeError(`elapsedFrames must be a positive finite number, got ${elapsedFrames}`);
    }
    const config = this.config;

    // Degenerate boxes (zero size, NaN) cannot be tracked; skip them rather than fail the camera.
    const highDetections: number[] = [];
    const lowDetections: number[] = [];
    detections.forEach((detection, index) => {
      if (!isTrackable(detection)) return;
      if (detection.score >= config.highScoreThreshold) highDetections.push(index);
      else if (detection.score >= config.lowScoreThreshold) lowDetections.push(index);
    });

    for (const track of this.tracks) {
      // ByteTrack lets a lost box keep drifting but not keep growing or shrinking.
      if (track.state === 'lost') track.filter.freezeHeightVelocity();
      track.filter.predict(elapsedFrames);
      track.box = track.filter.box;
      track.age += elapsedFrames;
      track.framesSinceUpdate += elapsedFrames;
      track.detectionIndex = null;
    }

    const confirmed = this.tracks.filter((track) => track.state === 'confirmed');
    const lost = this.tracks.filter((track) => track.state === 'lost');
    const tentative = this.tracks.filter((track) => track.state === 'tentative');
    const ended = new Set<Track>();

    // Stage 1: high-score detections vs confirmed and lost tracks.
    const firstPool = [...confirmed, ...lost];
    const first = this.associate(firstPool, highDetections, detections, config.firstMatchIouThreshold);
    for (const [track, detectionIndex] of first.matches) this.applyMatch(track, detectionIndex, detections);

    // Stage 2: low-score detections vs confirmed tracks (not lost ones) still unmatched.
    const secondPool = first.unmatchedTracks.filter((track) => track.state === 'confirmed');
    const second = this.associate(secondPool, lowDetections, detections, config.secondMatchIouThreshold);
    for (const [track, detectionIndex] of second.matches) this.applyMatch(track, detectionIndex, detections);
    for (const track of second.unmatchedTracks) track.state = 'lost';

    // Stage 3: high-score detections left over vs tentative tracks; a tentative track gets no second chance.
    const third = this.associate(tentative, first.unmatchedDetections, detections, config.unconfirmedMatchIouThreshold);
    for (const [track, detectionIndex] of third.matches) this.applyMatch(track, detectionIndex, detections);
    for (const track of third.unmatchedTracks) ended.add(track);

    // Stage 4: confident leftovers start new tracks.
    const born: Track[] = [];
    for (const detectionIndex of third.unmatchedDetections) {
      const detection = detections[detectionIndex]!;
      if (detection.score >= config.newTrackScoreThreshold) born.push(this.startTrack(detection, detectionIndex));
    }

    for (const track of this.tracks) {
      if (track.state === 'lost' && track.framesSinceUpdate > config.lostTrackBufferFrames) ended.add(track);
    }
    // A lost track lying on a face that another track holds this frame is the
    // same face under an older id; left alive it could later steal the face
    // back and switch ids. (ByteTrack keeps whichever of the two is older; we
    // keep the one holding the detection, so a matched track never vanishes.)
    const matchedThisFrame = [...this.tracks, ...born].filter((track) => track.detectionIndex !== null);
    for (const track of this.tracks) {
      if (track.state !== 'lost' || ended.has(track)) continue;
      if (matchedThisFrame.some((other) => iou(track.box, other.box) > config.duplicateIouThreshold)) ended.add(track);
    }

    this.tracks = [...this.tracks.filter((track) => !ended.has(track)), ...born];
    return {
      tracks: this.tracks.map(snapshot),
      endedTrackIds: [...ended].map((track) => track.trackId).sort((a, b) => a - b),
    };
  }

  /** Tracks alive now (tentative, confirmed or lost). */
  get trackCount(): number {
    return this.tracks.length;
  }

  /** Ends every live track (e.g. the camera stopped) and returns their ids, ascending. Ids keep increasing afterwards. */
  flush(): number[] {
    const endedTrackIds = this.tracks.map((track) => track.trackId).sort((a, b) => a - b);
    this.tracks = [];
    return endedTrackIds;
  }

  /** Forgets everything, as if newly constructed: ids start again at 1. Tracks are dropped without being reported. */
  reset(): void {
    this.tracks = [];
    this.nextTrackId = 1;
  }

  /** Minimum-cost IoU matching of `pool` tracks to the given detections, pairs needing IoU > minIou. */
  private associate(
    pool: Track[],
    detectionIndices: number[],
    detections: ReadonlyArray<TrackerDetection>,
    minIou: number,
  ): { matches: Array<[Track, number]>; unmatchedTracks: Track[]; unmatchedDetections: number[] } {
    const costs = pool.map((track) => {
      const buffer = this.bufferOf(track);
      const trackBox = widen(track.box, buffer);
      return detectionIndices.map((index) => {
        const box = detections[index]!.box;
        const scale = box.height / track.box.height;
        if (!(scale <= this.config.maxScaleChange && scale >= 1 / this.config.maxScaleChange)) return 1;
        return 1 - iou(trackBox, widen(box, buffer));
      });
    });
    const result = linearAssignment(costs, { columnCount: detectionIndices.length, maxCost: 1 - minIou });
    return {
      matches: result.matches.map(([row, column]) => [pool[row]!, detectionIndices[column]!]),
      unmatchedTracks: result.unmatchedRows.map((row) => pool[row]!),
      unmatchedDetections: result.unmatchedColumns.map((column) => detectionIndices[column]!),
    };
  }

  /** How much a track's boxes are widened for matching: more the longer since it was last seen. */
  private bufferOf(track: Track): number {
    const { matchBoxBuffer, newTrackBoxBuffer, lostBoxBufferPerFrame, maxMatchBoxBuffer } = this.config;
    const base = track.hits <= 1 ? Math.max(matchBoxBuffer, newTrackBoxBuffer) : matchBoxBuffer;
    return Math.min(Math.max(base, maxMatchBoxBuffer), base + lostBoxBufferPerFrame * Math.max(0, track.framesSinceUpdate - 1));
  }

  private applyMatch(track: Track, detectionIndex: number, detections: ReadonlyArray<TrackerDetection>): void {
    const detection = detections[detectionIndex]!;
    track.filter.update(detection.box);
    track.box = { ...detection.box };
    track.score = detection.score;
    track.detectionIndex = detectionIndex;
    track.hits += 1;
    track.framesSinceUpdate = 0;
    // A lost track found again is confirmed at once; a tentative one only
    // reaches here on consecutive frames, so its hits are consecutive hits.
    if (track.state === 'lost' || track.hits >= this.config.minConsecutiveHitsToConfirm) track.state = 'confirmed';
  }

  private startTrack(detection: TrackerDetection, detectionIndex: number): Track {
    return {
      trackId: this.nextTrackId++,
      filter: new KalmanBoxFilter(detection.box, this.config.kalman),
      state: this.config.minConsecutiveHitsToConfirm <= 1 ? 'confirmed' : 'tentative',
      box: { ...detection.box },
      score: detection.score,
      detectionIndex,
      hits: 1,
      age: 1,
      framesSinceUpdate: 0,
    };
  }
}

function snapshot(track: Track): TrackSnapshot {
  return {
    trackId: track.trackId,
    box: { ...track.box },
    score: track.score,
    detectionIndex: track.detectionIndex,
    state: track.state,
    hits: track.hits,
    age: track.age,
    framesSinceUpdate: track.framesSinceUpdate,
  };
}

/** The box widened by `buffer` of its width / height on every side (C-BIoU's buffered box). */
function widen(box: Box, buffer: number): Box {
  if (buffer === 0) return box;
  const dx = box.width * buffer, dy = box.height * buffer;
  return { x: box.x - dx, y: box.y - dy, width: box.width + 2 * dx, height: box.height + 2 * dy };
}

function isTrackable({ box, score }: TrackerDetection): boolean {
  return (
    Number.isFinite(score) &&
    Number.isFinite(box.x) && Number.isFinite(box.y) && Number.isFinite(box.width) && Number.isFinite(box.height) &&
    box.width > 0 && box.height > 0
  );
}

function validateConfig(config: ByteTrackerConfig): ByteTrackerConfig {
  const fraction = (name: keyof ByteTrackerConfig, value: number): void => {
    if (!(value >= 0 && value <= 1)) throw new RangeError(`ByteTracker config: ${name} must be within [0, 1], got ${value}`);
  };
  fraction('highScoreThreshold', config.highScoreThreshold);
  fraction('lowScoreThreshold', config.lowScoreThreshold);
  fraction('newTrackScoreThreshold', config.newTrackScoreThreshold);
  fraction('firstMatchIouThreshold', config.firstMatchIouThreshold);
  fraction('secondMatchIouThreshold', config.secondMatchIouThreshold);
  fraction('unconfirmedMatchIouThreshold', config.unconfirmedMatchIouThreshold);
  fraction('duplicateIouThreshold', config.duplicateIouThreshold);
  for (const name of ['matchBoxBuffer', 'newTrackBoxBuffer', 'lostBoxBufferPerFrame', 'maxMatchBoxBuffer'] as const) {
    if (!(config[name] >= 0 && config[name] <= 5)) throw new RangeError(`ByteTracker config: ${name} must be within [0, 5], got ${config[name]}`);
  }
  if (!(config.maxScaleChange >= 1)) throw new RangeError(`ByteTracker config: maxScaleChange must be at least 1, got ${config.maxScaleChange}`);
  if (config.lowScoreThreshold > config.highScoreThreshold) {
    throw new RangeError(
      `ByteTracker config: lowScoreThreshold (${config.lowScoreThreshold}) must not exceed highScoreThreshold (${config.highScoreThreshold})`,
    );
  }
  if (!(config.lostTrackBufferFrames >= 0) || !Number.isFinite(config.lostTrackBufferFrames)) {
    throw new RangeError(`ByteTracker config: lostTrackBufferFrames must be a non-negative number, got ${config.lostTrackBufferFrames}`);
  }
  if (!Number.isInteger(config.minConsecutiveHitsToConfirm) || config.minConsecutiveHitsToConfirm < 1) {
    throw new RangeError(
      `ByteTracker config: minConsecutiveHitsToConfirm must be an integer of at least 1, got ${config.minConsecutiveHitsToConfirm}`,
    );
  }
  return config;
}
