import type { Dirent } from 'node:fs';
import { readdir, readFile, readlink, stat } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
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
}

type FileLine = FolderImportReport['files'][number];

/**
 * Bulk enrollment from `<folder>/<person name>/<photos>`: one enrollment (one
 * transaction) per subfolder, through the same service as the enrollment desk,
 * with a per-file report of what was used or skipped and why. The console's
 * bulk import and the CLI's enroll-dir both run this.
 */
export async function importFolder(people: PeopleService, folder: string, options: FolderImportOptions): Promise<FolderImportReport> {
  const root = resolve(folder);
  const info = await stat(root).catch(() => null);
  if (!info?.isDirectory()) throw new VigilError('NOT_FOUND', `Folder not found: ${root}`);
  const subfolders: string[] = [];
  for (const entry of await readdir(root, { withFileTypes: true })) {
    // A person folder may be a link to a folder (a set assembled from elsewhere).
    if (entry.isDirectory() || (entry.isSymbolicLink() && (await followLink(join(root, entry.name))).kind === 'folder')) subfolders.push(entry.name);
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
    files: [],
  };
  const minPhotos = options.minPhotos ?? 1;
  options.onProgress?.({ folder: root, done: 0, total: subfolders.length, current: '' });
  for (const [index, name] of subfolders.entries()) {
    const { photos, files } = await readPersonFolder(root, name);
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

async function followLink(path: string): Promise<LinkTarget> {
  const target = await readlink(path).catch(() => '?');
  try {
    const info = await stat(path);
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
async function photoEntry(folder: string, entry: Dirent): Promise<{ ok: true } | { ok: false; reason: string } | null> {
  if (entry.isFile()) return { ok: true };
  if (!entry.isSymbolicLink()) return null;
  const target = await followLink(join(folder, entry.name));
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

/** The photos of one person's folder (read later, one at a time), and a line for each file that is not one. */
async function readPersonFolder(root: string, name: string): Promise<{ photos: PhotoBytes[]; files: FileLine[] }> {
  const folder = join(root, name);
  const entries = (await readdir(folder, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const photos: PhotoBytes[] = [];
  const files: FileLine[] = [];
  for (const entry of entries) {
    const file = entry.name;
    const label = join(name, file);
    const candidate = await photoEntry(folder, entry);
    if (candidate === null) continue;
    if (!IMAGE_EXTENSIONS.has(extname(file).toLowerCase())) {
      files.push({ file: label, used: false, code: 'NOT_AN_IMAGE', reason: 'not an image file' });
      continue;
    }
    if (!candidate.ok) {
      files.push({ file: label, used: false, code: 'LINK_REFUSED', reason: candidate.reason });
      continue;
    }
    photos.push(photoFile(join(folder, file), label));
  }
  return { photos, files };
}
