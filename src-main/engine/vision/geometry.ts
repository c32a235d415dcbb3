/**
 * Pure geometry for face images: boxes, IoU, NMS, the similarity transform
 * that aligns five landmarks onto the ArcFace template, and an affine warp.
 * No I/O here: every function is a table-testable calculation.
 */

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export type Landmarks = Array<[number, number]>;

export interface Detection {
  box: Box;
  score: number;
  /** Right eye, left eye, nose tip, right mouth corner, left mouth corner (image coordinates, subject's view). */
  landmarks: Landmarks;
}

/** An 8-bit interleaved RGB image. */
export interface RgbImage {
  width: number;
  height: number;
  data: Uint8Array;
}

export function iou(a: Box, b: Box): number {
  const x1 = Math.max(a.x, b.x);
  const y1 = Math.max(a.y, b.y);
  const x2 = Math.min(a.x + a.width, b.x + b.width);
  const y2 = Math.min(a.y + a.height, b.y + b.height);
  const intersection = Math.max(0, x2 - x1) * Math.max(0, y2 - y1);
  const union = a.width * a.height + b.width * b.height - intersection;
  return union <= 0 ? 0 : intersection / union;
}

/** Greedy non-maximum suppression: keeps the best-scoring of any overlapping group. */
export function nonMaxSuppression<T extends { box: Box; score: number }>(items: T[], iouThreshold: number): T[] {
  const sorted = [...items].sort((a, b) => b.score - a.score);
  const kept: T[] = [];
  for (const candidate of sorted) {
    if (kept.every((k) => iou(k.box, candidate.box) <= iouThreshold)) kept.push(candidate);
  }
  return kept;
}

/** ArcFace's reference positions of the five landmarks in a 112x112 crop. */
export const ARCFACE_112_TEMPLATE: Landmarks = [
  [38.2946, 51.6963],
  [73.5318, 51.5014],
  [56.0252, 71.7366],
  [41.5493, 92.3655],
  [70.7299, 92.2041],
];

/** A 2x3 affine matrix [a, b, tx, c, d, ty]: x' = a*x + b*y + tx, y' = c*x + d*y + ty. */
export type Affine = [number, number, number, number, number, number];

/**
 * Least-squares similarity transform (rotation, uniform scale, translation)
 * mapping `from` onto `to` (Umeyama 1991, the 2-D case in closed form).
 */
export function estimateSimilarity(from: Landmarks, to: Landmarks): Affine {
  const n = from.length;
  if (n !== to.length || n < 2) throw new Error('estimateSimilarity needs two equally long lists of at least 2 points');
  let fromMeanX = 0, fromMeanY = 0, toMeanX = 0, toMeanY = 0;
  for (let i = 0; i < n; i++) {
    fromMeanX += from[i]![0]; fromMeanY += from[i]![1];
    toMeanX += to[i]![0]; toMeanY += to[i]![1];
  }
  fromMeanX /= n; fromMeanY /= n; toMeanX /= n; toMeanY /= n;
  // For centred points p (from) and q (to), the best similarity is
  // q ≈ [[a, -b], [b, a]] p with a = Σ(p·q)/Σ|p|², b = Σ(p×q)/Σ|p|².
  let dot = 0, cross = 0, norm = 0;
  for (let i = 0; i < n; i++) {
    const px = from[i]![0] - fromMeanX, py = from[i]![1] - fromMeanY;
    const qx = to[i]![0] - toMeanX, qy = to[i]![1] - toMeanY;
    dot += px * qx + py * qy;
    cross += px * qy - py * qx;
    norm += px * px + py * py;
  }
  if (norm === 0) throw new Error('estimateSimilarity: all source points coincide');
  const a = dot / norm;
  const b = cross / norm;
  const tx = toMeanX - (a * fromMeanX - b * fromMeanY);
  const ty = toMeanY - (b * fromMeanX + a * fromMeanY);
  return [a, -b, tx, b, a, ty];
}

export function applyAffine(m: Affine, [x, y]: [number, number]): [number, number] {
  return [m[0] * x + m[1] * y + m[2], m[3] * x + m[4] * y + m[5]];
}

export function invertAffine(m: Affine): Affine {
  const det = m[0] * m[4] - m[1] * m[3];
  if (Math.abs(det) < 1e-12) throw new Error('invertAffine: matrix is singular');
  const a = m[4] / det, b = -m[1] / det, c = -m[3] / det, d = m[0] / det;
  return [a, b, -(a * m[2] + b * m[5]), c, d, -(c * m[2] + d * m[5])];
}

/**
 * Warps `image` into a `width`x`height` RGB crop with `forward` (image -> crop
 * coordinates), sampling bilinearly; outside pixels are black, as in OpenCV's
 * warpAffine with BORDER_CONSTANT, which the embedders were trained with.
 */
