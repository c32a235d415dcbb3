/**
 * Incremental clustering of faces that matched no member (pure: no I/O).
 *
 * Each appearance (one live track, or one photo) joins the nearest open
 * cluster when its similarity to that cluster reaches the join threshold, or
 * starts a new cluster. A cluster's similarity is the higher of the cosine to
 * its centroid and to its closest kept face; it keeps only its best few faces
 * (by quality), so memory and matching time stay bounded however often a
 * stranger comes back.
 */
import { dot, l2Normalize } from '../vision/geometry.js';

export interface ClusterPolicy {
  /** Cosine similarity needed to join a cluster (calibrated per embedder: manifest `unknownJoinThreshold`). */
  joinThreshold: number;
  /** Faces kept per cluster, best quality first. */
  maxFacesPerCluster: number;
  /** Faces below this quality (0..1) are too poor to cluster: they would glue strangers together. */
  minQuality: number;
}

export const DEFAULT_MAX_FACES_PER_CLUSTER = 5;
export const DEFAULT_MIN_CLUSTER_QUALITY = 0.3;

export interface ClusterFace {
  embedding: Float32Array;
  quality: number;
  /** Caller's id for the face (a database row id, a photo index); opaque here. */
  ref: number;
}

export interface ClusterModel {
  id: number;
  faces: ClusterFace[];
  /** L2-normalised mean of the kept faces. */
  centroid: Float32Array;
  /**
   * The centroid then each kept face, back to back in one buffer (`centroid` and the faces'
   * embeddings are views into it, so nothing is held twice): search by face scores all of a
   * cluster's vectors in one pass over contiguous memory (see scoreClusters).
   */
  packed: Float32Array;
  /**
   * The lowest cosine between the centroid and a kept face (1 for a single face): how far the
   * faces spread around the centroid. Search uses it to skip the faces of a cluster that the
   * centroid already shows to be out of reach (see scoreClusters).
   */
  spreadCos: number;
}

export type Assignment =
  | { kind: 'join'; clusterId: number; similarity: number }
  | { kind: 'new'; bestSimilarity: number | null }
  | { kind: 'rejected'; reason: 'low_quality' | 'no_faces' };

/** L2-normalised mean of unit vectors. */
export function meanDirection(vectors: readonly Float32Array[]): Float32Array {
  if (vectors.length === 0) throw new RangeError('meanDirection needs at least one vector');
  const sum = new Float32Array(vectors[0]!.length);
  for (const v of vectors) {
    if (v.length !== sum.length) throw new RangeError(`embeddings differ in length (${v.length} vs ${sum.length})`);
    for (let i = 0; i < sum.length; i++) sum[i]! += v[i]!;
  }
  return l2Normalize(sum);
}

/** Similarity of a query to a cluster: max(cosine to centroid, cosine to its closest kept face). */
export function clusterSimilarity(query: Float32Array, cluster: ClusterModel): number {
  let best = dot(query, cluster.centroid);
  for (const face of cluster.faces) best = Math.max(best, dot(query, face.embedding));
  return best;
}

/** The appearance's faces usable for clustering (quality at least minQuality). */
export function usableFaces(faces: readonly ClusterFace[], policy: ClusterPolicy): ClusterFace[] {
  return faces.filter((f) => f.quality >= policy.minQuality);
}

/**
 * Where an appearance goes. Its query is the mean direction of its usable
 * faces (several frames of one track agree better than any single frame).
 */
export function assignAppearance(faces: readonly ClusterFace[], clusters: Iterable<ClusterModel>, policy: ClusterPolicy): Assignment {
  if (faces.length === 0) return { kind: 'rejected', reason: 'no_faces' };
  const usable = usableFaces(faces, policy);
  if (usable.length === 0) return { kind: 'rejected', reason: 'low_quality' };
  const query = meanDirection(usable.map((f) => f.embedding));
  let best: { clusterId: number; similarity: number } | null = null;
  for (const cluster of clusters) {
    const similarity = clusterSimilarity(query, cluster);
    if (!best || similarity > best.similarity) best = { clusterId: cluster.id, similarity };
  }
  if (best && best.similarity >= policy.joinThreshold) return { kind: 'join', ...best };
  return { kind: 'new', bestSimilarity: best?.similarity ?? null };
}

/** The best `max` faces by quality (ties: the earlier face stays), and the faces that fell out. */
export function keepBestFaces(faces: readonly ClusterFace[], max: number): { kept: ClusterFace[]; dropped: ClusterFace[] } {
  const ordered = faces.map((face, order) => ({ face, order })).sort((a, b) => b.face.quality - a.face.quality || a.order - b.order);
  return { kept: ordered.slice(0, max).map((o) => o.face), dropped: ordered.slice(max).map((o) => o.face) };
}

