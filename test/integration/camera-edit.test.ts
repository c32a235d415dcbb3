/**
 * Editing a camera in place (cameras.update) with a real SQLite file, real ffmpeg and two local
 * HTTP MJPEG cameras on 127.0.0.1 that ask for a login: a running camera moves to a new source
 * and its frames come from it (their size says which), the old ffmpeg is gone; it keeps its id,
 * sightings, restricted flag and attendance direction; the login follows the camera on its own
 * host and is never sent to another one; a stopped camera stays stopped; bad edits change
 * nothing; names stay unique; the audit entry names fields and values, never a secret.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { permissions, type Camera, type Permission } from '../../src-preload/contract.js';
import { createDispatcher, type Dispatch } from '../../src-main/engine/api/dispatcher.js';
import { createHandlers } from '../../src-main/engine/api/handlers.js';
import { Engine } from '../../src-main/engine/engine.js';
import { LiveService } from '../../src-main/engine/live/live-service.js';
import { freePort, startReconnectableCameraServer, waitFor, type ReconnectableCameraServer } from '../helpers/camera-server.js';
import { filesContaining } from '../helpers/files.js';
import { installedModelPack } from '../helpers/model-pack.js';
import { hamiltonClip, sharedData, tempDir } from '../helpers/paths.js';

const vtestClip = join(sharedData, 'video', 'vtest.avi');
const dir = tempDir('vigil-camera-edit-');
const dataDir = join(dir.path, 'data');
const login = { username: 'keeper', password: 'Edit@pass:w/rd#7' };
const admin = { operator: 'Site Admin', permissions: new Set<Permission>(permissions) };
let engine: Engine;
let live: LiveService;
let dispatch: Dispatch;
let wide: ReconnectableCameraServer;
let small: ReconnectableCameraServer;
let widePort = 0;
let smallPort = 0;

before(async () => {
  engine = await Engine.open({ dataDir, modelsDir: await installedModelPack() });
  live = new LiveService(engine, { poolSize: 1 });
  dispatch = createDispatcher(createHandlers(engine, live));
  [widePort, smallPort] = [await freePort(), await freePort()];
  wide = await startReconnectableCameraServer(widePort, 'mjpeg', undefined, { login });
  small = await startReconnectableCameraServer(smallPort, 'mjpeg', undefined, { login, width: 320 });
});

after(async () => {
  await live?.close();
  await engine?.close();
  await wide?.close();
  await small?.close();
  dir.cleanup();
});

async function ok<T = Camera>(channel: string, request: unknown, caller = admin): Promise<T> {
  const result = await dispatch(channel, request, caller);
  assert.equal(result.ok, true, JSON.stringify(result));
  return (result as { value: T }).value;
}

async function refused(channel: string, request: unknown, caller = admin): Promise<{ code: string; message: string }> {
  const result = await dispatch(channel, request, caller);
  assert.equal(result.ok, false, `expected a refusal: ${JSON.stringify(result)}`);
  return (result as { error: { code: string; message: string } }).error;
}

const camera = (id: number) => live.listCameras().find((c) => c.id === id)!;
const row = (id: number) => engine.db.prepare('SELECT * FROM cameras WHERE id = ?').get(id);
const edits = () => engine.auditLog.list({ action: 'camera.updated' });

/** ffmpeg processes this test process started that read `needle` (a clip path or a URL part). */
function ffmpegChildrenReading(needle: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== process.pid) continue;
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (/ffmpeg/.test(cmdline[0] ?? '') && cmdline.some((arg) => arg.includes(needle))) found.push(Number(entry));
    } catch {
      // The process ended while being read.
    }
  }
  return found;
}

