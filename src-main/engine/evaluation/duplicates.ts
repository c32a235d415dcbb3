/**
 * Calibration of the enrollment duplicate check (pure).
 *
 * The check runs when someone is enrolled: each new photo's embedding is scored
 * against every enrolled person's centroid and the highest score decides. It
 * must refuse the same person enrolled twice and never refuse two different
 * people who merely resemble each other (Venus and Serena Williams score above
 * the match threshold). So two distributions matter:
 *   genuine   the same person enrolled twice from disjoint photos: the score of
 *             the second enrollment against the first one's centroid;
 *   impostor  a person enrolled into a gallery of everybody else: the HIGHEST
 *             score against anyone else's centroid (what the check sees).
 * The duplicate threshold is the lowest grid point with (essentially) no
 * impostor at or above it on the calibration half, then measured on the
 * held-out half (alternate people, sorted by name).
 */
import type { PersonImages } from './open-set.js';
import { centroid } from './open-set.js';

export interface DuplicateCase {
  name: string;
  /** Photos of the person already enrolled (their centroid is in the gallery). */
  enrolled: number[];
  /** A second, disjoint set of photos: the attempt to enroll them again (empty: gallery only). */
  again: number[];
}

export interface DuplicateSplit {
  calibration: DuplicateCase[];
  heldOut: DuplicateCase[];
}

const byName = (a: PersonImages, b: PersonImages) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/**
 * People sorted by name, alternately to calibration and held-out. A person with
 * n photos is enrolled from the first min(photosPerSet, ceil(n/2)) and tries to
 * enrol again with the next ones (up to photosPerSet); one photo: gallery only.
 */
export function splitDuplicateEval(people: readonly PersonImages[], photosPerSet: number): DuplicateSplit {
  if (!Number.isInteger(photosPerSet) || photosPerSet < 1) throw new RangeError(`photos per set must be >= 1, got ${photosPerSet}`);
  const sorted = people
    .map((p) => ({ name: p.name, indices: [...new Set(p.indices)].sort((a, b) => a - b) }))
    .filter((p) => p.indices.length > 0)
    .sort(byName);
  const split: DuplicateSplit = { calibration: [], heldOut: [] };
  sorted.forEach((p, i) => {
    const first = Math.min(photosPerSet, Math.ceil(p.indices.length / 2));
    const enrolled = p.indices.slice(0, first);
    const again = p.indices.slice(first, first + photosPerSet);
    (i % 2 === 0 ? split.calibration : split.heldOut).push({ name: p.name, enrolled, again });
  });
  return split;
}

function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

export interface DuplicateScores {
  /** Per person enrolled twice: highest score of the second set against their own first centroid. */
  genuine: Array<{ name: string; score: number }>;
  /** Per person enrolled twice: highest score of the second set against anyone else's centroid, and who. */
  impostor: Array<{ name: string; closest: string; score: number }>;
  galleryPeople: number;
}

/** Scores every second enrollment against the gallery of first enrollments (the app's rule: max over photos, centroid per person). */
export function scoreDuplicates(cases: readonly DuplicateCase[], embedding: (name: string, index: number) => Float32Array): DuplicateScores {
  const gallery = cases.map((c) => ({ name: c.name, centroid: centroid(c.enrolled.map((i) => embedding(c.name, i))) }));
  const genuine: DuplicateScores['genuine'] = [];
  const impostor: DuplicateScores['impostor'] = [];
  cases.forEach((c, self) => {
    if (c.again.length === 0) return;
    const probes = c.again.map((i) => embedding(c.name, i));
    let own = -Infinity, other = -Infinity, closest = '';
    gallery.forEach((g, j) => {
      let score = -Infinity;
      for (const p of probes) score = Math.max(score, dot(p, g.centroid));
      if (j === self) own = score;
      else if (score > other) {
        other = score;
        closest = g.name;
      }
    });
    genuine.push({ name: c.name, score: own });
    if (closest) impostor.push({ name: c.name, closest, score: other });
  });
  return { genuine, impostor, galleryPeople: gallery.length };
}

/** The q-quantile (0..1) of values by linear interpolation between order statistics. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const position = Math.min(Math.max(q, 0), 1) * (sorted.length - 1);
  const low = Math.floor(position);
  const high = Math.ceil(position);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (position - low);
}

export interface DuplicateRates {
  threshold: number;
  /** Different people refused (highest impostor >= threshold) / attempts. */
  impostorsRefused: number;
  impostorRate: number;
  /** Same person caught (genuine >= threshold) / attempts. */
  genuineCaught: number;
  genuineRate: number;
}

export function duplicateRates(scores: DuplicateScores, threshold: number): DuplicateRates {
  const impostorsRefused = scores.impostor.filter((s) => s.score >= threshold).length;
  const genuineCaught = scores.genuine.filter((s) => s.score >= threshold).length;
  return {
    threshold,
    impostorsRefused,
    impostorRate: scores.impostor.length ? impostorsRefused / scores.impostor.length : 0,
    genuineCaught,
    genuineRate: scores.genuine.length ? genuineCaught / scores.genuine.length : 0,
  };
}

/**
 * The lowest threshold on the grid that refuses at most `maxImpostors` different
 * people on the calibration set (0: none), plus `safety` (a grid step or two of
 * headroom for galleries larger than the calibration one). Null if none does.
 */
export function chooseDuplicateThreshold(scores: DuplicateScores, grid: readonly number[], maxImpostors = 0, safety = 0): number | null {
  for (const t of [...grid].sort((a, b) => a - b)) {
    if (duplicateRates(scores, t).impostorsRefused <= maxImpostors) return Math.round((t + safety) * 1e6) / 1e6;
  }
  return null;
}
