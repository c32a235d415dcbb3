import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { runCli } from '../helpers/cli.js';
import { installedModelPack } from '../helpers/model-pack.js';
import { faceRecognitionData as photos, tempDir } from '../helpers/paths.js';

const dir = tempDir();
after(() => dir.cleanup());
let models = '';
const db = () => join(dir.path, 'vigil.db');

before(async () => {
  models = await installedModelPack();
});

/** <dir>/<person>/<photos>: Obama x2, Biden x1, a folder of junk, an empty folder. */
function buildEnrollFolder(): string {
  const root = join(dir.path, 'people');
  const add = (person: string, files: string[]) => {
    mkdirSync(join(root, person), { recursive: true });
    for (const f of files) copyFileSync(join(photos, f), join(root, person, f));
  };
  add('Barack Obama', ['examples_obama.jpg', 'examples_knn_examples_train_obama_obama2.jpg']);
  add('Joe Biden', ['examples_biden.jpg']);
  mkdirSync(join(root, 'Junk'));
  writeFileSync(join(root, 'Junk', 'corrupt.jpg'), Buffer.from('this is not a jpeg'));
  writeFileSync(join(root, 'Junk', 'readme.txt'), 'notes');
  copyFileSync(join(photos, 'examples_two_people.jpg'), join(root, 'Junk', 'two_people.jpg'));
  mkdirSync(join(root, 'Nobody'));
  return root;
}

