import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decideMatch } from '../../src-main/engine/matching/match-decision.js';
import { TrackIdentityVoter } from '../../src-main/engine/live/track-identity.js';

const policy = { threshold: 0.4, margin: 0.05 };

describe('decideMatch', () => {
  const table = [
    { name: 'empty gallery', candidates: [], expected: { kind: 'unknown', reason: 'empty-gallery' } },
    { name: 'clear match', candidates: [{ personId: 1, score: 0.7 }, { personId: 2, score: 0.2 }], expected: { kind: 'match', personId: 1 } },
    { name: 'order of candidates does not matter', candidates: [{ personId: 2, score: 0.2 }, { personId: 1, score: 0.7 }], expected: { kind: 'match', personId: 1 } },
    { name: 'below threshold', candidates: [{ personId: 1, score: 0.39 }], expected: { kind: 'unknown', reason: 'below-threshold' } },
    { name: 'exactly at threshold matches', candidates: [{ personId: 1, score: 0.4 }], expected: { kind: 'match', personId: 1 } },
    { name: 'two people too close: ambiguous', candidates: [{ personId: 1, score: 0.62 }, { personId: 2, score: 0.6 }], expected: { kind: 'unknown', reason: 'ambiguous' } },
    { name: 'runner-up just outside the margin', candidates: [{ personId: 1, score: 0.66 }, { personId: 2, score: 0.6 }], expected: { kind: 'match', personId: 1 } },
  ];
  for (const row of table) {
    test(row.name, () => {
      const decision = decideMatch(row.candidates, policy);
      for (const [key, value] of Object.entries(row.expected)) assert.equal((decision as Record<string, unknown>)[key], value, key);
    });
  }
});

describe('TrackIdentityVoter', () => {
  const match = (personId: number, score: number) => ({ kind: 'match' as const, personId, score, runnerUpScore: null });
  const unknown = (bestScore: number) => ({ kind: 'unknown' as const, reason: 'below-threshold' as const, bestPersonId: 1, bestScore });
  const notBlocked = () => false;

  test('no recognitions: unknown', () => {
    assert.deepEqual(new TrackIdentityVoter().identity(notBlocked), { personId: null, status: 'unknown', score: null });
  });
  test('one confident match names the person', () => {
    const v = new TrackIdentityVoter();
    v.add(match(3, 0.6), 0.5);
    assert.deepEqual(v.identity(notBlocked), { personId: 3, status: 'member', score: 0.6 });
  });
  test('the majority wins over a single wrong frame', () => {
    const v = new TrackIdentityVoter();
    v.add(match(3, 0.6), 0.5);
    v.add(match(4, 0.7), 0.5);
    v.add(match(3, 0.5), 0.5);
    assert.equal(v.identity(notBlocked).personId, 3);
  });
  test('more unknown frames than matches keep the track unknown', () => {
    const v = new TrackIdentityVoter();
    v.add(match(3, 0.45), 0.2);
    v.add(unknown(0.3), 0.6);
    v.add(unknown(0.35), 0.6);
    assert.deepEqual(v.identity(notBlocked), { personId: null, status: 'unknown', score: 0.35 });
  });
  test('only the best-quality recognitions are kept', () => {
    const v = new TrackIdentityVoter({ maxVotes: 2, minMatchesToName: 1 });
    v.add(match(9, 0.5), 0.1); // poor frame, dropped when better ones arrive
    v.add(match(3, 0.6), 0.9);
    v.add(match(3, 0.7), 0.8);
    assert.equal(v.recognitions, 2);
    assert.equal(v.identity(notBlocked).personId, 3);
  });
  test('a blocked person is reported as blocked', () => {
    const v = new TrackIdentityVoter();
    v.add(match(5, 0.8), 0.9);
    assert.equal(v.identity((id) => id === 5).status, 'blocked');
  });
});
