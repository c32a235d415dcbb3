/**
 * The data folder holds biometric templates, sightings and logs: on POSIX it is
 * 0700 and every file Vigil writes there is 0600 (database, WAL, SHM, vector
 * index, logs, config, keys, snapshots), whatever the process umask. They used
 * to come out with default permissions (0755 / 0644: readable by every local
 * user). Checked by stat-ing the real files of a running engine.
 */
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Engine } from '../../src-main/engine/engine.js';
import { writeFileDurably } from '../../src-main/engine/util/private-files.js';
import { tempDir } from '../helpers/paths.js';

const posix = process.platform !== 'win32';
const dir = tempDir();
const dataDir = join(dir.path, 'data');
let previousUmask = 0;
before(() => {
  // A typical umask: without explicit modes, files would be 0644 and folders 0755.
  previousUmask = process.umask(0o022);
});
after(() => {
  process.umask(previousUmask);
  dir.cleanup();
});

const modeOf = (path: string) => statSync(path).mode & 0o777;

function unitVector(seed: number): Float32Array {
  const v = new Float32Array(512).map((_, i) => Math.sin(seed * 7.1 + i * 0.37));
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

/** Makes the engine write everything it writes: templates (index), a sighting, an unknown visit with a sealed snapshot, log lines. */
async function exercise(engine: Engine): Promise<void> {
  const saved = engine.saveTemplates({ name: 'Permission Check', category: 'employee' }, [{ embedding: unitVector(1), quality: 0.9, source: 'a.jpg' }], {
    operator: 'test',
    origin: 'test',
  });
  engine.addToGallery(saved.templates);
  const now = new Date();
  const sighting = engine.sightingRepo.insert({ cameraId: null, cameraName: 'door', personId: null, status: 'unknown', trackId: 1, firstSeen: now, lastSeen: now, bestScore: null, frames: 3 });
  const crop = { width: 64, height: 64, data: new Uint8Array(64 * 64 * 3).fill(128) };
  await engine.unknowns.recordVisit({ faces: [{ embedding: unitVector(2), quality: 0.9 }], crop, cropQuality: 0.9, cameraId: null, cameraName: 'door', sightingId: sighting.id, seenAt: now });
  engine.log.info('test', 'a line in the log');
}

function assertPrivate(what: string): void {
  const folders = [dataDir, join(dataDir, 'index'), join(dataDir, 'logs'), join(dataDir, 'keys'), join(dataDir, 'snapshots')];
  for (const folder of folders) assert.equal(modeOf(folder).toString(8), '700', `${what}: folder ${folder}`);
  const files = [
    'vigil.db',
    'vigil.db-wal',
    'vigil.db-shm',
    'config.json',
    join('logs', 'vigil.log'),
    join('keys', 'snapshot.key'),
    ...readdirSync(join(dataDir, 'index')).map((f) => join('index', f)),
    ...readdirSync(join(dataDir, 'snapshots')).map((f) => join('snapshots', f)),
  ];
  assert.ok(files.some((f) => f.endsWith('.hnsw')) && files.some((f) => f.endsWith('.vsnap')), `index and snapshot written: ${files.join(', ')}`);
  for (const file of files) assert.equal(modeOf(join(dataDir, file)).toString(8), '600', `${what}: ${file}`);
}

describe('data folder permissions (POSIX)', { skip: !posix && 'POSIX file modes only' }, () => {
  test('a new data folder: 0700, and every file in it 0600 while the engine runs', async () => {
    mkdirSync(dataDir);
    chmodSync(dataDir, 0o755);
    // The site administrator's config.json, written with the usual umask.
    writeFileSync(join(dataDir, 'config.json'), JSON.stringify({ consentTextVersion: '2' }));
    const engine = await Engine.open({ dataDir, modelsDir: join(dir.path, 'no-models') });
    try {
      await exercise(engine);
      assert.ok(existsSync(join(dataDir, 'vigil.db-wal')), 'the WAL exists while the engine runs');
      assertPrivate('new folder');
    } finally {
      await engine.close();
    }
  });

  test('a data folder from before (0755 folders, 0644 files) is tightened when the engine opens it', async () => {
    const loosen = (path: string) => {
      chmodSync(path, statSync(path).isDirectory() ? 0o755 : 0o644);
      if (statSync(path).isDirectory()) for (const entry of readdirSync(path)) loosen(join(path, entry));
    };
    loosen(dataDir);
    assert.equal(modeOf(join(dataDir, 'vigil.db')).toString(8), '644');
    const engine = await Engine.open({ dataDir, modelsDir: join(dir.path, 'no-models') });
    try {
      await exercise(engine);
      assertPrivate('existing folder');
    } finally {
      await engine.close();
    }
  });
});

describe('durable writes (key and index files)', () => {
  test('temp file, then rename: the new content with mode 0600, no temporary file left', () => {
    const path = join(dir.path, 'durable', 'file.bin');
    mkdirSync(join(dir.path, 'durable'), { recursive: true });
    writeFileSync(path, 'old');
    writeFileDurably(path, Buffer.from('new content'));
    assert.equal(readFileSync(path, 'utf8'), 'new content');
    if (posix) assert.equal(modeOf(path).toString(8), '600');
    assert.deepEqual(readdirSync(join(dir.path, 'durable')), ['file.bin']);
  });

  test('a write that fails half-way leaves the old file whole and no temporary file', () => {
    const path = join(dir.path, 'durable', 'file.bin');
    assert.throws(() =>
      writeFileDurably(path, (temporary) => {
        writeFileSync(temporary, 'half');
        throw new Error('disk full');
      }),
    /disk full/);
    assert.equal(readFileSync(path, 'utf8'), 'new content');
    assert.deepEqual(readdirSync(join(dir.path, 'durable')), ['file.bin']);
  });
});
