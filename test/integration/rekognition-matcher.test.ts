import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import sharp from 'sharp';
import { RekognitionMatcher, type RekognitionMatcherOptions } from '../../src-main/engine/remote/rekognition-matcher.js';
import { resolveMatcherConfig } from '../../src-main/engine/remote/matcher-config.js';
import { RemoteMatcherError, type RemoteErrorCode } from '../../src-main/engine/remote/remote-errors.js';
import { matcherStatus, openRemoteMatcher } from '../../src-main/engine/remote/remote-matcher.js';
import { seededRandom } from '../../src-main/engine/util/seeded-random.js';
import { freePort } from '../helpers/camera-server.js';
import { startFakeRekognition, type FakeRekognition } from '../helpers/fake-rekognition.js';

// The real SDK against a Rekognition stand-in on 127.0.0.1: nothing here leaves the machine.

const COLLECTION = 'vigil-test';
const credentials = { accessKeyId: 'AKIDVIGILTEST', secretAccessKey: 'not-a-secret' };

/** A small real JPEG, different for each shade (the fake's "face" is the crop's bytes). */
function crop(shade: number): Promise<Buffer> {
  return sharp({ create: { width: 48, height: 56, channels: 3, background: { r: shade, g: 255 - shade, b: (shade * 7) % 256 } } })
    .jpeg({ quality: 90 })
    .toBuffer();
}

