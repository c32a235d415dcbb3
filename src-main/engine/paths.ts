import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root (where package.json and models/manifest.json live). */
export const projectRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** The manifest shipped with the app: it describes models, it never contains weights. */
export function manifestPath(): string {
  return process.env.VIGIL_MANIFEST ?? join(projectRoot, 'models', 'manifest.json');
}

/**
 * Per-user data folder: database, vector index, installed model pack.
 * VIGIL_HOME overrides it (tests and multi-site installs use that).
 */
export function defaultDataDir(): string {
  if (process.env.VIGIL_HOME) return resolve(process.env.VIGIL_HOME);
  if (process.platform === 'win32' && process.env.APPDATA) return join(process.env.APPDATA, 'Vigil');
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Vigil');
  return join(process.env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'vigil');
}

/** Where `npm run models -- import` installs the pack, and where the engine loads it from by default. */
export function defaultModelsDir(dataDir = defaultDataDir()): string {
  return process.env.VIGIL_MODELS ? resolve(process.env.VIGIL_MODELS) : join(dataDir, 'models');
}

export function defaultDbPath(dataDir = defaultDataDir()): string {
  return join(dataDir, 'vigil.db');
}
