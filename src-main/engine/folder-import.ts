import type { Dirent } from 'node:fs';
import { readdir, readFile, readlink, realpath, stat } from 'node:fs/promises';
import { extname, join, relative, resolve, isAbsolute } from 'node:path';
import type { FolderImportReport, Resemblance } from '../../src-preload/contract.js';
import type { CallerContext } from './api/dispatcher.js';
import type { PhotoBytes } from './enrollment.js';
import { VigilError } from './errors.js';
import { EnrollmentRefused, type PeopleService } from './people-service.js';
import { MAX_IMAGE_FILE_BYTES, photoTooLarge } from './vision/image-io.js';

export const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.webp', '.bmp', '.tif', '.tiff', '.gif', '.avif', '.heic']);

export interface FolderImportOptions {
  caller: CallerContext;
  /** Usable photos a person needs to be enrolled (default 1: bulk sets are often thin). */
  minPhotos?: number;
  /** Consent text version recorded for everyone imported (the operator attests consent by importing). */
  consentTextVersion: string;
  onProgress?: (progress: { folder: string; done: number; total: number; current: string }) => void;
  /**
   * A console's import (a client that may not see this machine's files): the folder, and whatever
   * its links lead to, must lie under one of these folders (the site's `importFolders`), and names
   * of files that are not photos are not reported back (a count instead). Absent for the CLI,
   * whose operator is at the machine and has the files anyway.
   */
  confinedTo?: readonly string[];
}

/** Real (link-free) paths of the allowed folders; one that does not exist allows nothing. */
async function realFolders(folders: readonly string[]): Promise<string[]> {
  const real: string[] = [];
  for (const folder of folders) {
    const path = await realpath(resolve(folder)).catch(() => null);
    if (path) real.push(path);
  }
  return real;
}

/** Whether a real path lies in (or is) one of the real allowed folders. */
export function isWithin(path: string, folders: readonly string[]): boolean {
  return folders.some((folder) => {
    const rel = relative(folder, path);
    return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
  });
}

const OUTSIDE_ALLOWED = 'the link leads outside the folders allowed for import';

type FileLine = FolderImportReport['files'][number];

/**
 * Bulk enrollment from `<folder>/<person name>/<photos>`: one enrollment (one
 * transaction) per subfolder, through the same service as the enrollment desk,
 * with a per-file report of what was used or skipped and why. The console's
 * bulk import and the CLI's enroll-dir both run this.
 */
export async function importFolder(people: PeopleService, folder: string, options: FolderImportOptions): Promise<FolderImportReport> {
  const root = resolve(folder);
  let allowed: string[] | null = null;
  if (options.confinedTo) {
    allowed = await realFolders(options.confinedTo);
    if (allowed.length === 0) {
      throw new VigilError(
        'FORBIDDEN',
        'No folder is open for import from the console: choose one with "Choose folder…" in the desktop app, or the site administrator lists them as "importFolders" in config.json (or imports on this machine with npm run cli -- enroll-dir)',
      );
    }
    const real = await realpath(root).catch(() => null);
    // The same answer whether the folder is missing or elsewhere: a client learns nothing about folders it may not read.
    if (!real || !isWithin(real, allowed)) {
      throw new VigilError('FORBIDDEN', `Import is allowed only from folders under: ${options.confinedTo.join(', ')}`);
    }
  }
  const info = await stat(root).catch(() => null);
  if (!info?.isDirectory()) throw new VigilError('NOT_FOUND', `Folder not found: ${root}`);
  const subfolders: string[] = [];
  const refusedFolders: FileLine[] = [];
  for (const entry of await readdir(root, { withFileTypes: true })) {
    if (entry.isDirectory()) subfolders.push(entry.name);
    // A person folder may be a link to a folder (a set assembled from elsewhere), within the allowed folders.
    else if (entry.isSymbolicLink()) {
      const target = await followLink(join(root, entry.name), allowed);
      if (target.kind === 'folder') subfolders.push(entry.name);
      else if (target.kind === 'refused' && target.reason === OUTSIDE_ALLOWED) refusedFolders.push({ file: entry.name, used: false, code: 'LINK_REFUSED', reason: OUTSIDE_ALLOWED });
    }
  }
  subfolders.sort((a, b) => a.localeCompare(b));
  if (subfolders.length === 0) throw new VigilError('BAD_REQUEST', `${root} has no subfolders; expected <folder>/<person name>/<photos>`);

  const report: FolderImportReport = {
    folder: root,
    personsEnrolled: 0,
    personsWithoutUsablePhotos: [],
    photosUsed: 0,
    photosSkipped: 0,
    persons: [],
    files: [...refusedFolders],
  };
  report.photosSkipped += refusedFolders.length;
  const minPhotos = options.minPhotos ?? 1;
  options.onProgress?.({ folder: root, done: 0, total: subfolders.length, current: '' });
  for (const [index, name] of subfolders.entries()) {
    const { photos, files } = await readPersonFolder(root, name, allowed);
    const lines: FileLine[] = [...files];
    let personId: number | null = null;
    let refusal: { code: string; reason: string } | null = null;
    let resembles: Resemblance | null = null;
    if (photos.length === 0) {
      const unreadable = files.some((f) => f.code !== 'NOT_AN_IMAGE');
      refusal = { code: 'EMPTY', reason: files.length === 0 ? 'folder has no photos' : unreadable ? 'none of its photos could be read' : 'folder has no image files' };
      if (files.length === 0) lines.push({ file: name, used: false, code: 'EMPTY', reason: 'folder has no photos' });
    } else {
      try {
        const result = await people.enroll(
          { record: { name, employeeCode: null, department: null, category: 'employee', notes: null }, consent: { textVersion: options.consentTextVersion }, photos },
          { allowFewerPhotos: true, minPhotos },
          options.caller,
        );
        personId = result.person?.id ?? null;
        resembles = result.person ? (result.resembles ?? null) : null;
        lines.push(...result.photos.map((p) => ({ file: p.fileName, used: p.used, code: p.code, reason: p.reason })));
        if (!result.person) refusal = { code: 'NO_USABLE_PHOTO', reason: 'none of the photos could be used' };
      } catch (error) {
        if (!(error instanceof EnrollmentRefused)) throw error; // missing models, a broken database: stop, do not half-import
        refusal = { code: error.code, reason: error.message };
        // Photos that were fine are still not saved: say so, with the person's reason.
        lines.push(...error.photos.map((p) => (p.used ? { file: p.fileName, used: false, code: error.code, reason: `not saved: ${error.message}` } : { file: p.fileName, used: false, code: p.code, reason: p.reason })));
      }
    }
    const used = lines.filter((l) => l.used).length;
    report.files.push(...lines);
    report.photosUsed += used;
    report.photosSkipped += lines.filter((l) => !l.used).length;
    if (personId !== null) report.personsEnrolled++;
    else report.personsWithoutUsablePhotos.push(name);
    report.persons.push({ name, personId, photosUsed: used, ...(refusal && personId === null ? refusal : {}), ...(resembles ? { resembles } : {}) });
    options.onProgress?.({ folder: root, done: index + 1, total: subfolders.length, current: name });
  }
  return report;
}

