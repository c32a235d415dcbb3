import { randomBytes } from 'node:crypto';
import type { ErrorCode, ErrorPayload } from '../../src-preload/contract.js';

/**
 * An error the engine raises on purpose: it carries a code the UI and the CLI
 * can explain, and a message written for people. Anything else that escapes
 * (SQLite, the file system, a bug) is mapped by clientError.
 */
export class VigilError extends Error {
  readonly code: ErrorCode;
  /** ACCOUNT_LOCKED, RATE_LIMITED: when trying again may work (ISO time), for the UI to show. */
  retryAt?: string;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'VigilError';
    this.code = code;
  }
}

/** Where clientError records what it keeps from the client (the engine's log). */
export interface ErrorLog {
  error(area: string, message: string, fields?: Record<string, unknown>): void;
}

/** What an administrator does about a damaged database (also in the message at open). */
export const RESTORE_ADVICE = 'stop Vigil and restore a backup: npm run cli -- restore <backup file> (the damaged database is kept aside)';

/** For the operator (CLI, start-up): which file is damaged and how to restore a backup. */
export function damagedDatabaseMessage(path: string): string {
  return `The database ${path} is damaged; ${RESTORE_ADVICE}`;
}

const STORAGE_CODES = new Set(['EACCES', 'EPERM', 'EROFS', 'EIO', 'EEXIST', 'ENOTDIR', 'EISDIR', 'EMFILE', 'ENFILE', 'EBUSY', 'ETXTBSY']);

/** SQLite result codes and Node system error codes a person can be told about, in plain words. */
function storageProblem(error: unknown): { code: ErrorCode; message: string } | null {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return null;
  if (/^SQLITE_(CORRUPT|NOTADB)/.test(code)) return { code: 'DATABASE_CORRUPT', message: `The database is damaged; an administrator should ${RESTORE_ADVICE}` };
  if (/^SQLITE_(BUSY|LOCKED)/.test(code)) return { code: 'DATABASE_BUSY', message: 'The database is busy: another program is using it. Try again in a moment' };
  if (code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'EDQUOT') {
    return { code: 'DISK_FULL', message: "The disk that holds Vigil's data is full; free some space and try again" };
  }
  if (/^SQLITE_(IOERR|CANTOPEN|READONLY|PERM|AUTH)/.test(code) || STORAGE_CODES.has(code)) {
    return { code: 'STORAGE_ERROR', message: 'Vigil could not read or write its data folder (permissions, a damaged disk or a file in the way)' };
  }
  return null;
}

/** The typed code a storage error maps to (DATABASE_CORRUPT, DATABASE_BUSY, DISK_FULL, STORAGE_ERROR), or null. */
export function storageErrorCode(error: unknown): ErrorCode | null {
  return (storageProblem(error) ?? storageProblem((error as { cause?: unknown } | null)?.cause))?.code ?? null;
}

/** The error and its causes, for the log (messages, codes, stacks: never sent to a client). */
export function errorDetails(error: unknown, depth = 0): Record<string, unknown> {
  if (!(error instanceof Error)) return { value: String(error) };
  const { code } = error as { code?: unknown };
  return {
    name: error.name,
    message: error.message,
    ...(code !== undefined ? { code } : {}),
    stack: error.stack?.split('\n').slice(1, 8).map((l) => l.trim()),
    ...(error.cause !== undefined && depth < 3 ? { cause: errorDetails(error.cause, depth + 1) } : {}),
  };
}

/**
 * What a client (the console, a script reading the CLI's JSON) is told about an
 * error: a VigilError's code and message as written; a storage problem as its
 * typed code in plain words; anything else INTERNAL. SQLite's text and file
 * paths never go out: they go to `log` with a reference the message quotes.
 */
export function clientError(error: unknown, log?: ErrorLog | null, context: Record<string, unknown> = {}): ErrorPayload {
  if (error instanceof VigilError && error.code !== 'INTERNAL') {
    return error.retryAt ? { code: error.code, message: error.message, retryAt: error.retryAt } : { code: error.code, message: error.message };
  }
  const known = storageProblem(error) ?? storageProblem((error as { cause?: unknown } | null)?.cause);
  const code = known?.code ?? 'INTERNAL';
  const message = known?.message ?? 'Something went wrong inside Vigil';
  if (!log) return { code, message };
  const reference = randomBytes(4).toString('hex');
  log.error('error', 'error reported to a client (details here only)', { reference, code, ...context, error: errorDetails(error) });
  return { code, message: `${message} (reference ${reference}; the details are in Vigil's log)` };
}

/** clientError without a log to write to (nothing is recorded). */
export function toErrorPayload(error: unknown): ErrorPayload {
  return clientError(error);
}
