/**
 * The desktop app's snapshot key store, run in plain Node: Electron's
 * safeStorage is replaced by a stand-in keychain that really encrypts
 * (AES-256-GCM under a per-user secret), so what is tested is the store's own
 * logic — the key never on disk in clear, reload, another user, a damaged
 * file, and a machine without a keychain. Electron's cipher itself is not.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { type OsKeychain, SafeStorageKeyStore } from '../../src-main/electron/safe-storage-key-store.js';
import { FileKeyStore, type KeyFingerprintRecord, SNAPSHOT_KEY_BYTES, SnapshotVault } from '../../src-main/engine/unknowns/snapshot-vault.js';
import { snapshotKeyFiles } from '../../src-main/engine/unknowns/unknowns-service.js';
import { tempDir } from '../helpers/paths.js';
import { keychainOf } from '../helpers/stand-in-keychain.js';

const dir = tempDir();
after(() => dir.cleanup());

describe('SafeStorageKeyStore (desktop snapshot key)', () => {
  const alice = keychainOf(randomBytes(32));
  const path = join(dir.path, 'keys', 'snapshot.key.safe');

  test('no key yet: load() says none; create() stores it sealed (never the key itself), owner-only', () => {
    const store = new SafeStorageKeyStore(path, alice);
    assert.equal(store.load(), null);
    const key = store.create();
    assert.equal(key.length, SNAPSHOT_KEY_BYTES);
    const onDisk = readFileSync(path);
    assert.equal(onDisk.includes(key), false, 'raw key bytes on disk');
    assert.equal(onDisk.includes(Buffer.from(key.toString('base64'))), false, 'base64 key on disk');
    if (process.platform !== 'win32') assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.deepEqual(new SafeStorageKeyStore(path, alice).load(), key, 'the same user gets the same key back');
  });

  const cases: Array<{ name: string; keychain: OsKeychain; damage?: (file: string) => void; message: RegExp }> = [
    { name: 'another OS user cannot unlock it', keychain: keychainOf(randomBytes(32)), message: /cannot be unlocked by this user/ },
    { name: 'no keychain on this machine', keychain: keychainOf(randomBytes(32), false), message: /keychain is not available/ },
    {
      name: 'a damaged key file',
      keychain: alice,
      damage: (file) => {
        const bytes = readFileSync(file);
        bytes[bytes.length - 1]! ^= 0xff;
        writeFileSync(file, bytes);
      },
      message: /cannot be unlocked/,
    },
    {
      name: 'a sealed value of the wrong length',
      keychain: alice,
      damage: (file) => writeFileSync(file, alice.encryptString(randomBytes(7).toString('base64'))),
      message: /damaged/,
    },
  ];
  for (const row of cases) {
    test(`${row.name}: SNAPSHOT_KEY_LOST with a plain reason, never a crash or a silent new key`, () => {
      const file = join(dir.path, `${row.name.replace(/\W+/g, '-')}.safe`);
      new SafeStorageKeyStore(file, alice).create();
      row.damage?.(file);
      const before = readFileSync(file);
      assert.throws(() => new SafeStorageKeyStore(file, row.keychain).load(), (error: Error & { code?: string }) => {
        assert.equal(error.code, 'SNAPSHOT_KEY_LOST');
        assert.match(error.message, row.message);
        return true;
      });
      assert.deepEqual(readFileSync(file), before, 'the key file is left as it was');
    });
  }
});

/**
 * One data folder, two key stores: the desktop app (keychain) and the CLI /
 * headless host (plain key file) write the same fingerprint setting, so
 * whichever ran second used to see "key missing" forever.
 */
describe('desktop app and command line sharing one data folder', () => {
  const alice = keychainOf(randomBytes(32));
  const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]);
  /** The fingerprint setting both share (the engine keeps it in SQLite; here the same record in memory). */
  function sharedFolder(name: string) {
    const dataDir = join(dir.path, name);
    const files = snapshotKeyFiles(dataDir);
    let recorded: string | null = null;
    const fingerprint: KeyFingerprintRecord = { get: () => recorded, set: (value) => (recorded = value) };
    return {
      files,
      cli: () => new SnapshotVault(join(dataDir, 'snapshots'), new FileKeyStore(files.plain, files.desktop), fingerprint),
      desktop: (keychain: OsKeychain = alice) => new SnapshotVault(join(dataDir, 'snapshots'), new SafeStorageKeyStore(files.desktop, keychain, files.plain), fingerprint),
    };
  }

  test('CLI first: the desktop app adopts its key file (sealed, plain file deleted), the snapshots stay readable', () => {
    const folder = sharedFolder('cli-first');
    const cli = folder.cli();
    assert.deepEqual(cli.open(), { ready: true });
    const sealedByCli = cli.seal(JPEG);
    const plainKey = readFileSync(folder.files.plain);

    const desktop = folder.desktop();
    assert.deepEqual(desktop.open(), { ready: true });
    assert.equal(existsSync(folder.files.plain), false, 'the plain key file is gone');
    assert.equal(readFileSync(folder.files.desktop).includes(plainKey), false, 'the key is sealed, not copied');
    assert.deepEqual(desktop.openSnapshot(sealedByCli), { ok: true, jpeg: JPEG });
    assert.deepEqual(folder.desktop().open(), { ready: true }, 'and stays readable on the next start');
  });

  test('desktop key present: the CLI reports the snapshots belong to the desktop app and creates no key of its own', () => {
    const folder = sharedFolder('desktop-first');
    const desktop = folder.desktop();
    assert.deepEqual(desktop.open(), { ready: true });
    const sealed = desktop.seal(JPEG);
    const sealedKey = readFileSync(folder.files.desktop);

    const cli = folder.cli();
    const state = cli.open();
    assert.equal(state.ready, false);
    assert.match((state as { problem: string }).problem, /protected by the desktop app's keychain/);
    assert.equal(existsSync(folder.files.plain), false, 'no second key was made');
    assert.deepEqual(readFileSync(folder.files.desktop), sealedKey, "the desktop app's key is untouched");
    const again = folder.desktop();
    assert.deepEqual(again.open(), { ready: true }, 'the desktop app still opens its snapshots');
    assert.deepEqual(again.openSnapshot(sealed), { ok: true, jpeg: JPEG });
  });

  test('`unknowns --reset-key` from the command line starts over for both: new key file, the sealed key goes, the desktop app adopts the new one', () => {
    const folder = sharedFolder('reset-from-cli');
    folder.desktop().open();
    const cli = folder.cli();
    cli.resetKey();
    assert.deepEqual(cli.state(), { ready: true });
    assert.equal(existsSync(folder.files.desktop), false, 'the old sealed key would no longer match the fingerprint');
    const sealed = cli.seal(JPEG);
    const desktop = folder.desktop();
    assert.deepEqual(desktop.open(), { ready: true });
    assert.deepEqual(desktop.openSnapshot(sealed), { ok: true, jpeg: JPEG });
  });

  test('a plain key file but no keychain: the desktop app says why and leaves the key file alone', () => {
    const folder = sharedFolder('no-keychain');
    folder.cli().open();
    const plainKey = readFileSync(folder.files.plain);
    const state = folder.desktop(keychainOf(randomBytes(32), false)).open();
    assert.equal(state.ready, false);
    assert.match((state as { problem: string }).problem, /keychain is not available/);
    assert.deepEqual(readFileSync(folder.files.plain), plainKey);
    assert.deepEqual(folder.cli().open(), { ready: true }, 'the command line keeps working');
  });
});
