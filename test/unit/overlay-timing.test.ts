import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { LiveFace } from '../../src-preload/contract.js';
import { facesAt, newestFaces, type TimedFaces } from '../../src-renderer/src/live/overlay-timing.js';

function face(trackId: number | null, x: number, y = 10, size = 40): LiveFace {
  return { bbox: { x, y, width: size, height: size }, landmarks: [], detScore: 0.9, trackId, status: 'member', personId: 1, personName: 'A', score: 0.8 };
}
const at = (ptsS: number | null, ...faces: LiveFace[]): TimedFaces => ({ ptsS, faces, width: 640, height: 360 });

describe('facesAt', () => {
  const history = [at(1.0, face(7, 100), face(null, 300)), at(1.2, face(7, 120), face(8, 500)), at(2.5, face(7, 400))];
  const cases: Array<{ name: string; history: TimedFaces[]; time: number; xs: number[] | null; lagS?: number; interpolated?: boolean }> = [
    { name: 'before any analysed frame: nothing', history, time: 0.9, xs: null },
    { name: 'exactly on an analysed frame: its faces', history, time: 1.0, xs: [100, 300], lagS: 0, interpolated: false },
    { name: 'a millisecond early still counts as on it (container rounding)', history, time: 1.1995, xs: [120, 500], lagS: 0 },
    { name: 'half way: the tracked face is interpolated, the untracked one held', history, time: 1.1, xs: [110, 300], lagS: 0.1, interpolated: true },
    { name: 'a quarter of the way', history, time: 1.05, xs: [105, 300], interpolated: true },
    { name: 'next frame too far (1.3 s): held, not interpolated', history, time: 1.5, xs: [120, 500], lagS: 0.3, interpolated: false },
    { name: 'held for at most 0.5 s', history, time: 1.71, xs: null },
    { name: 'a track that ends is held as is', history: [at(1, face(3, 50)), at(1.2, face(4, 90))], time: 1.1, xs: [50], interpolated: false },
    { name: 'order of the history does not matter', history: [...history].reverse(), time: 1.1, xs: [110, 300] },
    { name: 'entries without a time are ignored', history: [at(null, face(1, 999)), at(1, face(1, 10))], time: 1.2, xs: [10] },
    { name: 'no newer analysed frame yet: latest held', history: [at(1, face(1, 10))], time: 1.4, xs: [10], lagS: 0.4 },
    { name: 'empty history', history: [], time: 3, xs: null },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const result = facesAt(c.history, c.time);
      if (c.xs === null) {
        assert.equal(result, null);
        return;
      }
      assert.ok(result !== null);
      assert.deepEqual(result.faces.map((f) => Math.round(f.bbox.x * 1000) / 1000), c.xs);
      if (c.lagS !== undefined) assert.ok(Math.abs(result.lagS - c.lagS) < 1e-9, `lag ${result.lagS}`);
      if (c.interpolated !== undefined) assert.equal(result.interpolated, c.interpolated);
      assert.equal(result.width, 640);
    });
  }

  // The detector misses a face for a frame (the tracker keeps the track): the box is placed
  // between its sightings before and after, instead of being held and then blinking off.
  const missed = [at(1.0, face(7, 100), face(8, 400)), at(1.1, face(8, 410)), at(1.2, face(7, 120), face(8, 420))];
  const bridging: Array<{ name: string; history: TimedFaces[]; time: number; xs: number[]; interpolated: boolean }> = [
    { name: 'missed in the next analysed frame: placed towards the one after', history: missed, time: 1.05, xs: [105, 405], interpolated: true },
    { name: 'missed in the analysed frame on screen: still drawn, between its sightings', history: missed, time: 1.15, xs: [415, 115], interpolated: true },
    { name: 'a track that really ended is not bridged', history: [at(1.0, face(7, 100)), at(1.1), at(1.2)], time: 1.15, xs: [], interpolated: false },
    { name: 'not bridged across more than the gap (1 s)', history: [at(1.0, face(7, 100)), at(1.1), at(2.2, face(7, 300))], time: 1.15, xs: [], interpolated: false },
    { name: 'not bridged to a frame of another size', history: [at(1.0, face(7, 100)), at(1.1), { ...at(1.2, face(7, 120)), width: 1280, height: 720 }], time: 1.15, xs: [], interpolated: false },
  ];
  for (const c of bridging) {
    test(c.name, () => {
      const result = facesAt(c.history, c.time);
      assert.ok(result !== null);
      assert.deepEqual(result.faces.map((f) => Math.round(f.bbox.x * 1000) / 1000), c.xs);
      assert.equal(result.interpolated, c.interpolated);
    });
  }

  test('ahead of the analysis only when no analysed frame after the displayed one is known', () => {
    const table: Array<[string, TimedFaces[], number, boolean]> = [
      ['between two analysed frames', history, 1.1, false],
      ['on the newest analysed frame', history, 2.5, false],
      ['past the newest analysed frame', history, 2.7, true],
      ['past it with nothing to predict from', [at(1, face(1, 10))], 1.2, true],
      ['past a frame whose next one is too far to interpolate to', history, 1.5, false],
    ];
    for (const [name, entries, time, ahead] of table) assert.equal(facesAt(entries, time)!.ahead === true, ahead, name);
  });

  test('a custom hold and gap', () => {
    assert.equal(facesAt(history, 1.35, { holdS: 0.1 }), null);
    assert.equal(facesAt(history, 1.1, { maxInterpolationGapS: 0.1 })!.interpolated, false);
  });

  test('not a time: nothing', () => assert.equal(facesAt(history, Number.NaN), null));
});

