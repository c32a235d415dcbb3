/**
 * Camera passwords (issue 11 item 8) with a real SQLite file, a real ffmpeg and
 * a local HTTP MJPEG camera on 127.0.0.1 that demands Basic authentication:
 * the password (with "@", ":" and "/" in it) is stored sealed, never in the
 * URL column, never in any database file in clear, never returned by
 * cameras.list; the camera still authenticates with it; a wrong one is
 * reported without echoing it; plain passwords stored by an older Vigil are
 * moved into the sealed column at start and scrubbed from the files.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { LOCAL_OPERATOR } from '../../src-main/engine/api/dispatcher.js';
import { createDispatcher } from '../../src-main/engine/api/dispatcher.js';
import { createHandlers } from '../../src-main/engine/api/handlers.js';
import { Engine } from '../../src-main/engine/engine.js';
import { LiveService } from '../../src-main/engine/live/live-service.js';
import { openDatabase } from '../../src-main/engine/storage/database.js';
import { migrations } from '../../src-main/engine/storage/migrations.js';
import { resolveFfmpegPath } from '../../src-main/engine/video/ffmpeg-path.js';
import { waitFor } from '../helpers/camera-server.js';
import { installedModelPack } from '../helpers/model-pack.js';
import { hamiltonClip, tempDir } from '../helpers/paths.js';
import { filesContaining } from '../helpers/files.js';

const dir = tempDir();
const USER = 'viewer';
const PASSWORD = 'Pa@ss:w/rd#42';
const children = new Set<ChildProcess>();
let camera: Server;
let port = 0;
let authAttempts: string[] = [];

/** An IP camera: Basic auth, then multipart MJPEG made by ffmpeg from the clip (one client at a time). */
function startAuthCamera(): Promise<void> {
  camera = createServer((request, response) => {
    const header = request.headers.authorization ?? '';
    const given = header.startsWith('Basic ') ? Buffer.from(header.slice(6), 'base64').toString('utf8') : '';
    authAttempts.push(given);
    if (given !== `${USER}:${PASSWORD}`) {
      response.writeHead(401, { 'WWW-Authenticate': 'Basic realm="cam"' });
      response.end();
      return;
    }
    const ffmpeg = spawn(resolveFfmpegPath(), ['-hide_banner', '-loglevel', 'error', '-re', '-stream_loop', '-1', '-i', hamiltonClip, '-an', '-c:v', 'mjpeg', '-q:v', '8', '-f', 'mpjpeg', 'pipe:1']);
    children.add(ffmpeg);
    response.writeHead(200, { 'Content-Type': 'multipart/x-mixed-replace;boundary=ffmpeg' });
    ffmpeg.stdout.pipe(response);
    const end = () => ffmpeg.kill('SIGKILL');
    request.on('close', end);
    response.on('close', end);
  });
  return new Promise((resolve) =>
    camera.listen(0, '127.0.0.1', () => {
      port = (camera.address() as { port: number }).port;
      resolve();
    }),
  );
}


let engine: Engine;
let live: LiveService;
const dataDir = join(dir.path, 'data');

before(async () => {
  await startAuthCamera();
  engine = await Engine.open({ dataDir, modelsDir: await installedModelPack() });
  live = new LiveService(engine, { poolSize: 1 });
});

after(async () => {
  await live?.close();
  await engine?.close();
  camera?.close();
  for (const child of children) child.kill('SIGKILL');
  dir.cleanup();
});

