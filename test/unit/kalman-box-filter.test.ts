import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Box } from '../../src-main/engine/vision/geometry.js';
import { iou } from '../../src-main/engine/vision/geometry.js';
import {
  KalmanBoxFilter,
  boxToMeasurement,
  measurementToBox,
} from '../../src-main/engine/tracking/kalman-box-filter.js';

const POSITION_WEIGHT = 1 / 20;
const VELOCITY_WEIGHT = 1 / 160;

function assertClose(actual: number, expected: number, tolerance: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: expected ${expected}, got ${actual} (tolerance ${tolerance})`);
}

describe('box <-> measurement conversion', () => {
  const cases: Array<{ box: Box; measurement: [number, number, number, number] }> = [
    { box: { x: 0, y: 0, width: 10, height: 20 }, measurement: [5, 10, 0.5, 20] },
    { box: { x: 100, y: 50, width: 80, height: 80 }, measurement: [140, 90, 1, 80] },
    { box: { x: -30, y: 12.5, width: 45, height: 30 }, measurement: [-7.5, 27.5, 1.5, 30] },
  ];
  for (const { box, measurement } of cases) {
    it(`${JSON.stringify(box)} <-> [${measurement.join(', ')}]`, () => {
      assert.deepEqual(boxToMeasurement(box), measurement);
      assert.deepEqual(measurementToBox(measurement), box);
    });
  }

  it('clamps a negative predicted size to an empty box', () => {
    assert.deepEqual(measurementToBox([50, 60, 1, -4]), { x: 50, y: 60, width: 0, height: 0 });
  });
});

describe('KalmanBoxFilter initial state', () => {
  it('starts at the box with zero velocity and ByteTrack initial spreads (box height 100)', () => {
    const filter = new KalmanBoxFilter({ x: 10, y: 20, width: 50, height: 100 });
    assert.deepEqual(filter.mean, [35, 70, 0.5, 100, 0, 0, 0, 0]);
    // std = 2·(1/20)·100 = 10 for positions, 10·(1/160)·100 = 6.25 for velocities.
    const expectedVariances = [100, 100, 1e-4, 100, 39.0625, 39.0625, 1e-10, 39.0625];
    const covariance = filter.covariance;
    for (let r = 0; r < 8; r++) {
      for (let c = 0; c < 8; c++) {
        assertClose(covariance[r]![c]!, r === c ? expectedVariances[r]! : 0, 1e-12, `P[${r}][${c}]`);
      }
    }
    assert.deepEqual(filter.box, { x: 10, y: 20, width: 50, height: 100 });
  });
});

/**
 * Independent reference: with diagonal noise the 8-state filter splits into
 * four 2-state (position, velocity) filters, one per measured component, all
 * using the height estimate for their noise. Computed here with scalar
 * formulas, so a mistake in the matrix code cannot hide in both.
 */
class AxisReference {
  position: number[];
  velocity = [0, 0, 0, 0];
  varPosition: number[];
  covPositionVelocity = [0, 0, 0, 0];
  varVelocity: number[];

  constructor(box: Box) {
    this.position = boxToMeasurement(box);
    const h = box.height;
    const p = (2 * POSITION_WEIGHT * h) ** 2;
    const v = (10 * VELOCITY_WEIGHT * h) ** 2;
    this.varPosition = [p, p, 1e-4, p];
    this.varVelocity = [v, v, 1e-10, v];
  }

  predict(dt: number): void {
    const h = this.position[3]!;
    const qp = [(POSITION_WEIGHT * h) ** 2, (POSITION_WEIGHT * h) ** 2, 1e-4, (POSITION_WEIGHT * h) ** 2];
    const qv = [(VELOCITY_WEIGHT * h) ** 2, (VELOCITY_WEIGHT * h) ** 2, 1e-10, (VELOCITY_WEIGHT * h) ** 2];
    for (let i = 0; i < 4; i++) {
      const a = this.varPosition[i]!, b = this.covPositionVelocity[i]!, c = this.varVelocity[i]!;
      this.position[i] = this.position[i]! + dt * this.velocity[i]!;
      this.varPosition[i] = a + 2 * dt * b + dt * dt * c + qp[i]! * dt;
      this.covPositionVelocity[i] = b + dt * c;
      this.varVelocity[i] = c + qv[i]! * dt;
    }
  }

  update(box: Box): void {
    const z = boxToMeasurement(box);
    const h = this.position[3]!;
    const r = [(POSITION_WEIGHT * h) ** 2, (POSITION_WEIGHT * h) ** 2, 1e-2, (POSITION_WEIGHT * h) ** 2];
    for (let i = 0; i < 4; i++) {
      const a = this.varPosition[i]!, b = this.covPositionVelocity[i]!, c = this.varVelocity[i]!;
      const s = a + r[i]!;
      const innovation = z[i]! - this.position[i]!;
      this.position[i] = this.position[i]! + (a / s) * innovation;
      this.velocity[i] = this.velocity[i]! + (b / s) * innovation;
      this.varPosition[i] = a - (a * a) / s;
      this.covPositionVelocity[i] = b - (a * b) / s;
      this.varVelocity[i] = c - (b * b) / s;
    }
  }

  mean(): number[] {
    return [...this.position, ...this.velocity];
  }

  covariance(): number[][] {
    const rows = Array.from({ length: 8 }, () => new Array<number>(8).fill(0));
    for (let i = 0; i < 4; i++) {
      rows[i]![i] = this.varPosition[i]!;
      rows[i]![i + 4] = this.covPositionVelocity[i]!;
      rows[i + 4]![i] = this.covPositionVelocity[i]!;
      rows[i + 4]![i + 4] = this.varVelocity[i]!;
    }
    return rows;
  }
}

type Step = { predict: number } | { update: Box };

describe('KalmanBoxFilter matches a per-axis scalar reference', () => {
  const scenarios: Array<{ name: string; start: Box; steps: Step[] }> = [
    {
      name: 'one predict of one frame',
      start: { x: 100, y: 100, width: 60, height: 80 },
      steps: [{ predict: 1 }],
    },
    {
      name: 'predict then update with a shifted, larger box',
      start: { x: 100, y: 100, width: 60, height: 80 },
      steps: [{ predict: 1 }, { update: { x: 106, y: 97, width: 66, height: 84 } }],
    },
    {
      name: 'steady motion over several frames',
      start: { x: 0, y: 0, width: 40, height: 40 },
      steps: [1, 2, 3, 4, 5].flatMap((k): Step[] => [{ predict: 1 }, { update: { x: 5 * k, y: -2 * k, width: 40 + k, height: 40 + k } }]),
    },
    {
      name: 'fractional and multi-frame steps with a gap',
      start: { x: 300, y: 200, width: 30, height: 45 },
      steps: [
        { predict: 0.5 },
        { update: { x: 302, y: 201, width: 30, height: 45 } },
        { predict: 3 },
        { predict: 2 },
        { update: { x: 315, y: 207, width: 31, height: 46 } },
        { predict: 1.25 },
      ],
    },
  ];
  for (const { name, start, steps } of scenarios) {
    it(name, () => {
      const filter = new KalmanBoxFilter(start);
      const reference = new AxisReference(start);
      for (const step of steps) {
        if ('predict' in step) {
          filter.predict(step.predict);
          reference.predict(step.predict);
        } else {
          filter.update(step.update);
          reference.update(step.update);
        }
      }
      const mean = filter.mean;
      const expectedMean = reference.mean();
      for (let i = 0; i < 8; i++) assertClose(mean[i]!, expectedMean[i]!, 1e-9 * (1 + Math.abs(expectedMean[i]!)), `mean[${i}]`);
      const covariance = filter.covariance;
      const expectedCovariance = reference.covariance();
      for (let r = 0; r < 8; r++) {
        for (let c = 0; c < 8; c++) {
          const expected = expectedCovariance[r]![c]!;
          assertClose(covariance[r]![c]!, expected, 1e-9 * (1 + Math.abs(expected)), `P[${r}][${c}]`);
        }
      }
    });
  }
});

describe('KalmanBoxFilter follows constant-velocity motion', () => {
  const motions: Array<{ name: string; dx: number; dy: number; dSize: number }> = [
    { name: 'still face', dx: 0, dy: 0, dSize: 0 },
    { name: 'walking right', dx: 6, dy: 0, dSize: 0 },
    { name: 'walking diagonally up-left', dx: -4, dy: -3, dSize: 0 },
    { name: 'approaching the camera (growing)', dx: 1, dy: 2, dSize: 1.5 },
  ];
  for (const { name, dx, dy, dSize } of motions) {
    it(name, () => {
      const boxAt = (frame: number): Box => ({ x: 200 + dx * frame, y: 150 + dy * frame, width: 60 + dSize * frame, height: 60 + dSize * frame });
      const filter = new KalmanBoxFilter(boxAt(0));
      for (let frame = 1; frame <= 30; frame++) {
        filter.predict();
        filter.update(boxAt(frame));
      }
      const [, , , , vx, vy, , vh] = filter.mean;
      // The state tracks the centre, which also shifts by half the growth.
      assertClose(vx!, dx + dSize / 2, 0.05, 'centre x velocity');
      assertClose(vy!, dy + dSize / 2, 0.05, 'centre y velocity');
      assertClose(vh!, dSize, 0.05, 'height velocity');
      filter.predict();
      assert.ok(iou(filter.box, boxAt(31)) > 0.97, `prediction ${JSON.stringify(filter.box)} vs truth ${JSON.stringify(boxAt(31))}`);
    });
  }

  it('predicting k frames at once moves the mean as far as k single-frame predictions', () => {
    const single = new KalmanBoxFilter({ x: 0, y: 0, width: 50, height: 50 });
    const multi = new KalmanBoxFilter({ x: 0, y: 0, width: 50, height: 50 });
    for (const filter of [single, multi]) {
      filter.predict();
      filter.update({ x: 8, y: 4, width: 52, height: 52 });
    }
    for (let k = 0; k < 3; k++) single.predict(1);
    multi.predict(3);
    const a = single.mean, b = multi.mean;
    for (let i = 0; i < 8; i++) assertClose(b[i]!, a[i]!, 1e-9, `mean[${i}]`);
  });

  it('freezeHeightVelocity stops the predicted box from growing, but not from moving', () => {
    const filter = new KalmanBoxFilter({ x: 0, y: 0, width: 40, height: 40 });
    for (let frame = 1; frame <= 20; frame++) {
      filter.predict();
      filter.update({ x: 5 * frame, y: 0, width: 40 + 2 * frame, height: 40 + 2 * frame });
    }
    filter.freezeHeightVelocity();
    const before = filter.box;
    filter.predict(5);
    const after = filter.box;
    assertClose(after.height, before.height, 1e-9, 'height');
    assert.ok(after.x + after.width / 2 > before.x + before.width / 2 + 20, 'centre kept moving right');
  });
});

describe('KalmanBoxFilter rejects unusable input', () => {
  const cases: Array<{ name: string; act: () => void }> = [
    { name: 'zero elapsed frames', act: () => new KalmanBoxFilter({ x: 0, y: 0, width: 10, height: 10 }).predict(0) },
    { name: 'negative elapsed frames', act: () => new KalmanBoxFilter({ x: 0, y: 0, width: 10, height: 10 }).predict(-1) },
    { name: 'NaN elapsed frames', act: () => new KalmanBoxFilter({ x: 0, y: 0, width: 10, height: 10 }).predict(Number.NaN) },
    { name: 'initial box of zero height', act: () => new KalmanBoxFilter({ x: 0, y: 0, width: 10, height: 0 }) },
    { name: 'update with a NaN coordinate', act: () => new KalmanBoxFilter({ x: 0, y: 0, width: 10, height: 10 }).update({ x: Number.NaN, y: 0, width: 10, height: 10 }) },
  ];
  for (const { name, act } of cases) it(name, () => assert.throws(act, RangeError));
});
