import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  cropFace,
  alignFace112,
  applyAffine,
  ARCFACE_112_TEMPLATE,
  estimateSimilarity,
  invertAffine,
  iou,
  type Landmarks,
  nonMaxSuppression,
  resizeBilinear,
  warpAffine,
} from '../../src-main/engine/vision/geometry.js';
import { seededRandom } from '../../src-main/engine/util/seeded-random.js';

const close = (a: number, b: number, tolerance = 1e-6) => assert.ok(Math.abs(a - b) <= tolerance, `${a} != ${b} (±${tolerance})`);

/** Applies a known similarity (scale s, rotation theta, shift) to points. */
function transform(points: Landmarks, s: number, theta: number, tx: number, ty: number): Landmarks {
  return points.map(([x, y]) => [s * (Math.cos(theta) * x - Math.sin(theta) * y) + tx, s * (Math.sin(theta) * x + Math.cos(theta) * y) + ty]);
}

describe('estimateSimilarity', () => {
  const cases = [
    { name: 'identity', s: 1, theta: 0, tx: 0, ty: 0 },
    { name: 'scale up and shift', s: 2.5, theta: 0, tx: 100, ty: -40 },
    { name: 'rotate 30 degrees', s: 1, theta: Math.PI / 6, tx: 10, ty: 20 },
    { name: 'rotate -80 degrees, scale down', s: 0.3, theta: (-80 * Math.PI) / 180, tx: 5, ty: 500 },
  ];
  for (const c of cases) {
    test(`recovers ${c.name} exactly from five landmarks`, () => {
      const face = transform(ARCFACE_112_TEMPLATE, c.s, c.theta, c.tx, c.ty);
      // The transform from the face back onto the template is the inverse one.
      const m = estimateSimilarity(face, ARCFACE_112_TEMPLATE);
      face.forEach((p, i) => {
        const [x, y] = applyAffine(m, p);
        close(x, ARCFACE_112_TEMPLATE[i]![0], 1e-6);
        close(y, ARCFACE_112_TEMPLATE[i]![1], 1e-6);
      });
      close(Math.hypot(m[0], m[3]), 1 / c.s, 1e-9);
    });
  }

  test('is a least-squares fit when points are noisy (residual smaller than the noise)', () => {
    const noisy = transform(ARCFACE_112_TEMPLATE, 2, 0.2, 50, 60).map(([x, y], i) => [x + (i % 2 ? 1.5 : -1.5), y + (i % 3 ? 1 : -1)] as [number, number]);
    const m = estimateSimilarity(noisy, ARCFACE_112_TEMPLATE);
    const residual = noisy.reduce((sum, p, i) => {
      const [x, y] = applyAffine(m, p);
      return sum + Math.hypot(x - ARCFACE_112_TEMPLATE[i]![0], y - ARCFACE_112_TEMPLATE[i]![1]);
    }, 0);
    assert.ok(residual / 5 < 1.5, `mean residual ${residual / 5}`);
  });

  test('rejects degenerate input', () => {
    assert.throws(() => estimateSimilarity([[1, 1], [1, 1]], [[0, 0], [1, 1]]), /coincide/);
    assert.throws(() => estimateSimilarity([[1, 1]], [[0, 0]]), /at least 2/);
  });
});

describe('invertAffine', () => {
  test('inverse composed with the matrix is the identity', () => {
    const m = estimateSimilarity(transform(ARCFACE_112_TEMPLATE, 1.7, 0.4, 3, 9), ARCFACE_112_TEMPLATE);
    const inv = invertAffine(m);
    for (const p of [[0, 0], [10, 5], [-3, 200]] as Array<[number, number]>) {
      const [x, y] = applyAffine(inv, applyAffine(m, p));
      close(x, p[0], 1e-9);
      close(y, p[1], 1e-9);
    }
  });
});

