import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ENROLLMENT_QUALITY, type FaceQuality, qualityChecks, qualityProblems } from '../../src-main/engine/vision/face-quality.js';

const good: FaceQuality = { faceSizePx: 120, sharpness: 200, yawRatio: 0.05, rollDegrees: 2, brightness: 120, score: 0.9 };

describe('enrollment quality checks in plain words', () => {
  const cases: Array<{ name: string; change: Partial<FaceQuality>; failed: string[]; words: RegExp[] }> = [
    { name: 'a good face passes every check', change: {}, failed: [], words: [/large enough \(120 px\)/, /sharp/, /looks at the camera/, /lighting is good/] },
    { name: 'too small, with the size needed', change: { faceSizePx: 31.6 }, failed: ['size'], words: [/too small \(32 px; at least 40 px needed\)/] },
    { name: 'exactly at the size limit passes', change: { faceSizePx: ENROLLMENT_QUALITY.minFaceSizePx }, failed: [], words: [] },
    { name: 'blurry', change: { sharpness: 3 }, failed: ['sharpness'], words: [/blurry/] },
    { name: 'turned away', change: { yawRatio: 0.6 }, failed: ['pose'], words: [/turned away/] },
    { name: 'too dark', change: { brightness: 20 }, failed: ['exposure'], words: [/too dark/] },
    { name: 'too bright', change: { brightness: 240 }, failed: ['exposure'], words: [/too bright/] },
    { name: 'several problems at once', change: { faceSizePx: 20, sharpness: 1, brightness: 10 }, failed: ['size', 'sharpness', 'exposure'], words: [] },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const checks = qualityChecks({ ...good, ...c.change });
      assert.deepEqual(checks.map((k) => k.check), ['size', 'sharpness', 'pose', 'exposure']);
      assert.deepEqual(checks.filter((k) => !k.passed).map((k) => k.check), c.failed);
      const all = checks.map((k) => k.words).join('; ');
      for (const w of c.words) assert.match(all, w);
      assert.deepEqual(qualityProblems({ ...good, ...c.change }), checks.filter((k) => !k.passed).map((k) => k.words));
    });
  }
});
