import { create } from 'zustand';
import { channels, type Camera, type CameraCredentials, type CameraHealth, type RequestOf } from '../../../src-preload/contract';
import { describeError, getApi } from '../api';
import { firstIssue } from '../lib/format';

export type CameraAction = 'start' | 'stop' | 'remove' | 'restrict' | 'credentials' | 'edit';

/** What the edit form sends (absent fields: unchanged). */
export type CameraPatch = Omit<RequestOf<'cameras.update'>, 'id'>;

interface CamerasSlice {
  cameras: Camera[];
  loading: boolean;
  loaded: boolean;
  error: string | null;
  adding: boolean;
  addError: string | null;
  /** Camera id -> the action in flight. */
  busy: Record<number, CameraAction>;
  /** Camera id -> the last action's error message. */
  actionErrors: Record<number, string>;
  confirmingRemoval: number | null;
  /** The camera whose edit form is open (one at a time). */
  editing: number | null;
  editError: string | null;

  load(options?: { quiet?: boolean }): Promise<void>;
  add(request: RequestOf<'cameras.add'>): Promise<boolean>;
  clearAddError(): void;
  start(id: number): Promise<void>;
  stop(id: number): Promise<void>;
  askRemove(id: number | null): void;
  remove(id: number): Promise<void>;
  setRestricted(id: number, restricted: boolean): Promise<void>;
  /** Replaces (null: removes) a camera's user name and password; they are never read back. Resolves true on success. */
  setCredentials(id: number, credentials: CameraCredentials | null): Promise<boolean>;
  applyHealth(cameraId: number, health: CameraHealth): void;
  openEdit(id: number | null): void;
  clearEditError(): void;
  /** Edits a camera in place (it keeps its id, history and settings); resolves true on success. */
  update(id: number, patch: CameraPatch): Promise<boolean>;
}

const fieldNames: Record<string, string> = {
  name: 'Name',
  'source.url': 'URL',
  'source.subStreamUrl': 'Sub-stream URL',
  'source.path': 'File path',
  'source.device': 'Device',
  'credentials.username': 'User name',
  'credentials.password': 'Password',
  detectFps: 'Detection FPS',
  subStreamUrl: 'Sub-stream URL',
};

function replace(cameras: Camera[], camera: Camera): Camera[] {
  const index = cameras.findIndex((c) => c.id === camera.id);
  if (index < 0) return [...cameras, camera];
  const next = cameras.slice();
  next[index] = camera;
  return next;
}

export const useCameras = create<CamerasSlice>()((set, get) => {
  async function act(id: number, action: CameraAction, run: () => Promise<void>) {
    set((s) => {
      const actionErrors = { ...s.actionErrors };
      delete actionErrors[id];
      return { busy: { ...s.busy, [id]: action }, actionErrors };
    });
    try {
      await run();
    } catch (error) {
      set((s) => ({ actionErrors: { ...s.actionErrors, [id]: describeError(error) } }));
    } finally {
      set((s) => {
        const busy = { ...s.busy };
        delete busy[id];
        return { busy };
      });
    }
  }

  return {
    cameras: [],
    loading: false,
    loaded: false,
    error: null,
    adding: false,
    addError: null,
    busy: {},
    actionErrors: {},
    confirmingRemoval: null,
    editing: null,
    editError: null,

    async load(options) {
      if (!options?.quiet) set({ loading: true });
      try {
        const cameras = await getApi().invoke('cameras.list', {});
        set({ cameras, loading: false, loaded: true, error: null });
      } catch (error) {
        // A failed background refresh keeps the list we have.
        if (options?.quiet && get().loaded) return set({ loading: false });
        set({ loading: false, error: describeError(error) });
      }
    },

    async add(request) {
      const fps = request.detectFps;
      if (fps !== undefined && !(Number.isFinite(fps) && fps >= 0.5 && fps <= 30)) {
        set({ addError: 'Detection FPS: enter a number from 0.5 to 30.' });
        return false;
      }
      const checked = channels['cameras.add'].request.safeParse(request);
      if (!checked.success) {
        set({ addError: firstIssue(checked.error.issues, fieldNames) });
        return false;
      }
      set({ adding: true, addError: null });
      try {
        const camera = await getApi().invoke('cameras.add', request);
        set((s) => ({ cameras: replace(s.cameras, camera), adding: false, loaded: true }));
        return true;
      } catch (error) {
        set({ adding: false, addError: describeError(error) });
        return false;
      }
    },

    clearAddError: () => set({ addError: null }),

    start: (id) =>
      act(id, 'start', async () => {
        const camera = await getApi().invoke('cameras.start', { id });
        set((s) => ({ cameras: replace(s.cameras, camera) }));
      }),

    stop: (id) =>
      act(id, 'stop', async () => {
        const camera = await getApi().invoke('cameras.stop', { id });
        set((s) => ({ cameras: replace(s.cameras, camera) }));
      }),

    setRestricted: (id, restricted) =>
      act(id, 'restrict', async () => {
        const camera = await getApi().invoke('cameras.setRestricted', { id, restricted });
        set((s) => ({ cameras: replace(s.cameras, camera) }));
      }),

    async setCredentials(id, credentials) {
      let ok = false;
      await act(id, 'credentials', async () => {
        const camera = await getApi().invoke('cameras.setCredentials', { id, credentials });
        set((s) => ({ cameras: replace(s.cameras, camera) }));
        ok = true;
      });
      return ok;
    },

    askRemove: (id) => set({ confirmingRemoval: id }),

    remove: (id) =>
      act(id, 'remove', async () => {
        await getApi().invoke('cameras.remove', { id });
        set((s) => ({ cameras: s.cameras.filter((c) => c.id !== id), confirmingRemoval: null }));
      }),

    openEdit: (id) => set({ editing: id, editError: null }),

    clearEditError: () => set({ editError: null }),

    async update(id, patch) {
      const fps = patch.detectFps;
      if (fps !== undefined && !(Number.isFinite(fps) && fps >= 0.5 && fps <= 30)) {
        set({ editError: 'Detection FPS: enter a number from 0.5 to 30.' });
        return false;
      }
      const request = { id, ...patch };
      const checked = channels['cameras.update'].request.safeParse(request);
      if (!checked.success) {
        set({ editError: firstIssue(checked.error.issues, fieldNames) });
        return false;
      }
      if (get().busy[id]) return false;
      set((s) => ({ busy: { ...s.busy, [id]: 'edit' }, editError: null }));
      try {
        const camera = await getApi().invoke('cameras.update', request);
        set((s) => ({ cameras: replace(s.cameras, camera), editing: s.editing === id ? null : s.editing }));
        return true;
      } catch (error) {
        set({ editError: describeError(error) });
        return false;
      } finally {
        set((s) => {
          const busy = { ...s.busy };
          delete busy[id];
          return { busy };
        });
      }
    },

    applyHealth(cameraId, health) {
      set((s) => {
        const camera = s.cameras.find((c) => c.id === cameraId);
        if (!camera) return {};
        return { cameras: replace(s.cameras, { ...camera, health }) };
      });
    },
  };
});
