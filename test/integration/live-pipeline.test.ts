/**
 * The live pipeline end to end in plain Node: a real HTTP camera (ffmpeg on
 * 127.0.0.1) -> supervised ffmpeg decode -> shared-memory ring -> worker pool
 * with the real models -> tracker -> identity per track -> sightings in SQLite.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { EventOf } from '../../src-preload/contract.js';
import { Engine } from '../../src-main/engine/engine.js';
import { LiveService } from '../../src-main/engine/live/live-service.js';
import { freePort, startReconnectableCameraServer, waitFor, type ReconnectableCameraServer } from '../helpers/camera-server.js';
import { enrollFiles, mirandaStillsFromClip } from '../helpers/enroll.js';
import { installedModelPack } from '../helpers/model-pack.js';
import { faceRecognitionData, tempDir } from '../helpers/paths.js';

const dir = tempDir();
let engine: Engine;
let live: LiveService;
let cameraServer: ReconnectableCameraServer | null = null;
const frames: Array<EventOf<'live.faces'>> = [];
const health: Array<EventOf<'cameras.health'>> = [];

before(async () => {
  engine = await Engine.open({ dataDir: dir.path, modelsDir: await installedModelPack() });
  live = new LiveService(engine, { poolSize: 2 });
  engine.on('live.faces', (f) => frames.push(f));
  engine.on('cameras.health', (h) => health.push(h));
  // His studio photo and two stills from the camera (see mirandaStillsFromClip): the usual 3 photos.
  const photos = [join(faceRecognitionData, 'examples_lin-manuel-miranda.png'), ...mirandaStillsFromClip(dir.path)];
  const enrolled = await enrollFiles(engine, 'Lin-Manuel Miranda', photos);
  assert.equal(enrolled.person?.templateCount, 3, 'all three photos accepted');
});

after(async () => {
  await cameraServer?.close();
  await live?.close();
  await engine?.close();
  dir.cleanup();
});

describe('live pipeline on a real HTTP camera', () => {
  let port = 0;
  let cameraId = 0;

  test('names the enrolled person on the frame the faces belong to', async () => {
    port = await freePort();
    cameraServer = await startReconnectableCameraServer(port, 'mjpeg');
    const camera = await live.addCamera('Stage', { kind: 'http', url: `http://127.0.0.1:${port}/cam` }, 10, true);
    cameraId = camera.id;
    await waitFor(
      () => frames.some((f) => f.faces.some((face) => face.personName === 'Lin-Manuel Miranda' && face.status === 'member')),
      'a live frame naming Lin-Manuel Miranda',
      90_000,
      () => JSON.stringify(live.listCameras()[0]?.health),
    );
    // Let the clip play on to its crowd scene (8 s in: strangers) and back to the start, so
    // those tracks end as unknown visits (checked below, after the camera stops).
    await waitFor(() => frames.some((f) => f.faces.length >= 4), 'the crowd scene of the clip', 60_000);
    const crowdSeq = frames.find((f) => f.faces.length >= 4)!.frameSeq;
    await waitFor(() => frames.some((f) => f.frameSeq > crowdSeq + 30), 'the clip to move on from the crowd', 60_000);
    const named = frames.find((f) => f.faces.some((face) => face.personName === 'Lin-Manuel Miranda'))!;
    assert.equal(named.cameraId, cameraId);
    assert.equal(named.width, 640);
    assert.equal(named.height, 360);
    // The faces carry their frame's time in the camera's video (a live source: showinfo is on for the display).
    assert.equal(typeof named.ptsS, 'number');
    // The camera's display video (MJPEG over HTTP: encoded to H.264, so only while watched) reaches
    // a viewer, init segment first.
    const hub = live.videoHub(cameraId)!;
    assert.equal(hub.codec, null, 'nobody watched: nothing was encoded');
    const received: Buffer[] = [];
    let endedBy: string | null = null;
    const unsubscribe = live.subscribeVideo(cameraId, { send: (b) => received.push(b), bufferedBytes: () => 0, end: (reason) => (endedBy = reason) })!;
    await waitFor(() => hub.stats().keyframes > 0 && received.length >= 2, 'the display video for the viewer', 60_000);
    unsubscribe();
    assert.equal(endedBy, null, 'the viewer who started the video was not cut off by its start');
    assert.match(hub.codec ?? '', /^avc1\./);
    assert.equal(Buffer.concat(received).toString('latin1', 4, 8), 'ftyp');
    const face = named.faces.find((f) => f.personName === 'Lin-Manuel Miranda')!;
    assert.ok(face.trackId !== null && face.score! >= engine.matchPolicy.threshold);
    assert.equal(face.landmarks.length, 5);
    const h = live.listCameras().find((c) => c.id === cameraId)!.health;
    assert.equal(h.state, 'running');
    assert.ok(h.processedFps > 0);
  });

  test('a camera that drops is brought back, and sightings already made are kept', async () => {
    const sightingsBefore = engine.listSightings(1000).length;
    assert.ok(sightingsBefore > 0);
    await cameraServer!.close();
    await waitFor(() => live.listCameras()[0]!.health.state === 'reconnecting', 'reconnecting after the camera died', 30_000);
    assert.ok(live.listCameras()[0]!.health.lastError, 'the reason is reported');
    cameraServer = await startReconnectableCameraServer(port, 'mjpeg');
    const framesBefore = frames.length;
    await waitFor(
      () => live.listCameras()[0]!.health.state === 'running' && frames.length > framesBefore + 5,
      'running again with frames flowing',
      60_000,
      () => JSON.stringify(live.listCameras()[0]!.health),
    );
    assert.ok(engine.listSightings(1000).length >= sightingsBefore);
    assert.ok(health.some((h) => h.cameraId === cameraId && h.health.state === 'reconnecting'), 'health was pushed as an event');
    // ...and the reason was logged for the administrator.
    const log = readFileSync(join(dir.path, 'logs', 'vigil.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const entry = log.find((e) => e.area === 'camera' && e.message === 'camera reconnecting' && e.cameraId === cameraId);
    assert.ok(entry, 'a reconnect is logged');
    assert.ok(typeof entry.lastError === 'string' && entry.lastError.length > 0, 'with its reason');
    // ...and the operator got one "camera offline" alert for the drop (not one per retry).
    const offline = engine.alerts.list(100, false).filter((a) => a.rule === 'camera_offline' && a.cameraId === cameraId);
    assert.equal(offline.length, 1, JSON.stringify(offline));
    assert.equal(offline[0]!.priority, 'medium');
  });

  test('one sighting per track visit, not per frame; stopping closes them', async () => {
    const stopped = await live.stopCamera(cameraId);
    assert.equal(stopped.health.state, 'stopped');
    const sightings = engine.listSightings(1000);
    const framesWithFaces = frames.filter((f) => f.faces.length > 0).length;
    assert.ok(sightings.length < framesWithFaces / 2, `${sightings.length} sightings for ${framesWithFaces} frames with faces`);
    const lmm = sightings.filter((s) => s.personName === 'Lin-Manuel Miranda');
    assert.ok(lmm.length >= 1);
    assert.ok(lmm.some((s) => s.frames > 5 && s.bestScore! >= engine.matchPolicy.threshold && s.status === 'member'));
    for (const s of sightings) assert.ok(s.lastSeen >= s.firstSeen);
  });

  test('tracks that ended unknown became visits of unknown-person clusters (one per track), members never', async () => {
    await engine.unknowns.idle();
    const clustered = engine.listSightings(1000).filter((s) => s.clusterId !== null);
    assert.ok(clustered.length > 0, 'the clip shows people who are not enrolled');
    assert.ok(clustered.every((s) => s.status === 'unknown'));
    const clusters = engine.unknowns.list(1000);
    const visits = clusters.reduce((n, c) => n + c.appearances, 0);
    assert.equal(visits, clustered.length, 'one visit per clustered sighting, not per frame');
    assert.ok(clusters.every((c) => c.faces.length <= 5 && c.cameras.every((name) => name === 'Stage')), JSON.stringify(clusters.map((c) => c.cameras)));
  });

  test('an unreachable camera is reported, not fatal', async () => {
    const closedPort = await freePort();
    const camera = await live.addCamera('Gate', { kind: 'http', url: `http://127.0.0.1:${closedPort}/nothing` }, 5, true);
    await waitFor(
      () => ['reconnecting', 'failed'].includes(live.listCameras().find((c) => c.id === camera.id)!.health.state),
      'the unreachable camera to report its state',
      30_000,
    );
    assert.match(live.listCameras().find((c) => c.id === camera.id)!.health.lastError ?? '', /refused|Connection|Input\/output/i);
    assert.equal((await live.removeCamera(camera.id)), true);
  });

  test('bad camera requests: a missing video file and an unknown id', async () => {
    await assert.rejects(live.addCamera('Nope', { kind: 'file', path: join(dir.path, 'missing.mp4'), loop: true }, 10, true), /not found/);
    await assert.rejects(live.startCamera(9999), /No camera with id 9999/);
  });
});
