import type { EngineLog } from '../logger.js';
import type { Db } from './database.js';

/**
 * Deleted rows are zeroed (secure_delete), the file rebuilt without free pages
 * (VACUUM) and the WAL copied back and truncated, so deleted bytes (vectors,
 * plain passwords) leave every database file Vigil owns. Freed filesystem
 * blocks are beyond its reach. Synchronous: for start-up, before cameras run.
 */
export function scrubDatabase(db: Db, log: EngineLog, why: string): void {
  db.exec('VACUUM');
  const [result] = db.pragma('wal_checkpoint(TRUNCATE)') as Array<{ busy: number; log: number; checkpointed: number }>;
  if (result && result.busy !== 0) {
    // journal_size_limit 0 (openDatabase) truncates the WAL at the next checkpoint that completes.
    log.warn('privacy', 'WAL checkpoint was busy after deleting data (another reader); the WAL is truncated at the next complete checkpoint', { why });
  }
}
