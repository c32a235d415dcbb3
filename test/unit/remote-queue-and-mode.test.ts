import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { MatchDecision } from '../../src-main/engine/matching/match-decision.js';
import { BoundedQueue, type OverflowPolicy } from '../../src-main/engine/remote/bounded-queue.js';
import { decideRemoteAsk, type MatcherMode, type RemoteAskDecision } from '../../src-main/engine/remote/matcher-mode.js';

describe('BoundedQueue', () => {
  const table: { name: string; policy: OverflowPolicy; offers: number[]; polls: number; expectedOrder: number[]; expectedDropped: number[] }[] = [
    { name: 'under capacity nothing is dropped', policy: 'drop-oldest', offers: [1, 2, 3], polls: 3, expectedOrder: [1, 2, 3], expectedDropped: [] },
    { name: 'drop-oldest: the oldest waiting goes', policy: 'drop-oldest', offers: [1, 2, 3, 4, 5], polls: 3, expectedOrder: [3, 4, 5], expectedDropped: [1, 2] },
    { name: 'reject-new: the newcomer goes', policy: 'reject-new', offers: [1, 2, 3, 4, 5], polls: 3, expectedOrder: [1, 2, 3], expectedDropped: [4, 5] },
  ];
  for (const row of table) {
    test(row.name, () => {
      const queue = new BoundedQueue<number>(3, row.policy);
      const dropped: number[] = [];
      for (const item of row.offers) {
        const result = queue.offer(item);
        if (result.dropped !== null) dropped.push(result.dropped);
        assert.equal(result.accepted, !(row.policy === 'reject-new' && result.dropped === item));
      }
      assert.deepEqual(dropped, row.expectedDropped);
      assert.equal(queue.dropped, row.expectedDropped.length);
      assert.equal(queue.length, Math.min(3, row.offers.length));
      assert.deepEqual(Array.from({ length: row.polls }, () => queue.poll()), row.expectedOrder);
      assert.equal(queue.poll(), undefined);
    });
  }

  test('a requeued item goes first, even over capacity, and is not counted as a drop', () => {
    const queue = new BoundedQueue<string>(2);
    queue.offer('a');
    queue.offer('b');
    queue.requeueFront('retry');
    assert.equal(queue.length, 3);
    assert.equal(queue.dropped, 0);
    assert.deepEqual(queue.drain(), ['retry', 'a', 'b']);
    assert.equal(queue.length, 0);
  });

  for (const capacity of [0, -1, 1.5, Number.NaN]) {
    test(`refuses capacity ${capacity}`, () => assert.throws(() => new BoundedQueue(capacity), RangeError));
  }
});

describe('decideRemoteAsk', () => {
  const match: MatchDecision = { kind: 'match', personId: 4, score: 0.7, runnerUpScore: 0.2 };
  const ambiguous: MatchDecision = { kind: 'unknown', reason: 'ambiguous', bestPersonId: 4, bestScore: 0.6 };
  const below: MatchDecision = { kind: 'unknown', reason: 'below-threshold', bestPersonId: 4, bestScore: 0.1 };
  const empty: MatchDecision = { kind: 'unknown', reason: 'empty-gallery', bestPersonId: null, bestScore: null };
  const cached = { personId: 9, similarity: 98, faceId: 'f' };
  const base = { cached: undefined, askInFlight: false, online: true };
  const table: { name: string; mode: MatcherMode; local: MatchDecision | null; cached?: typeof cached; askInFlight?: boolean; online?: boolean; expected: RemoteAskDecision }[] = [
    { name: 'local mode never asks, even when unknown', mode: 'local', local: below, expected: { action: 'use-local', reason: 'mode-local' } },
    { name: 'local mode ignores a cached answer', mode: 'local', local: below, cached, expected: { action: 'use-local', reason: 'mode-local' } },
    { name: 'hybrid: a local match stands', mode: 'hybrid', local: match, expected: { action: 'use-local', reason: 'local-match' } },
    { name: 'hybrid: local match stands over a cached remote answer', mode: 'hybrid', local: match, cached, expected: { action: 'use-local', reason: 'local-match' } },
    { name: 'hybrid: ambiguous → ask', mode: 'hybrid', local: ambiguous, expected: { action: 'ask-remote', reason: 'local-ambiguous' } },
    { name: 'hybrid: below threshold → ask', mode: 'hybrid', local: below, expected: { action: 'ask-remote', reason: 'local-unknown' } },
    { name: 'hybrid: empty gallery → ask', mode: 'hybrid', local: empty, expected: { action: 'ask-remote', reason: 'local-unknown' } },
    { name: 'hybrid: no local answer yet → ask', mode: 'hybrid', local: null, expected: { action: 'ask-remote', reason: 'local-unknown' } },
    { name: 'hybrid: once per track (cached)', mode: 'hybrid', local: below, cached, expected: { action: 'use-cached', identity: cached } },
    { name: 'hybrid: an ask on its way is not repeated', mode: 'hybrid', local: ambiguous, askInFlight: true, expected: { action: 'use-local', reason: 'ask-in-flight' } },
    { name: 'hybrid offline: local carries on', mode: 'hybrid', local: below, online: false, expected: { action: 'use-local', reason: 'offline' } },
    { name: 'hybrid offline: a cached answer still serves', mode: 'hybrid', local: below, cached, online: false, expected: { action: 'use-cached', identity: cached } },
    { name: 'rekognition: asks even when local matches', mode: 'rekognition', local: match, expected: { action: 'ask-remote', reason: 'mode-rekognition' } },
    { name: 'rekognition: once per track', mode: 'rekognition', local: match, cached, expected: { action: 'use-cached', identity: cached } },
    { name: 'rekognition offline: local carries on', mode: 'rekognition', local: match, online: false, expected: { action: 'use-local', reason: 'offline' } },
    { name: 'rekognition: in flight → local meanwhile', mode: 'rekognition', local: null, askInFlight: true, expected: { action: 'use-local', reason: 'ask-in-flight' } },
  ];
  for (const row of table) {
    test(row.name, () => assert.deepEqual(decideRemoteAsk({ ...base, ...row }), row.expected));
  }
});
