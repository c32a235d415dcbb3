import type { AwsCredentials, AwsCredentialsState } from '../../../src-preload/contract.js';
import type { CredentialVault } from '../cameras/credential-vault.js';
import type { Db } from '../storage/database.js';

/**
 * The AWS credentials an administrator entered in Settings for the remote face
 * matcher: sealed by the CredentialVault (the camera passwords' key, AES-256-GCM,
 * bound to the subject "matcher:aws-credentials") into one row of the settings
 * table (base64). Only ciphertext is ever written, so neither the database nor
 * its WAL holds the secret in clear. None set: the standard AWS chain.
 */
const SETTING = 'matcher_aws_credentials';
const SUBJECT = 'matcher:aws-credentials';

export class MatcherCredentialStore {
  constructor(
    private readonly db: Db,
    private readonly vault: CredentialVault,
  ) {}

  private sealed(): string | null {
    return (this.db.prepare('SELECT value FROM settings WHERE key = ?').get(SETTING) as { value: string } | undefined)?.value ?? null;
  }

  /** Stores (replaces) the credentials; call inside the transaction that audits it. */
  save(credentials: AwsCredentials): void {
    const value: Record<string, string> = { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey };
    if (credentials.sessionToken) value.sessionToken = credentials.sessionToken;
    const blob = this.vault.sealSecret(value, SUBJECT).toString('base64');
    this.db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(SETTING, blob);
  }

  /** Removes them; false when none were set. */
  clear(): boolean {
    return this.db.prepare('DELETE FROM settings WHERE key = ?').run(SETTING).changes > 0;
  }

  /** The stored credentials (decrypted in memory), null when none are set; CREDENTIALS_UNAVAILABLE when they cannot be opened. */
  load(): AwsCredentials | null {
    const sealed = this.sealed();
    if (sealed === null) return null;
    const opened = this.vault.openSecret(Buffer.from(sealed, 'base64'), SUBJECT, 'AWS credentials of the face matcher');
    if (!opened.accessKeyId || !opened.secretAccessKey) return null;
    return { accessKeyId: opened.accessKeyId, secretAccessKey: opened.secretAccessKey, ...(opened.sessionToken ? { sessionToken: opened.sessionToken } : {}) };
  }

  /** What the console may see: set or not, the key id's last 4 characters, never the secret. */
  state(): AwsCredentialsState {
    if (this.sealed() === null) return { set: false, accessKeyIdEnding: null, hasSessionToken: false, problem: null };
    try {
      const credentials = this.load();
      if (!credentials) return { set: true, accessKeyIdEnding: null, hasSessionToken: false, problem: 'The stored AWS credentials are incomplete: enter them again' };
      return { set: true, accessKeyIdEnding: keyIdEnding(credentials.accessKeyId), hasSessionToken: credentials.sessionToken !== undefined, problem: null };
    } catch (error) {
      return { set: true, accessKeyIdEnding: null, hasSessionToken: false, problem: (error as Error).message };
    }
  }
}

/** The last 4 characters of an access key id: enough to tell keys apart, too little to be of use. */
export function keyIdEnding(accessKeyId: string): string {
  return accessKeyId.slice(-4);
}
