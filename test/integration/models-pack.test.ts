import assert from 'node:assert/strict';
import { copyFileSync, cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { findModel, loadManifest } from '../../src-main/engine/models/manifest.js';
import { runCli } from '../helpers/cli.js';
import { faceRecognitionData, projectRoot, sharedModels, tempDir } from '../helpers/paths.js';

// The tests follow whatever the manifest names as defaults.
const manifest = loadManifest(join(projectRoot, 'models', 'manifest.json'));
const defaultDetector = findModel(manifest, manifest.defaults.detector, 'detector');
const defaultEmbedder = findModel(manifest, manifest.defaults.embedder, 'embedder');

const dir = tempDir();
after(() => dir.cleanup());

describe('npm run models -- import (real pack from ../shared/models)', () => {
  const target = join(dir.path, 'models');

  test('installs every manifest model with verified checksums', async () => {
    const result = await runCli('models-cli', ['import', sharedModels, '--models', target, '--json']);
    assert.equal(result.code, 0, result.stderr);
    const report = result.lines[0] as { defaultsReady: boolean; outcomes: Array<{ modelId: string; status: string }> };
    assert.equal(report.defaultsReady, true);
    for (const id of ['yunet_s_dynamic', 'yunet_2023mar', 'mobilefacenet_128', 'faceplugin_512']) {
      assert.equal(report.outcomes.find((o) => o.modelId === id)?.status, 'installed', id);
    }
    const again = await runCli('models-cli', ['import', sharedModels, '--models', target, '--json']);
    assert.ok((again.lines[0] as typeof report).outcomes.every((o) => o.status === 'already-installed'));
  });

  test('a pack with a tampered default model: it is refused with a checksum message, and the import fails', async () => {
    const tampered = join(dir.path, 'tampered');
    cpSync(sharedModels, tampered, { recursive: true });
    const file = join(tampered, 'embedders', defaultEmbedder.file);
    const bytes = readFileSync(file);
    bytes.writeUInt8(bytes.readUInt8(bytes.length - 10) ^ 0xff, bytes.length - 10);
    writeFileSync(file, bytes);
    const result = await runCli('models-cli', ['import', tampered, '--models', join(dir.path, 'models-t'), '--json']);
    assert.equal(result.code, 1);
    const report = result.lines[0] as { outcomes: Array<{ modelId: string; status: string; message?: string }> };
    const outcome = report.outcomes.find((o) => o.modelId === defaultEmbedder.id)!;
    assert.equal(outcome.status, 'checksum-mismatch');
    assert.match(outcome.message!, /sha256/);
  });

  test('a folder that does not exist: clear message, exit 1', async () => {
    const result = await runCli('models-cli', ['import', join(dir.path, 'nope')]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /Model pack folder not found/);
  });

  test('the CLI refuses to run on a corrupt installed model, naming it, without crashing', async () => {
    const broken = join(dir.path, 'broken-models');
    mkdirSync(broken);
    for (const f of [defaultDetector.file, defaultEmbedder.file]) copyFileSync(join(target, f), join(broken, f));
    writeFileSync(join(broken, defaultEmbedder.file), Buffer.alloc(defaultEmbedder.sizeBytes, 7)); // right size, wrong bytes
    const image = join(faceRecognitionData, 'tests_test_images_obama.jpg');
    const result = await runCli('main', ['identify', image, '--models', broken, '--db', join(dir.path, 'x.db'), '--json']);
    assert.equal(result.code, 1);
    const error = result.lines[0]!.error as { code: string; message: string };
    assert.equal(error.code, 'MODEL_CORRUPT');
    assert.ok(error.message.includes(`${defaultEmbedder.file} fails its checksum`), error.message);
  });

  test('a missing model folder gives MODEL_MISSING with the import command to run', async () => {
    const image = join(faceRecognitionData, 'tests_test_images_obama.jpg');
    const result = await runCli('main', ['identify', image, '--models', join(dir.path, 'empty'), '--db', join(dir.path, 'y.db')]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /not installed.*npm run models -- import/);
  });
});