describe('alignFace112 / warpAffine', () => {
  test('a face drawn at 2x scale, shifted, lands on the template: marker pixels line up', () => {
    // A 300x300 black image with a white 3x3 marker at each landmark of a 2x-scaled face.
    const width = 300, height = 300;
    const data = new Uint8Array(width * height * 3);
    const face = transform(ARCFACE_112_TEMPLATE, 2, 0, 40, 30);
    for (const [x, y] of face) {
      for (let dy = -2; dy <= 2; dy++) for (let dx = -2; dx <= 2; dx++) {
        const i = ((Math.round(y) + dy) * width + Math.round(x) + dx) * 3;
        data[i] = data[i + 1] = data[i + 2] = 255;
      }
    }
    const aligned = alignFace112({ width, height, data }, face);
    assert.equal(aligned.width, 112);
    assert.equal(aligned.height, 112);
    for (const [x, y] of ARCFACE_112_TEMPLATE) {
      const i = (Math.round(y) * 112 + Math.round(x)) * 3;
      assert.ok(aligned.data[i]! > 150, `marker expected near (${x}, ${y}), got ${aligned.data[i]}`);
    }
    // Far from any marker the crop stays black.
    assert.equal(aligned.data[(5 * 112 + 5) * 3], 0);
  });

  test('pixels outside the source are black (constant border)', () => {
    const image = { width: 2, height: 2, data: new Uint8Array(12).fill(200) };
    const out = warpAffine(image, [1, 0, 50, 0, 1, 50], 10, 10);
    assert.ok(out.data.every((v) => v === 0));
  });

  test('gives exactly the pixels of a plain per-pixel bilinear warp (the fast inner loop changes no value)', () => {
    // The reference: every tap bounds-checked, the source point computed per pixel as a*x + b*y + c.
    const reference = (image: { width: number; height: number; data: Uint8Array }, forward: [number, number, number, number, number, number], width: number, height: number) => {
      const m = invertAffine(forward);
      const out = new Uint8Array(width * height * 3);
      const at = (x: number, y: number, c: number) => (x >= 0 && y >= 0 && x < image.width && y < image.height ? image.data[(y * image.width + x) * 3 + c]! : 0);
      for (let y = 0, o = 0; y < height; y++) {
        for (let x = 0; x < width; x++, o += 3) {
          const sx = m[0] * x + m[1] * y + m[2], sy = m[3] * x + m[4] * y + m[5];
          const x0 = Math.floor(sx), y0 = Math.floor(sy), fx = sx - x0, fy = sy - y0;
          for (let c = 0; c < 3; c++) {
            const top = at(x0, y0, c) + (at(x0 + 1, y0, c) - at(x0, y0, c)) * fx;
            const bottom = at(x0, y0 + 1, c) + (at(x0 + 1, y0 + 1, c) - at(x0, y0 + 1, c)) * fx;
            out[o + c] = Math.round(top + (bottom - top) * fy);
          }
        }
      }
      return out;
    };
    const random = seededRandom(11);
    for (const [w, h] of [[160, 90], [37, 23]] as const) {
      const image = { width: w, height: h, data: Uint8Array.from({ length: w * h * 3 }, () => Math.floor(random() * 256)) };
      for (let trial = 0; trial < 40; trial++) {
        // Faces of 4..60 px anywhere, partly outside the frame too, turned up to ±30 degrees.
        const size = 4 + random() * 56, angle = (random() - 0.5) * 1.05;
        const landmarks = transform(ARCFACE_112_TEMPLATE, size / 112, angle, random() * w - size / 2, random() * h - size / 2);
        const forward = estimateSimilarity(landmarks, ARCFACE_112_TEMPLATE);
        assert.deepEqual(warpAffine(image, forward, 112, 112).data, reference(image, forward, 112, 112), `trial ${trial} on ${w}x${h}`);
      }
    }
  });
});

