/**
 * Backup and restore of the database (`npm run cli -- backup <file>` / `restore <file>`).
 *
 * Backup uses SQLite's online backup API from a read-only connection, all
 * pages in one step, so the copy is one consistent moment of the database
 * even while the console or a camera writes to it (WAL: readers never block
 * the writer). The copy is checked (integrity_check) before it takes its
 * name, is a self-contained file (no -wal beside it) and, like the data
 * folder, readable only by its owner: it holds face templates.
 *
 * Restore refuses a file that is not a sound Vigil database, refuses while a
 * Vigil process has the database open, and keeps the database it replaces
 * aside (vigil.db.before-restore-<time>, with its -wal/-shm) rather than
 * deleting it. The vector index is deleted: it is rebuilt from the restored
 * templates at the next start.
 *
 * Not in a backup: the encrypted snapshot files and their key (a restored
 * database shows snapshots that are gone as unavailable; leftover files are
 * purged), and the model pack (reinstalled from its own pack).
 */
import { existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { damagedDatabaseMessage, VigilError } from '../errors.js';
import { ensurePrivateFile, fsyncFolder, tightenFile } from '../util/private-files.js';
import { migrations } from './migrations.js';
import { DataFolderLock } from './data-folder-lock.js';

/** Tables every Vigil database has (migration 1); a file without them is not a Vigil database. */
const VIGIL_TABLES = ['schema_migrations', 'settings', 'persons', 'face_templates', 'sightings'];

export interface DatabaseSummary {
  file: string;
  bytes: number;
  schemaVersion: number;
  people: number;
  templates: number;
  sightings: number;
}

function isSqliteCode(error: unknown, pattern: RegExp): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && pattern.test(code);
}

/** Opens `file` read-only and checks it is a sound Vigil database; returns what it holds. Throws BAD_REQUEST in plain words otherwise. */
export function inspectVigilDatabase(file: string): DatabaseSummary {
  if (!existsSync(file) || !statSync(file).isFile()) throw new VigilError('NOT_FOUND', `No backup file at ${file}`);
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch (error) {
    throw new VigilError('BAD_REQUEST', `${file} cannot be opened as a database: ${(error as Error).message}`, { cause: error });
  }
  try {
    let check: string[];
    try {
      check = (db.pragma('integrity_check') as Array<{ integrity_check: string }>).map((r) => r.integrity_check);
    } catch (error) {
      if (isSqliteCode(error, /^SQLITE_NOTADB/)) throw new VigilError('BAD_REQUEST', `${file} is not a database`, { cause: error });
      throw new VigilError('BAD_REQUEST', `${file} is a damaged database: ${(error as Error).message}`, { cause: error });
    }
    if (check.length !== 1 || check[0] !== 'ok') {
      throw new VigilError('BAD_REQUEST', `${file} is a damaged database (integrity check: ${check.slice(0, 3).join('; ')})`);
    }
    const tables = new Set((db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{ name: string }>).map((r) => r.name));
    const missing = VIGIL_TABLES.filter((t) => !tables.has(t));
    if (missing.length > 0) throw new VigilError('BAD_REQUEST', `${file} is not a Vigil database (no ${missing.join(', ')} table)`);
    const schemaVersion = (db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null }).v ?? 0;
    const known = Math.max(...migrations.map((m) => m.version));
    if (schemaVersion > known) {
      throw new VigilError('BAD_REQUEST', `${file} was made by a newer Vigil (schema ${schemaVersion}; this one knows ${known}): update Vigil first`);
    }
    const count = (table: string) => (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
    return { file, bytes: statSync(file).size, schemaVersion, people: count('persons'), templates: count('face_templates'), sightings: count('sightings') };
  } finally {
    db.close();
  }
}

/**
 * Copies `source` into `temporary` with the online backup API in one step (one consistent
 * moment), as a self-contained file (rollback journal, not WAL) with mode 0600.
 */
async function copyConsistently(source: Database.Database, temporary: string): Promise<void> {
  rmSync(temporary, { force: true });
  ensurePrivateFile(temporary);
  // The first step sizes the copy; returning a huge page count makes the next step copy every page at once.
  await source.backup(temporary, { progress: () => 0x7fffffff });
  const copy = new Database(temporary);
  try {
    copy.pragma('journal_mode = DELETE');
  } finally {
    copy.close();
  }
  tightenFile(temporary);
}

