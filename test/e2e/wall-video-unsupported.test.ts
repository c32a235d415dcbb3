/**
 * "Cannot display this camera's video" on a wall tile, in Debian's Chromium against the real host,
 * with nothing in the browser faked: the cameras' own H.264 is copied to the tile (the engine
 * copies 8-bit 4:2:0 H.264) but names a profile this Chromium cannot play.
 * - Extended (88): MediaSource.isTypeSupported says yes, and the append of the init segment fails
 *   ("Unrecognized video codec profile", MEDIA_ERR_SRC_NOT_SUPPORTED);
 * - an unassigned profile_idc (1): isTypeSupported already says no.
 * ffmpeg decodes both (the coded pictures are Baseline), so analysis goes on.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type Browser, type Page } from 'playwright-core';
import { startServer, type RunningServer } from '../../src-main/server/server.js';
import { buildRenderer, ensureOperator, launchChromium, openReadyConsole, openTab } from '../helpers/e2e-console.js';
import { waitFor } from '../helpers/camera-server.js';
import { clipWithProfile, H264_PROFILE_EXTENDED } from '../helpers/h264-profile.js';
import { installedModelPack } from '../helpers/model-pack.js';
import { tempDir } from '../helpers/paths.js';

const dir = tempDir('vigil-e2e-unsupported-');
let server: RunningServer;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];
const cameras: Array<{ id: number; name: string; profileHex: string }> = [];

before(async () => {
  const staticDir = buildRenderer(dir.path);
  server = await startServer({ dataDir: join(dir.path, 'data'), modelsDir: await installedModelPack(), host: '127.0.0.1', port: 0, staticDir });
  await ensureOperator(server.engine);
  for (const [name, profile] of [
    ['Extended profile', H264_PROFILE_EXTENDED],
    ['Unknown profile', 1],
  ] as const) {
    const camera = await server.live.addCamera(name, { kind: 'file', path: clipWithProfile(dir.path, profile), loop: true }, 5, true);
    cameras.push({ id: camera.id, name, profileHex: profile.toString(16).padStart(2, '0') });
  }
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.close();
  dir.cleanup();
});

const health = (id: number) => server.live.listCameras().find((c) => c.id === id)!.health;

describe('a camera whose video this browser cannot play', () => {
  test('the tile says so, does not retry for ever, and analysis goes on', async () => {
    page = await openReadyConsole(browser, server.url, pageErrors);
    await openTab(page, 'Live');
    for (const camera of cameras) {
      const surface = page.locator(`[data-testid="video-surface-${camera.id}"]`);
      await page.locator(`[data-testid="video-surface-${camera.id}"][data-problem="unsupported"]`).waitFor({ timeout: 60_000 });
      const note = surface.getByRole('status');
      assert.match((await note.textContent()) ?? '', /^Cannot display this camera's video \(this browser cannot decode it\)\. Recognition continues\.$/, camera.name);
      // The copied stream really names that profile (the engine did not re-encode it).
      assert.match(server.live.videoHub(camera.id)!.codec ?? '', new RegExp(`avc1\\.${camera.profileHex}`, 'i'), camera.name);
      assert.equal(await surface.getAttribute('data-displayed-frames'), '0', `${camera.name}: no picture`);
      assert.equal(await surface.getAttribute('data-stalled'), 'false', `${camera.name}: not mistaken for a stall`);
    }
    // Given up, not reconnecting: the hub keeps no viewer of either camera.
    await waitFor(() => cameras.every((c) => server.live.videoHub(c.id)!.viewerCount === 0), 'the tiles to stop fetching', 10_000);
    for (const camera of cameras) {
      await waitFor(() => health(camera.id).state === 'running' && health(camera.id).processedFps > 0, `${camera.name} analysed`, 60_000, () => JSON.stringify(health(camera.id)));
    }
    // Still said a while later (past the stall delay), with the camera still running.
    await page.waitForTimeout(6_000);
    for (const camera of cameras) {
      assert.equal(await page.locator(`[data-testid="video-surface-${camera.id}"]`).getAttribute('data-problem'), 'unsupported');
      assert.equal(server.live.videoHub(camera.id)!.viewerCount, 0, `${camera.name}: no new connection`);
    }
    assert.deepEqual(pageErrors, []);
  });
});
