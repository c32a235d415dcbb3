import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { matcherStatusFields } from '../../src-main/engine/remote/remote-matcher.js';

/** status --json: issue 14's top-level keys from the matcher's health object (pure). */
describe('matcherStatusFields', () => {
  const health = (over: Partial<{ mode: 'local' | 'hybrid' | 'rekognition'; remoteCalls: number; cacheHits: number; throttled: number; queued: number; jobsQueued: number }>) => ({
    mode: 'hybrid' as const,
    online: true,
    remoteCalls: 0,
    cacheHits: 0,
    throttled: 0,
    queued: 0,
    jobsQueued: 0,
    ...over,
  });
  const cases = [
    { name: 'local, nothing sent', health: health({ mode: 'local' }), expected: { matcher: 'local', remoteCalls: 0, cacheHits: 0, throttled: 0, queued: 0 } },
    { name: 'hybrid with traffic', health: health({ remoteCalls: 71, cacheHits: 9, throttled: 2 }), expected: { matcher: 'hybrid', remoteCalls: 71, cacheHits: 9, throttled: 2, queued: 0 } },
    { name: 'requests and enrollment jobs waiting add up', health: health({ mode: 'rekognition', queued: 3, jobsQueued: 2 }), expected: { matcher: 'rekognition', remoteCalls: 0, cacheHits: 0, throttled: 0, queued: 5 } },
    { name: 'offline with only jobs queued', health: health({ online: false, jobsQueued: 4 } as never), expected: { matcher: 'hybrid', remoteCalls: 0, cacheHits: 0, throttled: 0, queued: 4 } },
  ];
  for (const row of cases) {
    test(row.name, () => {
      const { matcherHealth, ...top } = matcherStatusFields(row.health);
      assert.deepEqual(top, row.expected);
      assert.equal(matcherHealth, row.health, 'the whole health object kept beside them');
    });
  }
});
