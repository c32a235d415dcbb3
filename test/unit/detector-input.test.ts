import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { planDetectorInput } from '../../src-main/engine/inference/detector.js';
import type { DetectorManifest } from '../../src-main/engine/models/manifest.js';

function detector(size: DetectorManifest['input']['size']): DetectorManifest {
  return {
    id: 'd',
    role: 'detector',
    file: 'd.onnx',
    sha256: '0'.repeat(64),
    sizeBytes: 1,
    licence: 'test',
    runtime: { graphOptimizationLevel: 'all' },
    input: { layout: 'NCHW', channelOrder: 'BGR', mean: [0, 0, 0], std: [1, 1, 1], size },
    decoder: { kind: 'yunet', strides: [8, 16, 32], scoreThreshold: 0.6, nmsIouThreshold: 0.3, landmarks: 5 },
  };
}

describe('planDetectorInput', () => {
  const dynamic = (upscaleSmall: boolean) => detector({ kind: 'dynamic', multipleOf: 32, maxSide: 640, upscaleSmall });
  const table = [
    { name: 'fixed 640x640 letterboxes a 1280x720 frame', model: detector({ kind: 'fixed', width: 640, height: 640 }), w: 1280, h: 720, expected: { scale: 0.5, tensorWidth: 640, tensorHeight: 640 } },
    { name: 'fixed 640x640 upscales a 150x150 photo', model: detector({ kind: 'fixed', width: 640, height: 640 }), w: 150, h: 150, expected: { scale: 640 / 150, tensorWidth: 640, tensorHeight: 640 } },
    { name: 'dynamic keeps a 640x360 frame and pads to 640x384', model: dynamic(true), w: 640, h: 360, expected: { scale: 1, tensorWidth: 640, tensorHeight: 384 } },
    { name: 'dynamic scales 1280x720 down to 640x384', model: dynamic(false), w: 1280, h: 720, expected: { scale: 0.5, tensorWidth: 640, tensorHeight: 384 } },
    { name: 'dynamic without upscaling leaves a 150x150 photo small (padded to 160)', model: dynamic(false), w: 150, h: 150, expected: { scale: 1, tensorWidth: 160, tensorHeight: 160 } },
    { name: 'dynamic with upscaling fits a 150x150 photo to 640x640', model: dynamic(true), w: 150, h: 150, expected: { scale: 640 / 150, tensorWidth: 640, tensorHeight: 640 } },
    { name: 'dynamic portrait 600x1200 becomes 320x640', model: dynamic(true), w: 600, h: 1200, expected: { scale: 640 / 1200, tensorWidth: 320, tensorHeight: 640 } },
    { name: 'dynamic tiny strip never goes below one stride', model: dynamic(false), w: 10, h: 3, expected: { scale: 1, tensorWidth: 32, tensorHeight: 32 } },
  ];
  for (const row of table) {
    test(row.name, () => {
      const plan = planDetectorInput(row.model, row.w, row.h);
      assert.ok(Math.abs(plan.scale - row.expected.scale) < 1e-9, `scale ${plan.scale}`);
      assert.equal(plan.tensorWidth, row.expected.tensorWidth);
      assert.equal(plan.tensorHeight, row.expected.tensorHeight);
      assert.equal(plan.tensorWidth % 32, 0);
    });
  }
});
