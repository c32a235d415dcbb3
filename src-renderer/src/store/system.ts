import { create } from 'zustand';
import type { SystemStatus } from '../../../src-preload/contract';
import { describeError, getApi } from '../api';

interface SystemSlice {
  status: SystemStatus | null;
  loading: boolean;
  error: string | null;
  load(): Promise<void>;
}

export const useSystem = create<SystemSlice>()((set) => ({
  status: null,
  loading: false,
  error: null,
  async load() {
    set({ loading: true });
    try {
      const status = await getApi().invoke('system.status', {});
      set({ status, loading: false, error: null });
    } catch (error) {
      set({ loading: false, error: describeError(error) });
    }
  },
}));

/** The model pack's problems in plain words, e.g. "Models missing: the embedder … is not installed". */
export function modelProblemText(status: SystemStatus): string {
  if (status.modelsReady) return '';
  const problems = status.modelProblems.map((p) => p.message.trim()).filter(Boolean);
  if (problems.length) return problems.join('; ');
  const missing = status.models.filter((m) => !m.installed).map((m) => `${m.role} ${m.id}`);
  return missing.length ? `${missing.join(', ')} not installed` : 'the model pack is not usable';
}
