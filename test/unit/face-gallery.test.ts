import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { FaceGallery, INDEX_M } from '../../src-main/engine/matching/face-gallery.js';
import { seededRandom } from '../../src-main/engine/util/seeded-random.js';
import { l2Normalize } from '../../src-main/engine/vision/geometry.js';
import { tempDir } from '../helpers/paths.js';

const dir = tempDir();
after(() => dir.cleanup());

/** Deterministic pseudo-random unit vectors. */
function randomUnitVectors(count: number, dimension: number, seed: number): Float32Array[] {
  const next = seededRandom(seed);
  return Array.from({ length: count }, () => l2Normalize(Float32Array.from({ length: dimension }, () => next() - 0.5)));
}

/** A noisy copy of a vector, still closer to it than to unrelated ones. */
function jitter(v: Float32Array, amount: number, seed: number): Float32Array {
  const noise = randomUnitVectors(1, v.length, seed)[0]!;
  return l2Normalize(v.map((x, i) => x + amount * noise[i]!));
}

describe('FaceGallery (real hnswlib index)', () => {
  const dimension = 64;
  const identities = randomUnitVectors(30, dimension, 7);
  const templates = identities.flatMap((v, person) =>
    [0, 1, 2].map((k) => ({ id: person * 10 + k + 1, personId: person + 1, embedding: jitter(v, 0.3, person * 100 + k) })),
  );
  const policy = { threshold: 0.5, margin: 0.03 };

  test('identifies every enrolled identity from a fresh noisy probe, and rejects strangers', () => {
    const gallery = new FaceGallery('test', dimension, null);
    gallery.load(templates, 1);
    identities.forEach((v, person) => {
      const decision = gallery.identify(jitter(v, 0.3, 5000 + person), policy);
      assert.equal(decision.kind, 'match');
      assert.equal(decision.kind === 'match' && decision.personId, person + 1);
    });
    for (const stranger of randomUnitVectors(20, dimension, 99)) assert.equal(gallery.identify(stranger, policy).kind, 'unknown');
  });

  test('persists, reloads when current, rebuilds when the generation moved', () => {
    const path = join(dir.path, 'index', 'test.hnsw');
    const first = new FaceGallery('test', dimension, path);
    assert.equal(first.load(templates, 5), 'rebuilt');
    assert.ok(existsSync(path) && existsSync(`${path}.meta.json`));
    const second = new FaceGallery('test', dimension, path);
    assert.equal(second.load(templates, 5), 'loaded');
    assert.equal(second.identify(identities[4]!, policy).kind, 'match');
    const third = new FaceGallery('test', dimension, path);
    assert.equal(third.load(templates.slice(3), 6), 'rebuilt');
  });

  test('an index file built with other graph settings (an older Vigil) is rebuilt, not reused', () => {
    const path = join(dir.path, 'index', 'older.hnsw');
    new FaceGallery('test', dimension, path).load(templates, 1);
    const meta = JSON.parse(readFileSync(`${path}.meta.json`, 'utf8')) as { m: number };
    assert.equal(meta.m, INDEX_M);
    writeFileSync(`${path}.meta.json`, JSON.stringify({ ...meta, m: 16 }));
    assert.equal(new FaceGallery('test', dimension, path).load(templates, 1), 'rebuilt');
    assert.equal(new FaceGallery('test', dimension, path).load(templates, 1), 'loaded');
  });

  test('removed people are no longer matched; added ones are', () => {
    const gallery = new FaceGallery('test', dimension, null);
    gallery.load(templates.filter((t) => t.personId !== 2), 1);
    assert.equal(gallery.identify(identities[1]!, policy).kind, 'unknown');
    gallery.add(templates.filter((t) => t.personId === 2), 2);
    const decision = gallery.identify(identities[1]!, policy);
    assert.equal(decision.kind === 'match' && decision.personId, 2);
    gallery.remove(templates.filter((t) => t.personId === 2).map((t) => t.id), () => [], 3);
    assert.equal(gallery.identify(identities[1]!, policy).kind, 'unknown');
    assert.equal(gallery.personCount, 29);
  });

  test('grows past its initial capacity', () => {
    const gallery = new FaceGallery('test', 8, null);
    gallery.load([], 0);
    const many = randomUnitVectors(1500, 8, 3).map((embedding, i) => ({ id: i + 1, personId: i + 1, embedding }));
    gallery.add(many, 1);
    assert.equal(gallery.templateCount, 1500);
  });
});
