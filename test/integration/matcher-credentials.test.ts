/**
 * AWS credentials for the remote matcher entered in Settings (issue 14 item 6), through the real
 * dispatcher, a real SQLite file and the real SDK against the fake Rekognition on 127.0.0.1:
 * admin only; validated; never returned (only "set" and the key id's last 4 characters); audited
 * without the secret; used instead of the standard chain at once (no restart) and after a
 * restart; cleared back to the chain; never in any file of the data folder in clear; a lost key
 * is said in plain words and the chain is used meanwhile. Also the matcher choice (mode, region,
 * collection) edited in Settings: written to config.json, checked, audited, applied at the next start.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Envelope } from '../../src-preload/contract.js';
import type { Dispatch } from '../../src-main/engine/api/dispatcher.js';
import { createEngineDispatcher } from '../../src-main/engine/api/handlers.js';
import { credentialKeyFiles } from '../../src-main/engine/cameras/credential-vault.js';
import { Engine } from '../../src-main/engine/engine.js';
import { LiveService } from '../../src-main/engine/live/live-service.js';
import { type ConsoleConnection, newConnection } from '../../src-main/engine/operators/sessions.js';
import { seededRandom } from '../../src-main/engine/util/seeded-random.js';
import { startFakeRekognition, type FakeRekognition } from '../helpers/fake-rekognition.js';
import { filesContaining } from '../helpers/files.js';
import { tempDir } from '../helpers/paths.js';

const COLLECTION = 'vigil-site';
/** Stands for the standard AWS chain (what the engine would use without settings). */
const CHAIN = { accessKeyId: 'AKIACHAINSTANDIN01', secretAccessKey: 'chain-secret-not-used-here' };
const KEY_ID = 'AKIASETTINGSKEY0042';
const SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYSETTINGS42';
const TOKEN = 'FwoGZXIvYXdzEJr//////////wEaDSessionTokenForVigilTest0042';

const dir = tempDir();
const dataDir = join(dir.path, 'site');
let fake: FakeRekognition;
let engine: Engine;
let live: LiveService;
let dispatch: Dispatch;
let admin: ConsoleConnection;
let guard: ConsoleConnection;

const codeOf = (envelope: Envelope<unknown>) => (envelope.ok ? 'ok' : envelope.error.code);
function value<T>(envelope: Envelope<unknown>): T {
  if (!envelope.ok) throw new Error(`${envelope.error.code}: ${envelope.error.message}`);
  return envelope.value as T;
}

async function open(): Promise<void> {
  engine = await Engine.open({
    dataDir,
    modelsDir: join(dir.path, 'no-models'),
    matcher: { mode: 'hybrid', region: 'eu-west-1', collectionId: COLLECTION, endpoint: fake.url },
    remoteMatcherOptions: { credentials: CHAIN, random: seededRandom(5), offlineProbeIntervalMs: 50, requestTimeoutMs: 2000 },
  });
  live = new LiveService(engine);
  dispatch = createEngineDispatcher(engine, live);
}
async function close(): Promise<void> {
  await live?.close();
  await engine?.close();
}
async function signIn(name: string, password: string): Promise<ConsoleConnection> {
  const connection = newConnection();
  value(await dispatch('session.login', { name, password }, connection));
  return connection;
}
/**
 * Which access key id signed the next request (a DescribeCollection; the engine's own check after
 * a change may be among them: every one must be signed by the same key).
 */
async function signer(): Promise<string | null> {
  const before = fake.requests.length;
  await engine.remoteMatcher!.describeCollection();
  const keys = new Set(fake.requests.slice(before).filter((r) => r.operation === 'DescribeCollection').map((r) => r.accessKeyId));
  assert.equal(keys.size, 1, `one signer, not ${[...keys].join(', ')}`);
  return [...keys][0]!;
}

