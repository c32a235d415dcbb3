/**
 * Sprites of the walk-through and their compositing onto a frame (pure: no I/O).
 *
 * A sprite is a premultiplied RGBA float image (0-255) cut from an LFW photo
 * with a feathered head-and-neck mask around the detected face box, with the
 * visit's exposure, colour and focus applied; `boxCx/boxCy/boxHeight` is the
 * detector's face box in sprite pixels. Each frame, compositeSprites() scales
 * it so the face box has the pose's height and centre (bilinear), smears it
 * along the direction of travel (1-D box blur = motion blur) and blends it
 * over the background, touching only the sprite's rectangle.
 */
import type { Box, RgbImage } from '../../vision/geometry.js';
import { seededRandom } from '../../util/seeded-random.js';
import { SPRITE_MASK, type VisitLook, type VisitPose } from './scene-plan.js';

export interface Sprite {
  width: number;
  height: number;
  /** Premultiplied RGBA, 0-255, with a 1-pixel transparent border. */
  data: Float32Array;
  /** Centre and height of the face box (or the blob's box) in sprite pixels (continuous coordinates). */
  boxCx: number;
  boxCy: number;
  boxHeight: number;
  /** Width / height of that box. */
  aspect: number;
}

const smoothstep = (edge0: number, edge1: number, x: number) => {
  const t = Math.min(1, Math.max(0, (x - edge0) / (edge1 - edge0)));
  return t * t * (3 - 2 * t);
};

/** Exposure and colour of a visit: out = 255 * gain * (in / 255) ^ gamma, then saturation around the luma. */
function toneLut(look: Pick<VisitLook, 'gain' | 'gamma'>): Float32Array {
  const lut = new Float32Array(256);
  for (let v = 0; v < 256; v++) lut[v] = Math.min(255, 255 * look.gain * Math.pow(v / 255, look.gamma));
  return lut;
}

/** Builds a sprite from an alpha function over the photo (cropped to where alpha > 0), toned and optionally blurred. */
function spriteFromPhoto(
  photo: RgbImage,
  box: Box,
  alphaAt: (x: number, y: number) => number,
  look: Pick<VisitLook, 'gain' | 'gamma' | 'saturation'>,
  blurSigmaPhotoPx: number,
  blurBeforeMask = false,
): Sprite {
  // Crop to the mask's extent (plus the blur's reach), one transparent pixel around.
  let minX = photo.width, minY = photo.height, maxX = -1, maxY = -1;
  for (let y = 0; y < photo.height; y++) {
    for (let x = 0; x < photo.width; x++) {
      if (alphaAt(x + 0.5, y + 0.5) > 0) {
        if (x < minX) minX = x;
        if (x > maxX) maxX = x;
        if (y < minY) minY = y;
        if (y > maxY) maxY = y;
      }
    }
  }
  if (maxX < 0) throw new Error('sprite mask is empty');
  const reach = blurBeforeMask ? 0 : Math.ceil(3 * blurSigmaPhotoPx);
  const x0 = minX - reach - 1, y0 = minY - reach - 1;
  const width = maxX - minX + 1 + 2 * (reach + 1);
  const height = maxY - minY + 1 + 2 * (reach + 1);
  const lut = toneLut(look);
  const sat = look.saturation;
  // Toned colour of the whole photo (blurred first for a blob), then masked.
  let rgb: Float32Array = new Float32Array(photo.width * photo.height * 3);
  for (let i = 0; i < photo.width * photo.height; i++) {
    const r = lut[photo.data[i * 3]!]!, g = lut[photo.data[i * 3 + 1]!]!, b = lut[photo.data[i * 3 + 2]!]!;
    const l = 0.299 * r + 0.587 * g + 0.114 * b;
    rgb[i * 3] = l + sat * (r - l);
    rgb[i * 3 + 1] = l + sat * (g - l);
    rgb[i * 3 + 2] = l + sat * (b - l);
  }
  if (blurBeforeMask && blurSigmaPhotoPx > 0) rgb = gaussianBlur(rgb, photo.width, photo.height, 3, blurSigmaPhotoPx);
  let data: Float32Array = new Float32Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    const py = y + y0;
    if (py < 0 || py >= photo.height) continue;
    for (let x = 0; x < width; x++) {
      const px = x + x0;
      if (px < 0 || px >= photo.width) continue;
      const a = alphaAt(px + 0.5, py + 0.5);
      if (a <= 0) continue;
      const s = (py * photo.width + px) * 3, d = (y * width + x) * 4;
      data[d] = rgb[s]! * a;
      data[d + 1] = rgb[s + 1]! * a;
      data[d + 2] = rgb[s + 2]! * a;
      data[d + 3] = a * 255;
    }
  }
  if (!blurBeforeMask && blurSigmaPhotoPx > 0) data = gaussianBlur(data, width, height, 4, blurSigmaPhotoPx);
  return {
    width,
    height,
    data,
    boxCx: box.x + box.width / 2 - x0,
    boxCy: box.y + box.height / 2 - y0,
    boxHeight: box.height,
    aspect: box.width / box.height,
  };
}

