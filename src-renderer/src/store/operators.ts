import { create } from 'zustand';
import type { Operator, Role } from '../../../src-preload/contract';
import { describeError, getApi } from '../api';

interface OperatorsSlice {
  operators: Operator[];
  loaded: boolean;
  busy: boolean;
  error: string | null;
  notice: string | null;
  load(): Promise<void>;
  add(input: { name: string; displayName: string; role: Role; password: string }): Promise<boolean>;
  update(id: number, changes: { role?: Role; disabled?: boolean; displayName?: string }): Promise<void>;
  resetPassword(id: number, newPassword: string): Promise<boolean>;
}

/** The Operators tab (admins): accounts, roles, disabling, password resets. */
export const useOperators = create<OperatorsSlice>()((set, get) => {
  async function run(action: () => Promise<string>): Promise<boolean> {
    set({ busy: true, error: null, notice: null });
    try {
      const notice = await action();
      set({ busy: false, notice });
      await get().load();
      return true;
    } catch (error) {
      set({ busy: false, error: describeError(error) });
      return false;
    }
  }
  return {
    operators: [],
    loaded: false,
    busy: false,
    error: null,
    notice: null,
    async load() {
      try {
        set({ operators: await getApi().invoke('operators.list', {}), loaded: true });
      } catch (error) {
        set({ error: describeError(error), loaded: true });
      }
    },
    add(input) {
      return run(async () => {
        const added = await getApi().invoke('operators.add', input);
        return `${added.name} added as ${added.role}.`;
      });
    },
    async update(id, changes) {
      await run(async () => {
        const updated = await getApi().invoke('operators.update', { id, ...changes });
        return changes.disabled !== undefined ? `${updated.name} is ${updated.disabled ? 'disabled' : 'enabled'}.` : `${updated.name} is now ${updated.role}.`;
      });
    },
    resetPassword(id, newPassword) {
      return run(async () => {
        const updated = await getApi().invoke('operators.resetPassword', { id, newPassword });
        return `New password set for ${updated.name}; their sessions ended.`;
      });
    },
  };
});
