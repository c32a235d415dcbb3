import type { RgbImage } from './geometry.js';
import { motionGrid } from './motion-gate.js';

/**
 * Scene cuts. Pure. An edited video (the Hamilton clip) or a PTZ camera moving
 * to another preset shows a different place from one frame to the next; faces
 * there are other faces, so no track and no visit may be carried across.
 * A frame is summarised by the mean luma of a coarse grid; two frames differ
 * in scene when those grids no longer correlate (lighting changes shift every
 * cell together and keep the correlation; people walking past change a few
 * cells only).
 */
export const SIGNATURE_COLUMNS = 16;
export const SIGNATURE_ROWS = 9;

/** Mean luma (0..255) of each cell of a 16x9 grid, row by row, from a sparse sample of pixels. */
export function frameSignature(image: RgbImage, step = 4): Float32Array {
  return motionGrid(image, { gridColumns: SIGNATURE_COLUMNS, gridRows: SIGNATURE_ROWS, sampleStep: step });
}

/**
 * 0 (same scene) .. 1 (unrelated): one minus the correlation of the two grids, with
 * flat grids (a black frame, a lens cap) compared by their mean brightness instead.
 */
export function sceneDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = Math.min(a.length, b.length);
  if (n === 0) return 0;
  let meanA = 0, meanB = 0;
  for (let i = 0; i < n; i++) {
    meanA += a[i]!;
    meanB += b[i]!;
  }
  meanA /= n;
  meanB /= n;
  let cov = 0, varA = 0, varB = 0;
  for (let i = 0; i < n; i++) {
    const da = a[i]! - meanA, db = b[i]! - meanB;
    cov += da * db;
    varA += da * da;
    varB += db * db;
  }
  const flat = 4 * n; // a standard deviation under 2 luma levels: no structure to correlate
  if (varA < flat || varB < flat) return Math.min(1, Math.abs(meanA - meanB) / 64);
  const correlation = cov / Math.sqrt(varA * varB);
  return Math.max(0, Math.min(1, (1 - correlation) / 2));
}

/** Above this difference two consecutive analysed frames are a cut (the Hamilton clip's four cuts score 0.34-0.51 and its hand-held pans up to 0.22; vtest.avi's walkers stay under 0.01). */
export const SCENE_CUT_THRESHOLD = 0.3;
