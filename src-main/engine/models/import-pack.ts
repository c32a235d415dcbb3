import { copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { VigilError } from '../errors.js';
import { sha256File, type Manifest, verifyInstalledModel } from './manifest.js';

export type ImportOutcome =
  | { modelId: string; file: string; status: 'installed' | 'already-installed'; source: string }
  | { modelId: string; file: string; status: 'missing' | 'checksum-mismatch'; message: string };

export interface ImportReport {
  sourceDir: string;
  targetDir: string;
  outcomes: ImportOutcome[];
  /** True when every default model (detector and embedder) is installed and verified. */
  defaultsReady: boolean;
}

/** Index every file below `dir` by its base name (a pack may be flat or in detectors/ + embedders/). */
function indexFiles(dir: string, depth = 0, found = new Map<string, string>()): Map<string, string> {
  if (depth > 4) return found;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) indexFiles(path, depth + 1, found);
    else if (entry.isFile() && !found.has(entry.name)) found.set(entry.name, path);
  }
  return found;
}

/**
 * Installs an offline model pack: every manifest model found in `sourceDir`
 * whose sha256 matches is copied into `targetDir`. Files are copied to a
 * temporary name first and renamed, so a half-copied model is never loaded.
 */
export async function importModelPack(
  manifest: Manifest,
  sourceDir: string,
  targetDir: string,
  onProgress?: (outcome: ImportOutcome) => void,
): Promise<ImportReport> {
  const source = resolve(sourceDir);
  if (!existsSync(source) || !statSync(source).isDirectory()) {
    throw new VigilError('NOT_FOUND', `Model pack folder not found: ${source}`);
  }
  mkdirSync(targetDir, { recursive: true });
  const files = indexFiles(source);
  const outcomes: ImportOutcome[] = [];
  for (const model of manifest.models) {
    let outcome: ImportOutcome;
    const found = files.get(model.file) ?? files.get(basename(model.file));
    if (!found) {
      outcome = { modelId: model.id, file: model.file, status: 'missing', message: `${model.file} is not in ${source}` };
    } else {
      const digest = await sha256File(found);
      if (digest !== model.sha256) {
        outcome = {
          modelId: model.id,
          file: model.file,
          status: 'checksum-mismatch',
          message: `${found} has sha256 ${digest}, the manifest expects ${model.sha256}; not installed`,
        };
      } else if ((await verifyInstalledModel(targetDir, model)) === null) {
        outcome = { modelId: model.id, file: model.file, status: 'already-installed', source: found };
      } else {
        const destination = join(targetDir, model.file);
        const partial = `${destination}.partial`;
        copyFileSync(found, partial);
        renameSync(partial, destination);
        outcome = { modelId: model.id, file: model.file, status: 'installed', source: found };
      }
    }
    outcomes.push(outcome);
    onProgress?.(outcome);
  }
  const ok = (id: string) => outcomes.some((o) => o.modelId === id && (o.status === 'installed' || o.status === 'already-installed'));
  const report: ImportReport = {
    sourceDir: source,
    targetDir: resolve(targetDir),
    outcomes,
    defaultsReady: ok(manifest.defaults.detector) && ok(manifest.defaults.embedder),
  };
  writeFileSync(
    join(targetDir, 'pack.json'),
    JSON.stringify({ importedAt: new Date().toISOString(), sourceDir: source, outcomes }, null, 2),
  );
  return report;
}
