import { create } from 'zustand';
import {
  channels,
  type Person,
  type PhotoOutcome,
} from '../../../src-preload/contract';
import { describeError, errorCode, getApi } from '../api';
import { MAX_PHOTO_BYTES, filesToPhotos } from '../lib/files';
import { firstIssue } from '../lib/format';

export const MAX_PHOTOS = 5;

export type EnrollState =
  | { phase: 'idle' }
  | { phase: 'running'; name: string; fileCount: number }
  | { phase: 'done'; person: Person | null; photos: PhotoOutcome[] }
  | { phase: 'failed'; message: string; code?: string; photos?: PhotoOutcome[] };

interface PeopleSlice {
  people: Person[];
  search: string;
  loading: boolean;
  loaded: boolean;
  error: string | null;
  enroll: EnrollState;
  /** Person id waiting for removal confirmation. */
  confirmingRemoval: number | null;
  removing: number | null;
  removeError: { id: number; message: string } | null;

  load(): Promise<void>;
  setSearch(search: string): void;
  enrollPerson(name: string, files: readonly File[]): Promise<boolean>;
  resetEnroll(): void;
  askRemove(id: number | null): void;
  remove(id: number): Promise<void>;
}

let searchTimer: ReturnType<typeof setTimeout> | null = null;
let loadSeq = 0;

export const usePeople = create<PeopleSlice>()((set, get) => ({
  people: [],
  search: '',
  loading: false,
  loaded: false,
  error: null,
  enroll: { phase: 'idle' },
  confirmingRemoval: null,
  removing: null,
  removeError: null,

  async load() {
    const seq = ++loadSeq;
    const search = get().search.trim();
    set({ loading: true });
    try {
      const people = await getApi().invoke('people.list', search ? { search } : {});
      if (seq !== loadSeq) return; // a newer search is on its way
      set({ people, loading: false, loaded: true, error: null });
    } catch (error) {
      if (seq !== loadSeq) return;
      set({ loading: false, error: describeError(error) });
    }
  },

  setSearch(search) {
    set({ search });
    if (searchTimer) clearTimeout(searchTimer);
    searchTimer = setTimeout(() => void get().load(), 200);
  },

  async enrollPerson(rawName, files) {
    if (get().enroll.phase === 'running') return false;
    const name = rawName.trim();
    const fail = (message: string, code = 'BAD_REQUEST') => {
      set({ enroll: { phase: 'failed', message, code } });
      return false;
    };
    // Cheap checks first, worded like the contract; the engine checks again.
    if (!name) return fail('Enter the person’s name.');
    if (files.length === 0) return fail('Add at least one photo (up to 5).');
    if (files.length > MAX_PHOTOS) return fail(`Choose at most ${MAX_PHOTOS} photos; you chose ${files.length}.`);
    const tooBig = files.find((f) => f.size > MAX_PHOTO_BYTES);
    if (tooBig) return fail(`${tooBig.name} is too large (the limit is ${Math.round(MAX_PHOTO_BYTES / 1024 / 1024)} MB).`);

    set({ enroll: { phase: 'running', name, fileCount: files.length } });
    try {
      const photos = await filesToPhotos(files);
      const request = { name, photos };
      const checked = channels['people.enroll'].request.safeParse(request);
      if (!checked.success) return fail(firstIssue(checked.error.issues, { name: 'Name', photos: 'Photos' }));
      const result = await getApi().invoke('people.enroll', request);
      if (result.person) {
        set({ enroll: { phase: 'done', person: result.person, photos: result.photos } });
        void get().load();
        return true;
      }
      // The engine answered but no photo was usable: show why, per photo.
      set({
        enroll: {
          phase: 'failed',
          message: `${name} was not enrolled: none of the photos could be used.`,
          code: 'NO_FACE',
          photos: result.photos,
        },
      });
      return false;
    } catch (error) {
      set({ enroll: { phase: 'failed', message: describeError(error), code: errorCode(error) } });
      return false;
    }
  },

  resetEnroll() {
    if (get().enroll.phase !== 'running') set({ enroll: { phase: 'idle' } });
  },

  askRemove(id) {
    set({ confirmingRemoval: id, removeError: null });
  },

  async remove(id) {
    set({ removing: id, removeError: null });
    try {
      // removed: false means it was already gone; either way it leaves the list.
      await getApi().invoke('people.remove', { id });
      set((s) => ({ removing: null, confirmingRemoval: null, people: s.people.filter((p) => p.id !== id) }));
      void get().load();
    } catch (error) {
      set({ removing: null, removeError: { id, message: describeError(error) } });
    }
  },
}));
