import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/paths.js';

const dir = tempDir();
after(() => dir.cleanup());

/** A week at a small site: Ada on days, Nina on nights across the autumn DST change, Bob absent on Monday. */
const scenario = {
  timezone: 'Europe/Berlin',
  cameras: [
    { name: 'Gate in', direction: 'entry' },
    { name: 'Gate out', direction: 'exit' },
    { name: 'Canteen', direction: 'none' },
  ],
  shifts: [
    { name: 'Day', start: '08:00', end: '17:00', days: ['mon', 'tue', 'wed', 'thu', 'fri'], graceMinutes: 10, earlyExitMinutes: 10 },
    { name: 'Night', start: '22:00', end: '06:00', days: ['sat'], graceMinutes: 5, earlyExitMinutes: 0 },
  ],
  people: [
    { name: 'Ada', shift: 'Day' },
    { name: 'Bob', shift: 'Day' },
    { name: 'Nina', shift: 'Night' },
  ],
  sightings: [
    { time: '2026-10-26T07:58:00+01:00', camera: 'Gate in', person: 'Ada' },
    { time: '2026-10-26T12:00:00+01:00', camera: 'Canteen', person: 'Ada' },
    { time: '2026-10-26T12:30:00+01:00', camera: 'Gate in', person: 'Ada' },
    { time: '2026-10-26T17:04:00+01:00', camera: 'Gate out', person: 'Ada' },
    { time: '2026-10-24T21:57:00+02:00', camera: 'Gate in', person: 'Nina' },
    { time: '2026-10-25T06:01:00+01:00', camera: 'Gate out', person: 'Nina' },
    { time: '2026-10-26T09:00:00+01:00', camera: 'Gate in', person: null },
  ],
  from: '2026-10-24',
  to: '2026-10-26',
};

describe('CLI: attendance replay', () => {
  test('--json: one line per person-day in the issue’s format, times with the site’s offset', async () => {
    const file = join(dir.path, 'week.json');
    writeFileSync(file, JSON.stringify(scenario));
    const result = await runCli('main', ['attendance', 'replay', file, '--json']);
    assert.equal(result.code, 0, result.stderr);
    const lines = result.lines.map(({ person, date, status, checkIn, checkOut, lateMinutes, earlyExitMinutes, workedMinutes }) => ({ person, date, status, checkIn, checkOut, lateMinutes, earlyExitMinutes, workedMinutes }));
    assert.deepEqual(lines, [
      // The fall-back night: 21:57 CEST to 06:01 CET is 9 h 4 min.
      { person: 'Nina', date: '2026-10-24', status: ['on_time'], checkIn: '2026-10-24T21:57:00+02:00', checkOut: '2026-10-25T06:01:00+01:00', lateMinutes: 0, earlyExitMinutes: 0, workedMinutes: 544 },
      { person: 'Ada', date: '2026-10-26', status: ['on_time'], checkIn: '2026-10-26T07:58:00+01:00', checkOut: '2026-10-26T17:04:00+01:00', lateMinutes: 0, earlyExitMinutes: 0, workedMinutes: 546 },
      { person: 'Bob', date: '2026-10-26', status: ['absent'], checkIn: null, checkOut: null, lateMinutes: 0, earlyExitMinutes: 0, workedMinutes: null },
    ]);
  });

  test('bad input: an error line naming the problem, exit 2 (as every refused input); a missing file, exit 1', async () => {
    const file = join(dir.path, 'bad.json');
    writeFileSync(file, JSON.stringify({ ...scenario, sightings: [{ time: '2026-10-26T08:00:00+01:00', camera: 'Loading bay', person: 'Ada' }] }));
    const bad = await runCli('main', ['attendance', 'replay', file, '--json']);
    assert.equal(bad.code, 2);
    assert.deepEqual(Object.keys(bad.lines[0]!), ['error']);
    assert.match((bad.lines[0]!.error as { message: string }).message, /camera "Loading bay"/);
    const notJson = join(dir.path, 'not.json');
    writeFileSync(notJson, '{"timezone": ');
    assert.match((await runCli('main', ['attendance', 'replay', notJson])).stderr, /not valid JSON/);
    const missing = await runCli('main', ['attendance', 'replay', join(dir.path, 'none.json'), '--json']);
    assert.equal(missing.code, 1);
  });
});
