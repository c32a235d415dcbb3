/**
 * Attendance rules (pure): from members' passages at entry and exit cameras
 * (one per visit, never per frame) to one record per person per shift day, in
 * the site's time zone.
 *
 * - A shift day is a date whose weekday the shift works; its window runs from
 *   `start` to `end` local time (an `end` at or before `start` is the next
 *   day: an overnight shift), DST-correct.
 * - Passages count for a shift day from `marginBeforeMinutes` before its start
 *   to `marginAfterMinutes` after its end, cut half-way to the person's
 *   neighbouring shift days, so one passage never counts for two days.
 * - Check-in: the first passage at an entry (or both-ways) camera in that
 *   span; later entries the same day never make a second check-in, and an
 *   entry within `doubleEntryWindowHours` of the previous day's check-in is not
 *   counted again either. Check-out: the last passage at an exit (or
 *   both-ways) camera after the check-in.
 * - Late: checked in after start + grace (exactly at start + grace is on
 *   time); lateMinutes counts from the shift's start. Early exit: checked out
 *   more than `earlyExitMinutes` before the end; earlyExitMinutes counts to
 *   the end. Overtime: checked out `overtimeAfterMinutes` or more after the end.
 * - Absent: a shift day with no passage once its span is over. Missing
 *   check-out: a check-in and no check-out once the span is over ("in" while
 *   it is still open). A day the shift does not work gets a record only if the
 *   person came ("day_off").
 * Minutes are whole minutes, rounded down.
 */
import { addDays, isoWithOffset, localDate, weekdayOf, type Weekday, zonedToUtc } from './zoned-time.js';

export type CameraDirection = 'entry' | 'exit' | 'both' | 'none';

export interface ShiftRule {
  name: string;
  /** Local start and end, HH:MM; end ≤ start means the shift ends the next day. */
  start: string;
  end: string;
  days: readonly Weekday[];
  graceMinutes: number;
  earlyExitMinutes: number;
  /** An entry this soon after a counted check-in is never a new check-in (default 12 h: one check-in per shift). */
  doubleEntryWindowHours?: number;
  /** Checked out this long after the end or more: overtime (default 30). */
  overtimeAfterMinutes?: number;
}

export interface AttendancePolicy {
  timeZone: string;
  /** Passages this long before a shift's start count for it (default 4 h). */
  marginBeforeMinutes?: number;
  /** Passages this long after a shift's end count for it (default 6 h). */
  marginAfterMinutes?: number;
}

/** A member passing a camera: one visit (its first-seen time), with the camera's direction. */
export interface Passage {
  person: string;
  atMs: number;
  camera: string;
  direction: Exclude<CameraDirection, 'none'>;
}

export type AttendanceStatus = 'on_time' | 'late' | 'early_exit' | 'overtime' | 'absent' | 'missing_check_out' | 'missing_check_in' | 'in' | 'day_off';

export interface PersonDay {
  person: string;
  /** The shift day's local date (the date its shift starts). */
  date: string;
  shift: string | null;
  status: AttendanceStatus[];
  checkInMs: number | null;
  checkOutMs: number | null;
  checkInCamera: string | null;
  checkOutCamera: string | null;
  lateMinutes: number;
  earlyExitMinutes: number;
  overtimeMinutes: number;
  /** Check-in to check-out; null without both. */
  workedMinutes: number | null;
}

export const DEFAULT_MARGIN_BEFORE_MINUTES = 240;
export const DEFAULT_MARGIN_AFTER_MINUTES = 360;
export const DEFAULT_DOUBLE_ENTRY_WINDOW_HOURS = 12;
export const DEFAULT_OVERTIME_AFTER_MINUTES = 30;

const MINUTE = 60_000;
const minutesBetween = (fromMs: number, toMs: number) => Math.floor((toMs - fromMs) / MINUTE);

interface Occurrence {
  date: string;
  startMs: number;
  endMs: number;
  /** The span whose passages count for this day. */
  fromMs: number;
  untilMs: number;
}

