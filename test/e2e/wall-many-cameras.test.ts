/**
 * More cameras on the wall than a browser keeps HTTP/1.1 connections to one host (six), in Debian's
 * Chromium against the real host: every tile plays. Each tile's video is an endless stream; over
 * GET bodies the seventh and later tiles waited for ever ("Video stalled" with no picture), so the
 * console reads video over WebSockets. Also: the video address refuses a socket without the page's
 * token or without a signed-in session, as the GET does.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type Browser, type Page } from 'playwright-core';
import WebSocket from 'ws';
import { startServer, type RunningServer } from '../../src-main/server/server.js';
import { buildRenderer, ensureOperator, launchChromium, openReadyConsole, openTab } from '../helpers/e2e-console.js';
import { installedModelPack } from '../helpers/model-pack.js';
import { hamiltonClip, tempDir } from '../helpers/paths.js';

/** Two more than the browser's per-host connection limit. */
const CAMERAS = 8;
const dir = tempDir('vigil-e2e-many-');
let server: RunningServer;
let browser: Browser;
let page: Page;
const ids: number[] = [];
const pageErrors: string[] = [];

before(async () => {
  const staticDir = buildRenderer(dir.path);
  server = await startServer({ dataDir: join(dir.path, 'data'), modelsDir: await installedModelPack(), host: '127.0.0.1', port: 0, staticDir });
  await ensureOperator(server.engine);
  // One analysed frame a second each: this is about video, not analysis.
  for (let i = 0; i < CAMERAS; i++) ids.push((await server.live.addCamera(`Camera ${i + 1}`, { kind: 'file', path: hamiltonClip, loop: true }, 1, true)).id);
  browser = await launchChromium();
  page = await openReadyConsole(browser, server.url, pageErrors);
});

after(async () => {
  await browser?.close();
  await server?.close();
  dir.cleanup();
});

const displayedFrames = () =>
  page.evaluate((cameraIds) => {
    const doc = (globalThis as unknown as { document: { querySelector(s: string): { getAttribute(n: string): string | null } | null } }).document;
    return cameraIds.map((id) => Number(doc.querySelector(`[data-testid="video-surface-${id}"]`)?.getAttribute('data-displayed-frames') ?? '0'));
  }, ids);

/** Opens the video address as a WebSocket; resolves with the HTTP status of a refusal, or 101 when it opened. */
function socketStatus(url: string): Promise<number> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url);
    socket.on('open', () => {
      socket.close();
      resolve(101);
    });
    socket.on('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
    socket.on('error', () => resolve(0));
  });
}

describe(`${CAMERAS} cameras on the wall`, () => {
  test('every tile plays, not only the first six', async () => {
    await openTab(page, 'Live');
    let frames = await displayedFrames();
    for (let attempt = 0; attempt < 120 && !frames.every((n) => n >= 10); attempt++) {
      await page.waitForTimeout(500);
      frames = await displayedFrames();
    }
    assert.ok(frames.every((n) => n >= 10), `every tile shows frames: ${frames.join(', ')}`);
    // And they keep playing.
    const before = frames;
    await page.waitForTimeout(2_000);
    const later = await displayedFrames();
    assert.ok(later.every((n, i) => n - before[i]! >= 10), `every tile advances: ${before.join(', ')} -> ${later.join(', ')}`);
    assert.deepEqual(pageErrors, []);
  });

  test('the video socket needs the page token and a signed-in session', async () => {
    const base = new URL(server.url);
    const socketUrl = (query: string) => `ws://${base.host}/video/${ids[0]}${query}`;
    assert.equal(await socketStatus(socketUrl('')), 401, 'no token');
    assert.equal(await socketStatus(socketUrl(`?token=${server.token}`)), 401, 'token but no session');
    assert.equal(await socketStatus(socketUrl(`?token=${server.token}&session=not-a-session`)), 401, 'unknown session');
    assert.equal(await socketStatus(`ws://${base.host}/video/abc?token=${server.token}&session=x`), 400, 'bad camera id');
  });
});
