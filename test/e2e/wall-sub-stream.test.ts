/**
 * A camera with a sub-stream, in Debian's Chromium against the real host: added through the
 * Cameras tab form (main URL, sub-stream URL, one login in its own fields), its tile plays the
 * small sub-stream, the maximised tile the main stream (the <video>'s own videoWidth), and the
 * analysis the main stream only. The camera is two local HTTP MJPEG streams of the same clip at
 * 640 and 320 px wide, each asking for the login (test/helpers/camera-server.ts).
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

const dir = tempDir('vigil-e2e-sub-stream-');
const login = { username: 'viewer', password: 'p@ss:word' };
let server: RunningServer;
let main: ReconnectableCameraServer;
let sub: ReconnectableCameraServer;
let mainUrl = '';
let subUrl = '';
let browser: Browser;
let page: Page;
let cameraId = 0;
const pageErrors: string[] = [];

before(async () => {
  const staticDir = buildRenderer(dir.path);
  server = await startServer({ dataDir: join(dir.path, 'data'), modelsDir: await installedModelPack(), host: '127.0.0.1', port: 0, staticDir });
  await ensureOperator(server.engine);
  const [mainPort, subPort] = [await freePort(), await freePort()];
  main = await startReconnectableCameraServer(mainPort, 'mjpeg', undefined, { login });
  sub = await startReconnectableCameraServer(subPort, 'mjpeg', undefined, { login, width: 320 });
  mainUrl = `http://127.0.0.1:${mainPort}/main`;
  subUrl = `http://127.0.0.1:${subPort}/sub`;
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.close();
  await main?.close();
  await sub?.close();
  dir.cleanup();
});

const health = () => server.live.listCameras().find((c) => c.id === cameraId)!.health;
const surface = () => page.locator(`[data-testid="video-surface-${cameraId}"]`);

/** Waits until the tile plays `stream` at `width` px and at least 5 more frames reached the screen. */
async function waitForPlaying(stream: 'main' | 'sub', width: number) {
  await page.locator(`[data-testid="video-surface-${cameraId}"][data-stream="${stream}"]`).waitFor({ timeout: 10_000 });
  await page
    .waitForFunction(
      ({ id, want }) => {
        const doc = (globalThis as unknown as { document: { querySelector(s: string): { videoWidth: number } | null } }).document;
        return doc.querySelector(`[data-testid="live-video-${id}"]`)?.videoWidth === want;
      },
      { id: cameraId, want: width },
      { timeout: 90_000, polling: 200 },
    )
    .catch(async (error: unknown) => {
      const actual = await page.locator(`[data-testid="live-video-${cameraId}"]`).evaluate((v) => (v as unknown as { videoWidth: number }).videoWidth);
      throw new Error(`the ${stream} stream's video is ${actual} px wide, expected ${width}: ${String(error)}`);
    });
  const before = Number((await surface().getAttribute('data-displayed-frames')) ?? '0');
  await page.waitForFunction(
    ({ id, from }) => {
      const doc = (globalThis as unknown as { document: { querySelector(s: string): { getAttribute(n: string): string | null } | null } }).document;
      return Number(doc.querySelector(`[data-testid="video-surface-${id}"]`)?.getAttribute('data-displayed-frames') ?? '0') >= from + 5;
    },
    { id: cameraId, from: before },
    { timeout: 30_000, polling: 200 },
  );
}

describe('a camera with a sub-stream on the wall', () => {
  test('added on the Cameras tab: the sub-stream URL is validated like the main one; the login is stored apart', async () => {
    page = await openReadyConsole(browser, server.url, pageErrors, { hash: '#cameras' });
    const form = page.getByTestId('add-camera-form');
    await form.getByLabel('Name').fill('Gate');
    await form.getByLabel('Kind').selectOption('http');
    await form.getByLabel('HTTP (MJPEG) URL').fill(mainUrl);
    await form.getByLabel('Sub-stream URL (optional)').fill('ftp://127.0.0.1/sub');
    await form.getByLabel('User name (optional)').fill(login.username);
    await form.getByLabel('Password (optional)').fill(login.password);
    await form.getByRole('button', { name: 'Add camera' }).click();
    assert.match((await page.getByTestId('add-camera-error').textContent()) ?? '', /Sub-stream URL.*http:\/\/ or https:\/\//);
    assert.equal(server.live.listCameras().length, 0);

    await form.getByLabel('Sub-stream URL (optional)').fill(subUrl);
    await form.getByRole('button', { name: 'Add camera' }).click();
    await waitFor(() => server.live.listCameras().length === 1, 'the camera added', 30_000);
    const camera = server.live.listCameras()[0]!;
    cameraId = camera.id;
    assert.deepEqual(camera.source, { kind: 'http', url: mainUrl, subStreamUrl: subUrl });
    assert.equal(camera.hasCredentials, true);
    await waitFor(() => health().state === 'running' && health().processedFps > 0, 'the camera analysed', 90_000, () => JSON.stringify(health()));
    // Analysis opened the main stream only, with the login; nobody watches yet, so no sub-stream.
    assert.ok(main.connections >= 1 && main.refused >= 1, `the main stream asked for the login (${main.refused} refused, ${main.connections} served)`);
    assert.equal(sub.connections, 0, 'the sub-stream is not opened while no tile shows it');
    assert.equal(server.live.subStreamActive(cameraId), false);
    assert.deepEqual([health().width, health().height], [640, 360], 'analysed at the main stream\'s size');
  });

  test('the tile plays the sub-stream; the maximised tile the main stream; Esc back to the sub-stream', async () => {
    await openTab(page, 'Live');
    await waitForPlaying('sub', 320);
    assert.ok(sub.connections >= 1, 'the sub-stream opened for the tile, with the camera\'s login');
    assert.equal(server.live.subStreamActive(cameraId), true);
    assert.match(server.live.videoHub(cameraId, 'sub')?.codec ?? '', /^avc1\./);

    await page.getByTestId(`camera-tile-${cameraId}`).dblclick();
    await page.locator('[data-testid="wall"][data-layout="maximised"]').waitFor({ timeout: 5_000 });
    await waitForPlaying('main', 640);

    await page.keyboard.press('Escape');
    await page.locator('[data-testid="wall"][data-layout="maximised"]').waitFor({ state: 'detached', timeout: 5_000 });
    await waitForPlaying('sub', 320);
    // Analysis never left the main stream.
    assert.deepEqual([health().state, health().width, health().height], ['running', 640, 360]);
    assert.ok(health().processedFps > 0);
    assert.deepEqual(pageErrors, []);
  });
});
