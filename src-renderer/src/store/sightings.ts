import { create } from 'zustand';
import type { Sighting } from '../../../src-preload/contract';
import { describeError, getApi } from '../api';

/** How many rows the feed keeps in memory. */
export const FEED_LIMIT = 200;

interface SightingsSlice {
  items: Sighting[];
  loading: boolean;
  loaded: boolean;
  error: string | null;
  load(): Promise<void>;
  upsert(sighting: Sighting): void;
  /** Drops an erased person's sightings from the feed. */
  forgetPerson(personId: number): void;
}

function time(iso: string): number {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? 0 : t;
}

/** Newest visit first (by first seen, then id); an updated visit keeps its place. */
export function sortFeed(items: Sighting[]): Sighting[] {
  return items.sort((a, b) => time(b.firstSeen) - time(a.firstSeen) || b.id - a.id);
}

function merge(current: Sighting[], incoming: Sighting[]): Sighting[] {
  const byId = new Map<number, Sighting>();
  for (const s of current) byId.set(s.id, s);
  for (const s of incoming) {
    const existing = byId.get(s.id);
    // Keep whichever copy saw the visit last (events can race the list call).
    const newer =
      !existing ||
      time(s.lastSeen) > time(existing.lastSeen) ||
      (time(s.lastSeen) === time(existing.lastSeen) && s.frames >= existing.frames);
    if (newer) byId.set(s.id, s);
  }
  return sortFeed([...byId.values()]).slice(0, FEED_LIMIT);
}

export const useSightings = create<SightingsSlice>()((set) => ({
  items: [],
  loading: false,
  loaded: false,
  error: null,
  async load() {
    set({ loading: true });
    try {
      const list = await getApi().invoke('sightings.list', { limit: 100 });
      // Merge rather than replace, so live updates that raced the call survive.
      set((s) => ({ items: merge(s.items, list), loading: false, loaded: true, error: null }));
    } catch (error) {
      set({ loading: false, error: describeError(error) });
    }
  },
  upsert(sighting) {
    set((s) => ({ items: merge(s.items, [sighting]) }));
  },
  forgetPerson(personId) {
    // An erased person's sightings are gone from the engine; a later load merges and would not drop them.
    set((s) => ({ items: s.items.filter((item) => item.personId !== personId) }));
  },
}));
