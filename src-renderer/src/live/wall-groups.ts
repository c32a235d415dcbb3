/**
 * Camera groups on the guard's wall ("Gate", "Lobby") and the tour that cycles them.
 *
 * Pure rules (no DOM, no storage): the store in store/wall.ts applies them and LiveView shows
 * the result, so every rule here is tested with tables in test/unit/wall-groups.test.ts.
 */
import { camerasPerPage, type WallLayoutId } from './wall-layout';

export interface CameraGroup {
  /** Stable id ("g1", "g2"…): the name can change, the choice and the tour follow the id. */
  id: string;
  name: string;
  /** Members in no particular order (the wall order decides); ids of removed cameras are pruned (pruneGroupCameras). */
  cameraIds: number[];
}

export const GROUP_NAME_MAX = 40;
/** Enough for any real site; bounds what a corrupted save can make the wall carry. */
export const GROUPS_MAX = 50;

export type GroupErrorCode = 'GROUP_NAME_EMPTY' | 'GROUP_NAME_TAKEN' | 'GROUP_NOT_FOUND' | 'GROUPS_FULL';

/** What each code means, in words for the guard. */
export const groupErrorWords: Record<GroupErrorCode, string> = {
  GROUP_NAME_EMPTY: 'Give the group a name.',
  GROUP_NAME_TAKEN: 'Another group already has this name.',
  GROUP_NOT_FOUND: 'This group no longer exists.',
  GROUPS_FULL: `At most ${GROUPS_MAX} groups.`,
};

export type GroupNameResult = { ok: true; name: string } | { ok: false; code: GroupErrorCode };

/** A name as shown and saved: spaces trimmed and collapsed, at most 40 characters; null when nothing is left. */
export function cleanGroupName(name: unknown): string | null {
  if (typeof name !== 'string') return null;
  const cleaned = name.replace(/\s+/g, ' ').trim().slice(0, GROUP_NAME_MAX).trimEnd();
  return cleaned || null;
}

/**
 * A name checked against the other groups: names are unique ignoring case ("gate" and "Gate"
 * would be the same entry in the selector). `exceptId`: the group being renamed may keep its own name.
 */
export function checkGroupName(name: unknown, groups: readonly CameraGroup[], exceptId: string | null = null): GroupNameResult {
  const cleaned = cleanGroupName(name);
  if (!cleaned) return { ok: false, code: 'GROUP_NAME_EMPTY' };
  const key = cleaned.toLocaleLowerCase();
  if (groups.some((g) => g.id !== exceptId && g.name.toLocaleLowerCase() === key)) return { ok: false, code: 'GROUP_NAME_TAKEN' };
  return { ok: true, name: cleaned };
}

/** The next free id: one past the highest "g<n>" in use (never reuses a deleted group's id while a later one exists). */
export function newGroupId(groups: readonly CameraGroup[]): string {
  let highest = 0;
  for (const g of groups) {
    const match = /^g(\d+)$/.exec(g.id);
    if (match) highest = Math.max(highest, Number(match[1]));
  }
  return `g${highest + 1}`;
}

/** The group with this id, or undefined (null, deleted, never existed). */
export function findGroup(groups: readonly CameraGroup[], groupId: string | null): CameraGroup | undefined {
  return groupId === null ? undefined : groups.find((g) => g.id === groupId);
}

/**
 * The camera ids the wall shows, in wall order. `orderedIds` are the cameras present now, in wall
 * order. A group shows its members that are present; no group, an unknown group, or a group with
 * no camera present shows every camera (the wall is never blank because of a group).
 */
export function camerasInView(orderedIds: readonly number[], groups: readonly CameraGroup[], groupId: string | null): number[] {
  const group = findGroup(groups, groupId);
  if (!group) return orderedIds.slice();
  const members = new Set(group.cameraIds);
  const shown = orderedIds.filter((id) => members.has(id));
  return shown.length > 0 ? shown : orderedIds.slice();
}

/** The group actually in view: the chosen one if it exists and has a camera present, else null (all cameras). */
export function groupInView(orderedIds: readonly number[], groups: readonly CameraGroup[], groupId: string | null): string | null {
  const group = findGroup(groups, groupId);
  if (!group) return null;
  const present = new Set(orderedIds);
  return group.cameraIds.some((id) => present.has(id)) ? group.id : null;
}

/** The groups the tour visits, in the groups' order: those with at least one camera present (an empty one would repeat "all"). */
export function touredGroupIds(orderedIds: readonly number[], groups: readonly CameraGroup[]): string[] {
  return groups.filter((g) => groupInView(orderedIds, groups, g.id) !== null).map((g) => g.id);
}

