/**
 * Alerts on the guard's wall, end to end in Debian's Chromium: the real headless host and
 * engine (real SQLite file, real models), the built console over the WebSocket contract.
 * Events go into the engine the way the camera pipeline and the unknowns service hand them
 * in (a blocked person's sighting with its face crop, a stranger's visit, a camera going
 * down); everything after that (rules, merging, storage, the pushed event, the page) is real.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type Browser, type Page } from 'playwright-core';
import { startServer, type RunningServer } from '../../src-main/server/server.js';
import type { Sighting } from '../../src-preload/contract.js';
import { seededRandom } from '../../src-main/engine/util/seeded-random.js';
import { buildRenderer, ensureOperator, launchChromium, openReadyConsole, openTab } from '../helpers/e2e-console.js';
import { installedModelPack } from '../helpers/model-pack.js';
import { hamiltonClip, tempDir } from '../helpers/paths.js';

const dir = tempDir('vigil-e2e-alert-wall-');
let server: RunningServer;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];
let gate = { id: 0, name: 'Gate' };
let mallory = 0;
const random = seededRandom(7);

/** A face-sized crop with some texture, as the pipeline's best crop of a visit. */
const faceCrop = () => ({ width: 96, height: 112, data: Uint8Array.from({ length: 96 * 112 * 3 }, (_, i) => (i * 11 + Math.floor(random() * 30)) % 256) });

/** Mallory (blocklisted) seen at the gate: a new visit each time, with its face crop. */
function malloryAtGate(): void {
  const now = new Date();
  const sighting: Sighting = server.engine.sightingRepo.insert({
    cameraId: gate.id,
    cameraName: gate.name,
    personId: mallory,
    status: 'blocked',
    trackId: 1,
    firstSeen: now,
    lastSeen: now,
    bestScore: 0.8,
    frames: 5,
  });
  server.engine.alerts.onSighting(sighting, false, faceCrop());
}

const openAlertsInDb = () => server.engine.alerts.list(1000, true);
const cards = () => page.locator('[data-testid="alert-cards"] article');
const badgeText = async () => ((await page.getByTestId('alerts-badge').count()) ? await page.getByTestId('alerts-badge').textContent() : '0');
async function waitForBadge(count: number): Promise<void> {
  await page.waitForFunction(
    (n) => {
      const el = (globalThis as unknown as { document: { querySelector(s: string): { textContent: string } | null } }).document.querySelector('[data-testid="alerts-badge"]');
      return (el?.textContent ?? '0') === String(n);
    },
    count,
    { timeout: 10_000 },
  );
}
const attr = (selector: string, name: string) =>
  page.evaluate(
    ([s, n]) => (globalThis as unknown as { document: { querySelector(q: string): { getAttribute(a: string): string | null } | null } }).document.querySelector(s!)?.getAttribute(n!) ?? null,
    [selector, name],
  );

before(async () => {
  const staticDir = buildRenderer(dir.path);
  server = await startServer({ dataDir: join(dir.path, 'data'), modelsDir: await installedModelPack(), host: '127.0.0.1', port: 0, staticDir });
  const camera = await server.live.addCamera('Gate', { kind: 'file', path: hamiltonClip, loop: false }, 10, false);
  gate = { id: camera.id, name: camera.name };
  mallory = server.engine.saveTemplates({ name: 'Mallory', category: 'blocked' }, [], { operator: 'test', origin: 'test' }).person.id;
  browser = await launchChromium();
  await ensureOperator(server.engine);
  page = await openReadyConsole(browser, server.url, pageErrors, { hash: '#live' });
  await page.getByTestId(`camera-tile-${gate.id}`).waitFor({ timeout: 10_000 });
});

after(async () => {
  await browser?.close();
  await server?.close();
  dir.cleanup();
});

