import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  assignAppearance,
  buildCluster,
  type ClusterFace,
  type ClusterPolicy,
  clusterSimilarity,
  IncrementalClusterer,
  keepBestFaces,
  meanDirection,
  pairwiseScores,
} from '../../src-main/engine/unknowns/clustering.js';

/** A unit vector in the plane at `degrees` (cosine between two = cos of the angle between them). */
const at = (degrees: number) => new Float32Array([Math.cos((degrees * Math.PI) / 180), Math.sin((degrees * Math.PI) / 180), 0]);
const face = (degrees: number, quality = 0.8, ref = 0): ClusterFace => ({ embedding: at(degrees), quality, ref });
// Join at cosine 0.5: within 60 degrees.
const policy: ClusterPolicy = { joinThreshold: 0.5, maxFacesPerCluster: 3, minQuality: 0.3 };

describe('unknown clustering: assigning an appearance', () => {
  const clusters = [buildCluster(1, [face(0)], 3), buildCluster(2, [face(100)], 3)];
  const cases: Array<{ name: string; faces: ClusterFace[]; expected: string }> = [
    { name: 'close to cluster 1 joins it', faces: [face(20)], expected: 'join 1' },
    { name: 'close to cluster 2 joins it', faces: [face(130)], expected: 'join 2' },
    { name: 'exactly at the threshold joins (>=)', faces: [face(-60)], expected: 'join 1' },
    { name: 'far from both starts a new cluster', faces: [face(230)], expected: 'new' },
    { name: 'between both but nearer 2', faces: [face(55)], expected: 'join 2' },
    { name: 'a poor-quality face is not clustered', faces: [face(0, 0.1)], expected: 'rejected low_quality' },
    { name: 'no faces at all', faces: [], expected: 'rejected no_faces' },
    { name: 'poor faces are ignored, the good one decides', faces: [face(200, 0.1), face(10, 0.9)], expected: 'join 1' },
    { name: 'several frames of one track: their mean direction decides', faces: [face(40), face(100)], expected: 'join 2' },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const a = assignAppearance(c.faces, clusters, policy);
      const got = a.kind === 'join' ? `join ${a.clusterId}` : a.kind === 'rejected' ? `rejected ${a.reason}` : 'new';
      assert.equal(got, c.expected);
    });
  }

  test('with no clusters yet, a usable face starts the first one', () => {
    assert.deepEqual(assignAppearance([face(0)], [], policy), { kind: 'new', bestSimilarity: null });
  });
});

describe('unknown clustering: cluster similarity and bounded faces', () => {
  test('similarity is the better of centroid and closest kept face', () => {
    // Centroid of 0° and 90° is 45°; a query at 90° is 1.0 from its own face, 0.707 from the centroid.
    const cluster = buildCluster(1, [face(0), face(90)], 3);
    assert.ok(Math.abs(clusterSimilarity(at(90), cluster) - 1) < 1e-6);
    assert.ok(Math.abs(clusterSimilarity(at(45), cluster) - 1) < 1e-6);
  });

  const keepCases: Array<{ name: string; qualities: number[]; max: number; kept: number[] }> = [
    { name: 'under the bound: all kept, best first', qualities: [0.4, 0.9], max: 3, kept: [0.9, 0.4] },
    { name: 'over the bound: the best kept', qualities: [0.5, 0.9, 0.2, 0.7], max: 2, kept: [0.9, 0.7] },
    { name: 'ties keep the earlier face', qualities: [0.5, 0.5, 0.5], max: 2, kept: [0.5, 0.5] },
  ];
  for (const c of keepCases) {
    test(`keepBestFaces: ${c.name}`, () => {
      const faces = c.qualities.map((q, i) => face(0, q, i));
      const { kept, dropped } = keepBestFaces(faces, c.max);
      assert.deepEqual(kept.map((f) => f.quality), c.kept);
      assert.equal(kept.length + dropped.length, faces.length);
      if (c.name.startsWith('ties')) assert.deepEqual(kept.map((f) => f.ref), [0, 1]);
    });
  }

  test('meanDirection is unit length and refuses mixed dimensions', () => {
    const m = meanDirection([at(0), at(90)]);
    assert.ok(Math.abs(Math.hypot(...m) - 1) < 1e-6);
    assert.throws(() => meanDirection([at(0), new Float32Array(5)]), RangeError);
    assert.throws(() => meanDirection([]), RangeError);
  });

  test('a cluster never holds more than maxFacesPerCluster faces however often it is seen', () => {
    const clusterer = new IncrementalClusterer(policy);
    clusterer.addFaces(1, [face(0, 0.5)]);
    for (let i = 0; i < 20; i++) {
      const a = clusterer.assign([face(i % 10, 0.3 + i / 40, i)]);
      assert.equal(a.kind, 'join');
      clusterer.addFaces(1, [face(i % 10, 0.3 + i / 40, i)]);
    }
    assert.equal(clusterer.get(1)!.faces.length, 3);
    assert.deepEqual(clusterer.get(1)!.faces.map((f) => f.ref), [19, 18, 17]);
  });
});

