/**
 * An RTSP camera (the usual CCTV protocol), end to end, in Debian's Chromium against the real host:
 * the camera is a local RTSP server (test/helpers/rtsp-camera.ts: RTSP signalling with TCP
 * interleaving, the RTP made by real ffmpeg from the Hamilton clip's own H.264). It is analysed;
 * its H.264 is copied, not encoded, to its tile, which plays at the source's rate; and the boxes
 * drawn on the tile come from analysed frames on the video's own clock (RTP time through
 * `-copyts`), so the overlay lag is a frame or two, not the seconds or hours a clock mismatch gives.
 * Then an H.265 camera: analysed, and H.264 is encoded from it for its tile, on the same clock.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type Browser, type Page } from 'playwright-core';
import { startServer, type RunningServer } from '../../src-main/server/server.js';
import { buildRenderer, ensureOperator, launchChromium, openReadyConsole, openTab, readVideoTile } from '../helpers/e2e-console.js';
import { freePort, waitFor } from '../helpers/camera-server.js';
import { installedModelPack } from '../helpers/model-pack.js';
import { tempDir } from '../helpers/paths.js';
import { startRtspCamera, type RtspCamera } from '../helpers/rtsp-camera.js';
import { resolveFfmpegPath } from '../../src-main/engine/video/ffmpeg-path.js';
import { hamiltonClip } from '../helpers/paths.js';
import { spawnSync } from 'node:child_process';

const dir = tempDir('vigil-e2e-rtsp-');
let server: RunningServer;
let camera: RtspCamera;
let browser: Browser;
let page: Page;
let cameraId = 0;
const pageErrors: string[] = [];

before(async () => {
  camera = await startRtspCamera(await freePort());
  const staticDir = buildRenderer(dir.path);
  server = await startServer({ dataDir: join(dir.path, 'data'), modelsDir: await installedModelPack(), host: '127.0.0.1', port: 0, staticDir });
  await ensureOperator(server.engine);
  cameraId = (await server.live.addCamera('Dock', { kind: 'rtsp', url: camera.url }, undefined, true)).id;
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.close();
  await camera?.close();
  dir.cleanup();
});

const health = (id = cameraId) => server.live.listCameras().find((c) => c.id === id)!.health;

const tile = (id = cameraId) => readVideoTile(page, id);

/**
 * Samples the tile for a few seconds (the clip has faces most of the time): boxes are drawn, and
 * they come from analysed frames on the video's own clock (a lag of frames, not seconds or hours).
 */
async function assertBoxesOnVideoClock(id: number): Promise<void> {
  const lags: number[] = [];
  for (let i = 0; i < 100 && lags.length < 10; i++) {
    await page.waitForTimeout(100);
    const sample = await tile(id);
    if (sample.faces > 0 && sample.lagMs !== null && Number.isFinite(sample.lagMs)) lags.push(sample.lagMs);
  }
  assert.ok(lags.length >= 10, `faces drawn on the tile (${lags.length} samples with faces)`);
  lags.sort((a, b) => a - b);
  const median = lags[Math.floor(lags.length / 2)]!;
  assert.ok(median >= 0 && median < 1_500, `boxes come from analysed frames on the video's clock: median lag ${median} ms (${lags.join(', ')})`);
}

describe('an RTSP camera', () => {
  test('is analysed: frames arrive over RTSP (TCP) and faces are found', async () => {
    await waitFor(() => health().state === 'running' && (server.live.pipelineStats(cameraId)?.facesDetected ?? 0) > 0, 'faces found on the RTSP camera', 60_000, () => JSON.stringify(health()));
    assert.ok(camera.plays >= 1);
  });

  test('on the wall: its H.264 is copied to the tile, which plays, with boxes from frames on the same clock', async () => {
    page = await openReadyConsole(browser, server.url, pageErrors);
    await openTab(page, 'Live');
    let state = await tile();
    for (let i = 0; i < 600 && state.frames < 30; i++) {
      await page.waitForTimeout(100);
      state = await tile();
    }
    assert.ok(state.frames >= 30, `the tile plays (${JSON.stringify(state)})`);
    assert.equal(state.width, 640);
    assert.equal(state.problem, '');
    assert.match(server.live.videoHub(cameraId)!.codec ?? '', /^avc1\./, 'copied H.264');

    await assertBoxesOnVideoClock(cameraId);
    assert.equal(health().state, 'running');
    assert.deepEqual(pageErrors, []);
  });

  test('the camera reboots (every session dropped): the engine reconnects and the tile plays again', async () => {
    const playsBefore = camera.plays;
    const processedBefore = server.live.pipelineStats(cameraId)!.framesProcessed;
    camera.dropSessions();
    await waitFor(() => camera.plays > playsBefore, 'the engine playing the stream again', 60_000, () => JSON.stringify(health()));
    await waitFor(() => health().state === 'running' && (server.live.pipelineStats(cameraId)?.framesProcessed ?? 0) > processedBefore + 10, 'analysis again', 60_000, () => JSON.stringify(health()));
    // The tile reconnects to the new stream (its counter may restart with the new connection).
    let advanced = 0;
    for (let attempt = 0; attempt < 30 && advanced < 20; attempt++) {
      const start = (await tile()).frames;
      await page.waitForTimeout(1_000);
      advanced = (await tile()).frames - start;
    }
    assert.ok(advanced >= 20, `the tile plays again (${advanced} frames in a second)`);
    assert.equal((await tile()).problem, '');
    assert.deepEqual(pageErrors, []);
  });
});

describe('an RTSP camera that sends H.265 (as many current cameras do)', () => {
  let hevcCamera: RtspCamera;
  let hevcId = 0;

  before(async () => {
    // The first camera is stopped so this one has the machine.
    await server.live.stopCamera(cameraId);
    const clip = join(dir.path, 'hevc.mp4');
    const encoded = spawnSync(
      resolveFfmpegPath(),
      ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', '-i', hamiltonClip, '-an', '-c:v', 'libx265', '-preset', 'ultrafast', '-x265-params', 'log-level=error:keyint=30', '-tag:v', 'hvc1', clip],
      { encoding: 'utf8' },
    );
    assert.equal(encoded.status, 0, encoded.stderr);
    hevcCamera = await startRtspCamera(await freePort(), clip);
    hevcId = (await server.live.addCamera('Yard', { kind: 'rtsp', url: hevcCamera.url }, undefined, true)).id;
  });

  after(async () => {
    await hevcCamera?.close();
  });

  test('is analysed, and its tile plays H.264 encoded from it once watched', async () => {
    await waitFor(() => health(hevcId).state === 'running' && (server.live.pipelineStats(hevcId)?.facesDetected ?? 0) > 0, 'faces found on the H.265 camera', 60_000, () => JSON.stringify(health(hevcId)));
    let state = await tile(hevcId);
    for (let i = 0; i < 900 && state.frames < 30; i++) {
      await page.waitForTimeout(100);
      state = await tile(hevcId);
    }
    assert.ok(state.frames >= 30, `the tile plays (${JSON.stringify(state)})`);
    assert.equal(state.width, 640);
    assert.equal(state.problem, '');
    assert.match(server.live.videoHub(hevcId)!.codec ?? '', /^avc1\./, 'H.264 made for the browser');
    await assertBoxesOnVideoClock(hevcId);
    assert.equal(health(hevcId).state, 'running');
    assert.deepEqual(pageErrors, []);
  });
});