/**
 * A face sprite: the photo inside a feathered head ellipse (hair, ears, chin)
 * and neck ellipse around the detected face box, faded out at the photo's
 * edges; `focusSigmaPhotoPx` adds the visit's out-of-focus blur. `others`
 * are the other faces detected in the photo (LFW photos often show someone
 * beside the person): they are cut out, so no second, unplanned face walks by.
 */
export function faceSprite(photo: RgbImage, box: Box, look: VisitLook, focusSigmaPhotoPx: number, others: readonly Box[] = []): Sprite {
  const cx = box.x + box.width / 2, cy = box.y + box.height / 2;
  const { head, neck, featherInner } = SPRITE_MASK;
  const part = (p: { dy: number; rx: number; ry: number }, x: number, y: number) =>
    Math.hypot((x - cx) / (p.rx * box.width), (y - (cy + p.dy * box.height)) / (p.ry * box.height));
  // Only faces whose centre is outside the person's own face box (never a hole in the face itself).
  const cutOut = others.filter((o) => {
    const ox = o.x + o.width / 2, oy = o.y + o.height / 2;
    return ox < box.x || ox > box.x + box.width || oy < box.y || oy > box.y + box.height;
  });
  const alphaAt = (x: number, y: number) => {
    const r = Math.min(part(head, x, y), part(neck, x, y));
    let mask = 1 - smoothstep(featherInner, 1, r);
    if (mask <= 0) return 0;
    for (const o of cutOut) {
      const ro = Math.hypot((x - (o.x + o.width / 2)) / (0.75 * o.width), (y - (o.y + o.height / 2)) / (0.85 * o.height));
      mask *= smoothstep(0.85, 1.15, ro);
    }
    // Fade over the last 4 px of the photo: no hard photo edge.
    const edge = Math.min(x, y, photo.width - x, photo.height - y);
    return mask * smoothstep(0, 4, edge);
  };
  return spriteFromPhoto(photo, box, alphaAt, look, focusSigmaPhotoPx);
}

/** A non-face: the face heavily blurred and cropped to a skin-toned oval (no eyes, no mouth left to see). */
export function blurredFaceSprite(photo: RgbImage, box: Box, look: VisitLook, blurFraction: number): Sprite {
  const cx = box.x + box.width / 2, cy = box.y + box.height / 2;
  const alphaAt = (x: number, y: number) => {
    const r = Math.hypot((x - cx) / (0.5 * box.width), (y - cy) / (0.55 * box.height));
    return 1 - smoothstep(0.6, 1, r);
  };
  return spriteFromPhoto(photo, box, alphaAt, look, blurFraction * box.height, true);
}

/** Mean colour of the middle of the face box (cheeks and nose): a skin tone for a hand. */
export function skinTone(photo: RgbImage, box: Box): [number, number, number] {
  const sum = [0, 0, 0];
  let n = 0;
  const x0 = Math.max(0, Math.round(box.x + 0.3 * box.width)), x1 = Math.min(photo.width, Math.round(box.x + 0.7 * box.width));
  const y0 = Math.max(0, Math.round(box.y + 0.45 * box.height)), y1 = Math.min(photo.height, Math.round(box.y + 0.7 * box.height));
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      for (let c = 0; c < 3; c++) sum[c]! += photo.data[(y * photo.width + x) * 3 + c]!;
      n++;
    }
  }
  return n === 0 ? [200, 150, 120] : [sum[0]! / n, sum[1]! / n, sum[2]! / n];
}