describe('iou and nonMaxSuppression', () => {
  const table = [
    { a: { x: 0, y: 0, width: 10, height: 10 }, b: { x: 0, y: 0, width: 10, height: 10 }, expected: 1 },
    { a: { x: 0, y: 0, width: 10, height: 10 }, b: { x: 20, y: 20, width: 10, height: 10 }, expected: 0 },
    { a: { x: 0, y: 0, width: 10, height: 10 }, b: { x: 5, y: 0, width: 10, height: 10 }, expected: 50 / 150 },
    { a: { x: 0, y: 0, width: 10, height: 10 }, b: { x: 2, y: 2, width: 5, height: 5 }, expected: 25 / 100 },
  ];
  for (const [i, row] of table.entries()) {
    test(`iou case ${i}`, () => close(iou(row.a, row.b), row.expected, 1e-12));
  }

  test('keeps the best of an overlapping pair and every separate box', () => {
    const kept = nonMaxSuppression(
      [
        { box: { x: 0, y: 0, width: 10, height: 10 }, score: 0.7 },
        { box: { x: 1, y: 1, width: 10, height: 10 }, score: 0.9 },
        { box: { x: 50, y: 50, width: 10, height: 10 }, score: 0.8 },
      ],
      0.3,
    );
    assert.deepEqual(kept.map((k) => k.score), [0.9, 0.8]);
  });
});

describe('resizeBilinear', () => {
  test('a uniform image stays uniform and sizes are as asked', () => {
    const image = { width: 7, height: 5, data: new Uint8Array(7 * 5 * 3).fill(123) };
    const out = resizeBilinear(image, 3, 9);
    assert.equal(out.data.length, 3 * 9 * 3);
    assert.ok(out.data.every((v) => v === 123));
  });
  test('a horizontal ramp stays monotonic when halved', () => {
    const width = 8, height = 2;
    const data = new Uint8Array(width * height * 3);
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.fill(x * 30, (y * width + x) * 3, (y * width + x) * 3 + 3);
    const out = resizeBilinear({ width, height, data }, 4, 1);
    const row = [0, 1, 2, 3].map((x) => out.data[x * 3]!);
    assert.deepEqual([...row].sort((a, b) => a - b), row);
    assert.ok(row[0]! < row[3]!);
  });
});

describe('cropFace (unknown-person snapshot)', () => {
  // A 100x80 image whose red channel is the x coordinate and green the y coordinate.
  const image = { width: 100, height: 80, data: new Uint8Array(100 * 80 * 3) };
  for (let y = 0; y < 80; y++) for (let x = 0; x < 100; x++) image.data.set([x, y, 0], (y * 100 + x) * 3);
  const cases: Array<{ name: string; box: { x: number; y: number; width: number; height: number }; margin: number; maxSide: number; size: [number, number] | null; topLeft?: [number, number] }> = [
    { name: 'box with margin, inside the image', box: { x: 40, y: 30, width: 20, height: 20 }, margin: 0.25, maxSide: 160, size: [30, 30], topLeft: [35, 25] },
    { name: 'clipped at the image corner', box: { x: -5, y: -5, width: 20, height: 20 }, margin: 0.25, maxSide: 160, size: [20, 20], topLeft: [0, 0] },
    { name: 'scaled down to maxSide', box: { x: 0, y: 0, width: 100, height: 80 }, margin: 0, maxSide: 50, size: [50, 40] },
    { name: 'entirely outside the image', box: { x: 200, y: 200, width: 10, height: 10 }, margin: 0.25, maxSide: 160, size: null },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const crop = cropFace(image, c.box, c.margin, c.maxSide);
      if (c.size === null) return assert.equal(crop, null);
      assert.deepEqual([crop!.width, crop!.height], c.size);
      assert.equal(crop!.data.length, c.size[0] * c.size[1] * 3);
      if (c.topLeft) assert.deepEqual([crop!.data[0], crop!.data[1]], c.topLeft);
    });
  }
});