before(async () => {
  fake = await startFakeRekognition({ collections: [COLLECTION] });
  await open();
  admin = newConnection();
  value(await dispatch('session.setup', { name: 'ada', displayName: 'Ada', password: 'the site admin password' }, admin));
  value(await dispatch('operators.add', { name: 'guard', displayName: 'Gate Guard', role: 'security', password: 'guard password 1' }, admin));
  guard = await signIn('guard', 'guard password 1');
});
after(async () => {
  await close();
  await fake?.stop();
  dir.cleanup();
});

describe('the face matcher credentials in Settings', () => {
  test('none set: the standard chain signs; only an admin may read or change them; bad values are refused with reasons', async () => {
    assert.deepEqual(value(await dispatch('matcher.credentials.get', {}, admin)), { set: false, accessKeyIdEnding: null, hasSessionToken: false, problem: null });
    assert.equal(await signer(), CHAIN.accessKeyId);
    assert.equal(codeOf(await dispatch('matcher.credentials.get', {}, guard)), 'FORBIDDEN');
    assert.equal(codeOf(await dispatch('matcher.credentials.set', { credentials: { accessKeyId: KEY_ID, secretAccessKey: SECRET } }, guard)), 'FORBIDDEN');
    assert.equal(codeOf(await dispatch('matcher.credentials.set', { credentials: null }, newConnection())), 'NOT_SIGNED_IN');
    const refusals: Array<[unknown, RegExp]> = [
      [{ accessKeyId: 'akia-lower-case-1', secretAccessKey: SECRET }, /access key id is 16-128 capital letters/],
      [{ accessKeyId: 'AKIA12', secretAccessKey: SECRET }, /access key id is 16-128/],
      [{ accessKeyId: KEY_ID, secretAccessKey: 'short' }, /at least 16 characters/],
      [{ accessKeyId: KEY_ID, secretAccessKey: 'has a space in it somewhere' }, /no spaces/],
      [{ accessKeyId: KEY_ID, secretAccessKey: SECRET, region: 'eu-west-1' }, /.+/],
    ];
    for (const [credentials, reason] of refusals) {
      const refused = await dispatch('matcher.credentials.set', { credentials } as never, admin);
      assert.equal(codeOf(refused), 'BAD_REQUEST', JSON.stringify(credentials));
      assert.match(refused.ok ? '' : refused.error.message, reason);
    }
    assert.equal(engine.matcherCredentials.state().set, false, 'nothing was stored by a refused request');
  });

  test('set: the next request is signed with them (no restart); the console sees "set" and the last 4 characters; audited without the secret', async () => {
    const state = value<Record<string, unknown>>(await dispatch('matcher.credentials.set', { credentials: { accessKeyId: ` ${KEY_ID} `, secretAccessKey: SECRET, sessionToken: TOKEN } }, admin));
    assert.deepEqual(state, { set: true, accessKeyIdEnding: '0042', hasSessionToken: true, problem: null });
    assert.equal(await signer(), KEY_ID);
    const seen = JSON.stringify(value(await dispatch('matcher.credentials.get', {}, admin)));
    for (const secret of [SECRET, TOKEN, KEY_ID]) assert.ok(!seen.includes(secret), 'never sent back');
    const status = JSON.stringify(value(await dispatch('system.status', {}, admin)));
    for (const secret of [SECRET, TOKEN, KEY_ID]) assert.ok(!status.includes(secret), 'not in the status either');

    const entries = engine.auditLog.list({ action: 'matcher.credentials-set' });
    assert.equal(entries.length, 1);
    assert.equal(entries[0]!.operator, 'ada');
    assert.deepEqual(entries[0]!.details, { accessKeyIdEnding: '0042', sessionToken: true, replaced: false });
  });

  test('the secret, the token and the key id are in no file of the data folder in clear', () => {
    engine.db.pragma('wal_checkpoint(PASSIVE)');
    for (const secret of [SECRET, TOKEN, KEY_ID, Buffer.from(SECRET).toString('base64')]) {
      assert.deepEqual(filesContaining(dataDir, Buffer.from(secret)), [], secret);
    }
  });

  test('after a restart the stored credentials sign from the first request', async () => {
    await close();
    const before = fake.requests.length;
    await open();
    // openRemote's first DescribeCollection (the start-up probe).
    await waitUntil(() => fake.requests.length > before);
    assert.equal(fake.requests[before]!.accessKeyId, KEY_ID);
    assert.equal(await signer(), KEY_ID);
    admin = await signIn('ada', 'the site admin password');
  });

  test('cleared: back to the standard chain at once; audited', async () => {
    assert.deepEqual(value(await dispatch('matcher.credentials.set', { credentials: null }, admin)), { set: false, accessKeyIdEnding: null, hasSessionToken: false, problem: null });
    assert.equal(await signer(), CHAIN.accessKeyId);
    const cleared = engine.auditLog.list({ action: 'matcher.credentials-cleared' });
    assert.equal(cleared.length, 1);
    assert.deepEqual(cleared[0]!.details, { wasSet: true });
  });

  test('a request on the wire when the credentials change still finishes (old key); the next one uses the new key', async () => {
    const before = fake.requests.length;
    fake.slowNext(1, 600);
    const onTheWire = engine.remoteMatcher!.describeCollection();
    await waitUntil(() => fake.requests.length > before);
    value(await dispatch('matcher.credentials.set', { credentials: { accessKeyId: KEY_ID, secretAccessKey: SECRET } }, admin));
    await onTheWire;
    assert.equal(fake.requests[before]!.accessKeyId, CHAIN.accessKeyId);
    assert.equal(engine.status().matcher!.online, true);
    assert.equal(await signer(), KEY_ID);
    value(await dispatch('matcher.credentials.set', { credentials: null }, admin));
  });

  test('a lost key: the console is told in plain words, the chain signs meanwhile; entering them again works', async () => {
    value(await dispatch('matcher.credentials.set', { credentials: { accessKeyId: KEY_ID, secretAccessKey: SECRET } }, admin));
    await close();
    rmSync(credentialKeyFiles(dataDir).plain);
    await open();
    admin = await signIn('ada', 'the site admin password');
    const state = value<{ set: boolean; problem: string | null }>(await dispatch('matcher.credentials.get', {}, admin));
    assert.equal(state.set, true);
    assert.match(state.problem ?? '', /key for AWS credentials of the face matcher is missing.*enter AWS credentials of the face matcher again/);
    assert.equal(await signer(), CHAIN.accessKeyId);
    value(await dispatch('matcher.credentials.set', { credentials: { accessKeyId: KEY_ID, secretAccessKey: SECRET } }, admin));
    assert.equal(await signer(), KEY_ID);
    assert.equal(value<{ problem: string | null }>(await dispatch('matcher.credentials.get', {}, admin)).problem, null);
  });
});

