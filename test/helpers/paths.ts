import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const projectRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));
/** The shared model pack and evaluation data, beside the project (never inside it). */
export const sharedDir = process.env.VIGIL_SHARED ?? resolve(projectRoot, '..', 'shared');
export const sharedModels = join(sharedDir, 'models');
export const sharedData = join(sharedDir, 'data');
export const faceRecognitionData = join(sharedData, 'face_recognition');
export const hamiltonClip = join(sharedData, 'video', 'short_hamilton_clip.mp4');

if (!existsSync(sharedModels)) {
  throw new Error(`The shared model pack is missing at ${sharedModels}; tests need ../shared beside the project`);
}

/** A fresh temporary folder, removed by the returned cleanup. */
export function tempDir(prefix = 'vigil-test-'): { path: string; cleanup: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) };
}
