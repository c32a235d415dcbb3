/**
 * The console's attendance set-up channels (shifts, assignments, department defaults, camera
 * directions) on a real SQLite data folder through the real dispatcher, with consoles signed in
 * as HR, security and viewer: who may change what, bad input refused with its code, every change
 * on the audit trail with the operator, and the day records judged by what was set.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { AttendanceRecord, DepartmentShift, Envelope, Role, Shift, ShiftAssignment } from '../../src-preload/contract.js';
import type { Dispatch } from '../../src-main/engine/api/dispatcher.js';
import { createEngineDispatcher } from '../../src-main/engine/api/handlers.js';
import { zonedToUtc } from '../../src-main/engine/attendance/zoned-time.js';
import { Engine } from '../../src-main/engine/engine.js';
import { LiveService } from '../../src-main/engine/live/live-service.js';
import { type ConsoleConnection, newConnection } from '../../src-main/engine/operators/sessions.js';
import { hamiltonClip, tempDir } from '../helpers/paths.js';

const dir = tempDir();
const zone = 'Europe/Berlin';
const day = '2026-11-30'; // a Monday
let engine: Engine;
let live: LiveService;
let dispatch: Dispatch;
const consoles = new Map<Role, ConsoleConnection>();
let gate: number;
let ada: number;

before(async () => {
  engine = await Engine.open({ dataDir: join(dir.path, 'data'), modelsDir: join(dir.path, 'no-models'), timeZone: zone });
  live = new LiveService(engine);
  dispatch = createEngineDispatcher(engine, live);
  for (const role of ['hr', 'security', 'viewer'] as const) {
    const added = await engine.operators.add({ name: `${role}-op`, displayName: role, role, password: 'a long enough password' }, 'test');
    const connection = newConnection();
    engine.sessions.begin(connection, added.id);
    consoles.set(role, connection);
  }
  gate = engine.cameraRepo.add('Gate', { kind: 'file', path: hamiltonClip, loop: false }, 10, false).id;
  const person = engine.db.prepare("INSERT INTO persons (name, department, category, created_at, updated_at) VALUES (?, ?, 'employee', 'then', 'then')");
  ada = Number(person.run('Ada Lovelace', 'Assembly').lastInsertRowid);
  person.run('Bob Builder', 'Assembly');
});
after(async () => {
  await live?.close();
  await engine?.close();
  dir.cleanup();
});

const call = (role: Role, channel: string, request: unknown) => dispatch(channel, request, consoles.get(role)!);
const codeOf = (envelope: Envelope<unknown>) => (envelope.ok ? 'ok' : envelope.error.code);
function value<T>(envelope: Envelope<unknown>): T {
  if (!envelope.ok) throw new Error(`${envelope.error.code}: ${envelope.error.message}`);
  return envelope.value as T;
}
const lastAudit = (action: string) =>
  engine.db.prepare('SELECT operator, subject_label, details_json AS details FROM audit_log WHERE action = ? ORDER BY id DESC LIMIT 1').get(action) as
    | { operator: string; subject_label: string; details: string }
    | undefined;
const auditCount = () => (engine.db.prepare('SELECT COUNT(*) AS n FROM audit_log').get() as { n: number }).n;

const night = { name: 'Night', start: '22:00', end: '06:00', days: ['mon', 'tue'], graceMinutes: 5, earlyExitMinutes: 0 };
const dayShift = { name: 'Day', start: '08:00', end: '17:00', days: ['mon', 'tue', 'wed', 'thu', 'fri'], graceMinutes: 10, earlyExitMinutes: 10, doubleEntryWindowHours: 10 };

describe('attendance set-up channels through the dispatcher', () => {
  test('HR adds a day and an overnight shift; each is audited with the operator', async () => {
    const saved = value<Shift>(await call('hr', 'attendance.shifts.save', { shift: dayShift }));
    assert.deepEqual({ ...saved, id: 0 }, { ...dayShift, id: 0, overtimeAfterMinutes: 30, overnight: false, people: 0, departments: [] });
    const overnight = value<Shift>(await call('hr', 'attendance.shifts.save', { shift: night }));
    assert.equal(overnight.overnight, true);
    assert.equal(overnight.doubleEntryWindowHours, 12, 'the default double-entry window');
    const entry = lastAudit('shift.added')!;
    assert.equal(entry.operator, 'hr-op');
    assert.equal(entry.subject_label, 'Night');
    const list = value<{ shifts: Shift[] }>(await call('hr', 'attendance.shifts.list', {}));
    assert.deepEqual(list.shifts.map((s) => s.name), ['Day', 'Night']);
  });

  test('bad shifts are refused with BAD_REQUEST and nothing is written', async () => {
    const before = auditCount();
    const bad: Array<[string, unknown]> = [
      ['starts and ends at once', { shift: { ...dayShift, name: 'Same', end: '08:00' } }],
      ['no weekday', { shift: { ...dayShift, name: 'None', days: [] } }],
      ['an unknown weekday', { shift: { ...dayShift, name: 'Odd', days: ['monday'] } }],
      ['a weekday twice', { shift: { ...dayShift, name: 'Twice', days: ['mon', 'mon'] } }],
      ['grace beyond 12 h', { shift: { ...dayShift, name: 'Long', graceMinutes: 721 } }],
      ['a time that is not HH:MM', { shift: { ...dayShift, name: 'Clock', start: '8:00' } }],
      ['an empty name', { shift: { ...dayShift, name: '   ' } }],
      ['an unknown field', { shift: { ...dayShift, name: 'Extra', overtime: 5 } }],
    ];
    for (const [what, request] of bad) {
      const envelope = await call('hr', 'attendance.shifts.save', request);
      assert.equal(codeOf(envelope), 'BAD_REQUEST', what);
    }
    const same = await call('hr', 'attendance.shifts.save', { shift: { ...dayShift, name: 'Same', end: '08:00' } });
    assert.match(envelope(same).error.message, /cannot start and end at the same time/);
    assert.equal(codeOf(await call('hr', 'attendance.shifts.save', { shift: { ...dayShift, name: 'day' } })), 'CONFLICT', 'names are unique whatever their case');
    assert.equal(codeOf(await call('hr', 'attendance.shifts.save', { id: 999, shift: dayShift })), 'NOT_FOUND');
    assert.equal(codeOf(await call('hr', 'attendance.shifts.assign', { personId: ada, shiftId: 999 })), 'NOT_FOUND');
    assert.equal(codeOf(await call('hr', 'attendance.shifts.assign', { personId: 9999, shiftId: null })), 'NOT_FOUND');
    assert.equal(codeOf(await call('hr', 'attendance.shifts.setDepartment', { department: ' ', shiftId: null })), 'BAD_REQUEST');
    assert.equal(codeOf(await call('hr', 'attendance.cameras.setDirection', { id: gate, direction: 'sideways' })), 'BAD_REQUEST');
    assert.equal(codeOf(await call('hr', 'attendance.cameras.setDirection', { id: 999, direction: 'entry' })), 'NOT_FOUND');
    assert.equal(auditCount(), before, 'no refused change is on the trail');
  });

  test('security and viewer may not change anything; the refusals are audited', async () => {
    const list = value<{ shifts: Shift[] }>(await call('hr', 'attendance.shifts.list', {}));
    const day = list.shifts.find((s) => s.name === 'Day')!;
    for (const role of ['security', 'viewer'] as const) {
      const attempts: Array<[string, unknown]> = [
        ['attendance.shifts.list', {}],
        ['attendance.cameras.list', {}],
        ['attendance.shifts.save', { shift: { ...dayShift, name: 'Sneaky' } }],
        ['attendance.shifts.remove', { id: day.id }],
        ['attendance.shifts.assign', { personId: ada, shiftId: day.id }],
        ['attendance.shifts.setDepartment', { department: 'Assembly', shiftId: day.id }],
        ['attendance.cameras.setDirection', { id: gate, direction: 'entry' }],
      ];
      for (const [channel, request] of attempts) {
        assert.equal(codeOf(await call(role, channel, request)), 'FORBIDDEN', `${role}: ${channel}`);
        const refused = lastAudit('access.refused')!;
        assert.deepEqual([refused.operator, refused.subject_label], [`${role}-op`, channel]);
      }
    }
    assert.equal(value<{ shifts: Shift[] }>(await call('hr', 'attendance.shifts.list', {})).shifts.length, 2, 'nothing was added');
  });

  test('HR sets the camera to entry, the department default and Ada her own shift; the day records follow', async () => {
    const camera = value<{ direction: string }>(await call('hr', 'attendance.cameras.setDirection', { id: gate, direction: 'entry' }));
    assert.equal(camera.direction, 'entry');
    assert.deepEqual(JSON.parse(lastAudit('camera.direction-set')!.details), { from: 'none', to: 'entry' });
    const cameras = value<Array<{ id: number; direction: string }>>(await call('hr', 'attendance.cameras.list', {}));
    assert.equal(cameras.find((c) => c.id === gate)?.direction, 'entry');

    const { shifts } = value<{ shifts: Shift[] }>(await call('hr', 'attendance.shifts.list', {}));
    const dayId = shifts.find((s) => s.name === 'Day')!.id;
    const nightId = shifts.find((s) => s.name === 'Night')!.id;
    const department = value<DepartmentShift>(await call('hr', 'attendance.shifts.setDepartment', { department: 'assembly', shiftId: dayId }));
    assert.deepEqual(department, { department: 'assembly', shiftId: dayId, shift: 'Day', people: 2 });
    assert.equal(lastAudit('department.shift-set')!.operator, 'hr-op');
    const assigned = value<ShiftAssignment>(await call('hr', 'attendance.shifts.assign', { personId: ada, shiftId: nightId }));
    assert.deepEqual([assigned.shift, assigned.departmentShift], ['Night', 'Day']);
    assert.deepEqual(JSON.parse(lastAudit('person.shift-set')!.details), { shift: 'Night' });

    // A visit written as the pipeline writes it, at the camera now tagged entry.
    const at = new Date(zonedToUtc(day, '22:12', zone));
    engine.sightingRepo.insert({ cameraId: gate, cameraName: 'Gate', personId: ada, status: 'member', trackId: 1, firstSeen: at, lastSeen: at, bestScore: 0.8, frames: 5 });
    const { records } = value<{ records: AttendanceRecord[] }>(await call('hr', 'attendance.records', { from: day, to: day }));
    const adaDay = records.find((r) => r.person === 'Ada Lovelace')!;
    assert.equal(adaDay.shift, 'Night');
    assert.deepEqual([adaDay.checkIn, adaDay.lateMinutes], ['2026-11-30T22:12:00+01:00', 12]);
    const bob = records.find((r) => r.person === 'Bob Builder')!;
    assert.deepEqual([bob.shift, bob.status], ['Day', ['absent']], "Bob has his department's shift");
  });

  test('HR changes a shift; the change and its before/after are audited', async () => {
    const { shifts } = value<{ shifts: Shift[] }>(await call('hr', 'attendance.shifts.list', {}));
    const nightShift = shifts.find((s) => s.name === 'Night')!;
    assert.equal(nightShift.people, 1);
    const changed = value<Shift>(await call('hr', 'attendance.shifts.save', { id: nightShift.id, shift: { ...night, name: 'Late night', start: '23:00', graceMinutes: 15 } }));
    assert.deepEqual([changed.id, changed.name, changed.start, changed.graceMinutes, changed.people], [nightShift.id, 'Late night', '23:00', 15, 1]);
    const details = JSON.parse(lastAudit('shift.updated')!.details) as { from: { start: string }; to: { start: string } };
    assert.deepEqual([details.from.start, details.to.start], ['22:00', '23:00']);
    assert.equal(codeOf(await call('hr', 'attendance.shifts.save', { id: nightShift.id, shift: { ...night, name: 'DAY' } })), 'CONFLICT', "another shift's name");
  });

  test('removing a shift in use says what it undid (as the CLI): its people fall back to the department, departments lose it', async () => {
    const { shifts } = value<{ shifts: Shift[] }>(await call('hr', 'attendance.shifts.list', {}));
    const lateNight = shifts.find((s) => s.name === 'Late night')!;
    const removed = value<{ name: string; unassignedPeople: number; clearedDepartments: string[] }>(await call('hr', 'attendance.shifts.remove', { id: lateNight.id }));
    assert.deepEqual(removed, { removed: true, name: 'Late night', unassignedPeople: 1, clearedDepartments: [] });
    const after = value<{ people: ShiftAssignment[] }>(await call('hr', 'attendance.shifts.list', {}));
    assert.deepEqual(after.people.find((p) => p.personId === ada)!.shift, null);
    assert.deepEqual(after.people.find((p) => p.personId === ada)!.departmentShift, 'Day');

    const dayShiftId = shifts.find((s) => s.name === 'Day')!.id;
    const removedDay = value<{ clearedDepartments: string[] }>(await call('hr', 'attendance.shifts.remove', { id: dayShiftId }));
    assert.deepEqual(removedDay.clearedDepartments, ['assembly']);
    const entry = lastAudit('shift.removed')!;
    assert.equal(entry.operator, 'hr-op');
    assert.deepEqual(JSON.parse(entry.details), { unassignedPeople: [], clearedDepartments: ['assembly'] });
    assert.equal(codeOf(await call('hr', 'attendance.shifts.remove', { id: dayShiftId })), 'NOT_FOUND', 'removed already');
  });
});

function envelope(e: Envelope<unknown>): { error: { message: string } } {
  assert.equal(e.ok, false);
  return e as { error: { message: string } } & Envelope<unknown>;
}
