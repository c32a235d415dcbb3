/**
 * A camera that changes resolution mid-stream (someone reconfigures it, or it switches profile at
 * night), on the wall in Debian's Chromium against the real host: the tile follows the new size
 * without an error or a reconnect, the picture keeps advancing, and analysis goes on. The camera
 * is an H.264 MPEG-TS stream sent as it is (`-c copy`) from a file made of a 640×360 part
 * followed by a 1280×720 part with continuous timestamps, as one camera's stream would be.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type Browser, type Page } from 'playwright-core';
import { startServer, type RunningServer } from '../../src-main/server/server.js';
import { resolveFfmpegPath } from '../../src-main/engine/video/ffmpeg-path.js';
import { buildRenderer, ensureOperator, launchChromium, openReadyConsole, openTab, readVideoTile } from '../helpers/e2e-console.js';
import { freePort, startReconnectableCameraServer, waitFor, type ReconnectableCameraServer } from '../helpers/camera-server.js';
import { installedModelPack } from '../helpers/model-pack.js';
import { hamiltonClip, tempDir } from '../helpers/paths.js';

const dir = tempDir('vigil-e2e-resolution-');
let server: RunningServer;
let camera: ReconnectableCameraServer;
let browser: Browser;
let page: Page;
let cameraId = 0;
const pageErrors: string[] = [];
/** The clip's two parts: 8 s each, so the switch comes after the tile has started playing. */
const PART_SECONDS = 8;

/** One H.264 MPEG-TS part of the clip at `size`, its timestamps starting at `offsetS`. */
function encodePart(size: string, offsetS: number, out: string): void {
  const result = spawnSync(
    resolveFfmpegPath(),
    ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', '-t', String(PART_SECONDS), '-i', hamiltonClip, '-an', '-vf', `scale=${size}`, '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '25', '-output_ts_offset', String(offsetS), '-f', 'mpegts', out],
    { encoding: 'utf8' },
  );
  assert.equal(result.status, 0, result.stderr);
}

const health = () => server.live.listCameras().find((c) => c.id === cameraId)!.health;

const tile = () => readVideoTile(page, cameraId);

before(async () => {
  const small = join(dir.path, 'small.ts'), large = join(dir.path, 'large.ts'), clip = join(dir.path, 'camera.ts');
  encodePart('640:360', 0, small);
  encodePart('1280:720', PART_SECONDS, large);
  appendFileSync(clip, readFileSync(small));
  appendFileSync(clip, readFileSync(large));
  const staticDir = buildRenderer(dir.path);
  server = await startServer({ dataDir: join(dir.path, 'data'), modelsDir: await installedModelPack(), host: '127.0.0.1', port: 0, staticDir });
  await ensureOperator(server.engine);
  const port = await freePort();
  camera = await startReconnectableCameraServer(port, 'h264-ts', clip, { copy: true });
  browser = await launchChromium();
  page = await openReadyConsole(browser, server.url, pageErrors);
  await openTab(page, 'Live');
  // Added once the wall is open, so the tile asks for the video from the camera's first frame.
  cameraId = (await server.live.addCamera('Lobby', { kind: 'http', url: `http://127.0.0.1:${port}/cam`, format: 'auto' }, 10, true)).id;
});

after(async () => {
  await browser?.close();
  await server?.close();
  await camera?.close();
  dir.cleanup();
});

describe('a camera that changes resolution mid-stream', () => {
  test('the tile plays the first size, then follows the new one and keeps advancing; analysis goes on', async () => {
    await page.locator(`[data-testid="video-surface-${cameraId}"]`).waitFor({ timeout: 30_000 });
    let state = await tile();
    for (let i = 0; i < 300 && !(state.width === 640 && state.frames >= 10); i++) {
      await page.waitForTimeout(100);
      state = await tile();
    }
    assert.equal(state.width, 640, `the tile plays the first part (${JSON.stringify(state)})`);
    const connectionsBefore = camera.connections;

    for (let i = 0; i < 300 && state.width !== 1280; i++) {
      await page.waitForTimeout(100);
      state = await tile();
    }
    assert.equal(state.width, 1280, `the tile follows the new size (${JSON.stringify(state)})`);
    const framesAtSwitch = state.frames;
    const analysedAtSwitch = server.live.pipelineStats(cameraId)!.framesProcessed;
    await page.waitForTimeout(2_000);
    state = await tile();
    assert.ok(state.frames - framesAtSwitch >= 20, `the picture keeps advancing at the new size (${state.frames - framesAtSwitch} frames in 2 s)`);
    assert.equal(state.width, 1280);
    assert.equal(state.problem, '', 'no message on the tile');
    assert.equal(state.stalled, 'false');
    assert.equal(camera.connections, connectionsBefore, 'no reconnect was needed');
    assert.equal(health().state, 'running');
    await waitFor(
      () => server.live.pipelineStats(cameraId)!.framesProcessed >= analysedAtSwitch + 10,
      'ten more frames analysed after the switch',
      10_000,
      () => JSON.stringify(server.live.pipelineStats(cameraId)),
    );
    assert.deepEqual(pageErrors, []);
  });
});
