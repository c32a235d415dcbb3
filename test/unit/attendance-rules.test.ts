import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { computeAttendance, type Passage, personDayLine, type ShiftRule } from '../../src-main/engine/attendance/attendance-rules.js';
import { replayScenario } from '../../src-main/engine/attendance/scenario.js';
import { addDays, isoWithOffset, localDate, offsetMinutes, weekdayOf, zonedToUtc } from '../../src-main/engine/attendance/zoned-time.js';

const BERLIN = 'Europe/Berlin';

describe('zoned time (DST-correct, from the runtime time zone data)', () => {
  const cases: Array<[string, string, string, string]> = [
    // date, time, zone, the instant as ISO with offset
    ['2026-01-15', '08:00', BERLIN, '2026-01-15T08:00:00+01:00'],
    ['2026-07-15', '08:00', BERLIN, '2026-07-15T08:00:00+02:00'],
    // Spring forward 2026-03-29 02:00 → 03:00: 02:30 does not exist, it is moved past the gap.
    ['2026-03-29', '02:30', BERLIN, '2026-03-29T03:30:00+02:00'],
    ['2026-03-29', '08:00', BERLIN, '2026-03-29T08:00:00+02:00'],
    // Fall back 2026-10-25 03:00 → 02:00: 02:30 happens twice, the first one is taken.
    ['2026-10-25', '02:30', BERLIN, '2026-10-25T02:30:00+02:00'],
    ['2026-10-25', '08:00', BERLIN, '2026-10-25T08:00:00+01:00'],
    ['2026-03-08', '02:30', 'America/New_York', '2026-03-08T03:30:00-04:00'],
    ['2026-06-01', '09:15', 'Asia/Kolkata', '2026-06-01T09:15:00+05:30'],
    ['2026-06-01', '00:00', 'UTC', '2026-06-01T00:00:00+00:00'],
  ];
  for (const [date, time, zone, iso] of cases) {
    test(`${date} ${time} ${zone} → ${iso}`, () => assert.equal(isoWithOffset(zonedToUtc(date, time, zone), zone), iso));
  }

  test('offsets, local dates, calendar days and weekdays', () => {
    assert.equal(offsetMinutes(Date.parse('2026-03-29T00:59:00Z'), BERLIN), 60);
    assert.equal(offsetMinutes(Date.parse('2026-03-29T01:00:00Z'), BERLIN), 120);
    assert.equal(localDate(Date.parse('2026-12-31T23:30:00Z'), BERLIN), '2027-01-01');
    assert.equal(addDays('2026-02-28', 1), '2026-03-01');
    assert.equal(addDays('2028-02-28', 1), '2028-02-29');
    assert.equal(weekdayOf('2026-12-04'), 'fri');
    // A spring-forward day is 23 hours long, a fall-back day 25.
    assert.equal(zonedToUtc('2026-03-30', '00:00', BERLIN) - zonedToUtc('2026-03-29', '00:00', BERLIN), 23 * 3_600_000);
    assert.equal(zonedToUtc('2026-10-26', '00:00', BERLIN) - zonedToUtc('2026-10-25', '00:00', BERLIN), 25 * 3_600_000);
  });
});

const DAY: ShiftRule = { name: 'Day', start: '08:00', end: '17:00', days: ['mon', 'tue', 'wed', 'thu', 'fri'], graceMinutes: 10, earlyExitMinutes: 10 };
const NIGHT: ShiftRule = { name: 'Night', start: '22:00', end: '06:00', days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], graceMinutes: 5, earlyExitMinutes: 0 };
const SUNDAY: ShiftRule = { name: 'Sunday', start: '08:00', end: '17:00', days: ['sun'], graceMinutes: 10, earlyExitMinutes: 10 };

/** A passage at a local wall time in Berlin. */
const at = (date: string, time: string, direction: Passage['direction'], camera = direction === 'exit' ? 'Gate out' : 'Gate in'): Passage => ({
  person: 'Ada',
  atMs: zonedToUtc(date, time.slice(0, 5), BERLIN) + (time.length > 5 ? Number(time.slice(6)) * 1000 : 0),
  camera,
  direction,
});

function one(shift: ShiftRule | null, passages: Passage[], from: string, to = from) {
  return computeAttendance([{ name: 'Ada', shift }], passages, { from, to }, { timeZone: BERLIN }).map((d) => personDayLine(d, BERLIN));
}

