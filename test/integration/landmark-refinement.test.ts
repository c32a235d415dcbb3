/**
 * Faces small in the detector's input get their landmarks placed again on a
 * crop around them (FaceAnalyzer.refineLandmarks), with the real models: the
 * embedding of a small face in a 720p frame comes closer to the same face's
 * embedding from its photo; a face that was big enough is left alone.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { FaceAnalyzer } from '../../src-main/engine/inference/face-analyzer.js';
import { loadManifest } from '../../src-main/engine/models/manifest.js';
import { manifestPath } from '../../src-main/engine/paths.js';
import { alignFace112, dot, resizeBilinear, type RgbImage } from '../../src-main/engine/vision/geometry.js';
import { decodeImage } from '../../src-main/engine/vision/image-io.js';
import { installedModelPack } from '../helpers/model-pack.js';
import { sharedData } from '../helpers/paths.js';

const people = ['Aaron_Peirsol', 'Colin_Powell', 'Gloria_Macapagal_Arroyo', 'Jennifer_Capriati', 'Lleyton_Hewitt', 'Serena_Williams', 'Tony_Blair', 'Vladimir_Putin'];
let analyzer: FaceAnalyzer;

before(async () => {
  analyzer = await FaceAnalyzer.load({ manifest: loadManifest(manifestPath()), modelsDir: await installedModelPack() });
});
after(async () => analyzer?.dispose());

/** The photo pasted, scaled by `scale`, into a grey 1280x720 frame at (x, y). */
function inFrame(photo: RgbImage, scale: number, x: number, y: number): RgbImage {
  const small = resizeBilinear(photo, Math.round(photo.width * scale), Math.round(photo.height * scale));
  const frame = { width: 1280, height: 720, data: new Uint8Array(1280 * 720 * 3).fill(110) };
  for (let row = 0; row < small.height; row++) {
    frame.data.set(small.data.subarray(row * small.width * 3, (row + 1) * small.width * 3), ((y + row) * 1280 + x) * 3);
  }
  return frame;
}

describe('landmarks of small faces placed again on a crop', () => {
  test('a ~40 px face in a 720p frame: refined embeddings are closer to the photo\'s, on average', async () => {
    let plainSum = 0, refinedSum = 0, n = 0;
    for (const name of people) {
      const file = join(sharedData, 'lfw', 'images', name, `${name}_0001.jpg`);
      const { image: photo } = await decodeImage(readFileSync(file), file);
      const reference = (await analyzer.analyze(photo)).sort((a, b) => b.detection.box.width - a.detection.box.width)[0]!.embedding;
      const frame = inFrame(photo, 0.7, 600, 300);
      const detection = (await analyzer.detect(frame)).sort((a, b) => b.box.width - a.box.width)[0];
      assert.ok(detection, `a face in the frame for ${name}`);
      assert.ok(detection.box.height < 70, `the face is small (${detection.box.height} px)`);
      const refined = await analyzer.refineLandmarks(frame, detection);
      assert.notDeepEqual(refined.landmarks, detection.landmarks, 'landmarks were placed again');
      assert.deepEqual(refined.box, detection.box, 'the box stays the tracker\'s');
      plainSum += dot(await analyzer.embedder.embed(alignFace112(frame, detection.landmarks)), reference);
      refinedSum += dot((await analyzer.describe(frame, detection)).embedding, reference);
      n++;
    }
    assert.ok(refinedSum / n > plainSum / n, `mean cosine to the photo: refined ${(refinedSum / n).toFixed(3)} vs plain ${(plainSum / n).toFixed(3)}`);
  });

  test('a face big in the detector\'s input is left as detected', async () => {
    const file = join(sharedData, 'lfw', 'images', 'Tony_Blair', 'Tony_Blair_0001.jpg');
    const { image: photo } = await decodeImage(readFileSync(file), file);
    // LFW photos are small and scaled up for detection: the face is ~250 px in the detector's input.
    const detection = (await analyzer.detect(photo))[0]!;
    assert.equal(await analyzer.refineLandmarks(photo, detection), detection);
  });
});
