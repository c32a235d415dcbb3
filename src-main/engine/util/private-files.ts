/**
 * Files and folders of the data folder, private to the account running Vigil:
 * folders 0700, files 0600 (POSIX; Windows keeps the ACLs it inherits from the
 * user's profile). Also the one durable way to replace a file: write a
 * temporary file, fsync it, rename it over the old one, fsync the folder, so
 * a crash or power cut leaves the old file or the new one, never half of one.
 */
import { chmodSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

const posix = process.platform !== 'win32';

/**
 * Creates a folder (and its parents) as 0700. An existing folder is tightened to
 * 0700 when `tighten` (Vigil's own folders), else left as the user made it.
 * Returns whether it had to be created.
 */
export function ensurePrivateFolder(path: string, options: { tighten?: boolean } = {}): boolean {
  const existed = existsSync(path);
  mkdirSync(path, { recursive: true, mode: 0o700 });
  if (posix && (!existed || options.tighten) && (statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o700);
  return !existed;
}

/** An existing file that others could read becomes 0600 (files written by an older Vigil, or by an administrator). */
export function tightenFile(path: string): void {
  if (!posix) return;
  const info = statSync(path, { throwIfNoEntry: false });
  if (info?.isFile() && (info.mode & 0o077) !== 0) chmodSync(path, 0o600);
}

/** Creates an empty 0600 file if there is none (so a library that creates it later, e.g. SQLite, keeps that mode). */
export function ensurePrivateFile(path: string): void {
  if (existsSync(path)) {
    tightenFile(path);
    return;
  }
  closeSync(openSync(path, 'a', 0o600));
  if (posix) chmodSync(path, 0o600); // the umask may have taken bits off; never adds any
}

function fsyncPath(path: string, flags: string): void {
  const fd = openSync(path, flags);
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Makes a rename or a new file in `folder` survive a power cut (no-op on Windows, where folders cannot be opened). */
export function fsyncFolder(folder: string): void {
  if (posix) fsyncPath(folder, 'r');
}

/**
 * Replaces `path` durably with mode 0600: `content` is the bytes, or a writer
 * that creates the temporary file itself (e.g. hnswlib's writeIndexSync).
 * Temp → fsync → rename → fsync folder. On failure the old file is untouched
 * and the temporary file removed. `temporary`: a name a purge of leftovers
 * recognises (default `<path>.<pid>.tmp`).
 */
export function writeFileDurably(
  path: string,
  content: Buffer | string | ((temporaryPath: string) => void),
  temporary = `${path}.${process.pid}.tmp`,
): void {
  try {
    if (typeof content === 'function') content(temporary);
    else writeFileSync(temporary, content, { mode: 0o600 });
    if (posix) chmodSync(temporary, 0o600);
    fsyncPath(temporary, 'r+');
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
  fsyncFolder(dirname(path));
}
