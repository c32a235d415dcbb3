/**
 * Attendance on a real database through the CLI: cameras tagged entry/exit,
 * a shift per department and one per person, visits written as the live
 * pipeline writes them (the camera's direction travels with each visit), the
 * day records and the access summary; every change audited.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Engine } from '../../src-main/engine/engine.js';
import { zonedToUtc } from '../../src-main/engine/attendance/zoned-time.js';
import { runCli } from '../helpers/cli.js';
import { hamiltonClip, tempDir } from '../helpers/paths.js';

const dir = tempDir();
const dataDir = join(dir.path, 'data');
const db = join(dataDir, 'vigil.db');
const zone = 'Europe/Berlin';
const cli = (...args: string[]) => runCli('main', [...args, '--db', db], { VIGIL_HOME: dataDir });
const ids: Record<string, number> = {};

before(async () => {
  const engine = await Engine.open({ dataDir, modelsDir: join(dir.path, 'no-models') });
  try {
    for (const name of ['Gate in', 'Gate out', 'Server room']) ids[name] = engine.cameraRepo.add(name, { kind: 'file', path: hamiltonClip, loop: false }, 10, false).id;
    engine.cameraRepo.setRestricted(ids['Server room']!, true);
    const person = engine.db.prepare("INSERT INTO persons (name, department, category, created_at, updated_at) VALUES (?, ?, ?, 'then', 'then')");
    ids.Ada = Number(person.run('Ada', 'Assembly', 'employee').lastInsertRowid);
    ids.Bob = Number(person.run('Bob', 'Assembly', 'employee').lastInsertRowid);
    ids.Vic = Number(person.run('Vic', null, 'visitor').lastInsertRowid);
    // The visits below are on a fixed Monday and every CLI command opens the engine with the real
    // clock (no clock to fix in another process): with retention on, the stranger's and the
    // visitor's visits would be purged midway once that Monday is 90 days old. Retention has its own tests.
    engine.attendance.setVisitRetentionDays(null, 'test');
  } finally {
    await engine.close();
  }
  writeConfig();
});

/** The site's time zone in config.json (attendance days are Berlin days whatever the machine's zone). */
function writeConfig() {
  writeFileSync(join(dataDir, 'config.json'), JSON.stringify({ timeZone: zone }));
}

after(() => dir.cleanup());

