import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Box } from '../../src-main/engine/vision/geometry.js';
import { iou } from '../../src-main/engine/vision/geometry.js';
import { seededRandom } from '../../src-main/engine/util/seeded-random.js';
import {
  ByteTracker,
  DEFAULT_BYTE_TRACKER_CONFIG,
  type ByteTrackerConfig,
} from '../../src-main/engine/tracking/byte-tracker.js';

// ---------------------------------------------------------------------------
// Scenario helpers: a scene is a list of faces, each saying where (and with
// what score) it is detected on each frame, or null when it is not detected.

interface FaceInScene {
  face: string;
  boxAt: (frame: number) => Box | null;
  scoreAt?: (frame: number) => number;
}

interface Scenario {
  name: string;
  config?: Partial<ByteTrackerConfig>;
  frameCount: number;
  /** Frames between updates (the detector running on every Nth frame), or per update (index ≥ 1). */
  elapsedFrames?: number | ((update: number) => number);
  faces: FaceInScene[];
  /**
   * For each face, the track ids its detections were matched to, over the
   * updates in which it was detected, run-length encoded: '1×10, -×3, 2×5'
   * ('-' = matched to no track).
   */
  expectedTrackIds: Record<string, string>;
  /** Updates (0-based) at which ids were reported ended; all others must report none. */
  expectedEnded?: Record<number, number[]>;
  /** Optional: the state of the track matched to each face's detection, run-length encoded like the ids. */
  expectedStates?: Record<string, string>;
}

const FACE_SIZE = 60;

/** A face moving at constant velocity from (x, y), detected on frames [from, to] (inclusive) except `hiddenFrames`. */
function moving(
  x: number,
  y: number,
  dx: number,
  dy: number,
  options: { from?: number; to?: number; hidden?: (frame: number) => boolean; size?: number } = {},
): (frame: number) => Box | null {
  const { from = 0, to = Infinity, hidden = () => false, size = FACE_SIZE } = options;
  return (frame) => (frame < from || frame > to || hidden(frame) ? null : { x: x + dx * frame, y: y + dy * frame, width: size, height: size });
}

function still(x: number, y: number, options: { from?: number; to?: number; hidden?: (frame: number) => boolean } = {}): (frame: number) => Box | null {
  return moving(x, y, 0, 0, options);
}

function runLength(values: string[]): string {
  const runs: Array<[string, number]> = [];
  for (const value of values) {
    const last = runs[runs.length - 1];
    if (last && last[0] === value) last[1] += 1;
    else runs.push([value, 1]);
  }
  return runs.map(([value, count]) => `${value}×${count}`).join(', ');
}

interface ScenarioOutcome {
  trackIds: Record<string, string>;
  states: Record<string, string>;
  ended: Record<number, number[]>;
}

function runScenario({ config, frameCount, elapsedFrames = 1, faces }: Scenario): ScenarioOutcome {
  const tracker = new ByteTracker(config);
  const ids: Record<string, string[]> = Object.fromEntries(faces.map(({ face }) => [face, []]));
  const states: Record<string, string[]> = Object.fromEntries(faces.map(({ face }) => [face, []]));
  const ended: Record<number, number[]> = {};
  const stepBefore = (update: number): number => (typeof elapsedFrames === 'number' ? elapsedFrames : elapsedFrames(update));
  let frame = 0;
  for (let update = 0; update < frameCount; update++) {
    const step = update === 0 ? 1 : stepBefore(update);
    if (update > 0) frame += step;
    const visible = faces.flatMap(({ face, boxAt, scoreAt }) => {
      const box = boxAt(frame);
      return box ? [{ face, box, score: scoreAt ? scoreAt(frame) : 0.9 }] : [];
    });
    // Alternate the detection order so no outcome can depend on input order.
    if (update % 2 === 1) visible.reverse();
    const result = tracker.update(
      visible.map(({ box, score }) => ({ box, score })),
      { elapsedFrames: step },
    );
    visible.forEach(({ face }, index) => {
      const track = result.tracks.find((t) => t.detectionIndex === index);
      ids[face]!.push(track ? String(track.trackId) : '-');
      states[face]!.push(track ? track.state : '-');
    });
    if (result.endedTrackIds.length > 0) ended[update] = result.endedTrackIds;
  }
  return {
    trackIds: Object.fromEntries(Object.entries(ids).map(([face, list]) => [face, runLength(list)])),
    states: Object.fromEntries(Object.entries(states).map(([face, list]) => [face, runLength(list)])),
    ended,
  };
}

