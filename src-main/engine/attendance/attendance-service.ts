/**
 * Attendance on the live database: camera directions, shifts (per person or
 * per department), day records computed by the pure rules from the visits
 * (sightings, one per walk-by) with the camera direction each visit was
 * written with, and an access summary. Every change is audited in its own
 * transaction.
 */
import type { AttendanceRecord as ContractAttendanceRecord, Shift as ContractShift } from '../../../src-preload/contract.js';
import type { Db } from '../storage/database.js';
import { nowIso } from '../storage/database.js';
import { AuditRepository } from '../storage/audit-log.js';
import { VigilError } from '../errors.js';
import {
  type CameraDirection,
  computeAttendance,
  dayOffRecord,
  DEFAULT_DOUBLE_ENTRY_WINDOW_HOURS,
  DEFAULT_OVERTIME_AFTER_MINUTES,
  judgeShiftDay,
  type Passage,
  type PersonDay,
  type ShiftRule,
  shiftOccurrences,
} from './attendance-rules.js';
import { csvDocument } from '../util/csv.js';
import { xlsxWorkbook } from '../util/xlsx.js';
import { DEFAULT_RESET_HOUR, insideNow, lastReset, type OccupancyHour, occupancyByHour, type OccupancyMonth, rollUpMonths } from './occupancy.js';

const HOUR_MS = 3_600_000;
/** An hour's snapshot waits this long after the hour ends: a visit is stored when its walk-by ends. */
export const OCCUPANCY_SETTLE_MS = 10 * 60_000;
/** Hours that ended less than this ago are written again (visits stored late); older ones are final. */
export const OCCUPANCY_REVISE_MS = 6 * HOUR_MS;
/** With no snapshot yet (first start, or after an upgrade), how far back the first one reaches. */
export const OCCUPANCY_CATCH_UP_DAYS = 92;

type KeptHourRow = { hour_start: string; hour: string; entered: number; exited: number; present: number };
import { isoWithOffset } from './zoned-time.js';
import { addDays, isValidTimeZone, localDate, type Weekday, zonedToUtc } from './zoned-time.js';
import { shiftSchema } from './scenario.js';
import { heldBackMessage, isValidVisitRetention, judgeExpiredVisit, MAX_VISIT_RETENTION_DAYS, MIN_VISIT_RETENTION_DAYS, parseStoredVisitRetention, type VisitRetentionDays } from './visit-retention.js';

/** What one visit retention purge did. */
export interface VisitPurgeResult {
  /** The retention in force (null: visits are kept for ever, nothing was looked at). */
  retentionDays: VisitRetentionDays;
  deleted: number;
  /** Past retention but still needed by attendance: wait for a frozen lock of their days. */
  heldForLock: number;
  /** Past retention, at an entry/exit camera, in an hour occupancy has not kept yet. */
  heldForOccupancy: number;
  /** For the console and the CLI (null: nothing held back). */
  message: string | null;
}

export interface StoredShift extends ShiftRule {
  id: number;
}

/** A shift by its name (the CLI) or its id (the console). */
export type ShiftRef = string | number;

export interface CameraDirectionRow {
  id: number;
  name: string;
  direction: CameraDirection;
}

/** A person attendance is computed for: their own shift and their department's default. */
export interface ShiftAssignment {
  personId: number;
  name: string;
  employeeCode: string | null;
  department: string | null;
  shiftId: number | null;
  shift: string | null;
  departmentShiftId: number | null;
  departmentShift: string | null;
}

export interface DepartmentShift {
  department: string;
  shiftId: number | null;
  shift: string | null;
  /** Active people in the department. */
  people: number;
}

/** What removing a shift undid. */
export interface ShiftRemoval {
  name: string;
  /** People who had it as their own shift (they fall back to their department's). */
  unassignedPeople: number;
  /** Departments that had it as their default (they have none now). */
  clearedDepartments: string[];
}

type AssignmentRow = {
  id: number;
  name: string;
  employee_code: string | null;
  department: string | null;
  shift_id: number | null;
  shift: string | null;
  department_shift_id: number | null;
  department_shift: string | null;
};

const ASSIGNMENT_SELECT = `SELECT p.id, p.name, p.employee_code, p.department, p.shift_id, own.name AS shift, d.shift_id AS department_shift_id, dep.name AS department_shift
  FROM persons p
  LEFT JOIN shifts own ON own.id = p.shift_id
  LEFT JOIN department_shifts d ON d.department = p.department
  LEFT JOIN shifts dep ON dep.id = d.shift_id`;

const toAssignment = (r: AssignmentRow): ShiftAssignment => ({
  personId: r.id,
  name: r.name,
  employeeCode: r.employee_code,
  department: r.department,
  shiftId: r.shift_id,
  shift: r.shift,
  departmentShiftId: r.department_shift_id,
  departmentShift: r.department_shift,
});

/** The scenario's shift rules (one validation for the CLI, scenarios and the console). */
function validShift(input: unknown) {
  const parsed = shiftSchema.safeParse(input);
  if (!parsed.success) throw new VigilError('BAD_REQUEST', `The shift is not valid: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'shift'}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

type ShiftRow = {
  id: number;
  name: string;
  start_time: string;
  end_time: string;
  days: string;
  grace_minutes: number;
  early_exit_minutes: number;
  double_entry_hours: number;
  overtime_after_minutes: number;
};

const toShift = (r: ShiftRow): StoredShift => ({
  id: r.id,
  name: r.name,
  start: r.start_time,
  end: r.end_time,
  days: JSON.parse(r.days) as Weekday[],
  graceMinutes: r.grace_minutes,
  earlyExitMinutes: r.early_exit_minutes,
  doubleEntryWindowHours: r.double_entry_hours,
  overtimeAfterMinutes: r.overtime_after_minutes,
});

/** A day record as HR sees it: with the person, and what a correction changed. */
export type AttendanceRecord = PersonDay & {
  personId: number;
  personName: string;
  employeeCode: string | null;
  department: string | null;
  /** The computed times when HR corrected them (null fields: not corrected). */
  original: { checkInMs: number | null; checkOutMs: number | null } | null;
  correctionReason: string | null;
  locked: boolean;
};

export type CorrectedField = 'check_in' | 'check_out';

/** A correction as HR made it. */
export interface AttendanceCorrectionRow {
  date: string;
  field: CorrectedField;
  /** The corrected time; null: there was none. */
  atMs: number | null;
  reason: string;
  operator: string;
  madeAt: string;
}

/** Payroll CSV: one row per person-day (documented in the README). */
export const PAYROLL_CSV_COLUMNS = [
  'person_id',
  'employee_code',
  'person',
  'department',
  'date',
  'shift',
  'status',
  'check_in',
  'check_out',
  'late_minutes',
  'early_exit_minutes',
  'overtime_minutes',
  'worked_minutes',
  'corrected',
  'correction_reason',
  'computed_check_in',
  'computed_check_out',
  'locked',
] as const;

export interface AccessLogQuery {
  fromMs: number;
  toMs: number;
  personId?: number;
  cameraId?: number;
  direction?: CameraDirection;
  status?: 'member' | 'unknown' | 'blocked';
  limit: number;
}

export interface AccessLogEntry {
  id: number;
  atMs: number;
  cameraId: number | null;
  camera: string;
  /** The direction the camera had when the visit was written ('none' for visits from before directions). */
  direction: CameraDirection;
  personId: number | null;
  person: string | null;
  status: 'member' | 'unknown' | 'blocked';
}

export interface AccessSummary {
  from: string;
  to: string;
  total: number;
  members: number;
  unknown: number;
  blocked: number;
  /** Visits at restricted cameras by anyone but an employee. */
  unauthorised: number;
  rates: { members: number; unknown: number; blocked: number; unauthorised: number };
}

/** The site's time zone: config.json's `timeZone`, else the machine's. */
export function siteTimeZone(configured: string | undefined): string {
  if (configured) {
    if (!isValidTimeZone(configured)) throw new VigilError('BAD_REQUEST', `The site's time zone "${configured}" is not a known IANA time zone`);
    return configured;
  }
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

const byDateThenName = (a: AttendanceRecord, b: AttendanceRecord) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.personName.localeCompare(b.personName));

