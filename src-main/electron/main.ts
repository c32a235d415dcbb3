/**
 * The Electron shell: a window, the preload bridge and IPC. Everything else is
 * the plain-Node engine, so this file stays thin. Every IPC message is
 * validated by the shared dispatcher and must come from our own page.
 */
import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, dialog, ipcMain, type IpcMainInvokeEvent, protocol, safeStorage, session } from 'electron';
import { eventPermissions, events, type EventName, PICK_FOLDER_CHANNEL } from '../../src-preload/contract.js';
import { createEngineDispatcher } from '../engine/api/handlers.js';
import { grantPickedFolder, newConnection } from '../engine/operators/sessions.js';
import { Engine } from '../engine/engine.js';
import { VigilError } from '../engine/errors.js';
import { LiveService } from '../engine/live/live-service.js';
import { VIDEO_SCHEME, videoResponse } from './video-scheme.js';
import { defaultDataDir } from '../engine/paths.js';
import { snapshotKeyFiles } from '../engine/unknowns/unknowns-service.js';
import { credentialKeyFiles } from '../engine/cameras/credential-vault.js';
import { FileKeyStore } from '../engine/unknowns/snapshot-vault.js';
import { SafeStorageKeyStore } from './safe-storage-key-store.js';
import {
  APP_SCHEME,
  appFileFor,
  CONTENT_SECURITY_POLICY,
  isPermissionGranted,
  isTrustedSender,
  keyProtection,
  rendererSource,
} from './security.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const rendererDir = join(here, '../renderer');
// The dev server only when not packaged: a packaged app never takes its page from the environment.
const source = rendererSource(app.isPackaged, process.env.ELECTRON_RENDERER_URL);

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

// Before ready: the app's scheme is a secure, standard origin (fetch, modules, CSP 'self' work as on https).
// Electron takes one call only: the camera video scheme is registered here too (fetch() from the
// app's origin, CORS-checked, streamed body).
protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  { scheme: VIDEO_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true, stream: true } },
]);

/** The console's files from the build folder only, each with the content security policy. */
function serveAppScheme(): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const file = appFileFor(request.url, rendererDir);
    if (!file) return new Response('Not found', { status: 404 });
    try {
      const body = await readFile(file);
      return new Response(body, {
        headers: {
          'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
          'content-security-policy': CONTENT_SECURITY_POLICY,
          'x-content-type-options': 'nosniff',
        },
      });
    } catch {
      return new Response('Not found', { status: 404 });
    }
  });
}

/** Only the main frame of our window, at exactly the console's origin, may call the engine. */
function trustedSender(event: IpcMainInvokeEvent, window: BrowserWindow | null): boolean {
  const frame = event.senderFrame;
  return isTrustedSender(
    { frameUrl: frame?.url ?? null, isMainFrame: frame !== null && frame === event.sender.mainFrame, fromOurWindow: window !== null && event.sender === window.webContents },
    source,
  );
}

/** The snapshot and camera-password keys: the OS keychain, except Linux without a keyring (owner-only files, said in the log). */
function keyStores(dataDir: string, log: (message: string) => void) {
  const keyFiles = snapshotKeyFiles(dataDir);
  const credentialFiles = credentialKeyFiles(dataDir);
  const protection = keyProtection(process.platform, process.platform === 'linux' ? safeStorage.getSelectedStorageBackend() : null);
  if (protection.kind === 'owner-only-file') {
    log(protection.reason);
    return { snapshotKeyStore: new FileKeyStore(keyFiles.plain), credentialKeyStore: new FileKeyStore(credentialFiles.plain) };
  }
  // A key file the CLI or headless host made in this data folder is adopted (same key, so their snapshots stay readable).
  return {
    snapshotKeyStore: new SafeStorageKeyStore(keyFiles.desktop, safeStorage, keyFiles.plain),
    credentialKeyStore: new SafeStorageKeyStore(credentialFiles.desktop, safeStorage, credentialFiles.plain),
  };
}

