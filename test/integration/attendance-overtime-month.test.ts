/**
 * A shift's overtime threshold, what editing a shift judges again, locked periods kept as locked and
 * one person's month, on a real SQLite data folder: the threshold set with the CLI (separate
 * processes, as a script would), the rest through the real dispatcher with HR and security consoles.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { AttendanceCorrection, AttendanceRecord, Envelope, Role, Shift, ShiftImpact } from '../../src-preload/contract.js';
import type { Dispatch } from '../../src-main/engine/api/dispatcher.js';
import { createEngineDispatcher } from '../../src-main/engine/api/handlers.js';
import { zonedToUtc } from '../../src-main/engine/attendance/zoned-time.js';
import { Engine } from '../../src-main/engine/engine.js';
import { LiveService } from '../../src-main/engine/live/live-service.js';
import { type ConsoleConnection, newConnection } from '../../src-main/engine/operators/sessions.js';
import { runCli } from '../helpers/cli.js';
import { hamiltonClip, tempDir } from '../helpers/paths.js';

const dir = tempDir();
const dataDir = join(dir.path, 'data');
const zone = 'Europe/Berlin';
const cli = (...args: string[]) => runCli('main', [...args, '--db', join(dataDir, 'vigil.db')], { VIGIL_HOME: dataDir });
const ids: Record<string, number> = {};
let engine: Engine | undefined;
let live: LiveService | undefined;
let dispatch: Dispatch;
const consoles = new Map<Role, ConsoleConnection>();

before(async () => {
  const setup = await Engine.open({ dataDir, modelsDir: join(dir.path, 'no-models'), timeZone: zone });
  try {
    for (const [name, direction] of [['Gate in', 'entry'], ['Gate out', 'exit']] as const) {
      ids[name] = setup.cameraRepo.add(name, { kind: 'file', path: hamiltonClip, loop: false }, 10, false).id;
      setup.attendance.setCameraDirection(ids[name]!, direction, 'test');
    }
    const person = setup.db.prepare("INSERT INTO persons (name, department, category, created_at, updated_at) VALUES (?, 'Assembly', 'employee', 'then', 'then')");
    ids.Ada = Number(person.run('Ada Lovelace').lastInsertRowid);
    ids.Bob = Number(person.run('Bob Builder').lastInsertRowid);
    ids.Vic = Number(setup.db.prepare("INSERT INTO persons (name, category, created_at, updated_at) VALUES ('Vic Visitor', 'visitor', 'then', 'then')").run().lastInsertRowid);
  } finally {
    await setup.close();
  }
  // config.json: the site's days are Berlin days whatever the machine's zone (the CLI reads it).
  const { writeFileSync } = await import('node:fs');
  writeFileSync(join(dataDir, 'config.json'), JSON.stringify({ timeZone: zone }));
});

after(async () => {
  await live?.close();
  await engine?.close();
  dir.cleanup();
});

/** The engine and consoles, opened once the CLI steps are done (one process holds the data folder). */
async function openEngine(): Promise<Engine> {
  if (engine) return engine;
  engine = await Engine.open({ dataDir, modelsDir: join(dir.path, 'no-models'), timeZone: zone });
  live = new LiveService(engine);
  dispatch = createEngineDispatcher(engine, live);
  for (const role of ['hr', 'security'] as const) {
    const added = await engine.operators.add({ name: `${role}-op`, displayName: role, role, password: 'a long enough password' }, 'test');
    const connection = newConnection();
    engine.sessions.begin(connection, added.id);
    consoles.set(role, connection);
  }
  return engine;
}

const call = (role: Role, channel: string, request: unknown) => dispatch(channel, request, consoles.get(role)!);
function value<T>(envelope: Envelope<unknown>): T {
  if (!envelope.ok) throw new Error(`${envelope.error.code}: ${envelope.error.message}`);
  return envelope.value as T;
}
const codeOf = (envelope: Envelope<unknown>) => (envelope.ok ? 'ok' : envelope.error.code);

