import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { visitScoreText } from '../../src-renderer/src/lib/format.js';

describe('visitScoreText: the Events table\'s match column', () => {
  const cases: Array<{ name: string; visit: { personId: number | null; bestScore: number | null }; expected: string }> = [
    { name: 'a named visit shows its score', visit: { personId: 4, bestScore: 0.6234 }, expected: '0.62' },
    { name: 'an unknown visit never shows the nearest member\'s score, even a negative one', visit: { personId: null, bestScore: -0.12 }, expected: '–' },
    { name: 'an unknown visit with a positive nearest score: still a dash', visit: { personId: null, bestScore: 0.41 }, expected: '–' },
    { name: 'a named visit without a score (e.g. named by hand): a dash', visit: { personId: 4, bestScore: null }, expected: '–' },
  ];
  for (const c of cases) test(c.name, () => assert.equal(visitScoreText(c.visit), c.expected));
});
