/**
 * The remote matcher wired into the app, against the fake Rekognition on 127.0.0.1 with the real
 * SDK: enrollment indexes faces (and queues them while the service is away, across a restart),
 * deactivation and erasure delete them (an erasure says "pending" while it cannot), the export
 * lists them, status reports the matcher, and a camera asks about a visit once per track and
 * names it with the answer (source "remote").
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { LOCAL_OPERATOR } from '../../src-main/engine/api/dispatcher.js';
import { Engine, type EngineOptions } from '../../src-main/engine/engine.js';
import { CameraPipeline } from '../../src-main/engine/live/camera-pipeline.js';
import { RemoteVisitNaming } from '../../src-main/engine/live/remote-naming.js';
import type { InferencePool } from '../../src-main/engine/inference/inference-pool.js';
import type { DetectResult, EmbedResult, FrameRef } from '../../src-main/engine/inference/worker-protocol.js';
import { RekognitionMatcher } from '../../src-main/engine/remote/rekognition-matcher.js';
import { seededRandom } from '../../src-main/engine/util/seeded-random.js';
import { FrameRing } from '../../src-main/engine/video/frame-ring.js';
import type { Detection, RgbImage } from '../../src-main/engine/vision/geometry.js';
import { encodeJpeg } from '../../src-main/engine/vision/image-io.js';
import { runCli } from '../helpers/cli.js';
import { enrollFiles } from '../helpers/enroll.js';
import { startFakeRekognition, type FakeRekognition } from '../helpers/fake-rekognition.js';
import { installedModelPack } from '../helpers/model-pack.js';
import { faceRecognitionData as photos, hamiltonClip, tempDir } from '../helpers/paths.js';

const COLLECTION = 'vigil-site';
const credentials = { accessKeyId: 'AKIDVIGILWIRING', secretAccessKey: 'not-a-secret' };
const dir = tempDir();
let fake: FakeRekognition;
let modelsDir: string;
after(async () => {
  await fake?.stop();
  dir.cleanup();
});
before(async () => {
  fake = await startFakeRekognition({ collections: [COLLECTION] });
  modelsDir = await installedModelPack();
});

function openEngine(dataDir: string, mode: 'local' | 'hybrid' | 'rekognition', extra: Partial<EngineOptions> = {}): Promise<Engine> {
  return Engine.open({
    dataDir,
    modelsDir,
    matcher: mode === 'local' ? { mode } : { mode, region: 'eu-west-1', collectionId: COLLECTION, endpoint: fake.url },
    // Probes every 50 ms while offline, so "back online" is seen at once.
    remoteMatcherOptions: { credentials, random: seededRandom(3), offlineProbeIntervalMs: 50, requestTimeoutMs: 3000 },
    remoteRetryIntervalMs: 100,
    remoteEraseWaitMs: 3000,
    ...extra,
  });
}

async function until(what: string, condition: () => boolean, timeoutMs = 15_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) assert.fail(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const facesOf = (personId: number) => fake.faces(COLLECTION).filter((f) => f.externalImageId === String(personId));

describe('enrollment, deactivation, erasure and export with the remote collection', () => {
  const dataDir = join(dir.path, 'people');
  let engine: Engine;
  let obama: number;
  after(async () => engine?.close());

  test('enrolling indexes each accepted face crop (ExternalImageId = person id); the export lists the face ids', async () => {
    engine = await openEngine(dataDir, 'hybrid');
    const enrolled = await enrollFiles(engine, 'Barack Obama', [join(photos, 'examples_obama.jpg'), join(photos, 'examples_knn_examples_train_obama_obama2.jpg')], { allowFewerPhotos: true });
    obama = enrolled.person!.id;
    await engine.remoteSync!.idle();
    const remote = facesOf(obama);
    assert.equal(remote.length, 2, 'one face per accepted photo');
    const exported = engine.peopleService.export(obama, false, LOCAL_OPERATOR);
    assert.deepEqual(exported.remoteFaces!.faces.map((f) => f.faceId).sort(), remote.map((f) => f.faceId).sort());
    assert.equal(exported.remoteFaces!.pendingIndex, 0);
    assert.equal(exported.remoteFaces!.pendingDelete, false);
    assert.equal(engine.status().matcher!.jobsQueued, 0);
    // Crops only, never the photo: what was sent is a small JPEG (the crop is at most 160 px a side).
    assert.equal(engine.remoteFaces.jobs().length, 0, 'the crops left the database with their jobs');
  });

  test('offline: enrollment queues, erasure answers "pending remote deletion", status shows the queue; a restart sends it all', async () => {
    await fake.stop();
    const biden = (await enrollFiles(engine, 'Joe Biden', [join(photos, 'examples_biden.jpg')], { allowFewerPhotos: true })).person!.id;
    await engine.remoteSync!.idle();
    const queued = engine.remoteFaces.jobs();
    assert.deepEqual(queued.map((j) => [j.kind, j.personId]), [['index', biden]]);
    assert.match(queued[0]!.lastError ?? '', /REMOTE_UNREACHABLE/);
    const erased = await engine.peopleService.erase(obama, LOCAL_OPERATOR);
    assert.equal(erased.remoteDeletion, 'pending', 'not reported done while the remote faces remain');
    assert.equal(facesOf(obama).length, 2, 'still held remotely');
    const status = engine.status().matcher!;
    assert.equal(status.mode, 'hybrid');
    assert.equal(status.online, false);
    assert.equal(status.lastError!.code, 'REMOTE_UNREACHABLE');
    assert.equal(status.jobsQueued, 2);
    await engine.close();

    // The queue is in the database: the next start sends what waited.
    await fake.start();
    engine = await openEngine(dataDir, 'hybrid');
    await until('the queue is empty', () => engine.remoteFaces.pendingCount() === 0);
    await engine.remoteSync!.idle();
    assert.equal(facesOf(obama).length, 0, "the erased person's faces are gone");
    assert.equal(facesOf(biden).length, 1, 'the queued enrollment was indexed');
    assert.equal(engine.remoteFaces.facesOf(obama).length, 0);
    assert.ok(engine.auditLog.about('person', obama).some((e) => e.action === 'person.remote-faces-deleted'), 'the remote deletion is in the audit trail');
    assert.equal(engine.status().matcher!.online, true);
  });

  test('online: deactivation deletes the faces; erasure answers "deleted"; a local site erases with "not-used"', async () => {
    const alex = (await enrollFiles(engine, 'Alex Lacamoire', [join(photos, 'examples_alex-lacamoire.png')], { allowFewerPhotos: true })).person!.id;
    await engine.remoteSync!.idle();
    assert.equal(facesOf(alex).length, 1);
    await engine.peopleService.setStatus(alex, 'inactive', LOCAL_OPERATOR);
    await until('the deactivated person has no remote face', () => facesOf(alex).length === 0 && engine.remoteFaces.pendingCount() === 0);
    const biden = engine.listPeople().find((p) => p.name === 'Joe Biden')!.id;
    assert.deepEqual((await engine.peopleService.erase(biden, LOCAL_OPERATOR)).remoteDeletion, 'deleted');
    assert.equal(facesOf(biden).length, 0);

    // The service goes away and comes back with nothing queued: the engine's probe notices.
    await fake.stop();
    await engine.remoteMatcher!.describeCollection().catch(() => undefined);
    assert.equal(engine.status().matcher!.online, false);
    await fake.start();
    await until('the matcher is seen online again', () => engine.status().matcher!.online === true);

    const local = await openEngine(join(dir.path, 'local-site'), 'local');
    try {
      const before = fake.requests.length;
      assert.equal(local.remoteMatcher, null);
      assert.equal(local.remoteNaming, null);
      const carl = (await enrollFiles(local, 'Obama again', [join(photos, 'examples_obama.jpg')], { allowFewerPhotos: true })).person!.id;
      assert.equal((await local.peopleService.erase(carl, LOCAL_OPERATOR)).remoteDeletion, 'not-used');
      assert.equal(fake.requests.length, before, 'nothing was sent in local mode');
      assert.deepEqual(local.status().matcher, { mode: 'local', online: null, lastError: null, lastSuccessAt: null, remoteCalls: 0, cacheHits: 0, throttled: 0, queued: 0, dropped: 0, retries: 0, failures: 0, jobsQueued: 0 });
    } finally {
      await local.close();
    }
  });
});

describe('RemoteVisitNaming against the fake: once per track, local while offline, no retry of a hopeless crop', () => {
  test('asks once per track, shares the answer; offline it does not ask; a faceless crop is not asked again', async () => {
    const matcher = new RekognitionMatcher({ region: 'eu-west-1', collectionId: COLLECTION, endpoint: fake.url, credentials, random: seededRandom(1), offlineProbeIntervalMs: 60_000 });
    try {
      const naming = new RemoteVisitNaming({ mode: 'hybrid', matcher, encode: (crop) => encodeJpeg(crop, 90) });
      const crop = (shade: number): RgbImage => ({ width: 40, height: 48, data: new Uint8Array(40 * 48 * 3).fill(shade) });
      const searches = () => fake.requests.filter((r) => r.operation === 'SearchFacesByImage').length;
      const before = searches();
      const answers: unknown[] = [];
      const visit = { cameraKey: '1', trackId: 7, personId: null, score: 0.2, reason: 'too-weak' as const, crop: crop(90) };
      assert.equal(naming.consider(visit, (a) => answers.push(a)).action, 'ask-remote');
      // While the first ask is on its way, the same track is not asked again.
      assert.equal(naming.consider(visit, (a) => answers.push(a)).action, 'wait');
      await naming.idle();
      assert.equal(naming.consider(visit, (a) => answers.push(a)).action, 'use-cached');
      assert.equal(searches() - before, 1, 'one request for the track');
      assert.deepEqual(answers, [{ personId: null, similarity: null, faceId: null, fromCache: false }, { personId: null, similarity: null, faceId: null }]);
      // A locally named visit is not asked about in hybrid mode.
      assert.deepEqual(naming.consider({ ...visit, trackId: 8, personId: 3, score: 0.7, reason: 'template' }, () => undefined), { action: 'use-local', reason: 'local-match' });

      // The crop Rekognition finds no face in: refused once, never asked again.
      const faceless = crop(33);
      fake.markFaceless(await encodeJpeg(faceless, 90));
      const failed: unknown[] = [];
      naming.consider({ ...visit, trackId: 9, crop: faceless }, (a) => failed.push(a));
      await naming.idle();
      assert.deepEqual(failed, [null]);
      assert.deepEqual(naming.consider({ ...visit, trackId: 9, crop: faceless }, () => undefined), { action: 'wait', reason: 'gave-up' });

      // Offline: the first failure turns the matcher offline; then nothing is asked (local answers).
      await fake.stop();
      naming.consider({ ...visit, trackId: 10 }, () => undefined);
      await naming.idle();
      const sent = fake.requests.length;
      assert.deepEqual(naming.consider({ ...visit, trackId: 11 }, () => undefined), { action: 'use-local', reason: 'offline' });
      assert.equal(fake.requests.length, sent);
    } finally {
      matcher.close();
      await fake.start();
    }
  });
});

/**
 * One face walking steadily across the picture; its embedding is always the same stranger's, so
 * the local gallery leaves every visit unknown (as in pipeline-faults.test.ts).
 */
