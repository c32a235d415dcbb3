/**
 * One writer per data folder, with real processes: while an engine process
 * holds the folder, a CLI command that writes (erase) is refused with exit 1,
 * a typed JSON error naming the holder, and nothing changes; commands that
 * only read still run. A holder killed with SIGKILL leaves no lock behind:
 * the next command takes the folder over. Regression for issue 11 item 6 (a
 * CLI erase while the console ran left the person in the running engine's
 * index).
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Engine } from '../../src-main/engine/engine.js';
import { VigilError } from '../../src-main/engine/errors.js';
import { readLockHolder } from '../../src-main/engine/storage/data-folder-lock.js';
import { runCli } from '../helpers/cli.js';
import { enrollFiles } from '../helpers/enroll.js';
import { installedModelPack } from '../helpers/model-pack.js';
import { projectRoot, sharedData, tempDir } from '../helpers/paths.js';

const dir = tempDir();
const dataDir = join(dir.path, 'data');
const db = join(dataDir, 'vigil.db');
const lfw = (name: string, n: number) => join(sharedData, 'lfw', 'images', name, `${name}_${String(n).padStart(4, '0')}.jpg`);
let modelsDir = '';
let holder: ChildProcess | null = null;

/** Starts the fixture engine process holding dataDir; resolves once it says "ready". */
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

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));
}

before(async () => {
  modelsDir = await installedModelPack();
  const engine = await Engine.open({ dataDir, modelsDir });
  await enrollFiles(engine, 'Colin Powell', [1, 2, 3].map((n) => lfw('Colin_Powell', n)));
  await engine.close();
});

after(async () => {
  if (holder && holder.exitCode === null) holder.kill('SIGKILL');
  dir.cleanup();
});

describe('data folder lock (real processes)', () => {
  test('while an engine holds the folder, CLI erase is refused with exit 1 and a JSON error naming the holder; nothing is erased', async () => {
    holder = await startHolder();
    const refused = await runCli('main', ['erase', 'Colin Powell', '--yes', '--json', '--db', db, '--models', modelsDir]);
    assert.equal(refused.code, 1, refused.stderr);
    const error = refused.lines[0]?.error as { code: string; message: string };
    assert.equal(error.code, 'DATA_FOLDER_IN_USE');
    assert.match(error.message, new RegExp(`test console \\(pid ${holder.pid} on .+, since \\d{4}-`));
    assert.match(error.message, new RegExp(dataDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    // Without --json: the same words on stderr, exit 1.
    const plain = await runCli('main', ['enroll-dir', dir.path, '--db', db, '--models', modelsDir]);
    assert.equal(plain.code, 1);
    assert.match(plain.stderr, /in use by test console \(pid \d+.*\[DATA_FOLDER_IN_USE\]/s);
  });

  test('commands that only read still run beside the holder and see the data', async () => {
    const people = await runCli('main', ['people', '--json', '--db', db, '--models', modelsDir]);
    assert.equal(people.code, 0, people.stderr);
    assert.deepEqual((people.lines[0] as unknown as Array<{ name: string }>).map((p) => p.name), ['Colin Powell']);
    const status = await runCli('main', ['status', '--json', '--db', db, '--models', modelsDir]);
    assert.equal(status.code, 0, status.stderr);
    const folder = status.lines[0]?.dataFolder as { access: string; heldBy: { pid: number; command: string } };
    assert.equal(folder.access, 'read-only');
    assert.equal(folder.heldBy.pid, holder!.pid);
    const identify = await runCli('main', ['identify', lfw('Colin_Powell', 4), '--json', '--db', db, '--models', modelsDir]);
    assert.equal(identify.code, 0, identify.stderr);
    assert.equal((identify.lines[0]?.faces as Array<{ match: { personName: string } | null }>)[0]?.match?.personName, 'Colin Powell');
  });

  test('in the same process a second writer is refused too', async () => {
    await assert.rejects(Engine.open({ dataDir, modelsDir }), (e: unknown) => e instanceof VigilError && e.code === 'DATA_FOLDER_IN_USE');
  });

  test('a holder killed with SIGKILL leaves no lock: the next command takes the folder over and erases', async () => {
    const killed = holder!;
    killed.kill('SIGKILL');
    await exited(killed);
    assert.equal(readLockHolder(dataDir)?.pid, killed.pid, 'the killed holder could not clean up its note');
    const erased = await runCli('main', ['erase', 'Colin Powell', '--yes', '--json', '--db', db, '--models', modelsDir]);
    assert.equal(erased.code, 0, erased.stdout + erased.stderr);
    assert.equal(erased.lines[0]?.erased, true);
    assert.equal(readLockHolder(dataDir), null, 'a clean exit releases the note as well');
  });

  test('a holder that stops cleanly releases the folder', async () => {
    holder = await startHolder();
    holder.kill('SIGTERM');
    await exited(holder);
    const engine = await Engine.open({ dataDir, modelsDir });
    assert.equal(engine.access, 'exclusive');
    await engine.close();
  });
});
