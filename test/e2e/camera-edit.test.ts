/**
 * Editing a camera on the Cameras tab, in Debian's Chromium against the real host: the Edit
 * button opens a form prefilled with the camera's values and focus on its name; Esc cancels
 * (focus back on the button); a new name and URL saved with Enter move the running camera to the
 * new stream (its frames' size says which) with the same id, restricted flag and stored login;
 * a bad URL and a name clash are explained in plain words and change nothing; a new host asks
 * for the login again. The camera is two local HTTP MJPEG streams asking for the same login.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type Browser, type Page } from 'playwright-core';
import { startServer, type RunningServer } from '../../src-main/server/server.js';
import { buildRenderer, ensureOperator, launchChromium, openReadyConsole } from '../helpers/e2e-console.js';
import { freePort, startReconnectableCameraServer, waitFor, type ReconnectableCameraServer } from '../helpers/camera-server.js';
import { installedModelPack } from '../helpers/model-pack.js';
import { tempDir } from '../helpers/paths.js';

const dir = tempDir('vigil-e2e-camera-edit-');
const login = { username: 'viewer', password: 'p@ss:word' };
let server: RunningServer;
let wide: ReconnectableCameraServer;
let small: ReconnectableCameraServer;
let wideUrl = '';
let smallUrl = '';
let browser: Browser;
let page: Page;
let cameraId = 0;
const pageErrors: string[] = [];

before(async () => {
  const staticDir = buildRenderer(dir.path);
  server = await startServer({ dataDir: join(dir.path, 'data'), modelsDir: await installedModelPack(), host: '127.0.0.1', port: 0, staticDir });
  await ensureOperator(server.engine);
  const [widePort, smallPort] = [await freePort(), await freePort()];
  wide = await startReconnectableCameraServer(widePort, 'mjpeg', undefined, { login });
  small = await startReconnectableCameraServer(smallPort, 'mjpeg', undefined, { login, width: 320 });
  wideUrl = `http://127.0.0.1:${widePort}/main`;
  smallUrl = `http://127.0.0.1:${smallPort}/small`;
  cameraId = (await server.live.addCamera('Gate', { kind: 'http', url: wideUrl }, 5, true, login)).id;
  server.live.setRestricted(cameraId, true);
  await server.live.addCamera('Lobby', { kind: 'webcam', device: '/dev/video9' }, undefined, false);
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.close();
  await wide?.close();
  await small?.close();
  dir.cleanup();
});

const camera = () => server.live.listCameras().find((c) => c.id === cameraId)!;
const form = () => page.getByTestId('edit-camera-form');

/** The accessible label of the focused element (its <label>'s text), or its text for a button. */
async function focusedLabel(): Promise<string> {
  return page.evaluate(() => {
    const doc = (globalThis as unknown as { document: { activeElement: { id: string; textContent: string | null; getAttribute(n: string): string | null } | null; querySelector(s: string): { textContent: string | null } | null } }).document;
    const active = doc.activeElement;
    if (!active) return '';
    return active.getAttribute('aria-label') ?? doc.querySelector(`label[for="${active.id}"]`)?.textContent ?? active.textContent ?? '';
  });
}

