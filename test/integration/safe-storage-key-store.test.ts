/**
 * The desktop app's snapshot key store, run in plain Node: Electron's
 * safeStorage is replaced by a stand-in keychain that really encrypts
 * (AES-256-GCM under a per-user secret), so what is tested is the store's own
 * logic — the key never on disk in clear, reload, another user, a damaged
 * file, and a machine without a keychain. Electron's cipher itself is not.
 */
import assert from 'node:assert/strict';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { type OsKeychain, SafeStorageKeyStore } from '../../src-main/electron/safe-storage-key-store.js';
import { SNAPSHOT_KEY_BYTES } from '../../src-main/engine/unknowns/snapshot-vault.js';
import { tempDir } from '../helpers/paths.js';

const dir = tempDir();
after(() => dir.cleanup());

/** A keychain bound to one OS user's secret, like DPAPI or the login keychain. */
function keychainOf(userSecret: Buffer, available = true): OsKeychain {
  return {
    isEncryptionAvailable: () => available,
    encryptString(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', userSecret, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]);
    },
    decryptString(sealed) {
      const decipher = createDecipheriv('aes-256-gcm', userSecret, sealed.subarray(0, 12));
      decipher.setAuthTag(sealed.subarray(12, 28));
      return Buffer.concat([decipher.update(sealed.subarray(28)), decipher.final()]).toString('utf8');
    },
  };
}

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
