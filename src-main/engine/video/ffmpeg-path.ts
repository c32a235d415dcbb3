/**
 * Finds the ffmpeg binary the video layer spawns.
 *
 * Order: an explicit override (settings, tests) > the VIGIL_FFMPEG environment
 * variable > the static build shipped by @ffmpeg-installer/ffmpeg.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { VigilError } from '../errors.js';

/** The shape of @ffmpeg-installer/ffmpeg's export (its default import). */
interface FfmpegInstallerModule {
  path: string;
  version: string;
}

const requireFromHere = createRequire(import.meta.url);

/**
 * Resolves the ffmpeg executable to spawn and checks that it exists and is executable.
 * Throws a VigilError with an explanation (and where the path came from) when it is missing.
 */
export function resolveFfmpegPath(override?: string): string {
  if (override !== undefined && override !== '') return checkExecutable(override, 'the ffmpegPath option');
  const fromEnv = process.env.VIGIL_FFMPEG;
  if (fromEnv !== undefined && fromEnv !== '') return checkExecutable(fromEnv, 'the VIGIL_FFMPEG environment variable');
  return checkExecutable(bundledFfmpegPath(), 'the bundled @ffmpeg-installer/ffmpeg package');
}

/**
 * The installer package is loaded lazily (not a static import) because it throws a bare
 * string at load time when its platform binary is absent: loading it here lets an override
 * or VIGIL_FFMPEG work on such machines and turns the failure into a readable error.
 */
function bundledFfmpegPath(): string {
  let installer: FfmpegInstallerModule;
  try {
    installer = requireFromHere('@ffmpeg-installer/ffmpeg') as FfmpegInstallerModule;
  } catch (cause) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    throw new VigilError(
      'INTERNAL',
      `ffmpeg not found: the bundled @ffmpeg-installer/ffmpeg package has no binary for ${process.platform}-${process.arch} (${detail}). ` +
        'Install ffmpeg and set VIGIL_FFMPEG to its path.',
      { cause },
    );
  }
  // Inside a packaged Electron app the binary is unpacked next to the asar archive: it cannot be executed from inside it.
  return installer.path.replace(/([\\/])app\.asar([\\/])/, '$1app.asar.unpacked$2');
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
