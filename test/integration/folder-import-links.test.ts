/**
 * Photos that are symbolic links (a common way to assemble an import folder
 * without copying) used to be skipped: `enroll-dir` and the console's folder
 * import said "folder has no photos". Links to regular files are followed; a
 * link that cannot be (dangling, to a folder, a loop) is a report line saying why.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FolderImportReport } from '../../src-preload/contract.js';
import { createDispatcher, LOCAL_OPERATOR } from '../../src-main/engine/api/dispatcher.js';
import { createHandlers } from '../../src-main/engine/api/handlers.js';
import { Engine } from '../../src-main/engine/engine.js';
import { LiveService } from '../../src-main/engine/live/live-service.js';
import { runCli } from '../helpers/cli.js';
import { installedModelPack } from '../helpers/model-pack.js';
import { faceRecognitionData as photos, tempDir } from '../helpers/paths.js';

const dir = tempDir();
after(() => dir.cleanup());
let models = '';
const root = join(dir.path, 'import');

before(async () => {
  models = await installedModelPack();
  // Photos kept elsewhere; the import folder holds links to them.
  const store = join(dir.path, 'store');
  mkdirSync(join(store, 'biden'), { recursive: true });
  copyFileSync(join(photos, 'examples_knn_examples_train_obama_obama2.jpg'), join(store, 'obama2.jpg'));
  copyFileSync(join(photos, 'examples_biden.jpg'), join(store, 'biden', 'biden.jpg'));
  copyFileSync(join(photos, 'examples_knn_examples_train_biden_biden.jpg'), join(store, 'biden', 'biden2.jpg'));

  const obama = join(root, 'Barack Obama');
  mkdirSync(obama, { recursive: true });
  symlinkSync(join(photos, 'examples_obama.jpg'), join(obama, 'absolute-link.jpg'));
  symlinkSync(join('..', '..', 'store', 'obama2.jpg'), join(obama, 'relative-link.jpg'));
  symlinkSync(join(dir.path, 'nowhere.jpg'), join(obama, 'dangling.jpg'));
  symlinkSync(store, join(obama, 'to-a-folder.jpg'));
  symlinkSync('loop.jpg', join(obama, 'loop.jpg'));
  // A person folder that is itself a link to a folder of photos.
  symlinkSync(join(store, 'biden'), join(root, 'Joe Biden'));
  mkdirSync(join(root, 'Only Broken Links'));
  symlinkSync(join(dir.path, 'gone.jpg'), join(root, 'Only Broken Links', 'gone.jpg'));
});

function checkReport(report: FolderImportReport): void {
  const person = (name: string) => report.persons.find((p) => p.name === name);
  assert.ok(person('Barack Obama')?.personId, `Obama enrolled from his linked photos: ${JSON.stringify(person('Barack Obama'))}`);
  assert.equal(person('Barack Obama')!.photosUsed, 2);
  assert.ok(person('Joe Biden')?.personId, 'a person folder that is a link to a folder is imported');
  assert.equal(person('Joe Biden')!.photosUsed, 2);
  assert.equal(person('Only Broken Links')?.personId, null);
  const line = (file: string) => report.files.find((f) => f.file === file);
  assert.equal(line(join('Barack Obama', 'absolute-link.jpg'))?.used, true);
  assert.equal(line(join('Barack Obama', 'relative-link.jpg'))?.used, true);
  for (const [file, why] of [
    ['dangling.jpg', /points to .*nowhere\.jpg, which does not exist/],
    ['to-a-folder.jpg', /points to a folder, not a photo/],
    ['loop.jpg', /loop/],
  ] as const) {
    const refused = line(join('Barack Obama', file));
    assert.equal(refused?.used, false, `${file} is reported`);
    assert.equal(refused?.code, 'LINK_REFUSED');
    assert.match(refused?.reason ?? '', why);
  }
  assert.equal(line(join('Only Broken Links', 'gone.jpg'))?.code, 'LINK_REFUSED');
}

describe('bulk import follows links to photos', () => {
  test('enroll-dir: linked photos are used, refused links are report lines with the reason', async () => {
    const result = await runCli('main', ['enroll-dir', root, '--db', join(dir.path, 'cli', 'vigil.db'), '--models', models, '--json']);
    assert.equal(result.code, 0, result.stderr);
    checkReport(result.lines[0] as unknown as FolderImportReport);
  });

  test('the console folder import (people.importFolder over the contract): the same', async () => {
    // The site allows the import folder and the folders its links lead to.
    const engine = await Engine.open({ dataDir: join(dir.path, 'console'), modelsDir: models, importFolders: [root, join(dir.path, 'store'), photos, dir.path] });
    const live = new LiveService(engine);
    try {
      const dispatch = createDispatcher(createHandlers(engine, live));
      const envelope = await dispatch('people.importFolder', { folder: root, consent: { confirmed: true, textVersion: '1' } }, LOCAL_OPERATOR);
      assert.ok(envelope.ok, JSON.stringify(envelope));
      checkReport(envelope.value as FolderImportReport);
    } finally {
      await live.close();
      await engine.close();
    }
  });
});
