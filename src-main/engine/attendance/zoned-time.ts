/**
 * Wall-clock time in a site's time zone, DST-correct, from the runtime's own
 * time zone data (Intl / ICU): no library, no I/O. Attendance is decided in
 * the site's local days and shift times; storage and sightings are UTC.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Whether the runtime knows this IANA time zone name. */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

export interface LocalDateTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** The wall-clock reading in `timeZone` at the instant `utcMs`. */
export function localParts(utcMs: number, timeZone: string): LocalDateTime {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(utcMs))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return { year: parts.year!, month: parts.month!, day: parts.day!, hour: parts.hour!, minute: parts.minute!, second: parts.second! };
}

/** Offset of `timeZone` from UTC at the instant `utcMs`, in minutes (Berlin in summer: +120). */
export function offsetMinutes(utcMs: number, timeZone: string): number {
  const l = localParts(Math.floor(utcMs / 1000) * 1000, timeZone);
  const asUtc = Date.UTC(l.year, l.month - 1, l.day, l.hour, l.minute, l.second);
  return Math.round((asUtc - Math.floor(utcMs / 1000) * 1000) / 60_000);
}

/**
 * The instant a wall-clock time happens in `timeZone`. A time that does not
 * exist (skipped by a spring-forward change) is moved forward by the gap
 * (02:30 on that night is 03:30); a time that happens twice (fall-back) is
 * the first of the two. (The same choice as Temporal's "compatible".)
 */
export function zonedToUtc(date: string, time: string, timeZone: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const [hh, mm] = time.split(':').map(Number) as [number, number];
  const wall = Date.UTC(y, m - 1, d, hh, mm);
  const before = offsetMinutes(wall - 36 * 3_600_000, timeZone);
  const after = offsetMinutes(wall + 36 * 3_600_000, timeZone);
  const valid = [...new Set([before, after])]
    .map((offset) => wall - offset * 60_000)
    .filter((utc) => offsetMinutes(utc, timeZone) * 60_000 === wall - utc)
    .sort((a, b) => a - b);
  if (valid.length > 0) return valid[0]!;
  // In the gap: the offset before the change puts it after the gap.
  return wall - before * 60_000;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** The site's calendar date (YYYY-MM-DD) at an instant. */
export function localDate(utcMs: number, timeZone: string): string {
  const l = localParts(utcMs, timeZone);
  return `${pad(l.year, 4)}-${pad(l.month)}-${pad(l.day)}`;
}

/** ISO 8601 with the site's offset at that instant, to the second: 2026-03-30T08:03:00+02:00. */
export function isoWithOffset(utcMs: number, timeZone: string): string {
  const l = localParts(utcMs, timeZone);
  const offset = offsetMinutes(utcMs, timeZone);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return `${pad(l.year, 4)}-${pad(l.month)}-${pad(l.day)}T${pad(l.hour)}:${pad(l.minute)}:${pad(l.second)}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** The calendar date `days` after `date` (calendar arithmetic: no time zone involved). */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const next = new Date(Date.UTC(y, m - 1, d + days));
  return `${pad(next.getUTCFullYear(), 4)}-${pad(next.getUTCMonth() + 1)}-${pad(next.getUTCDate())}`;
}

export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export function weekdayOf(date: string): Weekday {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return WEEKDAYS[new Date(Date.UTC(y, m - 1, d)).getUTCDay()]!;
}

/** Whether a string is a real calendar date YYYY-MM-DD. */
export function isCalendarDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  return addDays(value, 0) === value;
}
