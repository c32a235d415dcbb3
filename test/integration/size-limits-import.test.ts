/**
 * A bulk import used to read every photo of a person's folder into memory
 * before judging the first: a folder of a few hundred large photos could take
 * gigabytes. Photos are now read one at a time, when their turn comes; a file
 * over the photo limit is a report line saying so.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { closeSync, copyFileSync, linkSync, mkdirSync, openSync, ftruncateSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import { installedModelPack } from '../helpers/model-pack.js';
import { faceRecognitionData as photos, projectRoot, tempDir } from '../helpers/paths.js';

const dir = tempDir();
after(() => dir.cleanup());
let models = '';
const folder = join(dir.path, 'import');
const person = join(folder, 'Barack Obama');
const COPIES = 12;
let photoBytes = 0;

before(async () => {
  models = await installedModelPack();
  mkdirSync(person, { recursive: true });
  // A large photo without a face (noise, so JPEG cannot shrink it), linked under many names.
  const noise = join(dir.path, 'noise.jpg');
  await sharp({ create: { width: 2000, height: 1600, channels: 3, background: { r: 128, g: 128, b: 128 }, noise: { type: 'gaussian', mean: 128, sigma: 120 } } })
    .jpeg({ quality: 100, chromaSubsampling: '4:4:4' })
    .toFile(noise); // ~9 MB
  photoBytes = statSync(noise).size;
  for (let i = 0; i < COPIES; i++) linkSync(noise, join(person, `crowd-${String(i).padStart(2, '0')}.jpg`));
  copyFileSync(join(photos, 'examples_obama.jpg'), join(person, 'obama.jpg'));
  // Over the photo limit (sparse: no disk space used).
  const big = openSync(join(person, 'enormous.jpg'), 'w');
  ftruncateSync(big, 21 * 1024 * 1024);
  closeSync(big);
});

describe('bulk import holds one photo at a time', () => {
  test(`a folder of ${COPIES} large photos: at most a couple of photos' bytes in memory at once; an oversized file says the limit`, async () => {
    const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', join(projectRoot, 'test', 'fixtures', 'import-memory.ts'), folder, join(dir.path, 'data'), models], { cwd: projectRoot });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise<number | null>((r) => child.on('close', r));
    assert.equal(code, 0, stderr);
    type Report = { persons: Array<{ name: string; personId: number | null }>; files: Array<{ file: string; used: boolean; code?: string; reason?: string }> };
    const { baselineBytes, peakBytes, report } = JSON.parse(stdout.trim()) as { baselineBytes: number; peakBytes: number; report: Report };
    assert.ok(report.persons[0]!.personId, 'Obama enrolled from the one photo with a face');
    assert.equal(report.files.filter((f) => f.file.includes('crowd-')).length, COPIES, 'every large photo was judged');
    const enormous = report.files.find((f) => f.file.endsWith('enormous.jpg'));
    assert.equal(enormous?.code, 'IMAGE_TOO_LARGE');
    assert.match(enormous?.reason ?? '', /a photo may be at most 20 MB/);
    const heldMb = (peakBytes - baselineBytes) / 1024 / 1024;
    const allMb = (COPIES * photoBytes) / 1024 / 1024;
    // One photo's bytes, its decoded pixels (<= 1920x1920x3) and the detector's input tensor; never the whole folder.
    assert.ok(heldMb < allMb / 2, `held ${heldMb.toFixed(1)} MB at most, the folder's photos are ${allMb.toFixed(1)} MB`);
  });
});
