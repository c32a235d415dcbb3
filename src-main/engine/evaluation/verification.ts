/**
 * Face verification metrics on scored pairs (pure).
 *
 * Convention everywhere: a pair is judged "same person" when its cosine
 * similarity is >= the threshold (as the app's decideMatch does), except for
 * TAR@FAR, where the threshold is an impostor score and acceptance is strictly
 * above it (see tarAtFar).
 */

export interface ScoredPair {
  score: number;
  same: boolean;
  /** 0-based fold (LFW View 2 has 10). */
  fold: number;
}

/** Fraction of pairs judged correctly at `threshold` (same <=> score >= threshold). */
export function accuracyAt(pairs: readonly ScoredPair[], threshold: number): number {
  if (pairs.length === 0) throw new RangeError('accuracy of an empty set of pairs');
  let correct = 0;
  for (const p of pairs) if ((p.score >= threshold) === p.same) correct++;
  return correct / pairs.length;
}

/**
 * The threshold that maximises accuracy on `pairs`. Candidates: the lowest
 * score (everything accepted), the midpoint between each two consecutive
 * distinct scores, and the highest score + 1e-6 (everything rejected). When
 * several candidates reach the best accuracy, the lowest one wins (as an
 * argmax over an ascending threshold grid does).
 */
export function bestThreshold(pairs: readonly ScoredPair[]): { threshold: number; accuracy: number } {
  if (pairs.length === 0) throw new RangeError('cannot choose a threshold on an empty set of pairs');
  const sorted = [...pairs].sort((a, b) => a.score - b.score);
  const n = sorted.length;
  const genuine = sorted.reduce((count, p) => count + (p.same ? 1 : 0), 0);
  // Candidate i accepts sorted[i..n-1]: correct = genuine at or above + impostors below.
  let genuineBelow = 0, impostorBelow = 0;
  let best = { threshold: sorted[0]!.score, accuracy: genuine / n };
  for (let i = 1; i <= n; i++) {
    const previous = sorted[i - 1]!;
    if (previous.same) genuineBelow++;
    else impostorBelow++;
    if (i < n && sorted[i]!.score === previous.score) continue; // not a boundary between distinct scores
    const accuracy = (genuine - genuineBelow + impostorBelow) / n;
    if (accuracy > best.accuracy) {
      let threshold: number;
      if (i === n) threshold = previous.score + 1e-6;
      else {
        const next = sorted[i]!.score;
        threshold = (previous.score + next) / 2;
        if (threshold <= previous.score) threshold = next; // adjacent doubles: the midpoint rounds down
      }
      best = { threshold, accuracy };
    }
  }
  return best;
}

export interface FoldResult {
  fold: number;
  /** Threshold chosen on the other folds. */
  threshold: number;
  trainAccuracy: number;
  /** Accuracy of that threshold on this (held-out) fold. */
  accuracy: number;
}

export interface KFoldResult {
  folds: FoldResult[];
  meanAccuracy: number;
  /** Population standard deviation (divide by the number of folds), as the usual LFW scripts report. */
  stdAccuracy: number;
  meanThreshold: number;
}

/** Mean and population standard deviation. */
export function meanStd(values: readonly number[]): { mean: number; std: number } {
  if (values.length === 0) throw new RangeError('mean of no values');
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length;
  return { mean, std: Math.sqrt(variance) };
}

/**
 * Standard LFW View 2 protocol: for each fold, choose the threshold that
 * maximises accuracy on all the other folds and measure it on that fold.
 */
export function kFoldVerification(pairs: readonly ScoredPair[]): KFoldResult {
  const foldIds = [...new Set(pairs.map((p) => p.fold))].sort((a, b) => a - b);
  if (foldIds.length < 2) throw new RangeError(`cross-validation needs at least 2 folds, got ${foldIds.length}`);
  const folds = foldIds.map((fold) => {
    const train = pairs.filter((p) => p.fold !== fold);
    const test = pairs.filter((p) => p.fold === fold);
    const chosen = bestThreshold(train);
    return { fold, threshold: chosen.threshold, trainAccuracy: chosen.accuracy, accuracy: accuracyAt(test, chosen.threshold) };
  });
  const accuracy = meanStd(folds.map((f) => f.accuracy));
  return { folds, meanAccuracy: accuracy.mean, stdAccuracy: accuracy.std, meanThreshold: meanStd(folds.map((f) => f.threshold)).mean };
}

export interface TarAtFar {
  /** Impostor score that acceptance must strictly exceed. */
  threshold: number;
  /** Genuine pairs strictly above the threshold / genuine pairs. */
  tar: number;
  /** Impostor pairs strictly above the threshold / impostor pairs (<= the target). */
  far: number;
  impostorsAccepted: number;
}

/**
 * True accept rate at a false accept rate, from the pooled scores (all folds):
 * with N impostor scores sorted from highest, k = floor(FAR * N); the
 * threshold is the (k+1)-th highest impostor score and a pair is accepted when
 * its score is strictly above it, so at most k impostors are accepted
 * (LFW: FAR 1e-3 of 3,000 impostor pairs = 3). Ties at the threshold only
 * lower the achieved FAR.
 */
export function tarAtFar(genuine: readonly number[], impostor: readonly number[], targetFar: number): TarAtFar {
  if (genuine.length === 0 || impostor.length === 0) throw new RangeError('TAR@FAR needs both genuine and impostor scores');
  if (!(targetFar >= 0 && targetFar <= 1)) throw new RangeError(`FAR must be between 0 and 1, got ${targetFar}`);
  const descending = [...impostor].sort((a, b) => b - a);
  const k = Math.floor(targetFar * descending.length + 1e-9);
  const threshold = k < descending.length ? descending[k]! : descending[descending.length - 1]! - 1e-6;
  const impostorsAccepted = descending.filter((s) => s > threshold).length;
  const tar = genuine.filter((s) => s > threshold).length / genuine.length;
  return { threshold, tar, far: impostorsAccepted / descending.length, impostorsAccepted };
}
