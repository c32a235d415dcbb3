import { create } from 'zustand';
import { useSession } from './session';
import {
  channels,
  MAX_ENROLL_PHOTOS,
  type Person,
  type PersonCategory,
  type PhotoInput,
  type PhotoOutcome,
  RECOMMENDED_MIN_PHOTOS,
  type Resemblance,
} from '../../../src-preload/contract';
import { describeError, errorCode, getApi } from '../api';
import { MAX_PHOTO_BYTES, MAX_PHOTO_MB, filesToPhotos } from '../lib/files';
import { firstIssue } from '../lib/format';
import { usePeople } from './people';

export interface ChosenPhoto {
  key: number;
  file: File;
  /** The engine's verdict; null while it is being checked. */
  verdict: PhotoOutcome | null;
}

export interface RecordDraft {
  name: string;
  employeeCode: string;
  department: string;
  category: PersonCategory;
  notes: string;
}

export type EnrollPhase =
  | { phase: 'editing' }
  | { phase: 'saving' }
  /** resembles: saved, but the face resembles someone enrolled (HR reviews it on the person's record). */
  | { phase: 'done'; person: Person; resembles: Resemblance | null }
  | { phase: 'duplicate'; message: string }
  | { phase: 'failed'; message: string; code?: string };

interface EnrollmentSlice {
  draft: RecordDraft;
  consent: boolean;
  photos: ChosenPhoto[];
  checking: boolean;
  checkError: string | null;
  allowFewer: boolean;
  state: EnrollPhase;

  setField<K extends keyof RecordDraft>(key: K, value: RecordDraft[K]): void;
  setConsent(value: boolean): void;
  setAllowFewer(value: boolean): void;
  addFiles(files: readonly File[]): Promise<void>;
  removePhoto(key: number): void;
  enroll(consentTextVersion: string, overrideDuplicate?: boolean): Promise<void>;
  reset(): void;
}

const emptyDraft: RecordDraft = { name: '', employeeCode: '', department: '', category: 'employee', notes: '' };
let nextKey = 1;

/** Why the Enroll button cannot be used yet, in plain words; null when it can. */
export function enrollBlocker(s: Pick<EnrollmentSlice, 'draft' | 'consent' | 'photos' | 'checking' | 'allowFewer' | 'state'>): string | null {
  if (s.state.phase === 'saving') return 'Saving…';
  if (!s.draft.name.trim()) return 'Enter the person’s name.';
  if (s.photos.length === 0) return `Add ${RECOMMENDED_MIN_PHOTOS} to ${MAX_ENROLL_PHOTOS} photos of the person.`;
  if (s.photos.length > MAX_ENROLL_PHOTOS) return `Remove ${s.photos.length - MAX_ENROLL_PHOTOS} photo(s): at most ${MAX_ENROLL_PHOTOS} per enrollment.`;
  if (s.checking || s.photos.some((p) => p.verdict === null)) return 'Checking the photos…';
  const usable = s.photos.filter((p) => p.verdict?.used).length;
  if (usable === 0) return 'None of the photos can be used; see why under each photo.';
  if (usable < RECOMMENDED_MIN_PHOTOS && !s.allowFewer) {
    return `Only ${usable} usable photo${usable === 1 ? '' : 's'}: add ${RECOMMENDED_MIN_PHOTOS - usable} more for reliable recognition, or tick “Enroll with fewer photos anyway”.`;
  }
  if (!s.consent) return 'Confirm that the person has given their consent.';
  return null;
}

