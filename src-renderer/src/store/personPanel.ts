import { downloadText } from '../lib/files';
import { create } from 'zustand';
import { useSession } from './session';
import type { Person, PersonCategory, PhotoOutcome, ResemblanceRecord, TemplateInfo } from '../../../src-preload/contract';
import { describeError, errorCode, getApi } from '../api';
import { filesToPhotos } from '../lib/files';
import { usePeople } from './people';

export interface PersonEdits {
  name: string;
  employeeCode: string;
  department: string;
  category: PersonCategory;
  notes: string;
}

type Busy = null | 'loading' | 'saving' | 'status' | 'templates' | 'export' | 'erase' | 'review';

interface PersonPanelSlice {
  personId: number | null;
  person: Person | null;
  templates: TemplateInfo[];
  /** Resemblance warnings from enrollment (either way round), reviewed or not. */
  resemblances: ResemblanceRecord[];
  busy: Busy;
  error: string | null;
  /** Last success message ("Saved", "Exported …"). */
  notice: string | null;
  /** After an erasure whose remote deletion is still pending: said beside the people list (the panel is closed). */
  eraseNotice: string | null;
  confirmingErase: boolean;
  reenrollOutcomes: PhotoOutcome[];

  open(id: number): Promise<void>;
  close(): void;
  save(edits: PersonEdits): Promise<boolean>;
  toggleStatus(): Promise<void>;
  reenroll(files: readonly File[], mode: 'add' | 'replace', overrideDuplicate?: boolean): Promise<boolean>;
  exportJson(includeEmbeddings: boolean): Promise<void>;
  askErase(value: boolean): void;
  erase(): Promise<void>;
  /** The blocklist (security): category 'blocked', or back to visitor. */
  setBlocked(blocked: boolean): Promise<void>;
  reviewResemblance(otherId: number): Promise<void>;
}


/** The person panel: one person's record, edits, status, re-enrollment, export and erasure. */
export const usePersonPanel = create<PersonPanelSlice>()((set, get) => {
  async function run<T>(busy: Busy, action: (id: number) => Promise<T>): Promise<T | null> {
    const id = get().personId;
    if (id === null || get().busy) return null;
    set({ busy, error: null, notice: null });
    // Another person may be opened while this runs: the outcome then belongs to nobody on screen.
    const stillOpen = () => get().personId === id;
    try {
      const value = await action(id);
      if (!stillOpen()) return null;
      set({ busy: null });
      return value;
    } catch (error) {
      if (stillOpen()) set({ busy: null, error: describeError(error) });
      if (errorCode(error) === 'NOT_FOUND') usePeople.getState().forget(id);
      return null;
    }
  }
  async function refresh(id: number): Promise<void> {
    const { person, templates, resemblances } = await getApi().invoke('people.get', { id });
    if (get().personId === id) set({ person, templates, resemblances });
    void usePeople.getState().load();
  }

  return {
    personId: null,
    person: null,
    templates: [],
    resemblances: [],
    busy: null,
    error: null,
    notice: null,
    eraseNotice: null,
    confirmingErase: false,
    reenrollOutcomes: [],

    async open(id) {
      set({ personId: id, person: null, templates: [], resemblances: [], error: null, notice: null, confirmingErase: false, reenrollOutcomes: [], busy: null });
      await run('loading', refresh);
    },

    close() {
      set({ personId: null, person: null, templates: [], resemblances: [], confirmingErase: false, error: null, notice: null });
      usePeople.getState().select(null);
    },

    async save(edits) {
      const done = await run('saving', async (id) => {
        await getApi().invoke('people.update', {
          id,
          name: edits.name,
          employeeCode: edits.employeeCode || null,
          department: edits.department || null,
          category: edits.category,
          notes: edits.notes || null,
        });
        await refresh(id);
        return true;
      });
      if (done) set({ notice: 'Changes saved.' });
      return done ?? false;
    },

    async toggleStatus() {
      const current = get().person;
      if (!current) return;
      const status = current.status === 'active' ? 'inactive' : 'active';
      const done = await run('status', async (id) => {
        await getApi().invoke('people.setStatus', { id, status });
        await refresh(id);
        return true;
      });
      if (done) set({ notice: status === 'inactive' ? `${current.name} is deactivated: no longer recognised on cameras.` : `${current.name} is active again.` });
    },

    async reenroll(files, mode, overrideDuplicate = false) {
      const password = overrideDuplicate ? await useSession.getState().askPassword('save these faces although they match someone else') : undefined;
      if (password === null) return false;
      const done = await run('templates', async (id) => {
        const photos = await filesToPhotos(files);
        const channel = mode === 'add' ? 'people.addTemplates' : 'people.replaceTemplates';
        const result = await getApi().invoke(channel, {
          id,
          photos,
          overrideDuplicate,
          ...(password ? { password } : {}),
          ...(mode === 'replace' ? { allowFewerPhotos: true } : {}),
        });
        set({ reenrollOutcomes: result.photos });
        await refresh(id);
        return result.person !== null;
      });
      if (done) set({ notice: mode === 'add' ? 'Photos added.' : 'Face templates replaced; the old ones are erased.' });
      return done ?? false;
    },

    async exportJson(includeEmbeddings) {
      const person = get().person;
      // Face vectors leave the engine only after the operator's password is given again.
      const password = includeEmbeddings ? await useSession.getState().askPassword(`export ${person?.name ?? 'this person'}'s face vectors`) : undefined;
      if (password === null) return;
      await run('export', async (id) => {
        const exported = await getApi().invoke('people.export', { id, includeEmbeddings, ...(password ? { password } : {}) });
        const safeName = (person?.name ?? `person-${id}`).replace(/[^\w.-]+/g, '_');
        downloadText(`vigil-export-${safeName}.json`, JSON.stringify(exported, null, 2), 'application/json');
        set({ notice: `Export of ${exported.person.name} downloaded.` });
      });
    },

    async reviewResemblance(otherId) {
      const done = await run('review', async (id) => {
        await getApi().invoke('people.reviewResemblance', { id, otherId });
        await refresh(id);
        return true;
      });
      if (done) set({ notice: 'Resemblance marked as reviewed.' });
    },

    async setBlocked(blocked) {
      const done = await run('saving', async (id) => {
        await getApi().invoke('people.setBlocked', { id, blocked });
        await refresh(id);
        return true;
      });
      if (done) set({ notice: blocked ? 'On the blocklist: an alert is raised whenever they are seen.' : 'Taken off the blocklist (now a visitor).' });
    },

    askErase(value) {
      set({ confirmingErase: value, error: null });
    },

    async erase() {
      let erasedId: number | null = null;
      const password = await useSession.getState().askPassword(`erase ${get().person?.name ?? 'this person'} for good`);
      if (password === null) return;
      set({ eraseNotice: null });
      await run('erase', async (id) => {
        const result = await getApi().invoke('people.erase', { id, password });
        erasedId = id;
        if (result.remoteDeletion === 'pending') {
          set({
            eraseNotice: `${result.name} was erased here. Pending remote deletion: their faces are still in the remote collection (the service could not be reached); Vigil keeps retrying and Settings shows the queue.`,
          });
        }
      });
      if (erasedId === null) return;
      usePeople.getState().forget(erasedId);
      // Close the panel only if it still shows the erased person (another may have been opened meanwhile).
      if (get().personId === erasedId) set({ personId: null, person: null, templates: [], resemblances: [], confirmingErase: false, busy: null });
    },
  };
});
