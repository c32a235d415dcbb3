/**
 * An attendance scenario (`attendance replay <scenario.json>`): cameras with
 * their direction, shifts, people and sightings, run through the same rules
 * as the live database, without cameras. Every name a sighting or a person
 * uses must be defined; a mistake is an error naming it, never a silent skip.
 */
import { z } from 'zod';
import { VigilError } from '../errors.js';
import { computeAttendance, type Passage, type PersonDay, type ShiftRule } from './attendance-rules.js';
import { isCalendarDate, isValidTimeZone, localDate, WEEKDAYS } from './zoned-time.js';

const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time of day HH:MM (00:00 to 23:59)');
const calendarDate = z.string().refine(isCalendarDate, 'a date YYYY-MM-DD');
const name = z.string().trim().min(1).max(200);

export const shiftSchema = z
  .object({
    name,
    start: clock,
    end: clock,
    days: z.array(z.enum(WEEKDAYS)).min(1, 'a shift works on at least one weekday'),
    graceMinutes: z.number().int().min(0).max(720).default(0),
    earlyExitMinutes: z.number().int().min(0).max(720).default(0),
    doubleEntryWindowHours: z.number().min(0).max(48).optional(),
    overtimeAfterMinutes: z.number().int().min(0).max(1440).optional(),
  })
  .strict()
  .refine((s) => s.start !== s.end, { message: 'a shift cannot start and end at the same time' });

export const scenarioSchema = z
  .object({
    timezone: z.string().refine(isValidTimeZone, 'an IANA time zone such as Europe/Berlin'),
    cameras: z.array(z.object({ name, direction: z.enum(['entry', 'exit', 'both', 'none']) }).strict()),
    shifts: z.array(shiftSchema),
    people: z.array(z.object({ name, shift: name.nullable() }).strict()),
    sightings: z.array(
      z
        .object({
          time: z.string().refine((t) => /[zZ]|[+-]\d{2}:\d{2}$/.test(t) && !Number.isNaN(Date.parse(t)), 'an ISO time with its offset or Z'),
          camera: name,
          person: name.nullable(),
        })
        .strict(),
    ),
    /** First and last day to report (default: the days of the first and last sighting). */
    from: calendarDate.optional(),
    to: calendarDate.optional(),
  })
  .strict();
export type Scenario = z.infer<typeof scenarioSchema>;

function duplicates(names: readonly string[]): string[] {
  const seen = new Set<string>(), repeated = new Set<string>();
  for (const n of names) (seen.has(n) ? repeated : seen).add(n);
  return [...repeated];
}

/** Validates a parsed scenario file and runs the rules: one record per person per day. */
export function replayScenario(raw: unknown): { timeZone: string; days: PersonDay[] } {
  const parsed = scenarioSchema.safeParse(raw);
  if (!parsed.success) throw new VigilError('BAD_REQUEST', `The scenario is not valid: ${z.prettifyError(parsed.error)}`);
  const scenario = parsed.data;
  for (const [what, list] of [
    ['camera', scenario.cameras.map((c) => c.name)],
    ['shift', scenario.shifts.map((s) => s.name)],
    ['person', scenario.people.map((p) => p.name)],
  ] as const) {
    const repeated = duplicates(list);
    if (repeated.length) throw new VigilError('BAD_REQUEST', `The scenario defines the ${what} "${repeated[0]}" twice`);
  }
  const shifts = new Map<string, ShiftRule>(scenario.shifts.map((s) => [s.name, s]));
  const cameras = new Map(scenario.cameras.map((c) => [c.name, c.direction]));
  const people = scenario.people.map((p) => {
    if (p.shift !== null && !shifts.has(p.shift)) throw new VigilError('BAD_REQUEST', `Person "${p.name}" has the shift "${p.shift}", which the scenario does not define`);
    return { name: p.name, shift: p.shift === null ? null : shifts.get(p.shift)! };
  });
  const known = new Set(people.map((p) => p.name));
  const passages: Passage[] = [];
  scenario.sightings.forEach((s, index) => {
    const direction = cameras.get(s.camera);
    if (direction === undefined) throw new VigilError('BAD_REQUEST', `Sighting ${index + 1} (${s.time}) is at the camera "${s.camera}", which the scenario does not define`);
    if (s.person !== null && !known.has(s.person)) throw new VigilError('BAD_REQUEST', `Sighting ${index + 1} (${s.time}) names "${s.person}", who is not among the scenario's people`);
    // Strangers (person null) and cameras that are neither entry nor exit count for nobody's attendance.
    if (s.person === null || direction === 'none') return;
    passages.push({ person: s.person, atMs: Date.parse(s.time), camera: s.camera, direction });
  });
  const times = scenario.sightings.map((s) => Date.parse(s.time));
  if (!scenario.from && !scenario.to && times.length === 0) return { timeZone: scenario.timezone, days: [] };
  // (reduce, not Math.min(...times): a long scenario must not overflow the argument list)
  const first = times.length ? localDate(times.reduce((a, b) => Math.min(a, b)), scenario.timezone) : null;
  const last = times.length ? localDate(times.reduce((a, b) => Math.max(a, b)), scenario.timezone) : null;
  const from = scenario.from ?? first ?? scenario.to!;
  const to = scenario.to ?? last ?? scenario.from!;
  if (from > to) throw new VigilError('BAD_REQUEST', `The scenario's "from" (${from}) is after its "to" (${to})`);
  return { timeZone: scenario.timezone, days: computeAttendance(people, passages, { from, to }, { timeZone: scenario.timezone }) };
}
