/**
 * `npm run cli -- attendance replay <scenario.json> [--json]`: the attendance
 * rules on a scenario file, without cameras or a database (scripts, payroll
 * checks, the evaluation of the rules).
 */
import { readFile } from 'node:fs/promises';
import { type CameraDirection, DEFAULT_OVERTIME_AFTER_MINUTES, type PersonDay, personDayLine } from '../engine/attendance/attendance-rules.js';
import { addDays, isCalendarDate, isoWithOffset, localDate, zonedToUtc } from '../engine/attendance/zoned-time.js';
import type { AttendanceRecord } from '../engine/attendance/attendance-service.js';
import type { Engine } from '../engine/engine.js';
import { replayScenario } from '../engine/attendance/scenario.js';
import { VigilError } from '../engine/errors.js';
import { printJsonLine } from './common.js';

/** Scenario files are small JSON documents; a larger one is refused before it is parsed. */
const MAX_SCENARIO_BYTES = 64 * 1024 * 1024;

export async function attendanceReplay(file: string | undefined, json: boolean): Promise<void> {
  if (!file) throw new VigilError('BAD_REQUEST', 'attendance replay needs a scenario file');
  let text: string;
  try {
    const bytes = await readFile(file);
    if (bytes.length > MAX_SCENARIO_BYTES) throw new VigilError('BAD_REQUEST', `${file} is larger than ${MAX_SCENARIO_BYTES / 1024 / 1024} MB`);
    text = bytes.toString('utf8');
  } catch (error) {
    if (error instanceof VigilError) throw error;
    throw new VigilError('NOT_FOUND', `The scenario ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new VigilError('BAD_REQUEST', `${file} is not valid JSON: ${(error as Error).message}`);
  }
  const { timeZone, days } = replayScenario(raw);
  printDays(days, timeZone, json);
}

function printDays(days: readonly PersonDay[], timeZone: string, json: boolean, extra: (day: PersonDay) => Record<string, unknown> = () => ({})): void {
  for (const day of days) {
    const line = { ...personDayLine(day, timeZone), ...extra(day) };
    if (json) printJsonLine(line);
    else {
      const minutes = [line.lateMinutes ? `late ${line.lateMinutes} min` : '', line.earlyExitMinutes ? `left ${line.earlyExitMinutes} min early` : '', line.workedMinutes !== null ? `worked ${line.workedMinutes} min` : '']
        .filter(Boolean)
        .join(', ');
      console.log(`${line.date}\t${line.person}\t${line.status.join(' ')}\tin ${line.checkIn ?? '-'}\tout ${line.checkOut ?? '-'}${minutes ? `\t${minutes}` : ''}`);
    }
  }
}

export interface AttendanceCliValues {
  csv?: boolean;
  reason?: string;
  date?: string;
  to?: string;
  from?: string;
  start?: string;
  end?: string;
  days?: string;
  grace?: string;
  'early-exit'?: string;
  'overtime-after'?: string;
}

/** Commands that only read (run beside a console, read-only). */
export function attendanceReadsOnly(sub: string | undefined): boolean {
  return sub === undefined || sub === 'shift-list';
}

function dateOption(name: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!isCalendarDate(value)) throw new VigilError('BAD_REQUEST', `--${name} must be a date YYYY-MM-DD, got "${value}"`);
  return value;
}

function minutesOption(name: string, value: string | undefined, max = 720): number {
  if (value === undefined) return 0;
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < 0 || n > max) throw new VigilError('BAD_REQUEST', `--${name} must be whole minutes from 0 to ${max}, got "${value}"`);
  return n;
}

/** `--overtime-after`: left out, the shift's current value (or the default for a new shift). */
const overtimeOption = (value: string | undefined) => (value === undefined ? undefined : minutesOption('overtime-after', value, 1440));

const DIRECTIONS: readonly CameraDirection[] = ['entry', 'exit', 'both', 'none'];

const iso = (ms: number | null, timeZone: string) => (ms === null ? null : isoWithOffset(ms, timeZone));


/**
 * `attendance --date D [--to D2]`: day records from the database;
 * `attendance shift add|list|remove|assign|department …`; `attendance camera <name|id> <direction>`.
 */
export function attendanceOnDatabase(engine: Engine, positionals: string[], values: AttendanceCliValues, operator: string, json: boolean): void {
  const [sub, ...args] = positionals;
  const attendance = engine.attendance;
  if (sub === undefined) {
    const from = dateOption('date', values.date) ?? localDate(Date.now(), attendance.timeZone);
    const to = dateOption('to', values.to) ?? from;
    if (from > to) throw new VigilError('BAD_REQUEST', `--date (${from}) is after --to (${to})`);
    const records = attendance.records(from, to);
    if (values.csv) {
      process.stdout.write(attendance.payrollCsv(records));
      return;
    }
    const byDay = new Map(records.map((r) => [`${r.personId}|${r.date}`, r]));
    printDays(records, attendance.timeZone, json, (day) => {
      const record = byDay.get(`${(day as AttendanceRecord).personId}|${day.date}`)!;
      return {
        personId: record.personId,
        corrected: record.original !== null,
        ...(record.original ? { correctionReason: record.correctionReason, computedCheckIn: iso(record.original.checkInMs, attendance.timeZone), computedCheckOut: iso(record.original.checkOutMs, attendance.timeZone) } : {}),
        locked: record.locked,
      };
    });
    return;
  }
  if (sub === 'correct') {
    const [who, date, field, value] = args;
    const usage = 'attendance correct <person> <YYYY-MM-DD> <check-in|check-out> <HH:MM|ISO time|none> --reason "why"';
    if (!who || !date || !field || !value || (field !== 'check-in' && field !== 'check-out')) throw new VigilError('BAD_REQUEST', usage);
    dateOption('date', date);
    if (!values.reason) throw new VigilError('BAD_REQUEST', `A correction needs --reason: ${usage}`);
    const person = engine.peopleService.resolve(who);
    let atMs: number | null;
    if (value.toLowerCase() === 'none') atMs = null;
    else if (/^([01]\d|2[0-3]):[0-5]\d$/.test(value)) atMs = zonedToUtc(date, value, attendance.timeZone);
    else if (/[zZ]|[+-]\d{2}:\d{2}$/.test(value) && !Number.isNaN(Date.parse(value))) atMs = Date.parse(value);
    else throw new VigilError('BAD_REQUEST', `The time must be HH:MM (on ${date}, site time), an ISO time with its offset, or "none"; got "${value}"`);
    const record = attendance.correct(person.id, date, field === 'check-in' ? 'check_in' : 'check_out', atMs, values.reason, operator);
    printDays([record], attendance.timeZone, json, () => ({ personId: record.personId, corrected: true, correctionReason: record.correctionReason }));
    return;
  }
  if (sub === 'lock') {
    const from = dateOption('from', values.from), to = dateOption('to', values.to);
    if (!from || !to) throw new VigilError('BAD_REQUEST', 'attendance lock --from YYYY-MM-DD --to YYYY-MM-DD');
    attendance.lock(from, to, operator);
    if (json) printJsonLine({ locked: { from, to } });
    else console.log(`Locked ${from} to ${to}: corrections are refused from now on`);
    return;
  }
  if (sub === 'camera') {
    const [who, direction] = args;
    if (!who || !direction || !DIRECTIONS.includes(direction as CameraDirection)) throw new VigilError('BAD_REQUEST', 'attendance camera <name|id> <entry|exit|both|none>');
    const camera = engine.cameraRepo.list().find((c) => String(c.id) === who || c.name.toLowerCase() === who.toLowerCase());
    if (!camera) throw new VigilError('NOT_FOUND', `No camera named "${who}"`);
    attendance.setCameraDirection(camera.id, direction as CameraDirection, operator);
    if (json) printJsonLine({ camera: camera.name, direction });
    else console.log(`Camera ${camera.name}: ${direction}`);
    return;
  }
  if (sub !== 'shift') throw new VigilError('BAD_REQUEST', `attendance: unknown sub-command "${sub}" (replay, shift, camera, correct, lock, or --date)`);
  const [action, name, target] = args;
  switch (action) {
    case 'list': {
      const shifts = attendance.listShifts();
      if (json) for (const shift of shifts) printJsonLine(shift);
      else for (const s of shifts) console.log(`${s.name}\t${s.start}-${s.end}\t${s.days.join(',')}\tgrace ${s.graceMinutes} min, early exit ${s.earlyExitMinutes} min, overtime after ${s.overtimeAfterMinutes ?? DEFAULT_OVERTIME_AFTER_MINUTES} min`);
      return;
    }
    case 'add': {
      if (!name) throw new VigilError('BAD_REQUEST', 'attendance shift add <name> --start HH:MM --end HH:MM --days mon,tue,… [--grace N] [--early-exit N] [--overtime-after N]');
      const shift = attendance.addShift(
        {
          name,
          start: values.start,
          end: values.end,
          days: (values.days ?? '').split(',').map((d) => d.trim().toLowerCase()).filter(Boolean),
          graceMinutes: minutesOption('grace', values.grace),
          earlyExitMinutes: minutesOption('early-exit', values['early-exit']),
          overtimeAfterMinutes: overtimeOption(values['overtime-after']),
        },
        operator,
      );
      if (json) printJsonLine(shift);
      else console.log(`Shift ${shift.name} added: ${shift.start}-${shift.end} on ${shift.days.join(', ')}`);
      return;
    }
    case 'update': {
      if (!name) throw new VigilError('BAD_REQUEST', 'attendance shift update <name> [--start HH:MM] [--end HH:MM] [--days mon,tue,…] [--grace N] [--early-exit N] [--overtime-after N]');
      // Options left out keep their current value.
      const current = attendance.shiftNamed(name);
      const shift = attendance.updateShift(
        current.id,
        {
          name: current.name,
          start: values.start ?? current.start,
          end: values.end ?? current.end,
          days: values.days === undefined ? current.days : values.days.split(',').map((d) => d.trim().toLowerCase()).filter(Boolean),
          graceMinutes: values.grace === undefined ? current.graceMinutes : minutesOption('grace', values.grace),
          earlyExitMinutes: values['early-exit'] === undefined ? current.earlyExitMinutes : minutesOption('early-exit', values['early-exit']),
          doubleEntryWindowHours: current.doubleEntryWindowHours,
          overtimeAfterMinutes: overtimeOption(values['overtime-after']) ?? current.overtimeAfterMinutes,
        },
        operator,
      );
      if (json) printJsonLine(shift);
      else console.log(`Shift ${shift.name} updated: ${shift.start}-${shift.end} on ${shift.days.join(', ')}`);
      return;
    }
    case 'remove': {
      if (!name) throw new VigilError('BAD_REQUEST', 'attendance shift remove <name>');
      const removal = attendance.removeShift(name, operator);
      if (json) printJsonLine({ removed: removal.name, unassignedPeople: removal.unassignedPeople, clearedDepartments: removal.clearedDepartments });
      else {
        const undone = [
          removal.unassignedPeople ? `${removal.unassignedPeople} ${removal.unassignedPeople === 1 ? 'person falls' : 'people fall'} back to their department's shift` : '',
          removal.clearedDepartments.length ? `no default shift any more for ${removal.clearedDepartments.join(', ')}` : '',
        ].filter(Boolean);
        console.log(`Shift ${removal.name} removed${undone.length ? `: ${undone.join('; ')}` : ''}`);
      }
      return;
    }
    case 'assign': {
      if (!name || !target) throw new VigilError('BAD_REQUEST', 'attendance shift assign <person name|code|id> <shift|none>');
      const person = engine.peopleService.resolve(name);
      attendance.assignShift(person.id, target.toLowerCase() === 'none' ? null : target, operator);
      if (!json) console.log(`${person.name}: shift ${target}`);
      return;
    }
    case 'department':
      if (!name || !target) throw new VigilError('BAD_REQUEST', 'attendance shift department <department> <shift|none>');
      attendance.setDepartmentShift(name, target.toLowerCase() === 'none' ? null : target, operator);
      if (!json) console.log(`Department ${name}: shift ${target}`);
      return;
    default:
      throw new VigilError('BAD_REQUEST', 'attendance shift add|update|list|remove|assign|department');
  }
}

