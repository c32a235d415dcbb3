import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type Candidate, fastDot, largestFirst, rankCandidates, scoreClusters, timeRange } from '../../src-main/engine/search/rank.js';
import { buildCluster } from '../../src-main/engine/unknowns/clustering.js';

const member = (personId: number, score: number): Candidate => ({ kind: 'member', personId, score });
const unknown = (clusterId: number, score: number): Candidate => ({ kind: 'unknown', clusterId, score });
const unit = (...v: number[]) => {
  const n = Math.hypot(...v);
  return new Float32Array(v.map((x) => x / n));
};

describe('search ranking (pure)', () => {
  const cases: Array<{ name: string; members: Candidate[]; unknowns: Candidate[]; min: number; limit: number; expected: Candidate[] }> = [
    { name: 'members and clusters interleaved by score', members: [member(1, 0.5), member(2, 0.8)], unknowns: [unknown(7, 0.6)], min: 0.4, limit: 10, expected: [member(2, 0.8), unknown(7, 0.6), member(1, 0.5)] },
    { name: 'below the threshold is left out; at it is kept', members: [member(1, 0.45), member(2, 0.46)], unknowns: [unknown(3, 0.2)], min: 0.46, limit: 10, expected: [member(2, 0.46)] },
    { name: 'limit keeps the best', members: [member(1, 0.9), member(2, 0.7)], unknowns: [unknown(3, 0.8)], min: 0, limit: 2, expected: [member(1, 0.9), unknown(3, 0.8)] },
    { name: 'a tie: the member first, then the lower id', members: [member(5, 0.7), member(4, 0.7)], unknowns: [unknown(1, 0.7)], min: 0, limit: 10, expected: [member(4, 0.7), member(5, 0.7), unknown(1, 0.7)] },
    { name: 'nobody', members: [], unknowns: [], min: 0.5, limit: 10, expected: [] },
    { name: 'a NaN score is never a candidate', members: [member(1, Number.NaN)], unknowns: [unknown(2, 0.6)], min: 0.5, limit: 10, expected: [unknown(2, 0.6)] },
    { name: 'limit 0: nothing', members: [member(1, 0.9)], unknowns: [], min: 0, limit: 0, expected: [] },
  ];
  for (const c of cases) test(c.name, () => assert.deepEqual(rankCandidates(c.members, c.unknowns, c.min, c.limit), c.expected));

  test('clusters scored as clustering does (centroid or closest kept face), threshold and exclusion applied', () => {
    const near = buildCluster(1, [{ embedding: unit(1, 0.1, 0), quality: 1, ref: 1 }], 5);
    // The centroid of two far faces is far from the probe, but one kept face is close: that face counts.
    const spread = buildCluster(2, [{ embedding: unit(0.95, 0, 0.3), quality: 1, ref: 2 }, { embedding: unit(0, 0, 1), quality: 0.9, ref: 3 }], 5);
    const far = buildCluster(3, [{ embedding: unit(0, 1, 0), quality: 1, ref: 4 }], 5);
    const probe = unit(1, 0, 0);
    const scored = scoreClusters(probe, [near, spread, far], 0.9);
    assert.deepEqual(scored.map((c) => c.kind === 'unknown' && c.clusterId), [1, 2]);
    assert.deepEqual(scoreClusters(probe, [near, spread, far], 0.9, 1).map((c) => c.kind === 'unknown' && c.clusterId), [2]);
  });

  test('the unrolled dot product agrees with the plain one (lengths not a multiple of 4 too)', () => {
    for (const length of [0, 1, 3, 4, 7, 512]) {
      const a = Float32Array.from({ length }, (_, i) => Math.sin(i + 1)), b = Float32Array.from({ length }, (_, i) => Math.cos(i * 3));
      let plain = 0;
      for (let i = 0; i < length; i++) plain += a[i]! * b[i]!;
      assert.ok(Math.abs(fastDot(a, b) - plain) < 1e-9, `length ${length}`);
    }
  });

  test('faces largest first (ties keep the photo order)', () => {
    const box = (w: number, h: number) => ({ x: 0, y: 0, width: w, height: h });
    assert.deepEqual(largestFirst([box(10, 10), box(40, 40), box(20, 20), box(40, 40)]), [1, 3, 2, 0]);
    assert.deepEqual(largestFirst([]), []);
  });

  const ranges: Array<{ since?: string; until?: string; expected: { since?: string; until?: string } | RegExp }> = [
    { expected: { since: undefined, until: undefined } },
    { since: '2026-12-01', until: '2026-12-02T10:00:00+01:00', expected: { since: '2026-12-01T00:00:00.000Z', until: '2026-12-02T09:00:00.000Z' } },
    { since: '2026-12-02T00:00:00Z', until: '2026-12-02T00:00:00Z', expected: { since: '2026-12-02T00:00:00.000Z', until: '2026-12-02T00:00:00.000Z' } },
    { since: '2026-12-03', until: '2026-12-01', expected: /backwards/ },
    { since: 'yesterday', expected: /not a date/ },
    { since: '', until: '', expected: { since: undefined, until: undefined } },
  ];
  for (const r of ranges) {
    test(`time range ${r.since ?? '-'} .. ${r.until ?? '-'}`, () => {
      if (r.expected instanceof RegExp) assert.throws(() => timeRange(r.since, r.until), r.expected);
      else assert.deepEqual(timeRange(r.since, r.until), r.expected);
    });
  }
});
