/**
 * Dates for tests that must mean the same whatever the calendar says. The engine purges by its
 * clock when it opens (visits past retention, stranger clusters) and keeps occupancy snapshots only
 * so far back, so a fixed date in seeded data is a time bomb unless the engine's clock is fixed too
 * (`EngineOptions.now`). Use `daysAgo` when the date itself does not matter.
 */
const DAY_MS = 86_400_000;

/** The UTC calendar day `days` before today, at a UTC time of day (e.g. daysAgo(4, '08:00:04')). */
export function daysAgo(days: number, time = '00:00:00'): Date {
  const today = new Date().toISOString().slice(0, 10);
  return new Date(Date.parse(`${today}T${time}Z`) - days * DAY_MS);
}