export function warpAffine(image: RgbImage, forward: Affine, width: number, height: number): RgbImage {
  const inverse = invertAffine(forward);
  const out = new Uint8Array(width * height * 3);
  const { data, width: w, height: h } = image;
  const sample = (x: number, y: number, c: number) => (x >= 0 && y >= 0 && x < w && y < h ? data[(y * w + x) * 3 + c]! : 0);
  const [a, b, tx, c, d, ty] = inverse;
  const stride = w * 3;
  let o = 0;
  for (let y = 0; y < height; y++) {
    // Same arithmetic as a*x + b*y + tx evaluated per pixel (so the same pixels), with b*y hoisted.
    const by = b * y, dy = d * y;
    for (let x = 0; x < width; x++, o += 3) {
      const sx = a * x + by + tx;
      const sy = c * x + dy + ty;
      const x0 = Math.floor(sx), y0 = Math.floor(sy);
      const fx = sx - x0, fy = sy - y0;
      if (x0 >= 0 && y0 >= 0 && x0 + 1 < w && y0 + 1 < h) {
        // Inside the image (the usual case): no bounds checks per tap, channels unrolled. Values
        // are in 0..255, where floor(v + 0.5) is Math.round(v).
        const i00 = y0 * stride + x0 * 3, i01 = i00 + stride;
        let top = data[i00]! + (data[i00 + 3]! - data[i00]!) * fx;
        let bottom = data[i01]! + (data[i01 + 3]! - data[i01]!) * fx;
        out[o] = Math.floor(top + (bottom - top) * fy + 0.5);
        top = data[i00 + 1]! + (data[i00 + 4]! - data[i00 + 1]!) * fx;
        bottom = data[i01 + 1]! + (data[i01 + 4]! - data[i01 + 1]!) * fx;
        out[o + 1] = Math.floor(top + (bottom - top) * fy + 0.5);
        top = data[i00 + 2]! + (data[i00 + 5]! - data[i00 + 2]!) * fx;
        bottom = data[i01 + 2]! + (data[i01 + 5]! - data[i01 + 2]!) * fx;
        out[o + 2] = Math.floor(top + (bottom - top) * fy + 0.5);
      } else {
        for (let ch = 0; ch < 3; ch++) {
          const top = sample(x0, y0, ch) + (sample(x0 + 1, y0, ch) - sample(x0, y0, ch)) * fx;
          const bottom = sample(x0, y0 + 1, ch) + (sample(x0 + 1, y0 + 1, ch) - sample(x0, y0 + 1, ch)) * fx;
          out[o + ch] = Math.round(top + (bottom - top) * fy);
        }
      }
    }
  }
  return { width, height, data: out };
}

/** Aligns a face to the 112x112 ArcFace template from its five landmarks. */
export function alignFace112(image: RgbImage, landmarks: Landmarks): RgbImage {
  return warpAffine(image, estimateSimilarity(landmarks, ARCFACE_112_TEMPLATE), 112, 112);
}

/**
 * Bilinear resize of an RGB image, written into `target` (a width*height*3
 * buffer) so per-frame callers can reuse one buffer. Source columns and
 * weights are computed once per call, not per pixel (this runs on every frame).
 */
export function resizeBilinear(image: RgbImage, width: number, height: number, target?: Uint8Array): RgbImage {
  const out = target ?? new Uint8Array(width * height * 3);
  const { data, width: w, height: h } = image;
  if (w === width && h === height) {
    out.set(data.subarray(0, w * h * 3));
    return { width, height, data: out };
  }
  const scaleX = w / width, scaleY = h / height;
  const left = new Int32Array(width), right = new Int32Array(width), weightX = new Float32Array(width);
  for (let x = 0; x < width; x++) {
    const sx = Math.min(w - 1, Math.max(0, (x + 0.5) * scaleX - 0.5));
    const x0 = Math.floor(sx);
    left[x] = x0 * 3;
    right[x] = Math.min(w - 1, x0 + 1) * 3;
    weightX[x] = sx - x0;
  }
  let o = 0;
  for (let y = 0; y < height; y++) {
    const sy = Math.min(h - 1, Math.max(0, (y + 0.5) * scaleY - 0.5));
    const y0 = Math.floor(sy), fy = sy - y0;
    const row0 = y0 * w * 3, row1 = Math.min(h - 1, y0 + 1) * w * 3;
    for (let x = 0; x < width; x++) {
      const fx = weightX[x]!, a = row0 + left[x]!, b = row0 + right[x]!, c = row1 + left[x]!, d = row1 + right[x]!;
      for (let ch = 0; ch < 3; ch++) {
        const top = data[a + ch]! + (data[b + ch]! - data[a + ch]!) * fx;
        const bottom = data[c + ch]! + (data[d + ch]! - data[c + ch]!) * fx;
        out[o++] = (top + (bottom - top) * fy + 0.5) | 0;
      }
    }
  }
  return { width, height, data: out };
}

export function l2Normalize(vector: Float32Array): Float32Array {
  let sum = 0;
  for (let i = 0; i < vector.length; i++) sum += vector[i]! * vector[i]!;
  const norm = Math.sqrt(sum);
  if (norm === 0) return vector;
  const out = new Float32Array(vector.length);
  for (let i = 0; i < vector.length; i++) out[i] = vector[i]! / norm;
  return out;
}

export function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

/**
 * The face's box widened by `margin` (a fraction of its size on each side),
 * clipped to the image, copied out and scaled down so its longer side is at
 * most `maxSide` (the review snapshot of an unknown person). Null when the
 * box lies outside the image.
 */
export function cropFace(image: RgbImage, box: Box, margin = 0.25, maxSide = 160): RgbImage | null {
  const x0 = Math.max(0, Math.floor(box.x - box.width * margin));
  const y0 = Math.max(0, Math.floor(box.y - box.height * margin));
  const x1 = Math.min(image.width, Math.ceil(box.x + box.width * (1 + margin)));
  const y1 = Math.min(image.height, Math.ceil(box.y + box.height * (1 + margin)));
  const width = x1 - x0, height = y1 - y0;
  if (width < 2 || height < 2) return null;
  const crop = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const from = ((y0 + y) * image.width + x0) * 3;
    crop.set(image.data.subarray(from, from + width * 3), y * width * 3);
  }
  const scale = Math.min(1, maxSide / Math.max(width, height));
  const cropped = { width, height, data: crop };
  if (scale === 1) return cropped;
  return resizeBilinear(cropped, Math.max(1, Math.round(width * scale)), Math.max(1, Math.round(height * scale)));
}
