/**
 * The guard's wall end to end in Debian's Chromium against the real headless host: layouts fill
 * the window below the tab bar at 720p, 1080p and 4K, pages, maximise and fullscreen by mouse and
 * keyboard, the layout saved across a reload, and face labels placed by the rules (read back from
 * the overlay's `data-labels`, and checked against the elements on screen). Wall cameras are added stopped, so nothing decodes; the one
 * camera used for labels points at a closed RTSP port (it keeps reconnecting, never decodes) and
 * its analysed frames are handed to the engine's event stream the way the pipeline publishes them.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type Browser, type Page } from 'playwright-core';
import { startServer, type RunningServer } from '../../src-main/server/server.js';
import type { LiveFace } from '../../src-preload/contract.js';
import { buildRenderer, ensureOperator, launchChromium, openReadyConsole, signIn } from '../helpers/e2e-console.js';
import { installedModelPack } from '../helpers/model-pack.js';
import { hamiltonClip, tempDir } from '../helpers/paths.js';

const dir = tempDir('vigil-e2e-wall-');
let server: RunningServer;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];
const cameraIds: number[] = [];
const layouts = ['auto', '1x1', '2x2', '3x3', '4x4', '1+5', '1+7'] as const;
const cellsOf: Record<(typeof layouts)[number], number> = { auto: 16, '1x1': 1, '2x2': 4, '3x3': 9, '4x4': 16, '1+5': 6, '1+7': 8 };

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}
interface WallGeometry {
  /** The area below the tab bar (or below the banners when the bar is hidden). */
  area: Box;
  tiles: Array<Box & { id: string }>;
  tabbarVisible: boolean;
  layout: string | null;
}

const addStopped = async (name: string) => {
  const camera = await server.live.addCamera(name, { kind: 'file', path: hamiltonClip, loop: false }, 5, false);
  cameraIds.push(camera.id);
  return camera;
};

/** VIGIL_E2E_SCREENSHOTS=<dir> keeps what the guard saw, for a person to look at. */
async function shot(name: string) {
  if (process.env.VIGIL_E2E_SCREENSHOTS) await page.screenshot({ path: join(process.env.VIGIL_E2E_SCREENSHOTS, name) });
}

/** Tiles and the area they should fill, measured in the page. */
function geometry(): Promise<WallGeometry> {
  return page.evaluate(() => {
    type El = { getBoundingClientRect(): { x: number; y: number; width: number; height: number; bottom: number }; hidden: boolean; getAttribute(n: string): string | null };
    const g = globalThis as unknown as { document: { querySelector(s: string): El | null; querySelectorAll(s: string): El[] }; innerWidth: number; innerHeight: number };
    const tabbar = g.document.querySelector('[data-testid="tabbar"]');
    const wall = g.document.querySelector('[data-testid="wall"]');
    const tabbarVisible = !!tabbar && !tabbar.hidden && tabbar.getBoundingClientRect().height > 0;
    // Below the tab bar; with the bar hidden, below whatever banner is still shown above the wall.
    const top = tabbarVisible ? tabbar!.getBoundingClientRect().bottom : wall!.getBoundingClientRect().y;
    const tiles = Array.from(g.document.querySelectorAll('[data-testid^="camera-tile-"]')).map((t) => {
      const r = t.getBoundingClientRect();
      return { id: t.getAttribute('data-testid')!, x: r.x, y: r.y, width: r.width, height: r.height };
    });
    return { area: { x: 0, y: top, width: g.innerWidth, height: g.innerHeight - top }, tiles, tabbarVisible, layout: wall?.getAttribute('data-layout') ?? null };
  });
}

function overlap(a: Box, b: Box): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}

/** Share of the area covered by the tiles (they must not overlap each other, so the sum is the union). */
function coverage(g: WallGeometry): number {
  for (let i = 0; i < g.tiles.length; i++) {
    for (let j = i + 1; j < g.tiles.length; j++) assert.ok(overlap(g.tiles[i]!, g.tiles[j]!) < 1, `${g.tiles[i]!.id} overlaps ${g.tiles[j]!.id}`);
  }
  return g.tiles.reduce((sum, t) => sum + overlap(t, g.area), 0) / (g.area.width * g.area.height);
}