function checkScenario(scenario: Scenario): void {
  const outcome = runScenario(scenario);
  assert.deepEqual(outcome.trackIds, scenario.expectedTrackIds, 'track ids per face');
  assert.deepEqual(outcome.ended, scenario.expectedEnded ?? {}, 'ended track ids per update');
  if (scenario.expectedStates) {
    const observed = Object.fromEntries(Object.keys(scenario.expectedStates).map((face) => [face, outcome.states[face]]));
    assert.deepEqual(observed, scenario.expectedStates, 'track states per face');
  }
}

const BUFFER = DEFAULT_BYTE_TRACKER_CONFIG.lostTrackBufferFrames; // 30

// ---------------------------------------------------------------------------

describe('ByteTracker: identity through motion', () => {
  const scenarios: Scenario[] = [
    {
      name: 'a single face moving steadily keeps one id',
      frameCount: 60,
      faces: [{ face: 'A', boxAt: moving(50, 200, 7, 1) }],
      expectedTrackIds: { A: '1×60' },
    },
    {
      name: 'a face accelerating away from the camera (shrinking, speeding up) keeps one id',
      frameCount: 40,
      faces: [{ face: 'A', boxAt: (f) => ({ x: 100 + 0.2 * f * f, y: 300 - f, width: 120 - 2 * f, height: 120 - 2 * f }) }],
      expectedTrackIds: { A: '1×40' },
    },
    {
      name: 'two faces crossing in neighbouring lanes keep their ids',
      frameCount: 50,
      faces: [
        // They overlap (IoU up to 0.33) around frame 25.
        { face: 'A', boxAt: moving(100, 100, 6, 0) },
        { face: 'B', boxAt: moving(400, 130, -6, 0) },
      ],
      expectedTrackIds: { A: '1×50', B: '2×50' },
    },
    {
      // Offset by 3 px so the boxes never coincide exactly (identical boxes
      // would make "which detection is A" meaningless); IoU peaks at 0.9.
      name: 'two faces crossing head-on in the same lane keep their ids',
      frameCount: 50,
      faces: [
        { face: 'A', boxAt: moving(100, 100, 6, 0) },
        { face: 'B', boxAt: moving(403, 100, -6, 0) },
      ],
      expectedTrackIds: { A: '1×50', B: '2×50' },
    },
    {
      name: 'two faces crossing diagonally keep their ids',
      frameCount: 50,
      faces: [
        { face: 'A', boxAt: moving(100, 100, 5, 4) },
        { face: 'B', boxAt: moving(353, 100, -5, 4) },
      ],
      expectedTrackIds: { A: '1×50', B: '2×50' },
    },
    {
      name: 'a face passing behind another (hidden while they overlap) keeps its id',
      frameCount: 50,
      faces: [
        { face: 'A', boxAt: moving(100, 100, 6, 0, { hidden: (f) => f >= 21 && f <= 29 }) },
        { face: 'B', boxAt: moving(400, 110, -6, 0) },
      ],
      // A is detected on 41 of the 50 frames, always as track 1.
      expectedTrackIds: { A: '1×41', B: '2×50' },
    },
    {
      name: 'three faces standing still side by side keep distinct ids',
      frameCount: 20,
      faces: [
        { face: 'A', boxAt: still(100, 100) },
        { face: 'B', boxAt: still(165, 100) },
        { face: 'C', boxAt: still(230, 100) },
      ],
      expectedTrackIds: { A: '1×20', B: '2×20', C: '3×20' },
    },
  ];
  for (const scenario of scenarios) it(scenario.name, () => checkScenario(scenario));
});

/**
 * People walking past a CCTV camera, as analysed at 10 frames per second: a
 * face of 50-130 px moves 20-40 px between analysed frames (a brisk walk),
 * often more than half its width, so plain IoU with a slowly learnt velocity
 * loses it (the same scenarios with `PLAIN_BYTETRACK` are checked to fail).
 */
const PLAIN_BYTETRACK: Partial<ByteTrackerConfig> = { matchBoxBuffer: 0, newTrackBoxBuffer: 0, lostBoxBufferPerFrame: 0, maxMatchBoxBuffer: 0, kalman: { initialVelocityStdWeight: 10 / 160 } };

/** A detector's box is never exact: the same walk with seeded jitter (±4 px position, ±5 % size). */
function jittered(boxAt: (frame: number) => Box | null, seed: number): (frame: number) => Box | null {
  return (frame) => {
    const box = boxAt(frame);
    if (box === null) return null;
    const random = seededRandom(seed * 7919 + Math.round(frame * 1000));
    const scale = 1 + (random() - 0.5) * 0.1;
    return { x: box.x + (random() - 0.5) * 8, y: box.y + (random() - 0.5) * 8, width: box.width * scale, height: box.height * scale };
  };
}