async function rejectsWith(promise: Promise<unknown>, code: RemoteErrorCode): Promise<RemoteMatcherError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof RemoteMatcherError, `expected a RemoteMatcherError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    return error;
  }
  assert.fail(`expected ${code}, but it succeeded`);
}

describe('RekognitionMatcher against a fake Rekognition (JSON 1.1 on 127.0.0.1)', () => {
  let fake: FakeRekognition;
  const matchers: RekognitionMatcher[] = [];
  let alice: Buffer;
  let bob: Buffer;
  let stranger: Buffer;
  let noFace: Buffer;

  const open = (options: Partial<RekognitionMatcherOptions> = {}): RekognitionMatcher => {
    const matcher = new RekognitionMatcher({ region: 'eu-west-1', collectionId: COLLECTION, endpoint: fake.url, credentials, random: seededRandom(1), ...options });
    matchers.push(matcher);
    return matcher;
  };
  const searches = () => fake.requests.filter((r) => r.operation === 'SearchFacesByImage').length;

  before(async () => {
    fake = await startFakeRekognition({ collections: [COLLECTION] });
    [alice, bob, stranger, noFace] = await Promise.all([crop(10), crop(120), crop(230), crop(60)]);
    fake.markFaceless(noFace);
  });
  afterEach(async () => {
    for (const matcher of matchers.splice(0)) matcher.close();
    fake.clearFaults();
    await fake.start();
  });
  after(() => fake.stop());

  test('index then search names the person (ExternalImageId = person id), signed with the given credentials', async () => {
    const matcher = open();
    const aliceFace = await matcher.indexFace(101, alice);
    const bobFace = await matcher.indexFace(102, bob);
    assert.deepEqual(
      fake.faces(COLLECTION).map((f) => f.externalImageId),
      ['101', '102'],
    );
    assert.deepEqual(await matcher.searchFacesByImage(alice), { personId: 101, similarity: 99.5, faceId: aliceFace });
    assert.deepEqual(await matcher.searchFacesByImage(bob), { personId: 102, similarity: 99.5, faceId: bobFace });
    assert.deepEqual(await matcher.searchFacesByImage(stranger), { personId: null, similarity: null, faceId: null });
    assert.deepEqual(await matcher.describeCollection(), { faceCount: 2, faceModelVersion: '7.0' });
    assert.ok(fake.requests.every((r) => r.accessKeyId === credentials.accessKeyId));
    assert.deepEqual(matcher.stats(), { remoteCalls: 6, cacheHits: 0, throttled: 0, queued: 0, dropped: 0, retries: 0, failures: 0 });
    assert.equal(matcher.health().online, true);
    await matcher.deleteFaces([aliceFace, bobFace]);
  });

  test('delete removes the faces: the person is no longer found; deleting again reports them not deleted', async () => {
    const matcher = open();
    const faceId = await matcher.indexFace(7, alice);
    assert.equal((await matcher.searchFacesByImage(alice)).personId, 7);
    assert.deepEqual(await matcher.deleteFaces([faceId]), { deleted: [faceId], notDeleted: [] });
    assert.deepEqual(fake.faces(COLLECTION), []);
    assert.equal((await matcher.searchFacesByImage(alice)).personId, null);
    assert.deepEqual(await matcher.deleteFaces([faceId]), { deleted: [], notDeleted: [faceId] });
  });

  test('throttling is retried (each retry a counted call) and succeeds within the retry budget', async () => {
    const matcher = open({ retry: { maxAttempts: 4, baseDelayMs: 20 } });
    const faceId = await matcher.indexFace(5, bob);
    fake.throttleNext(2);
    fake.throttleNext(1, 'ProvisionedThroughputExceededException');
    const before = fake.requests.length;
    assert.equal((await matcher.searchFacesByImage(bob)).personId, 5);
    assert.deepEqual(
      fake.requests.slice(before).map((r) => r.status),
      [400, 400, 400, 200],
    );
    const stats = matcher.stats();
    assert.equal(stats.throttled, 3);
    assert.equal(stats.retries, 3);
    assert.equal(stats.remoteCalls, 5);
    assert.equal(matcher.health().online, true);
    await matcher.deleteFaces([faceId]);
  });

  test('throttled beyond the budget: REMOTE_THROTTLED after exactly maxAttempts requests', async () => {
    const matcher = open({ retry: { maxAttempts: 3, baseDelayMs: 10 } });
    fake.throttleNext(3);
    const before = fake.requests.length;
    const error = await rejectsWith(matcher.searchFacesByImage(alice), 'REMOTE_THROTTLED');
    assert.equal(error.attempts, 3);
    assert.equal(error.serviceError, 'ThrottlingException');
    assert.equal(fake.requests.length - before, 3);
    assert.equal(matcher.stats().throttled, 3);
    // Throttled is not offline: the service answered.
    assert.equal(matcher.health().online, true);
  });

  test('a 5xx is retried; a 5xx every time ends in REMOTE_SERVER_ERROR', async () => {
    const matcher = open({ retry: { maxAttempts: 3, baseDelayMs: 10 } });
    fake.failNext(1, 503, 'ServiceUnavailableException');
    assert.equal((await matcher.searchFacesByImage(stranger)).personId, null);
    assert.equal(matcher.stats().retries, 1);
    fake.failNext(3);
    const error = await rejectsWith(matcher.searchFacesByImage(stranger), 'REMOTE_SERVER_ERROR');
    assert.equal(error.attempts, 3);
    assert.equal(error.serviceError, 'InternalServerError');
  });

  test('a 4xx is never retried: InvalidParameterException (no face), ResourceNotFoundException (no collection)', async () => {
    const matcher = open();
    let before = fake.requests.length;
    const refused = await rejectsWith(matcher.searchFacesByImage(noFace), 'REMOTE_REJECTED');
    assert.equal(refused.serviceError, 'InvalidParameterException');
    assert.equal(refused.attempts, 1);
    assert.equal(fake.requests.length - before, 1);
    assert.match(refused.message, /refused SearchFacesByImage: InvalidParameterException/);

    // IndexFaces on a faceless crop indexes nothing: a typed error, nothing stored.
    await rejectsWith(matcher.indexFace(9, noFace), 'REMOTE_NO_FACE');
    assert.deepEqual(fake.faces(COLLECTION), []);

    before = fake.requests.length;
    const elsewhere = open({ collectionId: 'no-such-collection' });
    const missing = await rejectsWith(elsewhere.searchFacesByImage(alice), 'REMOTE_REJECTED');
    assert.equal(missing.serviceError, 'ResourceNotFoundException');
    assert.equal(fake.requests.length - before, 1);
    assert.match(missing.message, /The collection "no-such-collection" does not exist .*check the region and collectionId/);
    await rejectsWith(elsewhere.describeCollection(), 'REMOTE_REJECTED');
    assert.equal(matcher.stats().retries, 0);
    // A refusal proves the service is there.
    assert.equal(matcher.health().online, true);
  });

  test('bad input is refused before anything is sent', async () => {
    const matcher = open();
    const before = fake.requests.length;
    await rejectsWith(matcher.searchFacesByImage(new Uint8Array()), 'REMOTE_BAD_INPUT');
    await rejectsWith(matcher.searchFacesByImage(Buffer.from('GIF89a not a jpeg')), 'REMOTE_BAD_INPUT');
    await rejectsWith(matcher.indexFace(0, alice), 'REMOTE_BAD_INPUT');
    await rejectsWith(matcher.indexFace(1.5, alice), 'REMOTE_BAD_INPUT');
    await assert.rejects(matcher.deleteFaces(['../../etc']), (e: unknown) => e instanceof RemoteMatcherError && e.code === 'REMOTE_BAD_INPUT');
    assert.equal(fake.requests.length, before);
    assert.equal(matcher.stats().remoteCalls, 0);
  });

  test('the 5 requests/s bucket holds under a burst of 20 (server-side arrival times)', async (t) => {
    const matcher = open({ requestsPerSecond: 5 });
    // Warm the client (credentials, endpoint, connection) so the burst's first request is not later than its token.
    await matcher.searchFacesByImage(stranger);
    const before = fake.requests.length;
    const results = await Promise.all(Array.from({ length: 20 }, () => matcher.searchFacesByImage(alice)));
    assert.equal(results.length, 20);
    const arrivals = fake.requests.slice(before).map((r) => r.atMs);
    assert.equal(arrivals.length, 20);
    const start = arrivals[0]!;
    const perSecond = new Map<number, number>();
    for (const at of arrivals) perSecond.set(Math.floor((at - start) / 1000), (perSecond.get(Math.floor((at - start) / 1000)) ?? 0) + 1);
    t.diagnostic(`requests per second at the server: ${[...perSecond.values()].join(', ')}`);
    // The bucket spaces tokens 200 ms apart, so any 6 consecutive requests span at least 1 s;
    // 100 ms is left for signing and delivery jitter on a busy machine (a burst without the bucket spans a few ms).
    for (let i = 0; i + 5 < arrivals.length; i += 1) {
      assert.ok(arrivals[i + 5]! - arrivals[i]! > 900, `6 requests within ${(arrivals[i + 5]! - arrivals[i]!).toFixed(0)} ms (from #${i})`);
    }
    assert.ok([...perSecond.values()].every((n) => n <= 6));
    assert.equal(matcher.stats().queued, 0);
  });

  test('a full queue drops the oldest waiting request, counted, with a typed error', async () => {
    const matcher = open({ requestsPerSecond: 5, queueCapacity: 3 });
    await matcher.searchFacesByImage(stranger); // takes the token: the next ones all wait in the queue
    const asks = Array.from({ length: 7 }, () => matcher.searchFacesByImage(stranger).then(() => 'answered', (e: unknown) => (e as RemoteMatcherError).code));
    assert.equal(matcher.stats().queued, 3);
    assert.deepEqual(await Promise.all(asks), ['REMOTE_DROPPED', 'REMOTE_DROPPED', 'REMOTE_DROPPED', 'REMOTE_DROPPED', 'answered', 'answered', 'answered']);
    assert.equal(matcher.stats().dropped, 4);
    assert.equal(matcher.stats().remoteCalls, 4);
  });

  test('unreachable endpoint: typed error, offline flag, fail-fast without requests, back online after a probe', async () => {
    let offsetMs = 0;
    const matcher = open({ now: () => Date.now() + offsetMs, offlineProbeIntervalMs: 60_000 });
    assert.equal((await matcher.searchFacesByImage(stranger)).personId, null);
    await fake.stop();
    const error = await rejectsWith(matcher.searchFacesByImage(alice), 'REMOTE_UNREACHABLE');
    assert.equal(error.attempts, 1, 'an unreachable endpoint is not retried');
    assert.match(error.message, /could not be reached.*recognition continues locally/);
    const health = matcher.health();
    assert.equal(health.online, false);
    assert.equal(health.lastError?.code, 'REMOTE_UNREACHABLE');
    // Offline: fails at once, nothing is sent.
    const calls = matcher.stats().remoteCalls;
    await rejectsWith(matcher.searchFacesByImage(alice), 'REMOTE_UNREACHABLE');
    assert.equal(matcher.stats().remoteCalls, calls);

    await fake.start();
    // Still within the probe interval: still offline, even though the service is back.
    await rejectsWith(matcher.searchFacesByImage(alice), 'REMOTE_UNREACHABLE');
    offsetMs = 61_000;
    assert.equal((await matcher.searchFacesByImage(stranger)).personId, null);
    assert.equal(matcher.health().online, true);
    assert.equal(matcher.stats().remoteCalls, calls + 1);
  });

  test('an endpoint that never listened: offline and a typed error, no crash', async () => {
    const port = await freePort();
    const matcher = open({ endpoint: `http://127.0.0.1:${port}`, requestsPerSecond: 2 });
    // Three at once: the first is sent and fails; the two waiting for a token are settled without being sent.
    const settled = await Promise.allSettled([matcher.searchFacesByImage(alice), matcher.searchFacesByImage(bob), matcher.searchFacesByImage(stranger)]);
    assert.deepEqual(
      settled.map((s) => (s.status === 'rejected' ? (s.reason as RemoteMatcherError).code : 'fulfilled')),
      ['REMOTE_UNREACHABLE', 'REMOTE_UNREACHABLE', 'REMOTE_UNREACHABLE'],
    );
    assert.equal(matcher.stats().remoteCalls, 1);
    assert.equal(matcher.stats().queued, 0);
    await rejectsWith(matcher.indexFace(3, alice), 'REMOTE_UNREACHABLE');
    await rejectsWith(matcher.deleteFaces(['0b7c3c1e-0000-4000-8000-000000000000']), 'REMOTE_UNREACHABLE');
    assert.equal(matcher.health().online, false);
  });

  test('slow answers: a timeout is retried; timing out every time ends offline with REMOTE_TIMEOUT', async () => {
    const matcher = open({ requestTimeoutMs: 300, retry: { maxAttempts: 2, baseDelayMs: 10 } });
    fake.slowNext(1, 1500);
    assert.equal((await matcher.searchFacesByImage(stranger)).personId, null);
    assert.equal(matcher.stats().retries, 1);
    fake.slowNext(2, 1500);
    const error = await rejectsWith(matcher.searchFacesByImage(stranger), 'REMOTE_TIMEOUT');
    assert.equal(error.attempts, 2);
    assert.equal(matcher.health().online, false);
  });

  test('per-track cache: a second ask for the same track is a cache hit; concurrent asks share one request; TTL and forgetPerson end it', async () => {
    let offsetMs = 0;
    const matcher = open({ now: () => Date.now() + offsetMs, trackCacheTtlS: 60 });
    const faceId = await matcher.indexFace(42, alice);
    const before = searches();
    const first = await matcher.identifyTrack('cam-1', 1, alice);
    assert.deepEqual(first, { personId: 42, similarity: 99.5, faceId, fromCache: false });
    const second = await matcher.identifyTrack('cam-1', 1, alice);
    assert.deepEqual(second, { ...first, fromCache: true });
    assert.equal(searches() - before, 1);
    assert.equal(matcher.stats().cacheHits, 1);

    // Two asks for a new track at once: one request.
    const [a, b] = await Promise.all([matcher.identifyTrack('cam-2', 1, alice), matcher.identifyTrack('cam-2', 1, alice)]);
    assert.equal(a.personId, 42);
    assert.equal(b.personId, 42);
    assert.equal(searches() - before, 2);
    assert.equal(matcher.stats().cacheHits, 2);

    // A "no one" answer is cached as well.
    assert.equal((await matcher.identifyTrack('cam-1', 2, stranger)).personId, null);
    assert.equal((await matcher.identifyTrack('cam-1', 2, stranger)).fromCache, true);
    assert.equal(searches() - before, 3);

    // Forgetting the person (erasure) drops the answers naming them.
    assert.equal(matcher.forgetPerson(42), 2);
    assert.equal((await matcher.identifyTrack('cam-1', 1, alice)).fromCache, false);
    assert.equal(searches() - before, 4);

    // After the TTL the track is asked again.
    offsetMs = 61_000;
    assert.equal((await matcher.identifyTrack('cam-1', 1, alice)).fromCache, false);
    assert.equal(searches() - before, 5);
    await matcher.deleteFaces([faceId]);
  });

  test('IndexFaces is not retried after a 5xx (it may have been done); erasure finds and deletes such an orphan face by person id', async () => {
    const matcher = open({ retry: { maxAttempts: 4, baseDelayMs: 10 } });
    const known = await matcher.indexFace(31, alice);
    fake.indexThenFailNext(1);
    const error = await rejectsWith(matcher.indexFace(31, bob), 'REMOTE_SERVER_ERROR');
    assert.equal(error.attempts, 1);
    assert.equal(matcher.stats().retries, 0);
    // Throttled IndexFaces is retried: the service did nothing.
    fake.throttleNext(1);
    const third = await matcher.indexFace(32, stranger);
    assert.equal(matcher.stats().retries, 1);

    assert.equal(fake.faces(COLLECTION).filter((f) => f.externalImageId === '31').length, 2, 'the orphan face is in the collection');
    assert.equal((await matcher.identifyTrack('cam-5', 1, alice)).personId, 31);
    const listed = await matcher.listFacesOf(31);
    assert.equal(listed.length, 2);
    assert.ok(listed.includes(known));
    const erased = await matcher.deletePersonFaces(31);
    assert.equal(erased.deleted.length, 2);
    assert.deepEqual(fake.faces(COLLECTION).map((f) => f.externalImageId), ['32']);
    // The cached answer naming them is gone too: the next ask goes out and finds no one.
    const after = await matcher.identifyTrack('cam-5', 1, alice);
    assert.deepEqual(after, { personId: null, similarity: null, faceId: null, fromCache: false });
    await matcher.deleteFaces([third]);
  });

  test('listFacesOf follows NextToken across pages', async () => {
    const matcher = open({ requestsPerSecond: 50, listPageSize: 5 });
    const shades = Array.from({ length: 12 }, (_, i) => 20 + i * 9);
    const crops = await Promise.all(shades.map((shade) => crop(shade)));
    const ids: string[] = [];
    for (const [i, image] of crops.entries()) ids.push(await matcher.indexFace(i % 2 === 0 ? 61 : 62, image));
    const before = fake.requests.length;
    const listed = await matcher.listFacesOf(61);
    assert.deepEqual(listed, ids.filter((_, i) => i % 2 === 0));
    // 12 faces, 5 a page: 3 pages.
    assert.equal(fake.requests.slice(before).filter((r) => r.operation === 'ListFaces').length, 3);
    await matcher.deleteFaces(ids);
  });

  test('a failed track ask is not cached: the next ask goes out', async () => {
    const matcher = open();
    fake.rejectNext(1);
    await rejectsWith(matcher.identifyTrack('cam-9', 1, bob), 'REMOTE_REJECTED');
    assert.equal(matcher.isAskInFlight('cam-9', 1), false);
    assert.equal((await matcher.identifyTrack('cam-9', 1, bob)).fromCache, false);
  });

  test('close rejects what waits with REMOTE_CLOSED', async () => {
    const matcher = open({ requestsPerSecond: 1 });
    await matcher.searchFacesByImage(stranger);
    const waiting = matcher.searchFacesByImage(stranger);
    matcher.close();
    await rejectsWith(waiting, 'REMOTE_CLOSED');
    await rejectsWith(matcher.searchFacesByImage(stranger), 'REMOTE_CLOSED');
  });

  test('credentials from the standard chain (environment); none anywhere is REMOTE_NO_CREDENTIALS and nothing is sent', async () => {
    const saved = { ...process.env };
    const empty = mkdtempSync(join(tmpdir(), 'vigil-aws-'));
    try {
      for (const key of Object.keys(process.env)) if (key.startsWith('AWS_')) delete process.env[key];
      // No instance metadata (no network beyond 127.0.0.1), no shared files.
      process.env.AWS_EC2_METADATA_DISABLED = 'true';
      process.env.AWS_SHARED_CREDENTIALS_FILE = join(empty, 'credentials');
      process.env.AWS_CONFIG_FILE = join(empty, 'config');
      process.env.AWS_ACCESS_KEY_ID = 'AKIDFROMENV';
      process.env.AWS_SECRET_ACCESS_KEY = 'env-secret';
      const before = fake.requests.length;
      await open({ credentials: undefined }).searchFacesByImage(stranger);
      assert.equal(fake.requests.at(-1)?.accessKeyId, 'AKIDFROMENV');

      delete process.env.AWS_ACCESS_KEY_ID;
      delete process.env.AWS_SECRET_ACCESS_KEY;
      const matcher = open({ credentials: undefined });
      const error = await rejectsWith(matcher.searchFacesByImage(stranger), 'REMOTE_NO_CREDENTIALS');
      assert.match(error.message, /No AWS credentials/);
      assert.equal(fake.requests.length - before, 1);
      assert.equal(matcher.health().online, false);
    } finally {
      for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
      Object.assign(process.env, saved);
      rmSync(empty, { recursive: true, force: true });
    }
  });

  test('the site config opens the matcher: none in local mode; hybrid reaches the configured endpoint; status reports it', async () => {
    assert.equal(await openRemoteMatcher(resolveMatcherConfig(undefined)), null);
    assert.deepEqual(matcherStatus('local', null), { matcher: 'local', remoteCalls: 0, cacheHits: 0, throttled: 0, queued: 0, dropped: 0, retries: 0, failures: 0, online: null, lastError: null });

    const config = resolveMatcherConfig({ mode: 'hybrid', region: 'eu-west-1', collectionId: COLLECTION, endpoint: fake.url, trackCacheTtlS: 30 });
    const matcher = await openRemoteMatcher(config, { credentials });
    assert.ok(matcher);
    matchers.push(matcher);
    assert.equal((await matcher.identifyTrack('cam-1', 77, stranger)).personId, null);
    assert.equal((await matcher.identifyTrack('cam-1', 77, stranger)).fromCache, true);
    const status = matcherStatus(config.mode, matcher);
    assert.equal(status.matcher, 'hybrid');
    assert.equal(status.online, true);
    assert.equal(status.remoteCalls, 1);
    assert.equal(status.cacheHits, 1);
  });
});
