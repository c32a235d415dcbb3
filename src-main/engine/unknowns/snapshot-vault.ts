/**
 * Encrypted face snapshots of unknown people. A snapshot is a JPEG made in
 * memory and sealed with AES-256-GCM before it touches the disk; nothing
 * unencrypted is ever written. File layout (version 1):
 *
 *   "VGSN" | version (1 byte) | IV (12 bytes, random per file) | GCM tag (16 bytes) | ciphertext
 *
 * The header and the file name are authenticated (AAD), so a file that was
 * altered, truncated or renamed fails to open and is reported as unavailable.
 * The key comes from a SnapshotKeyStore: a file only its owner can read (CLI,
 * headless host) or Electron's safeStorage (desktop app, src-main/electron).
 * Both live in <data>/keys/ and share one fingerprint: the desktop app adopts a
 * plain key file (seals it), and the key file store then leaves the sealed key
 * alone instead of creating a second key.
 * A lost key makes the snapshots unrecoverable by design; `unknowns --reset-key`
 * starts over.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { VigilError } from '../errors.js';
import { ensurePrivateFolder, tightenFile, writeFileDurably } from '../util/private-files.js';

const MAGIC = Buffer.from('VGSN', 'ascii');
const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = MAGIC.length + 1 + IV_BYTES + TAG_BYTES;
export const SNAPSHOT_KEY_BYTES = 32;
export const SNAPSHOT_FILE_SUFFIX = '.vsnap';

/** Where the snapshot key is kept. The engine only sees this interface. */
export interface SnapshotKeyStore {
  /** For messages: where the key lives ("the key file /…/snapshot.key"). */
  readonly description: string;
  /** The stored key, or null when none was ever created. Throws VigilError when it exists but cannot be used. */
  load(): Buffer | null;
  /** Creates, stores and returns a fresh random key (replacing any old one). */
  create(): Buffer;
}

/**
 * The key in a file readable only by its owner (mode 0600, folder 0700).
 * A key file that others could read is tightened, not trusted blindly.
 * `desktopKeyPath` is where the desktop app keeps its keychain-sealed key: when
 * that exists the snapshots belong to it, and a second key must not be made.
 */
export class FileKeyStore implements SnapshotKeyStore {
  readonly description: string;
  constructor(
    readonly path: string,
    private readonly desktopKeyPath: string | null = null,
    /** What the key protects, for messages ("the snapshots", "the camera passwords"). */
    private readonly protects = 'the snapshots',
  ) {
    this.description = `the key file ${path}`;
  }

  load(): Buffer | null {
    if (!existsSync(this.path)) {
      if (this.desktopKeyPath !== null && existsSync(this.desktopKeyPath)) {
        throw new VigilError(
          'SNAPSHOT_KEY_LOST',
          `${this.protects[0]!.toUpperCase()}${this.protects.slice(1)} are protected by the desktop app's keychain (${this.desktopKeyPath}): use them in the desktop app; the command line and headless host cannot open them`,
        );
      }
      return null;
    }
    ensurePrivateFolder(dirname(this.path), { tighten: true });
    if (process.platform !== 'win32' && (statSync(this.path).mode & 0o077) !== 0) chmodSync(this.path, 0o600);
    const key = readFileSync(this.path);
    if (key.length !== SNAPSHOT_KEY_BYTES) {
      throw new VigilError('SNAPSHOT_KEY_LOST', `${this.description} is damaged (${key.length} bytes, expected ${SNAPSHOT_KEY_BYTES})`);
    }
    return key;
  }

  create(): Buffer {
    ensurePrivateFolder(dirname(this.path), { tighten: true });
    const key = randomBytes(SNAPSHOT_KEY_BYTES);
    // Durably (temp, fsync, rename, fsync folder): a key lost to a power cut would make every snapshot unreadable.
    writeFileDurably(this.path, key);
    // Only `--reset-key` gets here with a desktop key present (load() refuses otherwise): the old sealed key goes with its snapshots.
    if (this.desktopKeyPath !== null) rmSync(this.desktopKeyPath, { force: true });
    return key;
  }
}

/** Where the vault remembers which key sealed its snapshots (a fingerprint, never the key). */
export interface KeyFingerprintRecord {
  get(): string | null;
  set(fingerprint: string): void;
}

export function keyFingerprint(key: Buffer): string {
  return createHash('sha256').update('vigil snapshot key fingerprint\0').update(key).digest('hex').slice(0, 32);
}

export type SnapshotOpenResult = { ok: true; jpeg: Buffer } | { ok: false; reason: string };

export type VaultState = { ready: true } | { ready: false; problem: string };

const RESET_HINT = 'Run `npm run cli -- unknowns --reset-key` to delete them and start over with a new key.';

export class SnapshotVault {
  private key: Buffer | null = null;
  private problem: string | null = null;

  constructor(
    readonly dir: string,
    private readonly keyStore: SnapshotKeyStore,
    private readonly fingerprint: KeyFingerprintRecord,
    /** Where failures that must not throw (a file that cannot be deleted now) are reported. */
    private readonly warn: (message: string, fields: Record<string, unknown>) => void = () => undefined,
  ) {}

