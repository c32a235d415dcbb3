import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import type { FolderImportReport, Resemblance } from '../../src-preload/contract.js';
import type { CallerContext } from './api/dispatcher.js';
import type { PhotoBytes } from './enrollment.js';
import { VigilError } from './errors.js';
import { EnrollmentRefused, type PeopleService } from './people-service.js';
import { MAX_IMAGE_FILE_BYTES } from './vision/image-io.js';

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
  const subfolders = (await readdir(root, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name).sort((a, b) => a.localeCompare(b));
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
      refusal = { code: 'EMPTY', reason: files.length === 0 ? 'folder has no photos' : 'folder has no image files' };
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

/** The image files of one person's folder (bytes), and a line for each file that is not one. */
async function readPersonFolder(root: string, name: string): Promise<{ photos: PhotoBytes[]; files: FileLine[] }> {
  const folder = join(root, name);
  const entries = (await readdir(folder, { withFileTypes: true })).filter((f) => f.isFile()).map((f) => f.name).sort();
  const photos: PhotoBytes[] = [];
  const files: FileLine[] = [];
  for (const file of entries) {
    const label = join(name, file);
    if (!IMAGE_EXTENSIONS.has(extname(file).toLowerCase())) {
      files.push({ file: label, used: false, code: 'NOT_AN_IMAGE', reason: 'not an image file' });
      continue;
    }
    try {
      const size = (await stat(join(folder, file))).size;
      if (size > MAX_IMAGE_FILE_BYTES) {
        files.push({ file: label, used: false, code: 'IMAGE_TOO_LARGE', reason: `larger than ${MAX_IMAGE_FILE_BYTES / 1024 / 1024} MB` });
        continue;
      }
      photos.push({ fileName: label, bytes: await readFile(join(folder, file)) });
    } catch (error) {
      // One unreadable file (no permission, removed meanwhile) is one report line, not the end of the import.
      files.push({ file: label, used: false, code: 'IMAGE_UNREADABLE', reason: `could not be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` });
    }
  }
  return { photos, files };
}
