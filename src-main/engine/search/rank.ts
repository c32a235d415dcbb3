/**
 * Search-by-face ranking (pure: no I/O). Members and unknown clusters are
 * scored against one probe embedding and merged into a single list, best
 * first, keeping only candidates at or above the search threshold.
 */
import type { ClusterModel } from '../unknowns/clustering.js';
import type { Box } from '../vision/geometry.js';

export type Candidate = { kind: 'member'; personId: number; score: number } | { kind: 'unknown'; clusterId: number; score: number };

/**
 * Every unknown cluster scoring at least `minScore` (the same similarity the clustering uses:
 * the higher of the cosine to the centroid and to its closest kept face). Brute force over the
 * clusters in memory: 10,000 clusters of up to 5 faces are ~60,000 dot products (see the bench).
 */
export function scoreClusters(probe: Float32Array, clusters: Iterable<ClusterModel>, minScore: number, exclude: number | null = null): Candidate[] {
  const found: Candidate[] = [];
  for (const cluster of clusters) {
    if (cluster.id === exclude) continue;
    // clusterSimilarity's rule with a 4-way unrolled dot product (~1.6x here at 10,000 clusters).
    let score = fastDot(probe, cluster.centroid);
    for (const face of cluster.faces) score = Math.max(score, fastDot(probe, face.embedding));
    if (score >= minScore) found.push({ kind: 'unknown', clusterId: cluster.id, score });
  }
  return found;
}

/** The dot product with four independent sums (the JIT keeps them in registers; same result up to float rounding). */
export function fastDot(a: Float32Array, b: Float32Array): number {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  const n = Math.min(a.length, b.length);
  const whole = n - (n % 4);
  let i = 0;
  for (; i < whole; i += 4) {
    s0 += a[i]! * b[i]!;
    s1 += a[i + 1]! * b[i + 1]!;
    s2 += a[i + 2]! * b[i + 2]!;
    s3 += a[i + 3]! * b[i + 3]!;
  }
  for (; i < n; i++) s0 += a[i]! * b[i]!;
  return s0 + s1 + s2 + s3;
}

/** Members and clusters in one list, best first (ties: members first, then the lower id), at or above `minScore`, at most `limit`. */
export function rankCandidates(members: readonly Candidate[], unknowns: readonly Candidate[], minScore: number, limit: number): Candidate[] {
  const id = (c: Candidate) => (c.kind === 'member' ? c.personId : c.clusterId);
  return [...members, ...unknowns]
    .filter((c) => Number.isFinite(c.score) && c.score >= minScore)
    .sort((a, b) => b.score - a.score || (a.kind === b.kind ? id(a) - id(b) : a.kind === 'member' ? -1 : 1))
    .slice(0, Math.max(0, limit));
}

/** Faces in a photo, largest first (the likeliest subject of a police photo or a still): indexes into `boxes`. */
export function largestFirst(boxes: readonly Box[]): number[] {
  return boxes.map((box, index) => ({ index, area: box.width * box.height })).sort((a, b) => b.area - a.area || a.index - b.index).map((f) => f.index);
}

/** Normalises a search's time range to ISO strings (as stored); from after to is refused in plain words. */
export function timeRange(since: string | undefined, until: string | undefined): { since?: string; until?: string } {
  const parse = (text: string | undefined, name: string) => {
    if (text === undefined || text === '') return undefined;
    const ms = Date.parse(text);
    if (Number.isNaN(ms)) throw new RangeError(`${name} is not a date and time: "${text}" (use ISO 8601, e.g. 2026-12-04T08:30:00Z)`);
    return new Date(ms).toISOString();
  };
  const range = { since: parse(since, 'since'), until: parse(until, 'until') };
  if (range.since && range.until && range.since > range.until) {
    throw new RangeError(`the time range is backwards: from ${range.since} is after to ${range.until}`);
  }
  return range;
}
