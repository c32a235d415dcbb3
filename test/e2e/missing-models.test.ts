/**
 * A console whose model pack is missing still starts, and says in plain words
 * what is missing and how to fix it; enrolling explains the problem instead of failing silently.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type Browser, type Page } from 'playwright-core';
import { buildRenderer, ensureOperator, launchChromium, signIn } from '../helpers/e2e-console.js';
import { startServer, type RunningServer } from '../../src-main/server/server.js';
import { faceRecognitionData, tempDir } from '../helpers/paths.js';

const dir = tempDir('vigil-e2e-missing-');
let server: RunningServer;
let browser: Browser;
let page: Page;

before(async () => {
  const staticDir = buildRenderer(dir.path);
  server = await startServer({ dataDir: join(dir.path, 'data'), modelsDir: join(dir.path, 'empty-models'), port: 0, staticDir });
  await ensureOperator(server.engine);
  browser = await launchChromium();
  page = await browser.newPage();
});

after(async () => {
  await browser?.close();
  await server?.close();
  dir.cleanup();
});

describe('console without a model pack', () => {
  test('the top bar says which model is missing and how to import a pack', async () => {
    await page.goto(server.url);
    await signIn(page);
    const badge = page.locator('[data-testid="models-status"][data-ready="false"]');
    await badge.waitFor({ timeout: 30_000 });
    assert.match((await badge.textContent()) ?? '', /Models missing/);
    const problem = (await page.getByTestId('models-problem').textContent()) ?? '';
    assert.match(problem, /yunet_s_dynamic|faceplugin_512/);
    assert.match(problem, /npm run models -- import/);
  });

  test('checking enrollment photos explains that models are missing, and Enroll stays unavailable', async () => {
    await page.getByRole('tab', { name: /^People/ }).click();
    const form = page.getByTestId('enroll-form');
    await form.getByLabel('Name').fill('Someone');
    await form.getByLabel(/^Photos/).setInputFiles(join(faceRecognitionData, 'examples_obama.jpg'));
    const problem = page.getByTestId('photo-check-error');
    await problem.getByText(/not installed/).waitFor({ timeout: 30_000 });
    assert.match((await problem.textContent()) ?? '', /npm run models -- import/);
    assert.equal(await form.getByRole('button', { name: 'Enroll' }).isDisabled(), true);
  });
});