const walkingScenarios: Scenario[] = [
  {
    name: 'a 60 px face walking past at 30 px per frame keeps one id',
    frameCount: 40,
    faces: [{ face: 'A', boxAt: jittered(moving(0, 300, 30, 1), 1) }],
    expectedTrackIds: { A: '1×40' },
  },
  {
    name: 'a 50 px face at 40 px per frame (0.8 of its width) keeps one id',
    frameCount: 30,
    faces: [{ face: 'A', boxAt: jittered(moving(1200, 300, -40, 0, { size: 50 }), 2) }],
    expectedTrackIds: { A: '1×30' },
  },
  {
    name: 'approaching the camera: 50 -> 130 px while moving 35 px per frame keeps one id',
    frameCount: 24,
    faces: [{ face: 'A', boxAt: (f) => ({ x: 100 + 35 * f, y: 500 - 12 * f, width: 50 + (80 * f) / 23, height: 50 + (80 * f) / 23 }) }],
    expectedTrackIds: { A: '1×24' },
  },
  {
    name: 'two faces walking past each other head-on at 30 px per frame keep their ids',
    frameCount: 30,
    faces: [
      { face: 'A', boxAt: jittered(moving(100, 300, 30, 0), 3) },
      { face: 'B', boxAt: jittered(moving(1000, 320, -30, 0), 4) },
    ],
    expectedTrackIds: { A: '1×30', B: '2×30' },
  },
  {
    name: 'a walking face hidden for 4 frames (an occlusion) is found again on its path',
    frameCount: 30,
    faces: [{ face: 'A', boxAt: jittered(moving(0, 300, 30, 0, { hidden: (f) => f >= 12 && f < 16 }), 5) }],
    expectedTrackIds: { A: '1×26' },
  },
  {
    name: 'analysed at 30 fps instead of 10 (steps of a third), the same walk keeps one id',
    elapsedFrames: 1 / 3,
    frameCount: 90,
    faces: [{ face: 'A', boxAt: (f) => ({ x: 30 * f, y: 300, width: 60, height: 60 }) }],
    expectedTrackIds: { A: '1×90' },
  },
  {
    name: 'frames dropped unevenly (steps of 1, 3, 2) while walking keep one id',
    elapsedFrames: (update) => [1, 3, 2][update % 3]!,
    frameCount: 18,
    faces: [{ face: 'A', boxAt: jittered(moving(0, 300, 25, 0), 6) }],
    expectedTrackIds: { A: '1×18' },
  },
];

describe('ByteTracker: people walking past (fast lateral motion, scale change, misses)', () => {
  for (const scenario of walkingScenarios) it(scenario.name, () => checkScenario(scenario));
  it('plain ByteTrack settings break most of these walks (the buffers and velocity prior are what hold them)', () => {
    const broken = walkingScenarios.filter((scenario) => {
      const outcome = runScenario({ ...scenario, config: { ...scenario.config, ...PLAIN_BYTETRACK } });
      return JSON.stringify(outcome.trackIds) !== JSON.stringify(scenario.expectedTrackIds);
    });
    assert.ok(broken.length >= 4, `only ${broken.map((s) => s.name).join('; ')} broke`);
  });
});

describe('ByteTracker: scale gate', () => {
  it('a far face (40 px) appearing where a near face (80 px) was lost does not take over its track', () =>
    checkScenario({
      name: 'scale gate',
      frameCount: 12,
      faces: [
        { face: 'near', boxAt: moving(300, 200, 0, 0, { to: 5, size: 80 }) },
        { face: 'far', boxAt: moving(310, 215, 0, 0, { from: 8, size: 40 }) },
      ],
      expectedTrackIds: { near: '1×6', far: '2×4' },
    }));
  it('without the gate (maxScaleChange 10) it does', () => {
    const outcome = runScenario({
      name: 'no gate',
      config: { maxScaleChange: 10 },
      frameCount: 12,
      faces: [
        { face: 'near', boxAt: moving(300, 200, 0, 0, { to: 5, size: 80 }) },
        { face: 'far', boxAt: moving(310, 215, 0, 0, { from: 8, size: 40 }) },
      ],
      expectedTrackIds: {},
    });
    assert.equal(outcome.trackIds.far, '1×4');
  });
});

