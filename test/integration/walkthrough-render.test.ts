/**
 * A tiny walk-through rendered with the real ffmpeg and the real detector:
 * the video is H.264 1280x720 of the planned length, the app's detector
 * finds the planted faces where the ground truth says they are, and a second
 * render of the same plan reuses the cached files.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { defaultLfwDir, lfwImagesDir, listLfwPeople } from '../../src-main/engine/evaluation/lfw-files.js';
import { planWalkthrough, renderWalkthrough, type RenderResult, type WalkthroughPlan } from '../../src-main/engine/evaluation/walkthrough/index.js';
import { FaceAnalyzer } from '../../src-main/engine/inference/face-analyzer.js';
import { loadManifest } from '../../src-main/engine/models/manifest.js';
import { manifestPath } from '../../src-main/engine/paths.js';
import { resolveFfmpegPath } from '../../src-main/engine/video/ffmpeg-path.js';
import { iou } from '../../src-main/engine/vision/geometry.js';
import { installedModelPack } from '../helpers/model-pack.js';
import { tempDir } from '../helpers/paths.js';

const dir = tempDir('vigil-walkthrough-');
const images = lfwImagesDir(defaultLfwDir());
let analyzer: FaceAnalyzer;
let plan: WalkthroughPlan;
let result: RenderResult;

before(async () => {
  analyzer = await FaceAnalyzer.load({ manifest: loadManifest(manifestPath()), modelsDir: await installedModelPack() });
  // One member, one stranger, one non-face: a few seconds of video.
  plan = planWalkthrough(listLfwPeople(images), {
    seed: 11,
    members: 1,
    memberVisits: 1,
    galleryDistractors: 0,
    strangers: 1,
    returningStrangerShare: 0,
    nonFaces: 1,
    crossingShare: 0,
  });
  const progress: number[] = [];
  result = await renderWalkthrough(plan, { outDir: dir.path, lfwImagesDir: images, analyzer, onProgress: (p) => progress.push(p.frame) });
  assert.equal(progress.at(-1), Math.round(plan.durationS * plan.fps), 'progress reaches the last frame');
});

after(async () => {
  await analyzer?.dispose();
  dir.cleanup();
});

function decodeFrames(video: string, frames: number[], width: number, height: number): Buffer[] {
  const select = frames.map((n) => `eq(n\\,${n})`).join('+');
  const run = spawnSync(resolveFfmpegPath(), ['-hide_banner', '-loglevel', 'error', '-i', video, '-vf', `select=${select}`, '-vsync', '0', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'], {
    maxBuffer: 1 << 28,
  });
  assert.equal(run.status, 0, run.stderr?.toString());
  const size = width * height * 3;
  assert.equal(run.stdout.length, size * frames.length, 'one decoded frame per requested frame');
  return frames.map((_, i) => run.stdout.subarray(i * size, (i + 1) * size));
}

describe('walk-through render', () => {
  test('the video is H.264, 1280x720, as long as the plan', () => {
    const probe = spawnSync(resolveFfmpegPath(), ['-hide_banner', '-i', result.videoPath], { encoding: 'utf8' });
    const info = probe.stderr;
    assert.match(info, /Video: h264/);
    assert.match(info, /1280x720/);
    assert.match(info, /25 fps/);
    const duration = /Duration: (\d+):(\d+):([\d.]+)/.exec(info);
    assert.ok(duration, info);
    const seconds = Number(duration[1]) * 3600 + Number(duration[2]) * 60 + Number(duration[3]);
    assert.ok(Math.abs(seconds - plan.durationS) <= 0.1, `duration ${seconds} s, planned ${plan.durationS} s`);
    assert.equal(result.groundTruth.frames, Math.round(plan.durationS * plan.fps));
  });

  test('the ground truth has every planned visit, with boxes inside the frame', () => {
    const gt = result.groundTruth;
    assert.deepEqual(gt.visits.map((v) => v.visitId).sort(), plan.visits.map((v) => v.visitId).sort());
    for (const v of gt.visits) {
      assert.ok(v.boxes.length > 10, `visit ${v.visitId} is visible for ${v.boxes.length} frames`);
      for (const b of v.boxes) {
        assert.ok(b.box.x >= 0 && b.box.y >= 0 && b.box.x + b.box.width <= gt.width + 0.1 && b.box.y + b.box.height <= gt.height + 0.1);
        assert.equal(b.tS, Math.round((b.frame / gt.fps) * 1000) / 1000);
      }
    }
  });

  test("the app's detector finds the planted faces at their ground-truth boxes", async () => {
    const gt = result.groundTruth;
    // A few frames per face visit, spread over the time it is fully in view.
    const checks: Array<{ frame: number; visitId: number; box: { x: number; y: number; width: number; height: number } }> = [];
    for (const v of gt.visits.filter((visit) => visit.kind !== 'nonface')) {
      const inside = v.boxes.filter((b) => b.box.x > 1 && b.box.y > 1 && b.box.x + b.box.width < gt.width - 1 && b.box.y + b.box.height < gt.height - 1);
      for (const f of [0.2, 0.4, 0.6, 0.8]) {
        const b = inside[Math.floor(f * inside.length)];
        if (b) checks.push({ frame: b.frame, visitId: v.visitId, box: b.box });
      }
    }
    assert.ok(checks.length >= 6, `${checks.length} checks`);
    const frameNumbers = [...new Set(checks.map((c) => c.frame))].sort((a, b) => a - b);
    const decoded = decodeFrames(result.videoPath, frameNumbers, gt.width, gt.height);
    let found = 0;
    const misses: string[] = [];
    for (const c of checks) {
      const data = decoded[frameNumbers.indexOf(c.frame)]!;
      const detections = await analyzer.detect({ width: gt.width, height: gt.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) });
      const best = Math.max(0, ...detections.map((d) => iou(d.box, c.box)));
      if (best >= 0.3) found++;
      else misses.push(`visit ${c.visitId} frame ${c.frame}: best IoU ${best.toFixed(2)} of ${detections.length} detections`);
    }
    assert.ok(found >= 0.75 * checks.length, `found ${found} of ${checks.length}: ${misses.join('; ')}`);
  });

  test('a second render of the same plan reuses the files', async () => {
    const again = await renderWalkthrough(plan, { outDir: dir.path, lfwImagesDir: images, analyzer });
    assert.equal(again.cached, true);
    assert.equal(again.videoPath, result.videoPath);
    assert.deepEqual(again.groundTruth, result.groundTruth);
  });

  test('a missing background or LFW folder is a clear NOT_FOUND', async () => {
    await assert.rejects(renderWalkthrough(plan, { outDir: dir.path, lfwImagesDir: images, backgroundPath: `${dir.path}/none.avi` }), {
      name: 'VigilError',
      code: 'NOT_FOUND',
      message: /Background video not found/,
    });
    await assert.rejects(renderWalkthrough(plan, { outDir: dir.path, lfwImagesDir: `${dir.path}/no-lfw` }), {
      name: 'VigilError',
      code: 'NOT_FOUND',
      message: /LFW images folder not found/,
    });
  });
});
