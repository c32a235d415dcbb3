import { create } from 'zustand';
import {
  shiftInputSchema,
  type CameraDirectionName,
  type CameraDirectionRow,
  type DepartmentShift,
  type Shift,
  type ShiftAssignment,
  type ShiftImpact,
  type WeekdayName,
} from '../../../src-preload/contract';
import { describeError, getApi } from '../api';
import { useAttendance } from './attendance';

/** The shift form as typed (numbers as text, so a half-typed value is not lost). */
export interface ShiftDraft {
  /** The shift being changed; null: a new one. */
  id: number | null;
  name: string;
  start: string;
  end: string;
  days: WeekdayName[];
  graceMinutes: string;
  earlyExitMinutes: string;
  doubleEntryWindowHours: string;
  overtimeAfterMinutes: string;
}

export const emptyShiftDraft = (): ShiftDraft => ({
  id: null,
  name: '',
  start: '08:00',
  end: '17:00',
  days: ['mon', 'tue', 'wed', 'thu', 'fri'],
  graceMinutes: '0',
  earlyExitMinutes: '0',
  doubleEntryWindowHours: '12',
  overtimeAfterMinutes: '30',
});

export type ShiftDraftErrors = Partial<Record<'name' | 'start' | 'end' | 'days' | 'graceMinutes' | 'earlyExitMinutes' | 'doubleEntryWindowHours' | 'overtimeAfterMinutes', string>>;

const asNumber = (text: string) => (text.trim() === '' ? Number.NaN : Number(text));

/** The draft checked with the contract's own schema: one message per field, or the request to send. */
export function checkShiftDraft(draft: ShiftDraft): { errors: ShiftDraftErrors; shift: ReturnType<typeof shiftInputSchema.parse> | null } {
  const parsed = shiftInputSchema.safeParse({
    name: draft.name,
    start: draft.start,
    end: draft.end,
    days: draft.days,
    graceMinutes: asNumber(draft.graceMinutes),
    earlyExitMinutes: asNumber(draft.earlyExitMinutes),
    doubleEntryWindowHours: asNumber(draft.doubleEntryWindowHours),
    overtimeAfterMinutes: asNumber(draft.overtimeAfterMinutes),
  });
  if (parsed.success) return { errors: {}, shift: parsed.data };
  const errors: ShiftDraftErrors = {};
  for (const issue of parsed.error.issues) {
    const field = String(issue.path[0] ?? 'name') as keyof ShiftDraftErrors;
    // A number that is not one at all says so, not "expected number, received NaN".
    const message = issue.code === 'invalid_type' ? 'enter a number' : issue.message;
    errors[field] ??= message;
  }
  return { errors, shift: null };
}

type Busy = `shift-${number}` | `person-${number}` | `department-${string}` | `camera-${number}` | 'save';

interface ShiftsSlice {
  shifts: Shift[];
  departments: DepartmentShift[];
  people: ShiftAssignment[];
  cameras: CameraDirectionRow[];
  loaded: boolean;
  loading: boolean;
  error: string | null;
  notice: string | null;
  draft: ShiftDraft | null;
  /** Shown once the form was submitted (not while typing the first time). */
  draftErrors: ShiftDraftErrors;
  saveError: string | null;
  /** What saving the shift being changed judges again (null: a new shift, or not known yet). */
  draftImpact: ShiftImpact | null;
  /** The shift whose removal waits for confirmation. */
  confirmingRemoval: number | null;
  busy: Partial<Record<Busy, true>>;
  load(): Promise<void>;
  startAdd(): void;
  startEdit(shift: Shift): void;
  editDraft(changes: Partial<ShiftDraft>): void;
  cancelDraft(): void;
  saveDraft(): Promise<boolean>;
  askRemove(id: number | null): void;
  remove(id: number): Promise<void>;
  assign(personId: number, shiftId: number | null): Promise<void>;
  setDepartment(department: string, shiftId: number | null): Promise<void>;
  setDirection(cameraId: number, direction: CameraDirectionName): Promise<void>;
}

/** Day records depend on shifts and assignments: the board reloads when it was showing some. */
function refreshRecords() {
  if (useAttendance.getState().loaded) void useAttendance.getState().load();
}

