import { create } from 'zustand';
import type { AttendanceRecord } from '../../../src-preload/contract';
import { describeError, getApi } from '../api';
import { downloadBase64, downloadText } from '../lib/files';

/** Today in the browser's calendar, YYYY-MM-DD (the engine reports the site's time zone). */
export function todayIso(now = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

export interface CorrectionDraft {
  personId: number;
  date: string;
  field: 'check_in' | 'check_out';
  time: string;
  reason: string;
}

interface AttendanceSlice {
  from: string;
  to: string;
  timeZone: string | null;
  records: AttendanceRecord[];
  loading: boolean;
  loaded: boolean;
  error: string | null;
  notice: string | null;
  /** The correction being edited (one at a time). */
  draft: CorrectionDraft | null;
  saving: boolean;
  setRange(from: string, to: string): void;
  load(): Promise<void>;
  startCorrection(record: AttendanceRecord, field: CorrectionDraft['field']): void;
  editDraft(changes: Partial<CorrectionDraft>): void;
  cancelCorrection(): void;
  saveCorrection(): Promise<void>;
  exportCsv(): Promise<void>;
  exportXlsx(): Promise<void>;
  lockPeriod(): Promise<void>;
}

/** HH:MM of an ISO time with offset (the site's wall clock, as the engine wrote it). */
export function wallTime(iso: string | null): string {
  return iso ? iso.slice(11, 16) : '';
}

export const useAttendance = create<AttendanceSlice>()((set, get) => ({
  from: todayIso(),
  to: todayIso(),
  timeZone: null,
  records: [],
  loading: false,
  loaded: false,
  error: null,
  notice: null,
  draft: null,
  saving: false,
  setRange(from, to) {
    set({ from, to });
  },
  async load() {
    const { from, to } = get();
    set({ loading: true, notice: null });
    try {
      const { timeZone, records } = await getApi().invoke('attendance.records', { from, to });
      set({ timeZone, records, loading: false, loaded: true, error: null });
    } catch (error) {
      set({ loading: false, error: describeError(error) });
    }
  },
  startCorrection(record, field) {
    const current = field === 'check_in' ? record.checkIn : record.checkOut;
    set({ draft: { personId: record.personId, date: record.date, field, time: wallTime(current), reason: '' }, notice: null, error: null });
  },
  editDraft(changes) {
    const draft = get().draft;
    if (draft) set({ draft: { ...draft, ...changes } });
  },
  cancelCorrection() {
    set({ draft: null });
  },
  async saveCorrection() {
    const draft = get().draft;
    if (!draft || get().saving) return;
    set({ saving: true });
    try {
      const record = await getApi().invoke('attendance.correct', {
        personId: draft.personId,
        date: draft.date,
        field: draft.field,
        time: draft.time.trim() ? draft.time.trim() : null,
        reason: draft.reason,
      });
      set((s) => ({
        saving: false,
        draft: null,
        error: null,
        notice: `${record.person}, ${record.date}: corrected.`,
        records: s.records.map((r) => (r.personId === record.personId && r.date === record.date ? record : r)),
      }));
    } catch (error) {
      set({ saving: false, error: describeError(error) });
    }
  },
  async exportCsv() {
    const { from, to } = get();
    try {
      const { csv, rows } = await getApi().invoke('attendance.exportCsv', { from, to });
      downloadText(`vigil-attendance-${from}-${to}.csv`, csv, 'text/csv');
      set({ notice: `${rows} ${rows === 1 ? 'row' : 'rows'} exported as CSV.`, error: null });
    } catch (error) {
      set({ error: describeError(error) });
    }
  },
  async exportXlsx() {
    const { from, to } = get();
    try {
      const { xlsxBase64, rows } = await getApi().invoke('attendance.exportXlsx', { from, to });
      downloadBase64(`vigil-attendance-${from}-${to}.xlsx`, xlsxBase64, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      set({ notice: `${rows} ${rows === 1 ? 'row' : 'rows'} exported as XLSX.`, error: null });
    } catch (error) {
      set({ error: describeError(error) });
    }
  },
  async lockPeriod() {
    const { from, to } = get();
    try {
      await getApi().invoke('attendance.lock', { from, to });
      set({ notice: `${from} to ${to} locked: corrections are refused from now on.`, error: null });
      await get().load();
    } catch (error) {
      set({ error: describeError(error) });
    }
  },
}));
