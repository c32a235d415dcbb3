import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { facenessReport, quantile } from '../../src-main/engine/evaluation/faceness.js';

describe('faceness evaluation', () => {
  test('quantiles interpolate between sorted values', () => {
    assert.equal(quantile([3, 1, 2, 4], 0), 1);
    assert.equal(quantile([3, 1, 2, 4], 1), 4);
    assert.equal(quantile([1, 2, 3, 4], 0.5), 2.5);
    assert.ok(Number.isNaN(quantile([], 0.5)));
  });

  test('the recommended threshold keeps 99 % of small faces and reports what it rejects', () => {
    const range = (from: number, to: number, n: number) => Array.from({ length: n }, (_, i) => from + ((to - from) * i) / (n - 1));
    const samples = { faces: range(3, 4.5, 101), smallFaces: range(2.5, 4, 101), blurred: range(1.8, 3, 101), nonFaces: range(1.2, 2.4, 101) };
    const report = facenessReport(samples, 2.3);
    assert.equal(report.recommendedThreshold, 2.5, "the 1 % quantile of small faces (2.515), two significant digits, rounded down");
    assert.ok(report.atRecommended.smallFacesKept >= 0.99);
    assert.equal(report.atRecommended.facesKept, 1);
    assert.equal(report.atRecommended.nonFacesRejected, 1);
    assert.ok(report.atCurrent !== null && report.atCurrent.threshold === 2.3);
    assert.ok(report.atCurrent.nonFacesRejected < 1);
    assert.equal(report.percentiles.faces.count, 101);
  });
});