export const useShifts = create<ShiftsSlice>()((set, get) => {
  async function act(key: Busy, run: () => Promise<string | null>): Promise<boolean> {
    set((s) => ({ busy: { ...s.busy, [key]: true }, error: null, notice: null }));
    try {
      const notice = await run();
      set({ notice });
      return true;
    } catch (error) {
      set({ error: describeError(error) });
      return false;
    } finally {
      set((s) => {
        const busy = { ...s.busy };
        delete busy[key];
        return { busy };
      });
    }
  }

  return {
    shifts: [],
    departments: [],
    people: [],
    cameras: [],
    loaded: false,
    loading: false,
    error: null,
    notice: null,
    draft: null,
    draftErrors: {},
    saveError: null,
    draftImpact: null,
    confirmingRemoval: null,
    busy: {},

    async load() {
      set({ loading: true });
      try {
        const [{ shifts, departments, people }, cameras] = await Promise.all([getApi().invoke('attendance.shifts.list', {}), getApi().invoke('attendance.cameras.list', {})]);
        set({ shifts, departments, people, cameras, loading: false, loaded: true, error: null });
      } catch (error) {
        set({ loading: false, error: describeError(error) });
      }
    },

    startAdd: () => set({ draft: emptyShiftDraft(), draftErrors: {}, saveError: null, notice: null, draftImpact: null }),
    startEdit(shift) {
      set({
        draftImpact: null,
        draft: {
          id: shift.id,
          name: shift.name,
          start: shift.start,
          end: shift.end,
          days: [...shift.days],
          graceMinutes: String(shift.graceMinutes),
          earlyExitMinutes: String(shift.earlyExitMinutes),
          doubleEntryWindowHours: String(shift.doubleEntryWindowHours),
          overtimeAfterMinutes: String(shift.overtimeAfterMinutes),
        },
        draftErrors: {},
        saveError: null,
        notice: null,
      });
      // The warning's figures; the form works without them (the warning then gives none).
      getApi()
        .invoke('attendance.shifts.impact', { id: shift.id })
        .then((impact) => {
          if (get().draft?.id === shift.id) set({ draftImpact: impact });
        })
        .catch(() => undefined);
    },
    editDraft(changes) {
      const draft = get().draft;
      if (!draft) return;
      const next = { ...draft, ...changes };
      // Once shown, the messages follow what is typed.
      set({ draft: next, saveError: null, ...(Object.keys(get().draftErrors).length ? { draftErrors: checkShiftDraft(next).errors } : {}) });
    },
    cancelDraft: () => set({ draft: null, draftErrors: {}, saveError: null, draftImpact: null }),

    async saveDraft() {
      const draft = get().draft;
      if (!draft || get().busy.save) return false;
      const { errors, shift } = checkShiftDraft(draft);
      set({ draftErrors: errors });
      if (!shift) return false;
      set((s) => ({ busy: { ...s.busy, save: true }, saveError: null }));
      try {
        const saved = await getApi().invoke('attendance.shifts.save', draft.id === null ? { shift } : { id: draft.id, shift });
        set({ draft: null, draftErrors: {}, notice: `Shift ${saved.name} ${draft.id === null ? 'added' : 'saved'}.` });
        await get().load();
        if (draft.id !== null) refreshRecords();
        return true;
      } catch (error) {
        set({ saveError: describeError(error) });
        return false;
      } finally {
        set((s) => {
          const busy = { ...s.busy };
          delete busy.save;
          return { busy };
        });
      }
    },

    askRemove: (id) => set({ confirmingRemoval: id }),

    async remove(id) {
      const ok = await act(`shift-${id}`, async () => {
        const removed = await getApi().invoke('attendance.shifts.remove', { id });
        const undone = [
          removed.unassignedPeople ? `${removed.unassignedPeople} ${removed.unassignedPeople === 1 ? 'person falls' : 'people fall'} back to their department's shift` : '',
          removed.clearedDepartments.length ? `${removed.clearedDepartments.join(', ')} ${removed.clearedDepartments.length === 1 ? 'has' : 'have'} no default shift now` : '',
        ].filter(Boolean);
        return `Shift ${removed.name} removed${undone.length ? `: ${undone.join('; ')}` : ''}.`;
      });
      set({ confirmingRemoval: null, ...(get().draft?.id === id ? { draft: null } : {}) });
      if (ok) {
        await get().load();
        refreshRecords();
      }
    },

    async assign(personId, shiftId) {
      const ok = await act(`person-${personId}`, async () => {
        const row = await getApi().invoke('attendance.shifts.assign', { personId, shiftId });
        set((s) => ({ people: s.people.map((p) => (p.personId === personId ? row : p)) }));
        return `${row.name}: ${row.shift ? `shift ${row.shift}` : row.departmentShift ? `the department's shift (${row.departmentShift})` : 'no shift'}.`;
      });
      if (ok) {
        await get().load();
        refreshRecords();
      }
    },

    async setDepartment(department, shiftId) {
      const ok = await act(`department-${department}`, async () => {
        const row = await getApi().invoke('attendance.shifts.setDepartment', { department, shiftId });
        return `${row.department}: ${row.shift ? `default shift ${row.shift}` : 'no default shift'}.`;
      });
      if (ok) {
        await get().load();
        refreshRecords();
      }
    },

    async setDirection(cameraId, direction) {
      await act(`camera-${cameraId}`, async () => {
        const row = await getApi().invoke('attendance.cameras.setDirection', { id: cameraId, direction });
        set((s) => ({ cameras: s.cameras.map((c) => (c.id === row.id ? row : c)) }));
        return `${row.name}: ${directionWords[row.direction].toLowerCase()}. Visits already recorded keep the direction they had.`;
      });
    },
  };
});

export const directionWords: Record<CameraDirectionName, string> = {
  entry: 'Entry (check-in)',
  exit: 'Exit (check-out)',
  both: 'Both ways',
  none: 'Not counted',
};

export const weekdayWords: Record<WeekdayName, string> = { mon: 'Mon', tue: 'Tue', wed: 'Wed', thu: 'Thu', fri: 'Fri', sat: 'Sat', sun: 'Sun' };
/** Monday first, as rotas are written. */
export const weekdayOrder: WeekdayName[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
