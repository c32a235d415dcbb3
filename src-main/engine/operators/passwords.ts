import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * Password hashes: Node's scrypt (memory-hard), a random 16-byte salt per password, the
 * parameters stored with the hash so they can be raised later without breaking old ones:
 * "scrypt$<N>$<r>$<p>$<salt base64>$<hash base64>". Compared in constant time.
 */
export interface ScryptParameters {
  N: number;
  r: number;
  p: number;
}

/** 2^15 x 8: 32 MiB and a few tens of milliseconds per attempt, which a guesser pays too. */
export const DEFAULT_SCRYPT: ScryptParameters = { N: 2 ** 15, r: 8, p: 1 };
const KEY_LENGTH = 32;

function derive(password: string, salt: Buffer, params: ScryptParameters): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // maxmem above what these parameters need (128 * N * r bytes), so Node does not refuse them.
    scrypt(password.normalize('NFC'), salt, KEY_LENGTH, { ...params, maxmem: 256 * params.N * params.r + 1024 * 1024 }, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

export async function hashPassword(password: string, params: ScryptParameters = DEFAULT_SCRYPT): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, params);
  return ['scrypt', params.N, params.r, params.p, salt.toString('base64'), key.toString('base64')].join('$');
}

/** Whether `password` matches the stored hash; a malformed stored value never matches. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (![N, r, p].every((v) => Number.isInteger(v) && v > 0) || N > 2 ** 20 || r > 32 || p > 16) return false;
  const salt = Buffer.from(parts[4]!, 'base64');
  const expected = Buffer.from(parts[5]!, 'base64');
  if (salt.length < 8 || expected.length !== KEY_LENGTH) return false;
  const actual = await derive(password, salt, { N, r, p });
  return timingSafeEqual(actual, expected);
}

let dummy: Promise<string> | null = null;
/**
 * A hash to check a password against when the name is unknown, so a wrong name costs as long as
 * a wrong password (the answer's timing does not tell which names exist).
 */
export function dummyHash(): Promise<string> {
  dummy ??= hashPassword(randomBytes(16).toString('base64'));
  return dummy;
}

/** A password for an account created or reset from the CLI without --password-stdin (printed once). */
export function generatedPassword(): string {
  return randomBytes(15).toString('base64url');
}
