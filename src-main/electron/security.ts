/**
 * The desktop shell's security decisions, as pure functions (no `electron`
 * import) so they run and are tested in plain Node: which page may call the
 * engine, which permissions a page gets, the content security policy, how the
 * app's own scheme maps URLs to files, and how the snapshot key is protected.
 * main.ts only wires them to Electron.
 */
import { isAbsolute, join, normalize, relative, sep } from 'node:path';

/** The renderer is served from this privileged scheme, never file:// (a file page could read any file the user can). */
export const APP_SCHEME = 'vigil-app';
export const APP_HOST = 'console';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/**
 * The console's content security policy: scripts and styles only from the app
 * itself (React sets styles through the CSSOM, which CSP allows), images from
 * the app, data: (decrypted snapshots) and blob:, video from blob: (Media Source
 * Extensions), network only where the transport needs; no plugins, frames,
 * workers, forms elsewhere or <base> tricks. The headless host serves the page
 * with the same policy (its connect sources are its WebSocket), so the e2e
 * tests run the console under it.
 */
export function contentSecurityPolicy(connectSources: readonly string[]): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "media-src 'self' blob:",
    `connect-src ${connectSources.join(' ')}`,
    "font-src 'self'",
    "object-src 'none'",
    "frame-src 'none'",
    "worker-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** The desktop window's policy: its engine calls go over IPC; video streams come from the app's video scheme. */
export const CONTENT_SECURITY_POLICY = contentSecurityPolicy(["'self'", 'vigil-video:']);

export interface RendererSource {
  /** Where the window loads the console from. */
  url: string;
  /** The one origin whose frames may call the engine and get permissions. */
  origin: string;
  /** Whether the dev server's URL is used (development only; a packaged app never trusts the environment for this). */
  devServer: boolean;
}

/**
 * The console's origin: the app scheme, or in development (not packaged) the
 * electron-vite dev server. A packaged app ignores ELECTRON_RENDERER_URL: an
 * environment variable must not point the window, and the engine, at a page
 * someone else serves.
 */
export function rendererSource(packaged: boolean, devUrl: string | undefined): RendererSource {
  if (!packaged && devUrl) {
    const parsed = safeUrl(devUrl);
    if (parsed && (parsed.protocol === 'http:' || parsed.protocol === 'https:') && ['localhost', '127.0.0.1', '[::1]'].includes(parsed.hostname)) {
      return { url: devUrl, origin: parsed.origin, devServer: true };
    }
  }
  return { url: APP_ENTRY_URL, origin: APP_ORIGIN, devServer: false };
}

function safeUrl(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/** The origin of a URL, including custom schemes (for which WHATWG URL says "null"). */
export function originOf(url: string): string | null {
  const parsed = safeUrl(url);
  if (!parsed) return null;
  if (parsed.origin !== 'null') return parsed.origin;
  return parsed.host ? `${parsed.protocol}//${parsed.host}` : null;
}

/**
 * Whether an IPC message may reach the engine: it must come from the main
 * frame of our window (not an iframe, not another window) whose URL has
 * exactly the console's origin.
 */
export function isTrustedSender(sender: { frameUrl: string | null; isMainFrame: boolean; fromOurWindow: boolean }, source: RendererSource): boolean {
  if (!sender.fromOurWindow || !sender.isMainFrame || !sender.frameUrl) return false;
  return originOf(sender.frameUrl) === source.origin;
}

/**
 * Which permission requests are granted, only to the console's own origin:
 * the camera (the enrollment desk's webcam; video only, never the microphone)
 * and fullscreen (the guard's wall); everything else (notifications,
 * geolocation, clipboard, screen capture, USB, serial, HID, MIDI…) is refused.
 */
export function isPermissionGranted(request: { permission: string; requestingUrl: string; mediaTypes?: readonly string[] }, source: RendererSource): boolean {
  if (originOf(request.requestingUrl) !== source.origin) return false;
  if (request.permission === 'fullscreen') return true;
  if (request.permission !== 'media') return false;
  const types = request.mediaTypes ?? [];
  return types.length > 0 && types.every((t) => t === 'video');
}

/**
 * The file the app scheme serves for a request URL, confined to the renderer's
 * build folder; null for anything else (another host, a path that climbs out,
 * an encoded separator or NUL).
 */
export function appFileFor(requestUrl: string, rendererDir: string): string | null {
  const parsed = safeUrl(requestUrl);
  if (!parsed || parsed.protocol !== `${APP_SCHEME}:` || parsed.host !== APP_HOST) return null;
  let path: string;
  try {
    path = decodeURIComponent(parsed.pathname);
  } catch {
    return null;
  }
  if (path.includes('\0') || path.includes('\\')) return null;
  if (path === '/' || path === '') path = '/index.html';
  const file = normalize(join(rendererDir, path));
  const rel = relative(rendererDir, file);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel) || rel.split(sep).includes('..')) return null;
  return file;
}

/**
 * How the snapshot and camera-password keys are protected in the desktop app.
 * On Linux, safeStorage's `basic_text` backend (no keyring: a password built
 * into Chromium) protects nothing, so it is refused and the owner-only key file
 * is used instead, as in the CLI and the headless host, and the app says so.
 */
export function keyProtection(platform: string, backend: string | null): { kind: 'keychain' } | { kind: 'owner-only-file'; reason: string } {
  if (platform === 'linux' && (backend === 'basic_text' || backend === 'unknown')) {
    return { kind: 'owner-only-file', reason: `no desktop keyring (safeStorage backend "${backend}"): the keys are kept in owner-only files instead, as by the CLI` };
  }
  // A keychain that is missing on Windows/macOS, or a keyring that is locked, is reported by the key store itself (never a silent new key).
  return { kind: 'keychain' };
}