describe('facesAt ahead of the analysis: tracked faces moved on along their motion', () => {
  // Track 7 walks right at 100 px/s (and down at 50 px/s from 1.1 s); track 9 appears at 1.3 s; an untracked face.
  const walk = [
    at(1.0, face(7, 100, 10)),
    at(1.1, face(7, 110, 10)),
    at(1.3, face(7, 130, 20), face(9, 400), face(null, 300)),
  ];
  const cases: Array<{ name: string; time: number; options?: { maxPredictS?: number }; xs: number[]; ys?: number[]; predicted: boolean }> = [
    // Baseline: the frame ~0.3 s before the newest (1.0), so 100 px/s in x, 33.3 px/s in y.
    { name: '0.1 s ahead: moved 10 px on; a new track and an untracked face held', time: 1.4, xs: [140, 400, 300], ys: [23.333, 10, 10], predicted: true },
    { name: 'ahead by more than the cap (0.45 s): moved for 0.3 s only', time: 1.75, xs: [160, 400, 300], predicted: true },
    { name: 'on the newest analysed frame: nothing to predict', time: 1.3, xs: [130, 400, 300], predicted: false },
    { name: 'prediction off (maxPredictS 0): held', time: 1.4, options: { maxPredictS: 0 }, xs: [130, 400, 300], predicted: false },
    { name: 'past the hold (0.5 s): nothing drawn', time: 1.81, xs: [], predicted: false },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const result = facesAt(walk, c.time, c.options);
      if (c.xs.length === 0) {
        assert.equal(result, null);
        return;
      }
      assert.ok(result !== null);
      const round3 = (v: number) => Math.round(v * 1000) / 1000;
      assert.deepEqual(result.faces.map((f) => round3(f.bbox.x)), c.xs);
      if (c.ys) assert.deepEqual(result.faces.map((f) => round3(f.bbox.y)), c.ys);
      assert.equal(result.predicted === true, c.predicted);
      assert.equal(result.interpolated, false);
      // The size is never extrapolated.
      assert.ok(result.faces.every((f) => f.bbox.width === 40 && f.bbox.height === 40));
    });
  }

  test('a face that only just appeared, or a frame of another size before it, is held', () => {
    const resized: TimedFaces = { ptsS: 1.0, faces: [face(7, 0)], width: 1280, height: 720 };
    const result = facesAt([resized, at(1.3, face(7, 130))], 1.4)!;
    assert.deepEqual(result.faces.map((f) => f.bbox.x), [130]);
    assert.equal(result.predicted === true, false);
  });
});

describe('newestFaces (a sub-stream: its own clock, not matched by time)', () => {
  test('table: the last analysed frame, whatever its time; none without history', () => {
    const table: Array<[TimedFaces[], number[] | null]> = [
      [[], null],
      [[at(1.0, face(7, 100)), at(1.2, face(7, 120), face(8, 500))], [120, 500]],
      // Times are ignored (the sub-stream's media time says nothing about them); the newest arrival wins.
      [[at(5.0, face(7, 100)), at(null, face(9, 50))], [50]],
      [[at(1.0, face(7, 100)), at(1.1)], []],
    ];
    for (const [history, xs] of table) {
      const overlay = newestFaces(history);
      assert.deepEqual(overlay === null ? null : overlay.faces.map((f) => f.bbox.x), xs, JSON.stringify(history.map((h) => h.ptsS)));
      if (overlay) assert.deepEqual([overlay.width, overlay.height, overlay.interpolated], [640, 360, false]);
    }
  });
});
