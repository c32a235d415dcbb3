import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  chooseDuplicateThreshold,
  duplicateRates,
  quantile,
  scoreDuplicates,
  splitDuplicateEval,
} from '../../src-main/engine/evaluation/duplicates.js';

/** A unit vector at `degrees` in the plane (cosine between two of them = cos of the angle between). */
const at = (degrees: number) => new Float32Array([Math.cos((degrees * Math.PI) / 180), Math.sin((degrees * Math.PI) / 180)]);

describe('duplicate-threshold calibration', () => {
  test('split: sorted by name, alternating halves; enrolled from min(k, half) photos, again from the next ones; one photo = gallery only', () => {
    const split = splitDuplicateEval(
      [
        { name: 'Cid', indices: [1] },
        { name: 'Ann', indices: [5, 1, 2, 3, 4, 6, 7, 8] },
        { name: 'Bob', indices: [2, 1] },
        { name: 'Dee', indices: [1, 2, 3] },
      ],
      3,
    );
    assert.deepEqual(split.calibration, [
      { name: 'Ann', enrolled: [1, 2, 3], again: [4, 5, 6] },
      { name: 'Cid', enrolled: [1], again: [] },
    ]);
    assert.deepEqual(split.heldOut, [
      { name: 'Bob', enrolled: [1], again: [2] },
      { name: 'Dee', enrolled: [1, 2], again: [3] },
    ]);
  });

  test('scores: genuine against their own first centroid, impostor = highest against anyone else (max over the new photos)', () => {
    const vectors: Record<string, Record<number, Float32Array>> = {
      Ann: { 1: at(0), 2: at(10), 3: at(80) },
      Bea: { 1: at(60), 2: at(170) },
      Cid: { 1: at(180) },
    };
    const scores = scoreDuplicates(
      [
        { name: 'Ann', enrolled: [1, 2], again: [3] },
        { name: 'Bea', enrolled: [1], again: [2] },
        { name: 'Cid', enrolled: [1], again: [] },
      ],
      (name, i) => vectors[name]![i]!,
    );
    assert.equal(scores.galleryPeople, 3);
    assert.deepEqual(scores.genuine.map((g) => g.name), ['Ann', 'Bea']);
    // Ann's again (80°) vs her centroid (5°): cos 75°; vs Bea (60°): cos 20° -> the closest other is Bea.
    assert.ok(Math.abs(scores.genuine[0]!.score - Math.cos((75 * Math.PI) / 180)) < 1e-6);
    assert.equal(scores.impostor[0]!.closest, 'Bea');
    assert.ok(Math.abs(scores.impostor[0]!.score - Math.cos((20 * Math.PI) / 180)) < 1e-6);
    // Bea's again (170°) is closest to Cid (180°).
    assert.equal(scores.impostor[1]!.closest, 'Cid');
  });

  test('the chosen threshold is the lowest grid point refusing no different person, plus the safety margin', () => {
    const scores = {
      galleryPeople: 4,
      genuine: [0.9, 0.8, 0.62].map((score, i) => ({ name: `g${i}`, score })),
      impostor: [0.3, 0.55, 0.41].map((score, i) => ({ name: `i${i}`, closest: 'x', score })),
    };
    assert.equal(chooseDuplicateThreshold(scores, [0.5, 0.55, 0.56, 0.6]), 0.56);
    assert.equal(chooseDuplicateThreshold(scores, [0.5, 0.55, 0.56, 0.6], 0, 0.02), 0.58);
    assert.equal(chooseDuplicateThreshold(scores, [0.5, 0.55], 0), null);
    assert.equal(chooseDuplicateThreshold(scores, [0.5, 0.55], 1), 0.5);
    const rates = duplicateRates(scores, 0.56);
    assert.deepEqual([rates.impostorsRefused, rates.genuineCaught], [0, 3]);
    assert.equal(duplicateRates(scores, 0.7).genuineRate, 2 / 3);
  });

  test('quantile interpolates between order statistics', () => {
    assert.equal(quantile([3, 1, 2, 4], 0.5), 2.5);
    assert.equal(quantile([5], 0.99), 5);
    assert.equal(quantile([1, 2], 1), 2);
    assert.ok(Number.isNaN(quantile([], 0.5)));
  });
});
