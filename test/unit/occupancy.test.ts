import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { insideNow, type KeptHour, occupancyByHour, rollUpMonths } from '../../src-main/engine/attendance/occupancy.js';
import { addDays, isoWithOffset, zonedToUtc } from '../../src-main/engine/attendance/zoned-time.js';

const zone = 'Europe/Berlin';
const at = (date: string, time: string, direction: 'entry' | 'exit') => ({ atMs: zonedToUtc(date, time, zone), direction });

describe('occupancy per hour', () => {
  test('in, out and present per hour; the count carries over hours', () => {
    const hours = occupancyByHour([at('2026-12-07', '08:05', 'entry'), at('2026-12-07', '08:10', 'entry'), at('2026-12-07', '08:50', 'entry'), at('2026-12-07', '12:30', 'exit'), at('2026-12-07', '17:01', 'exit')], '2026-12-07', zone);
    assert.equal(hours.length, 24);
    assert.deepEqual(hours[8], { hour: '08:00', in: 3, out: 0, present: 3 });
    assert.deepEqual(hours[11], { hour: '11:00', in: 0, out: 0, present: 3 });
    assert.deepEqual(hours[12], { hour: '12:00', in: 0, out: 1, present: 2 });
    assert.deepEqual(hours[17], { hour: '17:00', in: 0, out: 1, present: 1 });
    assert.equal(hours[23]!.present, 1, 'someone never seen leaving stays counted until the reset');
  });

  test('the nightly reset (03:00) clears drift: yesterday’s missed exit is gone by morning', () => {
    const passages = [at('2026-12-06', '18:00', 'entry'), at('2026-12-07', '01:00', 'entry'), at('2026-12-07', '09:00', 'entry')];
    const hours = occupancyByHour(passages, '2026-12-07', zone);
    assert.equal(hours[0]!.present, 1, 'carried from the evening before (reset was at 03:00 yesterday)');
    assert.equal(hours[1]!.present, 2);
    assert.equal(hours[3]!.present, 0, 'reset at 03:00');
    assert.equal(hours[9]!.present, 1);
    const noon = occupancyByHour(passages, '2026-12-07', zone, 12);
    assert.equal(noon[11]!.present, 3, 'with the reset at noon, the night (and the 09:00 entry) still count before it');
    assert.equal(noon[12]!.present, 0);
  });

  test('never below zero: more exits than entries since the reset', () => {
    const hours = occupancyByHour([at('2026-12-07', '10:00', 'exit'), at('2026-12-07', '10:30', 'entry')], '2026-12-07', zone);
    assert.deepEqual(hours[10], { hour: '10:00', in: 1, out: 1, present: 1 });
  });

  test('DST days have 23 and 25 hours, each named by its wall clock', () => {
    const spring = occupancyByHour([], '2026-03-29', zone);
    assert.equal(spring.length, 23);
    assert.deepEqual(spring.slice(1, 3).map((h) => h.hour), ['01:00', '03:00']);
    const autumn = occupancyByHour([at('2026-10-25', '02:30', 'entry')], '2026-10-25', zone);
    assert.equal(autumn.length, 25);
    assert.deepEqual(autumn.slice(1, 4).map((h) => [h.hour, h.in]), [['01:00', 0], ['02:00', 1], ['02:00', 0]]);
    assert.equal(addDays('2026-10-25', 1), '2026-10-26');
  });
});