function capsuleDistance(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax, dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

/**
 * A non-face: a hand-like patch (palm, four fingers, a thumb) in a skin tone,
 * shaded and textured, `aspect` wide for its height. Its box is the whole patch.
 */
export function handSprite(tone: [number, number, number], look: VisitLook, aspect: number, seed: number, mirrored: boolean): Sprite {
  const h = 128, w = Math.round(aspect * h);
  const width = w + 2, height = h + 2;
  const random = seededRandom(seed);
  // Low-frequency blotches so the patch is not flat.
  const blotches = Array.from({ length: 6 }, () => ({ x: random() * w, y: random() * h, r: 12 + random() * 25, k: (random() - 0.5) * 0.25 }));
  const fingers: Array<[number, number, number, number]> = [
    [0.3, 0.5, 0.27, 0.08],
    [0.44, 0.48, 0.43, 0.03],
    [0.58, 0.48, 0.6, 0.06],
    [0.71, 0.5, 0.76, 0.15],
  ];
  const lut = toneLut(look);
  const data = new Float32Array(width * height * 4);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const fx = (mirrored ? w - x - 0.5 : x + 0.5) / w, fy = (y + 0.5) / h;
      // Signed-ish distance in pixels to the shape (negative inside).
      const palm = (Math.hypot((fx - 0.5) / 0.34, (fy - 0.68) / 0.29) - 1) * 0.3 * h;
      let d = palm;
      for (const [bx, by, tx, ty] of fingers) d = Math.min(d, capsuleDistance(fx * w, fy * h, bx * w, by * h, tx * w, ty * h) - 0.065 * w);
      d = Math.min(d, capsuleDistance(fx * w, fy * h, 0.24 * w, 0.72 * h, 0.05 * w, 0.45 * h) - 0.075 * w);
      const a = 1 - smoothstep(-1.5, 1.5, d);
      if (a <= 0) continue;
      let shade = 0.82 + 0.25 * (1 - fy) + 0.08 * Math.min(1, -d / 6);
      for (const b of blotches) shade += b.k * Math.exp(-((x - b.x) ** 2 + (y - b.y) ** 2) / (b.r * b.r));
      const i = ((y + 1) * width + x + 1) * 4;
      for (let c = 0; c < 3; c++) data[i + c] = lut[Math.max(0, Math.min(255, Math.round(tone[c]! * shade)))]! * a;
      data[i + 3] = 255 * a;
    }
  }
  return { width, height, data: gaussianBlur(data, width, height, 4, 1.2), boxCx: width / 2, boxCy: height / 2, boxHeight: h, aspect: w / h };
}

/** Separable Gaussian blur of an interleaved float image (edges clamped to transparent/zero). */
export function gaussianBlur(src: Float32Array, width: number, height: number, channels: number, sigma: number): Float32Array {
  if (sigma <= 0.1) return src;
  const radius = Math.ceil(3 * sigma);
  const kernel = new Float32Array(2 * radius + 1);
  let total = 0;
  for (let i = -radius; i <= radius; i++) total += kernel[i + radius] = Math.exp(-(i * i) / (2 * sigma * sigma));
  for (let i = 0; i < kernel.length; i++) kernel[i]! /= total;
  const pass = (input: Float32Array, horizontal: boolean) => {
    const out = new Float32Array(input.length);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        for (let k = -radius; k <= radius; k++) {
          const sx = horizontal ? x + k : x, sy = horizontal ? y : y + k;
          if (sx < 0 || sx >= width || sy < 0 || sy >= height) continue;
          const weight = kernel[k + radius]!;
          const s = (sy * width + sx) * channels, d = (y * width + x) * channels;
          for (let c = 0; c < channels; c++) out[d + c]! += weight * input[s + c]!;
        }
      }
    }
    return out;
  };
  return pass(pass(src, true), false);
}

export interface SpriteLayer {
  sprite: Sprite;
  /** Share of this sprite in a cross-fade (weights sum to 1). */
  weight: number;
}

