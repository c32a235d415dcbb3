import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  DEFAULT_VISIT_RETENTION_DAYS,
  type ExpiredVisit,
  heldBackMessage,
  isValidVisitRetention,
  judgeExpiredVisit,
  parseStoredVisitRetention,
  type VisitVerdict,
} from '../../src-main/engine/attendance/visit-retention.js';

const ADA = 1; // on attendance (employee or contractor)
const VIC = 2; // a visitor: not judged by attendance
const attendancePeople = new Set([ADA]);
// Frozen locks: 1-20 March 2026, and 31 March alone.
const frozen = (day: string) => (day >= '2026-03-01' && day <= '2026-03-20') || day === '2026-03-31';

describe('judgeExpiredVisit', () => {
  const cases: Array<[string, ExpiredVisit, VisitVerdict]> = [
    ['stranger at an entry camera', { status: 'unknown', personId: null, cameraDirection: 'entry', day: '2026-03-25' }, 'delete'],
    ['blocked person at an exit camera', { status: 'blocked', personId: ADA, cameraDirection: 'exit', day: '2026-03-25' }, 'delete'],
    ['visitor at an entry camera', { status: 'member', personId: VIC, cameraDirection: 'entry', day: '2026-03-25' }, 'delete'],
    ['employee at a camera with no direction', { status: 'member', personId: ADA, cameraDirection: 'none', day: '2026-03-25' }, 'delete'],
    ['employee, visit written before directions existed', { status: 'member', personId: ADA, cameraDirection: null, day: '2026-03-25' }, 'delete'],
    ['employee at entry, day not locked', { status: 'member', personId: ADA, cameraDirection: 'entry', day: '2026-03-25' }, 'hold-for-lock'],
    ['employee at exit, day not locked', { status: 'member', personId: ADA, cameraDirection: 'exit', day: '2026-03-25' }, 'hold-for-lock'],
    ['employee at a both camera, day not locked', { status: 'member', personId: ADA, cameraDirection: 'both', day: '2026-03-25' }, 'hold-for-lock'],
    ['employee at entry inside the lock', { status: 'member', personId: ADA, cameraDirection: 'entry', day: '2026-03-10' }, 'delete'],
    ['first locked day: the day before (overnight shift) is open', { status: 'member', personId: ADA, cameraDirection: 'entry', day: '2026-03-01' }, 'hold-for-lock'],
    ['second locked day: both neighbours locked', { status: 'member', personId: ADA, cameraDirection: 'exit', day: '2026-03-02' }, 'delete'],
    ['last locked day: the next day (early check-in) is open', { status: 'member', personId: ADA, cameraDirection: 'exit', day: '2026-03-20' }, 'hold-for-lock'],
    ['a lone locked day with open neighbours', { status: 'member', personId: ADA, cameraDirection: 'entry', day: '2026-03-31' }, 'hold-for-lock'],
  ];
  for (const [name, visit, verdict] of cases) {
    test(`${name} → ${verdict}`, () => assert.equal(judgeExpiredVisit(visit, attendancePeople, frozen), verdict));
  }
});

describe('visit retention setting', () => {
  const stored: Array<[string | undefined | null, number | null]> = [
    [undefined, DEFAULT_VISIT_RETENTION_DAYS],
    [null, DEFAULT_VISIT_RETENTION_DAYS],
    ['off', null],
    ['31', 31],
    ['3650', 3650],
    ['30', DEFAULT_VISIT_RETENTION_DAYS],
    ['3651', DEFAULT_VISIT_RETENTION_DAYS],
    ['12.5', DEFAULT_VISIT_RETENTION_DAYS],
    ['forever', DEFAULT_VISIT_RETENTION_DAYS],
    ['', DEFAULT_VISIT_RETENTION_DAYS],
  ];
  for (const [value, days] of stored) test(`stored ${JSON.stringify(value)} → ${days}`, () => assert.equal(parseStoredVisitRetention(value), days));

  const valid: Array<[unknown, boolean]> = [[null, true], [31, true], [90, true], [3650, true], [30, false], [3651, false], [90.5, false], ['90', false], [undefined, false], [Number.NaN, false]];
  for (const [days, ok] of valid) test(`valid ${String(days)} → ${ok}`, () => assert.equal(isValidVisitRetention(days), ok));

  test('held-back message', () => {
    assert.equal(heldBackMessage(0), null);
    assert.equal(heldBackMessage(1), '1 visit past retention waits for the attendance period to be locked');
    assert.equal(heldBackMessage(12), '12 visits past retention wait for the attendance period to be locked');
  });
});
