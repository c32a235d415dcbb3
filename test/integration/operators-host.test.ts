/**
 * Per-operator sessions on the headless host, over a real WebSocket by hand: the printed token
 * only opens the socket; nothing but the session channels answers before signing in; a viewer
 * calling an admin channel is FORBIDDEN and audited; pushed events reach only consoles whose
 * role may see them; a reconnection resumes its session with the token from session.status.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type RunningServer, startServer } from '../../src-main/server/server.js';
import { ensureOperator, openConsole, signedInConsole, type TestConsole } from '../helpers/operators.js';
import { tempDir } from '../helpers/paths.js';

const dir = tempDir();
let server: RunningServer;
const consoles: TestConsole[] = [];
before(async () => {
  server = await startServer({ dataDir: join(dir.path, 'data'), modelsDir: join(dir.path, 'no-models'), port: 0, host: '127.0.0.1', staticDir: join(dir.path, 'none') });
});
after(async () => {
  for (const c of consoles) await c.close();
  await server?.close();
  dir.cleanup();
});

async function track(c: Promise<TestConsole>): Promise<TestConsole> {
  const opened = await c;
  consoles.push(opened);
  return opened;
}
const codeOf = (e: { ok: boolean; error?: { code: string } }) => (e.ok ? 'ok' : e.error!.code);

describe('headless host: operators sign in on their own socket', () => {
  test('first run over the socket: only session channels answer; set-up creates the admin and signs this socket in', async () => {
    const first = await track(openConsole(server.port, server.token));
    assert.equal(codeOf(await first.call('system.status')), 'NOT_SIGNED_IN');
    assert.equal(codeOf(await first.call('people.list')), 'NOT_SIGNED_IN');
    const status = await first.call('session.status');
    assert.ok(status.ok && (status.value as { setupNeeded: boolean }).setupNeeded);
    const setup = await first.call('session.setup', { name: 'admin', displayName: 'Site Admin', password: 'correct horse battery' });
    assert.equal(codeOf(setup), 'ok');
    assert.equal(codeOf(await first.call('system.status')), 'ok');
    // Another socket with the same token is not signed in: the token is not a session.
    const second = await track(openConsole(server.port, server.token));
    assert.equal(codeOf(await second.call('people.list')), 'NOT_SIGNED_IN');
    assert.equal(codeOf(await second.call('session.setup', { name: 'late', displayName: 'Late', password: 'another long password' })), 'CONFLICT');
  });

  test('a viewer calling an admin channel by hand is FORBIDDEN, and the refusal is in the audit trail', async () => {
    const viewer = await ensureOperator(server.engine, 'watcher', 'viewer');
    const socket = await track(signedInConsole(server, viewer));
    assert.equal(codeOf(await socket.call('sightings.list', {})), 'ok');
    const refused = await socket.call('operators.add', { name: 'sneaky', displayName: 'Sneaky', role: 'admin', password: 'sneaky password 1' });
    assert.equal(codeOf(refused), 'FORBIDDEN');
    assert.equal(server.engine.operators.findByName('sneaky'), null);
    const entry = server.engine.db
      .prepare("SELECT operator, subject_label, details_json FROM audit_log WHERE action = 'access.refused' ORDER BY id DESC LIMIT 1")
      .get() as { operator: string; subject_label: string; details_json: string };
    assert.deepEqual([entry.operator, entry.subject_label, JSON.parse(entry.details_json).role], ['watcher', 'operators.add', 'viewer']);
    assert.equal(codeOf(await socket.call('people.erase', { id: 1, password: 'a long enough test password' })), 'FORBIDDEN');
  });

  test('pushed events go only to signed-in consoles whose role may see them', async () => {
    const admin = await track(signedInConsole(server));
    const viewer = await track(signedInConsole(server, await ensureOperator(server.engine, 'watcher', 'viewer')));
    const anonymous = await track(openConsole(server.port, server.token));
    server.engine.emit('people.changed', { personId: 42, change: 'updated' });
    server.engine.emit('cameras.health', { cameraId: 7, health: { state: 'stopped', inputFps: 0, processedFps: 0, droppedFrames: 0, lastError: null, latencyMs: null, width: null, height: null } });
    // A round trip on each socket: anything sent before the answer has arrived.
    await Promise.all([admin.call('session.status'), viewer.call('session.status'), anonymous.call('session.status')]);
    assert.deepEqual(admin.events.map((e) => e.name), ['people.changed', 'cameras.health']);
    assert.deepEqual(viewer.events.map((e) => e.name), ['cameras.health'], 'a viewer does not get people events');
    assert.deepEqual(anonymous.events, [], 'a socket that has not signed in gets nothing');
  });

  test('a new socket resumes the session with its token (a reconnection); after sign-out the token is dead', async () => {
    const admin = await track(signedInConsole(server));
    const status = await admin.call('session.status');
    const resumeToken = (status as { ok: true; value: { resumeToken: string } }).value.resumeToken;
    const reconnected = await track(openConsole(server.port, server.token));
    // Sent back to back without waiting: the host checks a socket's requests in order.
    const [resumed, list] = await Promise.all([reconnected.call('session.resume', { resumeToken }), reconnected.call('operators.list')]);
    assert.equal(codeOf(resumed), 'ok');
    assert.equal(codeOf(list), 'ok');
    assert.equal(codeOf(await reconnected.call('session.logout')), 'ok');
    assert.equal(codeOf(await admin.call('operators.list')), 'NOT_SIGNED_IN', 'one session: signed out everywhere it was used');
    assert.equal(codeOf(await (await track(openConsole(server.port, server.token))).call('session.resume', { resumeToken })), 'NOT_SIGNED_IN');
  });

  test('sign-in attempts on one socket are rate-limited', async () => {
    const socket = await track(openConsole(server.port, server.token));
    const codes: string[] = [];
    for (let i = 0; i < 11; i++) codes.push(codeOf(await socket.call('session.login', { name: `nobody${i}`, password: 'guess' })));
    assert.deepEqual(codes, [...Array(10).fill('LOGIN_FAILED'), 'RATE_LIMITED']);
  });
});
