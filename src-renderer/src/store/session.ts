import { create } from 'zustand';
import { errorExplanations, type Permission, type SessionStatus, VigilApiError } from '../../../src-preload/contract';
import { describeError, getApi, onSignInLost } from '../api';

export type SignedInOperator = NonNullable<SessionStatus['operator']>;

/**
 * - checking: asking the engine who this console is
 * - setup: no operator exists yet (first run): the site's admin account is created first
 * - sign-in: nobody is signed in (first sign-in, or after signing out)
 * - locked: signed out by inactivity or an expired session; the console stays underneath and
 *   signing in again (as anyone) resumes it where it was (another operator gets a fresh one)
 * - signed-in: the console is usable
 */
export type SessionPhase = 'checking' | 'setup' | 'sign-in' | 'locked' | 'signed-in';

interface PasswordRequest {
  id: number;
  what: string;
  resolve: (password: string | null) => void;
}

interface SessionSlice {
  phase: SessionPhase;
  operator: SignedInOperator | null;
  /** Who was signed in when the console locked (their console is kept for them). */
  lockedFor: string | null;
  idleTimeoutMinutes: number;
  error: string | null;
  /** Set while the account is locked after wrong passwords (ISO time). */
  lockedUntil: string | null;
  /** When to try again, in words and this console's local time ("Try again at 14:05 (in about 2 minutes) …"). */
  lockoutHint: string | null;
  busy: boolean;
  /** A grave action waiting for the operator's password (the password prompt shows). */
  passwordRequest: PasswordRequest | null;
  check(): Promise<void>;
  setup(input: { name: string; displayName: string; password: string }): Promise<void>;
  signIn(name: string, password: string): Promise<void>;
  signOut(): Promise<void>;
  /** Idle past the timeout (or the engine said the session ended): sign out, keep the console underneath. */
  lock(reason: 'idle' | 'expired'): Promise<void>;
  /** Resolves with the password typed, or null when the operator cancels. */
  askPassword(what: string): Promise<string | null>;
  answerPassword(password: string | null): void;
  may(permission: Permission): boolean;
  /** One's own password; resolves with an error in words, or null when changed. */
  changePassword(currentPassword: string, newPassword: string): Promise<string | null>;
  /** Admins: minutes without activity before a console locks; resolves with what to tell them. */
  setIdleTimeout(minutes: number): Promise<string>;
}

function apply(status: SessionStatus): Pick<SessionSlice, 'phase' | 'operator' | 'idleTimeoutMinutes'> {
  getApi().setResumeToken(status.resumeToken);
  return {
    phase: status.setupNeeded ? 'setup' : status.operator ? 'signed-in' : 'sign-in',
    operator: status.operator,
    idleTimeoutMinutes: status.idleTimeoutMinutes,
  };
}

function lockoutWords(until: string): string {
  const at = new Date(until);
  const minutes = Math.max(1, Math.ceil((at.getTime() - Date.now()) / 60_000));
  const time = at.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  return `Try again at ${time} (in about ${minutes} minute${minutes === 1 ? '' : 's'}), or ask an administrator to reset the password.`;
}

function failure(error: unknown): Pick<SessionSlice, 'error' | 'lockedUntil' | 'lockoutHint' | 'busy'> {
  const lockedUntil = error instanceof VigilApiError && (error.code === 'ACCOUNT_LOCKED' || error.code === 'RATE_LIMITED') ? (error.retryAt ?? null) : null;
  // Locked: the plain explanation and when to try again (the engine's minutes would say it twice).
  const words = lockedUntil && error instanceof VigilApiError ? `${errorExplanations[error.code]}.` : describeError(error);
  return { error: words, lockedUntil, lockoutHint: lockedUntil ? lockoutWords(lockedUntil) : null, busy: false };
}

let nextPasswordRequest = 1;

export const useSession = create<SessionSlice>()((set, get) => ({
  phase: 'checking',
  operator: null,
  lockedFor: null,
  idleTimeoutMinutes: 15,
  error: null,
  lockedUntil: null,
  lockoutHint: null,
  busy: false,
  passwordRequest: null,

  async check() {
    try {
      const status = await getApi().invoke('session.status', {});
      set({ ...apply(status), error: null });
    } catch (error) {
      set({ phase: 'sign-in', error: describeError(error) });
    }
  },

  async setup(input) {
    set({ busy: true, error: null });
    try {
      const status = await getApi().invoke('session.setup', input);
      set({ ...apply(status), busy: false, lockedFor: null });
    } catch (error) {
      set(failure(error));
    }
  },

  async signIn(name, password) {
    set({ busy: true, error: null, lockedUntil: null, lockoutHint: null });
    try {
      const status = await getApi().invoke('session.login', { name, password });
      set({ ...apply(status), busy: false });
    } catch (error) {
      set(failure(error));
    }
  },

  async signOut() {
    getApi().setResumeToken(null);
    set({ phase: 'sign-in', operator: null, lockedFor: null, error: null });
    try {
      await getApi().invoke('session.logout', {});
    } catch {
      // Signed out here either way; the engine ends an abandoned session at its idle timeout.
    }
  },

  async lock(reason) {
    const { phase, operator } = get();
    if (phase !== 'signed-in') return;
    getApi().setResumeToken(null);
    get().passwordRequest?.resolve(null);
    set({
      phase: 'locked',
      lockedFor: operator?.name ?? null,
      passwordRequest: null,
      error: reason === 'idle' ? `Locked after ${get().idleTimeoutMinutes} minutes without activity. Sign in to carry on.` : 'Your session ended. Sign in to carry on.',
    });
    if (reason === 'idle') {
      try {
        await getApi().invoke('session.logout', {});
      } catch {
        // The engine ends it at its own timeout anyway.
      }
    }
  },

  askPassword(what) {
    get().passwordRequest?.resolve(null);
    return new Promise((resolve) => set({ passwordRequest: { id: nextPasswordRequest++, what, resolve } }));
  },

  answerPassword(password) {
    get().passwordRequest?.resolve(password);
    set({ passwordRequest: null });
  },

  may(permission) {
    return get().operator?.permissions.includes(permission) ?? false;
  },

  async changePassword(currentPassword, newPassword) {
    try {
      await getApi().invoke('session.changePassword', { currentPassword, newPassword });
      return null;
    } catch (error) {
      return describeError(error);
    }
  },

  async setIdleTimeout(minutes) {
    try {
      const saved = await getApi().invoke('settings.update', { idleTimeoutMinutes: minutes });
      set({ idleTimeoutMinutes: saved.idleTimeoutMinutes });
      return `Idle consoles now lock after ${saved.idleTimeoutMinutes} minutes.`;
    } catch (error) {
      return describeError(error);
    }
  },
}));

/** The console locks when the engine refuses a call because the session has gone. */
onSignInLost(() => void useSession.getState().lock('expired'));

/** Whether the signed-in operator's role grants `permission` (components hide what it does not). */
export function useMay(permission: Permission): boolean {
  return useSession((s) => s.operator?.permissions.includes(permission) ?? false);
}