/** The enrollment desk: record, consent, photos with their verdicts, and the enrollment itself. */
export const useEnrollment = create<EnrollmentSlice>()((set, get) => ({
  draft: emptyDraft,
  consent: false,
  photos: [],
  checking: false,
  checkError: null,
  allowFewer: false,
  state: { phase: 'editing' },

  setField(key, value) {
    set((s) => ({ draft: { ...s.draft, [key]: value }, state: s.state.phase === 'saving' ? s.state : { phase: 'editing' } }));
  },
  // Like any edit, these take back a pending duplicate warning: "Enroll anyway" must not outlive the consent it relied on.
  setConsent(consent) {
    set((s) => ({ consent, state: s.state.phase === 'saving' ? s.state : { phase: 'editing' } }));
  },
  setAllowFewer(allowFewer) {
    set((s) => ({ allowFewer, state: s.state.phase === 'saving' ? s.state : { phase: 'editing' } }));
  },

  async addFiles(files) {
    if (get().state.phase === 'saving') return; // e.g. a webcam capture while the enrollment is being saved
    const added: ChosenPhoto[] = files.map((file) => ({ key: nextKey++, file, verdict: null }));
    const tooBig = added.filter((p) => p.file.size > MAX_PHOTO_BYTES);
    for (const p of tooBig) {
      p.verdict = { fileName: p.file.name, used: false, code: 'IMAGE_TOO_LARGE', reason: `${(p.file.size / 1024 / 1024).toFixed(1)} MB; a photo may be at most ${MAX_PHOTO_MB} MB` };
    }
    set((s) => ({ photos: [...s.photos, ...added], state: { phase: 'editing' }, checkError: null }));
    const toCheck = added.filter((p) => p.verdict === null);
    if (toCheck.length === 0) return;
    set({ checking: true });
    try {
      // Verdicts in chunks the contract allows; nothing is stored by a check.
      for (let i = 0; i < toCheck.length; i += MAX_ENROLL_PHOTOS) {
        const chunk = toCheck.slice(i, i + MAX_ENROLL_PHOTOS);
        const { photos } = await getApi().invoke('people.checkPhotos', { photos: await filesToPhotos(chunk.map((c) => c.file)) });
        const verdictOf = new Map(chunk.map((c, index) => [c.key, photos[index] ?? null]));
        set((s) => ({ photos: s.photos.map((p) => (verdictOf.has(p.key) ? { ...p, verdict: verdictOf.get(p.key)! } : p)) }));
      }
      set({ checking: false });
    } catch (error) {
      const keys = new Set(toCheck.map((c) => c.key));
      set((s) => ({
        checking: false,
        checkError: describeError(error),
        photos: s.photos.map((p) => (keys.has(p.key) && p.verdict === null ? { ...p, verdict: { fileName: p.file.name, used: false, reason: 'could not be checked' } } : p)),
      }));
    }
  },

  removePhoto(key) {
    set((s) => ({ photos: s.photos.filter((p) => p.key !== key), state: { phase: 'editing' } }));
  },

  async enroll(consentTextVersion, overrideDuplicate = false) {
    const s = get();
    // The duplicate override skips only the duplicate check (in the engine), never these rules.
    if (enrollBlocker(s)) return;
    // Saving a face that matches someone enrolled asks for the operator's password again.
    const password = overrideDuplicate ? await useSession.getState().askPassword('enroll this face although it matches someone enrolled') : undefined;
    if (password === null) return;
    set({ state: { phase: 'saving' } });
    try {
      // Only photos that passed their check are sent; the engine judges them again.
      const usable = s.photos.filter((p) => p.verdict?.used).map((p) => p.file);
      const photos: PhotoInput[] = await filesToPhotos(usable);
      const request = {
        record: {
          name: s.draft.name,
          employeeCode: s.draft.employeeCode || null,
          department: s.draft.department || null,
          category: s.draft.category,
          notes: s.draft.notes || null,
        },
        consent: { confirmed: true as const, textVersion: consentTextVersion },
        photos,
        allowFewerPhotos: s.allowFewer,
        overrideDuplicate,
        ...(password ? { password } : {}),
      };
      const checked = channels['people.enroll'].request.safeParse(request);
      if (!checked.success) {
        set({ state: { phase: 'failed', message: firstIssue(checked.error.issues, { name: 'Name', photos: 'Photos', employeeCode: 'Employee code' }) } });
        return;
      }
      const result = await getApi().invoke('people.enroll', request);
      if (!result.person) {
        set({ state: { phase: 'failed', message: 'Nobody was enrolled: none of the photos could be used.', code: 'NO_FACE' } });
        return;
      }
      set({ state: { phase: 'done', person: result.person, resembles: result.resembles ?? null }, draft: emptyDraft, consent: false, photos: [], allowFewer: false });
      void usePeople.getState().load();
    } catch (error) {
      const code = errorCode(error);
      if (code === 'DUPLICATE_FACE') set({ state: { phase: 'duplicate', message: error instanceof Error ? error.message : String(error) } });
      else set({ state: { phase: 'failed', message: describeError(error), code } });
    }
  },

  reset() {
    if (get().state.phase !== 'saving') set({ state: { phase: 'editing' } });
  },
}));