function strangerPool(): InferencePool {
  let detectCalls = 0;
  const signature = new Float32Array(144).map((_, i) => (i * 37) % 255);
  const stranger = new Float32Array(512).map((_, i) => Math.sin(i + 1));
  const norm = Math.hypot(...stranger);
  return {
    size: 2,
    provider: 'cpu',
    async detect(_frame: FrameRef): Promise<DetectResult> {
      const k = detectCalls++;
      const x = 20 + ((30 * k) % 560);
      const detection: Detection = { score: 0.95, box: { x, y: 120, width: 60, height: 70 }, landmarks: [[x + 18, 145], [x + 42, 145], [x + 30, 160], [x + 20, 175], [x + 40, 175]] };
      return { kind: 'detect', faces: [{ detection, quality: 0.7 }], signature, ms: 1 };
    },
    async embed(_frame: FrameRef, detections: Detection[]): Promise<EmbedResult> {
      return { kind: 'embed', embeddings: detections.map(() => stranger.map((v) => v / norm)), norms: detections.map(() => 3.5), ms: 1 };
    },
  } as unknown as InferencePool;
}

function runClip(engine: Engine, name: string): Promise<CameraPipeline> {
  const pipeline = new CameraPipeline(engine, strangerPool(), FrameRing.create(8, 640 * 360 * 3), {
    cameraId: null,
    cameraName: name,
    source: { kind: 'file', path: hamiltonClip, loop: false },
    detectFps: 10,
    realtime: false,
    dropWhenBusy: false,
    maxWidth: 640,
    publishFrames: () => false,
    maxFramesInFlight: 2,
  });
  return new Promise((resolve) => {
    pipeline.once('end', () => resolve(pipeline));
    pipeline.start();
  });
}