describe('attendance rules (table)', () => {
  // 2026-12-07 is a Monday.
  const cases: Array<{ name: string; shift: ShiftRule | null; passages: Passage[]; from: string; to?: string; expect: Array<Partial<ReturnType<typeof personDayLine>>> }> = [
    {
      name: 'on time in and out',
      shift: DAY,
      passages: [at('2026-12-07', '07:55', 'entry'), at('2026-12-07', '17:02', 'exit')],
      from: '2026-12-07',
      expect: [{ status: ['on_time'], checkIn: '2026-12-07T07:55:00+01:00', checkOut: '2026-12-07T17:02:00+01:00', lateMinutes: 0, earlyExitMinutes: 0, workedMinutes: 547 }],
    },
    {
      name: 'late by exactly the grace is on time',
      shift: DAY,
      passages: [at('2026-12-07', '08:10', 'entry'), at('2026-12-07', '17:00', 'exit')],
      from: '2026-12-07',
      expect: [{ status: ['on_time'], lateMinutes: 0 }],
    },
    {
      name: 'one second after the grace is late, counted from the start',
      shift: DAY,
      passages: [at('2026-12-07', '08:10:01', 'entry'), at('2026-12-07', '17:00', 'exit')],
      from: '2026-12-07',
      expect: [{ status: ['late'], lateMinutes: 10 }],
    },
    {
      name: 'late 25 minutes and early exit 30 minutes',
      shift: DAY,
      passages: [at('2026-12-07', '08:25', 'entry'), at('2026-12-07', '16:30', 'exit')],
      from: '2026-12-07',
      expect: [{ status: ['late', 'early_exit'], lateMinutes: 25, earlyExitMinutes: 30, workedMinutes: 485 }],
    },
    {
      name: 'leaving within the early-exit tolerance is not an early exit',
      shift: DAY,
      passages: [at('2026-12-07', '08:00', 'entry'), at('2026-12-07', '16:50', 'exit')],
      from: '2026-12-07',
      expect: [{ status: ['on_time'], earlyExitMinutes: 0 }],
    },
    {
      name: 'overtime from 30 minutes after the end',
      shift: DAY,
      passages: [at('2026-12-07', '08:00', 'entry'), at('2026-12-07', '18:15', 'exit')],
      from: '2026-12-07',
      expect: [{ status: ['on_time', 'overtime'], overtimeMinutes: 75 }],
    },
    {
      name: "a shift's overtime threshold: one minute short of it is not overtime",
      shift: { ...DAY, overtimeAfterMinutes: 60 },
      passages: [at('2026-12-07', '08:00', 'entry'), at('2026-12-07', '17:59:59', 'exit')],
      from: '2026-12-07',
      expect: [{ status: ['on_time'], overtimeMinutes: 0, workedMinutes: 599 }],
    },
    {
      name: "a shift's overtime threshold: exactly at it is overtime, counted from the end",
      shift: { ...DAY, overtimeAfterMinutes: 60 },
      passages: [at('2026-12-07', '08:00', 'entry'), at('2026-12-07', '18:00', 'exit')],
      from: '2026-12-07',
      expect: [{ status: ['on_time', 'overtime'], overtimeMinutes: 60 }],
    },
    {
      name: 'overtime threshold 0: leaving at the end is not overtime, a minute later is',
      shift: { ...DAY, overtimeAfterMinutes: 0 },
      passages: [at('2026-12-07', '08:00', 'entry'), at('2026-12-07', '17:00:30', 'exit'), at('2026-12-08', '08:00', 'entry'), at('2026-12-08', '17:01', 'exit')],
      from: '2026-12-07',
      to: '2026-12-08',
      expect: [
        { date: '2026-12-07', status: ['on_time'], overtimeMinutes: 0 },
        { date: '2026-12-08', status: ['on_time', 'overtime'], overtimeMinutes: 1 },
      ],
    },
    {
      name: 'overtime on a night shift across the autumn change, in real minutes',
      shift: { ...NIGHT, overtimeAfterMinutes: 15 },
      // Saturday 2026-10-24 22:00 to Sunday 06:00: nine real hours (02:00-03:00 happens twice).
      passages: [at('2026-10-24', '21:58', 'entry'), at('2026-10-25', '06:20', 'exit')],
      from: '2026-10-24',
      expect: [{ date: '2026-10-24', status: ['on_time', 'overtime'], overtimeMinutes: 20, workedMinutes: 9 * 60 + 22 }],
    },
    {
      name: 'an early exit is never overtime, whatever the threshold',
      shift: { ...DAY, overtimeAfterMinutes: 0 },
      passages: [at('2026-12-07', '08:00', 'entry'), at('2026-12-07', '15:00', 'exit')],
      from: '2026-12-07',
      expect: [{ status: ['on_time', 'early_exit'], earlyExitMinutes: 120, overtimeMinutes: 0 }],
    },
    {
      name: 'double entry: coming in again (lunch, a second camera seconds later) never makes a second check-in',
      shift: DAY,
      passages: [
        at('2026-12-07', '07:58', 'entry'),
        at('2026-12-07', '07:58:04', 'entry', 'Lobby'),
        at('2026-12-07', '12:00', 'exit'),
        at('2026-12-07', '13:00', 'entry'),
        at('2026-12-07', '17:05', 'exit'),
      ],
      from: '2026-12-07',
      expect: [{ status: ['on_time'], checkIn: '2026-12-07T07:58:00+01:00', checkOut: '2026-12-07T17:05:00+01:00' }],
    },
    {
      name: 'missing check-out',
      shift: DAY,
      passages: [at('2026-12-07', '07:59', 'entry')],
      from: '2026-12-07',
      expect: [{ status: ['on_time', 'missing_check_out'], checkOut: null, workedMinutes: null }],
    },
    {
      name: 'check-out without a check-in',
      shift: DAY,
      passages: [at('2026-12-07', '17:01', 'exit')],
      from: '2026-12-07',
      expect: [{ status: ['missing_check_in'], checkIn: null }],
    },
    {
      name: 'absent on a working day; nothing on the weekend',
      shift: DAY,
      passages: [],
      from: '2026-12-05',
      to: '2026-12-07',
      expect: [{ date: '2026-12-07', status: ['absent'], checkIn: null, checkOut: null }],
    },
    {
      name: 'came on a day off: a day_off record',
      shift: DAY,
      passages: [at('2026-12-05', '10:00', 'entry'), at('2026-12-05', '12:00', 'exit')],
      from: '2026-12-05',
      expect: [{ date: '2026-12-05', status: ['day_off'], workedMinutes: 120 }],
    },
    {
      name: 'overnight shift: checked in Monday 21:50, out Tuesday 06:05; the record is Monday’s',
      shift: NIGHT,
      passages: [at('2026-12-07', '21:50', 'entry'), at('2026-12-08', '06:05', 'exit')],
      from: '2026-12-07',
      expect: [{ date: '2026-12-07', status: ['on_time'], checkOut: '2026-12-08T06:05:00+01:00', workedMinutes: 495 }],
    },
    {
      name: 'overnight, two nights: each passage counts for its own night only',
      shift: NIGHT,
      passages: [at('2026-12-07', '22:20', 'entry'), at('2026-12-08', '05:30', 'exit'), at('2026-12-08', '21:59', 'entry'), at('2026-12-09', '06:00', 'exit')],
      from: '2026-12-07',
      to: '2026-12-08',
      expect: [
        { date: '2026-12-07', status: ['late', 'early_exit'], lateMinutes: 20, earlyExitMinutes: 30 },
        { date: '2026-12-08', status: ['on_time'], workedMinutes: 481 },
      ],
    },
    {
      name: 'DST spring-forward day (Sunday 2026-03-29): times after the change carry +02:00, the day shift is unaffected',
      shift: SUNDAY,
      passages: [at('2026-03-29', '07:55', 'entry'), at('2026-03-29', '17:05', 'exit')],
      from: '2026-03-29',
      expect: [{ status: ['on_time'], checkIn: '2026-03-29T07:55:00+02:00', workedMinutes: 550 }],
    },
    {
      name: 'DST spring forward, night shift across the change: one hour less worked',
      shift: NIGHT,
      passages: [at('2026-03-28', '21:58', 'entry'), at('2026-03-29', '06:00', 'exit')],
      from: '2026-03-28',
      expect: [{ status: ['on_time'], checkIn: '2026-03-28T21:58:00+01:00', checkOut: '2026-03-29T06:00:00+02:00', workedMinutes: 422 }],
    },
    {
      name: 'DST fall back, night shift across the change: one hour more worked',
      shift: NIGHT,
      passages: [at('2026-10-24', '21:58', 'entry'), at('2026-10-25', '06:00', 'exit')],
      from: '2026-10-24',
      expect: [{ status: ['on_time'], checkIn: '2026-10-24T21:58:00+02:00', checkOut: '2026-10-25T06:00:00+01:00', workedMinutes: 542 }],
    },
    {
      name: 'passages given out of order are sorted',
      shift: DAY,
      passages: [at('2026-12-07', '17:02', 'exit'), at('2026-12-07', '07:55', 'entry')],
      from: '2026-12-07',
      expect: [{ status: ['on_time'], workedMinutes: 547 }],
    },
    {
      name: 'a both-ways camera: first passage in, last out; one passage alone is no check-out',
      shift: DAY,
      passages: [at('2026-12-07', '07:50', 'both', 'Door'), at('2026-12-07', '12:00', 'both', 'Door'), at('2026-12-07', '17:10', 'both', 'Door')],
      from: '2026-12-07',
      expect: [{ status: ['on_time'], checkIn: '2026-12-07T07:50:00+01:00', checkOut: '2026-12-07T17:10:00+01:00' }],
    },
    {
      name: 'no shift: only the days they came',
      shift: null,
      passages: [at('2026-12-07', '09:00', 'entry'), at('2026-12-07', '11:00', 'exit')],
      from: '2026-12-06',
      to: '2026-12-08',
      expect: [{ date: '2026-12-07', status: ['day_off'], workedMinutes: 120 }],
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const lines = one(c.shift, c.passages, c.from, c.to);
      assert.equal(lines.length, c.expect.length, JSON.stringify(lines));
      c.expect.forEach((expected, i) => {
        const line = lines[i]!;
        for (const [key, value] of Object.entries(expected)) assert.deepEqual(line[key as keyof typeof line], value, `${key} in ${JSON.stringify(line)}`);
      });
    });
  }

  test('a day still in progress: "in" instead of missing check-out, and no absence before the span is over', () => {
    const nowMs = zonedToUtc('2026-12-07', '11:00', BERLIN);
    const present = computeAttendance([{ name: 'Ada', shift: DAY }], [at('2026-12-07', '08:02', 'entry')], { from: '2026-12-07', to: '2026-12-07', nowMs }, { timeZone: BERLIN });
    assert.deepEqual(present.map((d) => d.status), [['on_time', 'in']]);
    const notYet = computeAttendance([{ name: 'Ada', shift: DAY }], [], { from: '2026-12-07', to: '2026-12-07', nowMs }, { timeZone: BERLIN });
    assert.deepEqual(notYet, [], 'not absent while the day can still bring them');
  });
});

