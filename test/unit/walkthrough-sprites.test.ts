import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compositeSprites, faceSprite, gaussianBlur, handSprite } from '../../src-main/engine/evaluation/walkthrough/sprites.js';
import type { VisitLook } from '../../src-main/engine/evaluation/walkthrough/scene-plan.js';

const plain: VisitLook = { gain: 1, gamma: 1, saturation: 1, motionBlurPx: 0, focusBlurPx: 0 };

/** A 150x150 photo: mid-grey with a red square where the "face" is and a blue one where a second face is. */
function photo() {
  const data = new Uint8Array(150 * 150 * 3).fill(100);
  const paint = (x0: number, y0: number, size: number, rgb: [number, number, number]) => {
    for (let y = y0; y < y0 + size; y++) for (let x = x0; x < x0 + size; x++) data.set(rgb, (y * 150 + x) * 3);
  };
  paint(55, 45, 40, [220, 40, 40]);
  paint(0, 0, 30, [40, 40, 220]);
  return { width: 150, height: 150, data };
}

const faceBox = { x: 50, y: 35, width: 50, height: 70 };
const pixel = (frame: Uint8Array, width: number, x: number, y: number) => [...frame.subarray((y * width + x) * 3, (y * width + x) * 3 + 3)];

describe('face sprites', () => {
  test('opaque at the face, transparent far from it; the face box keeps its shape', () => {
    const s = faceSprite(photo(), faceBox, plain, 0);
    assert.equal(s.aspect, 50 / 70);
    assert.equal(s.boxHeight, 70);
    const alpha = (x: number, y: number) => s.data[(Math.round(y) * s.width + Math.round(x)) * 4 + 3]!;
    assert.equal(alpha(s.boxCx, s.boxCy), 255);
    assert.equal(alpha(0, 0), 0);
    assert.equal(alpha(s.width - 1, s.height - 1), 0);
    // Premultiplied colour: red where the face is.
    const i = (Math.round(s.boxCy) * s.width + Math.round(s.boxCx)) * 4;
    assert.deepEqual([...s.data.subarray(i, i + 3)].map(Math.round), [220, 40, 40]);
  });

  test('exposure and saturation change the colours', () => {
    const s = faceSprite(photo(), faceBox, { ...plain, gain: 0.5, saturation: 0 }, 0);
    const i = (Math.round(s.boxCy) * s.width + Math.round(s.boxCx)) * 4;
    const [r, g, b] = [...s.data.subarray(i, i + 3)];
    assert.ok(Math.abs(r! - g!) < 1e-3 && Math.abs(g! - b!) < 1e-3, 'grey');
    assert.ok(r! < 60);
  });

  test("another face in the photo is cut out; the person's own face never is", () => {
    const other = { x: 60, y: 20, width: 30, height: 40 }; // its centre is inside the face box: never cut
    const beside = { x: 100, y: 40, width: 40, height: 60 };
    const s = faceSprite(photo(), faceBox, plain, 0, [other, beside]);
    const alphaAtPhoto = (x: number, y: number) => {
      const sx = Math.round(x - (faceBox.x + faceBox.width / 2) + s.boxCx), sy = Math.round(y - (faceBox.y + faceBox.height / 2) + s.boxCy);
      return sx < 0 || sy < 0 || sx >= s.width || sy >= s.height ? 0 : s.data[(sy * s.width + sx) * 4 + 3]!;
    };
    assert.equal(alphaAtPhoto(75, 70), 255, 'own face intact');
    assert.equal(alphaAtPhoto(75, 40), 255, 'a detection centred inside the face box is not cut');
    const without = faceSprite(photo(), faceBox, plain, 0);
    const alphaWithout = (x: number, y: number) => {
      const sx = Math.round(x - (faceBox.x + faceBox.width / 2) + without.boxCx), sy = Math.round(y - (faceBox.y + faceBox.height / 2) + without.boxCy);
      return without.data[(sy * without.width + sx) * 4 + 3]!;
    };
    assert.ok(alphaWithout(104, 70) > 100, 'the mask reaches the neighbour');
    assert.equal(alphaAtPhoto(120, 70), 0, 'the neighbour is cut out');
  });
});

