/**
 * Occupancy per hour (pure): people in through entry cameras, out through
 * exit cameras, and present (in minus out since the last nightly reset, never
 * below zero: a missed exit or entry is drift, and the reset at a quiet hour
 * — default 03:00 — puts the count back to zero every day). Visits at
 * both-ways cameras say nothing about direction and are not counted here.
 */
import { addDays, localDate, localParts, zonedToUtc } from './zoned-time.js';

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

/** The nightly reset at or before `nowMs` (site time). */
export function lastReset(nowMs: number, timeZone: string, resetHour = DEFAULT_RESET_HOUR): number {
  const today = localDate(nowMs, timeZone);
  const clock = `${String(resetHour).padStart(2, '0')}:00`;
  const reset = zonedToUtc(today, clock, timeZone);
  return reset <= nowMs ? reset : zonedToUtc(addDays(today, -1), clock, timeZone);
}

export interface InsideNow {
  /** Since when passages count (the last nightly reset). */
  sinceMs: number;
  /** Everyone in (strangers too): in minus out since the reset, never below zero. */
  present: number;
  /** Known people whose last passage since the reset was in: in since that entry. */
  people: Array<{ person: string; sinceMs: number; camera: string }>;
}

/**
 * Who is inside now, from passages at entry and exit cameras since the last reset (the same count as
 * the hourly occupancy's running present). A person is inside when their last passage was an entry;
 * strangers (person null) count in `present` only.
 */
export function insideNow(
  passages: ReadonlyArray<{ atMs: number; direction: 'entry' | 'exit'; person: string | null; camera: string }>,
  nowMs: number,
  timeZone: string,
  resetHour = DEFAULT_RESET_HOUR,
): InsideNow {
  const sinceMs = lastReset(nowMs, timeZone, resetHour);
  const counted = passages.filter((p) => p.atMs >= sinceMs && p.atMs <= nowMs).sort((a, b) => a.atMs - b.atMs);
  let present = 0;
  const last = new Map<string, { atMs: number; direction: 'entry' | 'exit'; camera: string }>();
  for (const p of counted) {
    present = p.direction === 'entry' ? present + 1 : Math.max(0, present - 1);
    if (p.person !== null) last.set(p.person, p);
  }
  const people = [...last]
    .filter(([, p]) => p.direction === 'entry')
    .map(([person, p]) => ({ person, sinceMs: p.atMs, camera: p.camera }))
    .sort((a, b) => a.sinceMs - b.sinceMs || a.person.localeCompare(b.person));
  return { sinceMs, present, people };
}

/** An hour as it is kept: its site day, its wall-clock label and its start (UTC ms). */
export interface KeptHour extends OccupancyHour {
  day: string;
  startMs: number;
}

/** A site month's occupancy, rolled up from its kept hours. */
export interface OccupancyMonth {
  /** YYYY-MM (site time). */
  month: string;
  /** Days with at least one kept hour. */
  days: number;
  hours: number;
  in: number;
  out: number;
  /** The most present at the end of any hour, and the first hour it was reached (null: no hours). */
  peakPresent: number;
  peakDay: string | null;
  peakHour: string | null;
  /** The mean over the days of each day's highest present, to one decimal. */
  averageDailyPeak: number;
}

/**
 * Rolls kept hours up by site month (months in order; hours in any order). The peak is the first
 * hour, in real time, that reached the month's highest present.
 */
export function rollUpMonths(hours: readonly KeptHour[]): OccupancyMonth[] {
  const months = new Map<string, KeptHour[]>();
  for (const h of hours) {
    const month = h.day.slice(0, 7);
    const list = months.get(month);
    if (list) list.push(h);
    else months.set(month, [h]);
  }
  return [...months.keys()].sort().map((month) => {
    const list = [...months.get(month)!].sort((a, b) => a.startMs - b.startMs);
    const dayPeaks = new Map<string, number>();
    let peak: KeptHour | null = null;
    let entered = 0, exited = 0;
    for (const h of list) {
      entered += h.in;
      exited += h.out;
      dayPeaks.set(h.day, Math.max(dayPeaks.get(h.day) ?? 0, h.present));
      if (!peak || h.present > peak.present) peak = h;
    }
    const peaks = [...dayPeaks.values()];
    return {
      month,
      days: dayPeaks.size,
      hours: list.length,
      in: entered,
      out: exited,
      peakPresent: peak?.present ?? 0,
      peakDay: peak?.day ?? null,
      peakHour: peak?.hour ?? null,
      averageDailyPeak: peaks.length === 0 ? 0 : Math.round((peaks.reduce((a, b) => a + b, 0) / peaks.length) * 10) / 10,
    };
  });
}
