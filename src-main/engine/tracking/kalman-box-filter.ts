/**
 * Constant-velocity Kalman filter for one tracked box, as used by SORT,
 * DeepSORT and ByteTrack. The state is eight numbers:
 *
 *   [cx, cy, aspect, height, vcx, vcy, vaspect, vheight]
 *
 * (box centre, width / height, height, and their velocities per frame). Only
 * the first four are measured. The noise standard deviations are proportional
 * to the box height, so a face close to the camera may jump more pixels per
 * frame than a distant one; the weights are DeepSORT's (1/20 for position,
 * 1/160 for velocity), which ByteTrack keeps.
 *
 * Pure arithmetic, no I/O; one instance per track.
 */
import type { Box } from '../vision/geometry.js';

const STATE_SIZE = 8;
const MEASUREMENT_SIZE = 4;
const HEIGHT_INDEX = 3;
const HEIGHT_VELOCITY_INDEX = 7;

export interface KalmanNoiseWeights {
  /** Position noise standard deviation as a fraction of the box height. */
  positionStdWeight: number;
  /** Velocity noise standard deviation (per frame) as a fraction of the box height. */
  velocityStdWeight: number;
  /**
   * Spread of a new track's unknown velocity (per frame), as a fraction of the box height.
   * DeepSORT's 10/160 (1/16 of the height per frame) suits pedestrians at 30 fps; a face
   * walking past at 10 analysed frames per second moves half its height or more per frame,
   * which that prior treats as an 8-sigma event and learns only over many frames.
   */
  initialVelocityStdWeight: number;
}

export const DEFAULT_KALMAN_NOISE_WEIGHTS: Readonly<KalmanNoiseWeights> = Object.freeze({
  positionStdWeight: 1 / 20,
  velocityStdWeight: 1 / 160,
  initialVelocityStdWeight: 10 / 160,
});

// The aspect ratio barely changes for a face, so its noise is a small constant
// rather than height-proportional (values from DeepSORT / ByteTrack).
const ASPECT_INITIAL_STD = 1e-2;
const ASPECT_VELOCITY_INITIAL_STD = 1e-5;
const ASPECT_PROCESS_STD = 1e-2;
const ASPECT_VELOCITY_PROCESS_STD = 1e-5;
const ASPECT_MEASUREMENT_STD = 1e-1;
// A new track knows its position from one detection but not its velocity,
// hence the wider initial spread (DeepSORT's factor for the position; the
// velocity's is initialVelocityStdWeight).
const INITIAL_POSITION_STD_FACTOR = 2;

/** [cx, cy, aspect, height] of a box; the aspect ratio is width / height. */
export type BoxMeasurement = [centerX: number, centerY: number, aspect: number, height: number];

export function boxToMeasurement(box: Box): BoxMeasurement {
  return [box.x + box.width / 2, box.y + box.height / 2, box.width / box.height, box.height];
}

/** Inverse of boxToMeasurement; a negative predicted size is clamped to 0 so IoU stays meaningful. */
export function measurementToBox([centerX, centerY, aspect, height]: readonly number[]): Box {
  const h = Math.max(0, height ?? 0);
  const w = Math.max(0, (aspect ?? 0) * h);
  return { x: (centerX ?? 0) - w / 2, y: (centerY ?? 0) - h / 2, width: w, height: h };
}

function assertUsableBox(box: Box, what: string): void {
  const finite = Number.isFinite(box.x) && Number.isFinite(box.y) && Number.isFinite(box.width) && Number.isFinite(box.height);
  if (!finite || box.width <= 0 || box.height <= 0) {
    throw new RangeError(`${what} needs a box with finite coordinates and positive size, got ${JSON.stringify(box)}`);
  }
}

export class KalmanBoxFilter {
  private readonly weights: KalmanNoiseWeights;
  /** State estimate, length 8. */
  private readonly stateMean: Float64Array;
  /** State covariance, 8x8 row-major. */
  private readonly stateCovariance: Float64Array;

