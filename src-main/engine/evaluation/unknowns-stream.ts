/**
 * The unknown-person clustering evaluation (pure): LFW people who are not
 * enrolled arrive as a shuffled stream of sightings, one photo each; the app's
 * incremental rule clusters them; pairwise precision and recall say how often
 * two strangers share a cluster and how often one stranger's visits are kept
 * together. The join threshold is swept on one half of the people and checked
 * on the other (held-out) half.
 */
import { seededRandom } from '../util/seeded-random.js';
import { type ClusterPolicy, IncrementalClusterer, type PairwiseScores, pairwiseScores } from '../unknowns/clustering.js';
import { evenlySpaced, type PersonImages } from './open-set.js';

export interface UnknownsSplitOptions {
  /** Identities per set (calibration and held-out each). */
  identities: number;
  /** Photos per identity at most (the first ones by number). */
  maxPhotosPerIdentity: number;
}

export interface UnknownsSplit {
  calibration: PersonImages[];
  heldOut: PersonImages[];
  /** People with at least two photos (a recurring visitor needs a second visit). */
  eligible: number;
}

const byName = (a: PersonImages, b: PersonImages) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** People with >= 2 photos, sorted by name; alternate ones go to the two sets, each then evenly thinned to `identities`. */
export function splitUnknownsEval(people: readonly PersonImages[], options: UnknownsSplitOptions): UnknownsSplit {
  if (!Number.isInteger(options.identities) || options.identities < 2) throw new RangeError(`need at least 2 identities, got ${options.identities}`);
  if (!Number.isInteger(options.maxPhotosPerIdentity) || options.maxPhotosPerIdentity < 2) {
    throw new RangeError(`photos per identity must be >= 2, got ${options.maxPhotosPerIdentity}`);
  }
  const eligible = people
    .map((p) => ({ name: p.name, indices: [...new Set(p.indices)].sort((a, b) => a - b).slice(0, options.maxPhotosPerIdentity) }))
    .filter((p) => p.indices.length >= 2)
    .sort(byName);
  const even = eligible.filter((_, i) => i % 2 === 0), odd = eligible.filter((_, i) => i % 2 === 1);
  if (odd.length < options.identities) {
    throw new RangeError(`only ${eligible.length} people have 2 or more photos; cannot pick 2 x ${options.identities} identities`);
  }
  return { calibration: evenlySpaced(even, options.identities), heldOut: evenlySpaced(odd, options.identities), eligible: eligible.length };
}

/** Fisher-Yates with a seeded generator: the same order on every run. */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  const random = seededRandom(seed);
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

export interface StreamSighting {
  identity: string;
  embedding: Float32Array;
  quality: number;
}

export interface StreamResult extends PairwiseScores {
  threshold: number;
  /** Sightings refused for low quality (not clustered, not scored). */
  rejected: number;
}

/** Clusters the stream in order with the app's rule and scores the result. */
export function clusterStream(stream: readonly StreamSighting[], policy: ClusterPolicy): StreamResult {
  const clusterer = new IncrementalClusterer(policy);
  const clusterOf: number[] = [], identityOf: string[] = [];
  let nextId = 1, rejected = 0;
  stream.forEach((sighting, ref) => {
    const faces = [{ embedding: sighting.embedding, quality: sighting.quality, ref }];
    const assignment = clusterer.assign(faces);
    if (assignment.kind === 'rejected') {
      rejected++;
      return;
    }
    const id = assignment.kind === 'join' ? assignment.clusterId : nextId++;
    clusterer.addFaces(id, faces);
    clusterOf.push(id);
    identityOf.push(sighting.identity);
  });
  return { ...pairwiseScores(clusterOf, identityOf), threshold: policy.joinThreshold, rejected };
}

export function sweepJoinThreshold(stream: readonly StreamSighting[], policy: ClusterPolicy, thresholds: readonly number[]): StreamResult[] {
  return thresholds.map((joinThreshold) => clusterStream(stream, { ...policy, joinThreshold }));
}

/** Highest recall among thresholds whose precision reaches `minPrecision` (ties: the higher, stricter threshold); null if none. */
export function chooseJoinThreshold(rows: readonly StreamResult[], minPrecision: number): StreamResult | null {
  let best: StreamResult | null = null;
  for (const row of rows) {
    if (row.precision < minPrecision) continue;
    if (!best || row.recall > best.recall || (row.recall === best.recall && row.threshold > best.threshold)) best = row;
  }
  return best;
}
