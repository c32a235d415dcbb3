import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fairShareEviction } from '../../src-main/engine/inference/fair-share.js';

describe('fairShareEviction: which waiting live frame gives way to an incoming one', () => {
  const cases: Array<{ name: string; queued: Array<string | number | undefined>; incoming: string | number; expected: number | null }> = [
    { name: 'empty queue: refuse (nothing to evict)', queued: [], incoming: 1, expected: null },
    { name: 'one camera holds the queue, another has nothing waiting: its oldest frame gives way', queued: [1, 1, 1, 1], incoming: 2, expected: 0 },
    { name: 'the busiest camera is evicted, at its oldest waiting frame', queued: [3, 1, 1, 3, 1], incoming: 2, expected: 1 },
    { name: 'two frames against none: evened out', queued: [1, 1, 2, 2], incoming: 3, expected: 0 },
    { name: 'one against none: no trade (it would only churn)', queued: [1, 2, 3, 4], incoming: 5, expected: null },
    { name: 'the incoming camera already has its share: refuse', queued: [1, 1, 2, 2], incoming: 1, expected: null },
    { name: 'busiest has two more than the incoming camera: evict', queued: [1, 1, 1, 2], incoming: 2, expected: 0 },
    { name: 'busiest has only one more: refuse', queued: [1, 1, 2], incoming: 2, expected: null },
    { name: 'jobs that are not live frames are never counted or evicted', queued: [undefined, undefined, undefined, 1], incoming: 2, expected: null },
    { name: 'tie for busiest: the one with the older waiting frame', queued: [2, 1, 1, 2], incoming: 3, expected: 0 },
    { name: 'string keys work too', queued: ['gate', 'gate', 'gate'], incoming: 'lobby', expected: 0 },
  ];
  for (const c of cases) {
    test(c.name, () => {
      assert.equal(fairShareEviction(c.queued, c.incoming), c.expected);
    });
  }
});
