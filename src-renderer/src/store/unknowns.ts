import { create } from 'zustand';
import type { Person, RequestOf, Snapshot, UnknownCluster } from '../../../src-preload/contract';
import { describeError, getApi } from '../api';
import { usePeople } from './people';

/** What a card's form is doing: naming, converting, blocklisting or merging. */
export type ReviewMode = 'visitor' | 'member' | 'blocked' | 'merge';

interface UnknownsSlice {
  clusters: UnknownCluster[];
  /** Why snapshots cannot be shown or saved (lost key), else null. */
  snapshotsProblem: string | null;
  loading: boolean;
  loaded: boolean;
  error: string | null;
  /** Cluster id -> its decrypted snapshot (fetched once per card). */
  snapshots: Record<number, Snapshot | 'loading'>;
  /** Cluster id -> the form open on its card. */
  modes: Record<number, ReviewMode>;
  busy: Record<number, boolean>;
  actionErrors: Record<number, string>;
  /** Last action's result in plain words (shown and announced). */
  lastResult: string | null;
  /** Everyone enrolled, unfiltered (the People tab's filters must not hide whom faces can be added to). */
  personChoices: Person[];

  load(): Promise<void>;
  loadPersonChoices(): Promise<void>;
  loadSnapshot(id: number): Promise<void>;
  setMode(id: number, mode: ReviewMode | null): void;
  identify(request: RequestOf<'unknowns.identify'>): Promise<void>;
  merge(targetId: number, sourceId: number): Promise<void>;
  split(id: number, faceId: number): Promise<void>;
  dismiss(id: number): Promise<void>;
}

let loadSeq = 0;

function without<T>(record: Record<number, T>, id: number): Record<number, T> {
  const next = { ...record };
  delete next[id];
  return next;
}

export const useUnknowns = create<UnknownsSlice>()((set, get) => {
  /** Runs a review action for one card: busy flag, error on the card, reload after. */
  async function act(id: number, run: () => Promise<string>) {
    set((s) => ({ busy: { ...s.busy, [id]: true }, actionErrors: without(s.actionErrors, id) }));
    try {
      const result = await run();
      set((s) => ({ modes: without(s.modes, id), lastResult: result }));
    } catch (error) {
      // Also said above the queue: the card (and its error) is gone if the cluster was purged or resolved meanwhile.
      const message = describeError(error);
      set((s) => ({ actionErrors: { ...s.actionErrors, [id]: message }, lastResult: `Nothing was done to unknown person #${id}: ${message}` }));
    } finally {
      set((s) => ({ busy: without(s.busy, id) }));
      void get().load();
    }
  }

  return {
    clusters: [],
    snapshotsProblem: null,
    loading: false,
    loaded: false,
    error: null,
    snapshots: {},
    modes: {},
    busy: {},
    actionErrors: {},
    lastResult: null,
    personChoices: [],

    async loadPersonChoices() {
      try {
        set({ personChoices: await getApi().invoke('people.list', {}) });
      } catch (error) {
        set({ lastResult: `The list of enrolled people could not be loaded: ${describeError(error)}` });
      }
    },

    async load() {
      const seq = ++loadSeq;
      set({ loading: true });
      try {
        const { clusters, snapshotsProblem } = await getApi().invoke('unknowns.list', {});
        if (seq !== loadSeq) return;
        // A card whose snapshot may have changed (new visit, merge, split) fetches it again.
        set((s) => {
          const previous = new Map(s.clusters.map((c) => [c.id, c]));
          const snapshots: Record<number, Snapshot | 'loading'> = {};
          for (const c of clusters) {
            const old = previous.get(c.id);
            const cached = s.snapshots[c.id];
            if (cached && old && old.lastSeen === c.lastSeen && old.appearances === c.appearances && old.hasSnapshot === c.hasSnapshot) snapshots[c.id] = cached;
          }
          return { clusters, snapshotsProblem, snapshots, loading: false, loaded: true, error: null };
        });
      } catch (error) {
        if (seq !== loadSeq) return;
        set({ loading: false, error: describeError(error) });
      }
    },

    async loadSnapshot(id) {
      if (get().snapshots[id]) return;
      set((s) => ({ snapshots: { ...s.snapshots, [id]: 'loading' } }));
      try {
        const snapshot = await getApi().invoke('unknowns.snapshot', { id });
        set((s) => ({ snapshots: { ...s.snapshots, [id]: snapshot } }));
      } catch (error) {
        set((s) => ({ snapshots: { ...s.snapshots, [id]: { state: 'unavailable', reason: describeError(error) } } }));
      }
    },

    setMode(id, mode) {
      set((s) => ({ modes: mode ? { ...s.modes, [id]: mode } : without(s.modes, id), actionErrors: without(s.actionErrors, id) }));
    },

    identify(request) {
      return act(request.id, async () => {
        const { person } = await getApi().invoke('unknowns.identify', request);
        // The person (new or with more templates) shows under People at once.
        void usePeople.getState().load();
        const as = request.as === 'blocked' ? 'added to the blocklist' : request.as === 'visitor' ? 'named as a visitor' : 'converted to a member';
        return `Unknown person #${request.id} ${as}: ${person.name}.`;
      });
    },

    merge(targetId, sourceId) {
      return act(sourceId, async () => {
        await getApi().invoke('unknowns.merge', { targetId, sourceId });
        return `Unknown person #${sourceId} merged into #${targetId}.`;
      });
    },

    split(id, faceId) {
      return act(id, async () => {
        const { splitOff } = await getApi().invoke('unknowns.split', { id, faceId });
        return `That face is now unknown person #${splitOff.id}.`;
      });
    },

    dismiss(id) {
      return act(id, async () => {
        await getApi().invoke('unknowns.dismiss', { id });
        return `Unknown person #${id} dismissed.`;
      });
    },
  };
});