describe('cameras.update: a camera edited in place', () => {
  test('a running file camera moves to another file: its frames come from the new one, the old ffmpeg is gone, its history and settings stay', async () => {
    const added = await ok('cameras.add', { name: 'Stage', source: { kind: 'file', path: hamiltonClip, loop: true }, detectFps: 5, start: true });
    await ok('cameras.setRestricted', { id: added.id, restricted: true });
    await ok('attendance.cameras.setDirection', { id: added.id, direction: 'entry' });
    const sighting = engine.sightingRepo.insert({ cameraId: added.id, cameraName: 'Stage', personId: null, status: 'unknown', trackId: 1, firstSeen: new Date(), lastSeen: new Date(), bestScore: null, frames: 3 });
    await waitFor(() => camera(added.id).health.state === 'running' && camera(added.id).health.width === 640, 'the first clip decoded', 90_000, () => JSON.stringify(camera(added.id).health));
    assert.equal(ffmpegChildrenReading(hamiltonClip).length, 1, 'one ffmpeg reads the first clip');

    const edited = await ok('cameras.update', { id: added.id, name: 'Lobby', source: { kind: 'file', path: vtestClip, loop: true }, detectFps: 4 });
    assert.equal(edited.id, added.id);
    assert.equal(edited.name, 'Lobby');
    assert.equal(edited.detectFps, 4);
    assert.equal(edited.restricted, true, 'the restricted flag is kept');
    assert.deepEqual(edited.source, { kind: 'file', path: vtestClip, loop: true });
    await waitFor(
      () => camera(added.id).health.state === 'running' && camera(added.id).health.width === 768 && camera(added.id).health.height === 576,
      'frames of the second clip (768x576)',
      90_000,
      () => JSON.stringify(camera(added.id).health),
    );
    const frames = live.pipelineStats(added.id)!;
    const decodedBefore = JSON.stringify(frames);
    await waitFor(() => JSON.stringify(live.pipelineStats(added.id)) !== decodedBefore, 'more frames of the new clip', 30_000);
    assert.deepEqual(ffmpegChildrenReading(hamiltonClip), [], 'the old ffmpeg was stopped');
    assert.equal(ffmpegChildrenReading(vtestClip).length, 1, 'one ffmpeg reads the new clip');

    const directions = await ok<Array<{ id: number; direction: string }>>('attendance.cameras.list', {});
    assert.equal(directions.find((d) => d.id === added.id)?.direction, 'entry', 'the attendance direction is kept');
    assert.equal((engine.db.prepare('SELECT camera_id FROM sightings WHERE id = ?').get(sighting.id) as { camera_id: number }).camera_id, added.id, 'its sightings still link to it');

    const [entry] = edits();
    assert.equal(entry?.operator, 'Site Admin');
    assert.equal(entry?.subjectLabel, 'Lobby');
    assert.deepEqual(entry?.details, {
      changes: {
        name: { from: 'Stage', to: 'Lobby' },
        detectFps: { from: 5, to: 4 },
        file: { from: 'short_hamilton_clip.mp4', to: 'vtest.avi' },
      },
    });
    await ok('cameras.stop', { id: added.id });
    await ok('cameras.remove', { id: added.id });
  });

  test('a running HTTP camera moves to another port of its host: the login follows it, frames come from the new stream', async () => {
    const added = await ok('cameras.add', { name: 'Gate', source: { kind: 'http', url: `http://127.0.0.1:${widePort}/main` }, credentials: login, start: true });
    await waitFor(() => camera(added.id).health.state === 'running' && camera(added.id).health.width === 640, 'the 640 px stream', 90_000, () => JSON.stringify(camera(added.id).health));

    const edited = await ok('cameras.update', { id: added.id, source: { kind: 'http', url: `http://127.0.0.1:${smallPort}/small` } });
    assert.equal(edited.hasCredentials, true, 'same host: the login is kept');
    await waitFor(() => camera(added.id).health.state === 'running' && camera(added.id).health.width === 320, 'the 320 px stream', 90_000, () => JSON.stringify(camera(added.id).health));
    // The new stream serves nobody without the login (ffmpeg asks once without it, then with it).
    assert.ok(small.connections >= 1, 'the new stream was opened with the login');
  });

  test('to another host without a new login: refused in plain words, nothing changed, the camera still runs', async () => {
    const gate = live.listCameras().find((c) => c.name === 'Gate')!;
    const rowBefore = row(gate.id);
    const editsBefore = edits().length;
    const error = await refused('cameras.update', { id: gate.id, source: { kind: 'http', url: `http://localhost:${smallPort}/small` } });
    assert.equal(error.code, 'BAD_REQUEST');
    assert.match(error.message, /given for 127\.0\.0\.1.*not send them to localhost.*user name and password/);
    assert.ok(!error.message.includes(login.password));
    assert.deepEqual(row(gate.id), rowBefore);
    assert.equal(edits().length, editsBefore);
    assert.equal(camera(gate.id).health.state, 'running');

    // A sub-stream on another host would get the login too: refused the same way.
    const sub = await refused('cameras.update', { id: gate.id, subStreamUrl: `http://localhost:${widePort}/main` });
    assert.match(sub.message, /not send them to localhost/);
    assert.deepEqual(row(gate.id), rowBefore);
  });

  test('to another host with a new login (in the URL) or none: accepted, audited without the secrets', async () => {
    const gate = live.listCameras().find((c) => c.name === 'Gate')!;
    const viaUrl = await ok('cameras.update', { id: gate.id, source: { kind: 'http', url: `http://${login.username}:${encodeURIComponent(login.password)}@localhost:${smallPort}/small` } });
    assert.equal(viaUrl.hasCredentials, true);
    assert.equal(viaUrl.source.kind === 'http' && viaUrl.source.url, `http://localhost:${smallPort}/small`, 'the stored URL has no login');
    await waitFor(() => camera(gate.id).health.state === 'running' && camera(gate.id).health.width === 320, 'the stream on the new host', 90_000, () => JSON.stringify(camera(gate.id).health));

    const none = await ok('cameras.update', { id: gate.id, source: { kind: 'http', url: `http://127.0.0.1:${widePort}/main` }, credentials: null });
    assert.equal(none.hasCredentials, false);
    assert.equal(engine.cameraRepo.sealedCredentials(gate.id), null);
    await waitFor(() => /401|Unauthorized/i.test(camera(gate.id).health.lastError ?? ''), 'the camera refusing a client without a login', 60_000, () => JSON.stringify(camera(gate.id).health));
    await ok('cameras.stop', { id: gate.id });

    const [noneEntry, urlEntry] = edits();
    assert.deepEqual(urlEntry?.details, { changes: { url: { from: `http://127.0.0.1:${smallPort}/small`, to: `http://localhost:${smallPort}/small` }, credentials: 'replaced' } });
    assert.deepEqual(noneEntry?.details, { changes: { url: { from: `http://localhost:${smallPort}/small`, to: `http://127.0.0.1:${widePort}/main` }, credentials: 'removed' } });
    const trail = JSON.stringify(engine.auditLog.list());
    for (const secret of [login.password, encodeURIComponent(login.password), login.username]) assert.ok(!trail.includes(secret), `the audit trail holds ${secret}`);
    engine.db.pragma('wal_checkpoint(PASSIVE)');
    for (const form of [login.password, encodeURIComponent(login.password)]) assert.deepEqual(filesContaining(dataDir, Buffer.from(form)), [], form);
  });

  test('a stopped camera stays stopped; a bad edit changes nothing; names stay unique; a viewer may not edit', async () => {
    const dock = await ok('cameras.add', { name: 'Dock', source: { kind: 'rtsp', url: 'rtsp://10.0.0.5:554/s1' }, credentials: login, start: false });
    const moved = await ok('cameras.update', { id: dock.id, source: { kind: 'rtsp', url: 'rtsp://10.0.0.5:8554/stream2' }, subStreamUrl: 'rtsp://10.0.0.5:8554/stream3' });
    assert.deepEqual(moved.source, { kind: 'rtsp', url: 'rtsp://10.0.0.5:8554/stream2', subStreamUrl: 'rtsp://10.0.0.5:8554/stream3' });
    assert.equal(moved.enabled, false);
    assert.equal(moved.health.state, 'stopped');
    assert.equal(moved.hasCredentials, true, 'a new port and path on the same host keep the login');
    assert.equal(ffmpegChildrenReading('10.0.0.5').length, 0, 'no ffmpeg started for a stopped camera');
    assert.deepEqual(engine.cameraCredentials.open(engine.cameraRepo.sealedCredentials(dock.id)!, dock.id), login);

    const rowBefore = row(dock.id);
    const editsBefore = edits().length;
    const cases: Array<[string, unknown, string, RegExp]> = [
      ['a URL of another scheme', { source: { kind: 'rtsp', url: 'ftp://10.0.0.5/s1' } }, 'BAD_REQUEST', /rtsp:\/\//],
      ['a sub-stream of another kind', { subStreamUrl: 'http://10.0.0.5/small.mjpg' }, 'BAD_REQUEST', /Sub-stream URL.*rtsp:\/\//],
      ['a file that does not exist', { source: { kind: 'file', path: join(dir.path, 'missing.mp4'), loop: true } }, 'NOT_FOUND', /Video file not found/],
      ['a login twice', { source: { kind: 'rtsp', url: 'rtsp://a:b@10.0.0.5/s1' }, credentials: login }, 'BAD_REQUEST', /once/],
      ['an empty name', { name: '   ' }, 'BAD_REQUEST', /name/],
      ['another camera\'s name (any case)', { name: ' lobby  ' }, 'CONFLICT', /already named/],
      ['a detection rate out of range', { detectFps: 100 }, 'BAD_REQUEST', /30/],
      ['a field add does not know', { start: true }, 'BAD_REQUEST', /start|Unrecognized/i],
    ];
    await ok('cameras.add', { name: 'Lobby', source: { kind: 'webcam', device: '0' }, start: false });
    for (const [what, patch, code, message] of cases) {
      const error = await refused('cameras.update', { id: dock.id, ...(patch as object) });
      assert.equal(error.code, code, what);
      assert.match(error.message, message, `${what}: ${error.message}`);
    }
    assert.deepEqual(row(dock.id), rowBefore, 'nothing changed');
    assert.equal(edits().length, editsBefore, 'nothing audited');

    assert.equal((await refused('cameras.update', { id: 9999, name: 'Ghost' })).code, 'NOT_FOUND');
    const viewer = { operator: 'Guard', permissions: new Set<Permission>(['cameras.read']) };
    assert.equal((await refused('cameras.update', { id: dock.id, name: 'Pier' }, viewer)).code, 'FORBIDDEN');
    assert.equal((await refused('cameras.add', { name: 'DOCK', source: { kind: 'webcam', device: '1' }, start: false })).code, 'CONFLICT', 'add refuses a taken name too');

    // Its own name in another case is not a clash; the same values again are no change at all.
    assert.equal((await ok('cameras.update', { id: dock.id, name: 'DOCK' })).name, 'DOCK');
    const count = edits().length;
    await ok('cameras.update', { id: dock.id, name: 'DOCK', detectFps: moved.detectFps });
    assert.equal(edits().length, count, 'no change, no entry');

    // A webcam has no use for a login: it is dropped, and the trail says so.
    const webcam = await ok('cameras.update', { id: dock.id, source: { kind: 'webcam', device: '/dev/video9' } });
    assert.equal(webcam.hasCredentials, false);
    assert.equal(engine.cameraRepo.sealedCredentials(dock.id), null);
    assert.equal(edits()[0]?.details.changes && (edits()[0]!.details.changes as { credentials: string }).credentials, 'removed');
    assert.equal((await refused('cameras.update', { id: dock.id, subStreamUrl: null })).message, 'Only RTSP and HTTP cameras have a sub-stream');
  });
});