describe('ByteTracker: missing detections and the lost-track buffer', () => {
  const scenarios: Scenario[] = [
    {
      name: 'short occlusion (10 frames) keeps the id',
      frameCount: 50,
      faces: [{ face: 'A', boxAt: still(200, 200, { hidden: (f) => f >= 20 && f < 30 }) }],
      expectedTrackIds: { A: '1×40' },
    },
    {
      name: 'a moving face occluded for 8 frames is re-found on its predicted path',
      frameCount: 40,
      faces: [{ face: 'A', boxAt: moving(50, 200, 5, 0, { hidden: (f) => f >= 15 && f < 23 }) }],
      expectedTrackIds: { A: '1×32' },
    },
    {
      name: `missing for exactly the buffer (${BUFFER} frames) still keeps the id`,
      frameCount: 20 + BUFFER + 5,
      faces: [{ face: 'A', boxAt: still(200, 200, { hidden: (f) => f >= 20 && f < 20 + BUFFER }) }],
      expectedTrackIds: { A: '1×25' },
    },
    {
      name: `missing for one frame more than the buffer (${BUFFER + 1}) gives a new id and ends the old one`,
      frameCount: 20 + BUFFER + 1 + 5,
      faces: [{ face: 'A', boxAt: still(200, 200, { hidden: (f) => f >= 20 && f < 20 + BUFFER + 1 }) }],
      expectedTrackIds: { A: '1×20, 2×5' },
      // Last matched at update 19; ended once 31 frames have passed without a match.
      expectedEnded: { [19 + BUFFER + 1]: [1] },
    },
    {
      name: 'a face leaving and re-entering elsewhere after 60 frames gets a new id; the old one ends after the buffer',
      frameCount: 100,
      faces: [
        { face: 'A-first-visit', boxAt: moving(0, 200, 8, 0, { to: 29 }) },
        { face: 'A-second-visit', boxAt: moving(600, 220, -8, 0, { from: 90 }) },
      ],
      expectedTrackIds: { 'A-first-visit': '1×30', 'A-second-visit': '2×10' },
      expectedEnded: { [29 + BUFFER + 1]: [1] },
    },
    {
      name: 'a smaller buffer (5 frames) ends the track sooner',
      config: { lostTrackBufferFrames: 5 },
      frameCount: 30,
      faces: [{ face: 'A', boxAt: still(200, 200, { hidden: (f) => f >= 10 && f < 20 }) }],
      expectedTrackIds: { A: '1×10, 2×10' },
      expectedEnded: { [9 + 6]: [1] },
    },
    {
      name: 'detector on every 3rd frame: 10 skipped updates (30 frames) keep the id',
      elapsedFrames: 3,
      frameCount: 30,
      faces: [{ face: 'A', boxAt: still(200, 200, { hidden: (f) => f >= 30 && f < 60 }) }],
      expectedTrackIds: { A: '1×20' },
    },
    {
      name: 'detector on every 3rd frame: 11 skipped updates (33 frames > buffer) end the track',
      elapsedFrames: 3,
      frameCount: 30,
      faces: [{ face: 'A', boxAt: still(200, 200, { hidden: (f) => f >= 30 && f < 63 }) }],
      expectedTrackIds: { A: '1×10, 2×9' },
      // Last matched at update 9 (frame 27); at update 20 (frame 60) 33 frames have passed.
      expectedEnded: { 20: [1] },
    },
    {
      name: 'a moving face after a 10-frame gap in processing is found where the elapsed time predicts',
      // 8 px/frame: the gap moves the face 80 px, more than its width, so only
      // predicting the full 10 frames (not one step) lands on it.
      elapsedFrames: (update) => (update === 20 ? 10 : 1),
      frameCount: 30,
      faces: [{ face: 'A', boxAt: moving(50, 200, 8, 0) }],
      expectedTrackIds: { A: '1×30' },
    },
    {
      name: 'one of two faces leaves: only its id ends',
      frameCount: 50,
      faces: [
        { face: 'A', boxAt: still(100, 100) },
        { face: 'B', boxAt: still(300, 100, { to: 9 }) },
      ],
      expectedTrackIds: { A: '1×50', B: '2×10' },
      expectedEnded: { [9 + BUFFER + 1]: [2] },
    },
  ];
  for (const scenario of scenarios) it(scenario.name, () => checkScenario(scenario));
});