async function chooseLayout(layout: string) {
  await page.getByTestId('wall-layout').selectOption(layout);
  await page.locator(`[data-testid="wall"][data-layout="${layout}"]`).waitFor({ timeout: 5_000 });
}

/** Waits until the wall has `count` tiles laid out for the current viewport. */
async function settledGeometry(count: number): Promise<WallGeometry> {
  await page.waitForFunction(
    (n) => (globalThis as unknown as { document: { querySelectorAll(s: string): unknown[] } }).document.querySelectorAll('[data-testid^="camera-tile-"]').length === n,
    count,
    { timeout: 15_000 },
  );
  // One frame for the resize observer to re-plan the cells.
  await page.evaluate(() => new Promise((resolve) => (globalThis as unknown as { requestAnimationFrame(f: () => void): void }).requestAnimationFrame(() => resolve(null))));
  return geometry();
}

before(async () => {
  const staticDir = buildRenderer(dir.path);
  server = await startServer({ dataDir: join(dir.path, 'data'), modelsDir: await installedModelPack(), host: '127.0.0.1', port: 0, staticDir });
  for (const name of ['Gate', 'Lobby', 'Yard']) await addStopped(name);
  browser = await launchChromium();
  await ensureOperator(server.engine);
  page = await openReadyConsole(browser, server.url, pageErrors, { hash: '#live' });
  await page.setViewportSize({ width: 1920, height: 1080 });
});

after(async () => {
  await browser?.close();
  await server?.close();
  dir.cleanup();
});

