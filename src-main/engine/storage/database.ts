import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { damagedDatabaseMessage, VigilError } from '../errors.js';
import { ensurePrivateFile, ensurePrivateFolder, tightenFile } from '../util/private-files.js';
import { type Migration, migrations as allMigrations } from './migrations.js';

export type Db = Database.Database;

/**
 * Opens (creating if needed) the Vigil database in WAL mode and applies
 * pending migrations, each in its own transaction. The engine holds the only
 * writer connection; readers (if any) open their own read-only handles.
 */
export function openDatabase(path: string, options: { migrations?: Migration[]; readonly?: boolean } = {}): Db {
  if (path !== ':memory:' && !options.readonly) {
    // Owner-only (POSIX): the folder 0700, the database 0600 before SQLite opens it; SQLite gives
    // the -wal and -shm files it creates the database file's mode. Older, looser files are tightened.
    ensurePrivateFolder(dirname(path), { tighten: true });
    ensurePrivateFile(path);
    tightenFile(`${path}-wal`);
    tightenFile(`${path}-shm`);
  }
  let db: Db;
  try {
    db = new Database(path, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
  } catch (error) {
    throw new VigilError('INTERNAL', `Cannot open the database ${path}: ${(error as Error).message}`, { cause: error });
  }
  try {
    if (!options.readonly) {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      // A WAL that could not be truncated right after an erasure (another reader) shrinks at the
      // next checkpoint instead of keeping old frames, vectors among them, in its tail.
      db.pragma('journal_size_limit = 0');
    }
    db.pragma('foreign_keys = ON');
    // Deleted content is overwritten with zeros, so an erased person's vectors do not linger in free space.
    db.pragma('secure_delete = ON');
    db.pragma('busy_timeout = 5000');
    if (!options.readonly) migrate(db, options.migrations ?? allMigrations);
    return db;
  } catch (error) {
    db.close();
    if (error instanceof VigilError) throw error;
    if (/^SQLITE_(CORRUPT|NOTADB)/.test(String((error as { code?: unknown }).code))) {
      throw new VigilError('DATABASE_CORRUPT', damagedDatabaseMessage(path), { cause: error });
    }
    throw new VigilError('INTERNAL', `The database ${path} cannot be used: ${(error as Error).message}`, { cause: error });
  }
}

export function schemaVersion(db: Db): number {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`);
  const row = db.prepare('SELECT MAX(version) AS version FROM schema_migrations').get() as { version: number | null };
  return row.version ?? 0;
}

export function migrate(db: Db, migrations: Migration[]): number {
  const current = schemaVersion(db);
  const known = Math.max(0, ...migrations.map((m) => m.version));
  if (current > known) {
    throw new VigilError(
      'CONFLICT',
      `This database is at schema version ${current}, newer than this Vigil understands (${known}). Update Vigil.`,
    );
  }
  // Every migration not yet recorded, in order (not only those above the highest applied):
  // migrations developed on parallel branches may land with a lower number than one already applied.
  const applied = new Set(
    (db.prepare('SELECT version FROM schema_migrations').all() as Array<{ version: number }>).map((r) => r.version),
  );
  const pending = migrations.filter((m) => !applied.has(m.version)).sort((a, b) => a.version - b.version);
  for (const migration of pending) {
    db.transaction(() => {
      db.exec(migration.sql);
      migration.data?.(db);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        migration.version,
        migration.name,
        new Date().toISOString(),
      );
    })();
  }
  return schemaVersion(db);
}

export function nowIso(): string {
  return new Date().toISOString();
}
