import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Engine } from '../../src-main/engine/engine.js';
import { LiveService } from '../../src-main/engine/live/live-service.js';
import { installedModelPack } from '../helpers/model-pack.js';
import { tempDir } from '../helpers/paths.js';

const dir = tempDir();
let models = '';
before(async () => {
  models = await installedModelPack();
});
after(() => dir.cleanup());

describe('execution provider from configuration, with CPU fallback', () => {
  test('cpu requested: cpu runs, no note', async () => {
    const engine = await Engine.open({ dataDir: join(dir.path, 'a'), modelsDir: models, executionProvider: 'cpu' });
    await engine.analyzer();
    assert.equal(engine.status().executionProvider, 'cpu');
    assert.equal(engine.status().executionProviderNote, null);
    await engine.close();
  });

  // This machine has no GPU and this onnxruntime-node build has no CUDA/DirectML libraries:
  // the engine must fall back and say why, in the analyzer and in the worker pool alike.
  for (const requested of ['cuda', 'dml'] as const) {
    test(`${requested} from config.json: falls back to cpu and says so (analyzer and worker pool)`, async () => {
      const dataDir = join(dir.path, requested);
      mkdirSync(dataDir, { recursive: true });
      writeFileSync(join(dataDir, 'config.json'), JSON.stringify({ executionProvider: requested, modelsDir: models }));
      const engine = await Engine.open({ dataDir });
      await engine.analyzer();
      assert.equal(engine.status().executionProvider, 'cpu');
      assert.match(engine.status().executionProviderNote ?? '', new RegExp(`${requested} requested; running on cpu`));
      const live = new LiveService(engine, { poolSize: 1 });
      const { pool } = await live.sharedInference();
      assert.equal(pool.provider, 'cpu');
      assert.ok(pool.providerFallbackReason, 'the pool reports why it fell back');
      await live.close();
      await engine.close();
    });
  }

  test('a malformed config.json is a clear error, not a silent default', async () => {
    const dataDir = join(dir.path, 'bad');
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(join(dataDir, 'config.json'), JSON.stringify({ executionProvider: 'tpu' }));
    await assert.rejects(Engine.open({ dataDir }), /config\.json has invalid settings/);
    writeFileSync(join(dataDir, 'config.json'), '{ not json');
    await assert.rejects(Engine.open({ dataDir }), /config\.json is not valid JSON/);
  });
});
