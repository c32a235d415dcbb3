import { create } from 'zustand';
import type { CameraDirectionName, ResponseOf } from '../../../src-preload/contract';
import { describeError, getApi } from '../api';
import { todayIso } from './attendance';

export type AccessLog = ResponseOf<'attendance.accessLog'>;
export type Occupancy = ResponseOf<'attendance.occupancy'>;
export type AccessSummary = ResponseOf<'attendance.accessSummary'>;
export type OccupancyMonths = ResponseOf<'attendance.occupancyMonths'>;

/** The access log's filters as typed (site wall-clock times YYYY-MM-DDTHH:MM; empty selects: any). */
export interface AccessFilters {
  from: string;
  to: string;
  personId: string;
  cameraId: string;
  direction: '' | CameraDirectionName;
  status: '' | 'member' | 'unknown' | 'blocked';
}

/** The next calendar day of YYYY-MM-DD (the browser's calendar; dates only, no time zone involved). */
function nextDay(date: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const next = new Date(Date.UTC(y, m - 1, d + 1));
  return next.toISOString().slice(0, 10);
}

export const defaultAccessFilters = (today = todayIso()): AccessFilters => ({ from: `${today}T00:00`, to: `${nextDay(today)}T00:00`, personId: '', cameraId: '', direction: '', status: '' });

interface AccessSlice {
  filters: AccessFilters;
  log: AccessLog | null;
  logLoading: boolean;
  logError: string | null;
  occupancyDate: string;
  occupancy: Occupancy | null;
  occupancyLoading: boolean;
  occupancyError: string | null;
  editFilters(changes: Partial<AccessFilters>): void;
  search(): Promise<void>;
  setOccupancyDate(date: string): void;
  loadOccupancy(): Promise<void>;
  /** The access summary's period (site days, both included). */
  summaryFrom: string;
  summaryTo: string;
  summary: AccessSummary | null;
  summaryLoading: boolean;
  summaryError: string | null;
  setSummaryRange(from: string, to: string): void;
  loadSummary(): Promise<void>;
  months: OccupancyMonths | null;
  monthsError: string | null;
  loadMonths(): Promise<void>;
}

/** The Attendance tab's access log search and site occupancy. */
export const useAccess = create<AccessSlice>()((set, get) => ({
  filters: defaultAccessFilters(),
  log: null,
  logLoading: false,
  logError: null,
  occupancyDate: todayIso(),
  occupancy: null,
  occupancyLoading: false,
  occupancyError: null,
  summaryFrom: todayIso(),
  summaryTo: todayIso(),
  summary: null,
  summaryLoading: false,
  summaryError: null,
  months: null,
  monthsError: null,
  editFilters: (changes) => set((s) => ({ filters: { ...s.filters, ...changes }, logError: null })),
  async search() {
    const f = get().filters;
    if (!f.from || !f.to) {
      set({ logError: 'Give the start and the end of the time range.' });
      return;
    }
    if (f.from >= f.to) {
      set({ logError: 'The start of the time range must be before its end.' });
      return;
    }
    set({ logLoading: true, logError: null });
    try {
      const log = await getApi().invoke('attendance.accessLog', {
        from: f.from.slice(0, 16),
        to: f.to.slice(0, 16),
        ...(f.personId ? { personId: Number(f.personId) } : {}),
        ...(f.cameraId ? { cameraId: Number(f.cameraId) } : {}),
        ...(f.direction ? { direction: f.direction } : {}),
        ...(f.status ? { status: f.status } : {}),
        limit: 200,
      });
      set({ log, logLoading: false });
    } catch (error) {
      set({ logLoading: false, logError: describeError(error) });
    }
  },
  setOccupancyDate: (occupancyDate) => set({ occupancyDate, occupancyError: null }),
  async loadOccupancy() {
    const date = get().occupancyDate;
    set({ occupancyLoading: true, occupancyError: null });
    try {
      const occupancy = await getApi().invoke('attendance.occupancy', date ? { date } : {});
      set({ occupancy, occupancyLoading: false });
    } catch (error) {
      set({ occupancyLoading: false, occupancyError: describeError(error) });
    }
  },
  setSummaryRange: (summaryFrom, summaryTo) => set({ summaryFrom, summaryTo, summaryError: null }),
  async loadSummary() {
    const { summaryFrom: from, summaryTo: to } = get();
    if (!from || !to) {
      set({ summaryError: 'Give the first and the last day.' });
      return;
    }
    if (from > to) {
      set({ summaryError: 'The first day must not be after the last.' });
      return;
    }
    set({ summaryLoading: true, summaryError: null });
    try {
      const summary = await getApi().invoke('attendance.accessSummary', { from, to });
      set({ summary, summaryLoading: false });
    } catch (error) {
      set({ summaryLoading: false, summaryError: describeError(error) });
    }
  },
  async loadMonths() {
    try {
      const months = await getApi().invoke('attendance.occupancyMonths', {});
      set({ months, monthsError: null });
    } catch (error) {
      set({ monthsError: describeError(error) });
    }
  },
}));
