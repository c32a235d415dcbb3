/**
 * The attendance leftovers in Debian's Chromium against the real headless host: HR edits a shift's
 * overtime threshold (the form warns how many past days that judges again), gives a person a shift
 * from the People tab's person details (security does not see the selector), and reads one
 * person's month: statuses, first in / last out, worked and overtime, a correction with its
 * reason, a locked week, Page Up / Page Down between months.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type Browser, type Page } from 'playwright-core';
import { startServer, type RunningServer } from '../../src-main/server/server.js';
import { zonedToUtc } from '../../src-main/engine/attendance/zoned-time.js';
import { buildRenderer, ensureOperator, launchChromium, openReadyConsole, openTab } from '../helpers/e2e-console.js';
import { installedModelPack } from '../helpers/model-pack.js';
import { hamiltonClip, tempDir } from '../helpers/paths.js';

const dir = tempDir('vigil-e2e-attendance-month-');
const zone = 'Europe/Berlin';
let server: RunningServer;
let browser: Browser;
let page: Page;
let hr: { name: string; password: string };
let security: { name: string; password: string };
let ada: number;
let dayShift: number;
const pageErrors: string[] = [];

before(async () => {
  const staticDir = buildRenderer(dir.path);
  server = await startServer({ dataDir: join(dir.path, 'data'), modelsDir: await installedModelPack(), host: '127.0.0.1', port: 0, staticDir, timeZone: zone });
  const { engine } = server;
  const gateIn = engine.cameraRepo.add('Gate in', { kind: 'file', path: hamiltonClip, loop: false }, 10, false).id;
  const gateOut = engine.cameraRepo.add('Gate out', { kind: 'file', path: hamiltonClip, loop: false }, 10, false).id;
  engine.attendance.setCameraDirection(gateIn, 'entry', 'admin');
  engine.attendance.setCameraDirection(gateOut, 'exit', 'admin');
  dayShift = engine.attendance.addShift({ name: 'Day', start: '08:00', end: '17:00', days: ['mon', 'tue', 'wed', 'thu', 'fri'], graceMinutes: 10, earlyExitMinutes: 10 }, 'admin').id;
  engine.attendance.addShift({ name: 'Night', start: '22:00', end: '06:00', days: ['mon', 'tue', 'wed', 'thu', 'fri'], graceMinutes: 5, earlyExitMinutes: 0 }, 'admin');
  engine.attendance.setDepartmentShift('Assembly', 'Day', 'admin');
  ada = Number(engine.db.prepare("INSERT INTO persons (name, department, category, created_at, updated_at) VALUES ('Ada Lovelace', 'Assembly', 'employee', 'then', 'then')").run().lastInsertRowid);
  const visit = (camera: 'Gate in' | 'Gate out', date: string, time: string) => {
    const at = new Date(zonedToUtc(date, time, zone));
    engine.sightingRepo.insert({ cameraId: camera === 'Gate in' ? gateIn : gateOut, cameraName: camera, personId: ada, status: 'member', trackId: 1, firstSeen: at, lastSeen: at, bestScore: 0.8, frames: 6 });
  };
  visit('Gate in', '2026-11-02', '07:55');
  visit('Gate out', '2026-11-02', '18:10'); // 70 minutes after the end
  visit('Gate in', '2026-11-03', '08:20'); // late 20
  visit('Gate out', '2026-11-03', '17:00');
  // 4 Nov: absent. 5 Nov: no check-out, corrected by HR.
  visit('Gate in', '2026-11-05', '08:00');
  engine.attendance.correct(ada, '2026-11-05', 'check_out', zonedToUtc('2026-11-05', '17:00', zone), 'Forgot to badge out, confirmed by supervisor', 'hr-desk');
  visit('Gate in', '2026-11-16', '07:58');
  visit('Gate out', '2026-11-16', '17:05');
  engine.attendance.lock('2026-11-16', '2026-11-20', 'hr-desk');
  browser = await launchChromium();
  await ensureOperator(engine);
  hr = await ensureOperator(engine, 'hr-desk', 'hr');
  security = await ensureOperator(engine, 'guard-desk', 'security');
  page = await openReadyConsole(browser, server.url, pageErrors, { hash: '#attendance', account: hr });
});

after(async () => {
  await browser?.close();
  await server?.close();
  dir.cleanup();
});

const setup = () => page.locator('#panel-attendance [data-testid="shifts-setup"]');
const monthView = () => page.locator('#panel-attendance [data-testid="attendance-month"]');
const monthRow = (date: string) => monthView().locator(`[data-testid="attendance-month-table"] tr[data-date="${date}"]`);

describe('attendance leftovers in Chromium', () => {
  test('HR edits the overtime threshold; the form warns how many past days are judged again', async () => {
    await openTab(page, 'Attendance');
    const row = setup().locator('[data-testid="shifts-table"] tr[data-shift="Day"]');
    await row.waitFor({ timeout: 10_000 });
    assert.match((await row.textContent()) ?? '', /30 min/, 'the default threshold is listed');
    const expected = server.engine.attendance.shiftEditImpact(dayShift);
    await row.getByRole('button', { name: 'Edit the shift Day' }).click();
    const form = page.getByTestId('shift-form');
    const warning = form.getByTestId('shift-rejudge-warning');
    await warning.getByText(`${expected.days} days of 1 person since 2026-11-02`, { exact: false }).waitFor({ timeout: 10_000 });
    const text = (await warning.textContent()) ?? '';
    assert.match(text, /neither corrected nor locked/);
    assert.match(text, /1 corrected day: HR's times stay/);
    assert.match(text, /5 locked days: kept as locked/);

    await form.getByLabel(/^Overtime after/).fill('2000');
    await form.getByRole('button', { name: 'Save shift' }).click();
    await form.getByText('from 0 to 1440 minutes').waitFor({ timeout: 10_000 });
    assert.equal(await form.getByLabel(/^Overtime after/).getAttribute('aria-invalid'), 'true');
    await form.getByLabel(/^Overtime after/).fill('75');
    await form.getByRole('button', { name: 'Save shift' }).click();
    await setup().getByText('Shift Day saved.').waitFor({ timeout: 10_000 });
    assert.match((await row.textContent()) ?? '', /75 min/);
    assert.equal(server.engine.attendance.shift(dayShift).overtimeAfterMinutes, 75);
  });

  test("HR reads Ada's month: statuses, in/out, worked and overtime, the correction's reason, the locked week", async () => {
    await monthView().getByLabel('Person', { exact: true }).selectOption({ label: 'Ada Lovelace' });
    await monthView().getByLabel('Month', { exact: true }).fill('2026-11');
    await monthView().getByRole('button', { name: 'View month' }).click();
    await monthRow('2026-11-30').waitFor({ timeout: 10_000 });
    assert.equal(await monthView().locator('[data-testid="attendance-month-table"] tbody tr').count(), 30, 'a row for every day of November');
    // 70 minutes after the end is no overtime any more with the threshold at 75.
    assert.equal(await monthRow('2026-11-02').getAttribute('data-status'), 'on_time');
    assert.match((await monthRow('2026-11-02').textContent()) ?? '', /Mon 02.*On time.*07:55.*18:10.*10 h 15/);
    assert.match((await monthRow('2026-11-03').textContent()) ?? '', /Late.*08:20.*17:00/);
    assert.equal(await monthRow('2026-11-04').getAttribute('data-status'), 'absent');
    const corrected = (await monthRow('2026-11-05').textContent()) ?? '';
    assert.match(corrected, /On time.*Corrected.*08:00.*17:00 \(was none\).*Forgot to badge out, confirmed by supervisor/);
    assert.match((await monthRow('2026-11-16').textContent()) ?? '', /Locked/);
    assert.match((await monthRow('2026-11-01').textContent()) ?? '', /Sun 01.*No shift day/);
    const summary = (await monthView().getByTestId('attendance-month-summary').textContent()) ?? '';
    assert.match(summary, /Ada Lovelace \(Assembly\), 2026-11 .*21 shift days; late 1, early exit 0, absent 17;.*1 corrections/);
    assert.match((await monthView().getByTestId('attendance-month-corrections').textContent()) ?? '', /2026-11-05: check-out set to 17:00 by hr-desk, “Forgot to badge out/);

    // Keyboard: Page Down / Page Up move by a month.
    await monthView().getByLabel('Month', { exact: true }).press('PageDown');
    await monthRow('2026-12-31').waitFor({ timeout: 10_000 });
    assert.equal(await monthView().getByLabel('Month', { exact: true }).inputValue(), '2026-12');
    await monthView().getByLabel('Month', { exact: true }).press('PageUp');
    await monthRow('2026-11-30').waitFor({ timeout: 10_000 });
    assert.equal(await monthRow('2026-12-31').count(), 0);

    // From the board: a row's "Month" button opens that person's month of the row's date.
    await monthView().getByLabel('Month', { exact: true }).press('PageDown');
    await monthRow('2026-12-31').waitFor({ timeout: 10_000 });
    const filters = page.getByTestId('attendance-filters');
    await filters.getByLabel('From').fill('2026-11-03');
    await filters.getByLabel('To').fill('2026-11-03');
    await filters.getByRole('button', { name: 'Show', exact: true }).click();
    await page.getByRole('button', { name: 'Month of Ada Lovelace (2026-11)' }).click();
    await monthRow('2026-11-30').waitFor({ timeout: 10_000 });
    assert.equal(await monthView().getByLabel('Month', { exact: true }).inputValue(), '2026-11');
  });

  test("HR gives Ada her own shift from the person details; security does not see the selector", async () => {
    await openTab(page, 'People');
    await page.locator('#panel-people [data-testid="people-table"] tr', { hasText: 'Ada Lovelace' }).getByRole('button', { name: 'Open Ada Lovelace' }).click();
    const panel = page.getByTestId('person-panel');
    const select = panel.getByTestId('person-shift').getByLabel('Shift of Ada Lovelace');
    await select.waitFor({ timeout: 10_000 });
    assert.equal(await select.locator('option:checked').textContent(), "Department's (Day)");
    await select.selectOption({ label: 'Night (22:00–06:00)' });
    await panel.getByText('Ada Lovelace: shift Night.').waitFor({ timeout: 10_000 });
    const assignment = server.engine.attendance.shiftAssignments().find((p) => p.personId === ada)!;
    assert.deepEqual([assignment.shift, assignment.departmentShift], ['Night', 'Day']);
    const trail = server.engine.auditLog.list({}).filter((e) => e.action === 'person.shift-set');
    assert.deepEqual(trail.map((e) => [e.operator, e.subjectLabel]), [[hr.name, 'Ada Lovelace']]);

    const guard = await openReadyConsole(browser, server.url, pageErrors, { hash: '#people', account: security });
    await openTab(guard, 'People');
    await guard.locator('#panel-people [data-testid="people-table"] tr', { hasText: 'Ada Lovelace' }).getByRole('button', { name: 'Open Ada Lovelace' }).click();
    await guard.getByTestId('person-panel').getByRole('heading', { name: 'Ada Lovelace' }).waitFor({ timeout: 10_000 });
    assert.equal(await guard.getByTestId('person-shift').count(), 0, 'no attendance.manage: no selector');
    await guard.close();
    assert.deepEqual(pageErrors, [], 'no uncaught errors or CSP violations in the page');
  });

  test('occupancy (who is inside now, a day per hour) and the access log search on the Attendance tab', async () => {
    // Ada walks in through the entry camera a few seconds ago.
    const now = new Date(Date.now() - 5_000);
    const gateIn = server.engine.attendance.cameraDirections().find((c) => c.name === 'Gate in')!.id;
    server.engine.sightingRepo.insert({ cameraId: gateIn, cameraName: 'Gate in', personId: ada, status: 'member', trackId: 7, firstSeen: now, lastSeen: now, bestScore: 0.8, frames: 6 });
    await openTab(page, 'Attendance');
    const occupancy = page.locator('#panel-attendance [data-testid="occupancy"]');
    await occupancy.getByLabel('Occupancy day').fill('2026-11-02');
    await occupancy.getByRole('button', { name: 'Refresh occupancy' }).click();
    await occupancy.locator('[data-testid="occupancy-hours"] tr[data-hour="18:00"]').waitFor({ timeout: 10_000 });
    assert.deepEqual(
      await occupancy.locator('[data-testid="occupancy-hours"] tbody tr').evaluateAll((rows) => rows.map((r) => [...r.children].map((c) => c.textContent))),
      [
        ['07:00', '1', '0', '1'],
        ['18:00', '0', '1', '0'],
      ],
    );
    await occupancy.locator('[data-testid="inside-people"] li[data-person="Ada Lovelace"]').waitFor({ timeout: 10_000 });
    assert.match((await occupancy.getByTestId('inside-now').textContent()) ?? '', /Inside now: 1 /);

    const log = page.locator('#panel-attendance [data-testid="access-log"]');
    await log.getByLabel('Log start (site time)').fill('2026-11-02T00:00');
    await log.getByLabel('Log end (site time)').fill('2026-11-03T00:00');
    await log.getByLabel('Direction').selectOption({ label: 'Exit (check-out)' });
    await log.getByRole('button', { name: 'Search the log' }).click();
    await log.getByTestId('access-log-count').getByText('1 visit,').waitFor({ timeout: 10_000 });
    assert.deepEqual(
      await log.locator('[data-testid="access-log-table"] tbody tr').evaluateAll((rows) => rows.map((r) => [...r.children].map((c) => c.textContent))),
      [['2026-11-02 18:10', 'Gate out', 'Exit (check-out)', 'Ada Lovelace']],
    );
    await log.getByLabel('Direction').selectOption({ label: 'Any direction' });
    await log.getByLabel('Who').selectOption({ label: 'Stranger' });
    await log.getByRole('button', { name: 'Search the log' }).click();
    await log.getByTestId('access-log-count').getByText('0 visits,').waitFor({ timeout: 10_000 });
    await log.getByLabel('Log end (site time)').fill('2026-11-01T00:00');
    await log.getByRole('button', { name: 'Search the log' }).click();
    await log.getByText('The start of the time range must be before its end.').waitFor({ timeout: 10_000 });
    assert.deepEqual(pageErrors, [], 'no uncaught errors or CSP violations in the page');
  });
});
