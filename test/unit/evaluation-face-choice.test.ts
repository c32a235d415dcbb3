import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  DEFAULT_RELATIVE_LANDMARKS,
  meanRelativeLandmarks,
  pickCentralDetection,
  templateDetection,
} from '../../src-main/engine/evaluation/face-choice.js';

const box = (x: number, y: number, width = 20, height = 20) => ({ box: { x, y, width, height } });

describe('pickCentralDetection (100x100 image, centre 50,50)', () => {
  const corner = box(0, 0); // centre 10,10
  const nearAbove = box(40, 35); // centre 50,45: 5 px away
  const nearBelow = box(40, 45); // centre 50,55: 5 px away
  const bigOffCentre = box(50, 50, 50, 50); // centre 75,75
  const table = [
    { name: 'no detections', detections: [], expected: null },
    { name: 'single face anywhere', detections: [corner], expected: corner },
    { name: 'the central face beats a corner face listed first', detections: [corner, nearAbove], expected: nearAbove },
    { name: 'a larger off-centre face loses', detections: [bigOffCentre, nearBelow], expected: nearBelow },
    { name: 'equal distance: the earlier (higher-scoring) one', detections: [nearBelow, nearAbove], expected: nearBelow },
  ];
  for (const row of table) test(row.name, () => assert.equal(pickCentralDetection(row.detections, 100, 100), row.expected));
});

describe('meanRelativeLandmarks', () => {
  test('averages positions as fractions of each image size', () => {
    const mean = meanRelativeLandmarks([
      { landmarks: [[10, 20], [50, 50]], width: 100, height: 100 }, // (0.1, 0.2), (0.5, 0.5)
      { landmarks: [[40, 40], [100, 50]], width: 200, height: 100 }, // (0.2, 0.4), (0.5, 0.5)
    ]);
    assert.deepEqual(mean, [[0.15000000000000002, 0.30000000000000004], [0.5, 0.5]]);
  });
  test('no samples: null', () => assert.equal(meanRelativeLandmarks([]), null));
  test('samples with different numbers of points are refused', () => {
    assert.throws(() => meanRelativeLandmarks([{ landmarks: [[1, 1]], width: 10, height: 10 }, { landmarks: [[1, 1], [2, 2]], width: 10, height: 10 }]), RangeError);
  });
});

describe('templateDetection', () => {
  test('places relative landmarks on the image and spans a box over them', () => {
    const d = templateDetection([[0.25, 0.5], [0.75, 0.5], [0.5, 0.75]], 200, 100);
    assert.deepEqual(d.landmarks, [[50, 50], [150, 50], [100, 75]]);
    assert.deepEqual(d.box, { x: 50, y: 50, width: 100, height: 25 });
    assert.equal(d.score, 0);
  });
  test('the default template is five points, eyes above nose above mouth, left-right ordered', () => {
    const [rightEye, leftEye, nose, rightMouth, leftMouth] = DEFAULT_RELATIVE_LANDMARKS;
    assert.equal(DEFAULT_RELATIVE_LANDMARKS.length, 5);
    assert.ok(rightEye![0] < leftEye![0] && rightMouth![0] < leftMouth![0]);
    assert.ok(rightEye![1] < nose![1] && nose![1] < rightMouth![1]);
  });
});
