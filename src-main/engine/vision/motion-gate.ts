import type { RgbImage } from './geometry.js';

/**
 * Motion gate. Pure. Most of a CCTV camera's day is an empty, still scene, and running the face
 * detector on it finds nothing at full price (the detector is most of a camera's CPU). So, as
 * Frigate does, a frame is looked at for faces only when something may have changed: a cheap
 * grid of mean luma per cell is compared with the grid of the last frame the detector saw.
 *
 * The gate never skips while anyone is tracked (a person standing still is still there), and it
 * lets the detector look at least every `maxSkipMs` whatever the grid says, so a face that came
 * in without the grid noticing is found within that time.
 */
export interface MotionGatePolicy {
  /** Grid of cells over the frame (columns x rows); at 1280x720, 64x36 cells are 20 px squares. */
  gridColumns: number;
  gridRows: number;
  /** Sample every n-th pixel in both directions (a cell's mean is stable with ~25 samples). */
  sampleStep: number;
  /** A cell changed when its mean luma moved by at least this much (0..255) beyond the whole frame's shift. */
  cellChangeLevels: number;
  /** Changed cells needed to call it motion (1: any face-sized change; camera noise moves no cell mean this far). */
  minChangedCells: number;
  /** The detector looks at least this often (ms of video or arrival time), motion or not. */
  maxSkipMs: number;
}

export const DEFAULT_MOTION_GATE_POLICY: MotionGatePolicy = {
  gridColumns: 64,
  gridRows: 36,
  sampleStep: 4,
  cellChangeLevels: 8,
  minChangedCells: 1,
  maxSkipMs: 2000,
};

/** Mean luma of each grid cell, row by row, from every `sampleStep`-th pixel. */
export function motionGrid(image: RgbImage, policy: Pick<MotionGatePolicy, 'gridColumns' | 'gridRows' | 'sampleStep'> = DEFAULT_MOTION_GATE_POLICY): Float32Array {
  const { width, height, data } = image;
  const { gridColumns, gridRows, sampleStep: step } = policy;
  const sums = new Float64Array(gridColumns * gridRows);
  const counts = new Uint32Array(gridColumns * gridRows);
  const sampledColumns = Math.ceil(width / step);
  const columnOf = new Uint16Array(sampledColumns);
  for (let k = 0; k < sampledColumns; k++) columnOf[k] = Math.min(gridColumns - 1, Math.floor((k * step * gridColumns) / width));
  for (let y = 0; y < height; y += step) {
    const rowCell = Math.min(gridRows - 1, Math.floor((y * gridRows) / height)) * gridColumns;
    let i = y * width * 3;
    for (let k = 0; k < sampledColumns; k++, i += step * 3) {
      const cell = rowCell + columnOf[k]!;
      sums[cell]! += 0.299 * data[i]! + 0.587 * data[i + 1]! + 0.114 * data[i + 2]!;
      counts[cell]!++;
    }
  }
  const grid = new Float32Array(sums.length);
  for (let c = 0; c < grid.length; c++) grid[c] = counts[c]! > 0 ? sums[c]! / counts[c]! : 0;
  return grid;
}

/**
 * Cells whose mean luma moved by at least `cellChangeLevels`, after taking out the median shift
 * of all cells (auto exposure or a light switched on moves every cell together: not motion).
 */
export function changedCells(before: Float32Array, after: Float32Array, cellChangeLevels: number): number {
  const n = Math.min(before.length, after.length);
  if (n === 0) return 0;
  const differences = new Float32Array(n);
  for (let c = 0; c < n; c++) differences[c] = after[c]! - before[c]!;
  const sorted = Float32Array.from(differences).sort();
  const shift = sorted[Math.floor(n / 2)]!;
  let changed = 0;
  for (let c = 0; c < n; c++) if (Math.abs(differences[c]! - shift) >= cellChangeLevels) changed++;
  return changed;
}

export type GateVerdict = 'detect' | 'skip';

/**
 * One camera's gate: `decide` for each frame in order. State is the grid and time of the last
 * frame the detector saw; a frame judged 'detect' becomes that reference.
 */
export class MotionGate {
  private reference: Float32Array | null = null;
  private referenceAtMs: number | null = null;

  constructor(readonly policy: MotionGatePolicy = DEFAULT_MOTION_GATE_POLICY) {}

  /**
   * `grid`: this frame's motionGrid; `timeMs`: its time (video or arrival); `tracking`: whether
   * any track (confirmed, tentative or lost) is alive.
   */
  decide(grid: Float32Array, timeMs: number, tracking: boolean): GateVerdict {
    const verdict = this.judge(grid, timeMs, tracking);
    if (verdict === 'detect') {
      this.reference = grid;
      this.referenceAtMs = timeMs;
    }
    return verdict;
  }

  /** Forget the reference (a reconnection, another view): the next frame is looked at. */
  reset(): void {
    this.reference = null;
    this.referenceAtMs = null;
  }

  private judge(grid: Float32Array, timeMs: number, tracking: boolean): GateVerdict {
    if (tracking || this.reference === null || this.referenceAtMs === null) return 'detect';
    if (this.reference.length !== grid.length) return 'detect';
    const elapsed = timeMs - this.referenceAtMs;
    // Time going backwards (a looping file, a clock step): look, and start counting again.
    if (!(elapsed >= 0) || elapsed >= this.policy.maxSkipMs) return 'detect';
    return changedCells(this.reference, grid, this.policy.cellChangeLevels) >= this.policy.minChangedCells ? 'detect' : 'skip';
  }
}
