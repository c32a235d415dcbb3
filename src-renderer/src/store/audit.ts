import { create } from 'zustand';
import type { AuditEntry, AuditQueryInput, AuditVerification } from '../../../src-preload/contract';
import { describeError, getApi } from '../api';
import { downloadText } from '../lib/files';

/** Rows fetched per page (newest first; "Older entries" fetches the next page). */
export const AUDIT_PAGE = 200;

export interface AuditFilters {
  /** yyyy-mm-dd from the date fields (local days); empty = no bound. */
  from: string;
  to: string;
  operator: string;
  action: string;
}

export const emptyAuditFilters: AuditFilters = { from: '', to: '', operator: '', action: '' };

/** The form's filters as the contract's query: whole local days, blanks left out. */
export function auditQuery(filters: AuditFilters): AuditQueryInput {
  const query: AuditQueryInput = {};
  if (filters.from) query.since = new Date(`${filters.from}T00:00:00`).toISOString();
  if (filters.to) query.until = new Date(`${filters.to}T23:59:59.999`).toISOString();
  if (filters.operator.trim()) query.operator = filters.operator.trim();
  if (filters.action.trim()) query.action = filters.action.trim();
  return query;
}

interface AuditSlice {
  filters: AuditFilters;
  entries: AuditEntry[];
  /** More entries exist beyond the last page fetched. */
  more: boolean;
  loading: boolean;
  loaded: boolean;
  error: string | null;
  verification: AuditVerification | null;
  verifying: boolean;
  exporting: boolean;
  notice: string | null;
  setFilters(changes: Partial<AuditFilters>): void;
  load(): Promise<void>;
  loadMore(): Promise<void>;
  verify(): Promise<void>;
  exportCsv(): Promise<void>;
}

export const useAudit = create<AuditSlice>()((set, get) => ({
  filters: emptyAuditFilters,
  entries: [],
  more: false,
  loading: false,
  loaded: false,
  error: null,
  verification: null,
  verifying: false,
  exporting: false,
  notice: null,
  setFilters(changes) {
    set((s) => ({ filters: { ...s.filters, ...changes } }));
  },
  async load() {
    set({ loading: true, notice: null });
    try {
      const entries = await getApi().invoke('audit.list', { ...auditQuery(get().filters), limit: AUDIT_PAGE });
      set({ entries, more: entries.length === AUDIT_PAGE, loading: false, loaded: true, error: null });
    } catch (error) {
      set({ loading: false, error: describeError(error) });
    }
  },
  async loadMore() {
    const last = get().entries.at(-1);
    if (!last) return;
    set({ loading: true });
    try {
      const older = await getApi().invoke('audit.list', { ...auditQuery(get().filters), limit: AUDIT_PAGE, beforeId: last.id });
      set((s) => ({ entries: [...s.entries, ...older], more: older.length === AUDIT_PAGE, loading: false, error: null }));
    } catch (error) {
      set({ loading: false, error: describeError(error) });
    }
  },
  async verify() {
    set({ verifying: true });
    try {
      set({ verification: await getApi().invoke('audit.verify', {}), verifying: false, error: null });
    } catch (error) {
      set({ verifying: false, error: describeError(error) });
    }
  },
  async exportCsv() {
    set({ exporting: true, notice: null });
    try {
      const { csv, entries } = await getApi().invoke('audit.exportCsv', auditQuery(get().filters));
      downloadText(`vigil-audit-${new Date().toISOString().slice(0, 10)}.csv`, csv, 'text/csv');
      set({ exporting: false, notice: `${entries} ${entries === 1 ? 'entry' : 'entries'} exported as CSV.`, error: null });
    } catch (error) {
      set({ exporting: false, error: describeError(error) });
    }
  },
}));