describe('editing a camera on the Cameras tab', () => {
  test('Edit opens the form prefilled, focus on the name; Esc cancels and gives focus back', async () => {
    await waitFor(() => camera().health.state === 'running' && camera().health.width === 640, 'the camera analysing the 640 px stream', 90_000, () => JSON.stringify(camera().health));
    page = await openReadyConsole(browser, server.url, pageErrors, { hash: '#cameras' });
    await page.getByRole('button', { name: 'Edit Gate' }).click();
    await form().waitFor({ timeout: 5_000 });
    assert.equal(await focusedLabel(), 'Name');
    assert.equal(await form().getByLabel('Name', { exact: true }).inputValue(), 'Gate');
    assert.equal(await form().getByLabel('Kind').inputValue(), 'http');
    assert.equal(await form().getByLabel('HTTP (MJPEG) URL').inputValue(), wideUrl);
    assert.equal(await form().getByLabel('Detection FPS').inputValue(), '5');
    assert.equal(await form().getByLabel('New password (optional)').inputValue(), '', 'the stored password is never shown');

    await form().getByLabel('Name', { exact: true }).fill('Something else');
    await page.keyboard.press('Escape');
    await form().waitFor({ state: 'detached', timeout: 5_000 });
    assert.equal(await focusedLabel(), 'Edit Gate');
    assert.equal(camera().name, 'Gate', 'cancelled: nothing sent');
  });

  test('a bad URL and a name clash are explained in plain words and change nothing', async () => {
    const before = JSON.stringify({ ...camera(), health: null });
    await page.getByRole('button', { name: 'Edit Gate' }).press('Enter');
    await form().getByLabel('HTTP (MJPEG) URL').fill('ftp://127.0.0.1/cam');
    await form().getByLabel('HTTP (MJPEG) URL').press('Enter');
    assert.match((await page.getByTestId('edit-camera-error').textContent()) ?? '', /URL: must start with http:\/\/ or https:\/\//);

    await form().getByLabel('HTTP (MJPEG) URL').fill(wideUrl);
    await form().getByLabel('Name', { exact: true }).fill('lobby');
    await form().getByLabel('Name', { exact: true }).press('Enter');
    await page.getByTestId('edit-camera-error').filter({ hasText: 'already named' }).waitFor({ timeout: 10_000 });
    assert.match((await page.getByTestId('edit-camera-error').textContent()) ?? '', /^This conflicts with existing data: Another camera is already named "Lobby"/);
    assert.equal(JSON.stringify({ ...camera(), health: null }), before);

    // Another host: the stored login would not be sent there, so the form asks for this camera's.
    await form().getByLabel('Name', { exact: true }).fill('Gate');
    await form().getByLabel('HTTP (MJPEG) URL').fill(smallUrl.replace('127.0.0.1', 'localhost'));
    assert.match((await page.getByTestId('edit-camera-login-note').textContent()) ?? '', /will not be sent to localhost/);
    assert.equal(await form().getByLabel('Password (optional)', { exact: true }).count(), 1);
    await page.keyboard.press('Escape');
    await form().waitFor({ state: 'detached', timeout: 5_000 });
    assert.equal(JSON.stringify({ ...camera(), health: null }), before);
  });

  test('a new name and URL saved with Enter: same camera, new stream, login and restricted flag kept', async () => {
    await page.getByRole('button', { name: 'Edit Gate' }).click();
    await form().getByLabel('Name', { exact: true }).fill('Front gate');
    await form().getByLabel('HTTP (MJPEG) URL').fill(smallUrl);
    await form().getByLabel('HTTP (MJPEG) URL').press('Enter');
    await form().waitFor({ state: 'detached', timeout: 30_000 });
    await page.locator(`[data-camera-id="${cameraId}"] th`).filter({ hasText: 'Front gate' }).waitFor({ timeout: 10_000 });
    assert.match((await page.locator(`[data-camera-id="${cameraId}"] th`).textContent()) ?? '', new RegExp(`${smallUrl.replace(/[.]/g, '\\.')}.*password stored`));

    const edited = camera();
    assert.deepEqual([edited.id, edited.name, edited.restricted, edited.hasCredentials], [cameraId, 'Front gate', true, true]);
    assert.deepEqual(edited.source, { kind: 'http', url: smallUrl });
    await waitFor(() => camera().health.state === 'running' && camera().health.width === 320, 'frames of the 320 px stream', 90_000, () => JSON.stringify(camera().health));
    assert.ok(small.connections >= 1, 'the new stream was opened with the stored login (it serves nobody without it)');
    await page.locator(`[data-camera-id="${cameraId}"][data-state="running"]`).waitFor({ timeout: 30_000 });

    const [entry] = server.engine.auditLog.list({ action: 'camera.updated' });
    assert.equal(entry?.operator, 'admin');
    assert.deepEqual(entry?.details, { changes: { name: { from: 'Gate', to: 'Front gate' }, url: { from: wideUrl, to: smallUrl } } });
    assert.deepEqual(pageErrors, []);
  });
});