/** The shift's days between two dates (inclusive), each with its span, cut half-way to its neighbours. */
export function shiftOccurrences(shift: ShiftRule, from: string, to: string, policy: AttendancePolicy): Occurrence[] {
  const before = (policy.marginBeforeMinutes ?? DEFAULT_MARGIN_BEFORE_MINUTES) * MINUTE;
  const after = (policy.marginAfterMinutes ?? DEFAULT_MARGIN_AFTER_MINUTES) * MINUTE;
  const overnight = shift.end <= shift.start;
  const raw: Array<{ date: string; startMs: number; endMs: number }> = [];
  // One day either side, so the first and last days are cut against their real neighbours.
  for (let date = addDays(from, -1); date <= addDays(to, 1); date = addDays(date, 1)) {
    if (!shift.days.includes(weekdayOf(date))) continue;
    raw.push({
      date,
      startMs: zonedToUtc(date, shift.start, policy.timeZone),
      endMs: zonedToUtc(overnight ? addDays(date, 1) : date, shift.end, policy.timeZone),
    });
  }
  return raw
    .map((o, i) => {
      const previous = raw[i - 1], next = raw[i + 1];
      const fromMs = Math.max(o.startMs - before, previous ? (previous.endMs + o.startMs) / 2 : -Infinity);
      const untilMs = Math.min(o.endMs + after, next ? (o.endMs + next.startMs) / 2 : Infinity);
      return { ...o, fromMs, untilMs };
    })
    .filter((o) => o.date >= from && o.date <= to);
}

const isEntry = (p: Passage) => p.direction === 'entry' || p.direction === 'both';
const isExit = (p: Passage) => p.direction === 'exit' || p.direction === 'both';

function emptyDay(person: string, date: string, shift: string | null): PersonDay {
  return {
    person,
    date,
    shift,
    status: [],
    checkInMs: null,
    checkOutMs: null,
    checkInCamera: null,
    checkOutCamera: null,
    lateMinutes: 0,
    earlyExitMinutes: 0,
    overtimeMinutes: 0,
    workedMinutes: null,
  };
}

/** Check-in and check-out among the passages of one span; `notBeforeMs`: entries before it are repeats of an earlier check-in. */
function checkInOut(passages: readonly Passage[], notBeforeMs: number): { checkIn: Passage | null; checkOut: Passage | null } {
  const checkIn = passages.find((p) => isEntry(p) && p.atMs >= notBeforeMs) ?? null;
  let checkOut: Passage | null = null;
  for (const p of passages) if (isExit(p) && p !== checkIn && (!checkIn || p.atMs > checkIn.atMs)) checkOut = p;
  return { checkIn, checkOut };
}

/**
 * The record of one shift day from its check-in and check-out (computed, or
 * corrected by HR): statuses and minutes. Null when nothing happened and the
 * day's span is not over yet (the person may still come).
 */
export function judgeShiftDay(
  person: string,
  shift: ShiftRule,
  o: { date: string; startMs: number; endMs: number; untilMs: number },
  checkIn: { atMs: number; camera: string } | null,
  checkOut: { atMs: number; camera: string } | null,
  nowMs = Infinity,
): PersonDay | null {
  const day = emptyDay(person, o.date, shift.name);
  const over = nowMs >= o.untilMs;
  if (checkIn) {
    day.checkInMs = checkIn.atMs;
    day.checkInCamera = checkIn.camera;
    if (checkIn.atMs > o.startMs + shift.graceMinutes * MINUTE) {
      day.status.push('late');
      day.lateMinutes = minutesBetween(o.startMs, checkIn.atMs);
    } else day.status.push('on_time');
  }
  if (checkOut) {
    day.checkOutMs = checkOut.atMs;
    day.checkOutCamera = checkOut.camera;
    if (checkOut.atMs < o.endMs - shift.earlyExitMinutes * MINUTE) {
      day.status.push('early_exit');
      day.earlyExitMinutes = minutesBetween(checkOut.atMs, o.endMs);
    } else if (checkOut.atMs >= o.endMs + (shift.overtimeAfterMinutes ?? DEFAULT_OVERTIME_AFTER_MINUTES) * MINUTE && minutesBetween(o.endMs, checkOut.atMs) > 0) {
      // (With a threshold of 0, leaving at the end itself is not overtime: at least a whole minute is.)
      day.status.push('overtime');
      day.overtimeMinutes = minutesBetween(o.endMs, checkOut.atMs);
    }
  }
  if (checkIn && checkOut) day.workedMinutes = minutesBetween(checkIn.atMs, checkOut.atMs);
  if (checkIn && !checkOut) day.status.push(over ? 'missing_check_out' : 'in');
  if (!checkIn && checkOut) day.status.push('missing_check_in');
  if (!checkIn && !checkOut) {
    if (!over) return null;
    day.status.push('absent');
  }
  return day;
}

