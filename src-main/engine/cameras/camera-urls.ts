/**
 * A network camera's URLs (main and optional sub-stream) and its one user name and password.
 * Pure: no I/O. Credentials may come in their own fields or inside either URL; they are taken out
 * of the URLs (the stored URLs never carry them) and sealed once for the camera, then put back into
 * each URL only in memory when ffmpeg opens it (live-service).
 */
import type { CameraCredentials } from '../../../src-preload/contract.js';
import { splitUrlCredentials } from '../video/ffmpeg-args.js';

export type CameraUrlsProblem = 'CREDENTIALS_TWICE' | 'CREDENTIALS_DIFFER';

export const cameraUrlsProblemWords: Record<CameraUrlsProblem, string> = {
  CREDENTIALS_TWICE: 'Give the user name and password once: in the URL or in their own fields',
  CREDENTIALS_DIFFER: 'The main and sub-stream URLs carry different user names or passwords: a camera has one login (give it once)',
};

export type SeparatedCameraUrls =
  | { ok: true; url: string; subStreamUrl: string | undefined; credentials: CameraCredentials | null }
  | { ok: false; problem: CameraUrlsProblem };

function sameCredentials(a: CameraCredentials, b: CameraCredentials): boolean {
  return a.username === b.username && a.password === b.password;
}

/**
 * The URLs without user information and the camera's credentials: from `given` (their own fields),
 * or else from the main URL, or else from the sub-stream URL. Refused: fields and a URL both
 * carrying credentials, or the two URLs carrying different ones.
 */
export function separateCameraCredentials(url: string, subStreamUrl: string | undefined, given: CameraCredentials | undefined): SeparatedCameraUrls {
  const main = splitUrlCredentials(url);
  const sub = subStreamUrl === undefined ? null : splitUrlCredentials(subStreamUrl);
  if (given && (main.credentials || sub?.credentials)) return { ok: false, problem: 'CREDENTIALS_TWICE' };
  if (main.credentials && sub?.credentials && !sameCredentials(main.credentials, sub.credentials)) return { ok: false, problem: 'CREDENTIALS_DIFFER' };
  return { ok: true, url: main.url, subStreamUrl: sub?.url, credentials: given ?? main.credentials ?? sub?.credentials ?? null };
}
