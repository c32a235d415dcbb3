/**
 * Attendance set-up in Debian's Chromium against the real headless host: HR adds a shift through
 * the form (a bad one first: the message names the problem), gives it to a person; the site
 * administrator tags a camera as the entry on the Cameras tab; a visit written as the pipeline
 * writes it then counts as that person's check-in on the new shift, on a freshly opened console.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type Browser, type Page } from 'playwright-core';
import { startServer, type RunningServer } from '../../src-main/server/server.js';
import { zonedToUtc } from '../../src-main/engine/attendance/zoned-time.js';
import { buildRenderer, ensureOperator, launchChromium, openReadyConsole, openTab, TEST_ADMIN } from '../helpers/e2e-console.js';
import { installedModelPack } from '../helpers/model-pack.js';
import { hamiltonClip, tempDir } from '../helpers/paths.js';

const dir = tempDir('vigil-e2e-attendance-setup-');
const zone = 'Europe/Berlin';
const day = '2026-11-30'; // a Monday, in the past
let server: RunningServer;
let browser: Browser;
let hrPage: Page;
let hr: { name: string; password: string };
let frontDoor: number;
let ada: number;
const pageErrors: string[] = [];

before(async () => {
  const staticDir = buildRenderer(dir.path);
  server = await startServer({ dataDir: join(dir.path, 'data'), modelsDir: await installedModelPack(), host: '127.0.0.1', port: 0, staticDir, timeZone: zone });
  const { engine } = server;
  frontDoor = engine.cameraRepo.add('Front door', { kind: 'file', path: hamiltonClip, loop: false }, 10, false).id;
  ada = Number(engine.db.prepare("INSERT INTO persons (name, department, category, created_at, updated_at) VALUES ('Ada Lovelace', 'Assembly', 'employee', 'then', 'then')").run().lastInsertRowid);
  browser = await launchChromium();
  await ensureOperator(engine);
  hr = await ensureOperator(engine, 'hr-desk', 'hr');
  hrPage = await openReadyConsole(browser, server.url, pageErrors, { hash: '#attendance', account: hr });
});

after(async () => {
  await browser?.close();
  await server?.close();
  dir.cleanup();
});

/** Waits (at most 10 s) for the engine to have stored what the page sent. */
async function until(condition: () => boolean): Promise<void> {
  for (let waited = 0; !condition(); waited += 100) {
    if (waited > 10_000) throw new Error('the engine did not store the change within 10 s');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const setup = (page: Page) => page.locator('#panel-attendance [data-testid="shifts-setup"]');

describe('attendance set-up in Chromium', () => {
  test('HR adds a shift: a shift that starts when it ends is refused with a message, a valid one is listed', async () => {
    await openTab(hrPage, 'Attendance');
    await setup(hrPage).getByRole('button', { name: 'Add a shift' }).click();
    const form = hrPage.getByTestId('shift-form');
    await form.getByLabel('Shift name').fill('Early');
    await form.getByLabel('Starts (site time)').fill('06:00');
    await form.getByLabel('Ends (site time)').fill('06:00');
    await form.getByLabel(/^Grace/).fill('5');
    await form.getByRole('button', { name: 'Add shift' }).click();
    await form.getByText('a shift cannot start and end at the same time').waitFor({ timeout: 10_000 });
    assert.equal(await form.getByLabel('Ends (site time)').getAttribute('aria-invalid'), 'true');
    assert.equal(server.engine.attendance.listShifts().length, 0, 'nothing was sent to the engine');

    await form.getByLabel('Ends (site time)').fill('14:00');
    await form.getByRole('button', { name: 'Add shift' }).click();
    const row = setup(hrPage).locator('[data-testid="shifts-table"] tr[data-shift="Early"]');
    await row.waitFor({ timeout: 10_000 });
    assert.match((await row.textContent()) ?? '', /06:00–14:00.*Mon, Tue, Wed, Thu, Fri.*5 min/);
    assert.deepEqual(
      server.engine.attendance.listShifts().map((s) => [s.name, s.start, s.end, s.graceMinutes]),
      [['Early', '06:00', '14:00', 5]],
    );
  });

  test('HR gives Ada the shift from the list of people', async () => {
    const select = setup(hrPage).getByLabel('Shift of Ada Lovelace');
    await select.selectOption({ label: 'Early (06:00–14:00)' });
    await setup(hrPage).getByText('Ada Lovelace: shift Early.').waitFor({ timeout: 10_000 });
    const row = server.engine.attendance.shiftAssignments().find((p) => p.personId === ada)!;
    assert.equal(row.shift, 'Early');
  });

  test('the administrator sets the front door to entry on the Cameras tab (HR has no Cameras tab)', async () => {
    assert.equal(await hrPage.getByRole('tab', { name: /^Cameras/ }).count(), 0);
    const admin = await openReadyConsole(browser, server.url, pageErrors, { hash: '#cameras', account: TEST_ADMIN });
    await openTab(admin, 'Cameras');
    const select = admin.locator('#panel-cameras').getByLabel('Attendance direction: Front door');
    await select.waitFor({ timeout: 10_000 });
    assert.equal(await select.inputValue(), 'none');
    await select.selectOption('entry');
    await until(() => server.engine.attendance.cameraDirections().find((c) => c.id === frontDoor)?.direction === 'entry');
    assert.equal(await select.inputValue(), 'entry');
    assert.equal(server.engine.attendance.cameraDirections().find((c) => c.id === frontDoor)?.direction, 'entry');
    await admin.close();
  });

  test("a visit at the front door is Ada's check-in on her new shift; a freshly opened console shows all three settings", async () => {
    const at = new Date(zonedToUtc(day, '06:20', zone));
    server.engine.sightingRepo.insert({ cameraId: frontDoor, cameraName: 'Front door', personId: ada, status: 'member', trackId: 1, firstSeen: at, lastSeen: at, bestScore: 0.8, frames: 6 });
    await hrPage.close();
    const page = await openReadyConsole(browser, server.url, pageErrors, { hash: '#attendance', account: hr });
    await openTab(page, 'Attendance');
    await page.getByLabel('From').fill(day);
    await page.getByLabel('To').fill(day);
    await page.getByRole('button', { name: 'Show' }).click();
    const record = page.locator(`[data-testid="attendance-table"] tr[data-person="Ada Lovelace"][data-date="${day}"]`);
    await record.waitFor({ timeout: 10_000 });
    assert.match((await record.textContent()) ?? '', /Early.*Late.*06:20.*20 min late/);

    await setup(page).locator('[data-testid="shifts-table"] tr[data-shift="Early"]').waitFor({ timeout: 10_000 });
    const personSelect = setup(page).getByLabel('Shift of Ada Lovelace');
    assert.equal(await personSelect.locator('option:checked').textContent(), 'Early (06:00–14:00)');
    assert.equal(await setup(page).getByLabel('Attendance direction: Front door').inputValue(), 'entry');

    const trail = server.engine.auditLog.list({}).filter((e) => ['shift.added', 'person.shift-set', 'camera.direction-set'].includes(e.action));
    assert.deepEqual(
      trail.map((e) => [e.action, e.operator, e.subjectLabel]).sort(),
      [
        ['camera.direction-set', TEST_ADMIN.name, 'Front door'],
        ['person.shift-set', hr.name, 'Ada Lovelace'],
        ['shift.added', hr.name, 'Early'],
      ],
    );
    assert.deepEqual(pageErrors, [], 'no uncaught errors or CSP violations in the page');
  });
});
