import { create } from 'zustand';
import type { VisitRetentionState } from '../../../src-preload/contract';
import { describeError, getApi } from '../api';

/** The form's value: a whole number of days, or "off" (kept for ever). */
export interface RetentionDraft {
  off: boolean;
  days: string;
}

/** The engine refuses the same things and says why; this only spares a round trip. */
export function retentionProblem(draft: RetentionDraft): string | null {
  if (draft.off) return null;
  const days = Number(draft.days);
  if (!/^\d+$/.test(draft.days.trim()) || days < 31 || days > 3650) return 'Enter a whole number of days from 31 to 3650, or keep visits for ever.';
  return null;
}

interface VisitRetentionSlice {
  state: VisitRetentionState | null;
  draft: RetentionDraft;
  problem: string | null;
  error: string | null;
  status: string | null;
  load(): Promise<void>;
  edit(change: Partial<RetentionDraft>): void;
  save(): Promise<void>;
}

const toDraft = (state: VisitRetentionState): RetentionDraft => ({ off: state.days === null, days: String(state.days ?? state.defaultDays) });

export const useVisitRetention = create<VisitRetentionSlice>()((set, get) => ({
  state: null,
  draft: { off: false, days: '' },
  problem: null,
  error: null,
  status: null,

  async load() {
    try {
      const state = await getApi().invoke('settings.visitRetention.get', {});
      set({ state, draft: toDraft(state), error: null });
    } catch (error) {
      set({ error: describeError(error) });
    }
  },

  edit(change) {
    set({ draft: { ...get().draft, ...change }, problem: null, status: null, error: null });
  },

  async save() {
    const draft = get().draft;
    const problem = retentionProblem(draft);
    if (problem) {
      set({ problem });
      return;
    }
    try {
      const state = await getApi().invoke('settings.visitRetention.set', { days: draft.off ? null : Number(draft.days) });
      set({ state, draft: toDraft(state), status: state.days === null ? 'Visits are now kept for ever.' : `Visits are now kept ${state.days} days.` });
    } catch (error) {
      set({ error: describeError(error) });
    }
  },
}));
