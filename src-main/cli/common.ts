import { dirname, resolve } from 'node:path';
import { Engine, type EngineOptions } from '../engine/engine.js';
import { VigilError, toErrorPayload } from '../engine/errors.js';
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

/** Prints an error the way scripts and people both can read, and sets a failing exit code. */
export function reportFailure(error: unknown, json: boolean): void {
  const payload = toErrorPayload(error);
  if (json) process.stdout.write(`${JSON.stringify({ error: payload })}\n`);
  else process.stderr.write(`vigil: ${payload.message} [${payload.code}]\n`);
  if (payload.code === 'INTERNAL' && process.env.VIGIL_DEBUG) console.error(error);
  process.exitCode = payload.code === 'BAD_REQUEST' ? 2 : 1;
}

export function printJsonLine(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

export const round3 = (v: number) => Math.round(v * 1000) / 1000;
