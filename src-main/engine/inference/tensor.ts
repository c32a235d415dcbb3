import type { ModelInput } from '../models/manifest.js';
import type { RgbImage } from '../vision/geometry.js';

/**
 * Writes an RGB image into a float tensor laid out and normalised as the
 * manifest says ((value - mean) / std per channel, RGB or BGR, NCHW or NHWC).
 * The image is placed at the top-left of a tensorWidth x tensorHeight canvas;
 * the rest is the normalised value of black (zero padding before normalising).
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
  const order = input.channelOrder === 'RGB' ? [0, 1, 2] : [2, 1, 0];
  const [m0, m1, m2] = input.mean;
  const [s0, s1, s2] = input.std;
  const means = [m0, m1, m2], scales = [1 / s0, 1 / s1, 1 / s2];
  // Per tensor channel: which RGB source channel feeds it and its normalisation.
  const src = order.map((sourceChannel, tensorChannel) => ({
    sourceChannel,
    mean: means[tensorChannel]!,
    scale: scales[tensorChannel]!,
  }));
  const { data, width, height } = image;
  const copyWidth = Math.min(width, tensorWidth), copyHeight = Math.min(height, tensorHeight);
  if (copyWidth < tensorWidth || copyHeight < tensorHeight) {
    for (let c = 0; c < 3; c++) {
      const padValue = (0 - src[c]!.mean) * src[c]!.scale;
      if (input.layout === 'NCHW') out.fill(padValue, c * plane, (c + 1) * plane);
      else for (let i = c; i < plane * 3; i += 3) out[i] = padValue;
    }
  }
  for (let c = 0; c < 3; c++) {
    const { sourceChannel, mean, scale } = src[c]!;
    for (let y = 0; y < copyHeight; y++) {
      let s = y * width * 3 + sourceChannel;
      if (input.layout === 'NCHW') {
        let o = c * plane + y * tensorWidth;
        for (let x = 0; x < copyWidth; x++, s += 3) out[o++] = (data[s]! - mean) * scale;
      } else {
        let o = y * tensorWidth * 3 + c;
        for (let x = 0; x < copyWidth; x++, s += 3, o += 3) out[o] = (data[s]! - mean) * scale;
      }
    }
  }
  return out;
}