/** Where a symbolic link leads: a regular file, a folder, or why it cannot be followed (in plain words). */
type LinkTarget = { kind: 'file' } | { kind: 'folder' } | { kind: 'refused'; reason: string };

async function followLink(path: string, allowed: readonly string[] | null = null): Promise<LinkTarget> {
  const target = await readlink(path).catch(() => '?');
  try {
    const info = await stat(path);
    if (allowed && !isWithin(await realpath(path), allowed)) return { kind: 'refused', reason: OUTSIDE_ALLOWED };
    if (info.isFile()) return { kind: 'file' };
    if (info.isDirectory()) return { kind: 'folder' };
    return { kind: 'refused', reason: `the link points to ${target}, which is not a regular file` };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'refused', reason: `the link points to ${target}, which does not exist` };
    if (code === 'ELOOP') return { kind: 'refused', reason: 'the link is a loop (it leads back to itself)' };
    return { kind: 'refused', reason: `the link to ${target} cannot be followed (${code ?? (error as Error).message})` };
  }
}

/** A person folder's entry as a photo candidate: a regular file or a link to one; other entries (subfolders) are not looked at. */
async function photoEntry(folder: string, entry: Dirent, allowed: readonly string[] | null): Promise<{ ok: true } | { ok: false; reason: string } | null> {
  if (entry.isFile()) return { ok: true };
  if (!entry.isSymbolicLink()) return null;
  const target = await followLink(join(folder, entry.name), allowed);
  if (target.kind === 'file') return { ok: true };
  if (target.kind === 'folder') return { ok: false, reason: 'the link points to a folder, not a photo' };
  return { ok: false, reason: target.reason };
}

/**
 * A photo file read when its turn comes: too large (checked before reading) or
 * unreadable (no permission, removed meanwhile) is a plain-words refusal that
 * becomes that file's report line, never the end of the import.
 */
function photoFile(path: string, label: string): PhotoBytes {
  return {
    fileName: label,
    async read() {
      let size: number;
      try {
        size = (await stat(path)).size;
      } catch (error) {
        throw new VigilError('IMAGE_UNREADABLE', `could not be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
      }
      if (size > MAX_IMAGE_FILE_BYTES) throw photoTooLarge(label, size);
      return readFile(path).catch((error: NodeJS.ErrnoException) => {
        throw new VigilError('IMAGE_UNREADABLE', `could not be read: ${error.code ?? error.message}`);
      });
    },
  };
}

/**
 * The photos of one person's folder (read later, one at a time), and a line for each file that is
 * not one (confined imports: one line counting them, without their names).
 */
async function readPersonFolder(root: string, name: string, allowed: readonly string[] | null): Promise<{ photos: PhotoBytes[]; files: FileLine[] }> {
  const folder = join(root, name);
  const entries = (await readdir(folder, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const photos: PhotoBytes[] = [];
  const files: FileLine[] = [];
  let unnamedNonImages = 0;
  for (const entry of entries) {
    const file = entry.name;
    const label = join(name, file);
    if (!IMAGE_EXTENSIONS.has(extname(file).toLowerCase())) {
      // Not looked at (not even followed): only whether it is a file or a link decides that it is counted.
      if (!entry.isFile() && !entry.isSymbolicLink()) continue;
      if (allowed) unnamedNonImages++;
      else files.push({ file: label, used: false, code: 'NOT_AN_IMAGE', reason: 'not an image file' });
      continue;
    }
    const candidate = await photoEntry(folder, entry, allowed);
    if (candidate === null) continue;
    if (!candidate.ok) {
      files.push({ file: label, used: false, code: 'LINK_REFUSED', reason: candidate.reason });
      continue;
    }
    photos.push(photoFile(join(folder, file), label));
  }
  if (unnamedNonImages > 0) {
    files.push({ file: name, used: false, code: 'NOT_AN_IMAGE', reason: `${unnamedNonImages} ${unnamedNonImages === 1 ? 'file that is not a photo was' : 'files that are not photos were'} not read` });
  }
  return { photos, files };
}
