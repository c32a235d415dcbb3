/**
 * HR's attendance board in Debian's Chromium against the real headless host:
 * visits written as the pipeline writes them at tagged entry/exit cameras, a
 * check-in corrected with a reason in the page, the correction in the payroll
 * CSV the page downloads, and a locked period that refuses the next one.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
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
// The engine's clock, fixed the Friday after: its occupancy snapshots (kept only so many days back)
// and retention purges treat the seeded Monday the same whatever today's date is.
const engineNow = zonedToUtc('2026-12-04', '12:00', zone);
let server: RunningServer;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

before(async () => {
  const staticDir = buildRenderer(dir.path);
  server = await startServer({ dataDir: join(dir.path, 'data'), modelsDir: await installedModelPack(), host: '127.0.0.1', port: 0, staticDir, timeZone: zone, now: () => engineNow });
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
  // What the engine's 10-minute tick does: keep the settled hours (and roll up their months).
  engine.attendance.snapshotOccupancy(engine.now());
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

  test('the payroll XLSX downloads and opens (Python zipfile + ElementTree) with the corrected row', async () => {
    const download = page.waitForEvent('download');
    await page.getByTestId('attendance-export-xlsx').click();
    const file = await download;
    assert.equal(file.suggestedFilename(), `vigil-attendance-${day}-${day}.xlsx`);
    const read = `
import sys, zipfile, xml.etree.ElementTree as ET
m = '{http://schemas.openxmlformats.org/spreadsheetml/2006/main}'
with zipfile.ZipFile(sys.argv[1]) as z:
    assert z.testzip() is None
    sheet = ET.fromstring(z.read('xl/worksheets/sheet1.xml'))
for row in sheet.iter(m + 'row'):
    print('|'.join(''.join(t.text or '' for t in c.iter(m + 't')) or (c.findtext(m + 'v') or '') for c in row))
`;
    const lines = execFileSync('python3', ['-c', read, await file.path()], { encoding: 'utf8' }).trim().split('\n');
    assert.match(lines[0]!, /^person_id\|employee_code\|person\|/);
    assert.match(lines.find((l) => l.includes('Ada Lovelace'))!, /\|2026-11-30\|Day\|on_time\|2026-11-30T08:05:00\+01:00\|2026-11-30T17:03:00\+01:00\|0\|0\|0\|538\|yes\|Badge reader queue, confirmed by supervisor\|2026-11-30T08:24:00\+01:00\|/);
    await page.getByText('2 rows exported as XLSX.').waitFor({ timeout: 10_000 });
  });

  test('the access summary of a period, and occupancy per month kept from the hourly snapshots', async () => {
    const panel = page.getByTestId('access-summary');
    await panel.getByLabel('Summary start day').fill(day);
    await panel.getByLabel('Summary end day').fill(day);
    await panel.getByRole('button', { name: 'Summarise' }).click();
    await panel.getByTestId('access-summary-total').waitFor({ timeout: 10_000 });
    assert.match((await panel.getByTestId('access-summary-total').textContent()) ?? '', /^2 visits from 2026-11-30 to 2026-11-30 \(site days, Europe\/Berlin\)/);
    const kind = (k: string) => panel.locator(`tr[data-kind="${k}"]`).textContent();
    assert.match((await kind('members')) ?? '', /Known people\s*2\s*100\.0%/);
    assert.match((await kind('unknown')) ?? '', /Strangers\s*0\s*0\.0%/);
    // A start after the end moves the end with it (the period never runs backwards).
    await panel.getByLabel('Summary start day').fill('2026-12-01');
    assert.equal(await panel.getByLabel('Summary end day').inputValue(), '2026-12-01');
    await panel.getByRole('button', { name: 'Summarise' }).click();
    await panel.getByText(/^0 visits from 2026-12-01 to 2026-12-01/).waitFor({ timeout: 10_000 });

    const november = page.locator('[data-testid="occupancy-months"] tr[data-month="2026-11"]');
    await november.waitFor({ timeout: 10_000 });
    assert.match((await november.textContent()) ?? '', /^2026-11\s*1\s*1\s*1\s*2026-11-30 08:00/);
    const occupancy = page.getByTestId('occupancy');
    await occupancy.getByLabel('Occupancy day').fill(day);
    await occupancy.getByRole('button', { name: 'Refresh occupancy' }).click();
    const eight = occupancy.locator('tr[data-hour="08:00"][data-kept="true"]');
    await eight.waitFor({ timeout: 10_000 });
    assert.match((await eight.textContent()) ?? '', /08:00 kept\s*1\s*0\s*1/);
    assert.deepEqual(pageErrors, [], 'no uncaught errors or CSP violations in the page');
  });
});
