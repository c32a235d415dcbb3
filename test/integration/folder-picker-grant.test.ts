/**
 * The desktop app's folder dialog for bulk import: a folder the signed-in operator chose there may
 * be imported from by that console's session only, besides the site's importFolders; signing out
 * forgets it. Real dispatcher, real sessions, real SQLite and models. (The dialog itself is
 * Electron's and is not run here; main.ts calls grantPickedFolder with what it returns.)
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Envelope, FolderImportReport } from '../../src-preload/contract.js';
import type { Dispatch } from '../../src-main/engine/api/dispatcher.js';
import { createEngineDispatcher } from '../../src-main/engine/api/handlers.js';
import { Engine } from '../../src-main/engine/engine.js';
import { LiveService } from '../../src-main/engine/live/live-service.js';
import { grantPickedFolder, MAX_PICKED_FOLDERS, newConnection, type ConsoleConnection } from '../../src-main/engine/operators/sessions.js';
import { installedModelPack } from '../helpers/model-pack.js';
import { faceRecognitionData as photos, tempDir } from '../helpers/paths.js';

const dir = tempDir();
const picked = join(dir.path, 'usb-stick', 'new-staff');
const consent = { confirmed: true, textVersion: '1' } as const;
let engine: Engine;
let live: LiveService;
let dispatch: Dispatch;

const codeOf = (envelope: Envelope<unknown>) => (envelope.ok ? 'ok' : envelope.error.code);
function value<T>(envelope: Envelope<unknown>): T {
  if (!envelope.ok) throw new Error(`${envelope.error.code}: ${envelope.error.message}`);
  return envelope.value as T;
}
async function signIn(name: string, password: string): Promise<ConsoleConnection> {
  const connection = newConnection();
  value(await dispatch('session.login', { name, password }, connection));
  return connection;
}

before(async () => {
  mkdirSync(join(picked, 'Barack Obama'), { recursive: true });
  copyFileSync(join(photos, 'examples_obama.jpg'), join(picked, 'Barack Obama', 'obama.jpg'));
  // No importFolders at all: without the dialog, a console can import from nowhere.
  engine = await Engine.open({ dataDir: join(dir.path, 'data'), modelsDir: await installedModelPack() });
  live = new LiveService(engine);
  dispatch = createEngineDispatcher(engine, live);
  value(await dispatch('session.setup', { name: 'admin', displayName: 'Site admin', password: 'site admin password' }, newConnection()));
  const admin = await signIn('admin', 'site admin password');
  value(await dispatch('operators.add', { name: 'clerk', displayName: 'HR Clerk', role: 'hr', password: 'clerk password 1' }, admin));
});

after(async () => {
  await live?.close();
  await engine?.close();
  dir.cleanup();
});

describe('bulk import from a folder chosen in the desktop dialog', () => {
  test('before any choice the console may import from nowhere (no importFolders)', async () => {
    const clerk = await signIn('clerk', 'clerk password 1');
    const refused = await dispatch('people.importFolder', { folder: picked, consent }, clerk);
    assert.equal(codeOf(refused), 'FORBIDDEN');
    assert.match((refused as { ok: false; error: { message: string } }).error.message, /Choose folder/);
  });

  test('the chosen folder is readable by that session only, and forgotten at sign-out', async () => {
    const clerk = await signIn('clerk', 'clerk password 1');
    const otherDesk = await signIn('clerk', 'clerk password 1');
    grantPickedFolder(clerk, picked);
    const report = value<FolderImportReport>(await dispatch('people.importFolder', { folder: picked, consent }, clerk));
    assert.equal(report.personsEnrolled, 1);
    assert.deepEqual(report.persons.map((p) => [p.name, p.personId !== null]), [['Barack Obama', true]]);
    assert.equal(codeOf(await dispatch('people.importFolder', { folder: picked, consent }, otherDesk)), 'FORBIDDEN', 'another console did not choose it');
    // A folder beside the chosen one is still out of reach.
    assert.equal(codeOf(await dispatch('people.importFolder', { folder: join(dir.path, 'usb-stick'), consent }, clerk)), 'FORBIDDEN');
    value(await dispatch('session.logout', {}, clerk));
    assert.deepEqual(clerk.pickedFolders, []);
    value(await dispatch('session.login', { name: 'clerk', password: 'clerk password 1' }, clerk));
    assert.equal(codeOf(await dispatch('people.importFolder', { folder: picked, consent }, clerk)), 'FORBIDDEN', 'the next sign-in must choose again');
  });

  test('only a signed-in console can be granted a folder; the list is bounded and keeps the latest', () => {
    assert.throws(() => grantPickedFolder(newConnection(), picked), (error: Error & { code?: string }) => error.code === 'NOT_SIGNED_IN');
    const connection = { ...newConnection(), sessionId: 'a-session' };
    for (let i = 0; i < MAX_PICKED_FOLDERS + 5; i++) grantPickedFolder(connection, `/media/folder-${i}`);
    grantPickedFolder(connection, '/media/folder-10');
    assert.equal(connection.pickedFolders.length, MAX_PICKED_FOLDERS);
    assert.equal(connection.pickedFolders.at(-1), '/media/folder-10', 'choosing again moves it to the end');
    assert.ok(!connection.pickedFolders.includes('/media/folder-0'), 'the oldest was forgotten');
  });
});