describe('the guard\'s wall', () => {
  test('three cameras fill the screen (no strip of small tiles) at 1080p and 720p', async () => {
    for (const viewport of [{ width: 1920, height: 1080 }, { width: 1280, height: 720 }]) {
      await page.setViewportSize(viewport);
      const g = await settledGeometry(3);
      assert.equal(g.layout, 'auto');
      const covered = coverage(g);
      assert.ok(covered >= 0.95, `3 cameras cover ${(covered * 100).toFixed(1)} % at ${viewport.width}×${viewport.height}`);
    }
    await page.setViewportSize({ width: 1920, height: 1080 });
  });

  test('labels: above the face, never over its own box, never over each other, inside the tile; dots for tiny faces; scores only with Details', async () => {
    const door = await server.live.addCamera('Door', { kind: 'rtsp', url: 'rtsp://127.0.0.1:9/none' }, 5, true);
    cameraIds.push(door.id);
    // The page lists it within one camera poll; it keeps reconnecting (a live state), so frames for it are shown.
    await page.locator(`[data-testid="camera-status-${door.id}"]:not([aria-label="Stopped"])`).waitFor({ timeout: 20_000 });
    const width = 1280;
    const height = 720;
    const face = (x: number, y: number, size: number, status: LiveFace['status'], personName: string | null, score: number): LiveFace => ({
      bbox: { x, y, width: size, height: size * 1.2 },
      landmarks: [],
      detScore: 0.9,
      trackId: null,
      status,
      personId: personName ? 1 : null,
      personName,
      score,
    });
    const faces = [
      face(300, 300, 150, 'member', 'Ada Lovelace', 0.81),
      face(470, 310, 150, 'unknown', null, 0.31), // close neighbours: their labels must not collide
      face(640, 290, 150, 'blocked', 'Mallory', 0.77),
      face(900, 4, 160, 'member', 'Grace Hopper', 0.66), // at the top edge: label below
      face(1100, 600, 20, 'unknown', null, 0.2), // tiny once scaled down: a dot
    ];
    let seq = 1;
    // The camera never decodes (closed port): before any video frame, the tile draws the latest analysed faces.
    const publish = () => server.engine.emit('live.faces', { cameraId: door.id, frameSeq: seq++, ptsS: null, capturedAt: Date.now(), width, height, faces });
    publish();
    const overlay = page.getByTestId(`live-overlay-${door.id}`);
    await page.waitForFunction(
      (id) => {
        const el = (globalThis as unknown as { document: { querySelector(s: string): { getAttribute(n: string): string | null } | null } }).document.querySelector(`[data-testid="live-overlay-${id}"]`);
        return (JSON.parse(el?.getAttribute('data-labels') || '[]') as unknown[]).length === 5;
      },
      door.id,
      { timeout: 15_000 },
    );
    type Drawn = { status: string; text: string; kind: string; box: Box; label: Box | null };
    const read = async () => JSON.parse((await overlay.getAttribute('data-labels')) ?? '[]') as Drawn[];
    const canvasBox = (await overlay.boundingBox())!;
    const check = (drawn: Drawn[]) => {
      const labels = drawn.filter((d) => d.kind === 'label');
      for (const d of labels) {
        const l = d.label!;
        assert.ok(l.x >= -1 && l.y >= -1 && l.x + l.width <= canvasBox.width + 1 && l.y + l.height <= canvasBox.height + 1, `label ${d.text} inside the tile`);
        assert.ok(overlap(l, d.box) <= l.width, `label ${d.text} does not cover its own face`); // ≤ 1 px row of rounding
      }
      for (let i = 0; i < labels.length; i++) {
        for (let j = i + 1; j < labels.length; j++) assert.ok(overlap(labels[i]!.label!, labels[j]!.label!) <= Math.max(labels[i]!.label!.width, labels[j]!.label!.width), `labels ${labels[i]!.text} and ${labels[j]!.text} overlap`);
      }
    };
    // What is on screen is what was planned: each label's and box's element where data-labels says.
    const onScreen = () =>
      page.evaluate((id) => {
        type El = { textContent: string | null; className: string; getBoundingClientRect(): Box };
        const g = globalThis as unknown as {
          document: { querySelector(s: string): { getBoundingClientRect(): Box; querySelectorAll(s: string): ArrayLike<El> } | null };
          getComputedStyle(e: El): { display: string };
        };
        const root = g.document.querySelector(`[data-testid="live-overlay-${id}"]`)!;
        const origin = root.getBoundingClientRect();
        return Array.from(root.querySelectorAll('.overlay-box, .overlay-label, .overlay-dot'))
          .filter((e) => g.getComputedStyle(e).display !== 'none')
          .map((e) => {
            const r = e.getBoundingClientRect();
            return { kind: e.className, text: e.textContent ?? '', rect: { x: r.x - origin.x, y: r.y - origin.y, width: r.width, height: r.height } };
          });
      }, door.id);
    const near = (a: Box, b: Box) => Math.abs(a.x - b.x) <= 1 && Math.abs(a.y - b.y) <= 1 && Math.abs(a.width - b.width) <= 1 && Math.abs(a.height - b.height) <= 1;
    const checkScreen = async (drawn: Drawn[]) => {
      const shown = await onScreen();
      for (const d of drawn) {
        if (d.kind === 'dot') {
          assert.ok(shown.some((e) => e.kind === 'overlay-dot'), `a dot for the small face`);
          continue;
        }
        assert.ok(shown.some((e) => e.kind === 'overlay-box' && near(e.rect, d.box)), `${d.text}'s box on screen where planned`);
        assert.ok(shown.some((e) => e.kind === 'overlay-label' && e.text === d.text && near(e.rect, d.label!)), `${d.text}'s label on screen where planned`);
      }
      assert.equal(shown.length, drawn.filter((d) => d.kind === 'label').length * 2 + drawn.filter((d) => d.kind === 'dot').length, 'nothing else shown');
    };
    let drawn = await read();
    check(drawn);
    await checkScreen(drawn);
    assert.deepEqual(drawn.map((d) => [d.kind, d.text]), [
      ['label', 'Ada Lovelace'],
      ['label', 'Unknown'],
      ['label', 'Mallory'],
      ['label', 'Grace Hopper'],
      ['dot', 'Unknown'],
    ]);
    const ada = drawn[0]!;
    assert.ok(ada.label!.y + ada.label!.height <= ada.box.y + 1, 'a lone label sits above its face');
    const grace = drawn[3]!;
    assert.ok(grace.label!.y >= grace.box.y + grace.box.height - 1, 'a face at the top edge has its label below');

    // Details: the scores appear; the labels still follow the rules.
    await page.getByTestId('wall-details').click();
    await page.waitForFunction(
      (id) => ((globalThis as unknown as { document: { querySelector(s: string): { getAttribute(n: string): string | null } | null } }).document.querySelector(`[data-testid="live-overlay-${id}"]`)?.getAttribute('data-labels') ?? '').includes('Ada Lovelace 0.81'),
      door.id,
      { timeout: 5_000 },
    );
    drawn = await read();
    check(drawn);
    await checkScreen(drawn);
    await shot('wall-labels.png');
    await page.getByTestId('wall-details').click();
    // The faces stay listed for screen readers, with their status in words.
    assert.match((await page.getByTestId(`live-labels-${door.id}`).textContent()) ?? '', /Blocked: Mallory/);

    // Maximised, the same frame is drawn larger and the rules still hold.
    await page.getByTestId(`camera-tile-${door.id}`).dblclick();
    await page.locator('[data-testid="wall"][data-layout="maximised"]').waitFor({ timeout: 5_000 });
    publish();
    await page.waitForFunction(
      ([id, w]) => {
        const el = (globalThis as unknown as { document: { querySelector(s: string): { clientWidth: number; getAttribute(n: string): string | null } | null } }).document.querySelector(`[data-testid="live-overlay-${id}"]`);
        return !!el && el.clientWidth > w! && (JSON.parse(el.getAttribute('data-labels') || '[]') as unknown[]).length === 5;
      },
      [door.id, canvasBox.width + 100],
      { timeout: 5_000 },
    );
    await page.keyboard.press('Escape');
    await page.locator('[data-testid="wall"][data-layout="auto"]').waitFor({ timeout: 5_000 });
  });

  test('16 cameras: every layout fills the area below the tab bar at 1080p, 720p and 4K', async () => {
    for (let i = cameraIds.length; i < 16; i++) await addStopped(`Camera ${i + 1}`);
    await settledGeometry(16); // within one camera poll
    for (const viewport of [{ width: 1920, height: 1080 }, { width: 1280, height: 720 }, { width: 3840, height: 2160 }]) {
      await page.setViewportSize(viewport);
      for (const layout of layouts) {
        await chooseLayout(layout);
        const g = await settledGeometry(cellsOf[layout]);
        assert.equal(g.tabbarVisible, true);
        const covered = coverage(g);
        assert.ok(covered >= 0.95, `${layout} covers ${(covered * 100).toFixed(1)} % at ${viewport.width}×${viewport.height}`);
        if (viewport.width === 1280) await shot(`wall-${layout}-1280.png`);
      }
    }
    await page.setViewportSize({ width: 1920, height: 1080 });
  });

  test('16 cameras on 2 × 2: four pages, by button and by PageDown', async () => {
    await chooseLayout('2x2');
    await page.locator('[data-testid="wall"][data-page-count="4"]').waitFor({ timeout: 5_000 });
    const idsOnPage = async () => (await geometry()).tiles.map((t) => t.id);
    const first = await idsOnPage();
    assert.equal(first.length, 4);
    await page.getByRole('button', { name: 'Next page' }).click();
    await page.locator('[data-testid="wall"][data-page="1"]').waitFor({ timeout: 5_000 });
    const second = await idsOnPage();
    assert.equal(second.length, 4);
    assert.equal(second.filter((id) => first.includes(id)).length, 0, 'page 2 shows other cameras');
    await page.getByTestId(second[0]!.replace('camera-tile-', 'camera-tile-')).focus();
    await page.keyboard.press('PageDown');
    await page.locator('[data-testid="wall"][data-page="2"]').waitFor({ timeout: 5_000 });
    assert.match((await page.getByTestId('wall-page').textContent()) ?? '', /Page 3 of 4/);
    await page.keyboard.press('PageUp');
    await page.keyboard.press('PageUp');
    await page.locator('[data-testid="wall"][data-page="0"]').waitFor({ timeout: 5_000 });

    // The page tour turns the pages by itself (every 10 s), wrapping round; Off stops it.
    await page.getByTestId('wall-tour').selectOption('10');
    await page.locator('[data-testid="wall"][data-page="1"]').waitFor({ timeout: 25_000 });
    await page.getByTestId('wall-tour').selectOption('0');
    await page.getByRole('button', { name: 'Previous page' }).click();
    await page.locator('[data-testid="wall"][data-page="0"]').waitFor({ timeout: 5_000 });
  });

  test('maximise by double-click and by Enter, Esc returns; a camera removed while maximised returns to the grid', async () => {
    await chooseLayout('3x3');
    const g = await settledGeometry(9);
    const target = g.tiles[4]!;
    await page.getByTestId(target.id).dblclick();
    await page.locator('[data-testid="wall"][data-layout="maximised"]').waitFor({ timeout: 5_000 });
    let m = await settledGeometry(1);
    assert.equal(m.tiles[0]!.id, target.id);
    assert.ok(coverage(m) >= 0.95, 'the maximised camera fills the wall');
    await page.keyboard.press('Escape');
    await settledGeometry(9);
    assert.equal(await page.evaluate(() => (globalThis as unknown as { document: { activeElement: { getAttribute(n: string): string | null } | null } }).document.activeElement?.getAttribute('data-testid') ?? null), target.id, 'focus back on the tile');

    await page.keyboard.press('Enter');
    await page.locator('[data-testid="wall"][data-layout="maximised"]').waitFor({ timeout: 5_000 });
    m = await settledGeometry(1);
    assert.equal(m.tiles[0]!.id, target.id);
    await page.keyboard.press('Escape');
    await page.locator('[data-testid="wall"][data-layout="3x3"]').waitFor({ timeout: 5_000 });

    const doomed = g.tiles[0]!;
    await page.getByTestId(doomed.id).dblclick();
    await page.locator('[data-testid="wall"][data-layout="maximised"]').waitFor({ timeout: 5_000 });
    assert.ok(await server.live.removeCamera(Number(doomed.id.replace('camera-tile-', ''))));
    await page.locator('[data-testid="wall"][data-layout="3x3"]').waitFor({ timeout: 15_000 });
    await page.getByTestId(doomed.id).waitFor({ state: 'detached', timeout: 5_000 });
  });

  test('fullscreen by button and by F11 hides the tab bar; Esc brings it back', async () => {
    await page.getByTestId('wall-fullscreen').click();
    await page.locator('[data-testid="tabbar"]').waitFor({ state: 'hidden', timeout: 5_000 });
    let g = await settledGeometry(9);
    assert.equal(g.tabbarVisible, false);
    assert.ok(g.area.y < 80, 'the wall starts at the top of the window');
    assert.ok(coverage(g) >= 0.95);
    await page.keyboard.press('Escape');
    await page.locator('[data-testid="tabbar"]').waitFor({ state: 'visible', timeout: 5_000 });

    await page.locator('body').press('F11');
    await page.locator('[data-testid="tabbar"]').waitFor({ state: 'hidden', timeout: 5_000 });
    g = await geometry();
    assert.equal(g.tabbarVisible, false);
    await page.keyboard.press('Escape');
    await page.locator('[data-testid="tabbar"]').waitFor({ state: 'visible', timeout: 5_000 });
  });

  test('the layout and the camera order survive a reload', async () => {
    await chooseLayout('1+5');
    const before = (await settledGeometry(6)).tiles.map((t) => t.id);
    // Alt+Right moves the first camera one place later.
    await page.getByTestId(before[0]!).focus();
    await page.keyboard.press('Alt+ArrowRight');
    await page.waitForFunction(
      (id) => (globalThis as unknown as { document: { querySelectorAll(s: string): Array<{ getAttribute(n: string): string | null }> } }).document.querySelectorAll('[data-testid^="camera-tile-"]')[1]?.getAttribute('data-testid') === id,
      before[0]!,
      { timeout: 5_000 },
    );
    // Dragging the third tile onto the first puts it first.
    await page.locator(`[data-testid="wall-cell"]:has([data-testid="${before[2]}"])`).dragTo(page.locator(`[data-testid="wall-cell"]:has([data-testid="${before[1]}"])`));
    const moved = (await settledGeometry(6)).tiles.map((t) => t.id);
    assert.deepEqual(moved.slice(0, 3), [before[2], before[1], before[0]], 'dragged to the front');
    await page.reload();
    // A reload is a new console: sign in again (the layout is the workstation's, not the session's).
    await signIn(page);
    await page.locator('[data-testid="wall"][data-layout="1+5"]').waitFor({ timeout: 15_000 });
    assert.equal(await page.getByTestId('wall-layout').inputValue(), '1+5');
    const after = (await settledGeometry(6)).tiles.map((t) => t.id);
    assert.deepEqual(after.slice(0, 3), moved.slice(0, 3));
    assert.deepEqual(pageErrors, []);
  });
});
