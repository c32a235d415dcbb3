/**
 * A stand-in for Electron's safeStorage in plain Node: a keychain bound to one
 * OS user's secret (like DPAPI or the login keychain) that really encrypts
 * (AES-256-GCM), so the desktop key store's own logic is what is tested.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { OsKeychain } from '../../src-main/electron/safe-storage-key-store.js';

export function keychainOf(userSecret: Buffer, available = true): OsKeychain {
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