/** A visit as the live pipeline writes it (the camera's direction travels with it). */
function visit(e: Engine, person: string, date: string, time: string, camera: 'Gate in' | 'Gate out') {
  const at = new Date(zonedToUtc(date, time, zone));
  e.sightingRepo.insert({ cameraId: ids[camera]!, cameraName: camera, personId: ids[person]!, status: 'member', trackId: 1, firstSeen: at, lastSeen: at, bestScore: 0.8, frames: 5 });
}

describe('overtime threshold, shift-edit impact, frozen locks and the per-person month', () => {
  test('CLI: shift add/update --overtime-after; left out, update keeps it; out of range refused (exit 2)', async () => {
    const added = await cli('attendance', 'shift', 'add', 'Day', '--start', '08:00', '--end', '17:00', '--days', 'mon,tue,wed,thu,fri', '--grace', '10', '--early-exit', '10', '--overtime-after', '45', '--json');
    assert.equal(added.code, 0, added.stderr);
    assert.equal(added.lines[0]!.overtimeAfterMinutes, 45);
    const defaulted = await cli('attendance', 'shift', 'add', 'Spare', '--start', '10:00', '--end', '11:00', '--days', 'sat', '--json');
    assert.equal(defaulted.lines[0]!.overtimeAfterMinutes, 30, 'the default for a new shift');
    const updated = await cli('attendance', 'shift', 'update', 'Day', '--overtime-after', '60', '--json');
    assert.equal(updated.code, 0, updated.stderr);
    assert.deepEqual([updated.lines[0]!.overtimeAfterMinutes, updated.lines[0]!.graceMinutes], [60, 10]);
    const kept = await cli('attendance', 'shift', 'update', 'Day', '--grace', '10', '--json');
    assert.equal(kept.lines[0]!.overtimeAfterMinutes, 60, 'an update without the option keeps the threshold');
    for (const bad of ['1441', '-5', 'soon', '']) {
      const refused = await cli('attendance', 'shift', 'update', 'Day', `--overtime-after=${bad}`, '--json');
      assert.equal(refused.code, 2, `--overtime-after ${bad}`);
      assert.match(JSON.stringify(refused.lines[0]), /overtime-after must be whole minutes from 0 to 1440/);
    }
    assert.equal((await cli('attendance', 'shift', 'assign', 'Ada Lovelace', 'Day')).code, 0);
    assert.equal((await cli('attendance', 'shift', 'department', 'Assembly', 'Day')).code, 0);
    const listed = await cli('attendance', 'shift', 'list');
    assert.match(listed.stdout, /^Day\t08:00-17:00\t.*overtime after 60 min$/m);
  });

  test('overtime counts from the end once past the threshold, in the records and the payroll CSV', async () => {
    const e = await openEngine();
    visit(e, 'Ada', '2026-11-02', '07:55', 'Gate in');
    visit(e, 'Ada', '2026-11-02', '18:10', 'Gate out'); // 70 min after the end, past 60
    visit(e, 'Ada', '2026-11-03', '08:20', 'Gate in');
    visit(e, 'Ada', '2026-11-03', '17:59', 'Gate out'); // 59 min: not overtime
    visit(e, 'Ada', '2026-11-16', '08:30', 'Gate in');
    visit(e, 'Ada', '2026-11-16', '17:00', 'Gate out');
    visit(e, 'Bob', '2026-11-30', '08:00', 'Gate in');
    const { records } = value<{ records: AttendanceRecord[] }>(await call('hr', 'attendance.records', { from: '2026-11-02', to: '2026-11-03' }));
    const ada = records.filter((r) => r.person === 'Ada Lovelace');
    assert.deepEqual(
      ada.map((r) => [r.date, r.status, r.overtimeMinutes, r.lateMinutes]),
      [
        ['2026-11-02', ['on_time', 'overtime'], 70, 0],
        ['2026-11-03', ['late'], 0, 20],
      ],
    );
    const { csv } = value<{ csv: string }>(await call('hr', 'attendance.exportCsv', { from: '2026-11-02', to: '2026-11-02' }));
    const [header, ...rows] = csv.trimEnd().split('\r\n');
    const column = header!.split(',').indexOf('overtime_minutes');
    assert.ok(column > 0, 'the CSV has an overtime_minutes column');
    assert.equal(rows.find((r) => r.includes('Ada Lovelace'))!.split(',')[column], '70');

    const { shifts } = value<{ shifts: Shift[] }>(await call('hr', 'attendance.shifts.list', {}));
    assert.equal(shifts.find((s) => s.name === 'Day')!.overtimeAfterMinutes, 60, 'the console sees the threshold');
  });

  test("what editing a shift judges again: its people's past days from their first passage, corrected and locked days apart", async () => {
    const e = await openEngine();
    const day = e.attendance.shiftNamed('Day');
    const corrected = value<AttendanceRecord>(
      await call('hr', 'attendance.correct', { personId: ids.Ada, date: '2026-11-03', field: 'check_in', time: '08:05', reason: 'Badge queue, confirmed by supervisor' }),
    );
    assert.deepEqual([corrected.status, corrected.corrected], [['on_time'], true]);
    const now = zonedToUtc('2026-12-01', '12:00', zone);
    // Ada (own shift) from 2 Nov: 21 weekdays in November and Tue 1 Dec; Bob (department's) from 30 Nov: 2. Vic is a visitor.
    assert.deepEqual(e.attendance.shiftEditImpact(day.id, now), { people: 2, days: 22 - 1 + 2, correctedDays: 1, lockedDays: 0, since: '2026-11-02' });
    assert.deepEqual(e.attendance.shiftEditImpact('Spare', now), { people: 0, days: 0, correctedDays: 0, lockedDays: 0, since: null });
    // Before 12:00 on 1 Dec that day has not begun... at 07:00 it has not: one day fewer each.
    assert.equal(e.attendance.shiftEditImpact(day.id, zonedToUtc('2026-12-01', '07:00', zone)).days, 21 - 1 + 1);

    const impact = value<ShiftImpact>(await call('hr', 'attendance.shifts.impact', { id: day.id }));
    assert.equal(impact.people, 2);
    assert.ok(impact.days >= 23, 'today is after 1 Dec 2026: at least those days');
    assert.equal(codeOf(await call('security', 'attendance.shifts.impact', { id: day.id })), 'FORBIDDEN');
    assert.equal(codeOf(await call('hr', 'attendance.shifts.impact', { id: 9999 })), 'NOT_FOUND');
  });

  test('a locked period keeps its records as locked: a later shift edit or a late visit changes only the days outside it', async () => {
    const e = await openEngine();
    value(await call('hr', 'attendance.lock', { from: '2026-11-01', to: '2026-11-15' }));
    const now = zonedToUtc('2026-12-01', '12:00', zone);
    const dayShift = e.attendance.shiftNamed('Day');
    // 2–13 Nov (10 weekdays) of Ada are locked now, her corrected 3 Nov among them.
    assert.deepEqual(e.attendance.shiftEditImpact(dayShift.id, now), { people: 2, days: 22 - 10 + 2, correctedDays: 0, lockedDays: 10, since: '2026-11-02' });

    const { shifts } = value<{ shifts: Shift[] }>(await call('hr', 'attendance.shifts.list', {}));
    const shift = shifts.find((s) => s.name === 'Day')!;
    const { id, overnight: _o, people: _p, departments: _d, ...fields } = shift;
    value(await call('hr', 'attendance.shifts.save', { id, shift: { ...fields, start: '09:00', overtimeAfterMinutes: 0 } }));
    visit(e, 'Ada', '2026-11-04', '08:00', 'Gate in'); // a visit written late, inside the locked period

    const { records } = value<{ records: AttendanceRecord[] }>(await call('hr', 'attendance.records', { from: '2026-11-02', to: '2026-11-16' }));
    const ada = new Map(records.filter((r) => r.person === 'Ada Lovelace').map((r) => [r.date, r]));
    assert.deepEqual([ada.get('2026-11-02')!.status, ada.get('2026-11-02')!.overtimeMinutes, ada.get('2026-11-02')!.locked], [['on_time', 'overtime'], 70, true], 'as locked, not re-judged');
    assert.deepEqual([ada.get('2026-11-03')!.corrected, ada.get('2026-11-03')!.correctionReason], [true, 'Badge queue, confirmed by supervisor']);
    assert.deepEqual(ada.get('2026-11-04')!.status, ['absent'], 'the late visit does not change a locked day');
    // 16 Nov is outside the lock: judged by the new start (09:00), no longer late; overtime from the first minute.
    assert.deepEqual([ada.get('2026-11-16')!.status, ada.get('2026-11-16')!.locked], [['on_time'], false]);
    assert.equal(codeOf(await call('hr', 'attendance.correct', { personId: ids.Ada, date: '2026-11-04', field: 'check_in', time: '08:00', reason: 'late visit' })), 'CONFLICT');
  });

  test("one person's month: a record per shift day, corrections with their reasons; bad months and unknown people refused", async () => {
    await openEngine();
    type Month = { timeZone: string; person: { name: string; department: string | null }; records: AttendanceRecord[]; corrections: AttendanceCorrection[] };
    const month = value<Month>(await call('hr', 'attendance.personMonth', { personId: ids.Ada, month: '2026-11' }));
    assert.equal(month.timeZone, zone);
    assert.deepEqual([month.person.name, month.person.department], ['Ada Lovelace', 'Assembly']);
    assert.equal(month.records.length, 21, 'every weekday of November 2026');
    assert.ok(month.records.every((r) => r.person === 'Ada Lovelace' && r.date.startsWith('2026-11-')));
    assert.deepEqual(month.records.filter((r) => r.locked).map((r) => r.date).length, 10);
    assert.deepEqual(month.corrections, [
      { date: '2026-11-03', field: 'check_in', time: '2026-11-03T08:05:00+01:00', reason: 'Badge queue, confirmed by supervisor', operator: 'hr-op', at: month.corrections[0]!.at },
    ]);
    const december = value<Month>(await call('hr', 'attendance.personMonth', { personId: ids.Ada, month: '2026-12' }));
    assert.deepEqual(december.corrections, []);
    const visitor = value<Month>(await call('hr', 'attendance.personMonth', { personId: ids.Vic, month: '2026-11' }));
    assert.deepEqual(visitor.records, [], 'visitors have no attendance');
    assert.equal(codeOf(await call('hr', 'attendance.personMonth', { personId: ids.Ada, month: '2026-13' })), 'BAD_REQUEST');
    assert.equal(codeOf(await call('hr', 'attendance.personMonth', { personId: ids.Ada, month: '2026-1' })), 'BAD_REQUEST');
    assert.equal(codeOf(await call('hr', 'attendance.personMonth', { personId: 9999, month: '2026-11' })), 'NOT_FOUND');
    assert.equal(codeOf(await call('security', 'attendance.personMonth', { personId: ids.Ada, month: '2026-11' })), 'FORBIDDEN');
  });

  test('the access log: a time range in site time, newest first, by person, camera, direction and status; capped with "truncated"', async () => {
    const e = await openEngine();
    type Log = { timeZone: string; truncated: boolean; entries: Array<{ at: string; camera: string; direction: string; person: string | null; status: string; personId: number | null; cameraId: number | null }> };
    const range = { from: '2026-11-02T00:00', to: '2026-11-03T00:00' };
    const all = value<Log>(await call('hr', 'attendance.accessLog', range));
    assert.deepEqual(
      all.entries.map((x) => [x.at, x.camera, x.direction, x.person, x.status]),
      [
        ['2026-11-02T18:10:00+01:00', 'Gate out', 'exit', 'Ada Lovelace', 'member'],
        ['2026-11-02T07:55:00+01:00', 'Gate in', 'entry', 'Ada Lovelace', 'member'],
      ],
    );
    assert.equal(all.truncated, false);
    const stranger = new Date(zonedToUtc('2026-11-02', '09:30', zone));
    e.sightingRepo.insert({ cameraId: ids['Gate in']!, cameraName: 'Gate in', personId: null, status: 'unknown', trackId: 9, firstSeen: stranger, lastSeen: stranger, bestScore: null, frames: 3 });
    const pick = async (filters: object) => value<Log>(await call('hr', 'attendance.accessLog', { ...range, ...filters })).entries.map((x) => x.at.slice(11, 16));
    assert.deepEqual(await pick({ direction: 'exit' }), ['18:10']);
    assert.deepEqual(await pick({ cameraId: ids['Gate in'] }), ['09:30', '07:55']);
    assert.deepEqual(await pick({ status: 'unknown' }), ['09:30']);
    assert.deepEqual(await pick({ personId: ids.Ada, direction: 'entry' }), ['07:55']);
    assert.deepEqual(await pick({ personId: ids.Bob }), []);
    assert.deepEqual(await pick({ from: '2026-11-02T09:30', to: '2026-11-02T18:10' }), ['09:30'], 'from included, to excluded');
    const capped = value<Log>(await call('hr', 'attendance.accessLog', { ...range, limit: 2 }));
    assert.deepEqual([capped.entries.length, capped.truncated], [2, true]);
    assert.equal(codeOf(await call('hr', 'attendance.accessLog', { from: '2026-11-03T00:00', to: '2026-11-02T00:00' })), 'BAD_REQUEST');
    assert.equal(codeOf(await call('hr', 'attendance.accessLog', { from: '2026-02-30T00:00', to: '2026-03-02T00:00' })), 'BAD_REQUEST');
    assert.equal(codeOf(await call('hr', 'attendance.accessLog', { from: '2026-11-02 08:00', to: '2026-11-03T00:00' })), 'BAD_REQUEST');
    assert.equal(codeOf(await call('security', 'attendance.accessLog', range)), 'FORBIDDEN');
  });

  test('occupancy: per hour of a day, and who is inside now (known people by name, strangers counted)', async () => {
    const e = await openEngine();
    type Occupancy = { date: string; resetHour: number; hours: Array<{ hour: string; in: number; out: number; present: number; kept: boolean }>; inside: { present: number; people: Array<{ name: string; camera: string }> } };
    const day = value<Occupancy>(await call('hr', 'attendance.occupancy', { date: '2026-11-02' }));
    assert.deepEqual([day.date, day.resetHour, day.hours.length], ['2026-11-02', 3, 24]);
    assert.deepEqual(day.hours[7], { hour: '07:00', in: 1, out: 0, present: 1, kept: false });
    assert.deepEqual(day.hours[9], { hour: '09:00', in: 1, out: 0, present: 2, kept: false }, 'the stranger counts');
    assert.deepEqual(day.hours[18], { hour: '18:00', in: 0, out: 1, present: 1, kept: false });

    // Now: Bob came in a minute ago and a stranger with him; Ada came and left.
    const now = Date.now();
    const visitAt = (personId: number | null, camera: 'Gate in' | 'Gate out', ms: number) =>
      e.sightingRepo.insert({ cameraId: ids[camera]!, cameraName: camera, personId, status: personId === null ? 'unknown' : 'member', trackId: 1, firstSeen: new Date(ms), lastSeen: new Date(ms), bestScore: null, frames: 3 });
    visitAt(ids.Bob!, 'Gate in', now - 60_000);
    visitAt(null, 'Gate in', now - 50_000);
    visitAt(ids.Ada!, 'Gate in', now - 40_000);
    visitAt(ids.Ada!, 'Gate out', now - 30_000);
    const current = value<Occupancy>(await call('hr', 'attendance.occupancy', {}));
    assert.deepEqual(current.inside.people.map((p) => [p.name, p.camera]), [['Bob Builder', 'Gate in']]);
    assert.equal(current.inside.present, 2);
    assert.equal(codeOf(await call('hr', 'attendance.occupancy', { date: '2026-13-01' })), 'BAD_REQUEST');
    assert.equal(codeOf(await call('security', 'attendance.occupancy', {})), 'FORBIDDEN');
  });
});
