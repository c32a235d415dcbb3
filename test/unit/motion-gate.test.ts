import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { changedCells, DEFAULT_MOTION_GATE_POLICY, MotionGate, motionGrid } from '../../src-main/engine/vision/motion-gate.js';
import { seededRandom } from '../../src-main/engine/util/seeded-random.js';

const WIDTH = 320, HEIGHT = 180;

/** A textured still scene (a gradient with fixed speckle), optionally with a bright square, a global shift and fresh noise. */
function scene(options: { square?: { x: number; y: number; side: number }; shift?: number; noise?: number; seed?: number } = {}) {
  const speckle = seededRandom(1);
  const noise = seededRandom(options.seed ?? 2);
  const data = new Uint8Array(WIDTH * HEIGHT * 3);
  for (let y = 0; y < HEIGHT; y++) {
    for (let x = 0; x < WIDTH; x++) {
      let v = 40 + (x * 120) / WIDTH + speckle() * 30 + (options.shift ?? 0) + (noise() - 0.5) * 2 * (options.noise ?? 0);
      const q = options.square;
      if (q && x >= q.x && x < q.x + q.side && y >= q.y && y < q.y + q.side) v = 230;
      data.fill(Math.max(0, Math.min(255, Math.round(v))), (y * WIDTH + x) * 3, (y * WIDTH + x) * 3 + 3);
    }
  }
  return { width: WIDTH, height: HEIGHT, data };
}
const grid = (image: ReturnType<typeof scene>) => motionGrid(image, DEFAULT_MOTION_GATE_POLICY);

describe('changedCells', () => {
  const still = grid(scene());
  const cases = [
    { name: 'the same frame', after: scene(), expected: (n: number) => n === 0 },
    { name: 'sensor noise of ±4 levels per pixel', after: scene({ noise: 4, seed: 7 }), expected: (n: number) => n === 0 },
    { name: 'the whole picture 30 levels brighter (exposure, lights)', after: scene({ shift: 30 }), expected: (n: number) => n === 0 },
    { name: 'a face-sized (15 px at this size, 60 px at 720p) patch appears', after: scene({ square: { x: 100, y: 60, side: 15 } }), expected: (n: number) => n >= 1 },
    { name: 'a person-sized patch appears, and the picture is brighter', after: scene({ square: { x: 10, y: 20, side: 40 }, shift: 20 }), expected: (n: number) => n >= 9 },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const n = changedCells(still, grid(c.after), DEFAULT_MOTION_GATE_POLICY.cellChangeLevels);
      assert.ok(c.expected(n), `${n} changed cells`);
    });
  }
});

describe('MotionGate', () => {
  const still = grid(scene());
  const moved = grid(scene({ square: { x: 200, y: 100, side: 20 } }));
  type Step = { at: number; frame: Float32Array; tracking?: boolean; reset?: boolean; expected: 'detect' | 'skip'; why: string };
  const table: Array<{ name: string; steps: Step[] }> = [
    {
      name: 'an empty still scene: looked at once, then every maxSkipMs only',
      steps: [
        { at: 0, frame: still, expected: 'detect', why: 'nothing to compare with yet' },
        { at: 100, frame: still, expected: 'skip', why: 'nothing moved' },
        { at: 1900, frame: still, expected: 'skip', why: 'still under 2 s' },
        { at: 2000, frame: still, expected: 'detect', why: '2 s since the detector looked' },
        { at: 2100, frame: still, expected: 'skip', why: 'counting again from 2 s' },
      ],
    },
    {
      name: 'something moves: looked at, and the new picture becomes the reference',
      steps: [
        { at: 0, frame: still, expected: 'detect', why: 'first' },
        { at: 100, frame: moved, expected: 'detect', why: 'a patch changed' },
        { at: 200, frame: moved, expected: 'skip', why: 'no change since the last look' },
        { at: 300, frame: still, expected: 'detect', why: 'it left' },
      ],
    },
    {
      name: 'never skipped while someone is tracked (a person standing still)',
      steps: [
        { at: 0, frame: still, expected: 'detect', why: 'first' },
        { at: 100, frame: still, tracking: true, expected: 'detect', why: 'a track is alive' },
        { at: 200, frame: still, tracking: true, expected: 'detect', why: 'still alive' },
        { at: 300, frame: still, expected: 'skip', why: 'the track ended and nothing moved' },
      ],
    },
    {
      name: 'time going backwards (a looping file) and a reset look again',
      steps: [
        { at: 5000, frame: still, expected: 'detect', why: 'first' },
        { at: 100, frame: still, expected: 'detect', why: 'time went back' },
        { at: 200, frame: still, expected: 'skip', why: 'counting from 100' },
        { at: 300, frame: still, reset: true, expected: 'detect', why: 'reset (reconnection)' },
      ],
    },
  ];
  for (const row of table) {
    test(row.name, () => {
      const gate = new MotionGate();
      for (const step of row.steps) {
        if (step.reset) gate.reset();
        assert.equal(gate.decide(step.frame, step.at, step.tracking ?? false), step.expected, `at ${step.at} ms: ${step.why}`);
      }
    });
  }
});
