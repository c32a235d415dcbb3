import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { MatchDecision } from '../../src-main/engine/matching/match-decision.js';
import { CameraVisits, DEFAULT_VISIT_POLICY, type TrackObservation, type VisitChanges } from '../../src-main/engine/live/camera-visits.js';
import { DEFAULT_VISIT_EVIDENCE_POLICY, type FaceView } from '../../src-main/engine/live/visit-evidence.js';
import { FrameClock } from '../../src-main/engine/live/frame-clock.js';
import { frameSignature, SCENE_CUT_THRESHOLD, sceneDifference } from '../../src-main/engine/vision/scene-change.js';

// A toy gallery in 3-d: person 1 is +x, person 2 is +y; strangers point elsewhere.
const PERSON_1 = [1, 0, 0];
const PERSON_2 = [0, 1, 0];
const THRESHOLD = 0.46;
function identify(embedding: Float32Array, threshold = THRESHOLD): MatchDecision {
  const s1 = embedding[0]!, s2 = embedding[1]!;
  const [best, bestScore, other] = s1 >= s2 ? [1, s1, s2] : [2, s2, s1];
  if (bestScore < threshold) return { kind: 'unknown', reason: 'below-threshold', bestPersonId: best, bestScore };
  if (bestScore - other < 0.03) return { kind: 'unknown', reason: 'ambiguous', bestPersonId: best, bestScore };
  return { kind: 'match', personId: best, score: bestScore, runnerUpScore: other };
}
function unit(v: number[]): Float32Array {
  const n = Math.hypot(...v);
  return Float32Array.from(v.map((x) => x / n));
}
function faceView(direction: number[], quality = 0.6, usable = true): FaceView {
  const embedding = unit(direction);
  return { embedding, quality, faceNorm: usable ? 3 : 1, decision: identify(embedding) };
}
const policy = { ...DEFAULT_VISIT_POLICY, evidence: { ...DEFAULT_VISIT_EVIDENCE_POLICY, minFaceNorm: 2 }, matchThreshold: THRESHOLD };
const box = (x: number, y = 300, size = 60) => ({ x, y, width: size, height: size });

/** Drives the visits frame by frame (10 per second) and collects every change. */
class Scene {
  readonly visits = new CameraVisits(policy, identify);
  readonly log: VisitChanges[] = [];
  t = 0;
  frame(observations: TrackObservation[], ended: number[] = [], sceneCut = false): VisitChanges {
    const changes = this.visits.update(this.t, observations, ended, { sceneCut });
    this.log.push(changes);
    this.t = Math.round((this.t + 0.1) * 10) / 10;
    return changes;
  }
  idle(seconds: number): void {
    for (let i = 0; i < seconds * 10; i++) this.frame([]);
  }
  get opened() {
    return this.log.flatMap((c) => c.opened);
  }
  get closed() {
    return this.log.flatMap((c) => c.closed);
  }
  get dropped() {
    return this.log.flatMap((c) => c.dropped);
  }
  get joins() {
    return this.log.flatMap((c) => c.joined);
  }
}

/** A track walking right at 30 px per frame for `frames` frames, embedded on its first confirmed frame and every 10th. */
function walk(scene: Scene, trackId: number, x0: number, frames: number, direction: number[] | null, options: { usable?: boolean; endAfter?: boolean } = {}): void {
  for (let i = 0; i < frames; i++) {
    const view = direction && (i === 1 || i % 10 === 1) ? faceView(direction, 0.6, options.usable ?? true) : undefined;
    scene.frame([{ trackId, confirmed: i >= 1, box: box(x0 + 30 * i), view }]);
  }
  if (options.endAfter !== false) scene.frame([], [trackId]);
}