describe('alerts on the wall in Chromium', () => {
  test('a high alert shows a card over the wall with the face, the rule, the camera; the tile flashes; it beeps', async () => {
    malloryAtGate();
    const card = cards().first();
    await card.waitFor({ timeout: 10_000 });
    assert.equal(await card.getAttribute('data-priority'), 'high');
    const text = (await card.textContent()) ?? '';
    assert.match(text, /Blocklisted person/);
    assert.match(text, /Mallory/);
    assert.match(text, /Gate/);
    if (process.env.VIGIL_E2E_SCREENSHOTS) await page.screenshot({ path: join(process.env.VIGIL_E2E_SCREENSHOTS, 'alert-wall-card.png') });
    const face = card.getByRole('img', { name: /Face seen/ });
    await face.waitFor({ timeout: 10_000 });
    assert.match((await face.getAttribute('src')) ?? '', /^data:image\/jpeg;base64,/);
    assert.ok(await face.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth > 0), 'the face JPEG decodes');
    assert.equal(await attr(`[data-testid="camera-tile-${gate.id}"]`, 'data-flashing'), 'true', 'the camera tile flashes');
    assert.match((await page.getByTestId(`camera-tile-${gate.id}`).getAttribute('class')) ?? '', /tile-alert-flash/);
    assert.equal(await attr('[data-testid="alert-cards"]', 'data-beeps'), '1', 'a high alert beeps');
    // The flash is for a few seconds, not for ever.
    await page.locator(`[data-testid="camera-tile-${gate.id}"][data-flashing="false"]`).waitFor({ timeout: 10_000 });
    await waitForBadge(1);
  });

  test('a repeat within the window adds to the same card: ×2, no new card, no new row', async () => {
    const id = (await cards().first().getAttribute('data-alert-id'))!;
    malloryAtGate();
    await page.locator(`[data-testid="alert-card-${id}"][data-count="2"]`).waitFor({ timeout: 10_000 });
    assert.equal(await page.getByTestId(`alert-card-${id}`).getByTestId('alert-card-count').textContent(), '×2');
    assert.equal(await cards().count(), 1);
    assert.equal(openAlertsInDb().length, 1);
    assert.equal(openAlertsInDb()[0]!.count, 2);
    await waitForBadge(1);
  });

  test('settings: invalid input is refused with a clear message; a new stranger can be switched on (keyboard only)', async () => {
    await page.keyboard.press('Alt+7');
    const rules = page.getByTestId('alert-rules');
    const window = rules.getByLabel('Repeat window in minutes: Camera offline');
    await window.waitFor({ timeout: 10_000 });
    assert.equal(await rules.getByLabel('Alert on: New unknown').isChecked(), false, 'off by default');
    assert.match((await rules.locator('tr[data-rule="new_unknown"]').textContent()) ?? '', /off, low, 10 min/, 'the default is shown');
    await window.fill('-5');
    if (process.env.VIGIL_E2E_SCREENSHOTS) await page.screenshot({ path: join(process.env.VIGIL_E2E_SCREENSHOTS, 'alert-rules.png') });
    await window.press('Enter');
    const problem = page.getByTestId('rule-problem-camera_offline');
    await problem.waitFor({ timeout: 5_000 });
    assert.match((await problem.textContent()) ?? '', /cannot be negative/);
    assert.match((await page.getByTestId('alert-rules-error').textContent()) ?? '', /Not saved/);
    assert.equal(server.engine.alerts.rules().rules.camera_offline.repeatWindowMinutes, 10, 'nothing was saved');

    await window.fill('15');
    await rules.getByLabel('Alert on: New unknown').focus();
    await page.keyboard.press('Space');
    await window.press('Enter');
    await page.locator('[data-testid="alert-rules-status"]', { hasText: 'Saved' }).waitFor({ timeout: 10_000 });
    const saved = server.engine.alerts.rules().rules;
    assert.deepEqual([saved.new_unknown.enabled, saved.camera_offline.repeatWindowMinutes], [true, 15]);
    await page.keyboard.press('Alt+1');
  });

  test('the badge counts unacknowledged medium and high alerts only; a low alert makes no card', async () => {
    // A stranger's first visit, as the pipeline hands it to the unknowns service: a low "new unknown" alert now.
    const dimension = server.engine.embedderManifest.embeddingSize;
    const v = Float32Array.from({ length: dimension }, () => random() - 0.5);
    const norm = Math.hypot(...v);
    const outcome = await server.engine.unknowns.recordVisit({
      faces: [{ embedding: v.map((x) => x / norm), quality: 0.9 }],
      crop: faceCrop(),
      cropQuality: 0.9,
      cameraId: gate.id,
      cameraName: gate.name,
      sightingId: null,
      seenAt: new Date(),
    });
    assert.ok(outcome?.created);
    const low = openAlertsInDb().find((a) => a.rule === 'new_unknown');
    assert.equal(low?.priority, 'low');
    // A medium one: the camera goes down.
    server.engine.alerts.onCameraState(gate.id, 'running', null);
    server.engine.alerts.onCameraState(gate.id, 'failed', 'connection refused');
    await page.locator('[data-testid="alert-cards"] article[data-priority="medium"]', { hasText: 'Camera offline' }).waitFor({ timeout: 10_000 });
    await waitForBadge(2);
    assert.equal(openAlertsInDb().length, 3, 'three open alerts, of which one is low');
    assert.equal(await page.getByTestId(`alert-card-${low!.id}`).count(), 0, 'no card for a low alert');
    await openTab(page, 'Alerts');
    await page.locator(`[data-testid="alerts-table"] tr[data-alert-id="${low!.id}"][data-acknowledged="false"]`).waitFor({ timeout: 10_000 });
    assert.equal(await badgeText(), '2');
    await openTab(page, 'Live');
  });

  test('acknowledged from the card\'s button, and with Alt+A (the newest card)', async () => {
    const offline = openAlertsInDb().find((a) => a.rule === 'camera_offline')!;
    const blocked = openAlertsInDb().find((a) => a.rule === 'blocklisted_seen')!;
    // Newest on top: the camera went down after Mallory was seen.
    assert.equal(await cards().first().getAttribute('data-alert-id'), String(offline.id));
    await page.getByTestId(`alert-card-${blocked.id}`).getByRole('button', { name: /^Acknowledge/ }).click();
    await page.getByTestId(`alert-card-${blocked.id}`).waitFor({ state: 'detached', timeout: 10_000 });
    assert.equal(server.engine.alerts.repo.get(blocked.id)?.acknowledgedBy, 'admin');
    await waitForBadge(1);

    await page.keyboard.press('Alt+A');
    await page.getByTestId(`alert-card-${offline.id}`).waitFor({ state: 'detached', timeout: 10_000 });
    assert.ok(server.engine.alerts.repo.get(offline.id)?.acknowledgedAt);
    assert.equal(await page.getByTestId('alerts-badge').count(), 0, 'nothing medium or high left open');

    // After acknowledgement, Mallory seen again is a new alert (and a new card), not ×3.
    malloryAtGate();
    const fresh = page.locator('[data-testid="alert-cards"] article[data-priority="high"][data-count="1"]');
    await fresh.waitFor({ timeout: 10_000 });
    assert.notEqual(await fresh.getAttribute('data-alert-id'), String(blocked.id));
  });

  test('opening an alert from its card shows it in the Alerts tab and acknowledges it', async () => {
    const id = (await cards().first().getAttribute('data-alert-id'))!;
    await page.getByTestId(`alert-card-${id}`).getByRole('button', { name: /^Open in Alerts/ }).click();
    const row = page.locator(`[data-testid="alerts-table"] tr[data-alert-id="${id}"]`);
    await row.locator('text=Acknowledged by admin').waitFor({ timeout: 10_000 });
    assert.equal(await page.getByRole('tab', { name: /^Alerts/ }).getAttribute('aria-selected'), 'true');
    assert.ok(server.engine.alerts.repo.get(Number(id))?.acknowledgedAt);
    await openTab(page, 'Live');
    assert.equal(await cards().count(), 0);
  });

  test('a flood of 100 alerts: a capped stack with "N more", few beeps, and the keyboard still answers', async () => {
    // Every repeat its own alert (window 0): the worst case for the wall.
    const rules = server.engine.alerts.rules().rules;
    server.engine.alerts.setRules({ ...rules, blocklisted_seen: { ...rules.blocklisted_seen, repeatWindowMinutes: 0 } }, 'test');
    // The Alerts tab (visited above) stays mounted and shows the beep count when the stack is empty.
    const beepsBefore = Number(await attr('[data-testid="alerts-view"]', 'data-beeps'));
    const heldBefore = Number(await attr('[data-testid="alerts-view"]', 'data-beeps-held'));
    const started = Date.now();
    for (let i = 0; i < 100; i++) malloryAtGate();
    assert.equal(openAlertsInDb().filter((a) => a.rule === 'blocklisted_seen').length, 100);
    await page.locator('[data-testid="alert-cards"][data-total="100"]').waitFor({ timeout: 20_000 });
    assert.equal(await cards().count(), 3, 'three cards visible');
    if (process.env.VIGIL_E2E_SCREENSHOTS) await page.screenshot({ path: join(process.env.VIGIL_E2E_SCREENSHOTS, 'alert-wall-flood.png') });
    assert.match((await page.getByTestId('alert-cards-more').textContent()) ?? '', /^97 more alerts/);
    await waitForBadge(100);

    // The keyboard answers: Alt+A acknowledges the newest card, the stack moves up by one.
    const newest = (await cards().first().getAttribute('data-alert-id'))!;
    await page.keyboard.press('Alt+A');
    await page.getByTestId(`alert-card-${newest}`).waitFor({ state: 'detached', timeout: 10_000 });
    await page.locator('[data-testid="alert-cards"][data-total="99"]').waitFor({ timeout: 10_000 });
    await waitForBadge(99);
    // And tab switching still works at once.
    await page.keyboard.press('Alt+6');
    await page.locator('#tab-alerts[aria-selected="true"]').waitFor({ timeout: 5_000 });
    await page.keyboard.press('Alt+1');
    await cards().first().waitFor({ timeout: 5_000 });

    // The sound is rate-limited: at most one beep per 5 s of flood, whatever the number of alerts.
    // (None at all when the last one was under 5 s ago: then the flood's beeps were held back.)
    const beeps = Number(await attr('[data-testid="alerts-view"]', 'data-beeps')) - beepsBefore;
    const held = Number(await attr('[data-testid="alerts-view"]', 'data-beeps-held')) - heldBefore;
    const allowed = 1 + Math.floor((Date.now() - started) / 5000);
    assert.ok(beeps <= allowed, `beeps during the flood: ${beeps} (allowed ${allowed})`);
    assert.ok(beeps + held >= 1, 'the flood asked for the sound (played or held back)');
    // "N more" leads to the full list.
    await page.getByTestId('alert-cards-more').click();
    await page.locator('#tab-alerts[aria-selected="true"]').waitFor({ timeout: 5_000 });
    assert.deepEqual(pageErrors, [], 'no uncaught errors in the page');
  });
});
