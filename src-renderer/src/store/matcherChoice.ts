import { create } from 'zustand';
import type { MatcherChoiceState } from '../../../src-preload/contract';
import { describeError, getApi } from '../api';

export type MatcherMode = MatcherChoiceState['saved']['mode'];
export interface ChoiceDraft {
  mode: MatcherMode;
  region: string;
  collectionId: string;
}

/** A remote mode needs both names; the engine checks their form (region name, collection characters) and says why. */
export function choiceProblems(draft: ChoiceDraft): Partial<Record<'region' | 'collectionId', string>> {
  if (draft.mode === 'local') return {};
  const problems: Partial<Record<'region' | 'collectionId', string>> = {};
  if (!draft.region.trim()) problems.region = `Enter the AWS region of the collection (e.g. eu-west-1): ${draft.mode} mode needs it.`;
  if (!draft.collectionId.trim()) problems.collectionId = `Enter the Rekognition collection of the site: ${draft.mode} mode needs it.`;
  return problems;
}

interface MatcherChoiceSlice {
  state: MatcherChoiceState | null;
  draft: ChoiceDraft | null;
  problems: Partial<Record<'region' | 'collectionId', string>>;
  loadError: string | null;
  saveError: string | null;
  busy: boolean;
  status: string | null;
  load(): Promise<void>;
  edit(change: Partial<ChoiceDraft>): void;
  save(): Promise<void>;
}

const toDraft = (state: MatcherChoiceState): ChoiceDraft => ({ mode: state.saved.mode, region: state.saved.region ?? '', collectionId: state.saved.collectionId ?? '' });

export const useMatcherChoice = create<MatcherChoiceSlice>()((set, get) => ({
  state: null,
  draft: null,
  problems: {},
  loadError: null,
  saveError: null,
  busy: false,
  status: null,

  async load() {
    try {
      const state = await getApi().invoke('matcher.config.get', {});
      set({ state, draft: toDraft(state), problems: {}, loadError: null });
    } catch (error) {
      set({ loadError: describeError(error) });
    }
  },

  edit(change) {
    const draft = get().draft;
    if (!draft) return;
    set({ draft: { ...draft, ...change }, problems: {}, status: null, saveError: null });
  },

  async save() {
    const draft = get().draft;
    if (!draft) return;
    const problems = choiceProblems(draft);
    if (Object.keys(problems).length > 0) {
      set({ problems, status: null });
      return;
    }
    set({ busy: true, saveError: null, status: null });
    try {
      const state = await getApi().invoke('matcher.config.set', { mode: draft.mode, region: draft.region, collectionId: draft.collectionId });
      set({
        state,
        draft: toDraft(state),
        busy: false,
        status: state.restartNeeded ? 'Saved. Restart Vigil to apply it.' : 'Saved; this is what runs now.',
      });
    } catch (error) {
      set({ busy: false, saveError: describeError(error) });
    }
  },
}));