describe('ByteTracker: low-score detections (second association)', () => {
  const lowFrom10To24 = (low: number) => (f: number) => (f >= 10 && f < 25 ? low : 0.9);
  const scenarios: Scenario[] = [
    {
      name: 'low-score (0.3) detections extend a confirmed track',
      frameCount: 35,
      faces: [{ face: 'A', boxAt: moving(100, 100, 4, 0), scoreAt: lowFrom10To24(0.3) }],
      expectedTrackIds: { A: '1×35' },
    },
    {
      name: 'low-score detections keep a track alive far beyond the lost buffer',
      frameCount: 5 + 2 * BUFFER,
      faces: [{ face: 'A', boxAt: moving(100, 100, 2, 1), scoreAt: (f) => (f < 5 ? 0.9 : 0.3) }],
      expectedTrackIds: { A: `1×${5 + 2 * BUFFER}` },
      expectedStates: { A: `tentative×1, confirmed×${4 + 2 * BUFFER}` },
    },
    {
      name: 'contrast: detections below lowScoreThreshold (0.05) are ignored, the track goes lost and is re-found',
      frameCount: 35,
      faces: [{ face: 'A', boxAt: still(100, 100), scoreAt: lowFrom10To24(0.05) }],
      expectedTrackIds: { A: '1×10, -×15, 1×10' },
    },
    {
      name: 'a low-score face never starts a track',
      frameCount: 20,
      faces: [{ face: 'N', boxAt: still(300, 300), scoreAt: () => 0.3 }],
      expectedTrackIds: { N: '-×20' },
    },
    {
      name: 'a single spurious low-score detection never creates a track',
      frameCount: 10,
      faces: [
        { face: 'A', boxAt: still(100, 100) },
        { face: 'spurious', boxAt: still(400, 300, { from: 5, to: 5 }), scoreAt: () => 0.3 },
      ],
      expectedTrackIds: { A: '1×10', spurious: '-×1' },
    },
    {
      name: 'a high score below newTrackScoreThreshold (0.65) extends tracks but never starts one',
      frameCount: 20,
      faces: [
        { face: 'A', boxAt: still(100, 100), scoreAt: (f) => (f < 3 ? 0.9 : 0.65) },
        { face: 'N', boxAt: still(400, 100), scoreAt: () => 0.65 },
      ],
      expectedTrackIds: { A: '1×20', N: '-×20' },
    },
    {
      name: 'a low-score detection cannot revive a lost track',
      frameCount: 20,
      faces: [
        { face: 'A', boxAt: still(100, 100, { hidden: (f) => f >= 5 && f < 10 }), scoreAt: (f) => (f < 5 ? 0.9 : 0.3) },
      ],
      // Lost at update 5; stage 2 only serves tracks that were tracked on the previous frame.
      expectedTrackIds: { A: '1×5, -×10' },
    },
    {
      name: 'a low-score detection cannot confirm a tentative track; the tentative track is dropped',
      frameCount: 6,
      faces: [{ face: 'A', boxAt: still(100, 100), scoreAt: (f) => (f === 1 ? 0.3 : 0.9) }],
      expectedTrackIds: { A: '1×1, -×1, 2×4' },
      expectedEnded: { 1: [1] },
    },
  ];
  for (const scenario of scenarios) it(scenario.name, () => checkScenario(scenario));
});

describe('ByteTracker: confirmation of new tracks', () => {
  const scenarios: Scenario[] = [
    {
      name: 'default: confirmed on the second consecutive hit',
      frameCount: 6,
      faces: [{ face: 'A', boxAt: still(100, 100) }],
      expectedTrackIds: { A: '1×6' },
      expectedStates: { A: 'tentative×1, confirmed×5' },
    },
    {
      name: 'minConsecutiveHitsToConfirm 4',
      config: { minConsecutiveHitsToConfirm: 4 },
      frameCount: 6,
      faces: [{ face: 'A', boxAt: moving(100, 100, 3, 0) }],
      expectedTrackIds: { A: '1×6' },
      expectedStates: { A: 'tentative×3, confirmed×3' },
    },
    {
      name: 'minConsecutiveHitsToConfirm 1: confirmed at birth',
      config: { minConsecutiveHitsToConfirm: 1 },
      frameCount: 3,
      faces: [{ face: 'A', boxAt: still(100, 100) }],
      expectedTrackIds: { A: '1×3' },
      expectedStates: { A: 'confirmed×3' },
    },
    {
      name: 'a tentative track that misses a frame is dropped at once, and the face starts over',
      config: { minConsecutiveHitsToConfirm: 3 },
      frameCount: 8,
      faces: [{ face: 'A', boxAt: still(100, 100, { hidden: (f) => f === 2 }) }],
      expectedTrackIds: { A: '1×2, 2×5' },
      expectedStates: { A: 'tentative×4, confirmed×3' },
      expectedEnded: { 2: [1] },
    },
    {
      name: 'a one-frame flash of a confident false detection is dropped the next frame',
      frameCount: 5,
      faces: [
        { face: 'A', boxAt: still(100, 100) },
        { face: 'flash', boxAt: still(500, 300, { from: 2, to: 2 }) },
      ],
      expectedTrackIds: { A: '1×5', flash: '2×1' },
      expectedStates: { flash: 'tentative×1' },
      expectedEnded: { 3: [2] },
    },
  ];
  for (const scenario of scenarios) it(scenario.name, () => checkScenario(scenario));
});