/** How many pages `cameraCount` cameras take in a layout (at least 1). Same count as planWall's. */
export function pageCountFor(layout: WallLayoutId, cameraCount: number): number {
  return Math.max(1, Math.ceil(cameraCount / camerasPerPage(layout, cameraCount)));
}

export interface TourStop {
  /** null: all cameras. */
  groupId: string | null;
  page: number;
}

/**
 * The views the tour cycles through, in order. "All cameras" (null) comes first when the guard
 * keeps it in the tour (the default: a camera in no group is then still toured), or when no group
 * has a camera present; then each toured group. Without "All cameras" the tour is groups only.
 */
export function tourCycle(touredIds: readonly string[], includeAll: boolean): Array<string | null> {
  return includeAll || touredIds.length === 0 ? [null, ...touredIds] : [...touredIds];
}

/**
 * The tour's next stop. The remaining pages of the current view come first; then the next view of
 * the cycle (see tourCycle) at its first page; a view not in the cycle (a group not toured, or all
 * cameras when left out) goes to the cycle's first view. `pagesOf` gives a view's page count.
 */
export function nextTourStop(current: TourStop, touredIds: readonly string[], pagesOf: (groupId: string | null) => number, includeAll = true): TourStop {
  const pages = Math.max(1, Math.floor(pagesOf(current.groupId)));
  const page = Math.max(0, Math.floor(current.page));
  if (page + 1 < pages) return { groupId: current.groupId, page: page + 1 };
  const cycle = tourCycle(touredIds, includeAll);
  const index = cycle.indexOf(current.groupId);
  return { groupId: cycle[(index + 1) % cycle.length]!, page: 0 };
}

/** Whether a tour has anywhere to go: more than one stop in its cycle. */
export function tourHasStops(current: TourStop, touredIds: readonly string[], pagesOf: (groupId: string | null) => number, includeAll = true): boolean {
  const next = nextTourStop(current, touredIds, pagesOf, includeAll);
  return next.groupId !== current.groupId || next.page !== current.page;
}

/**
 * The camera one visible place before (-1) or after (+1) `id` among the cameras shown, or null at
 * either end. Moving within a group swaps with a visible neighbour, not with a hidden camera.
 */
export function visibleNeighbour(shownIds: readonly number[], id: number, by: -1 | 1): number | null {
  const index = shownIds.indexOf(id);
  if (index < 0) return null;
  return shownIds[index + by] ?? null;
}

function isCameraId(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0;
}

/** Distinct camera ids (positive integers), first occurrence kept; anything else dropped. */
export function cleanCameraIds(value: unknown): number[] {
  return Array.isArray(value) ? [...new Set(value.filter(isCameraId))] : [];
}

/**
 * Groups without the ids of cameras that no longer exist (`presentIds`: every configured camera).
 * Run when a camera is removed and when a saved wall meets the camera list, so a removed camera's
 * id never lingers (SQLite may hand the same id to a camera added later, which would then join
 * the old camera's groups). Returns `groups` itself when nothing changes (no needless re-render
 * or save).
 */
export function pruneGroupCameras(groups: readonly CameraGroup[], presentIds: readonly number[]): readonly CameraGroup[] {
  const present = new Set(presentIds);
  let changed = false;
  const pruned = groups.map((g) => {
    const kept = g.cameraIds.filter((id) => present.has(id));
    if (kept.length === g.cameraIds.length) return g;
    changed = true;
    return { ...g, cameraIds: kept };
  });
  return changed ? pruned : groups;
}

/**
 * Groups read back from storage, whatever is there: each kept only with a string id and a usable
 * name; a repeated id or a name already taken (ignoring case) drops the later one.
 */
export function readGroups(saved: unknown): CameraGroup[] {
  if (!Array.isArray(saved)) return [];
  const groups: CameraGroup[] = [];
  for (const item of saved) {
    if (groups.length >= GROUPS_MAX) break;
    if (typeof item !== 'object' || item === null) continue;
    const value = item as Record<string, unknown>;
    if (typeof value.id !== 'string' || !value.id || value.id.length > 64 || groups.some((g) => g.id === value.id)) continue;
    const name = checkGroupName(value.name, groups);
    if (!name.ok) continue;
    groups.push({ id: value.id, name: name.name, cameraIds: cleanCameraIds(value.cameraIds) });
  }
  return groups;
}