  /**
   * Loads the key. First use creates one; a missing or different key when
   * snapshots were sealed before is reported (never silently replaced: the
   * old snapshots would become unreadable without anyone being told).
   */
  open(): VaultState {
    this.key = null;
    this.problem = null;
    let key: Buffer | null;
    try {
      key = this.keyStore.load();
    } catch (error) {
      this.problem = `${(error as Error).message}. Encrypted snapshots cannot be opened or saved. ${RESET_HINT}`;
      return this.state();
    }
    const recorded = this.fingerprint.get();
    if (key === null && recorded === null) {
      // A key that cannot be made (no keychain, read-only folder) leaves snapshots off, never the engine unopened.
      try {
        key = this.keyStore.create();
      } catch (error) {
        this.problem = `A snapshot key could not be created (${this.keyStore.description}): ${(error as Error).message}. Unknown people are still grouped, but without snapshots.`;
        return this.state();
      }
      this.fingerprint.set(keyFingerprint(key));
    } else if (key === null) {
      this.problem = `The snapshot key is missing (${this.keyStore.description}): snapshots saved before cannot be decrypted, by design there is no other copy. ${RESET_HINT}`;
      return this.state();
    } else if (recorded !== null && recorded !== keyFingerprint(key)) {
      this.problem = `The snapshot key (${this.keyStore.description}) is not the one the snapshots were encrypted with: they cannot be decrypted. ${RESET_HINT}`;
      return this.state();
    } else if (recorded === null) {
      this.fingerprint.set(keyFingerprint(key));
    }
    try {
      ensurePrivateFolder(this.dir, { tighten: true });
      for (const file of this.files()) tightenFile(join(this.dir, file));
    } catch (error) {
      this.problem = `The snapshot folder ${this.dir} cannot be created: ${(error as Error).message}. Unknown people are still grouped, but without snapshots.`;
      return this.state();
    }
    this.key = key;
    return this.state();
  }

  state(): VaultState {
    return this.problem === null && this.key !== null ? { ready: true } : { ready: false, problem: this.problem ?? 'The snapshot vault is not open' };
  }

  private requireKey(): Buffer {
    if (!this.key) throw new VigilError('SNAPSHOT_KEY_LOST', this.problem ?? 'The snapshot vault is not open');
    return this.key;
  }

  /** Encrypts a JPEG held in memory into a new file; returns its file name. */
  seal(jpeg: Buffer): string {
    const key = this.requireKey();
    const fileName = `${randomUUID()}${SNAPSHOT_FILE_SUFFIX}`;
    const iv = randomBytes(IV_BYTES);
    const header = Buffer.concat([MAGIC, Buffer.from([VERSION])]);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.concat([header, Buffer.from(fileName, 'utf8')]));
    const ciphertext = Buffer.concat([cipher.update(jpeg), cipher.final()]);
    const sealed = Buffer.concat([header, iv, cipher.getAuthTag(), ciphertext]);
    // Written under a temporary name (purged if a crash leaves it), fsynced, then renamed: no half file is ever
    // seen under the real name (and the bytes are already encrypted).
    const path = join(this.dir, fileName);
    writeFileDurably(path, sealed, `${path}.tmp`);
    return fileName;
  }

  /** Decrypts a snapshot; any damage, tampering or a wrong key is a reason, never a throw. */
  openSnapshot(fileName: string): SnapshotOpenResult {
    if (!this.key) return { ok: false, reason: this.problem ?? 'the snapshot vault is not open' };
    if (!isSnapshotFileName(fileName)) return { ok: false, reason: 'invalid snapshot file name' };
    let sealed: Buffer;
    try {
      sealed = readFileSync(join(this.dir, fileName));
    } catch (error) {
      return { ok: false, reason: `the snapshot file is missing (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})` };
    }
    if (sealed.length < HEADER_BYTES || !sealed.subarray(0, MAGIC.length).equals(MAGIC)) return { ok: false, reason: 'the snapshot file is damaged' };
    if (sealed[MAGIC.length] !== VERSION) return { ok: false, reason: `unsupported snapshot format version ${sealed[MAGIC.length]}` };
    const header = sealed.subarray(0, MAGIC.length + 1);
    const iv = sealed.subarray(MAGIC.length + 1, MAGIC.length + 1 + IV_BYTES);
    const tag = sealed.subarray(MAGIC.length + 1 + IV_BYTES, HEADER_BYTES);
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, iv);
      decipher.setAAD(Buffer.concat([header, Buffer.from(fileName, 'utf8')]));
      decipher.setAuthTag(tag);
      return { ok: true, jpeg: Buffer.concat([decipher.update(sealed.subarray(HEADER_BYTES)), decipher.final()]) };
    } catch {
      return { ok: false, reason: 'the snapshot file was altered or damaged (it does not decrypt)' };
    }
  }

  /**
   * Deletes a snapshot file (or one left half-written, `.vsnap.tmp`). Called after
   * a commit, so a file that cannot go now (EBUSY, EPERM) is logged, not thrown:
   * the hourly orphan purge retries it. Returns whether the file is gone.
   */
  remove(fileName: string): boolean {
    if (!isSnapshotFileName(fileName, { orTemporary: true })) return false;
    try {
      rmSync(join(this.dir, fileName), { force: true });
      return true;
    } catch (error) {
      this.warn('snapshot file not deleted (retried by the next purge)', { file: fileName, reason: (error as Error).message });
      return false;
    }
  }

  /** Snapshot files on disk, finished or half-written (for purging orphans after a crash). */
  files(): string[] {
    if (!existsSync(this.dir)) return [];
    return readdirSync(this.dir).filter((f) => isSnapshotFileName(f, { orTemporary: true }));
  }

  /** Deletes every snapshot file and starts over with a new key. */
  resetKey(): void {
    for (const file of this.files()) rmSync(join(this.dir, file), { force: true });
    const key = this.keyStore.create();
    this.fingerprint.set(keyFingerprint(key));
    this.open();
  }
}

/** Only names the vault itself makes: a UUID and the suffix (no folders, so no path can escape the vault). */
function isSnapshotFileName(name: string, { orTemporary = false } = {}): boolean {
  return (orTemporary ? /^[0-9a-f-]{36}\.vsnap(\.tmp)?$/ : /^[0-9a-f-]{36}\.vsnap$/).test(name);
}
