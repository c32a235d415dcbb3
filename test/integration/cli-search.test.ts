/**
 * `last-seen` and `search-face` from the command line (real models, real SQLite, real processes):
 * the line format, one line per image, bad images as error lines, and both commands
 * beside a console that holds the data folder, where the search's audit row is still written
 * (and the trail's chain still holds).
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { Engine } from '../../src-main/engine/engine.js';
import { AuditRepository } from '../../src-main/engine/storage/audit-log.js';
import { runCli } from '../helpers/cli.js';
import { daysAgo } from '../helpers/clock.js';
import { enrollFiles } from '../helpers/enroll.js';
import { installedModelPack } from '../helpers/model-pack.js';
import { projectRoot, sharedData, tempDir } from '../helpers/paths.js';

const dir = tempDir();
const dataDir = join(dir.path, 'data');
const db = join(dataDir, 'vigil.db');
const lfw = (name: string, n: number) => join(sharedData, 'lfw', 'images', name, `${name}_${String(n).padStart(4, '0')}.jpg`);
let modelsDir = '';
let holder: ChildProcess | null = null;
let powellId = 0;
let strangerCluster = 0;
// Powell's visit: recent, whatever today is (the console opens with the real clock and purges visits past retention).
const seenFrom = daysAgo(4, '08:00:04');
const seenTo = daysAgo(4, '08:00:09');

function startHolder(): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(projectRoot, 'test', 'fixtures', 'hold-data-folder.ts'), dataDir, modelsDir], { cwd: projectRoot });
    let out = '', err = '';
    child.stderr.on('data', (d) => (err += d));
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('ready')) resolve(child);
    });
    child.on('exit', (code) => reject(new Error(`holder exited (${code}) before ready: ${err}`)));
  });
}

const searchRows = () => {
  const sqlite = new Database(db, { readonly: true });
  try {
    return sqlite.prepare("SELECT operator, details_json FROM audit_log WHERE action = 'search.face' ORDER BY id").all() as Array<{ operator: string; details_json: string }>;
  } finally {
    sqlite.close();
  }
};

before(async () => {
  modelsDir = await installedModelPack();
  const engine = await Engine.open({ dataDir, modelsDir, workerPoolSize: 1 });
  powellId = (await enrollFiles(engine, 'Colin Powell', [1, 2, 3].map((n) => lfw('Colin_Powell', n)), { employeeCode: 'E-POW' })).person!.id;
  engine.sightingRepo.insert({
    cameraId: null, cameraName: 'warehouse.mp4', personId: powellId, status: 'member', trackId: null,
    firstSeen: seenFrom, lastSeen: seenTo, bestScore: 0.8, frames: 40, videoStartS: 4, videoEndS: 9,
  });
  const visit = await engine.identifyImage(readFileSync(lfw('Gerhard_Schroeder', 1)), 'gate.jpg', { recordUnknowns: true });
  strangerCluster = visit.faces[0]!.unknown!.clusterId!;
  await engine.close();
  writeFileSync(join(dir.path, 'corrupt.jpg'), Buffer.from('not a jpeg, just words'));
  holder = await startHolder();
});

after(async () => {
  if (holder && holder.exitCode === null) holder.kill('SIGKILL');
  dir.cleanup();
});

describe('CLI search-face and last-seen beside a running console', () => {
  test('search-face --json: one line per image in the issue\'s format; bad images are error lines; each search audited', async () => {
    const images = [lfw('Colin_Powell', 7), lfw('Gerhard_Schroeder', 2), join(dir.path, 'corrupt.jpg'), join(dir.path, 'missing.jpg'), lfw('Tony_Blair', 9)];
    const before = searchRows().length;
    const result = await runCli('main', ['search-face', ...images, '--db', db, '--models', modelsDir, '--json']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.lines.length, images.length, result.stdout);
    type Line = { image: string; matches: Array<Record<string, unknown> & { clusterId?: number; sightings: Array<Record<string, unknown>> }>; error: { code: string; message: string } };
    const [powell, stranger, corrupt, missing, absent] = result.lines as Line[];
    assert.deepEqual(Object.keys(powell!), ['image', 'matches']);
    assert.equal(powell!.image, images[0]);
    assert.deepEqual(Object.keys(powell!.matches[0]!), ['kind', 'personId', 'name', 'score', 'sightings']);
    assert.deepEqual({ ...powell!.matches[0], score: undefined }, {
      kind: 'member', personId: powellId, name: 'Colin Powell', score: undefined,
      sightings: [{ id: powell!.matches[0]!.sightings[0]!.id, cameraName: 'warehouse.mp4', firstSeen: seenFrom.toISOString(), lastSeen: seenTo.toISOString(), videoStartS: 4, videoEndS: 9 }],
    });
    assert.deepEqual(Object.keys(stranger!.matches[0]!), ['kind', 'clusterId', 'score', 'sightings']);
    assert.equal(stranger!.matches[0]!.clusterId, strangerCluster);
    assert.equal(stranger!.matches[0]!.sightings[0]!.cameraName, 'photo gate.jpg');
    assert.deepEqual(Object.keys(corrupt!), ['image', 'error']);
    assert.equal(corrupt!.error.code, 'IMAGE_UNREADABLE');
    assert.equal(missing!.error.code, 'IMAGE_UNREADABLE');
    assert.match(missing!.error.message, /ENOENT/);
    assert.deepEqual(absent, { image: images[4], matches: [] }, 'someone never enrolled nor seen: nobody');
    // Four searches ran (the missing file was never read): four audit rows by the OS user, written beside the console.
    const rows = searchRows().slice(before);
    assert.equal(rows.length, 4);
    assert.ok(rows.every((r) => r.operator.startsWith('cli:')));
    assert.deepEqual(rows.map((r) => JSON.parse(r.details_json).results), [1, 1, 0, 0]);
    const sqlite = new Database(db, { readonly: true });
    assert.equal(new AuditRepository(sqlite).verify().ok, true, 'the chain holds across the two processes');
    sqlite.close();
  });

  test('options: --min-score, --camera, --limit; a backwards time range is one clear error (exit 2)', async () => {
    const probe = lfw('Colin_Powell', 7);
    const loose = await runCli('main', ['search-face', probe, '--db', db, '--models', modelsDir, '--json', '--min-score=-1', '--limit', '1']);
    assert.equal((loose.lines[0]!.matches as unknown[]).length, 1);
    const elsewhere = await runCli('main', ['search-face', probe, '--db', db, '--models', modelsDir, '--json', '--camera', 'Loading bay']);
    assert.deepEqual(elsewhere.lines[0]!.matches, []);
    const backwards = await runCli('main', ['search-face', probe, '--db', db, '--models', modelsDir, '--json', '--since', '2026-12-05T00:00:00Z', '--until', '2026-12-01T00:00:00Z']);
    assert.equal(backwards.code, 2);
    assert.deepEqual(Object.keys(backwards.lines[0]!), ['error']);
    assert.equal((backwards.lines[0]!.error as { code: string }).code, 'BAD_REQUEST');
    const badScore = await runCli('main', ['search-face', probe, '--db', db, '--models', modelsDir, '--json', '--min-score', 'high']);
    assert.equal(badScore.code, 2);
  });

  test('last-seen --json by code and by #cluster; an unknown name is NOT_FOUND', async () => {
    const byCode = await runCli('main', ['last-seen', 'E-POW', '--db', db, '--models', modelsDir, '--json']);
    assert.equal(byCode.code, 0, byCode.stderr);
    const line = byCode.lines[0] as { subject: Record<string, unknown>; sightings: Array<Record<string, unknown>> };
    assert.deepEqual(line.subject, { kind: 'member', personId: powellId, name: 'Colin Powell', employeeCode: 'E-POW', status: 'active' });
    assert.deepEqual(line.sightings.map((s) => [s.cameraName, s.videoStartS, s.videoEndS]), [['warehouse.mp4', 4, 9]]);
    const byCluster = await runCli('main', ['last-seen', `#${strangerCluster}`, '--db', db, '--models', modelsDir]);
    assert.equal(byCluster.code, 0, byCluster.stderr);
    assert.match(byCluster.stdout, new RegExp(`unknown person #${strangerCluster}: last seen .* on photo gate\\.jpg`));
    const nobody = await runCli('main', ['last-seen', 'Nobody Here', '--db', db, '--models', modelsDir, '--json']);
    assert.equal(nobody.code, 1);
    assert.equal((nobody.lines[0]!.error as { code: string }).code, 'NOT_FOUND');
  });

  test('an empty database: search-face answers nobody, never a crash', async () => {
    const empty = tempDir();
    try {
      const result = await runCli('main', ['search-face', lfw('Colin_Powell', 7), '--db', join(empty.path, 'vigil.db'), '--models', modelsDir, '--json']);
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(result.lines, [{ image: lfw('Colin_Powell', 7), matches: [] }]);
    } finally {
      empty.cleanup();
    }
  });
});
