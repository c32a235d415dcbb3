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

  test('an index file damaged since it was written (its SHA-256 differs) is rebuilt, never read; the rebuilt one loads again', () => {
    const path = join(dir.path, 'index', 'damaged.hnsw');
    new FaceGallery('test', dimension, path).load(templates, 3);
    const meta = JSON.parse(readFileSync(`${path}.meta.json`, 'utf8')) as { sha256: string };
    assert.match(meta.sha256, /^[0-9a-f]{64}$/);
    const bytes = readFileSync(path);
    // A flipped bit in a neighbour list, the kind of damage hnswlib's reader does not check.
    bytes[Math.floor(bytes.length / 2)]! ^= 0x10;
    writeFileSync(path, bytes);
    const reloaded = new FaceGallery('test', dimension, path);
    assert.equal(reloaded.load(templates, 3), 'rebuilt');
    assert.equal(reloaded.identify(identities[7]!, policy).kind, 'match');
    assert.notEqual((JSON.parse(readFileSync(`${path}.meta.json`, 'utf8')) as { sha256: string }).sha256, undefined);
    assert.equal(new FaceGallery('test', dimension, path).load(templates, 3), 'loaded');
    // A meta from before the hash was kept: accepted as it is (its next write adds the hash).
    const legacy = JSON.parse(readFileSync(`${path}.meta.json`, 'utf8')) as Record<string, unknown>;
    delete legacy.sha256;
    writeFileSync(`${path}.meta.json`, JSON.stringify(legacy));
    assert.equal(new FaceGallery('test', dimension, path).load(templates, 3), 'loaded');
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

describe('FaceGallery maintenance without rebuilds (erasure, deactivation, id reuse)', () => {
  const dimension = 32;
  const identities = randomUnitVectors(12, dimension, 21);
  const templates = identities.flatMap((v, person) =>
    [0, 1].map((k) => ({ id: person * 2 + k + 1, personId: person + 1, embedding: jitter(v, 0.2, person * 10 + k) })),
  );
  const policy = { threshold: 0.5, margin: 0.03 };
  const bytesOf = (v: Float32Array) => Buffer.from(v.buffer, v.byteOffset, v.byteLength);

  test('scrub: unmatched at the call, the native copy overwritten, the file rewritten without it; a reload keeps it out', async () => {
    const path = join(dir.path, 'scrub', 'g.hnsw');
    const gallery = new FaceGallery('test', dimension, path);
    gallery.load(templates, 1);
    const erased = templates.filter((t) => t.personId === 3);
    const stored = erased.map((t) => gallery.nativeVector(t.id)!);
    for (const v of stored) assert.ok(readFileSync(path).includes(bytesOf(v)), 'in the file before');
    const scrubbing = gallery.scrub(erased.map((t) => t.id), 2);
    assert.equal(gallery.identify(identities[2]!, policy).kind, 'unknown', 'unmatched before the scrub resolves');
    await scrubbing;
    // The file is the index's memory written out: the old bytes are in neither.
    for (const v of stored) assert.ok(!readFileSync(path).includes(bytesOf(v)), 'gone from the file');
    assert.equal(gallery.tombstoneCount, 2);
    const reloaded = new FaceGallery('test', dimension, path);
    assert.equal(reloaded.load(templates.filter((t) => t.personId !== 3), 2), 'loaded');
    assert.equal(reloaded.tombstoneCount, 2);
    assert.equal(reloaded.identify(identities[2]!, policy).kind, 'unknown');
    const other = reloaded.identify(identities[4]!, policy);
    assert.equal(other.kind === 'match' && other.personId, 5);
    await gallery.idle();
  });

  test('deactivate keeps the bytes (SQLite has them) and add revives the slots; a reused template id gets its new vector', async () => {
    const gallery = new FaceGallery('test', dimension, join(dir.path, 'deact', 'g.hnsw'));
    gallery.load(templates, 1);
    const person5 = templates.filter((t) => t.personId === 5);
    await gallery.deactivate(person5.map((t) => t.id), 2);
    assert.equal(gallery.identify(identities[4]!, policy).kind, 'unknown');
    await gallery.add(person5, 3);
    const back = gallery.identify(identities[4]!, policy);
    assert.equal(back.kind === 'match' && back.personId, 5);
    assert.equal(gallery.tombstoneCount, 0);
    // Person 6 erased, then a new person enrolled under the same template ids (SQLite reuses the highest rowids).
    const person6 = templates.filter((t) => t.personId === 6);
    await gallery.scrub(person6.map((t) => t.id), 4);
    const newcomer = randomUnitVectors(1, dimension, 777)[0]!;
    await gallery.add(person6.map((t) => ({ id: t.id, personId: 99, embedding: jitter(newcomer, 0.1, t.id) })), 5);
    const found = gallery.identify(newcomer, policy);
    assert.equal(found.kind === 'match' && found.personId, 99);
    assert.equal(gallery.identify(identities[5]!, policy).kind, 'unknown');
    await gallery.idle(); // the file write that add() started in the background
  });
});