export class AttendanceService {
  private readonly auditLog: AuditRepository;
  constructor(
    private readonly db: Db,
    readonly timeZone: string,
  ) {
    this.auditLog = new AuditRepository(db);
  }

  /** Sets where a camera counts for attendance; returns the camera as it is now. Unchanged: no audit entry. */
  setCameraDirection(cameraId: number, direction: CameraDirection, operator: string): CameraDirectionRow {
    return this.db.transaction(() => {
      const camera = this.db.prepare('SELECT name, direction FROM cameras WHERE id = ?').get(cameraId) as { name: string; direction: CameraDirection } | undefined;
      if (!camera) throw new VigilError('NOT_FOUND', `No camera with id ${cameraId}`);
      if (camera.direction !== direction) {
        this.db.prepare('UPDATE cameras SET direction = ? WHERE id = ?').run(direction, cameraId);
        this.auditLog.append({ operator, action: 'camera.direction-set', subjectKind: 'camera', subjectId: cameraId, subjectLabel: camera.name, details: { from: camera.direction, to: direction } });
      }
      return { id: cameraId, name: camera.name, direction };
    })();
  }

  /** Every camera with its attendance direction (new visits are written with it). */
  cameraDirections(): CameraDirectionRow[] {
    return this.db.prepare('SELECT id, name, direction FROM cameras ORDER BY name COLLATE NOCASE, id').all() as CameraDirectionRow[];
  }

  listShifts(): StoredShift[] {
    return (this.db.prepare('SELECT * FROM shifts ORDER BY name COLLATE NOCASE').all() as ShiftRow[]).map(toShift);
  }

  shiftNamed(name: string): StoredShift {
    const row = this.db.prepare('SELECT * FROM shifts WHERE name = ? COLLATE NOCASE').get(name.trim()) as ShiftRow | undefined;
    if (!row) throw new VigilError('NOT_FOUND', `No shift named "${name}"`);
    return toShift(row);
  }

  /** A shift by its name (the CLI) or its id (the console). */
  shift(ref: ShiftRef): StoredShift {
    if (typeof ref === 'string') return this.shiftNamed(ref);
    const row = this.db.prepare('SELECT * FROM shifts WHERE id = ?').get(ref) as ShiftRow | undefined;
    if (!row) throw new VigilError('NOT_FOUND', `No shift with id ${ref}`);
    return toShift(row);
  }

  /** Adds a shift (the same validation as a scenario's shifts). */
  addShift(input: unknown, operator: string): StoredShift {
    const shift = validShift(input);
    return this.db.transaction(() => {
      this.refuseTakenName(shift.name, null);
      const id = Number(
        this.db
          .prepare(
            'INSERT INTO shifts (name, start_time, end_time, days, grace_minutes, early_exit_minutes, double_entry_hours, overtime_after_minutes, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
          )
          .run(
            shift.name,
            shift.start,
            shift.end,
            JSON.stringify(shift.days),
            shift.graceMinutes,
            shift.earlyExitMinutes,
            shift.doubleEntryWindowHours ?? DEFAULT_DOUBLE_ENTRY_WINDOW_HOURS,
            shift.overtimeAfterMinutes ?? DEFAULT_OVERTIME_AFTER_MINUTES,
            nowIso(),
          ).lastInsertRowid,
      );
      this.auditLog.append({ operator, action: 'shift.added', subjectKind: 'shift', subjectId: id, subjectLabel: shift.name, details: { ...shift } });
      return this.shift(id);
    })();
  }

  /**
   * Changes a shift (name, hours, days, tolerances) with the same validation as adding one. Everyone on it,
   * by their own assignment or their department's, is judged by the new rule from then on (past days too:
   * records are computed, except HR's corrections and locked periods' exports).
   */
  updateShift(ref: ShiftRef, input: unknown, operator: string): StoredShift {
    const shift = validShift(input);
    return this.db.transaction(() => {
      const before = this.shift(ref);
      this.refuseTakenName(shift.name, before.id);
      this.db
        .prepare('UPDATE shifts SET name = ?, start_time = ?, end_time = ?, days = ?, grace_minutes = ?, early_exit_minutes = ?, double_entry_hours = ?, overtime_after_minutes = ? WHERE id = ?')
        .run(
          shift.name,
          shift.start,
          shift.end,
          JSON.stringify(shift.days),
          shift.graceMinutes,
          shift.earlyExitMinutes,
          // Left out: unchanged.
          shift.doubleEntryWindowHours ?? before.doubleEntryWindowHours ?? DEFAULT_DOUBLE_ENTRY_WINDOW_HOURS,
          shift.overtimeAfterMinutes ?? before.overtimeAfterMinutes ?? DEFAULT_OVERTIME_AFTER_MINUTES,
          before.id,
        );
      const after = this.shift(before.id);
      const { id: _id, ...from } = before;
      const { id: _same, ...to } = after;
      this.auditLog.append({ operator, action: 'shift.updated', subjectKind: 'shift', subjectId: before.id, subjectLabel: after.name, details: { from, to } });
      return after;
    })();
  }

  private refuseTakenName(name: string, exceptId: number | null): void {
    const taken = this.db.prepare('SELECT id FROM shifts WHERE name = ? COLLATE NOCASE').get(name) as { id: number } | undefined;
    if (taken && taken.id !== exceptId) throw new VigilError('CONFLICT', `A shift named "${name}" exists already`);
  }

