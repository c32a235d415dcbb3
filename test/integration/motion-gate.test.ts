/**
 * The motion gate on a real video through the real pipeline (ffmpeg, ONNX models, SQLite), read
 * at its own pace as a live camera is: a still, empty scene with sensor noise for 3 s, then a face.
 * The detector must skip the still frames (looking every 2 s all the same) and still find the
 * face as soon as it appears, with the same result as a pipeline that looks at every frame.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runVideo } from '../../src-main/cli/process-video.js';
import { Engine } from '../../src-main/engine/engine.js';
import type { AnalysedFrame } from '../../src-main/engine/live/camera-pipeline.js';
import { resolveFfmpegPath } from '../../src-main/engine/video/ffmpeg-path.js';
import { installedModelPack } from '../helpers/model-pack.js';
import { faceRecognitionData, tempDir } from '../helpers/paths.js';

const dir = tempDir();
const video = join(dir.path, 'still-then-face.mp4');
const FACE_APPEARS_S = 3;
let engine: Engine;

before(async () => {
  // 640x360 at 25 fps, 6 s: grey with fresh noise on every frame (±6 levels), a face pasted in from 3 s.
  const made = spawnSync(resolveFfmpegPath(), [
    '-hide_banner', '-loglevel', 'error', '-y',
    '-f', 'lavfi', '-i', 'color=c=0x707070:s=640x360:r=25:d=6',
    '-loop', '1', '-framerate', '25', '-i', join(faceRecognitionData, 'examples_obama.jpg'),
    '-filter_complex', `[0]noise=alls=6:allf=t[bg];[1]scale=220:-2[face];[bg][face]overlay=210:40:enable='gte(t,${FACE_APPEARS_S})':shortest=1`,
    '-t', '6', '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', video,
  ]);
  assert.equal(made.status, 0, made.stderr.toString());
  engine = await Engine.open({ dataDir: join(dir.path, 'data'), modelsDir: await installedModelPack() });
});

after(async () => {
  await engine?.close();
  dir.cleanup();
});

async function run(motionGate: false | undefined) {
  const frames: AnalysedFrame[] = [];
  const result = await runVideo(engine, video, { unthrottled: false, realtime: true, fps: 10, motionGate, onAnalysed: (f) => frames.push(f) });
  const firstFaceS = frames.find((f) => f.faces.length > 0)?.timeS ?? null;
  return { result, frames, firstFaceS };
}

describe('motion gate (live pace, real models)', () => {
  test('still frames skip the detector; the face that appears is found at once, as without the gate', async () => {
    const gated = await run(undefined);
    const still = gated.frames.filter((f) => f.timeS < FACE_APPEARS_S - 0.05).length;
    // Before the face: the first frame and the one at 2 s are looked at; the rest are skipped.
    assert.ok(gated.result.stats.framesSkippedStill >= still - 4, `${gated.result.stats.framesSkippedStill} of ${still} still frames skipped`);
    assert.ok(gated.result.stats.framesSkippedStill <= still, 'no frame with the face was skipped');
    assert.ok(gated.firstFaceS !== null && gated.firstFaceS >= FACE_APPEARS_S - 0.05 && gated.firstFaceS < FACE_APPEARS_S + 0.35, `face first seen at ${gated.firstFaceS} s`);
    // Every frame from the face's arrival on was looked at and shows it.
    const withFace = gated.frames.filter((f) => f.timeS >= gated.firstFaceS!);
    assert.ok(withFace.length >= 20 && withFace.every((f) => f.faces.length === 1), `${withFace.filter((f) => f.faces.length !== 1).length} frames lost the face`);

    const everyFrame = await run(false);
    assert.equal(everyFrame.result.stats.framesSkippedStill, 0);
    assert.ok(everyFrame.firstFaceS !== null && Math.abs(everyFrame.firstFaceS - gated.firstFaceS!) <= 0.15, `without the gate: ${everyFrame.firstFaceS} s`);
    assert.equal(gated.result.sightings.length, everyFrame.result.sightings.length, 'the same visits either way');
  });
});
