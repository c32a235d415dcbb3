import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Engine, type EngineOptions } from '../engine/engine.js';
import { clientError, damagedDatabaseMessage, errorDetails, storageErrorCode, VigilError } from '../engine/errors.js';
import { EngineLog } from '../engine/logger.js';
import { defaultDbPath } from '../engine/paths.js';
import { executionProviderNames, type ExecutionProviderName } from '../engine/inference/onnx-session.js';
import { defaultDataDir } from '../engine/paths.js';

/** Options every CLI command accepts. */
export const commonOptions = {
  db: { type: 'string' },
  models: { type: 'string' },
  json: { type: 'boolean', default: false },
  embedder: { type: 'string' },
  detector: { type: 'string' },
  threshold: { type: 'string' },
  provider: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

export interface CommonValues {
  db?: string;
  models?: string;
  json?: boolean;
  embedder?: string;
  detector?: string;
  threshold?: string;
  provider?: string;
}

export function engineOptionsFrom(values: CommonValues): EngineOptions {
  // With --db, what belongs to that database (its vector index, logs, snapshots, keys) lives beside it;
  // the models stay the installed pack unless --models (or that folder's config.json) says otherwise.
  const dbPath = values.db ? resolve(values.db) : undefined;
  const dataDir = dbPath ? dirname(dbPath) : defaultDataDir();
  let matchThreshold: number | undefined;
  if (values.threshold !== undefined) {
    matchThreshold = Number(values.threshold);
    if (!Number.isFinite(matchThreshold) || matchThreshold < -1 || matchThreshold > 1) {
      throw new VigilError('BAD_REQUEST', `--threshold must be a number between -1 and 1, got "${values.threshold}"`);
    }
  }
  if (values.provider !== undefined && !executionProviderNames.includes(values.provider as ExecutionProviderName)) {
    throw new VigilError('BAD_REQUEST', `--provider must be one of ${executionProviderNames.join(', ')}`);
  }
  return {
    dataDir,
    dbPath,
    modelsDir: values.models ? resolve(values.models) : undefined,
    embedderId: values.embedder,
    detectorId: values.detector,
    matchThreshold,
    executionProvider: values.provider as ExecutionProviderName | undefined,
  };
}

export async function openEngine(values: CommonValues): Promise<Engine> {
  return Engine.open(engineOptionsFrom(values));
}

/** The data folder's log, for errors that happen before (or without) an engine; null when there is no data folder yet. */
export function dataFolderLog(values: CommonValues): EngineLog | null {
  try {
    const { dataDir } = engineOptionsFrom(values);
    return existsSync(dataDir) ? new EngineLog(dataDir) : null;
  } catch {
    return null;
  }
}

/** The database file the options name (--db, or the data folder's). */
export function databasePath(values: CommonValues): string {
  const options = engineOptionsFrom(values);
  return options.dbPath ?? defaultDbPath(options.dataDir);
}

/**
 * The operator at a terminal is told which database file is damaged and how to restore it
 * (a client of the console is told the same without the path); the details go to the log.
 */
export function forOperator(error: unknown, values: CommonValues, log: EngineLog | null): unknown {
  // Typed errors already say what they mean (a refused backup file is not the database being damaged).
  if (storageErrorCode(error) !== 'DATABASE_CORRUPT' || (error instanceof VigilError && error.code !== 'INTERNAL')) return error;
  const path = databasePath(values);
  log?.error('storage', 'the database is damaged', { database: path, error: errorDetails(error) });
  return new VigilError('DATABASE_CORRUPT', damagedDatabaseMessage(path), { cause: error });
}

/**
 * Prints an error the way scripts and people both can read, and sets a failing exit code.
 * Typed errors keep their message; internal details (SQLite's text, paths) go to `log`
 * (named on a terminal); VIGIL_DEBUG=1 prints them too.
 */
export function reportFailure(error: unknown, json: boolean, log: EngineLog | null = null): void {
  const payload = clientError(error, log, { command: process.argv[2] ?? null });
  if (json) process.stdout.write(`${JSON.stringify({ error: payload })}\n`);
  else {
    process.stderr.write(`vigil: ${payload.message} [${payload.code}]\n`);
    if (log?.file && payload.message.includes('reference ')) process.stderr.write(`vigil: log: ${log.file}\n`);
  }
  if (process.env.VIGIL_DEBUG) console.error(error);
  process.exitCode = payload.code === 'BAD_REQUEST' ? 2 : 1;
}

export function printJsonLine(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

export const round3 = (v: number) => Math.round(v * 1000) / 1000;
