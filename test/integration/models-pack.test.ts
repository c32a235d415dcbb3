import assert from 'node:assert/strict';
import { copyFileSync, cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { runCli } from '../helpers/cli.js';
import { faceRecognitionData, sharedModels, tempDir } from '../helpers/paths.js';

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

  test('a pack with a tampered file: that model is refused with a checksum message', async () => {
    const tampered = join(dir.path, 'tampered');
    cpSync(sharedModels, tampered, { recursive: true });
    const file = join(tampered, 'embedders', 'mobilefacenet_128.onnx');
    const bytes = readFileSync(file);
    bytes.writeUInt8(bytes.readUInt8(bytes.length - 10) ^ 0xff, bytes.length - 10);
    writeFileSync(file, bytes);
    const result = await runCli('models-cli', ['import', tampered, '--models', join(dir.path, 'models-t'), '--json']);
    assert.equal(result.code, 1);
    const report = result.lines[0] as { outcomes: Array<{ modelId: string; status: string; message?: string }> };
    const outcome = report.outcomes.find((o) => o.modelId === 'mobilefacenet_128')!;
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
    for (const f of ['yunet_s_dynamic.onnx', 'mobilefacenet_128.onnx']) copyFileSync(join(target, f), join(broken, f));
    writeFileSync(join(broken, 'mobilefacenet_128.onnx'), Buffer.alloc(3998018, 7)); // right size, wrong bytes
    const image = join(faceRecognitionData, 'tests_test_images_obama.jpg');
    const result = await runCli('main', ['identify', image, '--models', broken, '--db', join(dir.path, 'x.db'), '--json']);
    assert.equal(result.code, 1);
    const error = result.lines[0]!.error as { code: string; message: string };
    assert.equal(error.code, 'MODEL_CORRUPT');
    assert.match(error.message, /mobilefacenet_128\.onnx fails its checksum/);
  });

  test('a missing model folder gives MODEL_MISSING with the import command to run', async () => {
    const image = join(faceRecognitionData, 'tests_test_images_obama.jpg');
    const result = await runCli('main', ['identify', image, '--models', join(dir.path, 'empty'), '--db', join(dir.path, 'y.db')]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /not installed.*npm run models -- import/);
  });
});
