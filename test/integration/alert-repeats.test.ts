/**
 * Alert rules and merged repeats on a real SQLite file, through the engine and the
 * contract's dispatcher: the site's rules survive a restart, repeats of a rule for the
 * same subject within its window add to the open alert (also across a restart),
 * acknowledgement or the end of the window start a new one, and alerts.changed says so.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { Engine } from '../../src-main/engine/engine.js';
import { createDispatcher } from '../../src-main/engine/api/dispatcher.js';
import { createHandlers } from '../../src-main/engine/api/handlers.js';
import { LiveService } from '../../src-main/engine/live/live-service.js';
import { defaultAlertRules } from '../../src-main/engine/alerts/alert-settings.js';
import type { AlertChange, AlertRuleSettings, Permission, Sighting } from '../../src-preload/contract.js';
import { permissions } from '../../src-preload/contract.js';
import { filesContaining } from '../helpers/files.js';
import { tempDir } from '../helpers/paths.js';

const dir = tempDir('vigil-alert-repeats-');
after(() => dir.cleanup());
const dataDir = join(dir.path, 'data');
const open = () => Engine.open({ dataDir, modelsDir: join(dir.path, 'no-models') });
const everyone = { operator: 'guard on duty', permissions: new Set<Permission>(permissions) };
const t0 = new Date('2026-12-04T10:00:00.000Z');
const minutes = (m: number) => new Date(t0.getTime() + m * 60_000);

/** A blocked person's sighting at a camera (a new sighting id each time: a new visit). */
function blockedSighting(engine: Engine, personId: number, camera: { id: number; name: string }): Sighting {
  const now = new Date();
  return engine.sightingRepo.insert({ cameraId: camera.id, cameraName: camera.name, personId, status: 'blocked', trackId: 1, firstSeen: now, lastSeen: now, bestScore: 0.8, frames: 3 });
}

