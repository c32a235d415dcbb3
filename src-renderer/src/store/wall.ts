import { create } from 'zustand';
import { createJSONStorage, persist, type StateStorage } from 'zustand/middleware';
import { arrangeCameras, isWallLayoutId, moveCamera, type WallLayoutId } from '../live/wall-layout';

/** Bump when the saved shape changes; older saved walls are then read through `readSavedWall`. */
export const WALL_STORAGE_VERSION = 1;
export const WALL_STORAGE_KEY = 'vigil.wall';

/** Seconds per page of the page tour; 0 is off. */
export const tourChoices = [0, 10, 20, 30, 60] as const;

interface SavedWall {
  layout: WallLayoutId;
  /** Page tour: the wall turns to the next page every this many seconds (0: off). */
  tourSeconds: number;
  /** Camera ids in wall order (ids of removed cameras are ignored when read). */
  order: number[];
}

interface WallSlice extends SavedWall {
  /** The page shown when there are more cameras than cells. */
  page: number;
  /** The camera shown alone over the whole wall, or null for the grid. */
  maximised: number | null;
  /** Wall only: the tab bar is hidden (and the window fullscreen where the browser allows it). */
  fullscreen: boolean;
  /** "Details": scores on the labels. */
  showScores: boolean;

  setLayout(layout: WallLayoutId): void;
  setPage(page: number): void;
  /** Moves a camera one place in the wall order; `cameraIds` are the cameras present now. */
  move(cameraId: number, by: -1 | 1, cameraIds: readonly number[]): void;
  /** Puts `cameraId` where `targetId` is (drag and drop). */
  moveTo(cameraId: number, targetId: number, cameraIds: readonly number[]): void;
  maximise(cameraId: number | null): void;
  setFullscreen(on: boolean): void;
  setShowScores(on: boolean): void;
  setTour(seconds: number): void;
}

/** A saved wall from any version, or anything else found in storage: only what is valid survives. */
export function readSavedWall(saved: unknown): SavedWall {
  const value = (typeof saved === 'object' && saved !== null ? saved : {}) as Record<string, unknown>;
  const layout = isWallLayoutId(value.layout) ? value.layout : 'auto';
  const order = Array.isArray(value.order) ? value.order.filter((id): id is number => Number.isInteger(id)) : [];
  const tourSeconds = (tourChoices as readonly unknown[]).includes(value.tourSeconds) ? (value.tourSeconds as number) : 0;
  return { layout, order, tourSeconds };
}

function safeStorage() {
  // Node (unit tests) and locked-down browsers have no localStorage: the wall then simply is not saved.
  // (Looked up on globalThis: this file is also type-checked without the DOM library, for the unit tests.)
  const storage = (globalThis as { localStorage?: StateStorage }).localStorage;
  return createJSONStorage<SavedWall>(() => storage ?? { getItem: () => null, setItem: () => undefined, removeItem: () => undefined });
}

export const useWall = create<WallSlice>()(
  persist(
    (set, get) => ({
      layout: 'auto',
      order: [],
      tourSeconds: 0,
      page: 0,
      maximised: null,
      fullscreen: false,
      showScores: false,
      setLayout(layout) {
        set({ layout, page: 0 });
      },
      setPage(page) {
        set({ page: Math.max(0, Math.floor(page)) });
      },
      move(cameraId, by, cameraIds) {
        set({ order: moveCamera(arrangeCameras(get().order, cameraIds), cameraId, by) });
      },
      moveTo(cameraId, targetId, cameraIds) {
        const order = arrangeCameras(get().order, cameraIds);
        const from = order.indexOf(cameraId);
        const to = order.indexOf(targetId);
        if (from < 0 || to < 0 || from === to) return;
        order.splice(from, 1);
        order.splice(to, 0, cameraId);
        set({ order });
      },
      maximise(cameraId) {
        set({ maximised: cameraId });
      },
      setFullscreen(on) {
        set({ fullscreen: on });
      },
      setShowScores(on) {
        set({ showScores: on });
      },
      setTour(seconds) {
        set({ tourSeconds: (tourChoices as readonly number[]).includes(seconds) ? seconds : 0 });
      },
    }),
    {
      name: WALL_STORAGE_KEY,
      version: WALL_STORAGE_VERSION,
      storage: safeStorage(),
      partialize: (s): SavedWall => ({ layout: s.layout, order: s.order, tourSeconds: s.tourSeconds }),
      migrate: (saved) => readSavedWall(saved),
      merge: (saved, current) => ({ ...current, ...readSavedWall(saved) }),
    },
  ),
);
