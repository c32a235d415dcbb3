/**
 * Search-by-face ranking (pure: no I/O). Members and unknown clusters are
 * scored against one probe embedding and merged into a single list, best
 * first, keeping only candidates at or above the search threshold.
 */
import type { ClusterModel } from '../unknowns/clustering.js';
import type { Box } from '../vision/geometry.js';

export type Candidate = { kind: 'member'; personId: number; score: number } | { kind: 'unknown'; clusterId: number; score: number };

/** Slack for float rounding in the reach bound: a cluster is skipped only when clearly out of reach. */
const REACH_SLACK = 1e-4;

/**
 * The highest cosine any vector within `spreadCos` of the centroid can have with the probe, given
 * the probe's cosine to the centroid (angles obey the triangle inequality on the sphere).
 */
export function reachBound(centroidCos: number, spreadCos: number): number {
  const c = Math.max(-1, Math.min(1, centroidCos)), r = Math.max(-1, Math.min(1, spreadCos));
  // Within the spread's angle of the centroid, some face could point exactly at the probe.
  if (c >= r) return 1;
  return c * r + Math.sqrt(1 - c * c) * Math.sqrt(1 - r * r);
}

/**
 * Every unknown cluster scoring at least `minScore` (the same similarity the clustering uses:
 * the higher of the cosine to the centroid and to its closest kept face), with exactly the scores
 * clusterSimilarity gives. Brute force over the clusters in memory, made cheaper two ways:
 * - the centroid first: when even the closest possible face (reachBound, from how far the faces
 *   spread around the centroid) is below `minScore`, the faces are not scored: that cluster could
 *   not be listed anyway (a single-face cluster never needs its face: it is the centroid);
 * - a cluster's vectors are contiguous (`packed`) and its faces are scored up to four at a time in
 *   one pass, the probe read once per group (each sum in the same order as `dot`).
 */
export function scoreClusters(probe: Float32Array, clusters: Iterable<ClusterModel>, minScore: number, exclude: number | null = null): Candidate[] {
  const found: Candidate[] = [];
  const dim = probe.length;
  let norm = 0;
  for (let i = 0; i < dim; i++) norm += probe[i]! * probe[i]!;
  norm = Math.sqrt(norm);
  for (const cluster of clusters) {
    if (cluster.id === exclude || cluster.centroid.length !== dim) continue;
    // Out of reach by the centroid alone (four running sums: quick, equal up to rounding, hence the slack).
    const quick = unrolledDot(probe, cluster.packed, dim);
    const reachable = norm > 0 && reachBound(quick / norm, cluster.spreadCos) * norm >= minScore - REACH_SLACK;
    if (!reachable) continue;
    // Within reach: the exact scores, each summed in index order as clusterSimilarity does.
    let score = bestOfPacked(probe, cluster.packed, 1, dim);
    if (cluster.faces.length > 0) score = Math.max(score, bestOfPacked(probe, cluster.packed, cluster.faces.length, dim, dim));
    if (score >= minScore) found.push({ kind: 'unknown', clusterId: cluster.id, score });
  }
  return found;
}

/** The dot product of `probe` with the first `dim` values of `v`, in four running sums (the JIT keeps them in registers). */
function unrolledDot(probe: Float32Array, v: Float32Array, dim: number): number {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  let i = 0;
  for (; i + 4 <= dim; i += 4) {
    s0 += probe[i]! * v[i]!;
    s1 += probe[i + 1]! * v[i + 1]!;
    s2 += probe[i + 2]! * v[i + 2]!;
    s3 += probe[i + 3]! * v[i + 3]!;
  }
  for (; i < dim; i++) s0 += probe[i]! * v[i]!;
  return s0 + s1 + s2 + s3;
}

/** The highest dot product of `probe` with the `count` vectors of `packed` from `start` (back to back, `dim` each). */
export function bestOfPacked(probe: Float32Array, packed: Float32Array, count: number, dim: number, start = 0): number {
  let best = Number.NEGATIVE_INFINITY;
  let v = 0;
  for (; v + 4 <= count; v += 4) best = Math.max(best, dot4(probe, packed, start + v * dim, dim));
  for (; v < count; v++) {
    const o = start + v * dim;
    let s = 0;
    for (let i = 0; i < dim; i++) s += probe[i]! * packed[o + i]!;
    best = Math.max(best, s);
  }
  return best;
}

/** The best of four dot products (vectors at `offset`, `offset + dim`, …), each summed in index order. */
function dot4(probe: Float32Array, packed: Float32Array, offset: number, dim: number): number {
  const o1 = offset + dim, o2 = o1 + dim, o3 = o2 + dim;
  let a = 0, b = 0, c = 0, d = 0;
  for (let i = 0; i < dim; i++) {
    const x = probe[i]!;
    a += x * packed[offset + i]!;
    b += x * packed[o1 + i]!;
    c += x * packed[o2 + i]!;
    d += x * packed[o3 + i]!;
  }
  return Math.max(a, b, c, d);
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