/**
 * Draws a visit's sprites (one, or two during a cross-fade) over an RGB frame
 * in place: each scaled so its box has the pose's height and centre, sampled
 * bilinearly, averaged along the direction of travel over `motionBlurPx`.
 */
export function compositeSprites(
  frame: Uint8Array,
  frameWidth: number,
  frameHeight: number,
  layers: readonly SpriteLayer[],
  pose: Pick<VisitPose, 'cx' | 'cy' | 'size' | 'dirX' | 'dirY'>,
  motionBlurPx: number,
): void {
  const moving = pose.dirX !== 0 || pose.dirY !== 0;
  const blur = moving ? motionBlurPx : 0;
  const taps = blur >= 1.5 ? Math.ceil(blur / 1.5) + 1 : 1;
  let left = Infinity, top = Infinity, right = -Infinity, bottom = -Infinity;
  const placed = layers
    .filter((l) => l.weight > 0)
    .map((l) => {
      const scale = pose.size / l.sprite.boxHeight;
      const x0 = pose.cx - l.sprite.boxCx * scale, y0 = pose.cy - l.sprite.boxCy * scale;
      left = Math.min(left, x0);
      top = Math.min(top, y0);
      right = Math.max(right, x0 + l.sprite.width * scale);
      bottom = Math.max(bottom, y0 + l.sprite.height * scale);
      return { ...l, inv: 1 / scale };
    });
  if (placed.length === 0) return;
  const reach = blur / 2 + 1;
  const xa = Math.max(0, Math.floor(left - reach)), xb = Math.min(frameWidth, Math.ceil(right + reach));
  const ya = Math.max(0, Math.floor(top - reach)), yb = Math.min(frameHeight, Math.ceil(bottom + reach));
  if (xa >= xb || ya >= yb) return;
  // Tap offsets along the motion, in video pixels, centred on the pixel.
  const offsets = Array.from({ length: taps }, (_, k) => (taps === 1 ? 0 : -blur / 2 + (k * blur) / (taps - 1)));
  for (let y = ya; y < yb; y++) {
    for (let x = xa; x < xb; x++) {
      let r = 0, g = 0, b = 0, a = 0;
      for (const { sprite, weight, inv } of placed) {
        const sw = sprite.width, sh = sprite.height, d = sprite.data;
        const share = weight / taps;
        for (const off of offsets) {
          const u = (x + 0.5 + off * pose.dirX - pose.cx) * inv + sprite.boxCx - 0.5;
          const v = (y + 0.5 + off * pose.dirY - pose.cy) * inv + sprite.boxCy - 0.5;
          const i0 = Math.floor(u), j0 = Math.floor(v);
          if (i0 < 0 || j0 < 0 || i0 >= sw - 1 || j0 >= sh - 1) continue;
          const fu = u - i0, fv = v - j0;
          const w00 = (1 - fu) * (1 - fv) * share, w10 = fu * (1 - fv) * share, w01 = (1 - fu) * fv * share, w11 = fu * fv * share;
          const p00 = (j0 * sw + i0) * 4, p10 = p00 + 4, p01 = p00 + sw * 4, p11 = p01 + 4;
          a += w00 * d[p00 + 3]! + w10 * d[p10 + 3]! + w01 * d[p01 + 3]! + w11 * d[p11 + 3]!;
          r += w00 * d[p00]! + w10 * d[p10]! + w01 * d[p01]! + w11 * d[p11]!;
          g += w00 * d[p00 + 1]! + w10 * d[p10 + 1]! + w01 * d[p01 + 1]! + w11 * d[p11 + 1]!;
          b += w00 * d[p00 + 2]! + w10 * d[p10 + 2]! + w01 * d[p01 + 2]! + w11 * d[p11 + 2]!;
        }
      }
      if (a < 0.5) continue;
      const keep = 1 - Math.min(255, a) / 255;
      const o = (y * frameWidth + x) * 3;
      frame[o] = Math.min(255, Math.max(0, Math.round(frame[o]! * keep + r)));
      frame[o + 1] = Math.min(255, Math.max(0, Math.round(frame[o + 1]! * keep + g)));
      frame[o + 2] = Math.min(255, Math.max(0, Math.round(frame[o + 2]! * keep + b)));
    }
  }
}
