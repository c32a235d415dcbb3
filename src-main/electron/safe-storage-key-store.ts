/**
 * The snapshot key in the desktop app: random bytes encrypted with Electron's
 * safeStorage (the OS keychain / DPAPI / libsecret), stored as a file that is
 * useless without the user's OS login. The engine sees only SnapshotKeyStore.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname } from 'node:path';
import { VigilError } from '../engine/errors.js';
import { SNAPSHOT_KEY_BYTES, type SnapshotKeyStore } from '../engine/unknowns/snapshot-vault.js';

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
  ) {
    this.description = `the key protected by the operating system's keychain (${path})`;
  }

  private requireEncryption(): void {
    if (!this.safeStorage.isEncryptionAvailable()) {
      throw new VigilError('SNAPSHOT_KEY_LOST', 'The operating system keychain is not available, so the snapshot key cannot be protected');
    }
  }

  load(): Buffer | null {
    if (!existsSync(this.path)) return null;
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
    this.requireEncryption();
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
    const key = randomBytes(SNAPSHOT_KEY_BYTES);
    const temporary = `${this.path}.tmp`;
    writeFileSync(temporary, this.safeStorage.encryptString(key.toString('base64')), { mode: 0o600 });
    renameSync(temporary, this.path);
    if (process.platform !== 'win32') chmodSync(this.path, 0o600);
    return key;
  }
}