describe('unknown clustering: a stream of strangers', () => {
  test('three people seen in turn form three clusters; a newcomer makes a fourth', () => {
    const clusterer = new IncrementalClusterer(policy);
    const stream = [0, 120, 240, 5, 125, 235, -5, 118, 244, 60 + 180 /* 240: person 3 again */];
    const assigned: number[] = [];
    let nextId = 1;
    for (const degrees of stream) {
      const faces = [face(degrees)];
      const a = clusterer.assign(faces);
      const id = a.kind === 'join' ? a.clusterId : nextId++;
      clusterer.addFaces(id, faces);
      assigned.push(id);
    }
    assert.deepEqual(assigned, [1, 2, 3, 1, 2, 3, 1, 2, 3, 3]);
    // Someone unlike all three (orthogonal to the plane they share).
    const a = clusterer.assign([{ embedding: new Float32Array([0, 0, 1]), quality: 0.8, ref: 99 }]);
    assert.equal(a.kind, 'new');
  });
});

describe('pairwise precision and recall', () => {
  const cases: Array<{ name: string; clusters: number[]; identities: string[]; precision: number; recall: number }> = [
    { name: 'perfect clustering', clusters: [1, 1, 2, 2], identities: ['a', 'a', 'b', 'b'], precision: 1, recall: 1 },
    { name: 'everything in one cluster', clusters: [1, 1, 1, 1], identities: ['a', 'a', 'b', 'b'], precision: 2 / 6, recall: 1 },
    { name: 'every photo alone', clusters: [1, 2, 3, 4], identities: ['a', 'a', 'b', 'b'], precision: 1, recall: 0 },
    { name: 'one person split in two', clusters: [1, 1, 2, 3], identities: ['a', 'a', 'a', 'b'], precision: 1, recall: 1 / 3 },
    { name: 'two strangers merged, rest fine', clusters: [1, 1, 1, 2, 2], identities: ['a', 'a', 'b', 'c', 'c'], precision: 2 / 4, recall: 1 },
    { name: 'singletons only (no pairs at all)', clusters: [1, 2], identities: ['a', 'b'], precision: 1, recall: 1 },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const s = pairwiseScores(c.clusters, c.identities);
      assert.ok(Math.abs(s.precision - c.precision) < 1e-12, `precision ${s.precision}`);
      assert.ok(Math.abs(s.recall - c.recall) < 1e-12, `recall ${s.recall}`);
      assert.equal(s.clusters, new Set(c.clusters).size);
      assert.equal(s.identities, new Set(c.identities).size);
    });
  }
  test('mismatched lengths are refused', () => {
    assert.throws(() => pairwiseScores([1], ['a', 'b']), RangeError);
  });
});