describe('ByteTracker: duplicate lost tracks', () => {
  const home = { x: 200, y: 200, width: FACE_SIZE, height: FACE_SIZE };
  // The face stands at `home` (track 1), is reported 120 px away for two
  // frames (a new track 2 starts there; 1 goes lost), then walks back home at
  // 4 px a frame, reaching x = 204 (IoU 0.875 with home) at frame 40 and home at 41.
  const jumpAndReturn = (frame: number): Box => {
    if (frame < 10) return home;
    if (frame < 12) return { ...home, x: 320 };
    return { ...home, x: Math.max(200, 320 - 4 * (frame - 11)) };
  };
  // The lost track is ended once the returning face (held by track 2) overlaps its box by IoU > 0.85.
  const firstOverlapFrame = Array.from({ length: 60 }, (_, f) => f).find((f) => f >= 12 && iou(jumpAndReturn(f), home) > 0.85)!;
  const scenarios: Scenario[] = [
    {
      name: 'a lost track covered by a live track on the same face ends as a duplicate',
      config: { lostTrackBufferFrames: 60 },
      frameCount: 50,
      faces: [{ face: 'A', boxAt: jumpAndReturn }],
      expectedTrackIds: { A: '1×10, 2×40' },
      expectedEnded: { [firstOverlapFrame]: [1] },
    },
    {
      name: 'with the duplicate check off (threshold 1) the old lost track steals the face back',
      config: { lostTrackBufferFrames: 60, duplicateIouThreshold: 1 },
      frameCount: 50,
      faces: [{ face: 'A', boxAt: jumpAndReturn }],
      // Home at frame 41: the lost track sits exactly there and outbids track 2's prediction.
      expectedTrackIds: { A: '1×10, 2×31, 1×9' },
    },
  ];
  for (const scenario of scenarios) it(scenario.name, () => checkScenario(scenario));
});

describe('ByteTracker: reported track fields', () => {
  it('a matched track reports the detection; an unmatched one its prediction', () => {
    const tracker = new ByteTracker();
    const boxAt = (f: number): Box => ({ x: 100 + 5 * f, y: 100, width: 60, height: 60 });
    const rows: Array<{ frame: number; detect: boolean; expected: Record<string, unknown> }> = [
      { frame: 0, detect: true, expected: { trackId: 1, state: 'tentative', detectionIndex: 0, hits: 1, age: 1, framesSinceUpdate: 0, score: 0.8 } },
      { frame: 1, detect: true, expected: { trackId: 1, state: 'confirmed', detectionIndex: 0, hits: 2, age: 2, framesSinceUpdate: 0, score: 0.8 } },
      { frame: 2, detect: true, expected: { trackId: 1, state: 'confirmed', detectionIndex: 0, hits: 3, age: 3, framesSinceUpdate: 0, score: 0.8 } },
      { frame: 3, detect: false, expected: { trackId: 1, state: 'lost', detectionIndex: null, hits: 3, age: 4, framesSinceUpdate: 1, score: 0.8 } },
      { frame: 4, detect: false, expected: { trackId: 1, state: 'lost', detectionIndex: null, hits: 3, age: 5, framesSinceUpdate: 2, score: 0.8 } },
      { frame: 5, detect: true, expected: { trackId: 1, state: 'confirmed', detectionIndex: 0, hits: 4, age: 6, framesSinceUpdate: 0, score: 0.8 } },
    ];
    for (const { frame, detect, expected } of rows) {
      const { tracks } = tracker.update(detect ? [{ box: boxAt(frame), score: 0.8 }] : []);
      assert.equal(tracks.length, 1, `frame ${frame}`);
      const track = tracks[0]!;
      const { box, ...fields } = track;
      assert.deepEqual(fields, expected, `frame ${frame}`);
      if (detect) assert.deepEqual(box, boxAt(frame), `frame ${frame}: the detection's own box`);
      else {
        assert.notDeepEqual(box, boxAt(2), `frame ${frame}: not the last detection`);
        assert.ok(iou(box, boxAt(frame)) > 0.8, `frame ${frame}: predicted ${JSON.stringify(box)} near ${JSON.stringify(boxAt(frame))}`);
      }
    }
  });

  it('while lost, a track keeps drifting with its velocity but stops changing size', () => {
    const tracker = new ByteTracker();
    // Walking right and towards the camera (growing 2 px a frame), then undetected.
    const boxAt = (f: number): Box => ({ x: 100 + 4 * f, y: 100 - f, width: 60 + 2 * f, height: 60 + 2 * f });
    for (let f = 0; f < 20; f++) tracker.update([{ box: boxAt(f), score: 0.9 }]);
    const lostBoxes: Box[] = [];
    for (let f = 20; f < 30; f++) {
      const [track] = tracker.update([]).tracks;
      assert.equal(track?.state, 'lost', `frame ${f}`);
      lostBoxes.push(track!.box);
    }
    // The first missed frame is predicted while the track was still tracked (as in ByteTrack); from then on the size holds.
    const heights = lostBoxes.map((b) => b.height);
    for (const h of heights.slice(1)) assert.ok(Math.abs(h - heights[0]!) < 1e-6, `heights ${heights.join(', ')}`);
    const centres = lostBoxes.map((b) => b.x + b.width / 2);
    for (let i = 1; i < centres.length; i++) assert.ok(centres[i]! - centres[i - 1]! > 4, `centres ${centres.join(', ')}`);
  });

  it('degenerate detections (zero size, NaN) are skipped, never matched', () => {
    const tracker = new ByteTracker();
    const detections = [
      { box: { x: 10, y: 10, width: 0, height: 50 }, score: 0.9 },
      { box: { x: Number.NaN, y: 10, width: 50, height: 50 }, score: 0.9 },
      { box: { x: 300, y: 10, width: 50, height: 50 }, score: Number.NaN },
      { box: { x: 100, y: 100, width: 50, height: 50 }, score: 0.9 },
    ];
    const { tracks } = tracker.update(detections);
    assert.deepEqual(tracks.map((t) => [t.trackId, t.detectionIndex]), [[1, 3]]);
  });
});