describe('who is inside now (table)', () => {
  const p = (time: string, direction: 'entry' | 'exit', person: string | null, date = '2026-12-07', camera = direction === 'entry' ? 'Gate in' : 'Gate out') => ({
    atMs: zonedToUtc(date, time, zone),
    direction,
    person,
    camera,
  });
  const cases: Array<{ name: string; passages: ReturnType<typeof p>[]; now: [string, string]; resetHour?: number; present: number; people: Array<[string, string]>; since: string }> = [
    { name: 'nobody came', passages: [], now: ['2026-12-07', '10:00'], present: 0, people: [], since: '2026-12-07 03:00' },
    {
      name: 'in and still in; in and out again; a stranger in',
      passages: [p('08:00', 'entry', 'Ada'), p('08:05', 'entry', 'Bob'), p('12:00', 'exit', 'Bob'), p('09:00', 'entry', null)],
      now: ['2026-12-07', '13:00'],
      present: 2,
      people: [['Ada', '08:00']],
      since: '2026-12-07 03:00',
    },
    {
      name: 'out for lunch and back: inside since the last entry',
      passages: [p('08:00', 'entry', 'Ada'), p('12:00', 'exit', 'Ada'), p('12:40', 'entry', 'Ada', '2026-12-07', 'Side door')],
      now: ['2026-12-07', '13:00'],
      present: 1,
      people: [['Ada', '12:40']],
      since: '2026-12-07 03:00',
    },
    {
      name: 'passages after now do not count yet',
      passages: [p('08:00', 'entry', 'Ada'), p('14:00', 'exit', 'Ada')],
      now: ['2026-12-07', '13:00'],
      present: 1,
      people: [['Ada', '08:00']],
      since: '2026-12-07 03:00',
    },
    {
      name: 'a missed exit yesterday is forgotten after the 03:00 reset',
      passages: [p('18:00', 'entry', 'Ada', '2026-12-06'), p('08:00', 'entry', 'Bob')],
      now: ['2026-12-07', '09:00'],
      present: 1,
      people: [['Bob', '08:00']],
      since: '2026-12-07 03:00',
    },
    {
      name: 'before the reset hour, the night since yesterday 03:00 counts (a night shift is inside)',
      passages: [p('21:50', 'entry', 'Nina', '2026-12-06'), p('01:00', 'exit', null)],
      now: ['2026-12-07', '02:00'],
      present: 0,
      people: [['Nina', '21:50']],
      since: '2026-12-06 03:00',
    },
    {
      name: 'more exits than entries never go below zero',
      passages: [p('07:00', 'exit', null), p('07:30', 'exit', null), p('08:00', 'entry', 'Ada')],
      now: ['2026-12-07', '09:00'],
      present: 1,
      people: [['Ada', '08:00']],
      since: '2026-12-07 03:00',
    },
    {
      name: 'reset at 05:00 on the spring-forward day still at 05:00 wall time',
      passages: [p('04:00', 'entry', 'Ada', '2026-03-29'), p('06:00', 'entry', 'Bob', '2026-03-29')],
      now: ['2026-03-29', '07:00'],
      resetHour: 5,
      present: 1,
      people: [['Bob', '06:00']],
      since: '2026-03-29 05:00',
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const result = insideNow(c.passages, zonedToUtc(c.now[0], c.now[1], zone), zone, c.resetHour);
      assert.equal(result.present, c.present);
      const wall = (ms: number) => isoWithOffset(ms, zone).slice(11, 16);
      assert.deepEqual(result.people.map((x) => [x.person, wall(x.sinceMs)]), c.people);
      const [sinceDate, sinceTime] = c.since.split(' ') as [string, string];
      assert.equal(result.sinceMs, zonedToUtc(sinceDate, sinceTime, zone));
    });
  }
});

describe('monthly roll-up of kept hours (table)', () => {
  const h = (day: string, hour: string, entered: number, exited: number, present: number, startMs = zonedToUtc(day, hour, zone)): KeptHour => ({ day, hour, in: entered, out: exited, present, startMs });
  const cases: Array<{ name: string; hours: KeptHour[]; expected: ReturnType<typeof rollUpMonths> }> = [
    { name: 'no hours: no months', hours: [], expected: [] },
    {
      name: 'one day: sums, the peak hour, the day peak',
      hours: [h('2026-11-02', '08:00', 5, 0, 5), h('2026-11-02', '09:00', 2, 1, 6), h('2026-11-02', '17:00', 0, 6, 0)],
      expected: [{ month: '2026-11', days: 1, hours: 3, in: 7, out: 7, peakPresent: 6, peakDay: '2026-11-02', peakHour: '09:00', averageDailyPeak: 6 }],
    },
    {
      name: 'a tie keeps the first hour in real time (hours given out of order)',
      hours: [h('2026-11-03', '10:00', 0, 0, 4), h('2026-11-02', '10:00', 4, 0, 4), h('2026-11-02', '11:00', 0, 1, 3)],
      expected: [{ month: '2026-11', days: 2, hours: 3, in: 4, out: 1, peakPresent: 4, peakDay: '2026-11-02', peakHour: '10:00', averageDailyPeak: 4 }],
    },
    {
      name: 'average of day peaks, one decimal; a quiet day counts as a day with peak 0',
      hours: [h('2026-11-02', '09:00', 3, 0, 3), h('2026-11-03', '09:00', 1, 0, 1), h('2026-11-04', '09:00', 0, 0, 0)],
      expected: [{ month: '2026-11', days: 3, hours: 3, in: 4, out: 0, peakPresent: 3, peakDay: '2026-11-02', peakHour: '09:00', averageDailyPeak: 1.3 }],
    },
    {
      name: 'months apart and in order (site days, not UTC: 00:30 Berlin on Dec 1 is November in UTC)',
      hours: [h('2026-12-01', '00:00', 1, 0, 1), h('2026-11-30', '23:00', 2, 0, 2)],
      expected: [
        { month: '2026-11', days: 1, hours: 1, in: 2, out: 0, peakPresent: 2, peakDay: '2026-11-30', peakHour: '23:00', averageDailyPeak: 2 },
        { month: '2026-12', days: 1, hours: 1, in: 1, out: 0, peakPresent: 1, peakDay: '2026-12-01', peakHour: '00:00', averageDailyPeak: 1 },
      ],
    },
    {
      name: 'fall-back night: the second 02:00 is a different hour and can be the peak',
      hours: [h('2026-10-25', '02:00', 1, 0, 1, zonedToUtc('2026-10-25', '01:00', zone) + 3_600_000), h('2026-10-25', '02:00', 1, 0, 2, zonedToUtc('2026-10-25', '01:00', zone) + 7_200_000)],
      expected: [{ month: '2026-10', days: 1, hours: 2, in: 2, out: 0, peakPresent: 2, peakDay: '2026-10-25', peakHour: '02:00', averageDailyPeak: 2 }],
    },
  ];
  for (const c of cases) test(c.name, () => assert.deepEqual(rollUpMonths(c.hours), c.expected));
});
