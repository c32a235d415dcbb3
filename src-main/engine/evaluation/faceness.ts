/**
 * The faceness evaluation (pure part): how long the embedder's raw output is
 * for real faces, for faces too degraded to judge, and for things that are not
 * faces, and which threshold separates them. The live path ignores views whose
 * raw length is under the manifest's `faceNormThreshold` (a blurred hand in
 * front of the camera must not become an "unknown person").
 */
export interface NormSamples {
  /** Aligned faces from photos. */
  faces: number[];
  /** The same faces as a CCTV camera sees them small (downscaled to ~36 px and back). */
  smallFaces: number[];
  /** Heavily blurred faces (motion or focus): too poor to recognise. */
  blurred: number[];
  /** Crops that are not faces: background, hair, shoulders, CCTV scenery. */
  nonFaces: number[];
}

export interface FacenessReport {
  percentiles: Record<keyof NormSamples, { p1: number; p5: number; p50: number; p95: number; p99: number; count: number }>;
  /** The threshold chosen: at most `maxFaceLoss` of small faces below it, as many non-faces as possible below it. */
  recommendedThreshold: number;
  atRecommended: { facesKept: number; smallFacesKept: number; blurredRejected: number; nonFacesRejected: number };
  atCurrent: { threshold: number; facesKept: number; smallFacesKept: number; blurredRejected: number; nonFacesRejected: number } | null;
}

export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * q;
  const low = Math.floor(position), high = Math.ceil(position);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (position - low);
}

const share = (values: readonly number[], predicate: (v: number) => boolean) => (values.length === 0 ? 0 : values.filter(predicate).length / values.length);

function rates(samples: NormSamples, threshold: number) {
  return {
    facesKept: share(samples.faces, (v) => v >= threshold),
    smallFacesKept: share(samples.smallFaces, (v) => v >= threshold),
    blurredRejected: share(samples.blurred, (v) => v < threshold),
    nonFacesRejected: share(samples.nonFaces, (v) => v < threshold),
  };
}

/**
 * Recommended threshold: the highest value that still keeps (1 - maxFaceLoss) of the small
 * faces (a camera's faces are small; losing them loses members), rounded down to two
 * significant digits.
 */
export function facenessReport(samples: NormSamples, currentThreshold: number | null, maxFaceLoss = 0.01): FacenessReport {
  const keys = ['faces', 'smallFaces', 'blurred', 'nonFaces'] as const;
  const percentiles = Object.fromEntries(
    keys.map((k) => [
      k,
      { p1: quantile(samples[k], 0.01), p5: quantile(samples[k], 0.05), p50: quantile(samples[k], 0.5), p95: quantile(samples[k], 0.95), p99: quantile(samples[k], 0.99), count: samples[k].length },
    ]),
  ) as FacenessReport['percentiles'];
  const reference = samples.smallFaces.length > 0 ? samples.smallFaces : samples.faces;
  const raw = quantile(reference, maxFaceLoss);
  const step = Math.pow(10, Math.floor(Math.log10(Math.max(raw, 1e-6))) - 1);
  const recommendedThreshold = Math.floor(raw / step) * step;
  return {
    percentiles,
    recommendedThreshold: Math.round(recommendedThreshold * 1e6) / 1e6,
    atRecommended: rates(samples, recommendedThreshold),
    atCurrent: currentThreshold === null ? null : { threshold: currentThreshold, ...rates(samples, currentThreshold) },
  };
}
