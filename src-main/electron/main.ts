/**
 * The Electron shell: a window, the preload bridge and IPC. Everything else is
 * the plain-Node engine, so this file stays thin. Every IPC message is
 * validated by the shared dispatcher and must come from our own page.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, dialog, ipcMain, type IpcMainInvokeEvent, safeStorage } from 'electron';
import { eventPermissions, events, type EventName } from '../../src-preload/contract.js';
import { createEngineDispatcher } from '../engine/api/handlers.js';
import { newConnection } from '../engine/operators/sessions.js';
import { Engine } from '../engine/engine.js';
import { VigilError } from '../engine/errors.js';
import { LiveService } from '../engine/live/live-service.js';
import { defaultDataDir } from '../engine/paths.js';
import { snapshotKeyFiles } from '../engine/unknowns/unknowns-service.js';
import { credentialKeyFiles } from '../engine/cameras/credential-vault.js';
import { SafeStorageKeyStore } from './safe-storage-key-store.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const rendererDevUrl = process.env.ELECTRON_RENDERER_URL;

/** Only our own renderer may call the engine: the bundled file, or the dev server in development. */
function isTrustedSender(event: IpcMainInvokeEvent): boolean {
  const url = event.senderFrame?.url ?? '';
  if (rendererDevUrl) return url.startsWith(rendererDevUrl);
  return url.startsWith('file://') && url.includes('/out/renderer/');
}

async function main(): Promise<void> {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  await app.whenReady();
  const dataDir = process.env.VIGIL_HOME ?? defaultDataDir();
  // The snapshot key is protected by the OS keychain here (an owner-only file in the headless host and CLI).
  // A key file the CLI or headless host made in this data folder is adopted (same key, so their snapshots stay readable).
  const keyFiles = snapshotKeyFiles(dataDir);
  // Camera passwords: the same machinery, a key of their own.
  const credentialFiles = credentialKeyFiles(dataDir);
  const engine = await Engine.open({
    dataDir,
    lockCommand: 'Vigil desktop app',
    snapshotKeyStore: new SafeStorageKeyStore(keyFiles.desktop, safeStorage, keyFiles.plain),
    credentialKeyStore: new SafeStorageKeyStore(credentialFiles.desktop, safeStorage, credentialFiles.plain),
  });
  const live = new LiveService(engine);
  const dispatch = createEngineDispatcher(engine, live);
  // The window is one console: it signs in like the browser console does (session.login), and
  // its caller always comes from this session, never from a request.
  const connection = newConnection();

  ipcMain.handle('vigil:invoke', async (event, channel, request) => {
    if (!isTrustedSender(event)) {
      return { ok: false, error: { code: 'FORBIDDEN', message: 'Untrusted sender' } };
    }
    return dispatch(channel, request, connection);
  });

  const window = new BrowserWindow({
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
    },
  });
  window.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  window.webContents.on('will-navigate', (navigation) => navigation.preventDefault());
  window.once('ready-to-show', () => window.show());

  for (const name of Object.keys(events) as EventName[]) {
    engine.on(name, ((payload: unknown) => {
      if (window.isDestroyed() || !engine.sessions.mayReceive(connection, eventPermissions[name])) return;
      window.webContents.send('vigil:event', name, payload);
    }) as never);
  }

  if (rendererDevUrl) await window.loadURL(rendererDevUrl);
  else await window.loadFile(join(here, '../renderer/index.html'));
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
