import { create } from 'zustand';
import type { EventOf, FolderImportReport } from '../../../src-preload/contract';
import { describeError, getApi } from '../api';
import { usePeople } from './people';

interface BulkImportSlice {
  folder: string;
  running: boolean;
  progress: EventOf<'people.importProgress'> | null;
  report: FolderImportReport | null;
  error: string | null;
  setFolder(folder: string): void;
  receiveProgress(progress: EventOf<'people.importProgress'>): void;
  start(): Promise<void>;
}

/** Bulk import from a folder on the engine's machine: progress bar and a per-file report. */
export const useBulkImport = create<BulkImportSlice>()((set, get) => ({
  folder: '',
  running: false,
  progress: null,
  report: null,
  error: null,
  setFolder(folder) {
    set({ folder });
  },
  receiveProgress(progress) {
    if (get().running) set({ progress });
  },
  async start() {
    const folder = get().folder.trim();
    if (!folder || get().running) return;
    set({ running: true, progress: null, report: null, error: null });
    try {
      const report = await getApi().invoke('people.importFolder', { folder });
      set({ running: false, report });
      void usePeople.getState().load();
    } catch (error) {
      set({ running: false, error: describeError(error) });
    }
  },
}));
