/**
 * The two evaluations end to end, given embeddings (pure): LFW View 2
 * verification and the open-set identification check. The CLI supplies the
 * embeddings (src-main/cli/eval.ts, via embedding-runner.ts).
 */
import { type LfwPair, lfwImagePath } from './lfw-pairs.js';
import {
  alternateHalves,
  chooseOperatingPoint,
  type OpenSetRates,
  type OpenSetSplit,
  openSetRates,
  type ProbeOutcome,
  scoreProbes,
  sweepThresholds,
} from './open-set.js';
import { type FoldResult, kFoldVerification, type ScoredPair, type TarAtFar, tarAtFar } from './verification.js';

function cosine(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new RangeError(`embeddings differ in length (${a.length} vs ${b.length})`);
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

/** Cosine similarity of each pair; `embeddingOf` receives the image path relative to images/ (L2-normalised vectors). */
export function scorePairs(pairs: readonly LfwPair[], embeddingOf: (relativePath: string) => Float32Array): ScoredPair[] {
  return pairs.map((p) => ({ fold: p.fold, same: p.same, score: cosine(embeddingOf(lfwImagePath(p.a)), embeddingOf(lfwImagePath(p.b))) }));
}

export interface LfwReport {
  accuracy: number;
  std: number;
  /** Mean over folds of the threshold chosen on the other folds. */
  meanThreshold: number;
  folds: FoldResult[];
  tarAtFar1e3: TarAtFar;
  pairs: number;
}

export function evaluateLfw(scored: readonly ScoredPair[]): LfwReport {
  const kfold = kFoldVerification(scored);
  const genuine = scored.filter((p) => p.same).map((p) => p.score);
  const impostor = scored.filter((p) => !p.same).map((p) => p.score);
  return {
    accuracy: kfold.meanAccuracy,
    std: kfold.stdAccuracy,
    meanThreshold: kfold.meanThreshold,
    folds: kfold.folds,
    tarAtFar1e3: tarAtFar(genuine, impostor, 1e-3),
    pairs: scored.length,
  };
}

export interface OpenSetOptions {
  margin: number;
  maxFpir: number;
  thresholds: number[];
  /** The app's current threshold for this embedder (manifest matchThreshold). */
  appThreshold: number;
}

export interface ScoringReport {
  sweep: OpenSetRates[];
  /** Best TPIR with FPIR <= maxFpir (null: no threshold on the grid qualifies). */
  chosen: OpenSetRates | null;
  atAppThreshold: OpenSetRates;
}

export interface OpenSetReport {
  members: number;
  memberProbes: number;
  strangerProbes: number;
  centroid: ScoringReport;
  bestTemplate: ScoringReport;
  /** Centroid scoring at the chosen threshold without the margin rule. */
  centroidNoMargin: OpenSetRates | null;
  /** Threshold chosen on half of the probes (alternating), measured on the other half. */
  heldOut: { chosenOn: OpenSetRates | null; measured: OpenSetRates | null };
}

function scoringReport(outcomes: readonly ProbeOutcome[], options: OpenSetOptions): ScoringReport {
  const sweep = sweepThresholds(outcomes, options.thresholds, options.margin);
  return {
    sweep,
    chosen: chooseOperatingPoint(sweep, options.maxFpir),
    atAppThreshold: openSetRates(outcomes, options.appThreshold, options.margin),
  };
}

/** `embeddingOf(name, index)` returns the L2-normalised embedding of that LFW photo. */
export function evaluateOpenSet(
  split: OpenSetSplit,
  embeddingOf: (name: string, index: number) => Float32Array,
  options: OpenSetOptions,
): OpenSetReport {
  const templates = split.members.map((m) => m.enroll.map((i) => embeddingOf(m.name, i)));
  const probes = [
    ...split.members.flatMap((m, member) => m.probes.map((i) => ({ embedding: embeddingOf(m.name, i), truth: member as number | null }))),
    ...split.strangers.map((s) => ({ embedding: embeddingOf(s.name, s.index), truth: null })),
  ];
  const byCentroid = scoreProbes(probes, templates, 'centroid');
  const byTemplate = scoreProbes(probes, templates, 'best-template');
  const centroid = scoringReport(byCentroid, options);
  const [calibrate, check] = alternateHalves(byCentroid);
  const calibration = chooseOperatingPoint(sweepThresholds(calibrate, options.thresholds, options.margin), options.maxFpir);
  return {
    members: split.members.length,
    memberProbes: probes.filter((p) => p.truth !== null).length,
    strangerProbes: split.strangers.length,
    centroid,
    bestTemplate: scoringReport(byTemplate, options),
    centroidNoMargin: centroid.chosen ? openSetRates(byCentroid, centroid.chosen.threshold, 0) : null,
    heldOut: { chosenOn: calibration, measured: calibration ? openSetRates(check, calibration.threshold, options.margin) : null },
  };
}
