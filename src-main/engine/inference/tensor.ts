import type { ModelInput } from '../models/manifest.js';
import type { RgbImage } from '../vision/geometry.js';

/**
 * Writes an RGB image into a float tensor laid out and normalised as the
 * manifest says ((value - mean) / std per channel, RGB or BGR, NCHW or NHWC).
 * The image is placed at the top-left of a tensorWidth x tensorHeight canvas;
 * the rest is the normalised value of black (zero padding before normalising).
 * Normalisation goes through a 256-entry table per channel: this runs per frame.
 */
export function imageToTensor(
  image: RgbImage,
  input: ModelInput,
  tensorWidth: number,
  tensorHeight: number,
  target?: Float32Array,
): Float32Array {
  const plane = tensorWidth * tensorHeight;
  const out = target ?? new Float32Array(plane * 3);
  // Tensor channel c is fed by source channel sourceOf[c].
  const sourceOf = input.channelOrder === 'RGB' ? [0, 1, 2] : [2, 1, 0];
  const tables = [0, 1, 2].map((c) => {
    const table = new Float32Array(256);
    for (let v = 0; v < 256; v++) table[v] = (v - input.mean[c]!) / input.std[c]!;
    return table;
  });
  const { data, width, height } = image;
  const copyWidth = Math.min(width, tensorWidth), copyHeight = Math.min(height, tensorHeight);
  if (copyWidth < tensorWidth || copyHeight < tensorHeight) {
    for (let c = 0; c < 3; c++) {
      const padValue = tables[c]![0]!;
      if (input.layout === 'NCHW') out.fill(padValue, c * plane, (c + 1) * plane);
      else for (let i = c; i < plane * 3; i += 3) out[i] = padValue;
    }
  }
  for (let c = 0; c < 3; c++) {
    const table = tables[c]!;
    const sourceChannel = sourceOf[c]!;
    for (let y = 0; y < copyHeight; y++) {
      let s = y * width * 3 + sourceChannel;
      if (input.layout === 'NCHW') {
        let o = c * plane + y * tensorWidth;
        const end = o + copyWidth;
        while (o < end) {
          out[o++] = table[data[s]!]!;
          s += 3;
        }
      } else {
        let o = y * tensorWidth * 3 + c;
        for (let x = 0; x < copyWidth; x++, s += 3, o += 3) out[o] = table[data[s]!]!;
      }
    }
  }
  return out;
}
