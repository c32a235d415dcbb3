import { create } from 'zustand';
import { type AwsCredentialsState, awsCredentialsSchema } from '../../../src-preload/contract';
import { describeError, getApi } from '../api';
import { useSystem } from './system';

/** The form as typed (nothing of it is kept once sent: the secret never stays in the store). */
export interface CredentialsDraft {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
}
export type CredentialsField = keyof CredentialsDraft;

const emptyDraft: CredentialsDraft = { accessKeyId: '', secretAccessKey: '', sessionToken: '' };

/** The draft checked with the contract's own schema: each field's problem in plain words, or none. */
export function credentialProblems(draft: CredentialsDraft): Partial<Record<CredentialsField, string>> {
  const parsed = awsCredentialsSchema.safeParse({ ...draft, sessionToken: draft.sessionToken.trim() === '' ? undefined : draft.sessionToken });
  if (parsed.success) return {};
  const problems: Partial<Record<CredentialsField, string>> = {};
  for (const issue of parsed.error.issues) {
    const field = issue.path[0] as CredentialsField | undefined;
    if (field && !problems[field]) problems[field] = `${issue.message[0]!.toUpperCase()}${issue.message.slice(1)}.`;
  }
  return problems;
}

interface MatcherCredentialsSlice {
  state: AwsCredentialsState | null;
  draft: CredentialsDraft;
  problems: Partial<Record<CredentialsField, string>>;
  loadError: string | null;
  saveError: string | null;
  busy: boolean;
  /** Plain-words result of the last change ("Saved: …"), announced politely. */
  status: string | null;
  load(): Promise<void>;
  edit(field: CredentialsField, value: string): void;
  save(): Promise<void>;
  clear(): Promise<void>;
}

export const useMatcherCredentials = create<MatcherCredentialsSlice>()((set, get) => ({
  state: null,
  draft: emptyDraft,
  problems: {},
  loadError: null,
  saveError: null,
  busy: false,
  status: null,

  async load() {
    try {
      set({ state: await getApi().invoke('matcher.credentials.get', {}), loadError: null });
    } catch (error) {
      set({ loadError: describeError(error) });
    }
  },

  edit(field, value) {
    const { problems } = get();
    set({ draft: { ...get().draft, [field]: value }, problems: { ...problems, [field]: undefined }, status: null, saveError: null });
  },

  async save() {
    const { draft } = get();
    const problems = credentialProblems(draft);
    if (Object.keys(problems).length > 0) {
      set({ problems, status: null });
      return;
    }
    set({ busy: true, saveError: null, status: null });
    try {
      const sessionToken = draft.sessionToken.trim();
      const state = await getApi().invoke('matcher.credentials.set', {
        credentials: { accessKeyId: draft.accessKeyId, secretAccessKey: draft.secretAccessKey, ...(sessionToken ? { sessionToken } : {}) },
      });
      // The typed secret is forgotten at once; only "set" and the key id's ending remain.
      set({ state, draft: emptyDraft, problems: {}, busy: false, status: `Saved: the face matcher now signs with the key ending in ${state.accessKeyIdEnding ?? '?'}.` });
      void refreshStatusSoon();
    } catch (error) {
      set({ busy: false, saveError: describeError(error) });
    }
  },

  async clear() {
    set({ busy: true, saveError: null, status: null });
    try {
      const state = await getApi().invoke('matcher.credentials.set', { credentials: null });
      set({ state, draft: emptyDraft, problems: {}, busy: false, status: 'Cleared: the standard AWS chain is used.' });
      void refreshStatusSoon();
    } catch (error) {
      set({ busy: false, saveError: describeError(error) });
    }
  },
}));

/** The engine checks the collection with the new credentials at once: the health shown follows a moment later. */
async function refreshStatusSoon(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 1500));
  await useSystem.getState().load();
}
