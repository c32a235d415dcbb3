/**
 * Visit retention: which expired visits (sighting rows) may go. Pure: no I/O.
 *
 * Payroll needs a visit as long as attendance could still compute a day from it; once the days it can
 * count for lie inside a frozen lock (`attendance_locked_days` keeps the day as exported), the visit
 * is no longer needed. Everything else (strangers, visitors, cameras without an attendance direction)
 * goes as soon as it is older than the retention period.
 */
import { addDays } from './zoned-time.js';

/** Default days a visit is kept: a quarter covers a payroll month, its corrections and most disputes. */
export const DEFAULT_VISIT_RETENTION_DAYS = 90;
/** Shorter than this would remove visits before a monthly payroll run had a chance to lock them. */
export const MIN_VISIT_RETENTION_DAYS = 31;
/** Ten years: anything longer is "keep for ever", which is `null` (off). */
export const MAX_VISIT_RETENTION_DAYS = 3650;

export type VisitRetentionDays = number | null;

/** Reads the stored setting: a whole number of days in range, "off" (null), or the default for anything else. */
export function parseStoredVisitRetention(value: string | undefined | null): VisitRetentionDays {
  if (value === undefined || value === null) return DEFAULT_VISIT_RETENTION_DAYS;
  if (value === 'off') return null;
  const days = Number(value);
  return isValidVisitRetention(days) ? days : DEFAULT_VISIT_RETENTION_DAYS;
}

export function isValidVisitRetention(days: unknown): days is VisitRetentionDays {
  if (days === null) return true;
  return typeof days === 'number' && Number.isInteger(days) && days >= MIN_VISIT_RETENTION_DAYS && days <= MAX_VISIT_RETENTION_DAYS;
}

export interface ExpiredVisit {
  /** 'member' | 'unknown' | 'blocked' */
  status: string;
  personId: number | null;
  /** The camera's direction when the visit was written (null: written before directions existed). */
  cameraDirection: string | null;
  /** The visit's site-local day (YYYY-MM-DD). */
  day: string;
}

export type VisitVerdict = 'delete' | 'hold-for-lock';

/**
 * An expired visit's fate. `attendancePeople` are the people attendance judges (employees and
 * contractors); `frozenDay(d)` says whether a frozen lock covers site day d. A visit can count for its
 * own day, for the day before (an overnight shift's check-out) and for the day after (an early
 * check-in before midnight), so all three must be frozen before it goes.
 */
export function judgeExpiredVisit(visit: ExpiredVisit, attendancePeople: ReadonlySet<number>, frozenDay: (day: string) => boolean): VisitVerdict {
  const countsForAttendance =
    visit.status === 'member' &&
    visit.personId !== null &&
    attendancePeople.has(visit.personId) &&
    (visit.cameraDirection === 'entry' || visit.cameraDirection === 'exit' || visit.cameraDirection === 'both');
  if (!countsForAttendance) return 'delete';
  return [addDays(visit.day, -1), visit.day, addDays(visit.day, 1)].every(frozenDay) ? 'delete' : 'hold-for-lock';
}

/** The message the console and CLI show for visits held back (null when none are). */
export function heldBackMessage(held: number): string | null {
  if (held <= 0) return null;
  return `${held} visit${held === 1 ? '' : 's'} past retention wait${held === 1 ? 's' : ''} for the attendance period to be locked`;
}