describe('a camera in hybrid mode', () => {
  test('a visit the local gallery leaves unknown is asked about once per track and named by the answer (source "remote"); local mode asks nothing', async () => {
    const engine = await openEngine(join(dir.path, 'camera'), 'hybrid');
    try {
      const person = (await enrollFiles(engine, 'Joe Biden', [join(photos, 'examples_biden.jpg')], { allowFewerPhotos: true })).person!.id;
      await engine.remoteSync!.idle();
      fake.nameEveryFaceAs(String(person));
      const searchesBefore = fake.requests.filter((r) => r.operation === 'SearchFacesByImage').length;
      const named: number[] = [];
      engine.on('sightings.changed', (s) => {
        if (s.personId === person) named.push(s.id);
      });
      const pipeline = await runClip(engine, 'Remote gate');
      const searches = fake.requests.filter((r) => r.operation === 'SearchFacesByImage').length - searchesBefore;
      const rows = engine.listSightings(100).filter((s) => s.cameraName === 'Remote gate');
      assert.ok(rows.length >= 1, 'visits were written');
      assert.ok(pipeline.stats.remoteAsks >= 1);
      assert.equal(searches, pipeline.stats.remoteAsks, 'every ask is one request');
      assert.ok(searches <= rows.length, `at most one request per visit (${searches} for ${rows.length} visits over ${pipeline.stats.framesProcessed} frames)`);
      // The sighting row, the event (overlay and alerts read the same identity) agree.
      for (const row of rows) {
        assert.equal(row.personId, person, `visit ${row.id} named by the remote answer`);
        assert.equal(row.matchSource, 'remote');
        assert.equal(row.bestScore, 0.995, 'Rekognition similarity / 100');
      }
      assert.ok(named.length >= rows.length, 'each rename was announced');
      assert.equal(engine.status().matcher!.remoteCalls >= searches, true);
    } finally {
      fake.nameEveryFaceAs(null);
      await engine.close();
    }

    const local = await openEngine(join(dir.path, 'camera-local'), 'local');
    try {
      const before = fake.requests.length;
      const pipeline = await runClip(local, 'Local gate');
      assert.equal(pipeline.stats.remoteAsks, 0);
      assert.equal(fake.requests.length, before, 'nothing leaves a local site');
      const rows = local.listSightings(100).filter((s) => s.cameraName === 'Local gate');
      assert.ok(rows.length >= 1);
      for (const row of rows) assert.equal(row.matchSource, null, 'unknown');
    } finally {
      await local.close();
    }
  });
});

