/**
 * Open-set identification on a labelled face collection (pure).
 *
 * Gallery: `members` people, each enrolled from their first `photosPerMember`
 * photos; member probes: their other photos (at most `maxProbesPerMember`
 * each, so a few heavily photographed people cannot dominate). Strangers:
 * people with too few photos to be members (1..photosPerMember), one photo
 * each, never in the gallery. Each probe is scored against every member and
 * decided with the app's own rule (decideMatch: threshold + margin over the
 * runner-up person).
 */
import { decideMatch } from '../matching/match-decision.js';

export interface PersonImages {
  name: string;
  /** Image numbers available for this person (any order; sorted here). */
  indices: number[];
}

export interface OpenSetSplitOptions {
  members: number;
  photosPerMember: number;
  maxProbesPerMember: number;
  /** Cap on stranger probes (evenly spaced over the sorted strangers); default all. */
  maxStrangers?: number;
}

export interface OpenSetMember {
  name: string;
  enroll: number[];
  probes: number[];
}

export interface OpenSetStranger {
  name: string;
  index: number;
}

export interface OpenSetSplit {
  members: OpenSetMember[];
  strangers: OpenSetStranger[];
  /** People with enough photos to be members (photosPerMember + 1 or more). */
  eligibleMembers: number;
  /** People with 1..photosPerMember photos. */
  eligibleStrangers: number;
}

/** `count` items spread evenly over `items` (indices floor(i * n / count)); all of them if count >= n. */
export function evenlySpaced<T>(items: readonly T[], count: number): T[] {
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`count must be a whole number >= 0, got ${count}`);
  if (count >= items.length) return [...items];
  return Array.from({ length: count }, (_, i) => items[Math.floor((i * items.length) / count)]!);
}

const byName = (a: PersonImages, b: PersonImages) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** Deterministic gallery / probe split: people sorted by name (code points), photos by number. */
export function splitOpenSet(people: readonly PersonImages[], options: OpenSetSplitOptions): OpenSetSplit {
  const { members: wanted, photosPerMember, maxProbesPerMember, maxStrangers } = options;
  if (!Number.isInteger(photosPerMember) || photosPerMember < 1) throw new RangeError(`photos per member must be >= 1, got ${photosPerMember}`);
  if (!Number.isInteger(maxProbesPerMember) || maxProbesPerMember < 1) throw new RangeError(`probes per member must be >= 1, got ${maxProbesPerMember}`);
  if (!Number.isInteger(wanted) || wanted < 2) throw new RangeError(`the gallery needs at least 2 members, got ${wanted}`);
  const sorted = people
    .map((p) => ({ name: p.name, indices: [...new Set(p.indices)].sort((a, b) => a - b) }))
    .filter((p) => p.indices.length > 0)
    .sort(byName);
  const eligible = sorted.filter((p) => p.indices.length > photosPerMember);
  const strangerPool = sorted.filter((p) => p.indices.length <= photosPerMember);
  if (eligible.length < wanted) {
    throw new RangeError(`only ${eligible.length} people have at least ${photosPerMember + 1} photos; cannot pick ${wanted} members`);
  }
  const members = evenlySpaced(eligible, wanted).map((p) => ({
    name: p.name,
    enroll: p.indices.slice(0, photosPerMember),
    probes: p.indices.slice(photosPerMember, photosPerMember + maxProbesPerMember),
  }));
  const strangers = evenlySpaced(strangerPool, maxStrangers ?? strangerPool.length).map((p) => ({ name: p.name, index: p.indices[0]! }));
  return { members, strangers, eligibleMembers: eligible.length, eligibleStrangers: strangerPool.length };
}

