import { create } from 'zustand';
import type { FaceSearchResult, LastSeenSubject, PhotoInput, Sighting } from '../../../src-preload/contract';
import { describeError, getApi } from '../api';

export interface LastSeenAnswer {
  subject: LastSeenSubject;
  sightings: Sighting[];
}

export interface SearchFilters {
  /** datetime-local values ("2026-12-04T08:30"), local time; empty: open-ended. */
  from: string;
  to: string;
  /** Camera names; empty: every camera. */
  cameras: string[];
}

/** The latest sighting among the answers: the camera a guard looks at first (the Live wall highlights it). */
export function latestSighting(answers: readonly LastSeenAnswer[]): Sighting | null {
  let latest: Sighting | null = null;
  for (const answer of answers) {
    for (const s of answer.sightings) if (!latest || s.lastSeen > latest.lastSeen) latest = s;
  }
  return latest;
}

/** How a subject is named on screen: "Colin Powell (E-POW)", "Unknown person #12". */
export function subjectTitle(subject: LastSeenSubject): string {
  return subject.kind === 'member' ? `${subject.name}${subject.employeeCode ? ` (${subject.employeeCode})` : ''}` : `Unknown person #${subject.clusterId}`;
}

/** A datetime-local value as an ISO time (the browser's time zone); empty stays open-ended. */
export function localToIso(value: string): string | undefined {
  if (!value) return undefined;
  const ms = new Date(value).getTime();
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

/** Problems with the filters in plain words (before anything is sent), or null. */
export function filterProblem(filters: SearchFilters): string | null {
  const from = localToIso(filters.from), to = localToIso(filters.to);
  if (from && to && from > to) return 'The time range is backwards: "from" is after "to".';
  return null;
}

function requestFilters(filters: SearchFilters) {
  return { since: localToIso(filters.from), until: localToIso(filters.to), ...(filters.cameras.length > 0 ? { cameras: filters.cameras } : {}) };
}

interface LastSeenSlice {
  query: string;
  answers: LastSeenAnswer[];
  /** The query the answers are for (null before the first search). */
  answeredQuery: string | null;
  loading: boolean;
  error: string | null;
  /**
   * The camera to highlight on the Live wall: the latest sighting's camera of the last answer,
   * or one the operator picked from a search result. The wall reads this; nothing else sets it.
   */
  highlightCameraId: number | null;
  /** Who the highlighted camera last saw (the tile's label), e.g. "Colin Powell (E-POW)" or "Unknown person #12". */
  highlightLabel: string | null;
  setQuery(query: string): void;
  search(query?: string): Promise<void>;
  highlightCamera(cameraId: number | null, label?: string | null): void;
  clear(): void;
}

/** "When was X last seen" (the Events tab's search box; the Live wall's search box uses the same slice). */
export const useLastSeen = create<LastSeenSlice>()((set, get) => ({
  query: '',
  answers: [],
  answeredQuery: null,
  loading: false,
  error: null,
  highlightCameraId: null,
  highlightLabel: null,
  setQuery(query) {
    set({ query });
  },
  async search(query = get().query) {
    const text = query.trim();
    if (!text) {
      set({ answers: [], answeredQuery: null, error: null, highlightCameraId: null, highlightLabel: null });
      return;
    }
    set({ loading: true, error: null, query });
    try {
      const { subjects } = await getApi().invoke('sightings.lastSeen', { query: text, limit: 20 });
      // A later search may have started meanwhile: only the answer to the query on screen is shown.
      if (get().query.trim() !== text) return;
      const latest = latestSighting(subjects);
      const seenBy = latest ? subjects.find((a) => a.sightings.includes(latest)) : undefined;
      const onWall = latest !== null && latest.cameraId > 0;
      set({
        answers: subjects,
        answeredQuery: text,
        loading: false,
        highlightCameraId: onWall ? latest.cameraId : null,
        highlightLabel: onWall && seenBy ? subjectTitle(seenBy.subject) : null,
      });
    } catch (error) {
      if (get().query.trim() === text) set({ loading: false, error: describeError(error) });
    }
  },
  highlightCamera(cameraId, label = null) {
    set({ highlightCameraId: cameraId, highlightLabel: cameraId === null ? null : label });
  },
  clear() {
    set({ query: '', answers: [], answeredQuery: null, error: null, highlightCameraId: null, highlightLabel: null, loading: false });
  },
}));

interface FaceSearchSlice {
  /** The photo searched with: kept in this window's memory only (to choose another of its faces), never stored. */
  photo: PhotoInput | null;
  /** A kept face of an unknown person used as the probe instead of a photo. */
  clusterFaceId: number | null;
  /** A sighting whose kept snapshot is the probe (decrypted by the engine for the call; never sent here). */
  snapshotSightingId: number | null;
  filters: SearchFilters;
  result: FaceSearchResult | null;
  loading: boolean;
  error: string | null;
  setFilters(filters: Partial<SearchFilters>): void;
  searchPhoto(photo: PhotoInput): Promise<void>;
  searchClusterFace(faceId: number): Promise<void>;
  searchSightingSnapshot(sightingId: number): Promise<void>;
  chooseFace(index: number): Promise<void>;
  /** Runs the current probe again (after the filters changed). */
  again(): Promise<void>;
  clear(): void;
}

export const useFaceSearch = create<FaceSearchSlice>()((set, get) => {
  let generation = 0;
  async function run(
    source: { kind: 'photo'; photo: PhotoInput; faceIndex?: number } | { kind: 'clusterFace'; faceId: number } | { kind: 'sightingSnapshot'; sightingId: number; faceIndex?: number },
  ) {
    const problem = filterProblem(get().filters);
    if (problem) {
      set({ error: problem, result: null });
      return;
    }
    const mine = ++generation;
    set({ loading: true, error: null });
    try {
      const result = await getApi().invoke('search.face', { source, ...requestFilters(get().filters) });
      if (mine === generation) set({ result, loading: false });
    } catch (error) {
      if (mine === generation) set({ result: null, loading: false, error: describeError(error) });
    }
  }
  return {
    photo: null,
    clusterFaceId: null,
    snapshotSightingId: null,
    filters: { from: '', to: '', cameras: [] },
    result: null,
    loading: false,
    error: null,
    setFilters(filters) {
      set((s) => ({ filters: { ...s.filters, ...filters } }));
    },
    async searchPhoto(photo) {
      set({ photo, clusterFaceId: null, snapshotSightingId: null, result: null });
      await run({ kind: 'photo', photo });
    },
    async searchClusterFace(faceId) {
      set({ photo: null, clusterFaceId: faceId, snapshotSightingId: null, result: null });
      await run({ kind: 'clusterFace', faceId });
    },
    async searchSightingSnapshot(sightingId) {
      set({ photo: null, clusterFaceId: null, snapshotSightingId: sightingId, result: null });
      await run({ kind: 'sightingSnapshot', sightingId });
    },
    async chooseFace(index) {
      const { photo, snapshotSightingId } = get();
      if (photo) await run({ kind: 'photo', photo, faceIndex: index });
      else if (snapshotSightingId !== null) await run({ kind: 'sightingSnapshot', sightingId: snapshotSightingId, faceIndex: index });
    },
    async again() {
      const { photo, clusterFaceId, snapshotSightingId, result } = get();
      if (photo) await run({ kind: 'photo', photo, faceIndex: result?.chosenFace ?? undefined });
      else if (snapshotSightingId !== null) await run({ kind: 'sightingSnapshot', sightingId: snapshotSightingId, faceIndex: result?.chosenFace ?? undefined });
      else if (clusterFaceId !== null) await run({ kind: 'clusterFace', faceId: clusterFaceId });
    },
    clear() {
      generation++;
      set({ photo: null, clusterFaceId: null, snapshotSightingId: null, result: null, loading: false, error: null });
    },
  };
});
