/**
 * Unknown people and alerts end to end in Debian's Chromium: the real headless
 * host and engine, real models. Strangers are fed through the engine the way
 * `identify --record-unknowns` does (LFW photos), and a video camera at a
 * restricted area feeds live visits. The review actions run through the UI.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type Browser, type Page } from 'playwright-core';
import { startServer, type RunningServer } from '../../src-main/server/server.js';
import { buildRenderer, ensureOperator, launchChromium, newConsolePage, openTab, signIn } from '../helpers/e2e-console.js';
import { installedModelPack } from '../helpers/model-pack.js';
import { hamiltonClip, sharedData, tempDir } from '../helpers/paths.js';

const dir = tempDir('vigil-e2e-unknowns-');
let server: RunningServer;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];
const lfw = (name: string, n: number) => join(sharedData, 'lfw', 'images', name, `${name}_${String(n).padStart(4, '0')}.jpg`);

/** Cluster ids by who they are (fed in before the page opens). */
const ids = { powell: 0, serena: 0, blair: 0 };

async function recordStranger(file: string): Promise<number> {
  const { faces } = await server.engine.identifyImage(readFileSync(file), file.split('/').pop()!, { recordUnknowns: true });
  assert.equal(faces.length, 1, file);
  const clusterId = faces[0]!.unknown?.clusterId;
  assert.equal(typeof clusterId, 'number', `${file} was not clustered`);
  return clusterId!;
}

before(async () => {
  const staticDir = buildRenderer(dir.path);
  server = await startServer({ dataDir: join(dir.path, 'data'), modelsDir: await installedModelPack(), host: '127.0.0.1', port: 0, staticDir });
  await ensureOperator(server.engine);
  ids.powell = await recordStranger(lfw('Colin_Powell', 1));
  assert.equal(await recordStranger(lfw('Colin_Powell', 2)), ids.powell, 'the same stranger twice shares a cluster');
  ids.serena = await recordStranger(lfw('Serena_Williams', 1));
  ids.blair = await recordStranger(lfw('Tony_Blair', 2));
  assert.equal(new Set(Object.values(ids)).size, 3);
  // Tamper with one encrypted snapshot: its card must say "unavailable", not crash.
  const file = join(dir.path, 'data', 'snapshots', server.engine.unknowns.repo.snapshot(ids.blair)!.fileName);
  const bytes = readFileSync(file);
  bytes[bytes.length - 1]! ^= 0xff;
  writeFileSync(file, bytes);

  browser = await launchChromium();
  page = await newConsolePage(browser, pageErrors);
});

after(async () => {
  await browser?.close();
  await server?.close();
  dir.cleanup();
});

const card = (id: number) => page.getByTestId(`cluster-${id}`);