  constructor(initialBox: Box, weights: Partial<KalmanNoiseWeights> = DEFAULT_KALMAN_NOISE_WEIGHTS) {
    assertUsableBox(initialBox, 'KalmanBoxFilter');
    this.weights = { ...DEFAULT_KALMAN_NOISE_WEIGHTS, ...weights };
    this.stateMean = new Float64Array(STATE_SIZE);
    this.stateMean.set(boxToMeasurement(initialBox));
    const height = initialBox.height;
    const positionStd = INITIAL_POSITION_STD_FACTOR * this.weights.positionStdWeight * height;
    const velocityStd = this.weights.initialVelocityStdWeight * height;
    this.stateCovariance = diagonal([
      positionStd, positionStd, ASPECT_INITIAL_STD, positionStd,
      velocityStd, velocityStd, ASPECT_VELOCITY_INITIAL_STD, velocityStd,
    ].map((std) => std * std));
  }

  /** A copy of the state estimate [cx, cy, aspect, height, vcx, vcy, vaspect, vheight]. */
  get mean(): number[] {
    return Array.from(this.stateMean);
  }

  /** A copy of the 8x8 state covariance, as rows. */
  get covariance(): number[][] {
    const rows: number[][] = [];
    for (let r = 0; r < STATE_SIZE; r++) rows.push(Array.from(this.stateCovariance.subarray(r * STATE_SIZE, (r + 1) * STATE_SIZE)));
    return rows;
  }

  /** The box the current estimate describes. */
  get box(): Box {
    return measurementToBox(Array.from(this.stateMean.subarray(0, MEASUREMENT_SIZE)));
  }

  /**
   * Advances the estimate by `elapsedFrames` (may be fractional, e.g. from
   * timestamps): x' = F x, P' = F P Fᵀ + Q. Q is DeepSORT's per-frame process
   * noise scaled by the elapsed time, so one step of 1 matches ByteTrack exactly.
   */
  predict(elapsedFrames = 1): void {
    if (!(elapsedFrames > 0) || !Number.isFinite(elapsedFrames)) {
      throw new RangeError(`predict needs a positive finite number of elapsed frames, got ${elapsedFrames}`);
    }
    const dt = elapsedFrames;
    const mean = this.stateMean;
    const cov = this.stateCovariance;
    // Noise is computed from the height before moving, as in the reference implementation.
    const height = mean[HEIGHT_INDEX]!;
    const positionStd = this.weights.positionStdWeight * height;
    const velocityStd = this.weights.velocityStdWeight * height;
    const processVariance = [
      positionStd, positionStd, ASPECT_PROCESS_STD, positionStd,
      velocityStd, velocityStd, ASPECT_VELOCITY_PROCESS_STD, velocityStd,
    ].map((std) => std * std * dt);

    // F = [[I, dt·I], [0, I]], so F x adds dt·velocity to each measured component.
    for (let i = 0; i < MEASUREMENT_SIZE; i++) mean[i] = mean[i]! + dt * mean[i + MEASUREMENT_SIZE]!;

    // P Fᵀ first (columns i gain dt·column i+4), then F (P Fᵀ) (rows i gain dt·row i+4).
    for (let r = 0; r < STATE_SIZE; r++) {
      for (let i = 0; i < MEASUREMENT_SIZE; i++) {
        cov[r * STATE_SIZE + i] = cov[r * STATE_SIZE + i]! + dt * cov[r * STATE_SIZE + i + MEASUREMENT_SIZE]!;
      }
    }
    for (let i = 0; i < MEASUREMENT_SIZE; i++) {
      for (let c = 0; c < STATE_SIZE; c++) {
        cov[i * STATE_SIZE + c] = cov[i * STATE_SIZE + c]! + dt * cov[(i + MEASUREMENT_SIZE) * STATE_SIZE + c]!;
      }
    }
    for (let i = 0; i < STATE_SIZE; i++) cov[i * STATE_SIZE + i] = cov[i * STATE_SIZE + i]! + processVariance[i]!;
  }