describe('a remote answer that comes after the visit closed and was clustered', () => {
  test('the row is renamed and the unknown-person cluster follows: no visit of the member stays in the review queue', async () => {
    const engine = await openEngine(join(dir.path, 'late-camera'), 'hybrid', {
      // Answers slower than the clip is analysed: every visit has ended (and gone to the clustering) before its answer.
      remoteMatcherOptions: { credentials, random: seededRandom(4), offlineProbeIntervalMs: 50, requestTimeoutMs: 20_000 },
    });
    try {
      const person = (await enrollFiles(engine, 'Joe Biden', [join(photos, 'examples_biden.jpg')], { allowFewerPhotos: true })).person!.id;
      await engine.remoteSync!.idle();
      fake.nameEveryFaceAs(String(person));
      fake.slowNext(1000, 1500);
      const pipeline = await runClip(engine, 'Late gate');
      await engine.unknowns.idle();
      const rows = engine.listSightings(200).filter((s) => s.cameraName === 'Late gate');
      assert.ok(rows.length >= 1 && pipeline.stats.remoteAsks >= 1);
      for (const row of rows) assert.equal(row.personId, person, `visit ${row.id} renamed by the late answer`);
      const named = engine.auditLog.list({ action: 'unknowns.visit-named' });
      assert.ok(named.length >= 1, 'at least one visit was clustered before its answer came');
      const stillQueued = engine.db
        .prepare(`SELECT COUNT(*) AS n FROM unknown_appearances a JOIN unknown_clusters c ON c.id = a.cluster_id WHERE c.status = 'open' AND a.sighting_id IN (${rows.map(() => '?').join(',')})`)
        .get(...rows.map((r) => r.id)) as { n: number };
      assert.equal(stillQueued.n, 0, 'no visit of the member is in an open cluster');
      assert.deepEqual(engine.unknowns.list(100), [], 'the review queue is empty: every stranger cluster here was the member');
      assert.ok(engine.unknowns.repo.namedAs(person).length >= 1, 'the clusters are marked identified as the person');
    } finally {
      fake.clearFaults();
      fake.nameEveryFaceAs(null);
      await engine.close();
    }
  });
});

