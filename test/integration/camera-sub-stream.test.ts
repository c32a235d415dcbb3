/**
 * Camera sub-streams on the engine side, with a real SQLite file, real ffmpeg and two local HTTP
 * MJPEG streams of the same clip (640 and 320 px wide) that ask for a login:
 * - the sub-stream URL is checked like the main one and its login taken out of it and sealed
 *   (the camera's one login; two different ones are refused);
 * - its display hub carries the small stream (the init segment's track is 320 px wide), the main
 *   hub the main one (640), the analysis the main one;
 * - its ffmpeg runs only while someone watches, and stops after the linger once nobody does.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createDispatcher, LOCAL_OPERATOR } from '../../src-main/engine/api/dispatcher.js';
import { createHandlers } from '../../src-main/engine/api/handlers.js';
import { Engine } from '../../src-main/engine/engine.js';
import { LiveService, type VideoStreamChoice } from '../../src-main/engine/live/live-service.js';
import { freePort, startReconnectableCameraServer, waitFor, type ReconnectableCameraServer } from '../helpers/camera-server.js';
import { filesContaining } from '../helpers/files.js';
import { installedModelPack } from '../helpers/model-pack.js';
import { tempDir } from '../helpers/paths.js';

const dir = tempDir('vigil-sub-stream-');
const dataDir = join(dir.path, 'data');
const login = { username: 'viewer', password: 'Pa@ss:w/rd#7' };
const LINGER_MS = 500;
let engine: Engine;
let live: LiveService;
let main: ReconnectableCameraServer;
let sub: ReconnectableCameraServer;
let mainPort = 0;
let subPort = 0;

before(async () => {
  [mainPort, subPort] = [await freePort(), await freePort()];
  main = await startReconnectableCameraServer(mainPort, 'mjpeg', undefined, { login });
  sub = await startReconnectableCameraServer(subPort, 'mjpeg', undefined, { login, width: 320 });
  engine = await Engine.open({ dataDir, modelsDir: await installedModelPack() });
  live = new LiveService(engine, { poolSize: 1, displayLingerMs: LINGER_MS });
});

after(async () => {
  await live?.close();
  await engine?.close();
  await main?.close();
  await sub?.close();
  dir.cleanup();
});

/** Width and height of the video track in an init segment (tkhd: 16.16 fixed point, its last 8 bytes). */
function trackSize(init: Buffer): { width: number; height: number } | null {
  const at = init.indexOf('tkhd', 0, 'latin1');
  if (at < 4) return null;
  const end = at - 4 + init.readUInt32BE(at - 4);
  return { width: init.readUInt32BE(end - 8) >>> 16, height: init.readUInt32BE(end - 4) >>> 16 };
}

/** Watches one stream of the camera until its init segment arrives; returns its track size and the unsubscribe. */
async function watch(cameraId: number, stream: VideoStreamChoice) {
  const chunks: Buffer[] = [];
  const unsubscribe = live.subscribeVideo(cameraId, { send: (bytes) => chunks.push(bytes), bufferedBytes: () => 0, end: () => undefined }, stream);
  assert.ok(unsubscribe, `the ${stream} stream has a hub`);
  await waitFor(() => trackSize(Buffer.concat(chunks)) !== null && chunks.length >= 3, `the ${stream} stream's init segment and fragments`, 60_000);
  return { size: trackSize(Buffer.concat(chunks))!, unsubscribe };
}

describe('a camera with a sub-stream', () => {
  const dispatch = () => createDispatcher(createHandlers(engine, live));
  const url = (port: number, path: string, withLogin = false) =>
    `http://${withLogin ? `${login.username}:${encodeURIComponent(login.password)}@` : ''}127.0.0.1:${port}/${path}`;
  let cameraId = 0;

  test('refused: a sub-stream URL of another scheme, and two different logins', async () => {
    const badScheme = await dispatch()('cameras.add', { name: 'X', source: { kind: 'http', url: url(mainPort, 'main'), subStreamUrl: 'rtsp://127.0.0.1/sub' }, start: false }, LOCAL_OPERATOR);
    assert.equal(badScheme.ok, false);
    assert.match(JSON.stringify(badScheme), /BAD_REQUEST.*must start with http:\/\/ or https:\/\/.*source\.subStreamUrl/);
    const twoLogins = await dispatch()(
      'cameras.add',
      { name: 'X', source: { kind: 'http', url: url(mainPort, 'main', true), subStreamUrl: `http://other:pw@127.0.0.1:${subPort}/sub` }, start: false },
      LOCAL_OPERATOR,
    );
    assert.equal(twoLogins.ok, false);
    assert.match(JSON.stringify(twoLogins), /BAD_REQUEST.*different user names or passwords/);
    assert.equal(live.listCameras().length, 0);
  });

  test('the login in the sub-stream URL only is the camera\'s: stored sealed, out of both URLs, used for both streams', async () => {
    const added = await dispatch()('cameras.add', { name: 'Gate', source: { kind: 'http', url: url(mainPort, 'main'), subStreamUrl: url(subPort, 'sub', true) }, start: true }, LOCAL_OPERATOR);
    assert.ok(added.ok, JSON.stringify(added));
    const camera = added.value as { id: number; source: unknown; hasCredentials: boolean };
    cameraId = camera.id;
    assert.deepEqual(camera.source, { kind: 'http', url: url(mainPort, 'main'), subStreamUrl: url(subPort, 'sub') });
    assert.equal(camera.hasCredentials, true);
    const health = () => live.listCameras()[0]!.health;
    await waitFor(() => health().state === 'running' && health().processedFps > 0, 'the main stream analysed with the login', 60_000, () => JSON.stringify(health()));
    assert.deepEqual([health().width, health().height], [640, 360]);
    engine.db.pragma('wal_checkpoint(PASSIVE)');
    for (const form of [login.password, encodeURIComponent(login.password)]) assert.deepEqual(filesContaining(dataDir, Buffer.from(form)), [], form);
  });

  test('the sub-stream runs only while watched: 320 px on its hub, 640 on the main one; it stops after the linger', async () => {
    assert.equal(live.subStreamActive(cameraId), false);
    assert.equal(sub.connections, 0, 'nobody watches: the sub-stream is not opened');

    const small = await watch(cameraId, 'sub');
    assert.deepEqual(small.size, { width: 320, height: 180 });
    assert.equal(live.subStreamActive(cameraId), true);
    assert.ok(sub.connections >= 1, 'opened with the camera\'s login');
    const large = await watch(cameraId, 'main');
    assert.deepEqual(large.size, { width: 640, height: 360 });

    small.unsubscribe();
    large.unsubscribe();
    await waitFor(() => !live.subStreamActive(cameraId), 'the sub-stream stopped after the linger', LINGER_MS + 15_000);
    assert.equal(live.videoHub(cameraId, 'sub')!.codec, null, 'the stopped stream\'s init segment is not offered to a later viewer');
    // The analysis goes on meanwhile, on the main stream.
    assert.equal(live.listCameras()[0]!.health.state, 'running');
  });

  test('a camera without a sub-stream has no sub hub', async () => {
    const camera = await live.addCamera('Lobby', { kind: 'http', url: url(mainPort, 'main') }, 5, false, login);
    assert.equal(camera.source.kind === 'http' && camera.source.subStreamUrl, undefined);
    await live.startCamera(camera.id);
    assert.notEqual(live.videoHub(camera.id, 'main'), null);
    assert.equal(live.videoHub(camera.id, 'sub'), null);
    await live.stopCamera(camera.id);
  });
});
