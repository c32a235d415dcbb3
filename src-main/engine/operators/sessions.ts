import { randomBytes } from 'node:crypto';
import type { Permission, Role, SessionStatus } from '../../../src-preload/contract.js';
import { VigilError } from '../errors.js';
import { type OperatorService, permissionsOf } from './operator-service.js';

/** A signed-in operator at one console (a WebSocket connection or the Electron window). */
interface Session {
  id: string;
  operatorId: number;
  name: string;
  displayName: string;
  role: Role;
  lastActivity: number;
}

/**
 * What a transport keeps per console: which session it is signed in to (never taken from a
 * request) and its recent sign-in attempts (rate limit). One per WebSocket connection, one per
 * Electron window.
 */
export interface ConsoleConnection {
  sessionId: string | null;
  signInAttempts: number[];
  /**
   * Folders the signed-in operator chose in the desktop app's own folder dialog: bulk import may
   * read them as well as the site's importFolders, for this session only (sign-out forgets them).
   * Only the Electron shell adds to it (a browser console has no way to name a folder it may read).
   */
  pickedFolders: string[];
}

export function newConnection(): ConsoleConnection {
  return { sessionId: null, signInAttempts: [], pickedFolders: [] };
}

/** Picked folders kept per console at most (the oldest is forgotten first). */
export const MAX_PICKED_FOLDERS = 20;

/** Lets this console's session import from a folder its operator chose in the desktop app's folder dialog. */
export function grantPickedFolder(connection: ConsoleConnection, folder: string): void {
  if (connection.sessionId === null) throw new VigilError('NOT_SIGNED_IN', 'Sign in first');
  connection.pickedFolders = [...connection.pickedFolders.filter((f) => f !== folder), folder].slice(-MAX_PICKED_FOLDERS);
}

/** Sign-in attempts one console may make per minute (the account lockout limits guesses per name). */
export const SIGN_IN_ATTEMPTS_PER_MINUTE = 10;

/**
 * Sessions in memory (a restart signs everyone out). A session ends after the site's idle timeout
 * without a request from its console; the operator's role and disabled flag are read again on
 * every request, so a change applies at once.
 */
export class SessionManager {
  private readonly sessions = new Map<string, Session>();

  constructor(private readonly operators: OperatorService) {
    operators.onChanged = (operatorId, change) => {
      for (const session of this.sessions.values()) {
        if (session.operatorId !== operatorId) continue;
        // A disabled account or a password set by someone else ends its sessions; a role change applies now.
        if (change === 'disabled' || change === 'password') this.sessions.delete(session.id);
        else this.refresh(session);
      }
    };
  }

  private get now(): number {
    return this.operators.now();
  }

  idleTimeoutMs(): number {
    return this.operators.idleTimeoutMinutes() * 60_000;
  }

  private refresh(session: Session): boolean {
    const record = this.operators.get(session.operatorId);
    if (!record || record.disabled) {
      this.sessions.delete(session.id);
      return false;
    }
    session.name = record.name;
    session.displayName = record.displayName;
    session.role = record.role;
    return true;
  }

  /** Refuses a console that tries to sign in too often (RATE_LIMITED with when to try again). */
  countSignInAttempt(connection: ConsoleConnection): void {
    const now = this.now;
    connection.signInAttempts = connection.signInAttempts.filter((t) => t > now - 60_000);
    if (connection.signInAttempts.length >= SIGN_IN_ATTEMPTS_PER_MINUTE) {
      const error = new VigilError('RATE_LIMITED', 'Too many sign-in attempts from this console; wait a minute');
      error.retryAt = new Date(connection.signInAttempts[0]! + 60_000).toISOString();
      throw error;
    }
    connection.signInAttempts.push(now);
  }

