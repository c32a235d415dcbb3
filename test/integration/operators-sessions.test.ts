/**
 * Operators, sign-in, lockout, idle timeout, the last-admin rule and passwords asked again, on a
 * real SQLite file through the real dispatcher. Time is the engine's injectable clock: the tests
 * move it by minutes instead of sleeping.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import type { Envelope } from '../../src-preload/contract.js';
import type { Dispatch } from '../../src-main/engine/api/dispatcher.js';
import { createEngineDispatcher } from '../../src-main/engine/api/handlers.js';
import { Engine } from '../../src-main/engine/engine.js';
import { LiveService } from '../../src-main/engine/live/live-service.js';
import { lockDurationMs } from '../../src-main/engine/operators/operator-service.js';
import { type ConsoleConnection, newConnection } from '../../src-main/engine/operators/sessions.js';
import { tempDir } from '../helpers/paths.js';

const dir = tempDir();
let clock = Date.parse('2026-12-04T09:00:00Z');
const MINUTE = 60_000;
let engine: Engine;
let live: LiveService;
let dispatch: Dispatch;

before(async () => {
  engine = await Engine.open({ dataDir: join(dir.path, 'data'), modelsDir: join(dir.path, 'no-models'), now: () => clock });
  live = new LiveService(engine);
  dispatch = createEngineDispatcher(engine, live);
});
after(async () => {
  await live?.close();
  await engine?.close();
  dir.cleanup();
});

const codeOf = (envelope: Envelope<unknown>) => (envelope.ok ? 'ok' : envelope.error.code);
function value<T>(envelope: Envelope<unknown>): T {
  if (!envelope.ok) throw new Error(`${envelope.error.code}: ${envelope.error.message}`);
  return envelope.value as T;
}
const auditCount = (action: string, label?: string) =>
  (engine.db.prepare('SELECT COUNT(*) AS n FROM audit_log WHERE action = ? AND (? IS NULL OR subject_label = ?)').get(action, label ?? null, label ?? null) as { n: number }).n;

const ADMIN_PASSWORD = 'the site admin password';
let admin: ConsoleConnection;

async function signIn(name: string, password: string): Promise<ConsoleConnection> {
  const connection = newConnection();
  value(await dispatch('session.login', { name, password }, connection));
  return connection;
}

describe('first run, sign-in and lockout', () => {
  test('first run: nothing but session channels until the site admin exists; set-up creates it and signs in, once', async () => {
    const connection = newConnection();
    const status = value<{ setupNeeded: boolean; operator: null }>(await dispatch('session.status', {}, connection));
    assert.equal(status.setupNeeded, true);
    assert.equal(status.operator, null);
    assert.equal(codeOf(await dispatch('people.list', {}, connection)), 'NOT_SIGNED_IN');
    assert.equal(codeOf(await dispatch('session.setup', { name: 'ada', displayName: 'Ada', password: 'short' }, connection)), 'BAD_REQUEST', 'a short password is refused');
    const after = value<{ setupNeeded: boolean; operator: { name: string; role: string } }>(
      await dispatch('session.setup', { name: 'Ada', displayName: 'Ada Lovelace', password: ADMIN_PASSWORD }, connection),
    );
    assert.equal(after.setupNeeded, false);
    assert.deepEqual([after.operator.name, after.operator.role], ['Ada', 'admin']);
    assert.equal(codeOf(await dispatch('people.list', {}, connection)), 'ok');
    assert.equal(codeOf(await dispatch('session.setup', { name: 'mallory', displayName: 'M', password: 'another long password' }, newConnection())), 'CONFLICT');
    assert.equal(engine.operators.count(), 1);
    const stored = engine.db.prepare("SELECT password_hash FROM operators WHERE name = 'ada'").get() as { password_hash: string };
    assert.match(stored.password_hash, /^scrypt\$32768\$8\$1\$[A-Za-z0-9+/=]{20,}\$[A-Za-z0-9+/=]{40,}$/, 'salt and parameters stored with the hash');
    assert.ok(!stored.password_hash.includes(ADMIN_PASSWORD));
    admin = connection;
  });

  test('names are unique whatever their case, and sign-in ignores case', async () => {
    assert.equal(codeOf(await dispatch('operators.add', { name: 'ADA', displayName: 'x', role: 'viewer', password: 'long enough password' }, admin)), 'CONFLICT');
    await signIn('ADA', ADMIN_PASSWORD);
  });

  test('lock durations: none before the 5th failure, then 1 minute doubling, at most an hour', () => {
    assert.deepEqual([1, 4, 5, 6, 7, 8, 11, 12, 40].map((n) => lockDurationMs(n) / MINUTE), [0, 0, 1, 2, 4, 8, 60, 60, 60]);
  });

  test('five wrong passwords lock the account for a minute (audited); the right one is refused while locked; it doubles after', async () => {
    value(await dispatch('operators.add', { name: 'guard', displayName: 'Gate Guard', role: 'security', password: 'guard password 1' }, admin));
    const connection = newConnection();
    const failedBefore = auditCount('operator.sign-in-failed', 'guard');
    for (let i = 1; i <= 4; i++) assert.equal(codeOf(await dispatch('session.login', { name: 'guard', password: `wrong ${i}` }, connection)), 'LOGIN_FAILED');
    const fifth = await dispatch('session.login', { name: 'guard', password: 'wrong 5' }, connection);
    assert.equal(codeOf(fifth), 'ACCOUNT_LOCKED');
    assert.equal((fifth as { ok: false; error: { retryAt?: string } }).error.retryAt, new Date(clock + MINUTE).toISOString());
    assert.equal(auditCount('operator.sign-in-failed', 'guard'), failedBefore + 5);
    assert.equal(auditCount('operator.locked-out', 'guard'), 1);
    // Locked: even the right password is refused, without being checked.
    assert.equal(codeOf(await dispatch('session.login', { name: 'guard', password: 'guard password 1' }, newConnection())), 'ACCOUNT_LOCKED');
    const listed = value<Array<{ name: string; lockedUntil: string | null }>>(await dispatch('operators.list', {}, admin)).find((o) => o.name === 'guard')!;
    assert.equal(listed.lockedUntil, new Date(clock + MINUTE).toISOString());
    clock += MINUTE + 1000;
    const sixth = await dispatch('session.login', { name: 'guard', password: 'wrong 6' }, newConnection());
    assert.equal(codeOf(sixth), 'ACCOUNT_LOCKED');
    assert.equal((sixth as { ok: false; error: { retryAt?: string } }).error.retryAt, new Date(clock + 2 * MINUTE).toISOString(), 'the second lock lasts two minutes');
    clock += 2 * MINUTE + 1000;
    await signIn('guard', 'guard password 1');
    const row = engine.db.prepare("SELECT failed_attempts, locked_until, last_login_at FROM operators WHERE name = 'guard'").get() as Record<string, unknown>;
    assert.deepEqual([row.failed_attempts, row.locked_until, row.last_login_at], [0, null, new Date(clock).toISOString()], 'a good sign-in clears the count');
  });

  test('an unknown name gets the same answer as a wrong password, and is audited', async () => {
    const before = auditCount('operator.sign-in-failed', 'nobody-here');
    assert.equal(codeOf(await dispatch('session.login', { name: 'nobody-here', password: 'whatever it is' }, newConnection())), 'LOGIN_FAILED');
    assert.equal(auditCount('operator.sign-in-failed', 'nobody-here'), before + 1);
  });

  test('an unknown name locks like an account after five tries, so a lockout never tells a prober the name exists', async () => {
    // The same sequence against a real account and a name that is no account: the same answers.
    value(await dispatch('operators.add', { name: 'prober-target', displayName: 'Target', role: 'viewer', password: 'target password 1' }, admin));
    const answers = async (name: string) => {
      const out: Array<{ code: string; retryAt?: string }> = [];
      for (let i = 1; i <= 6; i++) {
        const reply = await dispatch('session.login', { name, password: `wrong ${i}` }, newConnection());
        out.push({ code: codeOf(reply), retryAt: (reply as { ok: boolean; error?: { retryAt?: string } }).error?.retryAt });
      }
      return out;
    };
    const real = await answers('prober-target');
    const ghost = await answers('No-Such-Operator');
    assert.deepEqual(ghost, real);
    assert.deepEqual(real.map((a) => a.code), ['LOGIN_FAILED', 'LOGIN_FAILED', 'LOGIN_FAILED', 'LOGIN_FAILED', 'ACCOUNT_LOCKED', 'ACCOUNT_LOCKED']);
    // The unknown name's lock also ends after its minute, in any letter case.
    clock += MINUTE + 1000;
    assert.equal(codeOf(await dispatch('session.login', { name: 'no-such-operator', password: 'wrong 7' }, newConnection())), 'ACCOUNT_LOCKED', 'the 7th failure locks again, for two minutes');
    clock += 2 * MINUTE + 1000;
    await signIn('prober-target', 'target password 1');
  });

  test('a console may try to sign in 10 times a minute, then RATE_LIMITED until the minute is over', async () => {
    const connection = newConnection();
    for (let i = 0; i < 10; i++) assert.equal(codeOf(await dispatch('session.login', { name: `ghost${i}`, password: 'x' }, connection)), 'LOGIN_FAILED');
    assert.equal(codeOf(await dispatch('session.login', { name: 'ada', password: ADMIN_PASSWORD }, connection)), 'RATE_LIMITED');
    clock += MINUTE;
    assert.equal(codeOf(await dispatch('session.login', { name: 'ada', password: ADMIN_PASSWORD }, connection)), 'ok');
  });
});

describe('sessions', () => {
  beforeEach(async () => {
    admin = await signIn('ada', ADMIN_PASSWORD);
  });

  test('idle for the timeout (15 minutes by default): the next call is SESSION_EXPIRED and does nothing; activity keeps it alive', async () => {
    clock += 14 * MINUTE;
    assert.equal(codeOf(await dispatch('operators.list', {}, admin)), 'ok', 'activity within the timeout');
    clock += 14 * MINUTE;
    assert.equal(codeOf(await dispatch('operators.list', {}, admin)), 'ok', 'the timeout counts from the last call');
    clock += 15 * MINUTE;
    const expiredBefore = auditCount('operator.session-expired');
    const refused = await dispatch('operators.add', { name: 'late', displayName: 'Late', role: 'viewer', password: 'long enough password' }, admin);
    assert.equal(codeOf(refused), 'SESSION_EXPIRED');
    assert.equal(engine.operators.findByName('late'), null, 'nothing half-done');
    assert.equal(auditCount('operator.session-expired'), expiredBefore + 1);
    assert.equal(codeOf(await dispatch('operators.list', {}, admin)), 'NOT_SIGNED_IN', 'the session is gone');
    assert.equal(value<{ operator: unknown }>(await dispatch('session.status', {}, admin)).operator, null);
  });

  test('the idle timeout is a site setting an admin changes (audited)', async () => {
    assert.deepEqual(value(await dispatch('settings.update', { idleTimeoutMinutes: 30 }, admin)), { idleTimeoutMinutes: 30 });
    assert.equal(value<{ idleTimeoutMinutes: number }>(await dispatch('session.status', {}, admin)).idleTimeoutMinutes, 30);
    clock += 20 * MINUTE;
    assert.equal(codeOf(await dispatch('operators.list', {}, admin)), 'ok');
    assert.equal(auditCount('settings.updated'), 1);
    value(await dispatch('settings.update', { idleTimeoutMinutes: 15 }, admin));
  });

  test('pushed events stop when the session is idle past the timeout', async () => {
    assert.equal(engine.sessions.mayReceive(admin, 'live.view'), true);
    clock += 15 * MINUTE;
    assert.equal(engine.sessions.mayReceive(admin, 'live.view'), false);
  });

  test('a reconnected console resumes its session with the token; a made-up token signs nobody in', async () => {
    const { resumeToken } = value<{ resumeToken: string }>(await dispatch('session.status', {}, admin));
    const reconnected = newConnection();
    assert.equal(value<{ operator: { name: string } }>(await dispatch('session.resume', { resumeToken }, reconnected)).operator.name, 'Ada');
    assert.equal(codeOf(await dispatch('operators.list', {}, reconnected)), 'ok');
    const stranger = newConnection();
    assert.equal(codeOf(await dispatch('session.resume', { resumeToken: 'x'.repeat(43) }, stranger)), 'NOT_SIGNED_IN');
    assert.equal(codeOf(await dispatch('operators.list', {}, stranger)), 'NOT_SIGNED_IN');
  });

  test('sign-out ends the session (audited)', async () => {
    const before = auditCount('operator.signed-out');
    value(await dispatch('session.logout', {}, admin));
    assert.equal(codeOf(await dispatch('operators.list', {}, admin)), 'NOT_SIGNED_IN');
    assert.equal(auditCount('operator.signed-out'), before + 1);
  });

  test('a role change applies to the next call of a signed-in operator; disabling signs them out and refuses sign-in', async () => {
    const { id } = value<{ id: number }>(await dispatch('operators.add', { name: 'clerk', displayName: 'HR Clerk', role: 'hr', password: 'clerk password 1' }, admin));
    const clerk = await signIn('clerk', 'clerk password 1');
    assert.equal(codeOf(await dispatch('people.list', {}, clerk)), 'ok');
    value(await dispatch('operators.update', { id, role: 'viewer' }, admin));
    assert.equal(codeOf(await dispatch('people.list', {}, clerk)), 'FORBIDDEN', 'a viewer now');
    value(await dispatch('operators.update', { id, disabled: true }, admin));
    assert.equal(codeOf(await dispatch('sightings.list', {}, clerk)), 'NOT_SIGNED_IN');
    assert.equal(codeOf(await dispatch('session.login', { name: 'clerk', password: 'clerk password 1' }, newConnection())), 'ACCOUNT_DISABLED');
    value(await dispatch('operators.update', { id, disabled: false }, admin));
    await signIn('clerk', 'clerk password 1');
    assert.deepEqual(
      (engine.db.prepare("SELECT action FROM audit_log WHERE subject_kind = 'operator' AND subject_label = 'clerk' AND action IN ('operator.added', 'operator.role-changed', 'operator.disabled', 'operator.enabled') ORDER BY id").all() as Array<{ action: string }>).map((r) => r.action),
      ['operator.added', 'operator.role-changed', 'operator.disabled', 'operator.enabled'],
    );
  });

  test('change one’s own password (the current one asked); an admin resets another’s, which lifts a lockout and ends their sessions', async () => {
    const clerk = await signIn('clerk', 'clerk password 1');
    assert.equal(codeOf(await dispatch('session.changePassword', { currentPassword: 'not it', newPassword: 'clerk password 2' }, clerk)), 'PASSWORD_REQUIRED');
    value(await dispatch('session.changePassword', { currentPassword: 'clerk password 1', newPassword: 'clerk password 2' }, clerk));
    assert.equal(codeOf(await dispatch('session.login', { name: 'clerk', password: 'clerk password 1' }, newConnection())), 'LOGIN_FAILED');
    const again = await signIn('clerk', 'clerk password 2');
    for (let i = 0; i < 5; i++) await dispatch('session.login', { name: 'clerk', password: `wrong ${i}` }, newConnection());
    assert.equal(codeOf(await dispatch('session.login', { name: 'clerk', password: 'clerk password 2' }, newConnection())), 'ACCOUNT_LOCKED');
    const id = engine.operators.findByName('clerk')!.id;
    const reset = value<{ lockedUntil: string | null }>(await dispatch('operators.resetPassword', { id, newPassword: 'clerk password 3' }, admin));
    assert.equal(reset.lockedUntil, null);
    assert.equal(codeOf(await dispatch('people.list', {}, again)), 'NOT_SIGNED_IN', 'their sessions ended');
    await signIn('clerk', 'clerk password 3');
    assert.equal(auditCount('operator.password-reset', 'clerk'), 1);
    assert.equal(auditCount('operator.password-changed', 'clerk'), 1);
  });
});

describe('the last enabled admin', () => {
  test('cannot be disabled or demoted, by the console or by SQL; with a second admin they can', async () => {
    admin = await signIn('ada', ADMIN_PASSWORD);
    const ada = engine.operators.findByName('ada')!.id;
    assert.equal(codeOf(await dispatch('operators.update', { id: ada, disabled: true }, admin)), 'LAST_ADMIN');
    assert.equal(codeOf(await dispatch('operators.update', { id: ada, role: 'hr' }, admin)), 'LAST_ADMIN');
    assert.throws(() => engine.db.prepare("UPDATE operators SET role = 'viewer' WHERE id = ?").run(ada), /LAST_ADMIN/);
    assert.throws(() => engine.db.prepare('DELETE FROM operators WHERE id = ?').run(ada), /LAST_ADMIN/);
    assert.equal(engine.operators.get(ada)!.role, 'admin');
    const { id: grace } = value<{ id: number }>(await dispatch('operators.add', { name: 'grace', displayName: 'Grace', role: 'admin', password: 'grace password 1' }, admin));
    value(await dispatch('operators.update', { id: grace, disabled: true }, admin));
    assert.equal(codeOf(await dispatch('operators.update', { id: ada, role: 'viewer' }, admin)), 'LAST_ADMIN', 'a disabled admin does not count');
    value(await dispatch('operators.update', { id: grace, disabled: false }, admin));
    value(await dispatch('operators.update', { id: ada, role: 'hr' }, admin));
    const graceConsole = await signIn('grace', 'grace password 1');
    assert.equal(codeOf(await dispatch('operators.update', { id: grace, role: 'viewer' }, graceConsole)), 'LAST_ADMIN');
    value(await dispatch('operators.update', { id: ada, role: 'admin' }, graceConsole));
  });
});

describe('grave actions ask for the password again', () => {
  let personId = 0;
  let clerk: ConsoleConnection;
  before(async () => {
    clerk = await signIn('clerk', 'clerk password 3');
    const embedding = new Float32Array(engine.embedderManifest.embeddingSize).fill(0);
    embedding[0] = 1;
    personId = engine.people.create({ name: 'Erin Erasable', employeeCode: null, department: null, category: 'employee', notes: null }, null, engine.embedderId, [{ embedding, quality: 1, source: 'e.jpg' }], {
      operator: 'test',
      action: 'person.enrolled',
      subjectKind: 'person',
      subjectId: null,
      subjectLabel: 'Erin Erasable',
    }).personId;
  });

  test('erasure: none or a wrong password is refused (audited) and nothing is erased; the right one erases', async () => {
    engine.operators.update(engine.operators.findByName('clerk')!.id, { role: 'hr' }, 'test');
    assert.equal(codeOf(await dispatch('people.erase', { id: personId }, clerk)), 'PASSWORD_REQUIRED');
    const before = auditCount('operator.password-confirmation-failed', 'clerk');
    assert.equal(codeOf(await dispatch('people.erase', { id: personId, password: 'not mine' }, clerk)), 'PASSWORD_REQUIRED');
    assert.equal(auditCount('operator.password-confirmation-failed', 'clerk'), before + 1);
    assert.ok(engine.people.get(personId), 'still there');
    assert.equal(codeOf(await dispatch('people.export', { id: personId }, clerk)), 'ok', 'an export without vectors needs no password');
    assert.equal(codeOf(await dispatch('people.export', { id: personId, includeEmbeddings: true }, clerk)), 'PASSWORD_REQUIRED');
    assert.equal(codeOf(await dispatch('people.export', { id: personId, includeEmbeddings: true, password: 'clerk password 3' }, clerk)), 'ok');
    const erased = await dispatch('people.erase', { id: personId, password: 'clerk password 3' }, clerk);
    assert.equal(codeOf(erased), 'ok');
    assert.equal(engine.people.get(personId), null);
    const entry = engine.db.prepare("SELECT operator FROM audit_log WHERE action = 'person.erased' AND subject_id = ?").get(personId) as { operator: string } | undefined;
    assert.equal(entry?.operator, 'clerk', 'the audit entry names the signed-in operator');
  });

  test('a guard (security) may put someone on the blocklist but not edit or erase them', async () => {
    const guard = await signIn('guard', 'guard password 1');
    const embedding = new Float32Array(engine.embedderManifest.embeddingSize).fill(0);
    embedding[1] = 1;
    const id = engine.people.create({ name: 'Vic Visitor', employeeCode: null, department: null, category: 'visitor', notes: null }, null, engine.embedderId, [{ embedding, quality: 1, source: 'v.jpg' }], {
      operator: 'test', action: 'person.enrolled', subjectKind: 'person', subjectId: null, subjectLabel: 'Vic Visitor',
    }).personId;
    assert.equal(value<{ category: string }>(await dispatch('people.setBlocked', { id, blocked: true }, guard)).category, 'blocked');
    assert.equal(value<{ category: string }>(await dispatch('people.setBlocked', { id, blocked: false, category: 'visitor' }, guard)).category, 'visitor');
    assert.equal(codeOf(await dispatch('people.update', { id, name: 'Renamed' }, guard)), 'FORBIDDEN');
    assert.equal(codeOf(await dispatch('people.erase', { id, password: 'guard password 1' }, guard)), 'FORBIDDEN');
    const actions = (engine.db.prepare("SELECT operator FROM audit_log WHERE action = 'person.updated' AND subject_id = ?").all(id) as Array<{ operator: string }>).map((r) => r.operator);
    assert.deepEqual(actions, ['guard', 'guard']);
  });
});