describe('CameraVisits: one visit per walk-by', () => {
  test('a member walking past is one visit, written once, named, closed after the window', () => {
    const scene = new Scene();
    walk(scene, 1, 0, 30, PERSON_1);
    scene.idle(11);
    assert.equal(scene.opened.length, 1);
    assert.equal(scene.opened[0]!.personId, 1);
    assert.equal(scene.closed.length, 1);
    assert.equal(scene.closed[0]!.frames, 30);
  });

  test('a member whose track breaks three times (a turn, an occlusion, a crossing) is still one visit: joined by name', () => {
    const scene = new Scene();
    walk(scene, 1, 0, 8, PERSON_1);
    walk(scene, 2, 300, 8, PERSON_1);
    scene.idle(2);
    walk(scene, 3, 700, 8, PERSON_1);
    walk(scene, 4, 1000, 5, PERSON_1);
    scene.idle(11);
    assert.equal(scene.opened.length, 1, 'one sighting row');
    assert.deepEqual(scene.joins.map((j) => j.how), ['same-name', 'same-name', 'same-name']);
    assert.equal(scene.closed[0]!.trackIds.size, 4);
  });

  test('a stranger whose track breaks is one visit: joined by face', () => {
    const scene = new Scene();
    const stranger = [0.1, 0.1, 1];
    walk(scene, 1, 0, 10, stranger);
    walk(scene, 2, 350, 10, [0.12, 0.08, 1]);
    scene.idle(6);
    assert.equal(scene.opened.length, 1);
    assert.equal(scene.opened[0]!.personId, null);
    assert.deepEqual(scene.joins.map((j) => j.how), ['same-face']);
  });

  test('a face too small to embed, lost and found again a few frames on along its path, is joined by place', () => {
    const scene = new Scene();
    walk(scene, 1, 0, 10, [0.1, 0.1, 1]);
    // Two frames lost, then a new track where the first was heading (270 + 3 x 30 = 360), never embedded.
    scene.frame([]);
    scene.frame([]);
    walk(scene, 2, 360, 6, null);
    scene.idle(6);
    assert.deepEqual(scene.joins.map((j) => j.how), ['same-place']);
    assert.equal(scene.opened.length, 1);
  });

  test('nothing joins by place across a scene cut', () => {
    const scene = new Scene();
    walk(scene, 1, 0, 10, [0.1, 0.1, 1], { endAfter: false });
    scene.frame([], [1], true);
    walk(scene, 2, 300, 6, null);
    assert.deepEqual(scene.joins, []);
  });

  test('two different people one after the other in the same place are two visits', () => {
    const scene = new Scene();
    walk(scene, 1, 0, 10, PERSON_1);
    walk(scene, 2, 300, 10, PERSON_2);
    scene.idle(11);
    assert.deepEqual(scene.opened.map((v) => v.personId), [1, 2]);
    assert.deepEqual(scene.joins, []);
  });

  test('a stranger and a different stranger crossing at once are two visits (no joining while both are live)', () => {
    const scene = new Scene();
    for (let i = 0; i < 12; i++) {
      scene.frame([
        { trackId: 1, confirmed: i >= 1, box: box(30 * i), view: i === 1 ? faceView([0.1, 0, 1]) : undefined },
        { trackId: 2, confirmed: i >= 1, box: box(700 - 30 * i, 310), view: i === 1 ? faceView([0.1, 0.05, 1]) : undefined },
      ]);
    }
    assert.equal(scene.opened.length, 2);
    assert.deepEqual(scene.joins, []);
  });

  test('a one-frame flicker and a blur (no usable face) never become a sighting', () => {
    const scene = new Scene();
    scene.frame([{ trackId: 1, confirmed: false, box: box(100), view: faceView(PERSON_1) }]);
    scene.frame([], [1]);
    walk(scene, 2, 0, 20, [0.2, 0.1, 1], { usable: false });
    scene.idle(6);
    assert.equal(scene.opened.length, 0);
    assert.equal(scene.dropped.length, 1, 'the blur visit is dropped; the tentative flicker never opened one');
  });

  test('an unknown visit is written only after it has lasted long enough to judge', () => {
    const scene = new Scene();
    const writtenAt: number[] = [];
    for (let i = 0; i < 10; i++) {
      const changes = scene.frame([{ trackId: 1, confirmed: i >= 1, box: box(30 * i), view: i === 1 ? faceView([0, 0.1, 1]) : undefined }]);
      if (changes.opened.length) writtenAt.push(i);
    }
    assert.deepEqual(writtenAt, [5], 'born at t = 0, confirmed at 0.1 s, judged at t >= 0.5 s');
  });

  test('a member is written at once, on the frame they are named', () => {
    const scene = new Scene();
    const c0 = scene.frame([{ trackId: 1, confirmed: false, box: box(0), view: faceView(PERSON_1) }]);
    const c1 = scene.frame([{ trackId: 1, confirmed: true, box: box(30) }]);
    assert.equal(c0.opened.length, 0);
    assert.equal(c1.opened.length, 1);
    assert.equal(c1.opened[0]!.personId, 1);
  });

  test('a written unknown visit that turns out to be a member is renamed (the row follows), never re-opened', () => {
    const scene = new Scene();
    walk(scene, 1, 0, 10, [0.3, 0, 1], { endAfter: false });
    assert.equal(scene.opened.length, 1);
    assert.equal(scene.opened[0]!.personId, null);
    const renamed: number[] = [];
    for (let i = 0; i < 3; i++) {
      const c = scene.frame([{ trackId: 1, confirmed: true, box: box(300 + 30 * i), view: faceView([1, 0, 0.2], 0.9) }]);
      renamed.push(...c.renamed.map((v) => v.personId ?? -1));
    }
    assert.deepEqual(renamed, [1]);
    assert.equal(scene.opened.length, 1);
  });

  test('a named visit stays open for the same-name window, an unknown one for the appearance window', () => {
    const named = new Scene();
    walk(named, 1, 0, 5, PERSON_1);
    named.idle(9.5);
    assert.equal(named.closed.length, 0);
    named.idle(1);
    assert.equal(named.closed.length, 1);
    const unknown = new Scene();
    walk(unknown, 1, 0, 8, [0, 0.2, 1]);
    unknown.idle(4.5);
    assert.equal(unknown.closed.length, 0);
    unknown.idle(1);
    assert.equal(unknown.closed.length, 1);
  });

  test('closeAll ends every visit: written ones closed, unjudged ones dropped', () => {
    const scene = new Scene();
    walk(scene, 1, 0, 10, PERSON_1, { endAfter: false });
    scene.frame([{ trackId: 2, confirmed: true, box: box(900) }]);
    const changes = scene.visits.closeAll();
    assert.equal(changes.closed.length, 1);
    assert.equal(changes.dropped.length, 1);
    assert.equal(scene.visits.open.length, 0);
  });

  test('the visit template may be judged at its own threshold (several views averaged)', () => {
    // Views at cosine ~0.43 to person 1: under the single-view threshold, over a template threshold of 0.40.
    const near = [0.43, 0, 0.9];
    const strict = new CameraVisits(policy, identify);
    const lenient = new CameraVisits({ ...policy, templateMatchThreshold: 0.4 }, identify);
    for (const visits of [strict, lenient]) {
      for (let i = 0; i < 4; i++) visits.update(i * 0.1, [{ trackId: 1, confirmed: i > 0, box: box(30 * i), view: faceView(near) }], []);
    }
    assert.equal(strict.visitOfTrack(1)!.personId, null);
    assert.equal(lenient.visitOfTrack(1)!.personId, 1);
  });

  test('a track that swaps to another face (people crossing) is split off: each person keeps their own visit', () => {
    const scene = new Scene();
    // Track 1 follows member 1, then (a swap at a crossing) member 2's face.
    for (let i = 0; i < 20; i++) {
      const view = i === 1 ? faceView(PERSON_1) : i === 12 ? faceView(PERSON_2) : undefined;
      scene.frame([{ trackId: 1, confirmed: i >= 1, box: box(30 * i), view }]);
    }
    scene.frame([], [1]);
    scene.idle(11);
    const splits = scene.log.flatMap((c) => c.split);
    assert.equal(splits.length, 1);
    assert.deepEqual(scene.opened.map((v) => v.personId).sort(), [1, 2]);
    assert.deepEqual(scene.closed.map((v) => v.personId).sort(), [1, 2]);
    assert.equal(scene.visits.open.length, 0, 'both visits closed once the track ended');
  });

  test('the same face seen from another angle (still similar) is no swap', () => {
    const scene = new Scene();
    for (let i = 0; i < 20; i++) {
      const view = i === 1 ? faceView([1, 0.1, 0.2]) : i === 12 ? faceView([0.8, 0.1, 0.6]) : undefined;
      scene.frame([{ trackId: 1, confirmed: i >= 1, box: box(30 * i), view }]);
    }
    assert.equal(scene.log.flatMap((c) => c.split).length, 0);
  });

  test('a visit split off and joined elsewhere in the same frame keeps its track (the join does not take it back)', () => {
    const visits = new CameraVisits({ ...policy, sameNameWindowS: 0, proximityWindowS: 0 }, identify);
    const stranger = [0.1, 0.1, 1], other = [1, -0.2, -0.1];
    // An earlier visit of `other` that ended a moment ago (open, joinable by face).
    visits.update(0, [{ trackId: 9, confirmed: true, box: box(600), view: faceView(other) }], []);
    visits.update(0.1, [], [9]);
    // Track 1: a provisional stranger visit whose next view is `other` (a swap): split, and the new visit joins the earlier one.
    visits.update(0.2, [{ trackId: 1, confirmed: true, box: box(500), view: faceView(stranger) }], []);
    visits.update(0.3, [{ trackId: 1, confirmed: true, box: box(530), view: faceView(other) }], []);
    const owner = visits.visitOfTrack(1)!;
    assert.ok(owner.trackIds.has(9), 'track 1 now belongs to the visit of the face it shows');
    for (let t = 0.4; t < 8; t += 0.1) visits.update(t, [{ trackId: 1, confirmed: true, box: box(560) }], []);
    visits.update(8, [], [1]);
    const changes = visits.update(20, [], []);
    assert.equal(visits.open.length, 0, `left open: ${visits.open.map((v) => v.id)}`);
    void changes;
  });

  test('a two-frame track whose lost box is still reported is not judged long enough to be written', () => {
    const scene = new Scene();
    scene.frame([{ trackId: 1, confirmed: false, box: box(0), view: faceView([0, 0.2, 1]) }]);
    scene.frame([{ trackId: 1, confirmed: true, box: box(30) }]);
    // Lost from here on, but the tracker still reports it (no box) for a while.
    for (let i = 0; i < 20; i++) scene.frame([{ trackId: 1, confirmed: true, box: null }]);
    scene.frame([], [1]);
    scene.idle(6);
    assert.equal(scene.opened.length, 0);
    assert.equal(scene.dropped.length, 1);
  });

  test('erasing the person named on an open visit renames it to unknown at once', () => {
    let erased = false;
    const visits = new CameraVisits(policy, identify, (id) => !(erased && id === 1));
    visits.update(0, [{ trackId: 1, confirmed: true, box: box(0), view: faceView(PERSON_1) }], []);
    erased = true;
    const renamed = visits.rejudgeAll();
    assert.equal(renamed.length, 1);
    assert.equal(renamed[0]!.personId, null);
  });
});

