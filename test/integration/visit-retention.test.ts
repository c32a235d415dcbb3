/**
 * Visit retention on a real SQLite data folder: the setting through the real dispatcher (admin only,
 * validated, audited), and the purge: old stranger / visitor / no-direction visits go, attendance
 * visits go only once their days are inside a frozen lock (the locked records stay as they were),
 * the rest are held back and counted, occupancy hours are kept before their visits go, and an
 * erasure still removes a person's visits whatever their lock.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Envelope, Role, VisitRetentionState } from '../../src-preload/contract.js';
import type { Dispatch } from '../../src-main/engine/api/dispatcher.js';
import { LOCAL_OPERATOR } from '../../src-main/engine/api/dispatcher.js';
import { createEngineDispatcher } from '../../src-main/engine/api/handlers.js';
import { zonedToUtc } from '../../src-main/engine/attendance/zoned-time.js';
import { Engine } from '../../src-main/engine/engine.js';
import { LiveService } from '../../src-main/engine/live/live-service.js';
import { type ConsoleConnection, newConnection } from '../../src-main/engine/operators/sessions.js';
import { hamiltonClip, tempDir } from '../helpers/paths.js';

const dir = tempDir();
const zone = 'Europe/Berlin';
const ids: Record<string, number> = {};
let engine: Engine;
let live: LiveService;
let dispatch: Dispatch;
const consoles = new Map<Role, ConsoleConnection>();
const call = (role: Role, channel: string, request: unknown) => dispatch(channel, request, consoles.get(role)!);
const codeOf = (envelope: Envelope<unknown>) => (envelope.ok ? 'ok' : envelope.error.code);
function value<T>(envelope: Envelope<unknown>): T {
  if (!envelope.ok) throw new Error(`${envelope.error.code}: ${envelope.error.message}`);
  return envelope.value as T;
}

type Camera = 'Gate in' | 'Gate out' | 'Lobby';
function visit(date: string, time: string, camera: Camera, person: string | null, status: 'member' | 'unknown' = 'member'): number {
  const at = new Date(zonedToUtc(date, time, zone));
  return engine.sightingRepo.insert({ cameraId: ids[camera]!, cameraName: camera, personId: person === null ? null : ids[person]!, status, trackId: 1, firstSeen: at, lastSeen: at, bestScore: 0.8, frames: 5 }).id;
}
const exists = (id: number) => engine.db.prepare('SELECT 1 FROM sightings WHERE id = ?').get(id) !== undefined;

before(async () => {
  engine = await Engine.open({ dataDir: join(dir.path, 'data'), modelsDir: join(dir.path, 'no-models'), timeZone: zone });
  live = new LiveService(engine);
  dispatch = createEngineDispatcher(engine, live);
  for (const role of ['admin', 'hr'] as const) {
    const added = await engine.operators.add({ name: `${role}-op`, displayName: role, role, password: 'a long enough password' }, 'test');
    const connection = newConnection();
    engine.sessions.begin(connection, added.id);
    consoles.set(role, connection);
  }
  for (const [name, direction] of [['Gate in', 'entry'], ['Gate out', 'exit'], ['Lobby', 'none']] as const) {
    ids[name] = engine.cameraRepo.add(name, { kind: 'file', path: hamiltonClip, loop: false }, 10, false).id;
    engine.attendance.setCameraDirection(ids[name]!, direction, 'test');
  }
  const person = engine.db.prepare("INSERT INTO persons (name, category, created_at, updated_at) VALUES (?, ?, 'then', 'then')");
  ids.Ada = Number(person.run('Ada Lovelace', 'employee').lastInsertRowid);
  ids.Cy = Number(person.run('Cy Contractor', 'contractor').lastInsertRowid);
  ids.Vic = Number(person.run('Vic Visitor', 'visitor').lastInsertRowid);
  const day = engine.attendance.addShift({ name: 'Day', start: '08:00', end: '17:00', days: ['mon', 'tue', 'wed', 'thu', 'fri'], graceMinutes: 10, earlyExitMinutes: 10 }, 'test');
  engine.attendance.assignShift(ids.Ada, day.id, 'test');
  engine.attendance.assignShift(ids.Cy, day.id, 'test');
});

after(async () => {
  await live.close();
  await engine.close();
  dir.cleanup();
});

describe('visit retention setting', () => {
  test('defaults to 90 days; an admin changes it (audited), bad values and other roles are refused', async () => {
    const initial = value<VisitRetentionState>(await call('admin', 'settings.visitRetention.get', {}));
    assert.equal(initial.days, 90);
    assert.equal(initial.defaultDays, 90);
    assert.equal(codeOf(await call('hr', 'settings.visitRetention.set', { days: 60 })), 'FORBIDDEN');
    for (const bad of [0, 30, 3651, 45.5, '60']) assert.equal(codeOf(await call('admin', 'settings.visitRetention.set', { days: bad })), 'BAD_REQUEST', `days ${String(bad)}`);
    assert.equal(value<VisitRetentionState>(await call('admin', 'settings.visitRetention.set', { days: null })).days, null);
    const saved = value<VisitRetentionState>(await call('admin', 'settings.visitRetention.set', { days: 31 }));
    assert.equal(saved.days, 31);
    assert.ok(saved.lastPurge, 'the purge ran when the period changed');
    const audit = engine.db.prepare("SELECT operator, details_json FROM audit_log WHERE action = 'settings.updated' AND subject_label = 'visit retention' ORDER BY id").all() as Array<{ operator: string; details_json: string }>;
    assert.deepEqual(audit.map((a) => [a.operator, JSON.parse(a.details_json)]), [['admin-op', { from: 90, to: 'off' }], ['admin-op', { from: 'off', to: 31 }]]);
  });
});

describe('visit retention purge', () => {
  test('keeps what attendance needs until its days are frozen, deletes the rest, keeps occupancy first', async () => {
    // Weekdays in March 2026; "now" is 5 May, retention 31 days (older than 4 April expires).
    const nowMs = Date.parse('2026-05-05T10:00:00Z');
    const adaLockedIn = visit('2026-03-03', '08:02', 'Gate in', 'Ada');
    const adaLockedOut = visit('2026-03-03', '17:05', 'Gate out', 'Ada');
    const adaLastLockedDay = visit('2026-03-20', '08:00', 'Gate in', 'Ada'); // the 21st is not locked: held
    const adaOpen = visit('2026-03-25', '08:20', 'Gate in', 'Ada');
    const cyOpen = visit('2026-03-25', '17:00', 'Gate out', 'Cy');
    const adaLobby = visit('2026-03-25', '12:00', 'Lobby', 'Ada');
    const stranger = visit('2026-03-25', '09:00', 'Gate in', null, 'unknown');
    const visitor = visit('2026-03-25', '10:00', 'Gate in', 'Vic');
    const adaYoung = visit('2026-04-10', '08:00', 'Gate in', 'Ada');
    engine.attendance.lock('2026-03-01', '2026-03-20', 'hr-op', nowMs);
    const lockedBefore = engine.attendance.records('2026-03-03', '2026-03-03', nowMs).find((r) => r.personId === ids.Ada)!;
    assert.ok(lockedBefore.checkInMs !== null && lockedBefore.checkOutMs !== null);

    const result = engine.purgeExpiredVisits(nowMs);

    assert.deepEqual({ deleted: result.deleted, heldForLock: result.heldForLock, heldForOccupancy: result.heldForOccupancy }, { deleted: 5, heldForLock: 3, heldForOccupancy: 0 });
    assert.equal(result.message, '3 visits past retention wait for the attendance period to be locked');
    for (const id of [adaLockedIn, adaLockedOut, adaLobby, stranger, visitor]) assert.equal(exists(id), false, `visit ${id} deleted`);
    for (const id of [adaLastLockedDay, adaOpen, cyOpen, adaYoung]) assert.equal(exists(id), true, `visit ${id} kept`);
    // The locked day is what was exported, although its visits are gone.
    const lockedAfter = engine.attendance.records('2026-03-03', '2026-03-03', nowMs).find((r) => r.personId === ids.Ada)!;
    assert.equal(lockedAfter.checkInMs, lockedBefore.checkInMs);
    assert.equal(lockedAfter.checkOutMs, lockedBefore.checkOutMs);
    // The occupancy of the purged hours was kept before the visits went.
    const hours = engine.attendance.occupancy('2026-03-03', 3, nowMs);
    const eight = hours.find((h) => h.hour === '08:00')!;
    assert.equal(eight.kept, true);
    assert.equal(eight.in, 1);
    assert.equal(hours.find((h) => h.hour === '17:00')!.out, 1);
    assert.ok(engine.attendance.occupancyMonths('2026-03', '2026-03').length === 1);
    // The console sees the figures.
    const state = value<VisitRetentionState>(await call('admin', 'settings.visitRetention.get', {}));
    assert.equal(state.lastPurge?.heldForLock, 3);

    // Locking the rest of March lets the held visits go, except those whose next day is still open.
    engine.attendance.lock('2026-03-21', '2026-03-31', 'hr-op', nowMs);
    const second = engine.purgeExpiredVisits(nowMs);
    assert.deepEqual({ deleted: second.deleted, heldForLock: second.heldForLock, message: second.message }, { deleted: 3, heldForLock: 0, message: null });
    assert.equal(exists(adaYoung), true);
  });

  test('retention off keeps every visit; an erasure removes a person\'s visits whatever their lock', async () => {
    const old = visit('2026-01-05', '08:00', 'Lobby', null, 'unknown');
    const adaHeld = visit('2026-04-01', '08:00', 'Gate in', 'Ada');
    engine.attendance.setVisitRetentionDays(null, 'test');
    assert.deepEqual(engine.purgeExpiredVisits(Date.parse('2026-12-01T00:00:00Z')).deleted, 0);
    assert.equal(exists(old), true);
    engine.attendance.setVisitRetentionDays(31, 'test');
    await engine.peopleService.erase(ids.Ada!, LOCAL_OPERATOR);
    assert.equal(exists(adaHeld), false);
    assert.equal((engine.db.prepare('SELECT COUNT(*) AS n FROM sightings WHERE person_id = ?').get(ids.Ada) as { n: number }).n, 0);
  });
});
