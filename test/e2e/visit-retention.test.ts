/**
 * Settings → Visit retention in Debian's Chromium against the real engine over the WebSocket host:
 * an admin sees the default, a too-short period is refused with the reason, a valid one is saved
 * (audited) and the purge it starts deletes an old stranger's visit and says how many employee
 * visits wait for their attendance period to be locked.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type Browser, type Page } from 'playwright-core';
import { buildRenderer, ensureOperator, launchChromium, openReadyConsole } from '../helpers/e2e-console.js';
import { startServer, type RunningServer } from '../../src-main/server/server.js';
import { installedModelPack } from '../helpers/model-pack.js';
import { hamiltonClip, tempDir } from '../helpers/paths.js';

const dir = tempDir('vigil-e2e-retention-');
let server: RunningServer;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];
let strangerId = 0;

before(async () => {
  const staticDir = buildRenderer(dir.path);
  server = await startServer({ dataDir: join(dir.path, 'data'), modelsDir: await installedModelPack(), host: '127.0.0.1', port: 0, staticDir });
  await ensureOperator(server.engine);
  const engine = server.engine;
  const gate = engine.cameraRepo.add('Gate in', { kind: 'file', path: hamiltonClip, loop: false }, 10, false).id;
  const lobby = engine.cameraRepo.add('Lobby', { kind: 'file', path: hamiltonClip, loop: false }, 10, false).id;
  engine.attendance.setCameraDirection(gate, 'entry', 'test');
  const ada = Number(engine.db.prepare("INSERT INTO persons (name, category, created_at, updated_at) VALUES ('Ada', 'employee', 'then', 'then')").run().lastInsertRowid);
  const at = new Date(Date.now() - 60 * 86_400_000); // kept by the default 90 days, past 31
  strangerId = engine.sightingRepo.insert({ cameraId: lobby, cameraName: 'Lobby', personId: null, status: 'unknown', trackId: 1, firstSeen: at, lastSeen: at, bestScore: null, frames: 3 }).id;
  engine.sightingRepo.insert({ cameraId: gate, cameraName: 'Gate in', personId: ada, status: 'member', trackId: 2, firstSeen: at, lastSeen: at, bestScore: 0.8, frames: 3 });
  browser = await launchChromium();
  page = await openReadyConsole(browser, server.url, pageErrors, { hash: '#settings' });
});

after(async () => {
  await browser?.close();
  await server?.close();
  dir.cleanup();
});

describe('visit retention in Settings', () => {
  test('an admin sets 31 days: 10 is refused with the reason; the purge deletes the stranger and holds the employee visit', async () => {
    const section = page.getByTestId('visit-retention');
    await section.waitFor({ timeout: 15_000 });
    const days = section.getByLabel('Keep visits for (days, 31 to 3650)');
    await days.waitFor();
    // The saved value arrives with the engine's answer: the field shows the default, 90.
    for (let tries = 0; (await days.inputValue()) !== '90'; tries++) {
      assert.ok(tries < 100, `the field shows ${await days.inputValue()}, not 90`);
      await page.waitForTimeout(100);
    }
    await days.fill('10');
    await days.press('Enter');
    await section.getByRole('alert').waitFor();
    assert.match((await section.getByRole('alert').textContent()) ?? '', /31 to 3650/);
    await days.fill('31');
    await section.getByRole('button', { name: 'Save retention' }).click();
    await section.getByTestId('visit-retention-status').waitFor();
    assert.equal(await section.getByTestId('visit-retention-status').textContent(), 'Visits are now kept 31 days.');
    const last = (await section.getByTestId('visit-retention-last').textContent()) ?? '';
    assert.match(last, /1 deleted/);
    assert.match(last, /1 visit past retention waits for the attendance period to be locked/);
    assert.equal(server.engine.db.prepare('SELECT 1 FROM sightings WHERE id = ?').get(strangerId), undefined);
    const audit = server.engine.db.prepare("SELECT details_json FROM audit_log WHERE subject_label = 'visit retention'").all() as Array<{ details_json: string }>;
    assert.deepEqual(audit.map((a) => JSON.parse(a.details_json)), [{ from: 90, to: 31 }]);
    assert.deepEqual(pageErrors, []);
  });
});
