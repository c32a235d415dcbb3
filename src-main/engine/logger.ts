import { appendFileSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ensurePrivateFolder, tightenFile } from './util/private-files.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface LogEntry {
  time: string;
  level: LogLevel;
  /** What part of the engine speaks: "camera", "inference", "storage", ... */
  area: string;
  message: string;
  [field: string]: unknown;
}

/** Rotate the log when it grows past this, keeping one previous file. */
const MAX_LOG_BYTES = 5 * 1024 * 1024;

/**
 * The engine's log: JSON lines in <data folder>/logs/vigil.log, so a site
 * administrator (or support) can see why a camera reconnected or a worker was
 * restarted. Never contains biometric data or images: messages and ids only.
 */
export class EngineLog {
  private readonly path: string | null;
  private readonly listeners = new Set<(entry: LogEntry) => void>();

  constructor(dataDir: string | null, private readonly echo: boolean = process.env.VIGIL_LOG_ECHO === '1') {
    this.path = dataDir ? join(dataDir, 'logs', 'vigil.log') : null;
    if (this.path) {
      // Log lines name people and cameras: owner-only, like the rest of the data folder.
      ensurePrivateFolder(join(dataDir!, 'logs'), { tighten: true });
      tightenFile(this.path);
      tightenFile(`${this.path}.1`);
    }
  }

  get file(): string | null {
    return this.path;
  }

  onEntry(listener: (entry: LogEntry) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  write(level: LogLevel, area: string, message: string, fields: Record<string, unknown> = {}): void {
    const entry: LogEntry = { time: new Date().toISOString(), level, area, message, ...fields };
    const line = `${JSON.stringify(entry)}\n`;
    if (this.path) {
      try {
        if ((statSync(this.path, { throwIfNoEntry: false })?.size ?? 0) > MAX_LOG_BYTES) renameSync(this.path, `${this.path}.1`);
        appendFileSync(this.path, line, { mode: 0o600 });
      } catch {
        // Logging must never take the engine down (disk full, permissions): drop the line.
      }
    }
    if (this.echo) process.stderr.write(line);
    for (const listener of this.listeners) listener(entry);
  }

  info(area: string, message: string, fields?: Record<string, unknown>): void {
    this.write('info', area, message, fields);
  }

  warn(area: string, message: string, fields?: Record<string, unknown>): void {
    this.write('warn', area, message, fields);
  }

  error(area: string, message: string, fields?: Record<string, unknown>): void {
    this.write('error', area, message, fields);
  }
}