describe('unknown people and alerts in Chromium', () => {
  test('the review queue shows each stranger with visits, cameras and the decrypted snapshot', async () => {
    await page.goto(server.url);
    await signIn(page);
    await openTab(page, 'Unknowns');
    await card(ids.powell).waitFor({ timeout: 30_000 });
    assert.equal(await card(ids.powell).getByTestId('appearances').textContent(), '2');
    assert.match((await card(ids.powell).textContent()) ?? '', /Cameras: photo Colin_Powell_0001\.jpg, photo Colin_Powell_0002\.jpg/);
    const image = card(ids.powell).getByRole('img', { name: `Best face of unknown person #${ids.powell}` });
    await image.waitFor({ timeout: 10_000 });
    assert.match((await image.getAttribute('src')) ?? '', /^data:image\/jpeg;base64,/);
    assert.ok(await image.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth > 0), 'the JPEG decodes in the page');
  });

  test('a tampered snapshot is shown as unavailable', async () => {
    const unavailable = card(ids.blair).getByTestId('snapshot-unavailable');
    await unavailable.waitFor({ timeout: 10_000 });
    assert.match((await unavailable.textContent()) ?? '', /altered or damaged/);
  });

  test('merge: Blair merged into Serena (the operator decides they are one person)', async () => {
    await card(ids.blair).getByRole('button', { name: 'Merge into another' }).click();
    const form = page.getByRole('form', { name: `Merge into another: unknown person #${ids.blair}` });
    await form.getByLabel('Same person as').selectOption(String(ids.serena));
    // The list offers only other clusters: a cluster cannot be merged into itself from the UI.
    assert.equal(await form.locator(`option[value="${ids.blair}"]`).count(), 0);
    await form.getByRole('button', { name: 'Merge into another' }).click();
    await card(ids.blair).waitFor({ state: 'detached', timeout: 10_000 });
    await page.waitForFunction((id) => {
      const el = (globalThis as unknown as { document: { querySelector(s: string): { textContent: string } | null } }).document.querySelector(
        `[data-testid="cluster-${id}"] [data-testid="appearances"]`,
      );
      return el?.textContent === '2';
    }, ids.serena);
  });

  let splitOffId = 0;
  test('split: "not the same person" moves a face out into a new card', async () => {
    const powell = card(ids.powell);
    await powell.getByText(/Faces kept/).click();
    await powell.getByRole('button', { name: /^Not the same person/ }).last().click();
    await page.waitForFunction((id) => {
      const el = (globalThis as unknown as { document: { querySelector(s: string): { textContent: string } | null } }).document.querySelector(
        `[data-testid="cluster-${id}"] [data-testid="appearances"]`,
      );
      return el?.textContent === '1';
    }, ids.powell);
    const status = await page.getByTestId('unknowns-status').textContent();
    splitOffId = Number(/unknown person #(\d+)/.exec(status ?? '')?.[1]);
    assert.ok(splitOffId > 0, status ?? '');
    await card(splitOffId).waitFor({ timeout: 10_000 });
  });

  test('name as visitor: the card leaves the queue and a visitor appears under People', async () => {
    await card(ids.powell).getByRole('button', { name: 'Name as visitor' }).click();
    const form = page.getByRole('form', { name: `Name as visitor: unknown person #${ids.powell}` });
    await form.getByLabel('Name').fill('Colin Visitor');
    await form.getByRole('button', { name: 'Name as visitor' }).click();
    await card(ids.powell).waitFor({ state: 'detached', timeout: 10_000 });
    await openTab(page, 'People');
    const row = page.getByTestId('people-table').getByRole('row', { name: /Colin Visitor/ });
    await row.waitFor({ timeout: 10_000 });
    assert.match((await row.textContent()) ?? '', /Visitor/);
  });

  test('add to blocklist: the split-off face becomes a blocked person', async () => {
    await openTab(page, 'Unknowns');
    await card(splitOffId).getByRole('button', { name: 'Add to blocklist' }).click();
    const form = page.getByRole('form', { name: `Add to blocklist: unknown person #${splitOffId}` });
    await form.getByLabel('Name').fill('Blocked Stranger');
    await form.getByRole('button', { name: 'Add to blocklist' }).click();
    await card(splitOffId).waitFor({ state: 'detached', timeout: 10_000 });
    await openTab(page, 'People');
    const row = page.getByTestId('people-table').getByRole('row', { name: /Blocked Stranger/ });
    await row.waitFor({ timeout: 10_000 });
    assert.match((await row.textContent()) ?? '', /Blocked/);
  });

  test('dismiss: the card leaves the queue and its snapshot is deleted', async () => {
    const file = server.engine.unknowns.repo.snapshot(ids.serena)?.fileName;
    await openTab(page, 'Unknowns');
    await card(ids.serena).getByRole('button', { name: 'Dismiss', exact: true }).click();
    // One more step, Cancel focused: Escape takes it back, nothing is deleted.
    await page.keyboard.press('Escape');
    assert.equal(await card(ids.serena).count(), 1);
    await card(ids.serena).getByRole('button', { name: 'Dismiss', exact: true }).click();
    await card(ids.serena).getByRole('button', { name: 'Dismiss for good' }).click();
    await card(ids.serena).waitFor({ state: 'detached', timeout: 10_000 });
    if (file) assert.equal(server.engine.unknowns.vault.files().includes(file), false);
  });

  test('a camera at a restricted area: a live stranger raises a high alert (with a beep) and joins the queue', async () => {
    const camera = await server.live.addCamera('Stage', { kind: 'file', path: hamiltonClip, loop: false }, 10, false);
    await openTab(page, 'Cameras');
    await page.getByLabel('Restricted area: Stage').click();
    await page.locator('input[aria-label="Restricted area: Stage"]:checked').waitFor({ timeout: 10_000 });
    assert.equal(server.engine.cameraRepo.get(camera.id)?.restricted, true);
    await page.getByRole('button', { name: 'Start Stage' }).click();

    await openTab(page, 'Alerts');
    const high = page.locator('[data-testid="alerts-table"] tr[data-priority="high"][data-acknowledged="false"]', { hasText: 'restricted camera Stage' }).first();
    await high.waitFor({ timeout: 60_000 });
    assert.ok(Number(await page.getByTestId('alerts-view').getAttribute('data-beeps')) >= 1, 'a high alert beeps');

    // The clip ends (no loop): its tracks end as unknown visits with the camera's name.
    await openTab(page, 'Unknowns');
    await page.getByTestId('unknowns-queue').locator('article', { hasText: 'Cameras: Stage' }).first().waitFor({ timeout: 60_000 });
  });

  test('Alt+A acknowledges the newest open alert with a note; the history keeps who (the signed-in operator) and why', async () => {
    await openTab(page, 'Alerts');
    const newest = page.locator('[data-testid="alerts-table"] tr[data-acknowledged="false"]').first();
    const alertId = await newest.getAttribute('data-alert-id');
    await page.keyboard.press('Alt+A');
    const form = page.getByRole('form', { name: `Acknowledge alert ${alertId}` });
    await form.getByLabel('Note').fill('Checked on camera, stage crew');
    await page.keyboard.press('Enter');
    const row = page.locator(`[data-testid="alerts-table"] tr[data-alert-id="${alertId}"]`);
    await row.locator('text=Acknowledged by admin').waitFor({ timeout: 10_000 });
    assert.match((await row.textContent()) ?? '', /stage crew/);
    const stored = server.engine.alerts.repo.get(Number(alertId));
    assert.equal(stored?.acknowledgedBy, 'admin');
    assert.equal(stored?.note, 'Checked on camera, stage crew');
    if (process.env.VIGIL_E2E_SCREENSHOTS) await page.screenshot({ path: join(process.env.VIGIL_E2E_SCREENSHOTS, 'alerts.png') });
    assert.deepEqual(pageErrors, [], 'no uncaught errors in the page');
  });

  test('Audit tab: the review actions, snapshot views and the camera changes made in the console are on the trail, which verifies; filter and CSV export', async () => {
    await openTab(page, 'Audit');
    const table = page.getByTestId('audit-table');
    await table.waitFor({ timeout: 10_000 });
    const actions = await table.locator('tbody tr').evaluateAll((rows) => rows.map((r) => (r as unknown as { dataset: { action: string } }).dataset.action));
    for (const action of ['unknowns.merged', 'unknowns.split', 'unknowns.identified', 'unknowns.dismissed', 'unknowns.snapshot-viewed', 'camera.restricted-set', 'camera.started']) {
      assert.ok(actions.includes(action), `${action} in ${actions.join(', ')}`);
    }
    assert.match((await table.locator('tbody tr', { hasText: 'unknowns.merged' }).first().textContent()) ?? '', /admin/);

    await page.getByTestId('audit-verify').click();
    const verdict = page.getByTestId('audit-verification');
    await verdict.waitFor();
    assert.equal(await verdict.getAttribute('data-ok'), 'true', (await verdict.textContent()) ?? '');

    await page.getByTestId('audit-filters').getByRole('textbox', { name: 'Action' }).fill('camera');
    await page.getByTestId('audit-filters').getByRole('textbox', { name: 'Action' }).press('Enter');
    await page.waitForFunction(() => {
      const doc = (globalThis as unknown as { document: { querySelectorAll(s: string): ArrayLike<{ getAttribute(n: string): string | null }> } }).document;
      const rows = Array.from(doc.querySelectorAll('[data-testid="audit-table"] tbody tr'));
      return rows.length > 0 && rows.every((r) => (r.getAttribute('data-action') ?? '').startsWith('camera.'));
    });

    const download = page.waitForEvent('download');
    await page.getByTestId('audit-export').click();
    const file = await (await download).path();
    const csv = readFileSync(file, 'utf8').split('\r\n');
    assert.equal(csv[0], 'id,at,operator,action,subject_kind,subject_id,subject_label,details');
    assert.ok(csv.slice(1).filter(Boolean).every((line) => /,camera\.[a-z-]+,camera,/.test(line)), csv.join('\n'));
    assert.ok(server.engine.auditLog.list({ action: 'audit.exported' }).length === 1, 'the export itself is on the trail');
    assert.deepEqual(pageErrors, [], 'no uncaught errors in the page');
  });
});