  /**
   * Removes a shift. People assigned to it fall back to their department's default shift (or none), and
   * departments that had it as their default lose it (the schema's ON DELETE rules); what it undid is
   * returned and on the audit entry.
   */
  removeShift(ref: ShiftRef, operator: string): ShiftRemoval {
    return this.db.transaction(() => {
      const shift = this.shift(ref);
      const people = this.db.prepare('SELECT id, name FROM persons WHERE shift_id = ? ORDER BY name COLLATE NOCASE').all(shift.id) as Array<{ id: number; name: string }>;
      const departments = (this.db.prepare('SELECT department FROM department_shifts WHERE shift_id = ? ORDER BY department').all(shift.id) as Array<{ department: string }>).map((d) => d.department);
      this.db.prepare('DELETE FROM shifts WHERE id = ?').run(shift.id);
      this.auditLog.append({
        operator,
        action: 'shift.removed',
        subjectKind: 'shift',
        subjectId: shift.id,
        subjectLabel: shift.name,
        details: { unassignedPeople: people.map((p) => p.id), clearedDepartments: departments },
      });
      return { name: shift.name, unassignedPeople: people.length, clearedDepartments: departments };
    })();
  }

  /** A person's own shift (null: the department's default, if any). */
  assignShift(personId: number, shiftRef: ShiftRef | null, operator: string): ShiftAssignment {
    return this.db.transaction(() => {
      const shift = shiftRef === null ? null : this.shift(shiftRef);
      const person = this.db.prepare('SELECT name FROM persons WHERE id = ?').get(personId) as { name: string } | undefined;
      if (!person) throw new VigilError('NOT_FOUND', `No person with id ${personId}`);
      this.db.prepare('UPDATE persons SET shift_id = ? WHERE id = ?').run(shift?.id ?? null, personId);
      this.auditLog.append({ operator, action: 'person.shift-set', subjectKind: 'person', subjectId: personId, subjectLabel: person.name, details: { shift: shift?.name ?? null } });
      return this.assignmentOf(personId);
    })();
  }

  setDepartmentShift(department: string, shiftRef: ShiftRef | null, operator: string): DepartmentShift {
    const name = department.trim();
    if (!name) throw new VigilError('BAD_REQUEST', 'A department name is required');
    return this.db.transaction(() => {
      const shift = shiftRef === null ? null : this.shift(shiftRef);
      if (shift) this.db.prepare('INSERT INTO department_shifts (department, shift_id) VALUES (?, ?) ON CONFLICT (department) DO UPDATE SET shift_id = excluded.shift_id').run(name, shift.id);
      else this.db.prepare('DELETE FROM department_shifts WHERE department = ?').run(name);
      this.auditLog.append({ operator, action: 'department.shift-set', subjectKind: 'department', subjectId: null, subjectLabel: name, details: { shift: shift?.name ?? null } });
      return this.departmentShifts().find((d) => d.department.toLowerCase() === name.toLowerCase()) ?? { department: name, shiftId: shift?.id ?? null, shift: shift?.name ?? null, people: 0 };
    })();
  }

  /**
   * Who attendance is computed for (active employees and contractors), with their own shift and their
   * department's default: the one that counts is their own, else the department's.
   */
  shiftAssignments(): ShiftAssignment[] {
    return (this.db.prepare(`${ASSIGNMENT_SELECT} WHERE p.status = 'active' AND p.category IN ('employee', 'contractor') ORDER BY p.name COLLATE NOCASE, p.id`).all() as AssignmentRow[]).map(toAssignment);
  }

  private assignmentOf(personId: number): ShiftAssignment {
    return toAssignment(this.db.prepare(`${ASSIGNMENT_SELECT} WHERE p.id = ?`).get(personId) as AssignmentRow);
  }

  /** Departments of active people, and departments with a default shift, with the number of active people in each. */
  departmentShifts(): DepartmentShift[] {
    const rows = this.db
      .prepare(
        `SELECT d.department, d.shift_id, s.name AS shift, (SELECT COUNT(*) FROM persons p WHERE p.department = d.department COLLATE NOCASE AND p.status = 'active') AS people
           FROM department_shifts d JOIN shifts s ON s.id = d.shift_id
         UNION ALL
         SELECT p.department, NULL, NULL, COUNT(*) FROM persons p
          WHERE p.status = 'active' AND p.department IS NOT NULL AND trim(p.department) <> ''
            AND NOT EXISTS (SELECT 1 FROM department_shifts d WHERE d.department = p.department COLLATE NOCASE)
          GROUP BY p.department COLLATE NOCASE`,
      )
      .all() as Array<{ department: string; shift_id: number | null; shift: string | null; people: number }>;
    return rows.map((r) => ({ department: r.department, shiftId: r.shift_id, shift: r.shift, people: r.people })).sort((a, b) => a.department.localeCompare(b.department));
  }