describe('attendance on the database (CLI)', () => {
  test('tagging cameras and shifts: per department, per person; bad input refused', async () => {
    for (const [camera, direction] of [['Gate in', 'entry'], ['Gate out', 'exit']]) {
      const tagged = await cli('attendance', 'camera', camera!, direction!, '--json');
      assert.equal(tagged.code, 0, tagged.stderr + tagged.stdout);
    }
    const day = await cli('attendance', 'shift', 'add', 'Day', '--start', '08:00', '--end', '17:00', '--days', 'mon,tue,wed,thu,fri', '--grace', '10', '--early-exit', '10', '--json');
    assert.equal(day.code, 0, day.stderr + day.stdout);
    assert.equal((await cli('attendance', 'shift', 'add', 'Late', '--start', '12:00', '--end', '21:00', '--days', 'mon,tue,wed,thu,fri', '--json')).code, 0);
    assert.equal((await cli('attendance', 'shift', 'department', 'Assembly', 'Day')).code, 0);
    assert.equal((await cli('attendance', 'shift', 'assign', 'Bob', 'Late')).code, 0);
    const duplicate = await cli('attendance', 'shift', 'add', 'day', '--start', '06:00', '--end', '14:00', '--days', 'mon', '--json');
    assert.match(JSON.stringify(duplicate.lines), /exists already/);
    const badDays = await cli('attendance', 'shift', 'add', 'Odd', '--start', '06:00', '--end', '14:00', '--days', 'monday', '--json');
    assert.equal(badDays.code, 2);
    const badCamera = await cli('attendance', 'camera', 'Gate in', 'sideways', '--json');
    assert.equal(badCamera.code, 2);
    const listed = await cli('attendance', 'shift', 'list', '--json');
    assert.deepEqual(listed.lines.map((l) => l.name), ['Day', 'Late']);
  });

  test('day records from visits; a camera re-tagged later does not change them; the access summary', async () => {
    const engine = await Engine.open({ dataDir, modelsDir: join(dir.path, 'no-models') });
    try {
      // Monday 2026-11-30: visits as the pipeline writes them (one per walk-by).
      const visit = (camera: string, person: string | null, time: string, status: 'member' | 'unknown' | 'blocked' = 'member') => {
        const at = new Date(zonedToUtc('2026-11-30', time, zone));
        engine.sightingRepo.insert({ cameraId: ids[camera]!, cameraName: camera, personId: person ? ids[person]! : null, status, trackId: 1, firstSeen: at, lastSeen: at, bestScore: 0.8, frames: 5 });
      };
      visit('Gate in', 'Ada', '08:14');
      visit('Gate in', 'Ada', '08:14'); // the same walk-by seen by a second track: never a second check-in
      visit('Gate out', 'Ada', '16:40');
      visit('Gate in', 'Bob', '11:58');
      visit('Gate in', null, '09:00', 'unknown');
      visit('Server room', 'Vic', '10:00');
      visit('Server room', 'Ada', '10:05');
      // Gate out is re-tagged as "none" afterwards: Ada's check-out stays (the visit kept its direction).
      engine.attendance.setCameraDirection(ids['Gate out']!, 'none', 'admin');
    } finally {
      await engine.close();
    }
    const records = await cli('attendance', '--date', '2026-11-30', '--json');
    assert.equal(records.code, 0, records.stderr);
    assert.deepEqual(
      records.lines.map((l) => [l.person, l.date, l.status, l.checkIn, l.checkOut, l.lateMinutes, l.earlyExitMinutes, l.shift]),
      [
        ['Ada', '2026-11-30', ['late', 'early_exit'], '2026-11-30T08:14:00+01:00', '2026-11-30T16:40:00+01:00', 14, 20, 'Day'],
        ['Bob', '2026-11-30', ['on_time', 'missing_check_out'], '2026-11-30T11:58:00+01:00', null, 0, 0, 'Late'],
      ],
      'Vic (a visitor) has no attendance',
    );
    const summary = await cli('access-summary', '--from', '2026-11-30', '--to', '2026-11-30', '--json');
    assert.equal(summary.code, 0, summary.stderr);
    assert.deepEqual(
      { ...summary.lines[0], rates: undefined },
      { from: '2026-11-30', to: '2026-11-30', total: 7, members: 6, unknown: 1, blocked: 0, unauthorised: 1, rates: undefined, timeZone: zone },
    );
    const occupancy = await cli('occupancy', '--date', '2026-11-30', '--json');
    assert.equal(occupancy.code, 0, occupancy.stderr);
    const hours = (occupancy.lines[0] as { hours: Array<{ hour: string; in: number; out: number; present: number }> }).hours;
    // Entries: Ada twice at 08:14 (two rows, as written), Bob 11:58, the stranger 09:00; Gate out was an exit when Ada left.
    assert.deepEqual(hours.filter((h) => h.in || h.out).map((h) => [h.hour, h.in, h.out, h.present]), [
      ['08:00', 2, 0, 2],
      ['09:00', 1, 0, 3],
      ['11:00', 1, 0, 4],
      ['16:00', 0, 1, 3],
    ]);
    const empty = await cli('access-summary', '--from', '2026-12-01', '--to', '2026-12-01', '--json');
    assert.equal(empty.lines[0]!.total, 0);
    const reversed = await cli('access-summary', '--from', '2026-12-02', '--to', '2026-12-01', '--json');
    assert.equal(reversed.code, 2);
    const audit = await cli('audit', 'list', '--action', 'shift', '--json');
    assert.deepEqual(audit.lines.map((l) => l.action).sort(), ['shift.added', 'shift.added']);
  });

  test('HR corrects a check-in with a reason: judged again, the computed time kept beside it, in the payroll CSV; a locked period refuses corrections', async () => {
    const noReason = await cli('attendance', 'correct', 'Ada', '2026-11-30', 'check-in', '08:05', '--json');
    assert.equal(noReason.code, 2);
    const corrected = await cli('attendance', 'correct', 'Ada', '2026-11-30', 'check-in', '08:05', '--reason', 'Badge reader queue, confirmed by supervisor', '--json');
    assert.equal(corrected.code, 0, corrected.stderr + corrected.stdout);
    assert.deepEqual([corrected.lines[0]!.status, corrected.lines[0]!.checkIn, corrected.lines[0]!.lateMinutes], [['on_time', 'early_exit'], '2026-11-30T08:05:00+01:00', 0]);

    const records = await cli('attendance', '--date', '2026-11-30', '--json');
    const ada = records.lines.find((l) => l.person === 'Ada')!;
    assert.deepEqual([ada.corrected, ada.computedCheckIn, ada.correctionReason], [true, '2026-11-30T08:14:00+01:00', 'Badge reader queue, confirmed by supervisor']);

    const csv = await cli('attendance', '--date', '2026-11-30', '--csv');
    const rows = csv.stdout.trimEnd().split('\r\n');
    assert.equal(rows[0], 'person_id,employee_code,person,department,date,shift,status,check_in,check_out,late_minutes,early_exit_minutes,overtime_minutes,worked_minutes,corrected,correction_reason,computed_check_in,computed_check_out,locked');
    assert.equal(rows[1], `${ids.Ada},,Ada,Assembly,2026-11-30,Day,on_time early_exit,2026-11-30T08:05:00+01:00,2026-11-30T16:40:00+01:00,0,20,0,515,yes,"Badge reader queue, confirmed by supervisor",2026-11-30T08:14:00+01:00,2026-11-30T16:40:00+01:00,no`);
    assert.match(rows[2]!, /^\d+,,Bob,Assembly,2026-11-30,Late,on_time missing_check_out,/);

    assert.equal((await cli('attendance', 'lock', '--from', '2026-11-01', '--to', '2026-11-30')).code, 0);
    const refused = await cli('attendance', 'correct', 'Bob', '2026-11-30', 'check-out', '21:00', '--reason', 'Forgot to badge out', '--json');
    assert.equal(refused.code, 1);
    assert.match(JSON.stringify(refused.lines[0]), /locked period/);
    const locked = await cli('attendance', '--date', '2026-11-30', '--csv');
    assert.ok(locked.stdout.trimEnd().split('\r\n').slice(1).every((row) => row.endsWith(',yes')), 'rows of a locked period say so');
    const audit = await cli('audit', 'list', '--action', 'attendance', '--json');
    assert.deepEqual(audit.lines.map((l) => l.action), ['attendance.locked', 'attendance.corrected']);
    assert.equal((audit.lines[1]!.details as { from: string }).from, '2026-11-30T07:14:00.000Z', 'the computed time is on the trail');
  });

  test('shift update keeps what is not given; removing a shift in use says who falls back to what', async () => {
    const updated = await cli('attendance', 'shift', 'update', 'late', '--grace', '15', '--json');
    assert.equal(updated.code, 0, updated.stderr);
    assert.deepEqual([updated.lines[0]!.name, updated.lines[0]!.start, updated.lines[0]!.end, updated.lines[0]!.graceMinutes], ['Late', '12:00', '21:00', 15]);
    const badUpdate = await cli('attendance', 'shift', 'update', 'Late', '--end', '12:00', '--json');
    assert.equal(badUpdate.code, 2, 'a shift that ends when it starts is refused');
    const removed = await cli('attendance', 'shift', 'remove', 'Late');
    assert.equal(removed.code, 0, removed.stderr);
    assert.match(removed.stdout, /Shift Late removed: 1 person falls back to their department's shift/);
    const removedDay = await cli('attendance', 'shift', 'remove', 'Day', '--json');
    assert.deepEqual(removedDay.lines[0], { removed: 'Day', unassignedPeople: 0, clearedDepartments: ['Assembly'] });
    const audit = await cli('audit', 'list', '--action', 'shift', '--json');
    assert.deepEqual(audit.lines.map((l) => l.action).slice(0, 3), ['shift.removed', 'shift.removed', 'shift.updated']);
  });
});
