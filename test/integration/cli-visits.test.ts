/**
 * `vigil visits retention` and `vigil visits purge` as a script runs them (separate processes on a
 * real data folder): the period set and audited, old stranger visits deleted, an employee's visit on
 * an unlocked day held back with the message HR acts on.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Engine } from '../../src-main/engine/engine.js';
import { runCli } from '../helpers/cli.js';
import { hamiltonClip, tempDir } from '../helpers/paths.js';

const dir = tempDir();
const dataDir = join(dir.path, 'data');
const cli = (...args: string[]) => runCli('main', [...args, '--db', join(dataDir, 'vigil.db')], { VIGIL_HOME: dataDir });
let strangerId = 0;
let employeeVisitId = 0;

before(async () => {
  const setup = await Engine.open({ dataDir, modelsDir: join(dir.path, 'no-models') });
  try {
    const gate = setup.cameraRepo.add('Gate in', { kind: 'file', path: hamiltonClip, loop: false }, 10, false).id;
    const lobby = setup.cameraRepo.add('Lobby', { kind: 'file', path: hamiltonClip, loop: false }, 10, false).id;
    setup.attendance.setCameraDirection(gate, 'entry', 'test');
    const ada = Number(setup.db.prepare("INSERT INTO persons (name, category, created_at, updated_at) VALUES ('Ada', 'employee', 'then', 'then')").run().lastInsertRowid);
    // 60 days ago: kept by the default 90 days, past a 31-day retention.
    const at = new Date(Date.now() - 60 * 86_400_000);
    strangerId = setup.sightingRepo.insert({ cameraId: lobby, cameraName: 'Lobby', personId: null, status: 'unknown', trackId: 1, firstSeen: at, lastSeen: at, bestScore: null, frames: 3 }).id;
    employeeVisitId = setup.sightingRepo.insert({ cameraId: gate, cameraName: 'Gate in', personId: ada, status: 'member', trackId: 2, firstSeen: at, lastSeen: at, bestScore: 0.8, frames: 3 }).id;
  } finally {
    await setup.close();
  }
});

after(() => dir.cleanup());

test('visits retention shows and sets the period; bad values are refused', async () => {
  const shown = await cli('visits', 'retention', '--json');
  assert.equal(shown.code, 0, shown.stderr);
  assert.deepEqual(shown.lines, [{ days: 90 }]);
  const bad = await cli('visits', 'retention', '--days', '7');
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /31 to 3650/);
  const set = await cli('visits', 'retention', '--days', '31', '--json');
  assert.equal(set.code, 0, set.stderr);
  assert.deepEqual(set.lines, [{ days: 31 }]);
});

test('visits purge deletes the stranger and holds the employee visit for a lock', async () => {
  const purge = await cli('visits', 'purge', '--json');
  assert.equal(purge.code, 0, purge.stderr);
  // The purge at the engine's start already ran with 31 days: the explicit run finds the stranger gone.
  assert.deepEqual(purge.lines[0], { retentionDays: 31, deleted: 0, heldForLock: 1, heldForOccupancy: 0, message: '1 visit past retention waits for the attendance period to be locked' });
  const text = await cli('visits', 'purge');
  assert.match(text.stdout, /1 visit past retention waits for the attendance period to be locked/);
  const engine = await Engine.open({ dataDir, modelsDir: join(dir.path, 'no-models'), access: 'read-only' });
  try {
    const ids = (engine.db.prepare('SELECT id FROM sightings ORDER BY id').all() as Array<{ id: number }>).map((r) => r.id);
    assert.deepEqual(ids, [employeeVisitId]);
    assert.ok(!ids.includes(strangerId));
  } finally {
    await engine.close();
  }
});
