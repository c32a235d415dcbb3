import { create } from 'zustand';
import { createJSONStorage, persist, type StateStorage } from 'zustand/middleware';
import { arrangeCameras, isWallLayoutId, moveCamera, type WallLayoutId } from '../live/wall-layout';
import { checkGroupName, cleanCameraIds, GROUPS_MAX, newGroupId, pruneGroupCameras, readGroups, type CameraGroup, type GroupErrorCode } from '../live/wall-groups';

/**
 * Bump when the saved shape changes; older saved walls are then read through `readSavedWall`.
 * 1: layout, order, tourSeconds. 2: + groups, groupId. 3: + tourIncludesAll.
 */
export const WALL_STORAGE_VERSION = 3;
export const WALL_STORAGE_KEY = 'vigil.wall';

/** Seconds per page of the page tour; 0 is off. */
export const tourChoices = [0, 10, 20, 30, 60] as const;

interface SavedWall {
  layout: WallLayoutId;
  /** Page tour: the wall turns to the next page every this many seconds (0: off). */
  tourSeconds: number;
  /** Camera ids in wall order (ids of removed cameras are ignored when read). */
  order: number[];
  /** Camera groups ("Gate", "Lobby"), in the order the selector and the tour use. */
  groups: CameraGroup[];
  /** The group shown, or null for all cameras. */
  groupId: string | null;
  /**
   * With groups, the tour also shows "All cameras" (first in its cycle), so a camera in no group
   * is still toured. On by default; a guard who wants a tour of the groups only turns it off.
   */
  tourIncludesAll: boolean;
}

export type GroupResult = { ok: true; id: string } | { ok: false; code: GroupErrorCode };

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
  setTourIncludesAll(on: boolean): void;
  /**
   * Forgets cameras that no longer exist (`presentIds`: every configured camera, the full list):
   * their ids leave the groups. Called when the camera list loads or changes (a removal, a saved
   * wall from before a camera was removed elsewhere).
   */
  pruneCameras(presentIds: readonly number[]): void;
  /** A new, empty group (not chosen: the guard ticks its cameras first). */
  createGroup(name: string): GroupResult;
  renameGroup(groupId: string, name: string): GroupResult;
  /** Deleting the group in view goes back to all cameras. */
  deleteGroup(groupId: string): void;
  setGroupCameras(groupId: string, cameraIds: readonly number[]): GroupResult;
  /** Shows one group (null: all cameras) from its first page. */
  chooseGroup(groupId: string | null): void;
  /** A tour stop: a group and a page at once (one render, no flash of the wrong page). */
  showStop(groupId: string | null, page: number): void;
}

/** A saved wall from any version, or anything else found in storage: only what is valid survives. */
export function readSavedWall(saved: unknown): SavedWall {
  const value = (typeof saved === 'object' && saved !== null ? saved : {}) as Record<string, unknown>;
  const layout = isWallLayoutId(value.layout) ? value.layout : 'auto';
  const order = Array.isArray(value.order) ? value.order.filter((id): id is number => Number.isInteger(id)) : [];
  const tourSeconds = (tourChoices as readonly unknown[]).includes(value.tourSeconds) ? (value.tourSeconds as number) : 0;
  // Version 1 had no groups: they read as none, all cameras shown.
  const groups = readGroups(value.groups);
  const groupId = typeof value.groupId === 'string' && groups.some((g) => g.id === value.groupId) ? value.groupId : null;
  // Versions 1 and 2 had no choice: "All cameras" is in the tour, as it is by default.
  const tourIncludesAll = typeof value.tourIncludesAll === 'boolean' ? value.tourIncludesAll : true;
  return { layout, order, tourSeconds, groups, groupId, tourIncludesAll };
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
      groups: [],
      groupId: null,
      tourIncludesAll: true,
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
      setTourIncludesAll(on) {
        set({ tourIncludesAll: on });
      },
      pruneCameras(presentIds) {
        const { groups } = get();
        const pruned = pruneGroupCameras(groups, presentIds);
        if (pruned !== groups) set({ groups: [...pruned] });
      },
      createGroup(name) {
        const { groups } = get();
        if (groups.length >= GROUPS_MAX) return { ok: false, code: 'GROUPS_FULL' };
        const checked = checkGroupName(name, groups);
        if (!checked.ok) return checked;
        const id = newGroupId(groups);
        set({ groups: [...groups, { id, name: checked.name, cameraIds: [] }] });
        return { ok: true, id };
      },
      renameGroup(groupId, name) {
        const { groups } = get();
        if (!groups.some((g) => g.id === groupId)) return { ok: false, code: 'GROUP_NOT_FOUND' };
        const checked = checkGroupName(name, groups, groupId);
        if (!checked.ok) return checked;
        set({ groups: groups.map((g) => (g.id === groupId ? { ...g, name: checked.name } : g)) });
        return { ok: true, id: groupId };
      },
      deleteGroup(groupId) {
        const { groups, groupId: chosen } = get();
        set({ groups: groups.filter((g) => g.id !== groupId), ...(chosen === groupId ? { groupId: null, page: 0 } : {}) });
      },
      setGroupCameras(groupId, cameraIds) {
        const { groups } = get();
        if (!groups.some((g) => g.id === groupId)) return { ok: false, code: 'GROUP_NOT_FOUND' };
        set({ groups: groups.map((g) => (g.id === groupId ? { ...g, cameraIds: cleanCameraIds(cameraIds) } : g)) });
        return { ok: true, id: groupId };
      },
      chooseGroup(groupId) {
        const known = groupId !== null && get().groups.some((g) => g.id === groupId);
        set({ groupId: known ? groupId : null, page: 0, maximised: null });
      },
      showStop(groupId, page) {
        const known = groupId !== null && get().groups.some((g) => g.id === groupId);
        set({ groupId: known ? groupId : null, page: Math.max(0, Math.floor(page)) });
      },
    }),
    {
      name: WALL_STORAGE_KEY,
      version: WALL_STORAGE_VERSION,
      storage: safeStorage(),
      partialize: (s): SavedWall => ({ layout: s.layout, order: s.order, tourSeconds: s.tourSeconds, groups: s.groups, groupId: s.groupId, tourIncludesAll: s.tourIncludesAll }),
      migrate: (saved) => readSavedWall(saved),
      merge: (saved, current) => ({ ...current, ...readSavedWall(saved) }),
    },
  ),
);
