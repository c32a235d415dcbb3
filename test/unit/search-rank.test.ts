import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { bestOfPacked, type Candidate, largestFirst, rankCandidates, reachBound, scoreClusters, timeRange } from '../../src-main/engine/search/rank.js';
import { buildCluster, clusterSimilarity } from '../../src-main/engine/unknowns/clustering.js';
import { seededRandom } from '../../src-main/engine/util/seeded-random.js';

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

  test('packed scoring gives exactly clusterSimilarity\'s score: centroid and 1 to 7 faces (groups of four and the rest), several lengths', () => {
    const next = seededRandom(5);
    for (const dim of [1, 3, 7, 512]) {
      const vector = () => unit(...Array.from({ length: dim }, () => next() - 0.5));
      for (let faces = 1; faces <= 7; faces++) {
        const cluster = buildCluster(9, Array.from({ length: faces }, (_, i) => ({ embedding: vector(), quality: 1 - i / 100, ref: i })), 7);
        const probe = vector();
        const [scored] = scoreClusters(probe, [cluster], -2);
        assert.equal(scored!.score, clusterSimilarity(probe, cluster), `dim ${dim}, ${faces} faces`);
        assert.equal(bestOfPacked(probe, cluster.packed, 1 + faces, dim), scored!.score);
      }
    }
  });

  test('skipping faces out of reach changes nothing: the same clusters and scores as clusterSimilarity over every face', () => {
    const next = seededRandom(11);
    const dim = 64;
    const gaussian = () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
    const around = (center: Float32Array, spread: number) => unit(...Array.from(center, (x) => x + spread * gaussian()));
    const identities = Array.from({ length: 40 }, () => unit(...Array.from({ length: dim }, gaussian)));
    // Tight and loose clusters of 1 to 5 faces around 40 identities.
    const clusters = Array.from({ length: 400 }, (_, id) => {
      const spread = [0.02, 0.08, 0.2][id % 3]!;
      return buildCluster(id, Array.from({ length: 1 + (id % 5) }, (_, f) => ({ embedding: around(identities[id % 40]!, spread), quality: 1, ref: f })), 5);
    });
    for (const minScore of [-0.5, 0, 0.3, 0.46, 0.7, 0.9]) {
      for (let p = 0; p < 10; p++) {
        const probe = around(identities[p * 3]!, 0.1);
        const expected = clusters.map((c) => ({ id: c.id, score: clusterSimilarity(probe, c) })).filter((c) => c.score >= minScore);
        const got = scoreClusters(probe, clusters, minScore).map((c) => ({ id: c.kind === 'unknown' ? c.clusterId : -1, score: c.score }));
        assert.deepEqual(got, expected, `min ${minScore}, probe ${p}`);
      }
    }
  });

  const reach: Array<{ centroidCos: number; spreadCos: number; expected: number }> = [
    { centroidCos: 0.5, spreadCos: 1, expected: 0.5 }, // one face: it is the centroid
    { centroidCos: 0, spreadCos: 0, expected: 1 }, // faces up to 90 degrees away: one may point at the probe
    { centroidCos: Math.cos(Math.PI / 3), spreadCos: Math.cos(Math.PI / 6), expected: Math.cos(Math.PI / 6) }, // 60 - 30 degrees
    { centroidCos: 0.9, spreadCos: 0.8, expected: 1 }, // the probe is inside the spread
    { centroidCos: -1, spreadCos: Math.cos(Math.PI / 4), expected: Math.cos((3 * Math.PI) / 4) },
    { centroidCos: 1.0000001, spreadCos: 1.0000001, expected: 1 }, // rounding past 1 is clamped
  ];
  for (const r of reach) {
    test(`reach bound: centroid cos ${r.centroidCos.toFixed(3)}, spread cos ${r.spreadCos.toFixed(3)}`, () => {
      assert.ok(Math.abs(reachBound(r.centroidCos, r.spreadCos) - r.expected) < 1e-9, String(reachBound(r.centroidCos, r.spreadCos)));
    });
  }

  test('a cluster holds its vectors once: the centroid and the faces are views of one packed buffer, values kept', () => {
    const a = unit(1, 2, 3), b = unit(-1, 0, 2);
    const cluster = buildCluster(4, [{ embedding: a, quality: 0.9, ref: 1 }, { embedding: b, quality: 0.8, ref: 2 }], 5);
    assert.equal(cluster.packed.length, 9);
    assert.equal(cluster.centroid.buffer, cluster.packed.buffer);
    for (const face of cluster.faces) assert.equal(face.embedding.buffer, cluster.packed.buffer);
    assert.deepEqual([...cluster.faces.map((f) => f.ref)], [1, 2]);
    assert.deepEqual([...cluster.faces[0]!.embedding], [...a]);
    assert.deepEqual([...cluster.faces[1]!.embedding], [...b]);
    assert.deepEqual([...cluster.packed.subarray(0, 3)], [...cluster.centroid]);
  });

  test('a probe of another length scores no cluster (never a wrong number)', () => {
    const cluster = buildCluster(1, [{ embedding: unit(1, 0, 0), quality: 1, ref: 1 }], 5);
    assert.deepEqual(scoreClusters(unit(1, 0), [cluster], -1), []);
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
