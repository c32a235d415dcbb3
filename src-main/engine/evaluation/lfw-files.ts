/**
 * LFW on disk (I/O): where it is, reading pairs.txt with clear errors, and
 * listing people and their photo numbers. Layout:
 *   <lfw>/pairs.txt
 *   <lfw>/images/<Name>/<Name>_NNNN.jpg
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { VigilError } from '../errors.js';
import { projectRoot } from '../paths.js';
import { type LfwPairs, PairsFormatError, parseLfwPairs } from './lfw-pairs.js';
import type { PersonImages } from './open-set.js';

/** The shared folder beside the project (VIGIL_SHARED overrides it). */
export function sharedDir(): string {
  return process.env.VIGIL_SHARED ? resolve(process.env.VIGIL_SHARED) : resolve(projectRoot, '..', 'shared');
}

export function defaultLfwDir(): string {
  return join(sharedDir(), 'data', 'lfw');
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** The images folder of an LFW copy; NOT_FOUND with a plain explanation otherwise. */
export function lfwImagesDir(lfwDir: string): string {
  if (!isDirectory(lfwDir)) {
    throw new VigilError('NOT_FOUND', `LFW folder not found: ${lfwDir} (expected ../shared/data/lfw beside the project, or pass --lfw <dir> / set VIGIL_SHARED)`);
  }
  const images = join(lfwDir, 'images');
  if (!isDirectory(images)) throw new VigilError('NOT_FOUND', `LFW images folder not found: ${images} (expected images/<Name>/<Name>_0001.jpg)`);
  return images;
}

export function readLfwPairs(lfwDir: string): LfwPairs {
  lfwImagesDir(lfwDir);
  const path = join(lfwDir, 'pairs.txt');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new VigilError('NOT_FOUND', `Cannot read the LFW pairs file ${path}${code === 'ENOENT' ? ': it does not exist' : `: ${code ?? (error as Error).message}`}`);
  }
  try {
    return parseLfwPairs(text);
  } catch (error) {
    if (error instanceof PairsFormatError) throw new VigilError('BAD_REQUEST', `${path}: ${error.message}`);
    throw error;
  }
}

/** Relative image paths (Name/Name_0001.jpg) that are not files under `imagesDir`. */
export function missingImages(imagesDir: string, relativePaths: readonly string[]): string[] {
  return relativePaths.filter((p) => !existsSync(join(imagesDir, p)));
}

const PHOTO = /^(.+)_(\d{4})\.jpg$/;

/** Every person folder and the numbers of its photos named <Name>_NNNN.jpg (other files ignored). */
export function listLfwPeople(imagesDir: string): PersonImages[] {
  const people: PersonImages[] = [];
  for (const entry of readdirSync(imagesDir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const indices: number[] = [];
    for (const file of readdirSync(join(imagesDir, entry.name))) {
      const match = PHOTO.exec(file);
      if (match && match[1] === entry.name) indices.push(Number(match[2]));
    }
    if (indices.length > 0) people.push({ name: entry.name, indices });
  }
  if (people.length === 0) throw new VigilError('NOT_FOUND', `No <Name>/<Name>_NNNN.jpg photos in ${imagesDir}`);
  return people;
}