/** `access-summary --from D --to D`: visits by status in the site's days [from, to]. */
export function accessSummaryCommand(engine: Engine, values: AttendanceCliValues, json: boolean): void {
  const zone = engine.attendance.timeZone;
  const from = dateOption('from', values.from);
  const to = dateOption('to', values.to);
  if (!from || !to) throw new VigilError('BAD_REQUEST', 'access-summary needs --from YYYY-MM-DD and --to YYYY-MM-DD');
  if (from > to) throw new VigilError('BAD_REQUEST', `--from (${from}) is after --to (${to})`);
  const summary = engine.attendance.accessSummary(new Date(zonedToUtc(from, '00:00', zone)).toISOString(), new Date(zonedToUtc(addDays(to, 1), '00:00', zone)).toISOString());
  if (json) printJsonLine({ ...summary, from, to, timeZone: zone });
  else console.log(`${from} to ${to} (${zone}): ${summary.total} visits; members ${summary.members}, unknown ${summary.unknown}, blocked ${summary.blocked}, unauthorised at restricted cameras ${summary.unauthorised}`);
}

/** `occupancy --date D`: per hour in, out and present (reset nightly). */
export function occupancyCommand(engine: Engine, values: AttendanceCliValues, json: boolean): void {
  const zone = engine.attendance.timeZone;
  const date = dateOption('date', values.date) ?? localDate(Date.now(), zone);
  const hours = engine.attendance.occupancy(date, engine.options.occupancyResetHour);
  if (json) printJsonLine({ date, timeZone: zone, resetHour: engine.options.occupancyResetHour ?? 3, hours });
  else for (const h of hours) console.log(`${date} ${h.hour}\tin ${h.in}\tout ${h.out}\tpresent ${h.present}`);
}