async function main(): Promise<void> {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  await app.whenReady();
  serveAppScheme();
  // Only the camera, only for the console (the enrollment desk's webcam); every other request and check is refused.
  session.defaultSession.setPermissionRequestHandler((webContents, permission, callback, details) => {
    const mediaTypes = 'mediaTypes' in details ? (details.mediaTypes as string[] | undefined) : undefined;
    callback(isPermissionGranted({ permission, requestingUrl: details.requestingUrl ?? webContents.getURL(), mediaTypes }, source));
  });
  session.defaultSession.setPermissionCheckHandler((_webContents, permission, requestingOrigin, details) =>
    isPermissionGranted({ permission, requestingUrl: requestingOrigin, mediaTypes: details.mediaType ? [details.mediaType] : undefined }, source),
  );
  const dataDir = process.env.VIGIL_HOME ?? defaultDataDir();
  const keyWarnings: string[] = [];
  const engine = await Engine.open({
    dataDir,
    lockCommand: 'Vigil desktop app',
    ...keyStores(dataDir, (message) => keyWarnings.push(message)),
  });
  for (const message of keyWarnings) engine.log.warn('desktop', message);
  const live = new LiveService(engine);
  const dispatch = createEngineDispatcher(engine, live);
  // The window is one console: it signs in like the browser console does (session.login), and
  // its caller always comes from this session, never from a request.
  const connection = newConnection();
  // The window's video only while it is signed in with a role that may watch.
  protocol.handle(VIDEO_SCHEME, (request) =>
    engine.sessions.mayReceive(connection, 'live.view') ? videoResponse(live, request.url, source.origin) : new Response('Sign in first', { status: 401 }),
  );
  let window: BrowserWindow | null = null;

  ipcMain.handle('vigil:invoke', async (event, channel, request) => {
    if (!trustedSender(event, window)) {
      engine.log.warn('desktop', 'IPC from an untrusted frame refused', { url: event.senderFrame?.url?.slice(0, 200) ?? null });
      return { ok: false, error: { code: 'FORBIDDEN', message: 'Untrusted sender' } };
    }
    return dispatch(channel, request, connection);
  });

  // The desktop's folder dialog for bulk import: the folder the operator chooses here may be
  // imported from this session, besides the site's importFolders (the dialog is the operator's
  // own choice on this machine; a browser console has no such way to name a folder).
  ipcMain.handle(PICK_FOLDER_CHANNEL, async (event) => {
    if (!trustedSender(event, window)) return { ok: false, error: { code: 'FORBIDDEN', message: 'Untrusted sender' } };
    if (!engine.sessions.mayReceive(connection, 'people.enroll')) {
      return { ok: false, error: { code: 'FORBIDDEN', message: 'Choosing a folder to import needs the "people.enroll" permission' } };
    }
    const owner = window ?? undefined;
    const options = { title: 'Folder to import people from', properties: ['openDirectory' as const] };
    const chosen = owner ? await dialog.showOpenDialog(owner, options) : await dialog.showOpenDialog(options);
    const folder = chosen.canceled ? undefined : chosen.filePaths[0];
    if (!folder) return { ok: true, value: null };
    grantPickedFolder(connection, folder);
    return { ok: true, value: folder };
  });

  window = new BrowserWindow({
    width: 1400,
    height: 900,
    minWidth: 960,
    minHeight: 600,
    title: 'Vigil',
    show: false,
    backgroundColor: '#0f172a',
    autoHideMenuBar: true,
    webPreferences: {
      preload: join(here, '../preload/index.cjs'),
      contextIsolation: true,
      nodeIntegration: false,
      sandbox: true,
      webSecurity: true,
      // No DevTools in an installed app (a guard's workstation is not a debugging session).
      devTools: !app.isPackaged,
    },
  });
  const shown = window;
  shown.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  shown.webContents.on('will-navigate', (navigation) => navigation.preventDefault());
  shown.webContents.on('will-attach-webview', (event) => event.preventDefault());
  shown.once('ready-to-show', () => shown.show());

  for (const name of Object.keys(events) as EventName[]) {
    engine.on(name, ((payload: unknown) => {
      if (shown.isDestroyed() || !engine.sessions.mayReceive(connection, eventPermissions[name])) return;
      shown.webContents.send('vigil:event', name, payload);
    }) as never);
  }

  // The window's processes keep their normal priority. Lowering them (niceness 10 on every thread,
  // measured with the wall bench's --browser-niceness) did not give the analysis more frames on a
  // 2-core machine and cut the tiles' frame rate by a third: see README, "The guard's wall".

  await shown.loadURL(source.url);
  await live.startEnabledCameras();

  let quitting = false;
  app.on('before-quit', (event) => {
    if (quitting) return;
    event.preventDefault();
    quitting = true;
    // Stop ffmpeg and workers, close the database cleanly, then really quit.
    void live
      .close()
      .then(() => engine.close())
      .finally(() => app.quit());
  });
  app.on('window-all-closed', () => app.quit());
}

main().catch((error: unknown) => {
  console.error('Vigil failed to start:', error);
  // Another Vigil process holds the data folder (the headless host, a CLI command): say which one.
  if (error instanceof VigilError && error.code === 'DATA_FOLDER_IN_USE') dialog.showErrorBox('Vigil cannot start', error.message);
  app.quit();
});
