import { create } from 'zustand';
import type { Person, PersonCategory, PersonStatus } from '../../../src-preload/contract';
import { describeError, getApi } from '../api';

export interface PeopleFilters {
  search: string;
  category: PersonCategory | '';
  status: PersonStatus | '';
  department: string;
}

interface PeopleSlice {
  people: Person[];
  filters: PeopleFilters;
  loading: boolean;
  loaded: boolean;
  error: string | null;
  /** The person open in the person panel. */
  selectedId: number | null;

  load(): Promise<void>;
  setFilter<K extends keyof PeopleFilters>(key: K, value: PeopleFilters[K]): void;
  select(id: number | null): void;
  /** A person left (erased): drop them at once, then reload. */
  forget(id: number): void;
}

let searchTimer: ReturnType<typeof setTimeout> | null = null;
let loadSeq = 0;

/** The people page: the list with its search and filters, and which person is open. */
export const usePeople = create<PeopleSlice>()((set, get) => ({
  people: [],
  filters: { search: '', category: '', status: '', department: '' },
  loading: false,
  loaded: false,
  error: null,
  selectedId: null,

  async load() {
    const seq = ++loadSeq;
    const { search, category, status, department } = get().filters;
    set({ loading: true });
    try {
      const people = await getApi().invoke('people.list', {
        ...(search.trim() ? { search: search.trim() } : {}),
        ...(category ? { category } : {}),
        ...(status ? { status } : {}),
        ...(department.trim() ? { department: department.trim() } : {}),
      });
      if (seq !== loadSeq) return; // a newer search is on its way
      set({ people, loading: false, loaded: true, error: null });
    } catch (error) {
      if (seq !== loadSeq) return;
      set({ loading: false, error: describeError(error) });
    }
  },

  setFilter(key, value) {
    set((s) => ({ filters: { ...s.filters, [key]: value } }));
    if (searchTimer) clearTimeout(searchTimer);
    // Typing waits a moment; a select applies at once.
    searchTimer = setTimeout(() => void get().load(), key === 'search' || key === 'department' ? 200 : 0);
  },

  select(id) {
    set({ selectedId: id });
  },

  forget(id) {
    set((s) => ({ people: s.people.filter((p) => p.id !== id), selectedId: s.selectedId === id ? null : s.selectedId }));
    void get().load();
  },
}));