describe('npm run cli -- status --json', () => {
  test('reports the matcher: mode, online (asked just now), counters and the jobs queued; offline it says why', async () => {
    const site = join(dir.path, 'cli-site');
    mkdirSync(site, { recursive: true });
    writeFileSync(join(site, 'config.json'), JSON.stringify({ matcher: { mode: 'rekognition', region: 'eu-west-1', collectionId: COLLECTION, endpoint: fake.url } }));
    // Credentials from the standard AWS chain (here the environment), as a site would give them.
    const env = { AWS_ACCESS_KEY_ID: 'AKIDVIGILCLI', AWS_SECRET_ACCESS_KEY: 'not-a-secret' };
    const args = ['status', '--json', '--db', join(site, 'vigil.db'), '--models', modelsDir];
    const online = await runCli('main', args, env);
    assert.equal(online.code, 0, online.stderr);
    const line = online.lines[0] as Record<string, unknown> & { matcherHealth: Record<string, unknown> };
    // The keys at the top level, with the values of the health object.
    assert.equal(line.matcher, 'rekognition');
    const matcher = line.matcherHealth;
    assert.equal(matcher.mode, 'rekognition');
    assert.equal(matcher.online, true);
    assert.equal(matcher.lastError, null);
    assert.ok((matcher.remoteCalls as number) >= 1, 'a DescribeCollection at least');
    assert.equal(line.remoteCalls, matcher.remoteCalls);
    assert.equal(matcher.jobsQueued, 0);
    for (const key of ['cacheHits', 'throttled', 'queued', 'dropped', 'retries', 'failures']) assert.equal(typeof matcher[key], 'number', key);
    for (const key of ['cacheHits', 'throttled']) assert.equal(line[key], matcher[key], key);
    assert.equal(line.queued, (matcher.queued as number) + (matcher.jobsQueued as number), 'queued: requests and enrollment jobs waiting');
    assert.ok(fake.requests.some((r) => r.operation === 'DescribeCollection' && r.accessKeyId === 'AKIDVIGILCLI'));

    await fake.stop();
    try {
      const offline = await runCli('main', args, env);
      assert.equal(offline.code, 0, offline.stderr);
      const down = (offline.lines[0] as { matcherHealth: { online: boolean; lastError: { code: string; message: string } } }).matcherHealth;
      assert.equal(down.online, false);
      assert.equal(down.lastError.code, 'REMOTE_UNREACHABLE');
      const text = await runCli('main', args.filter((a) => a !== '--json'), env);
      assert.match(text.stdout, /matcher rekognition: OFFLINE; .* 0 remote job\(s\) queued; last error: .*could not be reached/);
    } finally {
      await fake.start();
    }
  });
});