  /**
   * Day records from `from` to `to` (site dates, inclusive) for active
   * employees and contractors: their own shift, else their department's.
   */
  records(from: string, to: string, nowMs = Date.now(), only?: { personId: number }): AttendanceRecord[] {
    if (from > to) throw new VigilError('BAD_REQUEST', `The first day (${from}) is after the last (${to})`);
    // Days of a frozen lock are what was locked (and exported), whatever changed since.
    const frozen = this.frozenDays(from, to, only?.personId);
    let dayCount = 0;
    for (let day = from; day <= to; day = addDays(day, 1)) dayCount++;
    if (frozen.days.size === dayCount) return frozen.records.sort(byDateThenName); // all locked: nothing to compute
    const shifts = new Map(this.listShifts().map((s) => [s.id, s]));
    const people = this.db
      .prepare(
        `SELECT p.id, p.name, p.employee_code, p.department, COALESCE(p.shift_id, d.shift_id) AS shift_id FROM persons p
         LEFT JOIN department_shifts d ON d.department = p.department
         WHERE p.status = 'active' AND p.category IN ('employee', 'contractor') AND (? IS NULL OR p.id = ?)`,
      )
      .all(only?.personId ?? null, only?.personId ?? null) as Array<{ id: number; name: string; employee_code: string | null; department: string | null; shift_id: number | null }>;
    // Two days either side in UTC: every passage a shift span of these days can hold.
    const since = new Date(zonedToUtc(addDays(from, -2), '00:00', this.timeZone)).toISOString();
    const until = new Date(zonedToUtc(addDays(to, 3), '00:00', this.timeZone)).toISOString();
    const rows = this.db
      .prepare(
        `SELECT person_id, first_seen, camera_name, camera_direction FROM sightings
         WHERE status = 'member' AND person_id IS NOT NULL AND camera_direction IN ('entry', 'exit', 'both')
           AND first_seen >= ? AND first_seen < ?`,
      )
      .all(since, until) as Array<{ person_id: number; first_seen: string; camera_name: string; camera_direction: Passage['direction'] }>;
    const passages: Passage[] = rows.map((r) => ({ person: String(r.person_id), atMs: Date.parse(r.first_seen), camera: r.camera_name, direction: r.camera_direction }));
    const days = computeAttendance(
      people.map((p) => ({ name: String(p.id), shift: p.shift_id === null ? null : (shifts.get(p.shift_id) ?? null) })),
      passages,
      { from, to, nowMs },
      { timeZone: this.timeZone },
    );
    const byId = new Map(people.map((p) => [p.id, p]));
    const corrections = this.latestCorrections(from, to).filter((c) => !only || c.personId === only.personId);
    // The locks that touch the period, read once (not a query per record).
    const locks = this.db.prepare('SELECT first_day, last_day FROM attendance_locks WHERE first_day <= ? AND last_day >= ?').all(to, from) as Array<{ first_day: string; last_day: string }>;
    const locked = (day: string) => locks.some((l) => l.first_day <= day && l.last_day >= day);
    const records = new Map<string, AttendanceRecord>();
    const key = (personId: number, date: string) => `${personId}|${date}`;
    for (const d of days) {
      const person = byId.get(Number(d.person))!;
      records.set(key(person.id, d.date), {
        ...d,
        person: person.name,
        personId: person.id,
        personName: person.name,
        employeeCode: person.employee_code,
        department: person.department,
        original: null,
        correctionReason: null,
        locked: locked(d.date),
      });
    }
    // HR's corrections: the day is judged again on the corrected times; the computed ones stay beside them.
    for (const c of corrections) {
      const person = byId.get(c.personId);
      if (!person) continue;
      const current = records.get(key(c.personId, c.day));
      const checkIn = c.checkIn !== undefined ? (c.checkIn === null ? null : { atMs: c.checkIn, camera: 'correction' }) : current?.checkInMs != null ? { atMs: current.checkInMs, camera: current.checkInCamera ?? '' } : null;
      const checkOut = c.checkOut !== undefined ? (c.checkOut === null ? null : { atMs: c.checkOut, camera: 'correction' }) : current?.checkOutMs != null ? { atMs: current.checkOutMs, camera: current.checkOutCamera ?? '' } : null;
      const shift = person.shift_id === null ? null : (shifts.get(person.shift_id) ?? null);
      const occurrence = shift ? shiftOccurrences(shift, c.day, c.day, { timeZone: this.timeZone })[0] : undefined;
      const judged = shift && occurrence ? judgeShiftDay(person.name, shift, occurrence, checkIn, checkOut, nowMs) : dayOffRecord(person.name, c.day, checkIn, checkOut);
      if (!judged) continue;
      records.set(key(c.personId, c.day), {
        ...judged,
        personId: person.id,
        personName: person.name,
        employeeCode: person.employee_code,
        department: person.department,
        original: { checkInMs: current?.checkInMs ?? null, checkOutMs: current?.checkOutMs ?? null },
        correctionReason: c.reasons.join('; '),
        locked: locked(c.day),
      });
    }
    return [...records.values()].filter((r) => !frozen.days.has(r.date)).concat(frozen.records).sort(byDateThenName);
  }

  /**
   * The days between `from` and `to` covered by a frozen lock, and the records kept for them (the
   * earliest lock of a day wins: a later, overlapping lock copied the same records).
   */
  private frozenDays(from: string, to: string, personId?: number): { days: Set<string>; records: AttendanceRecord[] } {
    const locks = this.db.prepare('SELECT id, first_day, last_day FROM attendance_locks WHERE frozen = 1 AND first_day <= ? AND last_day >= ? ORDER BY id').all(to, from) as Array<{
      id: number;
      first_day: string;
      last_day: string;
    }>;
    const lockOfDay = new Map<string, number>();
    for (const lock of locks) {
      for (let day = lock.first_day < from ? from : lock.first_day; day <= lock.last_day && day <= to; day = addDays(day, 1)) if (!lockOfDay.has(day)) lockOfDay.set(day, lock.id);
    }
    if (lockOfDay.size === 0) return { days: new Set(), records: [] };
    const rows = this.db
      .prepare('SELECT lock_id, day, record_json FROM attendance_locked_days WHERE day >= ? AND day <= ? AND (? IS NULL OR person_id = ?)')
      .all(from, to, personId ?? null, personId ?? null) as Array<{ lock_id: number; day: string; record_json: string }>;
    const records = rows.filter((r) => lockOfDay.get(r.day) === r.lock_id).map((r) => ({ ...(JSON.parse(r.record_json) as AttendanceRecord), locked: true }));
    return { days: new Set(lockOfDay.keys()), records };
  }

  /** The latest correction of each field, per person and day (undefined: that field was not corrected). */
  private latestCorrections(from: string, to: string): Array<{ personId: number; day: string; checkIn?: number | null; checkOut?: number | null; reasons: string[] }> {
    const rows = this.db
      .prepare('SELECT person_id, day, field, corrected_at, reason FROM attendance_corrections WHERE day >= ? AND day <= ? ORDER BY id')
      .all(from, to) as Array<{ person_id: number; day: string; field: CorrectedField; corrected_at: string | null; reason: string }>;
    const byDay = new Map<string, { personId: number; day: string; checkIn?: number | null; checkOut?: number | null; reasons: string[] }>();
    for (const r of rows) {
      const k = `${r.person_id}|${r.day}`;
      const entry = byDay.get(k) ?? { personId: r.person_id, day: r.day, reasons: [] };
      const value = r.corrected_at === null ? null : Date.parse(r.corrected_at);
      if (r.field === 'check_in') entry.checkIn = value;
      else entry.checkOut = value;
      entry.reasons.push(r.reason);
      byDay.set(k, entry);
    }
    return [...byDay.values()];
  }