/** A day off on which the person came: times and worked minutes, no judgement. */
export function dayOffRecord(person: string, date: string, checkIn: { atMs: number; camera: string } | null, checkOut: { atMs: number; camera: string } | null): PersonDay {
  const day = emptyDay(person, date, null);
  day.status.push('day_off');
  day.checkInMs = checkIn?.atMs ?? null;
  day.checkInCamera = checkIn?.camera ?? null;
  day.checkOutMs = checkOut?.atMs ?? null;
  day.checkOutCamera = checkOut?.camera ?? null;
  if (checkIn && checkOut) day.workedMinutes = minutesBetween(checkIn.atMs, checkOut.atMs);
  return day;
}

/**
 * One record per person per shift day between `from` and `to` (local dates,
 * inclusive), plus days off on which someone came. `nowMs`: records whose span
 * is not over yet say "in" instead of missing check-out, and shift days not
 * started yet are left out (default: everything is over).
 */
export function computeAttendance(
  people: ReadonlyArray<{ name: string; shift: ShiftRule | null }>,
  passages: readonly Passage[],
  range: { from: string; to: string; nowMs?: number },
  policy: AttendancePolicy,
): PersonDay[] {
  const nowMs = range.nowMs ?? Infinity;
  const days: PersonDay[] = [];
  const byPerson = new Map<string, Passage[]>();
  for (const p of [...passages].sort((a, b) => a.atMs - b.atMs)) {
    if (!byPerson.has(p.person)) byPerson.set(p.person, []);
    byPerson.get(p.person)!.push(p);
  }
  for (const person of people) {
    const mine = byPerson.get(person.name) ?? [];
    const counted = new Set<Passage>();
    if (person.shift) {
      const shift = person.shift;
      const doubleEntryMs = (shift.doubleEntryWindowHours ?? DEFAULT_DOUBLE_ENTRY_WINDOW_HOURS) * 3_600_000;
      let lastCheckInMs = -Infinity;
      for (const o of shiftOccurrences(shift, range.from, range.to, policy)) {
        const inSpan = mine.filter((p) => p.atMs >= o.fromMs && p.atMs < o.untilMs);
        for (const p of inSpan) counted.add(p);
        if (nowMs < o.fromMs) continue; // not begun: nothing to say yet (its passages are its own, never a day off)
        const { checkIn, checkOut } = checkInOut(inSpan, lastCheckInMs + doubleEntryMs);
        if (checkIn) lastCheckInMs = checkIn.atMs;
        const day = judgeShiftDay(person.name, shift, o, checkIn, checkOut, nowMs);
        if (!day) continue; // may still come
        days.push(day);
      }
    }
    // Passages outside every shift span: a day off on which the person came (or people without a shift).
    const offDays = new Map<string, Passage[]>();
    for (const p of mine) {
      if (counted.has(p)) continue;
      const date = localDate(p.atMs, policy.timeZone);
      if (date < range.from || date > range.to) continue;
      if (!offDays.has(date)) offDays.set(date, []);
      offDays.get(date)!.push(p);
    }
    for (const [date, list] of offDays) {
      const { checkIn, checkOut } = checkInOut(list, -Infinity);
      if (!checkIn && !checkOut) continue;
      days.push(dayOffRecord(person.name, date, checkIn, checkOut));
    }
  }
  return days.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.person.localeCompare(b.person)));
}

/** The line `attendance replay --json` prints for a record (times ISO with the site's offset). */
export function personDayLine(day: PersonDay, timeZone: string) {
  return {
    person: day.person,
    date: day.date,
    status: day.status,
    checkIn: day.checkInMs === null ? null : isoWithOffset(day.checkInMs, timeZone),
    checkOut: day.checkOutMs === null ? null : isoWithOffset(day.checkOutMs, timeZone),
    lateMinutes: day.lateMinutes,
    earlyExitMinutes: day.earlyExitMinutes,
    workedMinutes: day.workedMinutes,
    overtimeMinutes: day.overtimeMinutes,
    shift: day.shift,
    checkInCamera: day.checkInCamera,
    checkOutCamera: day.checkOutCamera,
  };
}