describe('compositing', () => {
  test('the sprite lands with its face box at the pose, scaled to its height; elsewhere the frame is untouched', () => {
    const s = faceSprite(photo(), faceBox, plain, 0);
    const width = 400, height = 300;
    const frame = new Uint8Array(width * height * 3).fill(10);
    compositeSprites(frame, width, height, [{ sprite: s, weight: 1 }], { cx: 200, cy: 150, size: 140, dirX: 1, dirY: 0 }, 0);
    assert.deepEqual(pixel(frame, width, 200, 150), [220, 40, 40]);
    // The red square is 40/70 of the box height: 80 px at size 140, i.e. x in [160, 240).
    assert.deepEqual(pixel(frame, width, 165, 150), [220, 40, 40]);
    assert.deepEqual(pixel(frame, width, 150, 150), [100, 100, 100]);
    assert.deepEqual(pixel(frame, width, 5, 5), [10, 10, 10]);
    assert.deepEqual(pixel(frame, width, 395, 295), [10, 10, 10]);
  });

  test('motion blur smears along the direction of travel only', () => {
    const s = faceSprite(photo(), faceBox, plain, 0);
    const width = 400, height = 300;
    const sharp = new Uint8Array(width * height * 3);
    const blurred = new Uint8Array(width * height * 3);
    compositeSprites(sharp, width, height, [{ sprite: s, weight: 1 }], { cx: 200, cy: 150, size: 140, dirX: 1, dirY: 0 }, 0);
    compositeSprites(blurred, width, height, [{ sprite: s, weight: 1 }], { cx: 200, cy: 150, size: 140, dirX: 1, dirY: 0 }, 20);
    // At the red square's left edge (x = 160) the blur mixes red and grey; the top edge (y = 110) is as sharp as before.
    assert.deepEqual(pixel(sharp, width, 161, 150), [220, 40, 40]);
    assert.ok(pixel(blurred, width, 161, 150)[0]! < 200 && pixel(blurred, width, 161, 150)[2]! > 50);
    assert.deepEqual(pixel(blurred, width, 200, 112), pixel(sharp, width, 200, 112));
  });

  test('a cross-fade blends two sprites by weight', () => {
    const red = faceSprite(photo(), faceBox, plain, 0);
    const dark = faceSprite(photo(), faceBox, { ...plain, gain: 0 }, 0);
    const frame = new Uint8Array(100 * 100 * 3);
    compositeSprites(frame, 100, 100, [{ sprite: red, weight: 0.5 }, { sprite: dark, weight: 0.5 }], { cx: 50, cy: 50, size: 70, dirX: 0, dirY: 0 }, 0);
    assert.deepEqual(pixel(frame, 100, 50, 50), [110, 20, 20]);
  });

  test('a sprite partly outside the frame is clipped without error', () => {
    const s = handSprite([200, 150, 120], plain, 0.8, 1, false);
    const frame = new Uint8Array(100 * 100 * 3);
    compositeSprites(frame, 100, 100, [{ sprite: s, weight: 1 }], { cx: -20, cy: 95, size: 80, dirX: 1, dirY: 0 }, 8);
    compositeSprites(frame, 100, 100, [{ sprite: s, weight: 1 }], { cx: 500, cy: 500, size: 80, dirX: 1, dirY: 0 }, 8);
    assert.ok(frame.some((v) => v > 0));
  });

  test('a Gaussian blur keeps the total and spreads a point', () => {
    const src = new Float32Array(21 * 21);
    src[10 * 21 + 10] = 1;
    const out = gaussianBlur(src, 21, 21, 1, 2);
    const total = out.reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(total - 1) < 1e-5);
    assert.ok(out[10 * 21 + 10]! < 0.1 && out[10 * 21 + 12]! > 0.01);
  });
});
