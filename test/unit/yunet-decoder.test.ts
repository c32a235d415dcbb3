import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodeYunet, type YunetStrideOutput } from '../../src-main/engine/inference/yunet-decoder.js';
import { imageToTensor } from '../../src-main/engine/inference/tensor.js';

/** Builds empty outputs for a WxH input and lets a test light up anchors. */
function emptyOutputs(width: number, height: number, strides = [8, 16, 32]): YunetStrideOutput[] {
  return strides.map((stride) => {
    const n = Math.ceil(width / stride) * Math.ceil(height / stride);
    return { stride, cls: new Float32Array(n), obj: new Float32Array(n), bbox: new Float32Array(n * 4), kps: new Float32Array(n * 10) };
  });
}

function lightAnchor(out: YunetStrideOutput, inputWidth: number, row: number, col: number, values: { cls: number; obj: number; bbox?: number[]; kps?: number[] }) {
  const cols = Math.ceil(inputWidth / out.stride);
  const index = row * cols + col;
  out.cls[index] = values.cls;
  out.obj[index] = values.obj;
  out.bbox.set(values.bbox ?? [0, 0, 0, 0], index * 4);
  out.kps.set(values.kps ?? new Array(10).fill(0), index * 10);
}

const options = { inputWidth: 64, inputHeight: 32, scoreThreshold: 0.5, nmsIouThreshold: 0.3 };

describe('decodeYunet', () => {
  test('decodes centre, size and landmarks of one anchor (stride 8, row 1, col 2)', () => {
    const outputs = emptyOutputs(64, 32);
    // centre offset (0.5, 0.25) cells, size exp(ln 3)=3 x exp(ln 2)=2 cells; landmark k offset (k*0.1, -k*0.1)
    lightAnchor(outputs[0]!, 64, 1, 2, {
      cls: 0.9,
      obj: 0.9,
      bbox: [0.5, 0.25, Math.log(3), Math.log(2)],
      kps: [0, 0, 0.1, -0.1, 0.2, -0.2, 0.3, -0.3, 0.4, -0.4],
    });
    const [face, ...rest] = decodeYunet(outputs, options);
    assert.equal(rest.length, 0);
    assert.ok(Math.abs(face!.score - 0.9) < 1e-6, 'score = sqrt(cls*obj)');
    // centre = ((2 + 0.5) * 8, (1 + 0.25) * 8) = (20, 10); size = (24, 16)
    assert.deepEqual(
      Object.values(face!.box).map((v) => Math.round(v * 1000) / 1000),
      [20 - 12, 10 - 8, 24, 16],
    );
    assert.deepEqual(face!.landmarks.map(([x, y]) => [Math.round(x * 100) / 100, Math.round(y * 100) / 100]), [
      [16, 8], [16.8, 7.2], [17.6, 6.4], [18.4, 5.6], [19.2, 4.8],
    ]);
  });

  const thresholdTable = [
    { cls: 0.9, obj: 0.9, kept: 1 },
    { cls: 0.3, obj: 0.9, kept: 1 }, // sqrt(0.27) = 0.52
    { cls: 0.2, obj: 0.9, kept: 0 }, // sqrt(0.18) = 0.42
    { cls: 1.7, obj: -3, kept: 0 }, // out-of-range values are clamped to 0..1
  ];
  for (const row of thresholdTable) {
    test(`score threshold: cls ${row.cls} obj ${row.obj} -> ${row.kept} face(s)`, () => {
      const outputs = emptyOutputs(64, 32);
      lightAnchor(outputs[1]!, 64, 0, 1, { cls: row.cls, obj: row.obj });
      assert.equal(decodeYunet(outputs, options).length, row.kept);
    });
  }

  test('overlapping anchors of one face collapse to the best one (NMS)', () => {
    const outputs = emptyOutputs(64, 32);
    lightAnchor(outputs[0]!, 64, 1, 2, { cls: 0.8, obj: 0.8, bbox: [0, 0, Math.log(3), Math.log(3)] });
    lightAnchor(outputs[0]!, 64, 1, 3, { cls: 0.95, obj: 0.95, bbox: [-0.5, 0, Math.log(3), Math.log(3)] });
    lightAnchor(outputs[2]!, 64, 0, 1, { cls: 0.9, obj: 0.9, bbox: [0.2, 0.2, 0, 0] });
    const faces = decodeYunet(outputs, options);
    assert.equal(faces.length, 2);
    assert.ok(Math.abs(faces[0]!.score - 0.95) < 1e-6);
  });

  test('maxFaces keeps only the best', () => {
    const outputs = emptyOutputs(64, 32);
    lightAnchor(outputs[0]!, 64, 0, 0, { cls: 0.7, obj: 0.7 });
    lightAnchor(outputs[0]!, 64, 3, 7, { cls: 0.9, obj: 0.9 });
    const faces = decodeYunet(outputs, { ...options, maxFaces: 1 });
    assert.equal(faces.length, 1);
    assert.ok(Math.abs(faces[0]!.score - 0.9) < 1e-6);
  });
});

describe('imageToTensor', () => {
  const pixel = { width: 1, height: 1, data: new Uint8Array([10, 20, 30]) };
  const cases = [
    { order: 'RGB' as const, mean: [0, 0, 0], std: [1, 1, 1], expected: [10, 20, 30] },
    { order: 'BGR' as const, mean: [0, 0, 0], std: [1, 1, 1], expected: [30, 20, 10] },
    { order: 'RGB' as const, mean: [127.5, 127.5, 127.5], std: [128, 128, 128], expected: [(10 - 127.5) / 128, (20 - 127.5) / 128, (30 - 127.5) / 128] },
  ];
  for (const c of cases) {
    test(`NCHW ${c.order} mean ${c.mean[0]} std ${c.std[0]}`, () => {
      const t = imageToTensor(pixel, { layout: 'NCHW', channelOrder: c.order, mean: c.mean as [number, number, number], std: c.std as [number, number, number], size: { kind: 'fixed', width: 1, height: 1 } }, 1, 1);
      assert.deepEqual([...t].map((v) => Math.round(v * 1e5) / 1e5), c.expected.map((v) => Math.round(v * 1e5) / 1e5));
    });
  }
  test('pads to the tensor size with normalised black, image at top-left', () => {
    const t = imageToTensor(pixel, { layout: 'NCHW', channelOrder: 'BGR', mean: [1, 1, 1], std: [1, 1, 1], size: { kind: 'fixed', width: 2, height: 2 } }, 2, 2);
    // channel 0 (B): [30-1, pad, pad, pad]
    assert.deepEqual([...t.subarray(0, 4)], [29, -1, -1, -1]);
    assert.deepEqual([...t.subarray(8, 12)], [9, -1, -1, -1]);
  });
});
