import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TokenBucket } from '../../src-main/engine/remote/token-bucket.js';

/** Takes at each time in `times` (ms); returns which were granted and the wait given for each refusal. */
function run(bucket: TokenBucket, times: number[]): Array<true | number> {
  return times.map((t) => {
    const result = bucket.tryTake(t);
    return result.granted ? true : result.waitMs;
  });
}

describe('TokenBucket', () => {
  const table: { name: string; options: { ratePerSecond?: number; capacity?: number }; times: number[]; expected: Array<true | number> }[] = [
    { name: 'default 5/s, capacity 1: first request at once, second waits 200 ms', options: {}, times: [0, 0], expected: [true, 200] },
    { name: 'default: a request exactly 200 ms later is granted', options: {}, times: [0, 200], expected: [true, true] },
    { name: 'default: 150 ms later waits the 50 ms left', options: {}, times: [0, 150], expected: [true, 50] },
    { name: 'a refusal takes no token', options: {}, times: [0, 100, 200], expected: [true, 100, true] },
    { name: 'idle time does not bank more than the capacity', options: {}, times: [0, 10_000, 10_000], expected: [true, true, 200] },
    { name: 'capacity 3 allows a burst of 3, then the rate', options: { capacity: 3 }, times: [0, 0, 0, 0, 200], expected: [true, true, true, 200, true] },
    { name: '2/s spaces requests 500 ms apart', options: { ratePerSecond: 2 }, times: [0, 499, 500, 999, 1000], expected: [true, 1, true, 1, true] },
    { name: 'fractional rate 0.5/s: one every 2 s', options: { ratePerSecond: 0.5 }, times: [0, 1000, 2000], expected: [true, 1000, true] },
    { name: 'a clock stepping back refills nothing', options: {}, times: [1000, 500, 1100, 1200], expected: [true, 200, 100, true] },
  ];
  for (const row of table) {
    test(row.name, () => {
      const start = row.times[0] ?? 0;
      assert.deepEqual(run(new TokenBucket(row.options, start), row.times), row.expected);
    });
  }

  test('never more than the rate in any one-second window, whatever the demand', () => {
    const bucket = new TokenBucket({ ratePerSecond: 5 }, 0);
    const granted: number[] = [];
    // Demand every millisecond for 10 s.
    for (let t = 0; t < 10_000; t += 1) if (bucket.tryTake(t).granted) granted.push(t);
    assert.equal(granted.length, 50);
    for (const start of granted) assert.ok(granted.filter((t) => t >= start && t < start + 1000).length <= 5, `window at ${start}`);
  });

  test('following the waits it gives grants every time (no float drift)', () => {
    const bucket = new TokenBucket({ ratePerSecond: 3 }, 0);
    let t = 0;
    let granted = 0;
    for (let i = 0; i < 300; i += 1) {
      const result = bucket.tryTake(t);
      if (result.granted) granted += 1;
      else t += result.waitMs;
    }
    assert.ok(granted >= 150, `granted ${granted}`);
    // 3/s over t ms: at most 1 + t * 3 / 1000 grants.
    assert.ok(granted <= 1 + (t * 3) / 1000, `granted ${granted} in ${t} ms`);
  });

  const invalid = [{ ratePerSecond: 0 }, { ratePerSecond: -1 }, { ratePerSecond: Number.NaN }, { capacity: 0.5 }, { ratePerSecond: Number.POSITIVE_INFINITY }];
  for (const options of invalid) {
    test(`refuses ${JSON.stringify(options)}`, () => assert.throws(() => new TokenBucket(options), RangeError));
  }
});
