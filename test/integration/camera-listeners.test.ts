/**
 * A site with many cameras: each running camera listens for changes to people (so its open
 * visits are judged again against the new gallery). Sixteen cameras must not set off Node's
 * "possible EventEmitter memory leak" warning (it would be logged on every site with more than
 * ten cameras), and the listeners must really go when cameras stop or are removed, which is what
 * the warning was there to catch. Real SQLite, real ffmpeg on the Hamilton clip.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Engine } from '../../src-main/engine/engine.js';
import { LiveService } from '../../src-main/engine/live/live-service.js';
import { waitFor } from '../helpers/camera-server.js';
import { installedModelPack } from '../helpers/model-pack.js';
import { hamiltonClip, tempDir } from '../helpers/paths.js';

const CAMERAS = 16;
const dir = tempDir('vigil-camera-listeners-');
let engine: Engine;
let live: LiveService;
const warnings: Error[] = [];
const onWarning = (warning: Error) => warnings.push(warning);

before(async () => {
  engine = await Engine.open({ dataDir: join(dir.path, 'data'), modelsDir: await installedModelPack() });
  live = new LiveService(engine, { poolSize: 1 });
  process.on('warning', onWarning);
});

after(async () => {
  process.off('warning', onWarning);
  await live?.close();
  await engine?.close();
  dir.cleanup();
});

describe('many cameras listening to the engine', () => {
  test(`${CAMERAS} running cameras: no leak warning; stopping and removing them takes their listeners away`, async () => {
    const base = engine.listenerCount('people.changed');
    const ids: number[] = [];
    // One frame a second each: this is about listeners, not throughput.
    for (let i = 0; i < CAMERAS; i++) ids.push((await live.addCamera(`Camera ${i + 1}`, { kind: 'file', path: hamiltonClip, loop: true }, 1, true)).id);
    await waitFor(() => live.listCameras().every((c) => c.health.state === 'running'), 'every camera running', 60_000);
    assert.equal(engine.listenerCount('people.changed'), base + CAMERAS, 'one listener per running camera');
    await new Promise((r) => setImmediate(r)); // warnings are emitted on the next tick
    assert.deepEqual(
      warnings.filter((w) => w.name === 'MaxListenersExceededWarning').map((w) => w.message),
      [],
    );

    const half = ids.slice(0, CAMERAS / 2);
    for (const id of half) await live.stopCamera(id);
    assert.equal(engine.listenerCount('people.changed'), base + CAMERAS / 2, 'a stopped camera no longer listens');
    for (const id of ids) await live.removeCamera(id);
    assert.equal(engine.listenerCount('people.changed'), base, 'a removed camera no longer listens');
  });
});
