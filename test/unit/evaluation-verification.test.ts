import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseLfwPairs } from '../../src-main/engine/evaluation/lfw-pairs.js';
import { evaluateLfw, scorePairs } from '../../src-main/engine/evaluation/protocols.js';
import {
  accuracyAt,
  bestThreshold,
  kFoldVerification,
  meanStd,
  type ScoredPair,
  tarAtFar,
} from '../../src-main/engine/evaluation/verification.js';

const close = (actual: number, expected: number, tolerance = 1e-9) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${actual} != ${expected} (±${tolerance})`);
const pair = (score: number, same: boolean, fold = 0): ScoredPair => ({ score, same, fold });

describe('accuracyAt (same person <=> score >= threshold)', () => {
  const pairs = [pair(0.9, true), pair(0.6, true), pair(0.5, false), pair(0.2, false)];
  const table = [
    { threshold: 0.55, accuracy: 1 },
    { threshold: 0.6, accuracy: 1 }, // a score equal to the threshold is accepted
    { threshold: 0.61, accuracy: 0.75 },
    { threshold: 0.5, accuracy: 0.75 },
    { threshold: 0.1, accuracy: 0.5 },
    { threshold: 0.95, accuracy: 0.5 },
  ];
  for (const row of table) test(`threshold ${row.threshold}`, () => close(accuracyAt(pairs, row.threshold), row.accuracy));
  test('empty set is refused', () => assert.throws(() => accuracyAt([], 0.5), RangeError));
});

describe('bestThreshold', () => {
  const table = [
    {
      name: 'separable: midpoint of the gap',
      pairs: [pair(0.9, true), pair(0.6, true), pair(0.5, false), pair(0.2, false)],
      threshold: 0.55,
      accuracy: 1,
    },
    {
      // sorted 0.1F 0.4T 0.5F 0.8T: accuracies .5 .75 .5 .75 .5 -> the first (lowest) best wins
      name: 'overlap: two equally good cuts, the lower one is chosen',
      pairs: [pair(0.8, true), pair(0.4, true), pair(0.5, false), pair(0.1, false)],
      threshold: 0.25,
      accuracy: 0.75,
    },
    { name: 'only genuine pairs: accept everything', pairs: [pair(0.3, true), pair(0.7, true)], threshold: 0.3, accuracy: 1 },
    { name: 'only impostor pairs: reject everything', pairs: [pair(0.3, false), pair(0.7, false)], threshold: 0.700001, accuracy: 1 },
    {
      // equal scores cannot be split: 0.5T/0.5F go together
      name: 'tied scores of both kinds',
      pairs: [pair(0.5, true), pair(0.5, false), pair(0.9, true)],
      threshold: 0.5,
      accuracy: 2 / 3,
    },
  ];
  for (const row of table) {
    test(row.name, () => {
      const best = bestThreshold(row.pairs);
      close(best.threshold, row.threshold);
      close(best.accuracy, row.accuracy);
      close(accuracyAt(row.pairs, best.threshold), row.accuracy); // the reported accuracy is what the threshold gives
    });
  }
});

describe('kFoldVerification', () => {
  test('threshold chosen on the other folds, measured on the held-out fold', () => {
    // fold 0: T 0.9, F 0.3; fold 1: T 0.5, F 0.45.
    // Testing fold 0: threshold from fold 1 = 0.475 -> both fold-0 pairs right (1.0).
    // Testing fold 1: threshold from fold 0 = 0.6 -> T 0.5 rejected, F 0.45 rejected (0.5).
    const result = kFoldVerification([pair(0.9, true, 0), pair(0.3, false, 0), pair(0.5, true, 1), pair(0.45, false, 1)]);
    assert.equal(result.folds.length, 2);
    close(result.folds[0]!.threshold, 0.475);
    close(result.folds[0]!.accuracy, 1);
    close(result.folds[1]!.threshold, 0.6);
    close(result.folds[1]!.accuracy, 0.5);
    close(result.meanAccuracy, 0.75);
    close(result.stdAccuracy, 0.25); // population standard deviation
    close(result.meanThreshold, 0.5375);
  });
  test('a single fold cannot be cross-validated', () => {
    assert.throws(() => kFoldVerification([pair(0.9, true, 0), pair(0.1, false, 0)]), /at least 2 folds/);
  });
});

describe('meanStd', () => {
  const table = [
    { values: [1, 2, 3, 4], mean: 2.5, std: Math.sqrt(1.25) },
    { values: [0.99, 0.99], mean: 0.99, std: 0 },
    { values: [5], mean: 5, std: 0 },
  ];
  for (const row of table) {
    test(`[${row.values.join(', ')}]`, () => {
      const r = meanStd(row.values);
      close(r.mean, row.mean);
      close(r.std, row.std);
    });
  }
});

describe('tarAtFar', () => {
  const tenImpostors = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0];
  const genuine = [0.95, 0.85, 0.75, 0.5];
  const thousands = Array.from({ length: 3000 }, (_, i) => i / 3000);
  const table = [
    // k = floor(FAR * N); threshold = (k+1)-th highest impostor; accepted when strictly above
    { name: 'FAR 0.1 of 10: 1 impostor above 0.9', genuine, impostor: tenImpostors, far: 0.1, threshold: 0.9, tar: 0.25, achieved: 0.1, accepted: 1 },
    { name: 'FAR 0.2 of 10: threshold 0.8', genuine, impostor: tenImpostors, far: 0.2, threshold: 0.8, tar: 0.5, achieved: 0.2, accepted: 2 },
    { name: 'FAR below 1/N: above the highest impostor', genuine, impostor: tenImpostors, far: 0.05, threshold: 1.0, tar: 0, achieved: 0, accepted: 0 },
    {
      name: 'LFW size: 1e-3 of 3000 impostors = 3 accepted; a genuine score equal to the threshold is rejected',
      genuine: [0.999, 0.9987, 2996 / 3000, 0.5],
      impostor: thousands,
      far: 1e-3,
      threshold: 2996 / 3000,
      tar: 0.5,
      achieved: 1e-3,
      accepted: 3,
    },
    { name: 'ties at the threshold lower the achieved FAR', genuine: [0.95, 0.9], impostor: [0.9, 0.9, 0.5, 0.1], far: 0.25, threshold: 0.9, tar: 0.5, achieved: 0, accepted: 0 },
    { name: 'FAR 1 accepts every impostor', genuine: [0.2, 0.05], impostor: [0.1, 0.3], far: 1, threshold: 0.1 - 1e-6, tar: 0.5, achieved: 1, accepted: 2 },
  ];
  for (const row of table) {
    test(row.name, () => {
      const r = tarAtFar(row.genuine, row.impostor, row.far);
      close(r.threshold, row.threshold);
      close(r.tar, row.tar);
      close(r.far, row.achieved);
      assert.equal(r.impostorsAccepted, row.accepted);
    });
  }
  test('needs both kinds of scores and a FAR in [0, 1]', () => {
    assert.throws(() => tarAtFar([], [0.1], 0.1), RangeError);
    assert.throws(() => tarAtFar([0.1], [], 0.1), RangeError);
    assert.throws(() => tarAtFar([0.1], [0.1], 1.5), RangeError);
  });
});

describe('scorePairs + evaluateLfw', () => {
  test('cosine of the pair embeddings, then the 10-fold protocol (here 2 folds)', () => {
    const pairs = parseLfwPairs('2 1\nA 1 2\nA 1 B 1\nB 1 2\nA 2 B 2\n').pairs;
    const embeddings: Record<string, Float32Array> = {
      'A/A_0001.jpg': Float32Array.of(1, 0),
      'A/A_0002.jpg': Float32Array.of(0.6, 0.8),
      'B/B_0001.jpg': Float32Array.of(0, 1),
      'B/B_0002.jpg': Float32Array.of(0.8, 0.6),
    };
    const scored = scorePairs(pairs, (p) => embeddings[p]!);
    // A1.A2 = 0.6 (same), A1.B1 = 0, B1.B2 = 0.6 (same), A2.B2 = 0.96
    assert.deepEqual(scored.map((s) => [s.fold, s.same, Math.round(s.score * 1e6) / 1e6]), [[0, true, 0.6], [0, false, 0], [1, true, 0.6], [1, false, 0.96]]);
    const report = evaluateLfw(scored);
    // fold 0 with fold 1's threshold (0.6, the lowest of two equally bad cuts): 1.0; fold 1 with 0.3: 0.5
    close(report.folds[0]!.threshold, 0.6, 1e-6);
    close(report.folds[1]!.threshold, 0.3, 1e-6);
    close(report.accuracy, 0.75);
    close(report.std, 0.25);
    // impostors [0, 0.96], FAR 1e-3 -> k = 0, threshold 0.96: no genuine pair above it
    close(report.tarAtFar1e3.threshold, 0.96, 1e-6);
    close(report.tarAtFar1e3.tar, 0);
    assert.equal(report.pairs, 4);
  });
});
