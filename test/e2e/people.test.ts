/**
 * The HR enrollment desk end to end in Debian's Chromium against the real
 * headless host and models: a bad photo is judged and not saved, a good set
 * is enrolled, the same face under another name is stopped by the duplicate
 * warning (and can be overridden by this all-permissions operator), the
 * record is exported, and erasure removes the person from the list.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import { type Browser, type Page } from 'playwright-core';
import { buildRenderer, confirmWithPassword, ensureOperator, launchChromium, openReadyConsole, waitForPhotoVerdicts } from '../helpers/e2e-console.js';
import { startServer, type RunningServer } from '../../src-main/server/server.js';
import { installedModelPack } from '../helpers/model-pack.js';
import { faceRecognitionData as fr, sharedData, tempDir } from '../helpers/paths.js';

const dir = tempDir('vigil-e2e-people-');
let server: RunningServer;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];
const obama = ['examples_obama.jpg', 'examples_obama2.jpg', 'tests_test_images_obama3.jpg'].map((f) => join(fr, f));
const lfw = (name: string, n: number) => join(sharedData, 'lfw', 'images', name, `${name}_${String(n).padStart(4, '0')}.jpg`);
const obamaOther = ['examples_knn_examples_train_obama_obama2.jpg', 'examples_obama_small.jpg', 'examples_knn_examples_test_obama1.jpg'].map((f) => join(fr, f));

before(async () => {
  const staticDir = buildRenderer(dir.path);
  server = await startServer({ dataDir: join(dir.path, 'data'), modelsDir: await installedModelPack(), host: '127.0.0.1', port: 0, staticDir });
  await ensureOperator(server.engine);
  browser = await launchChromium();
  page = await openReadyConsole(browser, server.url, pageErrors, { hash: '#people', acceptDownloads: true });
});

after(async () => {
  await browser?.close();
  await server?.close();
  dir.cleanup();
});

const form = () => page.getByTestId('enroll-form');
const verdicts = () => page.getByTestId('photo-verdicts');
const row = (name: string) => page.getByTestId('people-table').getByRole('row').filter({ has: page.getByRole('rowheader', { name }) });

const waitForVerdicts = (count: number) => waitForPhotoVerdicts(page, count);

describe('HR enrollment desk in Chromium', () => {
  test('a bad photo gets its verdict in plain words and is not saved', async () => {
    const dark = join(dir.path, 'dark-portrait.jpg');
    await sharp(readFileSync(obama[0]!)).linear(0.1, 0).jpeg().toFile(dark);
    await form().getByLabel('Name').fill('Barack Obama');
    await form().getByLabel(/^Photos/).setInputFiles([dark, join(fr, 'examples_two_people.jpg')]);
    await waitForVerdicts(2);
    const text = (await verdicts().textContent()) ?? '';
    assert.match(text, /dark-portrait\.jpg — not usable: the photo is too dark/);
    assert.match(text, /faces of similar size found/);
    assert.match(text, /✓ exactly one face/, 'each check is shown, passed ones too');
    assert.equal(await form().getByRole('button', { name: 'Enroll' }).isDisabled(), true);
    assert.match((await page.getByTestId('enroll-blocker').textContent()) ?? '', /None of the photos can be used/);
    await form().getByRole('button', { name: 'Remove dark-portrait.jpg' }).click();
    await form().getByRole('button', { name: 'Remove examples_two_people.jpg' }).click();
    assert.equal(await page.getByTestId('people-table').count(), 0, 'nobody was saved');
  });

  test('a good set of 3 photos: verdicts pass, consent needed, then enrolled with record fields', async () => {
    await form().getByLabel(/^Photos/).setInputFiles(obama);
    await waitForVerdicts(3);
    assert.equal(await verdicts().locator('li[data-ok="true"]').count(), 3);
    await form().getByLabel('Employee code').fill('E-044');
    await form().getByLabel('Department').fill('Security');
    assert.match((await page.getByTestId('enroll-blocker').textContent()) ?? '', /consent/);
    await form().getByLabel(/has given consent/).check();
    await form().getByRole('button', { name: 'Enroll' }).click();
    await row('Barack Obama').waitFor({ timeout: 30_000 });
    const cells = await row('Barack Obama').getByRole('cell').allTextContents();
    assert.deepEqual(cells.slice(0, 5), ['E-044', 'Security', 'Employee', 'Active', '3']);
    await page.getByText(/Enrolled Barack Obama with 3 face templates/).waitFor();
  });

  test('the same face under another name: duplicate warning with the match, nothing saved until overridden', async () => {
    await form().getByLabel('Name').fill('Barry Soetoro');
    await form().getByLabel(/^Photos/).setInputFiles(obamaOther);
    await waitForVerdicts(3);
    await form().getByLabel(/has given consent/).check();
    await form().getByRole('button', { name: 'Enroll' }).click();
    const warning = page.getByTestId('duplicate-warning');
    await warning.waitFor({ timeout: 30_000 });
    assert.match((await warning.textContent()) ?? '', /already matches Barack Obama \(0\.\d\d\)/);
    assert.equal(await row('Barry Soetoro').count(), 0, 'not saved');
    await warning.getByRole('button', { name: /Enroll anyway/ }).click();
    await confirmWithPassword(page);
    await row('Barry Soetoro').waitFor({ timeout: 30_000 });
  });

  test('search by employee code and the status filter', async () => {
    await page.getByLabel('Search people').fill('e-044');
    await page.waitForFunction(() => {
      const doc = (globalThis as unknown as { document: { querySelectorAll(s: string): { length: number } } }).document;
      return doc.querySelectorAll('[data-testid="people-table"] tbody tr').length === 1;
    });
    await row('Barack Obama').waitFor();
    await page.getByLabel('Search people').fill('');
    await page.getByRole('search').getByLabel('Status').selectOption('inactive');
    await page.getByText('Nobody matches these filters.').waitFor();
    await page.getByRole('search').getByLabel('Status').selectOption('');
    await row('Barry Soetoro').waitFor();
  });

  test('person panel: deactivate, export as JSON, erase with confirmation (gone from the list)', async () => {
    await row('Barry Soetoro').getByRole('button', { name: 'Open Barry Soetoro' }).click();
    const panel = page.getByTestId('person-panel');
    await panel.getByRole('heading', { name: 'Barry Soetoro' }).waitFor();
    await panel.getByRole('button', { name: 'Deactivate' }).click();
    await panel.getByTestId('person-status').getByText(/Inactive/).waitFor();
    await row('Barry Soetoro').getByRole('cell', { name: 'Inactive' }).waitFor();

    const [download] = await Promise.all([page.waitForEvent('download'), panel.getByRole('button', { name: /Export data/ }).click()]);
    const exported = JSON.parse(readFileSync(await download.path(), 'utf8')) as { person: { name: string; status: string }; templates: unknown[]; audit: Array<{ action: string }> };
    assert.equal(exported.person.name, 'Barry Soetoro');
    assert.equal(exported.person.status, 'inactive');
    assert.equal(exported.templates.length, 3);
    assert.ok(exported.audit.some((a) => a.action === 'person.deactivated'));

    await panel.getByRole('button', { name: 'Erase…' }).click();
    const dialog = page.getByRole('alertdialog');
    assert.match((await dialog.textContent()) ?? '', /Erase Barry Soetoro for good\?/);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    assert.equal(await row('Barry Soetoro').count(), 1, 'cancel keeps them');
    await panel.getByRole('button', { name: 'Erase…' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Yes, erase for good' }).click();
    await confirmWithPassword(page);
    await row('Barry Soetoro').waitFor({ state: 'detached', timeout: 30_000 });
    assert.equal(await row('Barack Obama').count(), 1, 'everyone else stays');
    assert.equal(await page.getByTestId('person-panel').count(), 0, 'the panel closes');
    assert.deepEqual(pageErrors, [], 'no uncaught errors in the page');
  });

  test('a look-alike (Venus after Serena Williams): enrolled with a "resembles" warning, flagged in the list until HR marks it reviewed', async () => {
    for (const [name, files] of [
      ['Serena Williams', [10, 11, 12].map((n) => lfw('Serena_Williams', n))],
      ['Venus Williams', [1, 4, 6].map((n) => lfw('Venus_Williams', n))],
    ] as const) {
      await form().getByLabel('Name').fill(name);
      await form().getByLabel(/^Photos/).setInputFiles([...files]);
      await waitForVerdicts(3);
      await form().getByLabel(/has given consent/).check();
      await form().getByRole('button', { name: 'Enroll' }).click();
      await page.getByText(new RegExp(`Enrolled ${name} with 3 face templates`)).waitFor({ timeout: 30_000 });
    }
    const warning = page.getByTestId('resemblance-warning');
    await warning.waitFor();
    assert.match((await warning.textContent()) ?? '', /Venus Williams resembles Serena Williams \(0\.\d\d\)/);
    assert.equal(await page.getByTestId('duplicate-warning').count(), 0, 'not refused as a duplicate');
    await row('Venus Williams').getByTestId('resemblance-pill').waitFor();
    await row('Serena Williams').getByTestId('resemblance-pill').waitFor();

    await row('Venus Williams').getByRole('button', { name: 'Open Venus Williams' }).click();
    const panel = page.getByTestId('person-panel');
    const note = panel.getByTestId('person-resemblances');
    await note.waitFor();
    assert.match((await note.textContent()) ?? '', /Enrolled resembling Serena Williams \(0\.\d\d/);
    await note.getByRole('button', { name: /Mark reviewed/ }).click();
    await note.getByText(/Reviewed by /).waitFor();
    await row('Venus Williams').getByTestId('resemblance-pill').waitFor({ state: 'detached' });
    assert.equal(await row('Serena Williams').getByTestId('resemblance-pill').count(), 0);
    assert.deepEqual(pageErrors, [], 'no uncaught errors in the page');
  });
});