describe('FrameClock', () => {
  test('files run on video time, whatever the arrival times', () => {
    const clock = new FrameClock(true);
    assert.deepEqual([0.84, 0.94, 1.04].map((ptsS, i) => clock.timeOf({ ptsS, capturedAt: 1_000_000 + i * 3 })), [0.84, 0.94, 1.04]);
  });
  test('timestamps restarting (ffmpeg restarted) continue from where the clock was', () => {
    const clock = new FrameClock(true);
    const times = [5, 5.1, 0, 0.1].map((ptsS) => clock.timeOf({ ptsS, capturedAt: 0 }));
    assert.deepEqual(times.map((t) => Math.round(t * 100) / 100), [5, 5.1, 5.2, 5.3]);
  });
  test('a file frame without a timestamp carries on by the time that passed', () => {
    const clock = new FrameClock(true);
    clock.timeOf({ ptsS: 2, capturedAt: 10_000 });
    assert.equal(clock.timeOf({ ptsS: null, capturedAt: 10_250 }), 2.25);
  });
  test('live streams run on arrival time and never go back', () => {
    const clock = new FrameClock(false);
    assert.equal(clock.timeOf({ ptsS: 99, capturedAt: 5_000 }), 5);
    assert.equal(clock.timeOf({ ptsS: 100, capturedAt: 4_900 }), 5);
  });
  test('live streams use the monotonic arrival time: a wall clock stepped back (NTP) changes nothing', () => {
    const clock = new FrameClock(false);
    assert.equal(clock.timeOf({ ptsS: null, capturedAt: 1_000_000, monotonicMs: 2_000 }), 2);
    assert.equal(clock.timeOf({ ptsS: null, capturedAt: 940_000, monotonicMs: 2_100 }), 2.1);
  });
  test('a file read offline without timestamps runs one detection step per frame, not on arrival gaps', () => {
    const clock = new FrameClock(true, 0.1);
    clock.timeOf({ ptsS: 3, capturedAt: 10_000 });
    assert.equal(clock.timeOf({ ptsS: null, capturedAt: 10_004 }), 3.1);
    assert.ok(Math.abs(clock.timeOf({ ptsS: null, capturedAt: 10_008 }) - 3.2) < 1e-9);
  });
});

