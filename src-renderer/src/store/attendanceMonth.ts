import { create } from 'zustand';
import type { AttendanceCorrection, AttendanceRecord } from '../../../src-preload/contract';
import { describeError, getApi } from '../api';
import { todayIso } from './attendance';

/** YYYY-MM moved by whole months. */
export function addMonths(month: string, delta: number): string {
  const [year, m] = month.split('-').map(Number) as [number, number];
  const index = year * 12 + (m - 1) + delta;
  return `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** Every date (YYYY-MM-DD) of a month, in order. */
export function datesOfMonth(month: string): string[] {
  const [year, m] = month.split('-').map(Number) as [number, number];
  const days = new Date(Date.UTC(year, m, 0)).getUTCDate();
  return Array.from({ length: days }, (_, i) => `${month}-${String(i + 1).padStart(2, '0')}`);
}

export const isMonth = (text: string) => /^\d{4}-(0[1-9]|1[0-2])$/.test(text);

export interface PersonMonth {
  timeZone: string;
  person: { id: number; name: string; employeeCode: string | null; department: string | null };
  records: AttendanceRecord[];
  corrections: AttendanceCorrection[];
}

interface AttendanceMonthSlice {
  personId: number | null;
  month: string;
  /** The month shown (with the month it is of). */
  data: (PersonMonth & { month: string }) | null;
  loading: boolean;
  error: string | null;
  choose(personId: number | null): void;
  setMonth(month: string): void;
  /** Shows a person's month (from the board: the month of a row's date). */
  show(personId: number, month: string): Promise<void>;
  load(): Promise<void>;
}

/** The per-person month on the Attendance tab. */
export const useAttendanceMonth = create<AttendanceMonthSlice>()((set, get) => ({
  personId: null,
  month: todayIso().slice(0, 7),
  data: null,
  loading: false,
  error: null,
  choose: (personId) => set({ personId, error: null }),
  setMonth: (month) => set({ month, error: null }),
  async show(personId, month) {
    set({ personId, month });
    await get().load();
  },
  async load() {
    const { personId, month } = get();
    if (personId === null) {
      set({ error: 'Choose a person first.' });
      return;
    }
    if (!isMonth(month)) {
      set({ error: 'Choose a month (YYYY-MM).' });
      return;
    }
    set({ loading: true, error: null });
    try {
      const data = await getApi().invoke('attendance.personMonth', { personId, month });
      // Another person or month may have been asked for meanwhile: only the latest answer shows.
      set({ loading: false, ...(get().personId === personId && get().month === month ? { data: { ...data, month } } : {}) });
    } catch (error) {
      set({ loading: false, error: describeError(error) });
    }
  },
}));