describe('ByteTracker: flush and reset', () => {
  const cases: Array<{ name: string; frames: Array<Array<[number, number]>>; expectedFlushed: number[]; expectedNextId: number }> = [
    { name: 'flush with no tracks', frames: [], expectedFlushed: [], expectedNextId: 1 },
    { name: 'flush a tentative track', frames: [[[100, 100]]], expectedFlushed: [1], expectedNextId: 2 },
    {
      name: 'flush confirmed and lost tracks together',
      // Face at 100 stays; face at 400 leaves after frame 2 and is lost when flushed.
      frames: [[[100, 100], [400, 100]], [[100, 100], [400, 100]], [[100, 100], [400, 100]], [[100, 100]], [[100, 100]]],
      expectedFlushed: [1, 2],
      expectedNextId: 3,
    },
  ];
  for (const { name, frames, expectedFlushed, expectedNextId } of cases) {
    it(name, () => {
      const tracker = new ByteTracker();
      for (const frame of frames) tracker.update(frame.map(([x, y]) => ({ box: { x, y, width: 60, height: 60 }, score: 0.9 })));
      assert.deepEqual(tracker.flush(), expectedFlushed);
      // Nothing left to end, and no track carries over.
      assert.deepEqual(tracker.flush(), []);
      const after = tracker.update([{ box: { x: 100, y: 100, width: 60, height: 60 }, score: 0.9 }]);
      assert.deepEqual(after.tracks.map((t) => t.trackId), [expectedNextId], 'ids keep increasing after a flush');
      assert.deepEqual(after.endedTrackIds, []);
    });
  }

  it('reset forgets tracks and restarts ids at 1', () => {
    const tracker = new ByteTracker();
    for (let f = 0; f < 3; f++) tracker.update([{ box: { x: 100, y: 100, width: 60, height: 60 }, score: 0.9 }, { box: { x: 300, y: 100, width: 60, height: 60 }, score: 0.9 }]);
    tracker.reset();
    assert.deepEqual(tracker.flush(), []);
    const after = tracker.update([{ box: { x: 100, y: 100, width: 60, height: 60 }, score: 0.9 }]);
    assert.deepEqual(after.tracks.map((t) => [t.trackId, t.state]), [[1, 'tentative']]);
  });

  it('two instances (two cameras) do not share ids or tracks', () => {
    const cameraA = new ByteTracker();
    const cameraB = new ByteTracker();
    const face = [{ box: { x: 100, y: 100, width: 60, height: 60 }, score: 0.9 }];
    cameraA.update(face);
    cameraA.update([...face, { box: { x: 300, y: 100, width: 60, height: 60 }, score: 0.9 }]);
    assert.deepEqual(cameraB.update(face).tracks.map((t) => t.trackId), [1]);
    assert.deepEqual(cameraA.flush(), [1, 2]);
    assert.deepEqual(cameraB.flush(), [1]);
  });
});