export function buildCluster(id: number, faces: readonly ClusterFace[], max: number): ClusterModel {
  const { kept } = keepBestFaces(faces, max);
  if (kept.length === 0) throw new RangeError(`cluster ${id} needs at least one face`);
  const centroid = meanDirection(kept.map((f) => f.embedding));
  const dim = centroid.length;
  const packed = new Float32Array(dim * (1 + kept.length));
  packed.set(centroid, 0);
  kept.forEach((f, i) => packed.set(f.embedding, dim * (1 + i)));
  let spreadCos = 1;
  for (const f of kept) spreadCos = Math.min(spreadCos, dot(centroid, f.embedding));
  return {
    id,
    faces: kept.map((f, i) => ({ ...f, embedding: packed.subarray(dim * (1 + i), dim * (2 + i)) })),
    centroid: packed.subarray(0, dim),
    packed,
    spreadCos,
  };
}

/**
 * An in-memory set of clusters with the incremental rule (used by the
 * evaluation directly, and by the unknowns service as its index over SQLite).
 */
export class IncrementalClusterer {
  private readonly clusters = new Map<number, ClusterModel>();

  constructor(readonly policy: ClusterPolicy) {}

  get size(): number {
    return this.clusters.size;
  }

  get(id: number): ClusterModel | undefined {
    return this.clusters.get(id);
  }

  all(): IterableIterator<ClusterModel> {
    return this.clusters.values();
  }

  assign(faces: readonly ClusterFace[]): Assignment {
    return assignAppearance(faces, this.clusters.values(), this.policy);
  }

  /** Sets a cluster's faces (bounded); returns the faces that did not make the cut. */
  set(id: number, faces: readonly ClusterFace[]): ClusterFace[] {
    const { dropped } = keepBestFaces(faces, this.policy.maxFacesPerCluster);
    this.clusters.set(id, buildCluster(id, faces, this.policy.maxFacesPerCluster));
    return dropped;
  }

  /** Adds an appearance's usable faces to a cluster (created when new); returns the faces dropped by the bound. */
  addFaces(id: number, faces: readonly ClusterFace[]): ClusterFace[] {
    const usable = usableFaces(faces, this.policy);
    return this.set(id, [...(this.clusters.get(id)?.faces ?? []), ...usable]);
  }

  remove(id: number): void {
    this.clusters.delete(id);
  }
}

export interface PairwiseScores {
  /** Of the pairs put in one cluster, the share that are the same identity. */
  precision: number;
  /** Of the pairs of one identity, the share put in one cluster. */
  recall: number;
  samePairs: number;
  clusteredPairs: number;
  truePairs: number;
  clusters: number;
  identities: number;
}

const pairs = (n: number) => (n * (n - 1)) / 2;

/**
 * Pairwise precision and recall of a clustering against the truth, from the
 * contingency counts (no pair enumeration). Items are parallel arrays.
 * Without any clustered pair precision is 1; without any same-identity pair recall is 1.
 */
export function pairwiseScores(clusterOf: readonly number[], identityOf: readonly (string | number)[]): PairwiseScores {
  if (clusterOf.length !== identityOf.length) throw new RangeError('clusterOf and identityOf differ in length');
  const byCluster = new Map<number, number>(), byIdentity = new Map<string | number, number>(), byBoth = new Map<string, number>();
  clusterOf.forEach((c, i) => {
    const identity = identityOf[i]!;
    byCluster.set(c, (byCluster.get(c) ?? 0) + 1);
    byIdentity.set(identity, (byIdentity.get(identity) ?? 0) + 1);
    const key = `${c}\u0000${String(identity)}`;
    byBoth.set(key, (byBoth.get(key) ?? 0) + 1);
  });
  let truePairs = 0, clusteredPairs = 0, samePairs = 0;
  for (const n of byBoth.values()) truePairs += pairs(n);
  for (const n of byCluster.values()) clusteredPairs += pairs(n);
  for (const n of byIdentity.values()) samePairs += pairs(n);
  return {
    precision: clusteredPairs === 0 ? 1 : truePairs / clusteredPairs,
    recall: samePairs === 0 ? 1 : truePairs / samePairs,
    samePairs,
    clusteredPairs,
    truePairs,
    clusters: byCluster.size,
    identities: byIdentity.size,
  };
}
