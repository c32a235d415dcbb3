/**
 * Camera user names and passwords, encrypted at rest. A camera's credentials
 * are sealed with AES-256-GCM into one blob stored in its SQLite row
 * (cameras.credentials); the URL kept beside them has no user information.
 * Blob layout (version 1):
 *
 *   "VGCR" | version (1 byte) | IV (12 bytes, random per seal) | GCM tag (16 bytes) | ciphertext of JSON {username, password}
 *
 * The header and the camera id are authenticated (AAD), so a blob copied to
 * another camera's row, altered or truncated does not open. The key machinery
 * is the snapshot vault's (snapshot-vault.ts): a 32-byte key in an owner-only
 * file (CLI, headless host) or sealed by the OS keychain (desktop app), but a
 * key of its own (`keys/camera-credentials.key[.safe]`), so resetting the
 * snapshot key never loses camera passwords and vice versa. A lost key is
 * said in plain words: the passwords must be entered again (there is no other
 * copy, by design).
 *
 * The same key seals the site's other secrets entered in the console (the AWS
 * access key of the remote face matcher: sealSecret / openSecret), each bound
 * to its own subject in the AAD ("matcher:aws-credentials").
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { CameraCredentials } from '../../../src-preload/contract.js';
import { VigilError } from '../errors.js';
import { FileKeyStore, type KeyFingerprintRecord, keyFingerprint, type SnapshotKeyStore } from '../unknowns/snapshot-vault.js';

const MAGIC = Buffer.from('VGCR', 'ascii');
const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = MAGIC.length + 1 + IV_BYTES + TAG_BYTES;

/** Where the camera-credentials key lives in a data folder (plain owner-only file, or sealed by the desktop app). */
export function credentialKeyFiles(dataDir: string): { plain: string; desktop: string } {
  return { plain: join(dataDir, 'keys', 'camera-credentials.key'), desktop: join(dataDir, 'keys', 'camera-credentials.key.safe') };
}

export function defaultCredentialKeyStore(dataDir: string): SnapshotKeyStore {
  const files = credentialKeyFiles(dataDir);
  return new FileKeyStore(files.plain, files.desktop, 'the camera passwords');
}

export class CredentialVault {
  private key: Buffer | null = null;

  constructor(
    private readonly keyStore: SnapshotKeyStore,
    private readonly fingerprint: KeyFingerprintRecord,
  ) {}

  /** The blob is bound to what it belongs to ("camera:<id>", "matcher:aws"): copied elsewhere it does not open. */
  private aad(header: Buffer, subject: string): Buffer {
    return Buffer.concat([header, Buffer.from(subject, 'utf8')]);
  }

  /** The key, created on first use; a key that cannot be read is a clear error (never silently replaced). */
  private requireKey(createIfMissing: boolean, what = { secrets: 'camera passwords', again: "the camera's user name and password" }): Buffer {
    if (this.key) return this.key;
    let key: Buffer | null;
    try {
      key = this.keyStore.load();
    } catch (error) {
      throw new VigilError('CREDENTIALS_UNAVAILABLE', `The ${what.secrets} cannot be decrypted: ${(error as Error).message}`, { cause: error });
    }
    if (key === null) {
      if (!createIfMissing) {
        throw new VigilError('CREDENTIALS_UNAVAILABLE', `The key for ${what.secrets} is missing (${this.keyStore.description}): enter ${what.again} again`);
      }
      key = this.keyStore.create();
      this.fingerprint.set(keyFingerprint(key));
    } else if (this.fingerprint.get() === null) {
      this.fingerprint.set(keyFingerprint(key));
    }
    this.key = key;
    return key;
  }

  /** Encrypts a camera's credentials for its row. A lost key is replaced here: the passwords sealed with it were unreadable anyway. */
  seal(credentials: CameraCredentials, cameraId: number): Buffer {
    return this.sealJson({ username: credentials.username, password: credentials.password }, `camera:${cameraId}`);
  }

  /**
   * Encrypts another secret of the site (e.g. the AWS access key entered in settings) with the
   * same key, bound to `subject` (a blob sealed for one subject never opens for another).
   */
  sealSecret(value: Record<string, string>, subject: string): Buffer {
    if (subject.startsWith('camera:')) throw new RangeError('camera: subjects are sealed with seal()');
    return this.sealJson(value, subject);
  }

  /** Opens a blob sealed with sealSecret for the same subject; `what` names it in the error ("the AWS secret key"). */
  openSecret(blob: Buffer, subject: string, what: string): Record<string, string> {
    const key = this.requireKey(false, { secrets: `${what}`, again: what });
    const plaintext = this.openBytes(key, blob, subject, `${what} stored in settings`);
    const parsed = JSON.parse(plaintext.toString('utf8')) as Record<string, unknown>;
    plaintext.fill(0);
    return Object.fromEntries(Object.entries(parsed).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
  }

  private sealJson(value: Record<string, string>, subject: string): Buffer {
    let key: Buffer;
    try {
      key = this.requireKey(true);
    } catch (error) {
      // A new password may always be saved: start over with a new key when the old one cannot be used.
      if (!(error instanceof VigilError) || error.code !== 'CREDENTIALS_UNAVAILABLE' || /desktop app's keychain/.test(error.message)) throw error;
      key = this.keyStore.create();
      this.fingerprint.set(keyFingerprint(key));
      this.key = key;
    }
    const header = Buffer.concat([MAGIC, Buffer.from([VERSION])]);
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(this.aad(header, subject));
    const plaintext = Buffer.from(JSON.stringify(value), 'utf8');
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    plaintext.fill(0);
    return Buffer.concat([header, iv, cipher.getAuthTag(), ciphertext]);
  }

  /** Decrypts a camera's credentials; a damaged blob or a wrong key is CREDENTIALS_UNAVAILABLE in plain words. */
  open(blob: Buffer, cameraId: number): CameraCredentials {
    const key = this.requireKey(false);
    const plaintext = this.openBytes(key, blob, `camera:${cameraId}`, `password of camera ${cameraId}`);
    const parsed = JSON.parse(plaintext.toString('utf8')) as CameraCredentials;
    plaintext.fill(0);
    return { username: String(parsed.username), password: String(parsed.password) };
  }

  private openBytes(key: Buffer, blob: Buffer, subject: string, what: string): Buffer {
    if (blob.length < HEADER_BYTES || !blob.subarray(0, MAGIC.length).equals(MAGIC) || blob[MAGIC.length] !== VERSION) {
      throw new VigilError('CREDENTIALS_UNAVAILABLE', `The stored ${what} is damaged: enter it again`);
    }
    const header = blob.subarray(0, MAGIC.length + 1);
    const iv = blob.subarray(MAGIC.length + 1, MAGIC.length + 1 + IV_BYTES);
    const tag = blob.subarray(MAGIC.length + 1 + IV_BYTES, HEADER_BYTES);
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, iv);
      decipher.setAAD(this.aad(header, subject));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(blob.subarray(HEADER_BYTES)), decipher.final()]);
    } catch (error) {
      throw new VigilError('CREDENTIALS_UNAVAILABLE', `The stored ${what} does not decrypt (altered, or sealed with another key): enter it again`, { cause: error });
    }
  }
}