describe('scene cuts', () => {
  const image = (fill: (x: number, y: number) => number, width = 160, height = 90) => {
    const data = new Uint8Array(width * height * 3);
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.fill(fill(x, y), (y * width + x) * 3, (y * width + x) * 3 + 3);
    return { width, height, data };
  };
  const gradient = image((x) => x);
  const other = image((x, y) => 255 - y * 2);
  test('the same scene, brighter (lights, exposure): not a cut', () => {
    const brighter = image((x) => Math.min(255, x * 1.3 + 20));
    assert.ok(sceneDifference(frameSignature(gradient), frameSignature(brighter)) < 0.05);
  });
  test('a person-sized change in one corner: not a cut', () => {
    const walker = image((x, y) => (x > 130 && y > 60 ? 255 : x));
    assert.ok(sceneDifference(frameSignature(gradient), frameSignature(walker)) < SCENE_CUT_THRESHOLD);
  });
  test('another place: a cut', () => {
    assert.ok(sceneDifference(frameSignature(gradient), frameSignature(other)) > SCENE_CUT_THRESHOLD);
  });
  test('a black frame after a picture: a cut; black after black: not', () => {
    const black = image(() => 0);
    const grey = image(() => 128);
    assert.ok(sceneDifference(frameSignature(grey), frameSignature(black)) > SCENE_CUT_THRESHOLD);
    assert.equal(sceneDifference(frameSignature(black), frameSignature(black)), 0);
  });
  test('the signature is the mean luma of every sampled pixel in each of the 16x9 cells', () => {
    // A plain reference: each sampled pixel's cell computed on its own.
    const reference = (img: { width: number; height: number; data: Uint8Array }, step: number) => {
      const sums = new Float64Array(16 * 9), counts = new Float64Array(16 * 9);
      for (let y = 0; y < img.height; y += step) {
        for (let x = 0; x < img.width; x += step) {
          const cell = Math.min(8, Math.floor((y * 9) / img.height)) * 16 + Math.min(15, Math.floor((x * 16) / img.width));
          const i = (y * img.width + x) * 3;
          sums[cell]! += 0.299 * img.data[i]! + 0.587 * img.data[i + 1]! + 0.114 * img.data[i + 2]!;
          counts[cell]!++;
        }
      }
      return Float32Array.from(sums, (sum, c) => (counts[c]! > 0 ? sum / counts[c]! : 0));
    };
    let seed = 9;
    const noise = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 24);
    for (const [w, h, step] of [[160, 90, 4], [97, 61, 4], [13, 7, 1], [64, 36, 3]] as const) {
      const img = { width: w, height: h, data: Uint8Array.from({ length: w * h * 3 }, noise) };
      assert.deepEqual(frameSignature(img, step), reference(img, step), `${w}x${h} step ${step}`);
    }
  });
});
