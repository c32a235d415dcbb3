/**
 * The permission table, generated from the contract itself: every channel for every role, through
 * the real dispatcher with a console signed in as an operator of that role. A channel the role's
 * permissions include (or one open to anyone signed in, or to anyone) must not be FORBIDDEN; any
 * other must be, and the refusal is audited. Requests are empty: most are then refused as
 * BAD_REQUEST, which the dispatcher only reaches once the permission check passed.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { channels, eventPermissions, events, permissions, rolePermissions, roles, type ChannelName, type Role } from '../../src-preload/contract.js';
import type { Dispatch } from '../../src-main/engine/api/dispatcher.js';
import { createEngineDispatcher } from '../../src-main/engine/api/handlers.js';
import { Engine } from '../../src-main/engine/engine.js';
import { LiveService } from '../../src-main/engine/live/live-service.js';
import { newConnection } from '../../src-main/engine/operators/sessions.js';
import { tempDir } from '../helpers/paths.js';

const dir = tempDir();
let engine: Engine;
let live: LiveService;
let dispatch: Dispatch;
const operatorIds = new Map<Role, number>();

before(async () => {
  engine = await Engine.open({ dataDir: join(dir.path, 'data'), modelsDir: join(dir.path, 'no-models') });
  live = new LiveService(engine);
  dispatch = createEngineDispatcher(engine, live);
  for (const role of roles) {
    const added = await engine.operators.add({ name: `${role}-operator`, displayName: role, role, password: 'a long enough password' }, 'test');
    operatorIds.set(role, added.id);
  }
});
after(async () => {
  await live?.close();
  await engine?.close();
  dir.cleanup();
});

const channelNames = Object.keys(channels) as ChannelName[];

function refusedCount(): number {
  return (engine.db.prepare("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'access.refused'").get() as { n: number }).n;
}

describe('roles and permissions from the contract, through the real dispatcher', () => {
  test('the role table only names permissions the contract declares; admin has every one', () => {
    for (const role of roles) for (const p of rolePermissions[role]) assert.ok(permissions.includes(p), `${role}: ${p}`);
    assert.deepEqual([...rolePermissions.admin].sort(), [...permissions].sort());
    // Every pushed event needs a permission someone can have.
    for (const name of Object.keys(events) as Array<keyof typeof events>) assert.ok(permissions.includes(eventPermissions[name]), name);
  });

  for (const role of roles) {
    test(`${role}: every channel allowed or FORBIDDEN as the table says`, async () => {
      const table: string[] = [];
      for (const name of channelNames) {
        // A fresh console per channel (session.logout must not sign the next call out); no password hashing needed.
        const connection = newConnection();
        engine.sessions.begin(connection, operatorIds.get(role)!);
        const access = channels[name].permission;
        const allowed = access === 'anyone' || access === 'signed-in' || rolePermissions[role].includes(access);
        const before = refusedCount();
        const envelope = await dispatch(name, {}, connection);
        const code = envelope.ok ? 'ok' : envelope.error.code;
        table.push(`${name}: ${code}`);
        if (allowed) {
          assert.notEqual(code, 'FORBIDDEN', `${role} may call ${name}`);
          assert.notEqual(code, 'NOT_SIGNED_IN', `${role} is signed in for ${name}`);
          assert.equal(refusedCount(), before);
        } else {
          assert.equal(code, 'FORBIDDEN', `${role} must not call ${name} (needs ${access}); got ${code}`);
          assert.equal(refusedCount(), before + 1, `the refused ${name} is audited`);
          const entry = engine.db.prepare("SELECT operator, subject_label FROM audit_log WHERE action = 'access.refused' ORDER BY id DESC LIMIT 1").get();
          assert.deepEqual(entry, { operator: `${role}-operator`, subject_label: name });
        }
      }
      assert.equal(table.length, channelNames.length);
    });
  }

  test('a console that has not signed in reaches only the channels open to anyone', async () => {
    for (const name of channelNames) {
      const envelope = await dispatch(name, {}, newConnection());
      const code = envelope.ok ? 'ok' : envelope.error.code;
      if (channels[name].permission === 'anyone') assert.ok(code !== 'NOT_SIGNED_IN' && code !== 'FORBIDDEN', `${name}: ${code}`);
      else assert.equal(code, 'NOT_SIGNED_IN', name);
    }
  });

  test('pushed events reach a console only with the permission the event needs', () => {
    for (const role of roles) {
      const connection = newConnection();
      assert.equal(engine.sessions.mayReceive(connection, 'live.view'), false, 'not signed in: nothing');
      engine.sessions.begin(connection, operatorIds.get(role)!);
      for (const name of Object.keys(events) as Array<keyof typeof events>) {
        assert.equal(engine.sessions.mayReceive(connection, eventPermissions[name]), rolePermissions[role].includes(eventPermissions[name]), `${role} / ${name}`);
      }
    }
  });

  test('the request never names the caller: an operator field in a request is refused, not believed', async () => {
    const connection = newConnection();
    engine.sessions.begin(connection, operatorIds.get('viewer')!);
    const envelope = await dispatch('operators.list', { operator: 'admin-operator', role: 'admin' }, connection);
    assert.equal(envelope.ok ? 'ok' : envelope.error.code, 'FORBIDDEN');
  });
});