describe('camera credentials: sealed at rest, never sent back, still used', () => {
  let cameraId = 0;

  test('a camera added with the password in its URL: the URL is stored without it, the client gets hasCredentials only, and it authenticates', async () => {
    const dispatch = createDispatcher(createHandlers(engine, live));
    const url = `http://${USER}:${encodeURIComponent(PASSWORD)}@127.0.0.1:${port}/cam`;
    const added = await dispatch('cameras.add', { name: 'Gate', source: { kind: 'http', url }, start: true }, LOCAL_OPERATOR);
    assert.ok(added.ok, JSON.stringify(added));
    const cameraOut = added.value as { id: number; source: { url: string }; hasCredentials: boolean };
    cameraId = cameraOut.id;
    assert.equal(cameraOut.source.url, `http://127.0.0.1:${port}/cam`);
    assert.equal(cameraOut.hasCredentials, true);
    await waitFor(() => live.listCameras()[0]?.health.state === 'running', 'the camera running with its password', 60_000, () => JSON.stringify(live.listCameras()[0]?.health));
    assert.ok(authAttempts.includes(`${USER}:${PASSWORD}`), 'ffmpeg sent the decrypted password');

    const listed = await dispatch('cameras.list', {}, LOCAL_OPERATOR);
    assert.ok(listed.ok);
    const wire = JSON.stringify(listed.value);
    assert.ok(!wire.includes(PASSWORD) && !wire.includes(encodeURIComponent(PASSWORD)) && !wire.includes(USER), `cameras.list leaks: ${wire}`);
    const row = engine.db.prepare('SELECT source_json, credentials FROM cameras WHERE id = ?').get(cameraId) as { source_json: string; credentials: Buffer };
    assert.ok(!row.source_json.includes(USER));
    assert.ok(row.credentials.subarray(0, 4).equals(Buffer.from('VGCR')));
  });

  test('the password is in no file of the data folder, in clear or URL-encoded', () => {
    engine.db.pragma('wal_checkpoint(PASSIVE)');
    for (const form of [PASSWORD, encodeURIComponent(PASSWORD)]) assert.deepEqual(filesContaining(dataDir, Buffer.from(form)), [], form);
  });

  test('a sealed blob only opens for its own camera', () => {
    const blob = engine.cameraRepo.sealedCredentials(cameraId)!;
    assert.deepEqual(engine.cameraCredentials.open(blob, cameraId), { username: USER, password: PASSWORD });
    assert.throws(() => engine.cameraCredentials.open(blob, cameraId + 1), (e: Error & { code?: string }) => e.code === 'CREDENTIALS_UNAVAILABLE');
  });

  test('replacing them with a wrong password: the camera says 401 and never echoes the password', async () => {
    authAttempts = [];
    const wrong = 'Wr0ng@pass:word';
    await live.setCredentials(cameraId, { username: USER, password: wrong });
    await waitFor(() => authAttempts.includes(`${USER}:${wrong}`) && /401|Unauthorized|forbidden|Invalid data/i.test(live.listCameras()[0]?.health.lastError ?? ''), 'a 401 error', 60_000, () =>
      JSON.stringify(live.listCameras()[0]?.health),
    );
    const lastError = live.listCameras()[0]?.health.lastError ?? '';
    assert.ok(!lastError.includes('Wr0ng') && !lastError.includes(encodeURIComponent(wrong)), lastError);
    await live.setCredentials(cameraId, null);
    assert.equal(live.listCameras()[0]?.hasCredentials, false);
    await live.stopCamera(cameraId);
  });

  test('a plain password stored by an older Vigil (schema 3) is sealed at the next start and scrubbed from the files', async () => {
    // As an older Vigil stored it: the URL as typed, "@" in the password unencoded (ffmpeg splits at the last "@").
    const OLD_PASSWORD = 'Old@pass:42x';
    const oldDir = join(dir.path, 'old');
    const old = openDatabase(join(oldDir, 'vigil.db'), { migrations: migrations.filter((m) => m.version <= 3) });
    old
      .prepare("INSERT INTO cameras (name, source_json, enabled, detect_fps, created_at) VALUES ('Dock', ?, 0, 10, 'then')")
      .run(JSON.stringify({ kind: 'rtsp', url: `rtsp://${USER}:${OLD_PASSWORD}@10.0.0.9:554/s1` }));
    old.close();
    assert.ok(filesContaining(oldDir, Buffer.from(OLD_PASSWORD)).length > 0, 'the old file holds it in clear');
    const upgraded = await Engine.open({ dataDir: oldDir, modelsDir: await installedModelPack() });
    try {
      const [dock] = upgraded.cameraRepo.list();
      assert.equal(dock?.source.kind === 'rtsp' && dock.source.url, 'rtsp://10.0.0.9:554/s1');
      assert.equal(dock?.hasCredentials, true);
      assert.deepEqual(upgraded.cameraCredentials.open(upgraded.cameraRepo.sealedCredentials(dock!.id)!, dock!.id), { username: USER, password: OLD_PASSWORD });
      assert.deepEqual(filesContaining(oldDir, Buffer.from(OLD_PASSWORD)), [], 'no clear copy left in the database or its WAL');
    } finally {
      await upgraded.close();
    }
  });
});
