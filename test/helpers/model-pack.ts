import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { importModelPack } from '../../src-main/engine/models/import-pack.js';
import { loadManifest } from '../../src-main/engine/models/manifest.js';
import { projectRoot, sharedModels } from './paths.js';

/**
 * Installs the shared pack once per test run into a cache folder, through the
 * same import code the CLI uses (checksums verified), and returns its path.
 */
let installed: Promise<string> | null = null;
export function installedModelPack(): Promise<string> {
  installed ??= (async () => {
    const target = join(projectRoot, 'node_modules', '.cache', 'vigil-test-models');
    mkdirSync(target, { recursive: true });
    const report = await importModelPack(loadManifest(join(projectRoot, 'models', 'manifest.json')), sharedModels, target);
    if (!report.defaultsReady) throw new Error('shared model pack lacks the default models');
    if (!existsSync(join(target, 'pack.json'))) throw new Error('import wrote no pack.json');
    return target;
  })();
  return installed;
}