function dotProduct(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

/** Mean of L2-normalised embeddings, re-normalised (what FaceGallery keeps per person). */
export function centroid(embeddings: readonly Float32Array[]): Float32Array {
  const first = embeddings[0];
  if (!first) throw new RangeError('centroid of no embeddings');
  const sum = new Float32Array(first.length);
  for (const e of embeddings) {
    if (e.length !== first.length) throw new RangeError('centroid: embeddings differ in length');
    for (let i = 0; i < e.length; i++) sum[i]! += e[i]!;
  }
  const norm = Math.sqrt(dotProduct(sum, sum)) || 1;
  return sum.map((v) => v / norm);
}

export type GalleryScoring = 'centroid' | 'best-template';

export interface ProbeOutcome {
  /** Index of the true member, or null for a stranger. */
  truth: number | null;
  bestMember: number;
  best: number;
  runnerUpMember: number | null;
  runnerUp: number | null;
}

/**
 * Scores each probe against every member: cosine to the member's centroid,
 * or the best cosine over the member's templates; keeps the two best members.
 */
export function scoreProbes(
  probes: ReadonlyArray<{ embedding: Float32Array; truth: number | null }>,
  memberTemplates: ReadonlyArray<readonly Float32Array[]>,
  scoring: GalleryScoring,
): ProbeOutcome[] {
  if (memberTemplates.length === 0) throw new RangeError('empty gallery');
  const references = scoring === 'centroid' ? memberTemplates.map((t) => [centroid(t)]) : memberTemplates.map((t) => [...t]);
  return probes.map(({ embedding, truth }) => {
    let bestMember = -1, best = -Infinity, runnerUpMember = -1, runnerUp = -Infinity;
    references.forEach((templates, member) => {
      let score = -Infinity;
      for (const t of templates) score = Math.max(score, dotProduct(embedding, t));
      if (score > best) {
        runnerUp = best; runnerUpMember = bestMember;
        best = score; bestMember = member;
      } else if (score > runnerUp) {
        runnerUp = score; runnerUpMember = member;
      }
    });
    return {
      truth,
      bestMember,
      best,
      runnerUpMember: runnerUpMember >= 0 ? runnerUpMember : null,
      runnerUp: runnerUpMember >= 0 ? runnerUp : null,
    };
  });
}

export interface OpenSetRates {
  threshold: number;
  margin: number;
  memberProbes: number;
  strangerProbes: number;
  /** Member probes named as the right person / member probes. */
  tpir: number;
  /** Member probes named as a different member / member probes. */
  wrongMember: number;
  /** Stranger probes named as anyone / stranger probes. */
  fpir: number;
}

/** The app's decision (decideMatch) for one probe's two best members. */
function decisionOf(o: ProbeOutcome, threshold: number, margin: number): number | null {
  const candidates = [{ personId: o.bestMember, score: o.best }];
  if (o.runnerUpMember !== null && o.runnerUp !== null) candidates.push({ personId: o.runnerUpMember, score: o.runnerUp });
  const decision = decideMatch(candidates, { threshold, margin });
  return decision.kind === 'match' ? decision.personId : null;
}

export function openSetRates(outcomes: readonly ProbeOutcome[], threshold: number, margin: number): OpenSetRates {
  let memberProbes = 0, strangerProbes = 0, named = 0, wrong = 0, accepted = 0;
  for (const o of outcomes) {
    const decided = decisionOf(o, threshold, margin);
    if (o.truth === null) {
      strangerProbes++;
      if (decided !== null) accepted++;
    } else {
      memberProbes++;
      if (decided === o.truth) named++;
      else if (decided !== null) wrong++;
    }
  }
  return {
    threshold,
    margin,
    memberProbes,
    strangerProbes,
    tpir: memberProbes ? named / memberProbes : 0,
    wrongMember: memberProbes ? wrong / memberProbes : 0,
    fpir: strangerProbes ? accepted / strangerProbes : 0,
  };
}

/** Thresholds from..to inclusive in `step`s, rounded to 1e-6 so 0.1 + 0.2 stays 0.3. */
export function thresholdGrid(from: number, to: number, step: number): number[] {
  if (!(step > 0) || to < from) throw new RangeError(`bad threshold grid ${from}..${to} step ${step}`);
  const count = Math.floor((to - from) / step + 1e-9);
  return Array.from({ length: count + 1 }, (_, i) => Math.round((from + i * step) * 1e6) / 1e6);
}

export function sweepThresholds(outcomes: readonly ProbeOutcome[], thresholds: readonly number[], margin: number): OpenSetRates[] {
  return thresholds.map((t) => openSetRates(outcomes, t, margin));
}

/**
 * The operating point with FPIR <= maxFpir and the highest TPIR; between equal
 * TPIRs the higher threshold (fewer strangers accepted). Null if none qualifies.
 */
export function chooseOperatingPoint(rows: readonly OpenSetRates[], maxFpir: number): OpenSetRates | null {
  let chosen: OpenSetRates | null = null;
  for (const row of rows) {
    if (row.fpir > maxFpir) continue;
    if (!chosen || row.tpir > chosen.tpir || (row.tpir === chosen.tpir && row.threshold > chosen.threshold)) chosen = row;
  }
  return chosen;
}

/** Splits outcomes into two halves (alternating members' probes and strangers) for a held-out check. */
export function alternateHalves<T>(items: readonly T[]): [T[], T[]] {
  const even: T[] = [], odd: T[] = [];
  items.forEach((item, i) => (i % 2 === 0 ? even : odd).push(item));
  return [even, odd];
}