  /**
   * What saving a changed shift would judge again. Day records are computed from the shift as it is, so
   * every past shift day of its people changes, except locked days (kept as locked); corrected days keep
   * HR's times but are judged against the new hours. A person's days count from their first recorded
   * passage (before it they were not yet tracked).
   */
  shiftEditImpact(ref: ShiftRef, nowMs = Date.now()): { people: number; days: number; correctedDays: number; lockedDays: number; since: string | null } {
    const shift = this.shift(ref);
    const people = this.db
      .prepare(
        `SELECT p.id, (SELECT MIN(s.first_seen) FROM sightings s WHERE s.person_id = p.id AND s.status = 'member' AND s.camera_direction IN ('entry', 'exit', 'both')) AS first_seen
           FROM persons p LEFT JOIN department_shifts d ON d.department = p.department
          WHERE p.status = 'active' AND p.category IN ('employee', 'contractor') AND COALESCE(p.shift_id, d.shift_id) = ?`,
      )
      .all(shift.id) as Array<{ id: number; first_seen: string | null }>;
    const firsts = people.filter((p) => p.first_seen !== null).map((p) => ({ id: p.id, since: localDate(Date.parse(p.first_seen!), this.timeZone) }));
    const today = localDate(nowMs, this.timeZone);
    const since = firsts.reduce<string | null>((min, p) => (min === null || p.since < min ? p.since : min), null);
    if (since === null || since > today) return { people: people.length, days: 0, correctedDays: 0, lockedDays: 0, since: null };
    // The shift's days (one computation for everyone on it) that have begun.
    const occurrences = shiftOccurrences(shift, since, today, { timeZone: this.timeZone }).filter((o) => o.startMs <= nowMs);
    const locked = this.frozenDays(since, today).days;
    const corrected = new Set(
      (this.db.prepare('SELECT DISTINCT person_id, day FROM attendance_corrections WHERE day >= ? AND day <= ?').all(since, today) as Array<{ person_id: number; day: string }>).map(
        (c) => `${c.person_id}|${c.day}`,
      ),
    );
    let days = 0, correctedDays = 0, lockedDays = 0;
    for (const person of firsts) {
      for (const o of occurrences) {
        if (o.date < person.since) continue;
        if (locked.has(o.date)) lockedDays++;
        else if (corrected.has(`${person.id}|${o.date}`)) correctedDays++;
        else days++;
      }
    }
    return { people: people.length, days, correctedDays, lockedDays, since };
  }

