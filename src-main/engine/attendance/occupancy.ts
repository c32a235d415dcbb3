/**
 * Occupancy per hour (pure): people in through entry cameras, out through
 * exit cameras, and present (in minus out since the last nightly reset, never
 * below zero: a missed exit or entry is drift, and the reset at a quiet hour
 * — default 03:00 — puts the count back to zero every day). Visits at
 * both-ways cameras say nothing about direction and are not counted here.
 */
import { addDays, localParts, zonedToUtc } from './zoned-time.js';

export interface OccupancyHour {
  /** Local hour start, HH:00, of the site's day. */
  hour: string;
  in: number;
  out: number;
  /** Present at the end of the hour. */
  present: number;
}

export const DEFAULT_RESET_HOUR = 3;

/**
 * The 24 hours of `date` (local; 23 or 25 on DST days, each named by its wall
 * clock) with the passages in and out. Counting starts at the reset before the
 * day's first hour; `passages` must cover from that reset (earlier ones are ignored).
 */
export function occupancyByHour(
  passages: ReadonlyArray<{ atMs: number; direction: 'entry' | 'exit' }>,
  date: string,
  timeZone: string,
  resetHour = DEFAULT_RESET_HOUR,
): OccupancyHour[] {
  const dayStart = zonedToUtc(date, '00:00', timeZone);
  const dayEnd = zonedToUtc(addDays(date, 1), '00:00', timeZone);
  const resetToday = zonedToUtc(date, `${String(resetHour).padStart(2, '0')}:00`, timeZone);
  const resetBefore = resetToday <= dayStart ? resetToday : zonedToUtc(addDays(date, -1), `${String(resetHour).padStart(2, '0')}:00`, timeZone);
  const sorted = [...passages].filter((p) => p.atMs >= resetBefore && p.atMs < dayEnd).sort((a, b) => a.atMs - b.atMs);
  const hours: OccupancyHour[] = [];
  let present = 0;
  let index = 0;
  const count = (untilMs: number, bucket: OccupancyHour | null, resets: number[]) => {
    while (index < sorted.length && sorted[index]!.atMs < untilMs) {
      const p = sorted[index++]!;
      while (resets.length && p.atMs >= resets[0]!) {
        present = 0;
        resets.shift();
      }
      if (p.direction === 'entry') {
        present++;
        if (bucket) bucket.in++;
      } else {
        present = Math.max(0, present - 1);
        if (bucket) bucket.out++;
      }
    }
    while (resets.length && untilMs > resets[0]!) {
      present = 0;
      resets.shift();
    }
  };
  // From the reset before the day to its first hour: only the running count.
  count(dayStart, null, []);
  const resets = resetToday > dayStart ? [resetToday] : [];
  // Hour by hour in real time (a 23- or 25-hour day has that many buckets).
  for (let start = dayStart; start < dayEnd; start += 3_600_000) {
    const local = localParts(start, timeZone);
    const bucket: OccupancyHour = { hour: `${String(local.hour).padStart(2, '0')}:00`, in: 0, out: 0, present: 0 };
    count(Math.min(start + 3_600_000, dayEnd), bucket, resets);
    bucket.present = present;
    hours.push(bucket);
  }
  return hours;
}