describe('attendance replay scenarios (the CLI format)', () => {
  const base = {
    timezone: BERLIN,
    cameras: [
      { name: 'Gate in', direction: 'entry' },
      { name: 'Gate out', direction: 'exit' },
    ],
    shifts: [{ name: 'Day', start: '08:00', end: '17:00', days: ['mon', 'tue', 'wed', 'thu', 'fri'], graceMinutes: 10, earlyExitMinutes: 10 }],
    people: [
      { name: 'Ada', shift: 'Day' },
      { name: 'Bob', shift: 'Day' },
    ],
    sightings: [
      { time: '2026-12-07T07:55:00+01:00', camera: 'Gate in', person: 'Ada' },
      { time: '2026-12-07T08:30:00Z', camera: 'Gate in', person: null },
      { time: '2026-12-07T16:02:00Z', camera: 'Gate out', person: 'Ada' },
    ],
  };

  test('one line per person-day; strangers count for nobody; Bob absent', () => {
    const { days, timeZone } = replayScenario(base);
    assert.deepEqual(
      days.map((d) => personDayLine(d, timeZone)).map((l) => [l.person, l.date, l.status, l.checkIn, l.checkOut]),
      [
        ['Ada', '2026-12-07', ['on_time'], '2026-12-07T07:55:00+01:00', '2026-12-07T17:02:00+01:00'],
        ['Bob', '2026-12-07', ['absent'], null, null],
      ],
    );
  });

  const bad: Array<[string, unknown, RegExp]> = [
    ['a sighting at an unknown camera', { ...base, sightings: [{ time: '2026-12-07T08:00:00Z', camera: 'Back door', person: 'Ada' }] }, /Sighting 1 .*camera "Back door"/],
    ['a sighting of an unknown person', { ...base, sightings: [{ time: '2026-12-07T08:00:00Z', camera: 'Gate in', person: 'Zed' }] }, /names "Zed"/],
    ['a person with an unknown shift', { ...base, people: [{ name: 'Ada', shift: 'Night' }] }, /shift "Night"/],
    ['an unknown time zone', { ...base, timezone: 'Mars/Olympus' }, /IANA time zone/],
    ['a time without an offset', { ...base, sightings: [{ time: '2026-12-07T08:00:00', camera: 'Gate in', person: 'Ada' }] }, /offset/],
    ['a shift time out of range', { ...base, shifts: [{ ...base.shifts[0]!, end: '24:30' }] }, /HH:MM/],
    ['a shift starting and ending at once', { ...base, shifts: [{ ...base.shifts[0]!, end: '08:00' }] }, /same time/],
    ['a person defined twice', { ...base, people: [...base.people, { name: 'Ada', shift: 'Day' }] }, /person "Ada" twice/],
    ['from after to', { ...base, from: '2026-12-08', to: '2026-12-07' }, /after its "to"/],
    ['not a scenario at all', [1, 2, 3], /not valid/],
  ];
  for (const [name, scenario, message] of bad) {
    test(`bad input: ${name} → a clear error`, () => {
      assert.throws(() => replayScenario(scenario), (error: Error & { code?: string }) => error.code === 'BAD_REQUEST' && message.test(error.message));
    });
  }
});
