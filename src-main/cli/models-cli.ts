#!/usr/bin/env node
/**
 * Model pack management.
 *   npm run models -- import <dir>   verify checksums and install a pack (e.g. ../shared/models)
 *   npm run models -- list           what the manifest knows and what is installed
 *   npm run models -- verify         re-check the installed files
 * Options: --models <dir> (target folder; default: the app's model folder), --json
 */
import { parseArgs } from 'node:util';
import { VigilError } from '../engine/errors.js';
import { importModelPack } from '../engine/models/import-pack.js';
import { loadManifest, verifyInstalledModel } from '../engine/models/manifest.js';
import { defaultModelsDir, manifestPath } from '../engine/paths.js';
import { printJsonLine, reportFailure } from './common.js';

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    args: process.argv.slice(2),
    allowPositionals: true,
    options: { models: { type: 'string' }, json: { type: 'boolean', default: false } },
  });
  const json = values.json ?? false;
  const [command, source] = positionals;
  try {
    const manifest = loadManifest(manifestPath());
    const target = values.models ?? defaultModelsDir();
    if (command === 'import') {
      if (!source) throw new VigilError('BAD_REQUEST', 'usage: npm run models -- import <dir>');
      const report = await importModelPack(manifest, source, target, (o) => {
        if (!json) {
          const detail = 'message' in o ? `: ${o.message}` : '';
          process.stderr.write(`${o.status.padEnd(17)} ${o.modelId}${detail}\n`);
        }
      });
      if (json) printJsonLine(report);
      else console.log(`Model pack installed in ${report.targetDir}; defaults ${report.defaultsReady ? 'ready' : 'NOT ready'}.`);
      if (!report.defaultsReady) {
        throw new VigilError(
          'MODEL_MISSING',
          `the default models (${manifest.defaults.detector}, ${manifest.defaults.embedder}) are not both in ${source} with the right checksums`,
        );
      }
    } else if (command === 'list' || command === 'verify') {
      const rows = [];
      for (const model of manifest.models) {
        const problem = await verifyInstalledModel(target, model);
        rows.push({ id: model.id, role: model.role, file: model.file, licence: model.licence, ok: !problem, problem: problem?.message ?? null });
      }
      if (json) printJsonLine({ modelsDir: target, models: rows });
      else for (const r of rows) console.log(`${r.ok ? 'ok     ' : 'MISSING'} ${r.role.padEnd(8)} ${r.id.padEnd(18)} ${r.licence}${r.problem ? `\n        ${r.problem}` : ''}`);
      const defaultsBroken = rows.filter((r) => !r.ok && [manifest.defaults.detector, manifest.defaults.embedder].includes(r.id));
      if (command === 'verify' && defaultsBroken.length) throw new VigilError('MODEL_MISSING', defaultsBroken.map((r) => r.problem).join('; '));
    } else {
      throw new VigilError('BAD_REQUEST', 'usage: npm run models -- import <dir> | list | verify');
    }
  } catch (error) {
    reportFailure(error, json);
  }
}

await main();
