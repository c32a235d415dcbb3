/**
 * One writer per data folder. The engine that writes a data folder (database,
 * vector index, snapshots) keeps its own in-memory state (the vector index, the
 * people cache): a second writer, e.g. `cli erase` while the console runs, would
 * leave the erased person in the running engine's index and have it written
 * back at the next persist. So a writer holds an exclusive lock for its whole
 * life, and a second one is refused with who holds it.
 *
 * The lock is an OS-level file lock: an exclusive SQLite lock on
 * `<data>/vigil.lock` held by a connection in EXCLUSIVE locking mode (POSIX
 * fcntl locks / Windows LockFileEx under the hood, the same code path SQLite
 * relies on for the database itself). The operating system drops it when the
 * process ends in any way (kill -9, a crash, a power cut), so a stale lock
 * cannot block anybody; there is no pid guessing. Who holds it (pid, host,
 * start time, command) is written beside it in `vigil.lock.json`, for the
 * refusal message and `status`. Network file systems that do not implement
 * byte-range locks are not supported (as for SQLite itself).
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { VigilError } from '../errors.js';

export interface LockHolder {
  pid: number;
  host: string;
  /** When the holder took the lock (ISO time). */
  startedAt: string;
  /** What it is ("npm run serve", "cli erase", "desktop app"). */
  command: string;
}

export function lockPaths(dataDir: string): { lock: string; holder: string } {
  return { lock: join(dataDir, 'vigil.lock'), holder: join(dataDir, 'vigil.lock.json') };
}

/** The holder recorded beside the lock (may be stale: the lock itself is the truth). */
export function readLockHolder(dataDir: string): LockHolder | null {
  try {
    const parsed = JSON.parse(readFileSync(lockPaths(dataDir).holder, 'utf8')) as Partial<LockHolder>;
    if (typeof parsed.pid !== 'number' || typeof parsed.host !== 'string') return null;
    return { pid: parsed.pid, host: parsed.host, startedAt: String(parsed.startedAt ?? '?'), command: String(parsed.command ?? '?') };
  } catch {
    return null;
  }
}

export function describeHolder(holder: LockHolder): string {
  return `${holder.command} (pid ${holder.pid} on ${holder.host}, since ${holder.startedAt})`;
}

function isBusy(error: unknown): boolean {
  const code = (error as { code?: string }).code ?? '';
  return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED' || code.startsWith('SQLITE_BUSY_');
}

export class DataFolderLock {
  private released = false;

  private constructor(
    private readonly connection: Database.Database,
    readonly dataDir: string,
    readonly holder: LockHolder,
    /** The previous holder when it ended without releasing (killed, crashed): its lock was taken over. */
    readonly tookOverFrom: LockHolder | null,
  ) {}

  /** Takes the data folder for this process, or throws DATA_FOLDER_IN_USE naming the process that has it. */
  static acquire(dataDir: string, command: string): DataFolderLock {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const paths = lockPaths(dataDir);
    const previous = readLockHolder(dataDir);
    let connection: Database.Database;
    try {
      // timeout 0: a held lock is refused at once, never waited for.
      connection = new Database(paths.lock, { timeout: 0 });
    } catch (error) {
      throw new VigilError('INTERNAL', `Cannot create the lock file ${paths.lock}: ${(error as Error).message}`, { cause: error });
    }
    try {
      // EXCLUSIVE locking mode keeps the lock from the first write until the connection closes.
      connection.pragma('locking_mode = EXCLUSIVE');
      connection.exec('BEGIN EXCLUSIVE');
      connection.exec('CREATE TABLE IF NOT EXISTS lock_holder (id INTEGER PRIMARY KEY, pid INTEGER)');
      connection.prepare('INSERT OR REPLACE INTO lock_holder (id, pid) VALUES (1, ?)').run(process.pid);
      connection.exec('COMMIT');
    } catch (error) {
      connection.close();
      if (!isBusy(error)) throw new VigilError('INTERNAL', `Cannot lock the data folder ${dataDir}: ${(error as Error).message}`, { cause: error });
      const holder = readLockHolder(dataDir);
      throw new VigilError(
        'DATA_FOLDER_IN_USE',
        `The data folder ${dataDir} is in use by ${holder ? describeHolder(holder) : 'another Vigil process (starting up)'}. ` +
          'Only one Vigil process may change it at a time: use that console (or stop it) and try again.',
        { cause: error },
      );
    }
    const holder: LockHolder = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString(), command };
    const temporary = `${paths.holder}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(holder), { mode: 0o600 });
    renameSync(temporary, paths.holder);
    const stale = previous && !(previous.pid === process.pid && previous.host === holder.host) ? previous : null;
    return new DataFolderLock(connection, dataDir, holder, stale);
  }

  /** Gives the folder back (the OS would at exit anyway). */
  release(): void {
    if (this.released) return;
    this.released = true;
    // The holder file first: once the lock is free another process may write its own.
    if (readLockHolder(this.dataDir)?.pid === this.holder.pid) rmSync(lockPaths(this.dataDir).holder, { force: true });
    this.connection.close();
  }
}
