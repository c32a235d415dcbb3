/**
 * The snapshot key in the desktop app: random bytes encrypted with Electron's
 * safeStorage (the OS keychain / DPAPI / libsecret), stored as a file that is
 * useless without the user's OS login. The engine sees only SnapshotKeyStore.
 * A plain key file left by the CLI or headless host in the same data folder is
 * adopted (sealed here, then deleted): same key, so the same fingerprint and
 * the snapshots it sealed stay readable.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname } from 'node:path';
import { VigilError } from '../engine/errors.js';
import { ensurePrivateFolder, writeFileDurably } from '../engine/util/private-files.js';
import { FileKeyStore, SNAPSHOT_KEY_BYTES, type SnapshotKeyStore } from '../engine/unknowns/snapshot-vault.js';

/** The part of Electron's safeStorage this store uses (passed in, so the file logic runs and is tested without Electron). */
export interface OsKeychain {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
}

export class SafeStorageKeyStore implements SnapshotKeyStore {
  readonly description: string;
  constructor(
    private readonly path: string,
    private readonly safeStorage: OsKeychain,
    /** The CLI / headless host's plain key file (<data>/keys/snapshot.key), adopted when no sealed key exists yet. */
    private readonly plainKeyPath: string | null = null,
  ) {
    this.description = `the key protected by the operating system's keychain (${path})`;
  }

  private requireEncryption(): void {
    if (!this.safeStorage.isEncryptionAvailable()) {
      throw new VigilError('SNAPSHOT_KEY_LOST', 'The operating system keychain is not available, so the snapshot key cannot be protected');
    }
  }

  load(): Buffer | null {
    if (!existsSync(this.path)) return this.adoptPlainKey();
    this.requireEncryption();
    let key: Buffer;
    try {
      key = Buffer.from(this.safeStorage.decryptString(readFileSync(this.path)), 'base64');
    } catch (error) {
      throw new VigilError('SNAPSHOT_KEY_LOST', `${this.description} cannot be unlocked by this user: ${(error as Error).message}`);
    }
    if (key.length !== SNAPSHOT_KEY_BYTES) throw new VigilError('SNAPSHOT_KEY_LOST', `${this.description} is damaged`);
    return key;
  }

  create(): Buffer {
    return this.seal(randomBytes(SNAPSHOT_KEY_BYTES));
  }

  /** Seals the plain key file's key here, then deletes the plain file (sealed first: a crash in between loses nothing). */
  private adoptPlainKey(): Buffer | null {
    if (this.plainKeyPath === null) return null;
    const key = new FileKeyStore(this.plainKeyPath).load();
    if (key === null) return null;
    this.seal(key);
    rmSync(this.plainKeyPath, { force: true });
    return key;
  }

  private seal(key: Buffer): Buffer {
    this.requireEncryption();
    ensurePrivateFolder(dirname(this.path), { tighten: true });
    writeFileDurably(this.path, this.safeStorage.encryptString(key.toString('base64')));
    return key;
  }
}
