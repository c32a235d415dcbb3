/**
 * `--db` is about the database (and what lives beside it: its vector index, logs,
 * snapshots): the models still come from the installed pack unless `--models` says
 * otherwise. `enroll-dir <dir> --db /tmp/x/db.sqlite` used to fail with
 * MODEL_MISSING, looking for the models beside that database.
 */
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCli } from '../helpers/cli.js';
import { installedModelPack } from '../helpers/model-pack.js';
import { faceRecognitionData as photos, tempDir } from '../helpers/paths.js';

const dir = tempDir();
after(() => dir.cleanup());
/** The app's data folder, with the model pack installed where `npm run models -- import` puts it. */
const home = join(dir.path, 'home');
const env = { VIGIL_HOME: home };
const elsewhere = join(dir.path, 'elsewhere', 'db.sqlite');

before(async () => {
  mkdirSync(home, { recursive: true });
  symlinkSync(await installedModelPack(), join(home, 'models'));
  const person = join(dir.path, 'people', 'Barack Obama');
  mkdirSync(person, { recursive: true });
  copyFileSync(join(photos, 'examples_obama.jpg'), join(person, 'obama.jpg'));
});

describe('--db keeps the installed models', () => {
  test('enroll-dir --db <file elsewhere>: models from the installed pack, database and index at that file', async () => {
    const enrolled = await runCli('main', ['enroll-dir', join(dir.path, 'people'), '--db', elsewhere, '--json'], env);
    assert.equal(enrolled.code, 0, enrolled.stdout + enrolled.stderr);
    assert.equal((enrolled.lines[0] as { personsEnrolled: number }).personsEnrolled, 1);
    assert.ok(existsSync(elsewhere), 'the database is the file --db named');
    assert.ok(existsSync(join(dir.path, 'elsewhere', 'index', 'faceplugin_512.hnsw')), 'its vector index lives beside it');
    assert.ok(!existsSync(join(home, 'vigil.db')), 'the default database was not touched');

    const status = await runCli('main', ['status', '--db', elsewhere, '--json'], env);
    assert.equal(status.code, 0, status.stderr);
    const s = status.lines[0] as { modelsDir: string; modelsReady: boolean };
    assert.equal(s.modelsDir, join(home, 'models'));
    assert.equal(s.modelsReady, true);

    const identified = await runCli('main', ['identify', join(photos, 'tests_test_images_obama2.jpg'), '--db', elsewhere, '--json'], env);
    assert.equal(identified.code, 0, identified.stderr);
    assert.equal((identified.lines[0] as { faces: Array<{ match: { personName: string } }> }).faces[0]!.match.personName, 'Barack Obama');
  });

  test('--models still wins: an empty folder given with --db is reported as missing models', async () => {
    const empty = join(dir.path, 'empty-models');
    mkdirSync(empty, { recursive: true });
    const status = await runCli('main', ['status', '--db', elsewhere, '--models', empty, '--json'], env);
    const s = status.lines[0] as { modelsDir: string; modelsReady: boolean };
    assert.equal(s.modelsDir, empty);
    assert.equal(s.modelsReady, false);
  });
});
