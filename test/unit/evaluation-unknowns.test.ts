import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  chooseJoinThreshold,
  clusterStream,
  shuffled,
  splitUnknownsEval,
  type StreamResult,
  type StreamSighting,
} from '../../src-main/engine/evaluation/unknowns-stream.js';

const policy = { joinThreshold: 0.5, maxFacesPerCluster: 5, minQuality: 0.3 };
const at = (degrees: number) => new Float32Array([Math.cos((degrees * Math.PI) / 180), Math.sin((degrees * Math.PI) / 180)]);
const sighting = (identity: string, degrees: number, quality = 0.9): StreamSighting => ({ identity, embedding: at(degrees), quality });

describe('unknowns evaluation: split', () => {
  const people = [
    { name: 'Dee', indices: [3, 1, 2] },
    { name: 'Ann', indices: [1, 2] },
    { name: 'Bob', indices: [1] },
    { name: 'Cat', indices: [5, 4, 1, 2, 3] },
    { name: 'Eve', indices: [1, 2] },
  ];
  test('people with 2+ photos, by name, alternately to calibration and held-out; photos capped, sorted', () => {
    const split = splitUnknownsEval(people, { identities: 2, maxPhotosPerIdentity: 3 });
    assert.equal(split.eligible, 4);
    assert.deepEqual(split.calibration, [{ name: 'Ann', indices: [1, 2] }, { name: 'Dee', indices: [1, 2, 3] }]);
    assert.deepEqual(split.heldOut, [{ name: 'Cat', indices: [1, 2, 3] }, { name: 'Eve', indices: [1, 2] }]);
  });
  const bad: Array<{ name: string; identities: number; max: number }> = [
    { name: 'too many identities for the people available', identities: 3, max: 3 },
    { name: 'one identity', identities: 1, max: 3 },
    { name: 'one photo per identity cannot recur', identities: 2, max: 1 },
  ];
  for (const c of bad) test(`refused: ${c.name}`, () => assert.throws(() => splitUnknownsEval(people, { identities: c.identities, maxPhotosPerIdentity: c.max }), RangeError));
});

describe('unknowns evaluation: stream clustering', () => {
  test('shuffle is a seeded permutation', () => {
    const items = Array.from({ length: 20 }, (_, i) => i);
    assert.deepEqual(shuffled(items, 7), shuffled(items, 7));
    assert.notDeepEqual(shuffled(items, 7), items);
    assert.deepEqual([...shuffled(items, 7)].sort((a, b) => a - b), items);
  });

  test('well separated strangers: precision and recall 1, one cluster each', () => {
    const stream = [sighting('a', 0), sighting('b', 180), sighting('a', 10), sighting('b', 170), sighting('a', -5)];
    const r = clusterStream(stream, policy);
    assert.equal(r.precision, 1);
    assert.equal(r.recall, 1);
    assert.equal(r.clusters, 2);
    assert.equal(r.identities, 2);
  });

  test('a threshold too loose merges strangers (precision drops); too strict splits a person (recall drops)', () => {
    const stream = [sighting('a', 0), sighting('b', 50), sighting('a', 20)];
    const loose = clusterStream(stream, { ...policy, joinThreshold: 0.5 });
    assert.ok(loose.precision < 1);
    const strict = clusterStream(stream, { ...policy, joinThreshold: 0.99 });
    assert.equal(strict.precision, 1);
    assert.equal(strict.recall, 0);
  });

  test('poor-quality sightings are counted as rejected, not clustered', () => {
    const r = clusterStream([sighting('a', 0), sighting('a', 5, 0.1), sighting('a', 3)], policy);
    assert.equal(r.rejected, 1);
    assert.equal(r.samePairs, 1);
  });

  test('choosing the threshold: best recall with enough precision, stricter on ties', () => {
    const row = (threshold: number, precision: number, recall: number) => ({ threshold, precision, recall }) as StreamResult;
    const rows = [row(0.3, 0.9, 0.99), row(0.4, 0.985, 0.95), row(0.45, 0.99, 0.95), row(0.5, 1, 0.8)];
    assert.equal(chooseJoinThreshold(rows, 0.98)?.threshold, 0.45);
    assert.equal(chooseJoinThreshold(rows, 0.999)?.threshold, 0.5);
    assert.equal(chooseJoinThreshold(rows.slice(0, 1), 0.98), null);
  });
});
