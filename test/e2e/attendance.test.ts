/**
 * HR's attendance board in Debian's Chromium against the real headless host:
 * visits written as the pipeline writes them at tagged entry/exit cameras, a
 * check-in corrected with a reason in the page, the correction in the payroll
 * CSV the page downloads, and a locked period that refuses the next one.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type Browser, type Page } from 'playwright-core';
import { startServer, type RunningServer } from '../../src-main/server/server.js';
import { zonedToUtc } from '../../src-main/engine/attendance/zoned-time.js';
import { buildRenderer, ensureOperator, launchChromium, openReadyConsole, openTab } from '../helpers/e2e-console.js';
import { installedModelPack } from '../helpers/model-pack.js';
import { hamiltonClip, tempDir } from '../helpers/paths.js';

const dir = tempDir('vigil-e2e-attendance-');
const zone = 'Europe/Berlin';
const day = '2026-11-30'; // a Monday, in the past
let server: RunningServer;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

before(async () => {
  const staticDir = buildRenderer(dir.path);
  server = await startServer({ dataDir: join(dir.path, 'data'), modelsDir: await installedModelPack(), host: '127.0.0.1', port: 0, staticDir, timeZone: zone });
  const { engine } = server;
  const gateIn = engine.cameraRepo.add('Gate in', { kind: 'file', path: hamiltonClip, loop: false }, 10, false).id;
  const gateOut = engine.cameraRepo.add('Gate out', { kind: 'file', path: hamiltonClip, loop: false }, 10, false).id;
  engine.attendance.setCameraDirection(gateIn, 'entry', 'admin');
  engine.attendance.setCameraDirection(gateOut, 'exit', 'admin');
  engine.attendance.addShift({ name: 'Day', start: '08:00', end: '17:00', days: ['mon', 'tue', 'wed', 'thu', 'fri'], graceMinutes: 10, earlyExitMinutes: 10 }, 'admin');
  engine.attendance.setDepartmentShift('Assembly', 'Day', 'admin');
  const person = engine.db.prepare("INSERT INTO persons (name, department, category, created_at, updated_at) VALUES (?, 'Assembly', 'employee', 'then', 'then')");
  const ada = Number(person.run('Ada Lovelace').lastInsertRowid);
  person.run('Bob Absent');
  const visit = (cameraId: number, cameraName: string, time: string) => {
    const at = new Date(zonedToUtc(day, time, zone));
    engine.sightingRepo.insert({ cameraId, cameraName, personId: ada, status: 'member', trackId: 1, firstSeen: at, lastSeen: at, bestScore: 0.8, frames: 6 });
  };
  visit(gateIn, 'Gate in', '08:24');
  visit(gateOut, 'Gate out', '17:03');
  browser = await launchChromium();
  await ensureOperator(server.engine);
  page = await openReadyConsole(browser, server.url, pageErrors, { hash: '#attendance', acceptDownloads: true });
});

after(async () => {
  await browser?.close();
  await server?.close();
  dir.cleanup();
});

const row = (person: string) => page.locator(`[data-testid="attendance-table"] tr[data-person="${person}"][data-date="${day}"]`);

describe('attendance board in Chromium', () => {
  test('the day: Ada late 24 minutes, Bob absent', async () => {
    await openTab(page, 'Attendance');
    await page.getByLabel('From').fill(day);
    await page.getByLabel('To').fill(day);
    await page.getByRole('button', { name: 'Show' }).click();
    await row('Ada Lovelace').waitFor({ timeout: 10_000 });
    assert.match((await row('Ada Lovelace').textContent()) ?? '', /Late.*08:24.*17:03.*24 min late/);
    assert.match((await row('Bob Absent').textContent()) ?? '', /Absent/);
  });

  test('HR corrects the check-in with a reason; the row shows the correction and what was computed; the CSV has both', async () => {
    await page.getByRole('button', { name: `Correct check-in of Ada Lovelace on ${day}` }).click();
    const form = page.getByTestId('attendance-correction');
    await form.getByLabel(/^Time/).fill('08:05');
    await form.getByLabel(/^Reason/).fill('Badge reader queue, confirmed by supervisor');
    await form.getByRole('button', { name: 'Save correction' }).click();
    await page.locator(`[data-testid="attendance-table"] tr[data-person="Ada Lovelace"][data-corrected="true"]`).waitFor({ timeout: 10_000 });
    const text = (await row('Ada Lovelace').textContent()) ?? '';
    assert.match(text, /On time/);
    assert.match(text, /08:05 \(was 08:24\)/);

    const download = page.waitForEvent('download');
    await page.getByTestId('attendance-export').click();
    const csv = readFileSync(await (await download).path(), 'utf8').split('\r\n');
    const ada = csv.find((line) => line.includes('Ada Lovelace'))!;
    assert.match(ada, /,2026-11-30,Day,on_time,2026-11-30T08:05:00\+01:00,2026-11-30T17:03:00\+01:00,0,0,0,538,yes,"Badge reader queue, confirmed by supervisor",2026-11-30T08:24:00\+01:00,/);
    const audit = server.engine.auditLog.list({ action: 'attendance' }).map((e) => e.action);
    assert.deepEqual(audit, ['attendance.exported', 'attendance.corrected']);
  });

  test('after locking the period, corrections are no longer offered and the engine refuses them', async () => {
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Lock period' }).click();
    await row('Bob Absent').getByText('Locked').waitFor({ timeout: 10_000 });
    assert.equal(await page.getByRole('button', { name: `Correct check-out of Bob Absent on ${day}` }).count(), 0);
    assert.throws(() => server.engine.attendance.correct(1, day, 'check_out', null, 'after the lock', 'hr'), /locked period/);
    assert.deepEqual(pageErrors, [], 'no uncaught errors or CSP violations in the page');
  });
});