  /** One person's month (YYYY-MM): their day records and HR's corrections with reasons, in the order made. */
  personMonth(personId: number, month: string, nowMs = Date.now()): { person: { id: number; name: string; employeeCode: string | null; department: string | null }; records: AttendanceRecord[]; corrections: AttendanceCorrectionRow[] } {
    const person = this.db.prepare('SELECT id, name, employee_code, department FROM persons WHERE id = ?').get(personId) as
      | { id: number; name: string; employee_code: string | null; department: string | null }
      | undefined;
    if (!person) throw new VigilError('NOT_FOUND', `No person with id ${personId}`);
    if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) throw new VigilError('BAD_REQUEST', `"${month}" is not a month YYYY-MM`);
    const first = `${month}-01`;
    let last = first;
    while (addDays(last, 1).startsWith(month)) last = addDays(last, 1);
    const corrections = this.db
      .prepare('SELECT day, field, corrected_at, reason, operator, created_at FROM attendance_corrections WHERE person_id = ? AND day >= ? AND day <= ? ORDER BY id')
      .all(personId, first, last) as Array<{ day: string; field: CorrectedField; corrected_at: string | null; reason: string; operator: string; created_at: string }>;
    return {
      person: { id: person.id, name: person.name, employeeCode: person.employee_code, department: person.department },
      records: this.records(first, last, nowMs, { personId }),
      corrections: corrections.map((c) => ({ date: c.day, field: c.field, atMs: c.corrected_at === null ? null : Date.parse(c.corrected_at), reason: c.reason, operator: c.operator, madeAt: c.created_at })),
    };
  }

  isLocked(day: string): boolean {
    return this.db.prepare('SELECT 1 FROM attendance_locks WHERE first_day <= ? AND last_day >= ?').get(day, day) !== undefined;
  }

  /**
   * HR corrects a check-in or check-out (`at` null: there was none) with a reason. Refused on a
   * locked period. The computed value stays visible beside the correction; both are audited.
   */
  correct(personId: number, day: string, field: CorrectedField, atMs: number | null, reason: string, operator: string): AttendanceRecord {
    if (reason.trim().length < 3) throw new VigilError('BAD_REQUEST', 'A correction needs a reason (at least 3 characters)');
    if (this.isLocked(day)) throw new VigilError('CONFLICT', `${day} is in a locked period (exported to payroll): it cannot be corrected`);
    const before = this.records(day, day).find((r) => r.personId === personId);
    this.db.transaction(() => {
      const person = this.db.prepare('SELECT name FROM persons WHERE id = ?').get(personId) as { name: string } | undefined;
      if (!person) throw new VigilError('NOT_FOUND', `No person with id ${personId}`);
      this.db
        .prepare('INSERT INTO attendance_corrections (person_id, day, field, corrected_at, reason, operator, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(personId, day, field, atMs === null ? null : new Date(atMs).toISOString(), reason.trim(), operator, nowIso());
      const computed = field === 'check_in' ? before?.checkInMs : before?.checkOutMs;
      this.auditLog.append({
        operator,
        action: 'attendance.corrected',
        subjectKind: 'person',
        subjectId: personId,
        subjectLabel: person.name,
        details: { day, field, from: computed == null ? null : new Date(computed).toISOString(), to: atMs === null ? null : new Date(atMs).toISOString(), reason: reason.trim() },
      });
    })();
    return this.records(day, day).find((r) => r.personId === personId)!;
  }

  /**
   * Locks a period after export: read-only from then on. The day records are kept as they are now, so
   * later shift edits, re-tagged cameras or late visits never change what payroll was given.
   */
  lock(firstDay: string, lastDay: string, operator: string, nowMs = Date.now()): void {
    if (firstDay > lastDay) throw new VigilError('BAD_REQUEST', `The first day (${firstDay}) is after the last (${lastDay})`);
    this.db.transaction(() => {
      const records = this.records(firstDay, lastDay, nowMs);
      const lockId = Number(this.db.prepare('INSERT INTO attendance_locks (first_day, last_day, locked_by, locked_at, frozen) VALUES (?, ?, ?, ?, 1)').run(firstDay, lastDay, operator, nowIso()).lastInsertRowid);
      const keep = this.db.prepare('INSERT INTO attendance_locked_days (lock_id, person_id, day, record_json) VALUES (?, ?, ?, ?)');
      for (const r of records) keep.run(lockId, r.personId, r.date, JSON.stringify({ ...r, locked: true }));
      this.auditLog.append({ operator, action: 'attendance.locked', subjectKind: 'period', subjectId: null, subjectLabel: `${firstDay}..${lastDay}`, details: { records: records.length } });
    })();
  }

  /** Shifts as the console shows them: with who uses them (own assignments, department defaults). */
  shiftsForClient(only?: number): ContractShift[] {
    const people = new Map((this.db.prepare('SELECT shift_id, COUNT(*) AS n FROM persons WHERE shift_id IS NOT NULL GROUP BY shift_id').all() as Array<{ shift_id: number; n: number }>).map((r) => [r.shift_id, r.n]));
    const departments = this.db.prepare('SELECT shift_id, department FROM department_shifts ORDER BY department').all() as Array<{ shift_id: number; department: string }>;
    const shifts = only === undefined ? this.listShifts() : [this.shift(only)];
    return shifts.map((s) => ({
      id: s.id,
      name: s.name,
      start: s.start,
      end: s.end,
      days: [...s.days],
      graceMinutes: s.graceMinutes,
      earlyExitMinutes: s.earlyExitMinutes,
      doubleEntryWindowHours: s.doubleEntryWindowHours ?? DEFAULT_DOUBLE_ENTRY_WINDOW_HOURS,
      overtimeAfterMinutes: s.overtimeAfterMinutes ?? DEFAULT_OVERTIME_AFTER_MINUTES,
      // The rules' own reading: an end at or before the start is the next day.
      overnight: s.end <= s.start,
      people: people.get(s.id) ?? 0,
      departments: departments.filter((d) => d.shift_id === s.id).map((d) => d.department),
    }));
  }

  /** A record as the contract carries it (times ISO with the site's offset). */
  recordForClient(r: AttendanceRecord): ContractAttendanceRecord {
    const iso = (ms: number | null | undefined) => (ms == null ? null : isoWithOffset(ms, this.timeZone));
    return {
      personId: r.personId,
      person: r.personName,
      date: r.date,
      shift: r.shift,
      status: r.status,
      checkIn: iso(r.checkInMs),
      checkOut: iso(r.checkOutMs),
      lateMinutes: r.lateMinutes,
      earlyExitMinutes: r.earlyExitMinutes,
      overtimeMinutes: r.overtimeMinutes,
      workedMinutes: r.workedMinutes,
      corrected: r.original !== null,
      correctionReason: r.correctionReason,
      computedCheckIn: r.original ? iso(r.original.checkInMs) : null,
      computedCheckOut: r.original ? iso(r.original.checkOutMs) : null,
      locked: r.locked,
    };
  }

  /** Payroll rows (the CSV's and the XLSX's): one per person-day, times ISO with the site's offset, in PAYROLL_CSV_COLUMNS order. */
  payrollRows(records: readonly AttendanceRecord[]): Array<Array<string | number | null>> {
    const iso = (ms: number | null | undefined) => (ms == null ? '' : isoWithOffset(ms, this.timeZone));
    return records.map((r) => [
      r.personId,
      r.employeeCode,
      r.personName,
      r.department,
      r.date,
      r.shift,
      r.status.join(' '),
      iso(r.checkInMs),
      iso(r.checkOutMs),
      r.lateMinutes,
      r.earlyExitMinutes,
      r.overtimeMinutes,
      r.workedMinutes,
      r.original ? 'yes' : 'no',
      r.correctionReason,
      r.original ? iso(r.original.checkInMs) : '',
      r.original ? iso(r.original.checkOutMs) : '',
      r.locked ? 'yes' : 'no',
    ]);
  }

  /** Payroll CSV: one row per person-day, times ISO with the site's offset. */
  payrollCsv(records: readonly AttendanceRecord[]): string {
    return csvDocument(PAYROLL_CSV_COLUMNS, this.payrollRows(records));
  }

  /**
   * The same rows as an XLSX workbook (sheet "Payroll"): counts and ids are numbers, times stay ISO
   * text with the offset (a spreadsheet date has no time zone; the text is what the CSV says).
   */
  payrollXlsx(records: readonly AttendanceRecord[]): Buffer {
    return xlsxWorkbook('Payroll', PAYROLL_CSV_COLUMNS, this.payrollRows(records));
  }

  /** Occupancy per hour of a site day computed from the visits still stored (see `occupancy`). */
  private computedOccupancy(date: string, resetHour: number): OccupancyHour[] {
    const since = new Date(zonedToUtc(addDays(date, -1), '00:00', this.timeZone)).toISOString();
    const until = new Date(zonedToUtc(addDays(date, 1), '00:00', this.timeZone)).toISOString();
    const rows = this.db
      .prepare("SELECT first_seen, camera_direction FROM sightings WHERE camera_direction IN ('entry', 'exit') AND first_seen >= ? AND first_seen < ?")
      .all(since, until) as Array<{ first_seen: string; camera_direction: 'entry' | 'exit' }>;
    return occupancyByHour(rows.map((r) => ({ atMs: Date.parse(r.first_seen), direction: r.camera_direction })), date, this.timeZone, resetHour);
  }

  /**
   * Occupancy per hour of a site day from every visit (members and strangers) at entry and exit
   * cameras, reset to zero every night at `resetHour` (config `occupancyResetHour`, default 3).
   * Hours kept as final snapshots (see `snapshotOccupancy`) are read from them (`kept`): the visits
   * behind them may have been purged since; the other hours are computed now.
   */
  occupancy(date: string, resetHour = DEFAULT_RESET_HOUR, nowMs = Date.now()): Array<OccupancyHour & { kept: boolean }> {
    const dayStart = zonedToUtc(date, '00:00', this.timeZone);
    const final = nowMs - OCCUPANCY_REVISE_MS;
    const kept = new Map(
      (this.db.prepare('SELECT hour_start, hour, entered, exited, present FROM occupancy_hours WHERE day = ?').all(date) as KeptHourRow[]).map((r) => [Date.parse(r.hour_start), r]),
    );
    return this.computedOccupancy(date, resetHour).map((hour, i) => {
      const startMs = dayStart + i * HOUR_MS;
      const row = kept.get(startMs);
      return row && startMs + HOUR_MS <= final ? { hour: row.hour, in: row.entered, out: row.exited, present: row.present, kept: true } : { ...hour, kept: false };
    });
  }

  /**
   * Writes the hourly occupancy snapshots due at `nowMs` and rebuilds the roll-ups of the months they
   * touch. An hour is written once it ended OCCUPANCY_SETTLE_MS ago (a visit is stored when the walk-by
   * ends) and written again while it ended less than OCCUPANCY_REVISE_MS ago (visits stored late);
   * older snapshots are final, so a retention purge or an erasure later never changes them. With no
   * snapshot yet it starts at the first entry / exit visit, at most OCCUPANCY_CATCH_UP_DAYS back.
   */
  snapshotOccupancy(nowMs = Date.now(), resetHour = DEFAULT_RESET_HOUR): { written: number; months: string[] } {
    const settled = nowMs - OCCUPANCY_SETTLE_MS;
    const earliest = nowMs - OCCUPANCY_CATCH_UP_DAYS * 86_400_000;
    const last = (this.db.prepare('SELECT MAX(hour_start) AS at FROM occupancy_hours').get() as { at: string | null }).at;
    let fromMs: number;
    if (last !== null) fromMs = Math.min(Date.parse(last) + HOUR_MS, nowMs - OCCUPANCY_REVISE_MS - HOUR_MS);
    else {
      const first = (this.db.prepare("SELECT MIN(first_seen) AS at FROM sightings WHERE camera_direction IN ('entry', 'exit')").get() as { at: string | null }).at;
      if (first === null) return { written: 0, months: [] };
      fromMs = Date.parse(first);
    }
    fromMs = Math.max(fromMs, earliest);
    if (fromMs >= settled) return { written: 0, months: [] };
    const existing = new Set(
      (this.db.prepare('SELECT hour_start FROM occupancy_hours WHERE hour_start >= ?').all(new Date(fromMs - 86_400_000 * 2).toISOString()) as Array<{ hour_start: string }>).map((r) => Date.parse(r.hour_start)),
    );
    const write = this.db.prepare(
      `INSERT INTO occupancy_hours (hour_start, day, hour, entered, exited, present, reset_hour, written_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (hour_start) DO UPDATE SET entered = excluded.entered, exited = excluded.exited, present = excluded.present, reset_hour = excluded.reset_hour, written_at = excluded.written_at`,
    );
    const months = new Set<string>();
    let written = 0;
    const writtenAt = new Date(nowMs).toISOString();
    this.db.transaction(() => {
      for (let day = localDate(fromMs, this.timeZone); ; day = addDays(day, 1)) {
        const dayStart = zonedToUtc(day, '00:00', this.timeZone);
        if (dayStart >= settled) break;
        this.computedOccupancy(day, resetHour).forEach((hour, i) => {
          const startMs = dayStart + i * HOUR_MS;
          const endMs = startMs + HOUR_MS;
          // Not yet settled, before the range, or final already.
          if (endMs > settled || endMs <= fromMs) return;
          if (existing.has(startMs) && endMs <= nowMs - OCCUPANCY_REVISE_MS) return;
          write.run(new Date(startMs).toISOString(), day, hour.hour, hour.in, hour.out, hour.present, resetHour, writtenAt);
          months.add(day.slice(0, 7));
          written++;
        });
      }
      for (const month of months) this.rebuildOccupancyMonth(month, writtenAt);
    })();
    return { written, months: [...months].sort() };
  }

  /** Days a visit (sighting row) is kept; null: for ever. */
  visitRetentionDays(): VisitRetentionDays {
    const row = this.db.prepare("SELECT value FROM settings WHERE key = 'visit_retention_days'").get() as { value: string } | undefined;
    return parseStoredVisitRetention(row?.value);
  }

  setVisitRetentionDays(days: unknown, operator: string): VisitRetentionDays {
    if (!isValidVisitRetention(days)) {
      throw new VigilError('BAD_REQUEST', `Visit retention is a whole number of days from ${MIN_VISIT_RETENTION_DAYS} to ${MAX_VISIT_RETENTION_DAYS}, or off`);
    }
    this.db.transaction(() => {
      const before = this.visitRetentionDays();
      this.db.prepare("INSERT INTO settings (key, value) VALUES ('visit_retention_days', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value").run(days === null ? 'off' : String(days));
      this.auditLog.append({ operator, action: 'settings.updated', subjectKind: 'settings', subjectId: null, subjectLabel: 'visit retention', details: { from: before ?? 'off', to: days ?? 'off' } });
    })();
    return this.visitRetentionDays();
  }

  /**
   * Deletes visits older than the retention period, except those attendance still needs (see
   * `judgeExpiredVisit`) and those in hours occupancy has not kept yet. Occupancy snapshots are
   * written first, so the counts of the hours concerned are kept before their visits go.
   */
  purgeExpiredVisits(nowMs = Date.now(), resetHour = DEFAULT_RESET_HOUR): VisitPurgeResult {
    const retentionDays = this.visitRetentionDays();
    if (retentionDays === null) return { retentionDays, deleted: 0, heldForLock: 0, heldForOccupancy: 0, message: null };
    this.snapshotOccupancy(nowMs, resetHour);
    const cutoff = new Date(nowMs - retentionDays * 86_400_000).toISOString();
    const lastKept = (this.db.prepare('SELECT MAX(hour_start) AS at FROM occupancy_hours').get() as { at: string | null }).at;
    // Occupancy is kept up to the end of the last snapshot hour; later entry/exit visits wait.
    const occupancyKeptUntil = lastKept === null ? null : new Date(Date.parse(lastKept) + HOUR_MS).toISOString();
    const attendancePeople = new Set((this.db.prepare("SELECT id FROM persons WHERE category IN ('employee', 'contractor')").all() as Array<{ id: number }>).map((r) => r.id));
    const locks = this.db.prepare('SELECT first_day, last_day FROM attendance_locks WHERE frozen = 1').all() as Array<{ first_day: string; last_day: string }>;
    const frozenDay = (day: string) => locks.some((l) => l.first_day <= day && l.last_day >= day);
    const expired = this.db
      .prepare('SELECT id, status, person_id, camera_direction, first_seen FROM sightings WHERE last_seen < ? ORDER BY id')
      .all(cutoff) as Array<{ id: number; status: string; person_id: number | null; camera_direction: string | null; first_seen: string }>;
    const doomed: number[] = [];
    let heldForLock = 0;
    let heldForOccupancy = 0;
    for (const v of expired) {
      const verdict = judgeExpiredVisit({ status: v.status, personId: v.person_id, cameraDirection: v.camera_direction, day: localDate(Date.parse(v.first_seen), this.timeZone) }, attendancePeople, frozenDay);
      if (verdict === 'hold-for-lock') heldForLock++;
      else if (isPassage(v.camera_direction) && (occupancyKeptUntil === null || v.first_seen >= occupancyKeptUntil)) heldForOccupancy++;
      else doomed.push(v.id);
    }
    const remove = this.db.prepare('DELETE FROM sightings WHERE id = ?');
    this.db.transaction(() => {
      for (const id of doomed) remove.run(id);
    })();
    return { retentionDays, deleted: doomed.length, heldForLock, heldForOccupancy, message: heldBackMessage(heldForLock) };
  }

  private rebuildOccupancyMonth(month: string, updatedAt: string): void {
    const rows = this.db.prepare("SELECT hour_start, day, hour, entered, exited, present FROM occupancy_hours WHERE day >= ? AND day <= ?").all(`${month}-01`, `${month}-31`) as Array<KeptHourRow & { day: string }>;
    const [rolled] = rollUpMonths(rows.map((r) => ({ day: r.day, hour: r.hour, startMs: Date.parse(r.hour_start), in: r.entered, out: r.exited, present: r.present })));
    if (!rolled) return;
    this.db
      .prepare(
        `INSERT INTO occupancy_months (month, days, hours, entered, exited, peak_present, peak_day, peak_hour, average_daily_peak, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (month) DO UPDATE SET days = excluded.days, hours = excluded.hours, entered = excluded.entered, exited = excluded.exited, peak_present = excluded.peak_present,
           peak_day = excluded.peak_day, peak_hour = excluded.peak_hour, average_daily_peak = excluded.average_daily_peak, updated_at = excluded.updated_at`,
      )
      .run(month, rolled.days, rolled.hours, rolled.in, rolled.out, rolled.peakPresent, rolled.peakDay, rolled.peakHour, rolled.averageDailyPeak, updatedAt);
  }

  /** The kept monthly roll-ups between two months (YYYY-MM, both included; absent: every month), oldest first. */
  occupancyMonths(fromMonth?: string, toMonth?: string): OccupancyMonth[] {
    for (const m of [fromMonth, toMonth]) if (m !== undefined && !/^\d{4}-(0[1-9]|1[0-2])$/.test(m)) throw new VigilError('BAD_REQUEST', `"${m}" is not a month YYYY-MM`);
    if (fromMonth && toMonth && fromMonth > toMonth) throw new VigilError('BAD_REQUEST', `The first month (${fromMonth}) is after the last (${toMonth})`);
    const rows = this.db
      .prepare('SELECT * FROM occupancy_months WHERE (@from IS NULL OR month >= @from) AND (@to IS NULL OR month <= @to) ORDER BY month')
      .all({ from: fromMonth ?? null, to: toMonth ?? null }) as Array<{ month: string; days: number; hours: number; entered: number; exited: number; peak_present: number; peak_day: string | null; peak_hour: string | null; average_daily_peak: number }>;
    return rows.map((r) => ({ month: r.month, days: r.days, hours: r.hours, in: r.entered, out: r.exited, peakPresent: r.peak_present, peakDay: r.peak_day, peakHour: r.peak_hour, averageDailyPeak: r.average_daily_peak }));
  }

  /**
   * Who is inside now: every visit (strangers too) at entry and exit cameras since the last nightly
   * reset; known people whose last passage was an entry are listed.
   */
  insideNow(nowMs = Date.now(), resetHour = DEFAULT_RESET_HOUR): { sinceMs: number; present: number; people: Array<{ personId: number; name: string; sinceMs: number; camera: string }> } {
    const since = new Date(lastReset(nowMs, this.timeZone, resetHour)).toISOString();
    const rows = this.db
      .prepare(
        `SELECT s.first_seen, s.camera_direction, s.camera_name, s.person_id, p.name FROM sightings s LEFT JOIN persons p ON p.id = s.person_id
          WHERE s.camera_direction IN ('entry', 'exit') AND s.first_seen >= ? AND s.first_seen <= ?`,
      )
      .all(since, new Date(nowMs).toISOString()) as Array<{ first_seen: string; camera_direction: 'entry' | 'exit'; camera_name: string; person_id: number | null; name: string | null }>;
    const names = new Map(rows.filter((r) => r.person_id !== null).map((r) => [String(r.person_id), r.name ?? '']));
    const inside = insideNow(
      rows.map((r) => ({ atMs: Date.parse(r.first_seen), direction: r.camera_direction, person: r.person_id === null ? null : String(r.person_id), camera: r.camera_name })),
      nowMs,
      this.timeZone,
      resetHour,
    );
    return { ...inside, people: inside.people.map((p) => ({ personId: Number(p.person), name: names.get(p.person) ?? '', sinceMs: p.sinceMs, camera: p.camera })) };
  }

  /**
   * The access log: visits (one per walk-by) between two instants, newest first, filtered by person,
   * camera, the direction the visit was written with, and status. At most `limit`; `truncated` says
   * there were more.
   */
  accessLog(query: AccessLogQuery): { entries: AccessLogEntry[]; truncated: boolean } {
    if (query.fromMs >= query.toMs) throw new VigilError('BAD_REQUEST', 'The start of the time range must be before its end');
    const direction = query.direction ?? null;
    const rows = this.db
      .prepare(
        `SELECT s.id, s.first_seen, s.camera_id, s.camera_name, COALESCE(s.camera_direction, 'none') AS direction, s.person_id, p.name AS person, s.status
           FROM sightings s LEFT JOIN persons p ON p.id = s.person_id
          WHERE s.first_seen >= @from AND s.first_seen < @to
            AND (@person IS NULL OR s.person_id = @person)
            AND (@camera IS NULL OR s.camera_id = @camera)
            AND (@direction IS NULL OR COALESCE(s.camera_direction, 'none') = @direction)
            AND (@status IS NULL OR s.status = @status)
          ORDER BY s.first_seen DESC, s.id DESC LIMIT @limit`,
      )
      .all({
        from: new Date(query.fromMs).toISOString(),
        to: new Date(query.toMs).toISOString(),
        person: query.personId ?? null,
        camera: query.cameraId ?? null,
        direction,
        status: query.status ?? null,
        limit: query.limit + 1,
      }) as Array<{ id: number; first_seen: string; camera_id: number | null; camera_name: string; direction: CameraDirection; person_id: number | null; person: string | null; status: AccessLogEntry['status'] }>;
    return {
      truncated: rows.length > query.limit,
      entries: rows.slice(0, query.limit).map((r) => ({ id: r.id, atMs: Date.parse(r.first_seen), cameraId: r.camera_id, camera: r.camera_name, direction: r.direction, personId: r.person_id, person: r.person, status: r.status })),
    };
  }

  /** Visits between two instants: by status, and those at restricted cameras by anyone but an employee. */
  accessSummary(fromIso: string, toIso: string): AccessSummary {
    if (fromIso >= toIso) throw new VigilError('BAD_REQUEST', `--from (${fromIso}) must be before --to (${toIso})`);
    const row = this.db
      .prepare(
        `SELECT COUNT(*) AS total,
                SUM(s.status = 'member') AS members,
                SUM(s.status = 'unknown') AS unknown,
                SUM(s.status = 'blocked') AS blocked,
                SUM(c.restricted = 1 AND (s.person_id IS NULL OR p.category <> 'employee')) AS unauthorised
         FROM sightings s
         LEFT JOIN cameras c ON c.id = s.camera_id
         LEFT JOIN persons p ON p.id = s.person_id
         WHERE s.first_seen >= ? AND s.first_seen < ?`,
      )
      .get(fromIso, toIso) as { total: number; members: number | null; unknown: number | null; blocked: number | null; unauthorised: number | null };
    const total = row.total;
    const rate = (n: number) => (total === 0 ? 0 : Math.round((n / total) * 10_000) / 10_000);
    const members = row.members ?? 0, unknown = row.unknown ?? 0, blocked = row.blocked ?? 0, unauthorised = row.unauthorised ?? 0;
    return { from: fromIso, to: toIso, total, members, unknown, blocked, unauthorised, rates: { members: rate(members), unknown: rate(unknown), blocked: rate(blocked), unauthorised: rate(unauthorised) } };
  }
}

function isPassage(direction: string | null): boolean {
  return direction === 'entry' || direction === 'exit' || direction === 'both';
}