describe('CLI on the shared photos with the real models', () => {
  test('enroll-dir: a person per folder, photos used and skipped with reasons', async () => {
    const result = await runCli('main', ['enroll-dir', buildEnrollFolder(), '--db', db(), '--models', models, '--json']);
    assert.equal(result.code, 0, result.stderr);
    const summary = result.lines[0] as { personsEnrolled: number; photosUsed: number; skipped: Array<{ file: string; code: string; reason: string }> };
    assert.equal(summary.personsEnrolled, 2);
    assert.equal(summary.photosUsed, 3);
    const codeOf = (file: string) => summary.skipped.find((s) => s.file === join('Junk', file))?.code;
    assert.equal(codeOf('corrupt.jpg'), 'IMAGE_UNREADABLE');
    assert.equal(codeOf('readme.txt'), 'NOT_AN_IMAGE');
    assert.equal(codeOf('two_people.jpg'), 'SEVERAL_FACES');
    assert.ok(summary.skipped.some((s) => s.file === 'Nobody' && s.code === 'EMPTY'));
    // Embeddings only: the database holds no image bytes.
    const sqlite = new Database(db(), { readonly: true });
    const blobs = sqlite.prepare('SELECT embedding, dimension FROM face_templates').all() as Array<{ embedding: Buffer; dimension: number }>;
    sqlite.close();
    assert.equal(blobs.length, 3);
    for (const b of blobs) assert.equal(b.embedding.length, b.dimension * 4);
  });

  test('identify: Obama and Biden named, a stranger unknown, bad files reported per image', async () => {
    const images = [
      join(photos, 'tests_test_images_obama2.jpg'),
      join(photos, 'examples_knn_examples_test_obama_and_biden.jpg'),
      join(photos, 'examples_knn_examples_test_alex_lacamoire1.jpg'),
      join(dir.path, 'people', 'Junk', 'corrupt.jpg'),
      join(dir.path, 'missing.jpg'),
    ];
    const result = await runCli('main', ['identify', ...images, '--db', db(), '--models', models, '--json']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.lines.length, images.length);
    type Line = { image: string; faces?: Array<{ bbox: { width: number }; landmarks: unknown[]; detScore: number; match: { personName: string; score: number } | null }>; error?: string };
    const [obama, group, alex, corrupt, missing] = result.lines as Line[];
    assert.equal(obama!.image, images[0]);
    assert.equal(obama!.faces!.length, 1);
    assert.equal(obama!.faces![0]!.match?.personName, 'Barack Obama');
    assert.equal(obama!.faces![0]!.landmarks.length, 5);
    assert.ok(obama!.faces![0]!.detScore > 0.8);
    const named = group!.faces!.map((f) => f.match?.personName ?? null).sort();
    assert.ok(named.includes('Barack Obama') && named.includes('Joe Biden'), JSON.stringify(named));
    assert.deepEqual(alex!.faces!.map((f) => f.match), [null]);
    assert.match(corrupt!.error!, /not a readable image/);
    assert.match(missing!.error!, /ENOENT/);
  });

  test('verify: two Obama photos are the same person, Obama and Biden are not', async () => {
    const same = await runCli('main', ['verify', join(photos, 'tests_test_images_obama.jpg'), join(photos, 'tests_test_images_obama2.jpg'), '--db', db(), '--models', models, '--json']);
    const different = await runCli('main', ['verify', join(photos, 'tests_test_images_obama.jpg'), join(photos, 'tests_test_images_biden.jpg'), '--db', db(), '--models', models, '--json']);
    const a = same.lines[0] as { similarity: number; same: boolean; threshold: number };
    const b = different.lines[0] as typeof a;
    assert.equal(a.same, true);
    assert.equal(b.same, false);
    assert.ok(a.similarity > a.threshold && b.similarity < b.threshold);
  });

  test('verify on an image with no face: NO_FACE, exit 1', async () => {
    const blank = join(dir.path, 'blank.png');
    const sharp = (await import('sharp')).default;
    await sharp({ create: { width: 200, height: 200, channels: 3, background: { r: 90, g: 90, b: 90 } } }).png().toFile(blank);
    const result = await runCli('main', ['verify', blank, join(photos, 'tests_test_images_obama.jpg'), '--db', db(), '--models', models, '--json']);
    assert.equal(result.code, 1);
    assert.equal((result.lines[0]!.error as { code: string }).code, 'NO_FACE');
  });

  test('enroll-dir again: the same faces are reported as already enrolled, nobody is enrolled twice', async () => {
    const result = await runCli('main', ['enroll-dir', join(dir.path, 'people'), '--db', db(), '--models', models, '--json']);
    assert.equal(result.code, 0, result.stderr);
    const summary = result.lines[0] as { personsEnrolled: number; persons: Array<{ name: string; code?: string; reason?: string }> };
    assert.equal(summary.personsEnrolled, 0);
    const obama = summary.persons.find((p) => p.name === 'Barack Obama');
    assert.equal(obama?.code, 'DUPLICATE_FACE');
    assert.match(obama?.reason ?? '', /already matches Barack Obama/);
  });

  test('a failed enrollment (no usable photo) stores nothing and loses nothing', async () => {
    const folder = join(dir.path, 'bad-only', 'Someone');
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'x.jpg'), 'junk');
    const result = await runCli('main', ['enroll-dir', join(dir.path, 'bad-only'), '--db', db(), '--models', models, '--json']);
    assert.equal(result.code, 0);
    const people = await runCli('main', ['people', '--db', db(), '--models', models, '--json']);
    assert.deepEqual((people.lines[0] as unknown as Array<{ name: string }>).map((p) => p.name).sort(), ['Barack Obama', 'Joe Biden']);
  });

  test('export-person: everything stored about them as JSON; --include-embeddings adds the vectors', async () => {
    const plain = await runCli('main', ['export-person', 'barack obama', '--db', db(), '--models', models, '--json']);
    assert.equal(plain.code, 0, plain.stderr);
    type Export = { person: { name: string; consent: { by: string } }; templates: Array<{ createdAt: string; embedding?: number[] }>; audit: Array<{ action: string }> };
    const exported = plain.lines[0] as unknown as Export;
    assert.equal(exported.person.name, 'Barack Obama');
    assert.match(exported.person.consent.by, /^cli:/);
    assert.equal(exported.templates.length, 2);
    assert.ok(exported.templates.every((t) => t.createdAt && t.embedding === undefined));
    assert.deepEqual(exported.audit.map((a) => a.action), ['person.enrolled', 'person.exported']);
    const full = await runCli('main', ['export-person', 'Barack Obama', '--include-embeddings', '--db', db(), '--models', models, '--json']);
    const vectors = (full.lines[0] as unknown as Export).templates.map((t) => t.embedding!);
    assert.equal(vectors.length, 2);
    assert.ok(vectors.every((v) => v.length === 512 && Math.abs(Math.hypot(...v) - 1) < 1e-3), 'unit-length embedding vectors');
    const missing = await runCli('main', ['export-person', 'Nobody Such', '--db', db(), '--models', models, '--json']);
    assert.equal(missing.code, 1);
    assert.equal((missing.lines[0]!.error as { code: string }).code, 'NOT_FOUND');
  });

  test('erase: refuses without --yes when nobody can answer; with --yes the person is gone; erasing again is NOT_FOUND', async () => {
    const unconfirmed = await runCli('main', ['erase', 'Joe Biden', '--db', db(), '--models', models, '--json']);
    assert.equal(unconfirmed.code, 2);
    assert.match((unconfirmed.lines[0]!.error as { message: string }).message, /--yes/);
    const erased = await runCli('main', ['erase', 'Joe Biden', '--yes', '--db', db(), '--models', models, '--json']);
    assert.equal(erased.code, 0, erased.stderr);
    assert.deepEqual(erased.lines[0], { erased: true, name: 'Joe Biden', remoteDeletion: 'not-used', id: (erased.lines[0] as { id: number }).id });
    const people = await runCli('main', ['people', '--db', db(), '--models', models, '--json']);
    assert.deepEqual((people.lines[0] as unknown as Array<{ name: string }>).map((p) => p.name), ['Barack Obama']);
    const again = await runCli('main', ['erase', 'Joe Biden', '--yes', '--db', db(), '--models', models, '--json']);
    assert.equal(again.code, 1);
    assert.equal((again.lines[0]!.error as { code: string }).code, 'NOT_FOUND');
    const sqlite = new Database(db(), { readonly: true });
    const audit = sqlite.prepare("SELECT operator, subject_label FROM audit_log WHERE action = 'person.erased'").all();
    sqlite.close();
    assert.equal(audit.length, 1);
    assert.equal((audit[0] as { subject_label: string }).subject_label, 'Joe Biden');
  });

  test('unknown command and bad options: usage error, exit 2', async () => {
    const result = await runCli('main', ['frobnicate', '--db', db()]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /unknown command/);
    const bad = await runCli('main', ['identify', 'x.jpg', '--threshold', 'lots', '--db', db()]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--threshold/);
  });
});
