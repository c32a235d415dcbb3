/**
 * The console's bulk import reads only folders the site allows (config.json
 * "importFolders"): a client of the console must not be able to read this
 * machine's files, or learn their names. Consent is confirmed for the batch
 * and recorded per person with the operator and the text version.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type FolderImportReport, permissions, type Permission } from '../../src-preload/contract.js';
import { createDispatcher, type Dispatch } from '../../src-main/engine/api/dispatcher.js';
import { createHandlers } from '../../src-main/engine/api/handlers.js';
import { Engine } from '../../src-main/engine/engine.js';
import { isWithin } from '../../src-main/engine/folder-import.js';
import { LiveService } from '../../src-main/engine/live/live-service.js';
import { installedModelPack } from '../helpers/model-pack.js';
import { faceRecognitionData as photos, tempDir } from '../helpers/paths.js';

const dir = tempDir();
const allowed = join(dir.path, 'hr-imports');
const outside = join(dir.path, 'elsewhere');
const hr = { operator: 'HR Clerk', permissions: new Set<Permission>(permissions) };
const consent = { confirmed: true, textVersion: '2026-03' } as const;
let engine: Engine;
let live: LiveService;
let dispatch: Dispatch;

before(async () => {
  mkdirSync(join(allowed, 'batch', 'Barack Obama'), { recursive: true });
  copyFileSync(join(photos, 'examples_obama.jpg'), join(allowed, 'batch', 'Barack Obama', 'obama.jpg'));
  writeFileSync(join(allowed, 'batch', 'Barack Obama', 'salaries 2026.xlsx'), 'not for the console');
  writeFileSync(join(allowed, 'batch', 'Barack Obama', 'notes.txt'), 'private');
  mkdirSync(join(outside, 'Joe Biden'), { recursive: true });
  copyFileSync(join(photos, 'examples_biden.jpg'), join(outside, 'Joe Biden', 'biden.jpg'));
  copyFileSync(join(photos, 'examples_knn_examples_train_obama_obama2.jpg'), join(outside, 'secret-photo.jpg'));
  // Links that try to lead out of the allowed folder: a person folder and a photo.
  symlinkSync(join(outside, 'Joe Biden'), join(allowed, 'batch', 'Joe Biden'));
  symlinkSync(join(outside, 'secret-photo.jpg'), join(allowed, 'batch', 'Barack Obama', 'linked.jpg'));
  engine = await Engine.open({ dataDir: join(dir.path, 'data'), modelsDir: await installedModelPack(), importFolders: [allowed] });
  live = new LiveService(engine);
  dispatch = createDispatcher(createHandlers(engine, live));
});

after(async () => {
  await live?.close();
  await engine?.close();
  dir.cleanup();
});

describe('console bulk import: confined to the allowed folders', () => {
  test('isWithin: the folder itself and below, never a sibling with the same prefix or a parent', () => {
    for (const [path, expected] of [
      ['/srv/imports', true],
      ['/srv/imports/a/b', true],
      ['/srv/imports-old/a', false],
      ['/srv', false],
      ['/etc/passwd', false],
    ] as const) {
      assert.equal(isWithin(path, ['/srv/imports']), expected, path);
    }
  });

  test('a folder outside, or one that does not exist, is refused with the same answer', async () => {
    for (const folder of [outside, join(outside, 'Joe Biden'), '/etc', join(dir.path, 'no-such-folder'), join(allowed, '..', 'elsewhere')]) {
      const result = await dispatch('people.importFolder', { folder, consent }, hr);
      assert.equal(result.ok, false, folder);
      assert.equal(result.ok === false && result.error.code, 'FORBIDDEN', folder);
      assert.match(result.ok === false ? result.error.message : '', /allowed only from folders under/);
    }
  });

  test('without a consent confirmation nothing is read', async () => {
    const result = await dispatch('people.importFolder', { folder: join(allowed, 'batch') }, hr);
    assert.equal(result.ok === false && result.error.code, 'BAD_REQUEST');
    const unconfirmed = await dispatch('people.importFolder', { folder: join(allowed, 'batch'), consent: { confirmed: false, textVersion: '1' } }, hr);
    assert.equal(unconfirmed.ok === false && unconfirmed.error.code, 'BAD_REQUEST');
    assert.match(unconfirmed.ok === false ? unconfirmed.error.message : '', /consent must be confirmed/);
    assert.equal(engine.people.list().length, 0);
  });

  test('inside: photos used; links out refused; other files counted, never named; consent recorded per person', async () => {
    const result = await dispatch('people.importFolder', { folder: join(allowed, 'batch'), consent }, hr);
    assert.ok(result.ok, JSON.stringify(result));
    const report = result.value as FolderImportReport;
    const text = JSON.stringify(report);
    assert.ok(!text.includes('salaries') && !text.includes('notes.txt'), `no other file names in ${text}`);
    assert.ok(!text.includes('secret-photo') && !text.includes(outside), 'nothing about what lies outside');
    assert.deepEqual(report.files.find((f) => f.code === 'NOT_AN_IMAGE'), { file: 'Barack Obama', used: false, code: 'NOT_AN_IMAGE', reason: '2 files that are not photos were not read' });
    assert.deepEqual(report.files.find((f) => f.file === join('Barack Obama', 'linked.jpg')), { file: join('Barack Obama', 'linked.jpg'), used: false, code: 'LINK_REFUSED', reason: 'the link leads outside the folders allowed for import' });
    assert.deepEqual(report.files.find((f) => f.file === 'Joe Biden'), { file: 'Joe Biden', used: false, code: 'LINK_REFUSED', reason: 'the link leads outside the folders allowed for import' });
    assert.deepEqual(report.persons.map((p) => p.name), ['Barack Obama'], 'the linked-out person folder is not imported');
    const obama = engine.people.list().find((p) => p.name === 'Barack Obama')!;
    assert.equal(obama.templateCount, 1, 'only his own photo inside the allowed folder');
    assert.deepEqual({ by: obama.consent?.by, version: obama.consent?.textVersion }, { by: 'HR Clerk', version: '2026-03' });
  });

  test('a site that allows no folder: the console cannot import, and says how to allow one', async () => {
    const closed = await Engine.open({ dataDir: join(dir.path, 'closed'), modelsDir: await installedModelPack() });
    const closedLive = new LiveService(closed);
    try {
      const result = await createDispatcher(createHandlers(closed, closedLive))('people.importFolder', { folder: join(allowed, 'batch'), consent }, hr);
      assert.equal(result.ok === false && result.error.code, 'FORBIDDEN');
      assert.match(result.ok === false ? result.error.message : '', /importFolders.*config\.json/);
    } finally {
      await closedLive.close();
      await closed.close();
    }
  });
});
