import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { localDecisionOfVisit, nameVisit, type VisitName } from '../../src-main/engine/live/remote-naming.js';
import type { RemoteIdentity } from '../../src-main/engine/remote/identity-cache.js';
import type { MatcherMode } from '../../src-main/engine/remote/matcher-mode.js';

const someone = (personId: number, similarity = 97.5): RemoteIdentity => ({ personId, similarity, faceId: 'f-1' });
const noOne: RemoteIdentity = { personId: null, similarity: null, faceId: null };
const erased = 9;
const eligible = (personId: number) => personId !== erased;

describe('nameVisit: who a visit is, from the local verdict and the remote answer', () => {
  const cases: Array<[string, MatcherMode, { personId: number | null; score: number | null }, RemoteIdentity | undefined, VisitName]> = [
    ['local mode ignores any remote answer', 'local', { personId: null, score: 0.3 }, someone(4), { personId: null, score: 0.3, source: null }],
    ['hybrid: no answer yet, local unknown', 'hybrid', { personId: null, score: 0.3 }, undefined, { personId: null, score: 0.3, source: null }],
    ['hybrid: remote names a visit left unknown', 'hybrid', { personId: null, score: 0.3 }, someone(4), { personId: 4, score: 0.975, source: 'remote' }],
    ['hybrid: a local name stands against the remote', 'hybrid', { personId: 2, score: 0.6 }, someone(4), { personId: 2, score: 0.6, source: 'local' }],
    ['hybrid: remote "no one" leaves it unknown', 'hybrid', { personId: null, score: 0.3 }, noOne, { personId: null, score: 0.3, source: null }],
    ['hybrid: remote names someone erased: ignored', 'hybrid', { personId: null, score: 0.3 }, someone(erased), { personId: null, score: 0.3, source: null }],
    ['rekognition: local shows until the answer', 'rekognition', { personId: 2, score: 0.6 }, undefined, { personId: 2, score: 0.6, source: 'local' }],
    ['rekognition: the remote answer wins', 'rekognition', { personId: 2, score: 0.6 }, someone(4, 91), { personId: 4, score: 0.91, source: 'remote' }],
    ['rekognition: remote "no one" unnames', 'rekognition', { personId: 2, score: 0.6 }, noOne, { personId: null, score: null, source: null }],
    ['rekognition: remote names someone erased: unknown', 'rekognition', { personId: null, score: 0.2 }, someone(erased), { personId: null, score: 0.2, source: null }],
  ];
  for (const [name, mode, local, remote, expected] of cases) {
    test(name, () => assert.deepEqual(nameVisit(mode, local, remote, eligible), expected));
  }
});

describe('localDecisionOfVisit: a visit verdict as decideRemoteAsk reads it', () => {
  test('named: a match; conflict: ambiguous; anything else: below threshold', () => {
    assert.deepEqual(localDecisionOfVisit(3, 0.7, 'template'), { kind: 'match', personId: 3, score: 0.7, runnerUpScore: null });
    assert.deepEqual(localDecisionOfVisit(null, 0.5, 'conflict'), { kind: 'unknown', reason: 'ambiguous', bestPersonId: null, bestScore: 0.5 });
    assert.deepEqual(localDecisionOfVisit(null, 0.2, 'too-weak'), { kind: 'unknown', reason: 'below-threshold', bestPersonId: null, bestScore: 0.2 });
  });
});