  /** Starts a session for the operator on this console (ending the one it had). */
  begin(connection: ConsoleConnection, operatorId: number): void {
    this.end(connection, null);
    const record = this.operators.get(operatorId);
    if (!record) throw new VigilError('NOT_FOUND', `No operator with id ${operatorId}`);
    const id = randomBytes(32).toString('base64url');
    this.sessions.set(id, { id, operatorId, name: record.name, displayName: record.displayName, role: record.role, lastActivity: this.now });
    connection.sessionId = id;
  }

  /** Takes over a session after a reconnection (the token is the session id, held in the page's memory). */
  resume(connection: ConsoleConnection, token: string): void {
    const previous = connection.sessionId;
    connection.sessionId = token;
    try {
      this.caller(connection);
    } catch (error) {
      connection.sessionId = previous === token ? null : previous;
      throw error;
    }
  }

  /** Ends this console's session; `reason` is audited (null: replaced by a new sign-in, not audited). */
  end(connection: ConsoleConnection, reason: 'signed-out' | null): void {
    const session = connection.sessionId ? this.sessions.get(connection.sessionId) : undefined;
    connection.sessionId = null;
    // A folder chosen in the dialog was the signed-in operator's choice, not the next one's.
    connection.pickedFolders = [];
    if (!session) return;
    this.sessions.delete(session.id);
    if (reason) this.operators.recordSignOut(session.operatorId, reason);
  }

  /**
   * The signed-in operator of this console, for a request: refreshes their role, counts as
   * activity. NOT_SIGNED_IN without a session; SESSION_EXPIRED after the idle timeout (the
   * session is gone then; signing in again starts a new one).
   */
  caller(connection: ConsoleConnection): { operatorId: number; operator: string; role: Role; permissions: ReadonlySet<Permission> } {
    const session = this.live(connection);
    if (!session) throw new VigilError('NOT_SIGNED_IN', 'Sign in first');
    if (!this.refresh(session)) {
      connection.sessionId = null;
      throw new VigilError('NOT_SIGNED_IN', 'This account was disabled or removed; sign in with another one');
    }
    session.lastActivity = this.now;
    return { operatorId: session.operatorId, operator: session.name, role: session.role, permissions: permissionsOf(session.role) };
  }

  /** The session, unless it does not exist or has expired (then it is ended, audited, and SESSION_EXPIRED thrown). */
  private live(connection: ConsoleConnection): Session | null {
    if (!connection.sessionId) return null;
    const session = this.sessions.get(connection.sessionId);
    if (!session) {
      connection.sessionId = null;
      return null;
    }
    if (this.now - session.lastActivity >= this.idleTimeoutMs()) {
      this.sessions.delete(session.id);
      connection.sessionId = null;
      this.operators.recordSignOut(session.operatorId, 'idle-timeout');
      throw new VigilError('SESSION_EXPIRED', 'You were signed out after a period of inactivity; sign in again');
    }
    return session;
  }

  /**
   * Whether this console may receive a pushed event needing `permission`: signed in, not idle past
   * the timeout, and the role grants it. Not activity (a wall of live frames keeps nobody signed in).
   */
  mayReceive(connection: ConsoleConnection, permission: Permission): boolean {
    if (!connection.sessionId) return false;
    const session = this.sessions.get(connection.sessionId);
    if (!session || this.now - session.lastActivity >= this.idleTimeoutMs()) return false;
    return permissionsOf(session.role).has(permission);
  }

  /** What session.status answers for this console (an expired session reads as signed out). */
  status(connection: ConsoleConnection): SessionStatus {
    let session: Session | null;
    try {
      session = this.live(connection);
      if (session && !this.refresh(session)) session = null;
    } catch {
      session = null;
    }
    return {
      setupNeeded: this.operators.count() === 0,
      operator: session
        ? { name: session.name, displayName: session.displayName, role: session.role, permissions: [...permissionsOf(session.role)] }
        : null,
      idleTimeoutMinutes: this.operators.idleTimeoutMinutes(),
      resumeToken: session?.id ?? null,
    };
  }

  /** Signed-in sessions (tests, diagnostics). */
  get size(): number {
    return this.sessions.size;
  }
}
