/**
 * An HTTP MJPEG camera on the wall, in Debian's Chromium against the real host: its H.264 video
 * is encoded only once a tile asks for it (the camera's ffmpeg is replaced, analysis goes on),
 * a frozen stream shows "Video stalled" on its tile while the camera still counts as running,
 * and the picture comes back when the stream does. The camera is a local HTTP server that
 * accepts every connection, as a real camera does (test/helpers/camera-server.ts).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type Browser, type Page } from 'playwright-core';
import { startServer, type RunningServer } from '../../src-main/server/server.js';
import { buildRenderer, ensureOperator, launchChromium, openReadyConsole, openTab } from '../helpers/e2e-console.js';
import { freePort, startReconnectableCameraServer, waitFor, type ReconnectableCameraServer } from '../helpers/camera-server.js';
import { installedModelPack } from '../helpers/model-pack.js';
import { tempDir } from '../helpers/paths.js';

const dir = tempDir('vigil-e2e-http-');
let server: RunningServer;
let camera: ReconnectableCameraServer;
let browser: Browser;
let page: Page;
let cameraId = 0;
const pageErrors: string[] = [];

before(async () => {
  const staticDir = buildRenderer(dir.path);
  // Files keep their video on; this is about a live camera, so no other camera runs.
  server = await startServer({ dataDir: join(dir.path, 'data'), modelsDir: await installedModelPack(), host: '127.0.0.1', port: 0, staticDir });
  await ensureOperator(server.engine);
  const port = await freePort();
  camera = await startReconnectableCameraServer(port, 'mjpeg');
  cameraId = (await server.live.addCamera('Gate', { kind: 'http', url: `http://127.0.0.1:${port}/cam` }, 10, true)).id;
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.close();
  await camera?.close();
  dir.cleanup();
});

const health = () => server.live.listCameras().find((c) => c.id === cameraId)!.health;
const surfaceAttr = (name: string) => page.locator(`[data-testid="video-surface-${cameraId}"]`).getAttribute(name);
const displayedFrames = async () => Number((await surfaceAttr('data-displayed-frames')) ?? '0');

describe('an HTTP MJPEG camera on the wall', () => {
  test('nobody watching: analysis runs and no video is encoded', async () => {
    await waitFor(() => health().state === 'running' && health().processedFps > 0, 'the camera analysed', 60_000, () => JSON.stringify(health()));
    assert.equal(server.live.videoHub(cameraId)!.codec, null);
    assert.equal(camera.connections, 1);
  });

  test('the Live tile asks for the video: it is encoded from then on and plays', async () => {
    page = await openReadyConsole(browser, server.url, pageErrors);
    await openTab(page, 'Live');
    await page.waitForFunction(
      (id) => {
        const doc = (globalThis as unknown as { document: { querySelector(s: string): { getAttribute(n: string): string | null } | null } }).document;
        return Number(doc.querySelector(`[data-testid="video-surface-${id}"]`)?.getAttribute('data-displayed-frames') ?? '0') >= 10;
      },
      cameraId,
      { timeout: 90_000, polling: 200 },
    );
    assert.match(server.live.videoHub(cameraId)!.codec ?? '', /^avc1\./);
    assert.equal(camera.connections, 2, 'the camera was connected once more, to add the video output');
    assert.equal(health().state, 'running');
    assert.equal(await surfaceAttr('data-problem'), '');
  });

  test('a frozen stream: "Video stalled" on the tile; the picture comes back with the stream', async () => {
    camera.freeze();
    await page.locator(`[data-testid="video-surface-${cameraId}"][data-stalled="true"]`).waitFor({ timeout: 30_000 });
    await page.getByText('Video stalled').first().waitFor({ timeout: 5_000 });
    camera.thaw();
    await page.locator(`[data-testid="video-surface-${cameraId}"][data-stalled="false"]`).waitFor({ timeout: 60_000 });
    // Playing again: frames reach the screen (counted over a second, whatever the count was before).
    let advanced = 0;
    for (let attempt = 0; attempt < 30 && advanced < 5; attempt++) {
      const before = await displayedFrames();
      await page.waitForTimeout(1_000);
      advanced = (await displayedFrames()) - before;
    }
    assert.ok(advanced >= 5, `the video advances again (${advanced} frames in a second)`);
    assert.deepEqual(pageErrors, []);
  });
});
