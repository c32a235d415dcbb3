/**
 * Finds the ffmpeg binary the video layer spawns, and its version.
 *
 * ffmpeg decodes untrusted network streams, so it must be a current, maintained
 * build (see README, "ffmpeg"). Order: an explicit override (settings, tests) >
 * the VIGIL_FFMPEG environment variable > a build shipped inside the packaged
 * app (`<resources>/ffmpeg/ffmpeg[.exe]`, placed there by the release pipeline
 * for Windows and macOS) > `ffmpeg` on the PATH (Linux: the distribution's
 * package, e.g. Debian's `ffmpeg`, security-maintained by the distribution).
 * The 2018 build of @ffmpeg-installer is no longer used.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { VigilError } from '../errors.js';
import { type FfmpegVersion, parseFfmpegVersion } from './ffmpeg-args.js';

const executable = process.platform === 'win32' ? 'ffmpeg.exe' : 'ffmpeg';

/**
 * Resolves the ffmpeg executable to spawn and checks that it exists and is executable.
 * Throws a VigilError with an explanation (and where the path came from) when it is missing.
 */
export function resolveFfmpegPath(override?: string): string {
  if (override !== undefined && override !== '') return checkExecutable(override, 'the ffmpegPath option');
  const fromEnv = process.env.VIGIL_FFMPEG;
  if (fromEnv !== undefined && fromEnv !== '') return checkExecutable(fromEnv, 'the VIGIL_FFMPEG environment variable');
  const shipped = shippedFfmpegPath();
  if (shipped !== null) return checkExecutable(shipped, 'the ffmpeg shipped with the app');
  const onPath = findOnPath();
  if (onPath !== null) return checkExecutable(onPath, 'the PATH');
  throw new VigilError(
    'INTERNAL',
    'ffmpeg not found: install a current ffmpeg (Debian/Ubuntu: apt-get install ffmpeg) or set VIGIL_FFMPEG to its path',
  );
}

/** Inside a packaged Electron app: the build the release pipeline put in resources/ffmpeg (outside the asar archive). */
function shippedFfmpegPath(): string | null {
  const resources = (process as NodeJS.Process & { resourcesPath?: string }).resourcesPath;
  if (!resources) return null;
  const candidate = join(resources, 'ffmpeg', executable);
  return existsSync(candidate) ? candidate : null;
}

function findOnPath(): string | null {
  for (const folder of (process.env.PATH ?? '').split(delimiter)) {
    if (!folder) continue;
    const candidate = join(folder, executable);
    try {
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not in this folder
    }
  }
  return null;
}

function checkExecutable(path: string, origin: string): string {
  try {
    if (!statSync(path).isFile()) throw new Error('not a regular file');
    // Windows has no execute bit; existence is the best available check there.
    if (process.platform !== 'win32') accessSync(path, constants.X_OK);
  } catch (cause) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    throw new VigilError('INTERNAL', `ffmpeg not usable at "${path}" (from ${origin}): ${detail}`, { cause });
  }
  return path;
}

const versions = new Map<string, FfmpegVersion>();

/**
 * The version of the ffmpeg at `path` (`ffmpeg -version`, run once per path and cached):
 * flags differ between versions (ffmpeg-args), and status shows it.
 */
export function ffmpegVersionOf(path: string): FfmpegVersion {
  let version = versions.get(path);
  if (version === undefined) {
    const run = spawnSync(path, ['-hide_banner', '-version'], { encoding: 'utf8', timeout: 10_000, windowsHide: true });
    version = parseFfmpegVersion(run.stdout ?? '');
    versions.set(path, version);
  }
  return version;
}

/** What status shows: which ffmpeg, its version, and a problem in plain words (missing, too old). */
export function describeFfmpeg(override?: string): { path: string | null; version: string | null; problem: string | null } {
  try {
    const path = resolveFfmpegPath(override);
    const version = ffmpegVersionOf(path);
    if (version.major === null) return { path, version: version.text, problem: `the version of ${path} could not be read` };
    const problem = isOutdated(version) ? `ffmpeg ${version.text} is older than 5.1: it decodes untrusted camera streams, update it` : null;
    return { path, version: version.text, problem };
  } catch (error) {
    return { path: null, version: null, problem: (error as Error).message };
  }
}

export function isOutdated(version: FfmpegVersion): boolean {
  return version.major !== null && (version.major < 5 || (version.major === 5 && (version.minor ?? 0) < 1));
}