describe('alert repeats and rules on a real database', () => {
  let personId = 0;
  let gate = { id: 0, name: '' };
  let hall = { id: 0, name: '' };
  let firstAlertId = 0;

  test('repeats within the window add to one alert (count, last time, latest camera) and alerts.changed says "repeated"', async () => {
    const engine = await open();
    try {
      const events: AlertChange[] = [];
      engine.on('alerts.changed', (e) => events.push(e));
      engine.alerts.clock = () => minutes(0);
      personId = engine.saveTemplates({ name: 'Mallory', category: 'blocked' }, [], { operator: 'test', origin: 'test' }).person.id;
      gate = engine.cameraRepo.add('Gate', { kind: 'file', path: '/dev/null', loop: false }, 5, false);
      hall = engine.cameraRepo.add('Hall', { kind: 'file', path: '/dev/null', loop: false }, 5, false);
      engine.alerts.onSighting(blockedSighting(engine, personId, gate), false);
      engine.alerts.clock = () => minutes(4);
      engine.alerts.onSighting(blockedSighting(engine, personId, hall), false);
      const alerts = engine.alerts.list(100, false).filter((a) => a.rule === 'blocklisted_seen');
      assert.equal(alerts.length, 1, 'one row for two visits');
      const [alert] = alerts;
      firstAlertId = alert!.id;
      assert.deepEqual([alert!.count, alert!.createdAt, alert!.lastRaisedAt, alert!.cameraName], [2, minutes(0).toISOString(), minutes(4).toISOString(), 'Hall']);
      assert.deepEqual(events.map((e) => [e.change, e.count]), [['raised', 1], ['repeated', 2]]);
    } finally {
      await engine.close();
    }
  });

  test('after a restart the open alert still takes repeats within its window', async () => {
    const engine = await open();
    try {
      engine.alerts.clock = () => minutes(13); // 9 minutes after the last repeat: within 10
      engine.alerts.onSighting(blockedSighting(engine, personId, gate), false);
      const alerts = engine.alerts.list(100, false).filter((a) => a.rule === 'blocklisted_seen');
      assert.deepEqual(alerts.map((a) => [a.id, a.count, a.cameraName]), [[firstAlertId, 3, 'Gate']]);
    } finally {
      await engine.close();
    }
  });

  test('after the window a new alert starts; after acknowledgement too', async () => {
    const engine = await open();
    try {
      engine.alerts.clock = () => minutes(24); // 11 minutes after the last repeat
      engine.alerts.onSighting(blockedSighting(engine, personId, gate), false);
      let alerts = engine.alerts.list(100, false).filter((a) => a.rule === 'blocklisted_seen');
      assert.deepEqual(alerts.map((a) => a.count), [1, 3], 'a new alert, newest first; the old one keeps its count');
      const second = alerts[0]!;
      assert.notEqual(second.id, firstAlertId);
      engine.alerts.acknowledge(second.id, 'guard on duty', 'escorted out');
      const acknowledged = engine.auditLog.list({ action: 'alert.acknowledged' });
      assert.deepEqual(
        acknowledged.map((e) => [e.operator, e.subjectId, e.details.rule]),
        [['guard on duty', second.id, 'blocklisted_seen']],
        'the acknowledgement is on the audit trail with who did it',
      );
      engine.alerts.clock = () => minutes(25);
      engine.alerts.onSighting(blockedSighting(engine, personId, gate), false);
      alerts = engine.alerts.list(100, false).filter((a) => a.rule === 'blocklisted_seen');
      assert.equal(alerts.length, 3, 'acknowledged a minute ago: the next visit is a new alert');
      assert.deepEqual([alerts[0]!.count, alerts[0]!.acknowledgedAt, alerts[1]!.count, alerts[1]!.note], [1, null, 1, 'escorted out']);
    } finally {
      await engine.close();
    }
  });

  test('rules over the contract: the default page, a change saved and audited, kept across a restart, and applied', async () => {
    let engine = await open();
    try {
      const dispatch = createDispatcher(createHandlers(engine, new LiveService(engine)));
      const got = await dispatch('alerts.rules.get', {}, everyone);
      assert.ok(got.ok);
      const state = got.value as { rules: AlertRuleSettings; defaults: AlertRuleSettings };
      assert.deepEqual(state.rules, defaultAlertRules());
      assert.deepEqual(state.defaults, defaultAlertRules());

      const refused = await dispatch('alerts.rules.set', { rules: { ...defaultAlertRules(), camera_offline: { enabled: true, priority: 'medium', repeatWindowMinutes: -1 } } }, everyone);
      assert.equal(refused.ok === false && refused.error.code, 'BAD_REQUEST');
      assert.match(refused.ok === false ? refused.error.message : '', /cannot be negative/);
      const forbidden = await dispatch('alerts.rules.set', { rules: defaultAlertRules() }, { operator: 'viewer', permissions: new Set<Permission>(['alerts.read']) });
      assert.equal(forbidden.ok === false && forbidden.error.code, 'FORBIDDEN');

      const rules = defaultAlertRules();
      rules.blocklisted_seen = { enabled: true, priority: 'medium', repeatWindowMinutes: 0 };
      rules.camera_offline.enabled = false;
      const saved = await dispatch('alerts.rules.set', { rules }, everyone);
      assert.ok(saved.ok);
      const audit = engine.db.prepare("SELECT operator, details_json FROM audit_log WHERE action = 'alerts.rules.set'").all() as Array<{ operator: string; details_json: string }>;
      assert.equal(audit.length, 1);
      assert.equal(audit[0]!.operator, 'guard on duty');
      assert.deepEqual(Object.keys(JSON.parse(audit[0]!.details_json)), ['blocklisted_seen', 'camera_offline']);
    } finally {
      await engine.close();
    }

    engine = await open();
    try {
      assert.equal(engine.alerts.rules().rules.blocklisted_seen.repeatWindowMinutes, 0, 'kept across a restart');
      engine.alerts.clock = () => minutes(30);
      const before = engine.alerts.list(100, false).filter((a) => a.rule === 'blocklisted_seen').length;
      engine.alerts.onSighting(blockedSighting(engine, personId, gate), false);
      engine.alerts.onSighting(blockedSighting(engine, personId, gate), false);
      const after = engine.alerts.list(100, false).filter((a) => a.rule === 'blocklisted_seen');
      assert.equal(after.length, before + 2, 'window 0: every repeat is an alert of its own');
      assert.deepEqual([after[0]!.priority, after[0]!.count], ['medium', 1], 'at the priority the site chose');
      // camera_offline is off: a camera going down raises nothing.
      engine.alerts.onCameraState(gate.id, 'running', null);
      engine.alerts.onCameraState(gate.id, 'failed', 'gone');
      assert.equal(engine.alerts.list(100, false).filter((a) => a.rule === 'camera_offline').length, 0);
    } finally {
      await engine.close();
    }
  });

  test('a face crop goes with the pushed event of a medium/high alert, and is written nowhere', async () => {
    const engine = await open();
    let jpeg: Buffer | undefined;
    try {
      const events: AlertChange[] = [];
      engine.on('alerts.changed', (e) => events.push(e));
      const face = { width: 96, height: 112, data: Uint8Array.from({ length: 96 * 112 * 3 }, (_, i) => (i * 13) % 251) };
      engine.alerts.onSighting(blockedSighting(engine, personId, hall), false, face);
      await new Promise<void>((resolve) => {
        const wait = () => (events.length > 0 ? resolve() : setTimeout(wait, 10));
        wait();
      });
      const [event] = events;
      assert.equal(event!.change, 'raised');
      jpeg = Buffer.from(event!.faceJpegBase64 ?? '', 'base64');
      assert.deepEqual([...jpeg.subarray(0, 3)], [0xff, 0xd8, 0xff], 'a JPEG');
      const stored = engine.db.prepare('SELECT * FROM alerts WHERE id = ?').get(event!.id) as Record<string, unknown>;
      assert.ok(!Object.values(stored).some((v) => typeof v === 'string' && v.includes(event!.faceJpegBase64!.slice(0, 40))), 'not in the database');
    } finally {
      await engine.close();
    }
    // The thumbnail's coded bytes (past the standard header) are specific to this face: they are nowhere in the data folder.
    assert.ok(jpeg);
    const middle = Math.floor(jpeg.length / 2);
    assert.deepEqual(filesContaining(dataDir, jpeg.subarray(middle, middle + 64)), [], 'the crop is written nowhere in the data folder');
  });
});
