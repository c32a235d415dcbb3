import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { occupancyByHour } from '../../src-main/engine/attendance/occupancy.js';
import { addDays, zonedToUtc } from '../../src-main/engine/attendance/zoned-time.js';

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