/** `npm run cli -- backup <file>`: a consistent, checked copy of the database, safe while Vigil runs. */
export async function backupDatabase(dbPath: string, destination: string): Promise<DatabaseSummary> {
  const target = resolve(destination);
  if (!existsSync(dbPath)) throw new VigilError('NOT_FOUND', `There is no database at ${dbPath} to back up`);
  if (existsSync(target)) throw new VigilError('CONFLICT', `${target} exists already; choose a new file name for the backup`);
  if (!existsSync(dirname(target))) throw new VigilError('NOT_FOUND', `The folder ${dirname(target)} does not exist`);
  const temporary = `${target}.${process.pid}.partial`;
  let source: Database.Database;
  try {
    source = new Database(dbPath, { readonly: true, fileMustExist: true, timeout: 5000 });
  } catch (error) {
    throw new VigilError('STORAGE_ERROR', `The database ${dbPath} cannot be opened for the backup: ${(error as Error).message}`, { cause: error });
  }
  try {
    await copyConsistently(source, temporary);
  } catch (error) {
    rmSync(temporary, { force: true });
    if (isSqliteCode(error, /^SQLITE_(CORRUPT|NOTADB)/)) throw new VigilError('DATABASE_CORRUPT', damagedDatabaseMessage(dbPath), { cause: error });
    throw error;
  } finally {
    source.close();
  }
  try {
    inspectVigilDatabase(temporary);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw new VigilError('DATABASE_CORRUPT', `The backup did not pass its check (${(error as Error).message}); ${damagedDatabaseMessage(dbPath)}`, { cause: error });
  }
  renameSync(temporary, target);
  fsyncFolder(dirname(target));
  return { ...inspectVigilDatabase(target), file: target };
}

/**
 * Refuses while a Vigil process has the database open: an exclusive lock is
 * only granted when no other connection holds it (in WAL mode, even an idle one).
 */
function assertNotInUse(dbPath: string): void {
  if (!existsSync(dbPath)) return;
  let probe: Database.Database;
  try {
    probe = new Database(dbPath, { timeout: 0, fileMustExist: true });
  } catch {
    return; // cannot even be opened: nobody is using it either
  }
  try {
    probe.pragma('locking_mode = EXCLUSIVE');
    probe.exec('BEGIN EXCLUSIVE');
    probe.exec('COMMIT');
  } catch (error) {
    if (isSqliteCode(error, /^SQLITE_(BUSY|LOCKED)/)) {
      throw new VigilError(
        'DATABASE_BUSY',
        `The database ${dbPath} is in use by a running Vigil (the console, npm run serve or another command): stop it, then restore`,
        { cause: error },
      );
    }
    // A damaged database (the usual reason to restore) may refuse even the lock: go on.
  } finally {
    probe.close();
  }
}

export interface RestoreReport extends DatabaseSummary {
  /** Where the database that was replaced now is (null when there was none). */
  previous: string | null;
}

/** `npm run cli -- restore <file>`: checks the backup, keeps the current database aside, puts the backup in its place. */
export async function restoreDatabase(backupFile: string, dbPath: string, indexDir: string): Promise<RestoreReport> {
  const source = resolve(backupFile);
  if (resolve(dbPath) === source) throw new VigilError('BAD_REQUEST', 'That is the database itself, not a backup of it');
  inspectVigilDatabase(source);
  // The data folder's own lock first (names the console or command holding it), then SQLite's
  // (a process that holds the database without the folder lock, e.g. a sqlite3 shell).
  const lock = DataFolderLock.acquire(dirname(indexDir), 'vigil cli restore');
  try {
    assertNotInUse(dbPath);
    return await replaceWithBackup(source, dbPath, indexDir);
  } finally {
    lock.release();
  }
}

async function replaceWithBackup(source: string, dbPath: string, indexDir: string): Promise<RestoreReport> {

  // The replacement is made beside the database first (same file system: the final rename is atomic).
  const temporary = `${dbPath}.${process.pid}.restoring`;
  const backup = new Database(source, { readonly: true, fileMustExist: true });
  try {
    await copyConsistently(backup, temporary);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  } finally {
    backup.close();
  }

  let previous: string | null = null;
  if (existsSync(dbPath)) {
    previous = `${dbPath}.before-restore-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    // The WAL and SHM belong to their database: they move with it, never onto the restored one.
    renameSync(dbPath, previous);
    for (const suffix of ['-wal', '-shm']) if (existsSync(`${dbPath}${suffix}`)) renameSync(`${dbPath}${suffix}`, `${previous}${suffix}`);
  }
  renameSync(temporary, dbPath);
  fsyncFolder(dirname(dbPath));
  // The vector index described the old templates: rebuilt from the restored ones at the next start.
  if (existsSync(indexDir)) for (const file of readdirSync(indexDir)) if (file.includes('.hnsw')) rmSync(join(indexDir, file), { force: true });
  return { ...inspectVigilDatabase(dbPath), file: dbPath, previous };
}