describe('ByteTracker: every id that appears ends exactly once', () => {
  for (const seed of [11, 12, 13, 14]) {
    it(`random busy scene, seed ${seed}`, () => {
      const random = seededRandom(seed);
      const tracker = new ByteTracker({ lostTrackBufferFrames: 8 });
      // Faces wander, flicker in and out, and change score.
      const faces = Array.from({ length: 6 }, () => ({ x: random() * 600, y: random() * 400, dx: random() * 10 - 5, dy: random() * 6 - 3, size: 30 + random() * 60 }));
      const seen = new Set<number>();
      const endedAt = new Map<number, number>();
      let previousLive = new Set<number>();
      for (let frame = 0; frame < 120; frame++) {
        const detections = faces.flatMap((f) => {
          if (random() < 0.25) return [];
          return [{ box: { x: f.x + f.dx * frame, y: f.y + f.dy * frame, width: f.size, height: f.size }, score: random() }];
        });
        const { tracks, endedTrackIds } = tracker.update(detections);
        const live = new Set(tracks.map((t) => t.trackId));
        for (const id of live) {
          assert.ok(!endedAt.has(id), `frame ${frame}: ended id ${id} is live again`);
          seen.add(id);
        }
        for (const id of endedTrackIds) {
          assert.ok(!endedAt.has(id), `frame ${frame}: id ${id} ended twice`);
          assert.ok(previousLive.has(id) && !live.has(id), `frame ${frame}: ended id ${id} was live last frame and is gone now`);
          endedAt.set(id, frame);
        }
        // A track that disappears from the list must have been reported ended.
        for (const id of previousLive) assert.ok(live.has(id) || endedTrackIds.includes(id), `frame ${frame}: id ${id} vanished silently`);
        const matched = tracks.filter((t) => t.detectionIndex !== null).map((t) => t.detectionIndex);
        assert.equal(new Set(matched).size, matched.length, `frame ${frame}: a detection matched twice`);
        previousLive = live;
      }
      for (const id of tracker.flush()) {
        assert.ok(!endedAt.has(id), `flushed id ${id} had already ended`);
        endedAt.set(id, 120);
      }
      assert.ok(seen.size > 6, `scene produced ${seen.size} ids`);
      assert.deepEqual([...endedAt.keys()].sort((a, b) => a - b), [...seen].sort((a, b) => a - b));
      // Ids are handed out 1, 2, 3, … without gaps.
      assert.deepEqual([...seen].sort((a, b) => a - b), Array.from({ length: seen.size }, (_, i) => i + 1));
    });
  }
});

describe('ByteTracker: configuration', () => {
  it('defaults are ByteTrack-like', () => {
    assert.deepEqual({ ...DEFAULT_BYTE_TRACKER_CONFIG }, {
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
      kalman: { initialVelocityStdWeight: 0.5 },
    });
    assert.deepEqual(new ByteTracker({ lostTrackBufferFrames: 12 }).config, { ...DEFAULT_BYTE_TRACKER_CONFIG, lostTrackBufferFrames: 12 });
  });

  const invalid: Array<{ name: string; config: Partial<ByteTrackerConfig> }> = [
    { name: 'score threshold above 1', config: { highScoreThreshold: 1.2 } },
    { name: 'negative IoU threshold', config: { firstMatchIouThreshold: -0.1 } },
    { name: 'low threshold above high threshold', config: { lowScoreThreshold: 0.7, highScoreThreshold: 0.5 } },
    { name: 'negative buffer', config: { lostTrackBufferFrames: -1 } },
    { name: 'negative match box buffer', config: { matchBoxBuffer: -0.1 } },
    { name: 'absurd lost box buffer', config: { maxMatchBoxBuffer: 50 } },
    { name: 'scale change below 1', config: { maxScaleChange: 0.5 } },
    { name: 'zero hits to confirm', config: { minConsecutiveHitsToConfirm: 0 } },
    { name: 'fractional hits to confirm', config: { minConsecutiveHitsToConfirm: 1.5 } },
    { name: 'NaN threshold', config: { secondMatchIouThreshold: Number.NaN } },
  ];
  for (const { name, config } of invalid) it(`rejects ${name}`, () => assert.throws(() => new ByteTracker(config), RangeError));

  const badSteps = [0, -1, Number.NaN, Infinity];
  for (const elapsedFrames of badSteps) {
    it(`rejects elapsedFrames ${elapsedFrames}`, () => assert.throws(() => new ByteTracker().update([], { elapsedFrames }), RangeError));
  }
});
