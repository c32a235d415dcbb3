import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, mock, test } from 'node:test';
import { type HasDataset, throttledDataset } from '../../src-renderer/src/live/throttled-dataset.js';

/** A stand-in for an element: its dataset, and how many attribute writes it received. */
function fakeElement() {
  const writes: string[] = [];
  const values: Record<string, string> = {};
  const dataset = new Proxy(values, {
    set(target, key: string, value: string) {
      writes.push(`${key}=${value}`);
      target[key] = value;
      return true;
    },
  });
  return { element: { dataset } as HasDataset, writes, values };
}

describe('throttledDataset: a tile\'s figures reach its attributes a few times a second, not per frame', () => {
  let now = 0;
  const clock = () => now;
  const advance = (ms: number) => {
    now += ms;
    mock.timers.tick(ms);
  };
  beforeEach(() => {
    now = 0;
    mock.timers.enable({ apis: ['setTimeout'] });
  });
  afterEach(() => mock.timers.reset());

  test('30 frames a second for one second: 4 writes of each changing value, the last values land', () => {
    const { element, writes, values } = fakeElement();
    const data = throttledDataset(() => element, 250, clock);
    for (let frame = 1; frame <= 30; frame++) {
      data.set({ displayedFrames: String(frame), overlayFaces: '2' });
      advance(1000 / 30);
    }
    advance(250);
    assert.equal(values.displayedFrames, '30', 'the last frame count is on the element');
    const frameWrites = writes.filter((w) => w.startsWith('displayedFrames='));
    assert.ok(frameWrites.length >= 3 && frameWrites.length <= 5, `displayedFrames written ${frameWrites.length} times for 30 frames`);
    // An unchanged value is not written again.
    assert.equal(writes.filter((w) => w.startsWith('overlayFaces=')).length, 1);
  });

  test('the first values of a quiet element go out at once (next turn), later ones wait for the interval', () => {
    const { element, values } = fakeElement();
    const data = throttledDataset(() => element, 250, clock);
    data.set({ a: '1' });
    advance(0);
    assert.equal(values.a, '1');
    advance(10);
    data.set({ a: '2' });
    advance(100);
    assert.equal(values.a, '1', 'held within the interval');
    advance(150);
    assert.equal(values.a, '2');
  });

  test('flush writes now; dispose writes what is queued and ignores later values; a missing element is skipped', () => {
    const { element, values } = fakeElement();
    let target: HasDataset | null = element;
    const data = throttledDataset(() => target, 250, clock);
    data.set({ a: '1' });
    data.flush();
    assert.equal(values.a, '1');
    data.set({ a: '2' });
    data.dispose();
    assert.equal(values.a, '2');
    data.set({ a: '3' });
    advance(1000);
    assert.equal(values.a, '2');

    const other = throttledDataset(() => target, 250, clock);
    target = null;
    other.set({ b: '1' });
    assert.doesNotThrow(() => advance(300));
  });
});
