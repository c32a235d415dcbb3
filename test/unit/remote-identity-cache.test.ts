import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { IdentityCache, TtlCache, trackKey } from '../../src-main/engine/remote/identity-cache.js';

const alice = { personId: 1, similarity: 99, faceId: 'f-1' };
const bob = { personId: 2, similarity: 97, faceId: 'f-2' };
const noOne = { personId: null, similarity: null, faceId: null };

describe('TtlCache', () => {
  const table: { name: string; steps: Array<['set', string, number] | ['get', string, number, string | undefined]> }[] = [
    { name: 'a value lives until its TTL', steps: [['set', 'a', 0], ['get', 'a', 999, 'a@0']] },
    { name: 'gone exactly at the TTL', steps: [['set', 'a', 0], ['get', 'a', 1000, undefined]] },
    { name: 'writing again restarts the TTL', steps: [['set', 'a', 0], ['set', 'a', 800], ['get', 'a', 1500, 'a@800']] },
    { name: 'unknown key', steps: [['get', 'x', 0, undefined]] },
    { name: 'beyond maxEntries the oldest written goes', steps: [['set', 'a', 0], ['set', 'b', 1], ['set', 'c', 2], ['set', 'd', 3], ['get', 'a', 4, undefined], ['get', 'b', 4, 'b@1'], ['get', 'd', 4, 'd@3']] },
    { name: 'rewriting an old key saves it from eviction', steps: [['set', 'a', 0], ['set', 'b', 1], ['set', 'c', 2], ['set', 'a', 3], ['set', 'd', 4], ['get', 'a', 5, 'a@3'], ['get', 'b', 5, undefined]] },
  ];
  for (const row of table) {
    test(row.name, () => {
      const cache = new TtlCache<string, string>(1000, 3);
      for (const step of row.steps) {
        if (step[0] === 'set') cache.set(step[1], `${step[1]}@${step[2]}`, step[2]);
        else assert.equal(cache.get(step[1], step[2]), step[3], `get ${step[1]} at ${step[2]}`);
      }
    });
  }

  test('prune drops the expired only', () => {
    const cache = new TtlCache<string, number>(100);
    cache.set('old', 1, 0);
    cache.set('new', 2, 50);
    assert.equal(cache.prune(120), 1);
    assert.equal(cache.size, 1);
    assert.equal(cache.get('new', 120), 2);
  });

  for (const [ttl, max] of [[0, 1], [-5, 1], [Number.NaN, 1], [10, 0], [10, 1.5]] as const) {
    test(`refuses ttl ${ttl}, maxEntries ${max}`, () => assert.throws(() => new TtlCache(ttl, max), RangeError));
  }
});

describe('IdentityCache', () => {
  test('default TTL is 5 minutes', () => {
    const cache = new IdentityCache();
    cache.rememberTrack('cam-1', 7, alice, 0);
    assert.deepEqual(cache.lookupTrack('cam-1', 7, 299_999), alice);
    assert.equal(cache.lookupTrack('cam-1', 7, 300_000), undefined);
  });

  test('keyed by camera and track: the same track number on another camera is another visit', () => {
    const cache = new IdentityCache({ ttlMs: 1000 });
    cache.rememberTrack('cam-1', 7, alice, 0);
    assert.equal(cache.lookupTrack('cam-2', 7, 1), undefined);
    assert.equal(cache.lookupTrack('cam-1', 8, 1), undefined);
    // Camera ids are free text: "a:1" + 2 and "a" + 12 (or any other join) stay apart.
    assert.notEqual(trackKey('a:1', 2), trackKey('a', 12));
    assert.notEqual(trackKey('a', 12), trackKey('a:1', 2));
  });

  test('a "no one" answer is cached too (once per track), but makes no person entry', () => {
    const cache = new IdentityCache({ ttlMs: 1000 });
    cache.rememberTrack('cam-1', 3, noOne, 0);
    assert.deepEqual(cache.lookupTrack('cam-1', 3, 10), noOne);
    assert.equal(cache.lookupPerson(1, 10), undefined);
  });

  test('per person: the latest remote confirmation, with its own TTL', () => {
    const cache = new IdentityCache({ ttlMs: 1000 });
    cache.rememberTrack('cam-1', 1, alice, 0);
    cache.rememberTrack('cam-2', 9, alice, 500);
    assert.deepEqual(cache.lookupPerson(1, 600), { cameraId: 'cam-2', trackId: 9, similarity: 99, faceId: 'f-1', atMs: 500 });
    assert.equal(cache.lookupPerson(1, 1500), undefined);
  });

  test('forgetting a person drops every track answer naming them, and only those', () => {
    const cache = new IdentityCache({ ttlMs: 1000 });
    cache.rememberTrack('cam-1', 1, alice, 0);
    cache.rememberTrack('cam-2', 2, alice, 0);
    cache.rememberTrack('cam-1', 3, bob, 0);
    cache.rememberTrack('cam-1', 4, noOne, 0);
    assert.equal(cache.forgetPerson(1), 2);
    assert.equal(cache.lookupTrack('cam-1', 1, 1), undefined);
    assert.equal(cache.lookupTrack('cam-2', 2, 1), undefined);
    assert.equal(cache.lookupPerson(1, 1), undefined);
    assert.deepEqual(cache.lookupTrack('cam-1', 3, 1), bob);
    assert.deepEqual(cache.lookupTrack('cam-1', 4, 1), noOne);
  });

  test('after an enrollment the "no one" answers are forgotten', () => {
    const cache = new IdentityCache({ ttlMs: 1000 });
    cache.rememberTrack('cam-1', 1, alice, 0);
    cache.rememberTrack('cam-1', 4, noOne, 0);
    assert.equal(cache.forgetUnknownAnswers(), 1);
    assert.equal(cache.lookupTrack('cam-1', 4, 1), undefined);
    assert.deepEqual(cache.lookupTrack('cam-1', 1, 1), alice);
  });
});
