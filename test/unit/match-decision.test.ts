import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decideMatch } from '../../src-main/engine/matching/match-decision.js';

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
