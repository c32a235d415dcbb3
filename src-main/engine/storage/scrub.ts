import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { VigilError } from '../errors.js';
import type { EngineLog } from '../logger.js';
import { SerialQueue } from '../util/serial-queue.js';
import type { Db } from './database.js';

const requireHere = createRequire(import.meta.url);

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

/**
 * The worker's code: its own connection to the database file, VACUUM, then a TRUNCATE checkpoint.
 * Inline (eval) so the same code runs from the TypeScript sources and from the built app; the
 * SQLite driver is the one this module resolves.
 */
const SCRUB_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
let db;
try {
  db = new Database(workerData.path, { fileMustExist: true, timeout: workerData.busyTimeoutMs });
  db.pragma('secure_delete = ON');
  db.pragma('journal_size_limit = 0');
  const started = Date.now();
  db.exec('VACUUM');
  const vacuumMs = Date.now() - started;
  const [checkpoint] = db.pragma('wal_checkpoint(TRUNCATE)');
  parentPort.postMessage({ ok: true, vacuumMs, checkpointMs: Date.now() - started - vacuumMs, busy: checkpoint ? checkpoint.busy : 0 });
} catch (error) {
  parentPort.postMessage({ ok: false, message: String(error && error.message || error) });
} finally {
  if (db) db.close();
}
`;

const queues = new Map<string, SerialQueue>();

/**
 * scrubDatabase off the event loop: a worker thread opens its own connection, VACUUMs and
 * truncates the WAL, while the engine's connection keeps reading (WAL). A write on the engine's
 * connection meanwhile waits for the VACUUM (SQLite has one writer). Scrubs of one file run one
 * at a time. Resolves when the bytes are gone from the database file and its WAL.
 */
export function scrubDatabaseOffLoop(db: Db, log: EngineLog, why: string): Promise<{ vacuumMs: number; checkpointMs: number }> {
  const path = db.name;
  let queue = queues.get(path);
  if (!queue) queues.set(path, (queue = new SerialQueue()));
  return queue.run(
    () =>
      new Promise((resolve, reject) => {
        const worker = new Worker(SCRUB_WORKER, {
          eval: true,
          workerData: { path, driver: requireHere.resolve('better-sqlite3'), busyTimeoutMs: 60_000 },
        });
        let settled = false;
        worker.once('message', (message: { ok: true; vacuumMs: number; checkpointMs: number; busy: number } | { ok: false; message: string }) => {
          settled = true;
          if (!message.ok) {
            reject(new VigilError('INTERNAL', `The database could not be vacuumed after ${why}: ${message.message}`));
            return;
          }
          if (message.busy !== 0) {
            log.warn('privacy', 'WAL checkpoint was busy after deleting data (another reader); the WAL is truncated at the next complete checkpoint', { why });
          }
          resolve({ vacuumMs: message.vacuumMs, checkpointMs: message.checkpointMs });
        });
        worker.once('error', (error) => {
          if (!settled) reject(error);
          settled = true;
        });
        worker.once('exit', (code) => {
          if (!settled) reject(new VigilError('INTERNAL', `The database scrub worker stopped (exit ${code}) after ${why}`));
        });
      }),
  );
}
