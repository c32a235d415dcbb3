import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { imageToTensor, resizeIntoTensor } from '../../src-main/engine/inference/tensor.js';
import type { ModelInput } from '../../src-main/engine/models/manifest.js';
import { SerialQueue } from '../../src-main/engine/util/serial-queue.js';
import { resizeBilinear } from '../../src-main/engine/vision/geometry.js';
import { seededRandom } from '../../src-main/engine/util/seeded-random.js';

function noiseImage(width: number, height: number, seed: number) {
  const random = seededRandom(seed);
  return { width, height, data: Uint8Array.from({ length: width * height * 3 }, () => Math.floor(random() * 256)) };
}

const input = (channelOrder: 'RGB' | 'BGR', mean: number, std: number): ModelInput => ({
  layout: 'NCHW',
  channelOrder,
  mean: [mean, mean, mean],
  std: [std, std, std],
  size: { kind: 'dynamic', maxSide: 640, multipleOf: 32, upscaleSmall: false },
} as ModelInput);

describe('resizeIntoTensor matches resize-then-normalise (the two-pass path it replaces)', () => {
  const cases = [
    { name: '720p halved into a padded 640x384 tensor, BGR raw', src: [128, 72], scaled: [64, 36], tensor: [64, 64], input: input('BGR', 0, 1) },
    { name: 'odd downscale, RGB normalised', src: [97, 61], scaled: [40, 25], tensor: [64, 32], input: input('RGB', 127.5, 128) },
    { name: 'upscale of a small photo', src: [20, 30], scaled: [64, 96], tensor: [64, 96], input: input('BGR', 0, 1) },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const image = noiseImage(c.src[0]!, c.src[1]!, 7);
      const expected = imageToTensor(resizeBilinear(image, c.scaled[0]!, c.scaled[1]!), c.input, c.tensor[0]!, c.tensor[1]!);
      const actual = resizeIntoTensor(image, c.scaled[0]!, c.scaled[1]!, c.input, c.tensor[0]!, c.tensor[1]!);
      assert.equal(actual.length, expected.length);
      // The two-pass path rounds to 8 bits in between: at most half a level apart.
      const tolerance = 0.5 / c.input.std[0] + 1e-4;
      let worst = 0;
      for (let i = 0; i < actual.length; i++) worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!));
      assert.ok(worst <= tolerance, `max difference ${worst} > ${tolerance}`);
    });
  }

  test('halving (the 720p fast path) gives each output pixel the normalised mean of its 2x2 source block', () => {
    const image = noiseImage(32, 18, 5);
    const model = input('BGR', 127.5, 128);
    const t = resizeIntoTensor(image, 16, 9, model, 32, 16);
    const plane = 32 * 16;
    for (let y = 0; y < 9; y++) {
      for (let x = 0; x < 16; x++) {
        for (let c = 0; c < 3; c++) {
          const source = 2 - c; // BGR: tensor channel 0 reads the image's blue
          const px = (sx: number, sy: number) => image.data[(sy * 32 + sx) * 3 + source]!;
          const mean = (px(2 * x, 2 * y) + px(2 * x + 1, 2 * y) + px(2 * x, 2 * y + 1) + px(2 * x + 1, 2 * y + 1)) / 4;
          const actual = t[c * plane + y * 32 + x]!;
          assert.ok(Math.abs(actual - (mean - 127.5) / 128) < 1e-6, `(${x},${y}) channel ${c}: ${actual}`);
        }
      }
    }
    // Outside the 16x9 image the tensor is padding.
    assert.equal(t[20], Math.fround(-127.5 / 128));
    assert.equal(t[10 * 32 + 3], Math.fround(-127.5 / 128));
  });

  test('padding outside the scaled image is normalised black in every plane', () => {
    const t = resizeIntoTensor(noiseImage(8, 8, 1), 4, 4, input('RGB', 100, 2), 8, 8);
    for (let c = 0; c < 3; c++) {
      assert.equal(t[c * 64 + 5], -50, 'right of the image');
      assert.equal(t[c * 64 + 6 * 8], -50, 'below the image');
    }
  });

  test('refuses NHWC layouts rather than writing them wrong', () => {
    assert.throws(() => resizeIntoTensor(noiseImage(4, 4, 1), 2, 2, { ...input('RGB', 0, 1), layout: 'NHWC' }, 2, 2), /NCHW/);
  });
});

describe('SerialQueue', () => {
  test('runs overlapping tasks one at a time, in call order, past a failure', async () => {
    const queue = new SerialQueue();
    const events: string[] = [];
    const task = (name: string, fail = false) => async () => {
      events.push(`start ${name}`);
      await new Promise((r) => setImmediate(r));
      events.push(`end ${name}`);
      if (fail) throw new Error(name);
      return name;
    };
    const results = await Promise.allSettled([queue.run(task('a')), queue.run(task('b', true)), queue.run(task('c'))]);
    assert.deepEqual(events, ['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
    assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
  });
});
