import { create } from 'zustand';
import type { EventOf, FolderImportReport } from '../../../src-preload/contract';
import { describeError, getApi } from '../api';
import { usePeople } from './people';

interface BulkImportSlice {
  folder: string;
  /** The operator confirmed consent for everyone in the folder (cleared when the folder changes). */
  consent: boolean;
  running: boolean;
  progress: EventOf<'people.importProgress'> | null;
  report: FolderImportReport | null;
  error: string | null;
  setFolder(folder: string): void;
  /** The desktop app's folder dialog (only where the API has one): the chosen folder fills the field. */
  chooseFolder(): Promise<void>;
  setConsent(consent: boolean): void;
  receiveProgress(progress: EventOf<'people.importProgress'>): void;
  /** `consentTextVersion`: the site's version the operator confirmed. */
  start(consentTextVersion: string): Promise<void>;
}

/** Bulk import from a folder on the engine's machine: progress bar and a per-file report. */
export const useBulkImport = create<BulkImportSlice>()((set, get) => ({
  folder: '',
  consent: false,
  running: false,
  progress: null,
  report: null,
  error: null,
  setFolder(folder) {
    // A confirmation is about one folder's people: another folder needs its own.
    set((s) => ({ folder, consent: folder === s.folder ? s.consent : false }));
  },
  async chooseFolder() {
    const api = getApi();
    if (!api.pickFolder || get().running) return;
    try {
      const folder = await api.pickFolder();
      if (folder !== null) get().setFolder(folder);
    } catch (error) {
      set({ error: describeError(error) });
    }
  },
  setConsent(consent) {
    set({ consent });
  },
  receiveProgress(progress) {
    if (get().running) set({ progress });
  },
  async start(consentTextVersion) {
    const folder = get().folder.trim();
    if (!folder || get().running) return;
    if (!get().consent) {
      set({ error: 'Confirm that everyone in the folder has given consent before importing.' });
      return;
    }
    set({ running: true, progress: null, report: null, error: null });
    try {
      const report = await getApi().invoke('people.importFolder', { folder, consent: { confirmed: true, textVersion: consentTextVersion } });
      set({ running: false, report, consent: false });
      void usePeople.getState().load();
    } catch (error) {
      set({ running: false, error: describeError(error) });
    }
  },
}));
