/**
 * The enrollment desk's webcam in Debian's Chromium: Chromium's fake capture
 * device plays a real portrait (a Y4M file made here by ffmpeg from a photo of
 * the shared data), the operator captures a frame, and the captured photo gets
 * the same plain-words verdict as a file would — checked by the real engine.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type Browser, type Page } from 'playwright-core';
import { startServer, type RunningServer } from '../../src-main/server/server.js';
import { resolveFfmpegPath } from '../../src-main/engine/video/ffmpeg-path.js';
import { buildRenderer, ensureOperator, launchChromium, openReadyConsole, waitForPhotoVerdicts } from '../helpers/e2e-console.js';
import { installedModelPack } from '../helpers/model-pack.js';
import { faceRecognitionData, tempDir } from '../helpers/paths.js';

const dir = tempDir('vigil-e2e-webcam-');
let server: RunningServer;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

/** A short Y4M clip of one still portrait, for Chromium's --use-file-for-fake-video-capture. */
function portraitClip(photo: string, out: string): string {
  const made = spawnSync(
    resolveFfmpegPath(),
    ['-hide_banner', '-loglevel', 'error', '-y', '-loop', '1', '-i', photo, '-vf', 'scale=640:480:force_original_aspect_ratio=decrease,pad=640:480:(ow-iw)/2:(oh-ih)/2', '-frames:v', '15', '-pix_fmt', 'yuv420p', out],
    { encoding: 'utf8' },
  );
  assert.equal(made.status, 0, `ffmpeg could not make the fake webcam clip: ${made.stderr}`);
  return out;
}

before(async () => {
  const staticDir = buildRenderer(dir.path);
  server = await startServer({ dataDir: join(dir.path, 'data'), modelsDir: await installedModelPack(), host: '127.0.0.1', port: 0, staticDir });
  await ensureOperator(server.engine);
  const clip = portraitClip(join(faceRecognitionData, 'examples_obama.jpg'), join(dir.path, 'webcam.y4m'));
  browser = await launchChromium(['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${clip}`]);
  page = await openReadyConsole(browser, server.url, pageErrors, { hash: '#people' });
});

after(async () => {
  await browser?.close();
  await server?.close();
  dir.cleanup();
});

describe('enrollment desk webcam in Chromium', () => {
  test('a captured webcam frame becomes a photo with its verdict; closing the webcam releases it', async () => {
    const form = page.getByTestId('enroll-form');
    await form.getByRole('button', { name: 'Use webcam' }).click();
    const preview = form.getByLabel('Webcam preview');
    await page.waitForFunction(
      () => {
        type Video = { readyState: number; videoWidth: number };
        const doc = (globalThis as unknown as { document: { querySelector(s: string): Video | null } }).document;
        const video = doc.querySelector('video[aria-label="Webcam preview"]');
        return video !== null && video.readyState >= 2 && video.videoWidth > 0;
      },
      undefined,
      { timeout: 30_000 },
    );
    assert.equal(await preview.count(), 1);
    await form.getByRole('button', { name: 'Capture photo' }).click();
    await waitForPhotoVerdicts(page, 1);
    const verdict = page.getByTestId('photo-verdicts').locator('li').first();
    const text = (await verdict.textContent()) ?? '';
    assert.match(text, /webcam-.*\.jpg/, 'the captured frame is named as a webcam photo');
    assert.equal(await verdict.getAttribute('data-ok'), 'true', `the portrait on the webcam is usable: ${text}`);
    assert.match(text, /✓ exactly one face/);
    await form.getByRole('button', { name: 'Close webcam' }).click();
    assert.equal(await form.getByLabel('Webcam preview').count(), 0);
    assert.deepEqual(pageErrors, []);
  });
});