  /**
   * Corrects the estimate with a measured box. H picks the first four state
   * components, so H P Hᵀ is P's top-left 4x4 block and P Hᵀ its left 4 columns.
   */
  update(measuredBox: Box): void {
    assertUsableBox(measuredBox, 'KalmanBoxFilter.update');
    const mean = this.stateMean;
    const cov = this.stateCovariance;
    const measurement = boxToMeasurement(measuredBox);
    const height = mean[HEIGHT_INDEX]!;
    const positionStd = this.weights.positionStdWeight * height;
    const measurementVariance = [positionStd, positionStd, ASPECT_MEASUREMENT_STD, positionStd].map((std) => std * std);

    // Innovation covariance S = H P Hᵀ + R (4x4, symmetric positive definite).
    const innovationCovariance = new Float64Array(MEASUREMENT_SIZE * MEASUREMENT_SIZE);
    for (let r = 0; r < MEASUREMENT_SIZE; r++) {
      for (let c = 0; c < MEASUREMENT_SIZE; c++) {
        innovationCovariance[r * MEASUREMENT_SIZE + c] = cov[r * STATE_SIZE + c]! + (r === c ? measurementVariance[r]! : 0);
      }
    }
    // Kalman gain K = P Hᵀ S⁻¹. With S symmetric, Kᵀ = S⁻¹ (H P), so solve S Kᵀ = H P (8 right-hand sides).
    const crossCovariance = new Float64Array(MEASUREMENT_SIZE * STATE_SIZE); // H P: the top 4 rows of P
    crossCovariance.set(cov.subarray(0, MEASUREMENT_SIZE * STATE_SIZE));
    const gainTransposed = solveSymmetricPositiveDefinite(innovationCovariance, MEASUREMENT_SIZE, crossCovariance, STATE_SIZE);

    const innovation = measurement.map((value, i) => value - mean[i]!);
    for (let s = 0; s < STATE_SIZE; s++) {
      let correction = 0;
      for (let m = 0; m < MEASUREMENT_SIZE; m++) correction += gainTransposed[m * STATE_SIZE + s]! * innovation[m]!;
      mean[s] = mean[s]! + correction;
    }
    // P' = P - K S Kᵀ = P - K (H P), since K S = P Hᵀ.
    for (let r = 0; r < STATE_SIZE; r++) {
      for (let c = 0; c < STATE_SIZE; c++) {
        let reduction = 0;
        for (let m = 0; m < MEASUREMENT_SIZE; m++) reduction += gainTransposed[m * STATE_SIZE + r]! * crossCovariance[m * STATE_SIZE + c]!;
        cov[r * STATE_SIZE + c] = cov[r * STATE_SIZE + c]! - reduction;
      }
    }
    // Rounding makes P drift from symmetric over many updates; average it back.
    for (let r = 0; r < STATE_SIZE; r++) {
      for (let c = r + 1; c < STATE_SIZE; c++) {
        const average = (cov[r * STATE_SIZE + c]! + cov[c * STATE_SIZE + r]!) / 2;
        cov[r * STATE_SIZE + c] = average;
        cov[c * STATE_SIZE + r] = average;
      }
    }
  }

  /**
   * Stops the predicted size from growing or shrinking. ByteTrack does this
   * before predicting a lost track, so a face that was approaching the camera
   * when it vanished is not extrapolated into a huge (or vanishing) box.
   */
  freezeHeightVelocity(): void {
    this.stateMean[HEIGHT_VELOCITY_INDEX] = 0;
  }
}

function diagonal(values: number[]): Float64Array {
  const n = values.length;
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) out[i * n + i] = values[i]!;
  return out;
}

/**
 * Solves A X = B for X, with A an n x n symmetric positive-definite matrix and
 * B n x k (both row-major), by Cholesky factorisation A = L Lᵀ.
 */
function solveSymmetricPositiveDefinite(a: Float64Array, n: number, b: Float64Array, k: number): Float64Array {
  const lower = new Float64Array(n * n);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c <= r; c++) {
      let sum = a[r * n + c]!;
      for (let j = 0; j < c; j++) sum -= lower[r * n + j]! * lower[c * n + j]!;
      if (r === c) {
        if (!(sum > 0)) throw new RangeError('Kalman innovation covariance is not positive definite');
        lower[r * n + r] = Math.sqrt(sum);
      } else {
        lower[r * n + c] = sum / lower[c * n + c]!;
      }
    }
  }
  const x = new Float64Array(b);
  for (let col = 0; col < k; col++) {
    // Forward substitution L y = b, then back substitution Lᵀ x = y, in place.
    for (let r = 0; r < n; r++) {
      let sum = x[r * k + col]!;
      for (let j = 0; j < r; j++) sum -= lower[r * n + j]! * x[j * k + col]!;
      x[r * k + col] = sum / lower[r * n + r]!;
    }
    for (let r = n - 1; r >= 0; r--) {
      let sum = x[r * k + col]!;
      for (let j = r + 1; j < n; j++) sum -= lower[j * n + r]! * x[j * k + col]!;
      x[r * k + col] = sum / lower[r * n + r]!;
    }
  }
  return x;
}