describe('the matcher choice (mode, region, collection) in Settings', () => {
  const siteDir = join(dir.path, 'choice-site');
  const configPath = join(siteDir, 'config.json');
  let site: Engine;
  let siteLive: LiveService;
  let siteDispatch: Dispatch;
  let siteAdmin: ConsoleConnection;
  const openSite = async () => {
    // No explicit matcher option: the site's config.json decides, as in production.
    site = await Engine.open({ dataDir: siteDir, modelsDir: join(dir.path, 'no-models'), remoteMatcherOptions: { credentials: CHAIN, requestTimeoutMs: 2000 } });
    siteLive = new LiveService(site);
    siteDispatch = createEngineDispatcher(site, siteLive);
  };
  const closeSite = async () => {
    await siteLive?.close();
    await site?.close();
  };
  before(async () => {
    mkdirSync(siteDir, { recursive: true });
    writeFileSync(configPath, JSON.stringify({ snapshotRetentionDays: 12, matcher: { mode: 'local', endpoint: fake.url, requestsPerSecond: 2 } }));
    await openSite();
    siteAdmin = newConnection();
    value(await siteDispatch('session.setup', { name: 'root', displayName: 'Root', password: 'the site admin password' }, siteAdmin));
  });
  after(closeSite);

  test('a bad choice is refused with the reason and changes nothing; only an admin may change it', async () => {
    const before = readFileSync(configPath, 'utf8');
    const refusals: Array<[unknown, RegExp]> = [
      [{ mode: 'hybrid', region: null, collectionId: null }, /region is required when mode is hybrid; collectionId is required when mode is hybrid/],
      [{ mode: 'rekognition', region: 'Europe', collectionId: COLLECTION }, /region must be an AWS region name/],
      [{ mode: 'hybrid', region: 'eu-west-1', collectionId: 'my faces' }, /collectionId must be 1-255 letters/],
      [{ mode: 'cloud', region: null, collectionId: null }, /mode must be one of local, hybrid, rekognition/],
    ];
    for (const [choice, reason] of refusals) {
      const refused = await siteDispatch('matcher.config.set', choice as never, siteAdmin);
      assert.equal(codeOf(refused), 'BAD_REQUEST', JSON.stringify(choice));
      assert.match(refused.ok ? '' : refused.error.message, reason);
    }
    value(await siteDispatch('operators.add', { name: 'guard', displayName: 'Gate Guard', role: 'security', password: 'guard password 1' }, siteAdmin));
    const siteGuard = newConnection();
    value(await siteDispatch('session.login', { name: 'guard', password: 'guard password 1' }, siteGuard));
    assert.equal(codeOf(await siteDispatch('matcher.config.set', { mode: 'hybrid', region: 'eu-west-1', collectionId: COLLECTION }, siteGuard)), 'FORBIDDEN');
    assert.equal(codeOf(await siteDispatch('matcher.config.get', {}, siteGuard)), 'FORBIDDEN');
    assert.equal(readFileSync(configPath, 'utf8'), before, 'config.json untouched');
  });

  test('saved into config.json (other settings kept), audited, "restart needed"; the next start runs it', async () => {
    const local = { mode: 'local', region: null, collectionId: null };
    assert.deepEqual(value(await siteDispatch('matcher.config.get', {}, siteAdmin)), { saved: local, running: local, restartNeeded: false });
    const state = value(await siteDispatch('matcher.config.set', { mode: 'hybrid', region: ' eu-west-1 ', collectionId: COLLECTION }, siteAdmin));
    const hybrid = { mode: 'hybrid', region: 'eu-west-1', collectionId: COLLECTION };
    assert.deepEqual(state, { saved: hybrid, running: local, restartNeeded: true });
    assert.equal(site.remoteMatcher, null, 'nothing changes before a restart');
    assert.deepEqual(JSON.parse(readFileSync(configPath, 'utf8')), {
      snapshotRetentionDays: 12,
      matcher: { mode: 'hybrid', endpoint: fake.url, requestsPerSecond: 2, region: 'eu-west-1', collectionId: COLLECTION },
    });
    const entry = site.auditLog.list({ action: 'settings.matcher-changed' }).at(-1)!;
    assert.equal(entry.operator, 'root');
    assert.deepEqual(entry.details, { from: local, to: hybrid, appliesAt: 'next start' });

    await closeSite();
    const sent = fake.requests.length;
    await openSite();
    assert.equal(site.matcherConfig.mode, 'hybrid');
    const remote = site.remoteMatcher as Engine['remoteMatcher'];
    assert.ok(remote, 'the remote matcher runs after the restart');
    await remote.describeCollection();
    assert.ok(fake.requests.length > sent, 'and talks to the collection');
    siteAdmin = newConnection();
    value(await siteDispatch('session.login', { name: 'root', password: 'the site admin password' }, siteAdmin));
    assert.deepEqual(value(await siteDispatch('matcher.config.get', {}, siteAdmin)), { saved: hybrid, running: hybrid, restartNeeded: false });

    // Back to local: region and collection may stay empty.
    assert.deepEqual(value(await siteDispatch('matcher.config.set', { mode: 'local', region: '', collectionId: null }, siteAdmin)), { saved: local, running: hybrid, restartNeeded: true });
    assert.deepEqual(JSON.parse(readFileSync(configPath, 'utf8')).matcher, { mode: 'local', endpoint: fake.url, requestsPerSecond: 2 });
  });
});

async function waitUntil(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) assert.fail('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
