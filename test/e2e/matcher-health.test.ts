/**
 * The console with the remote matcher switched on (hybrid, against the fake Rekognition on
 * 127.0.0.1), in Debian's Chromium: the top bar and Settings show the matcher and its health; when
 * the service goes away they say so and count what waits, and erasing someone then says
 * "pending remote deletion" instead of done.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type Browser, type Page } from 'playwright-core';
import { buildRenderer, confirmWithPassword, ensureOperator, launchChromium, openReadyConsole } from '../helpers/e2e-console.js';
import { startServer, type RunningServer } from '../../src-main/server/server.js';
import { enrollFiles } from '../helpers/enroll.js';
import { startFakeRekognition, type FakeRekognition } from '../helpers/fake-rekognition.js';
import { installedModelPack } from '../helpers/model-pack.js';
import { faceRecognitionData as fr, tempDir } from '../helpers/paths.js';

const dir = tempDir('vigil-e2e-matcher-');
let fake: FakeRekognition;
let server: RunningServer;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];
const E2E_SECRET = 'e2eSecretKeyTypedInTheConsole/0042+xyz';

before(async () => {
  fake = await startFakeRekognition({ collections: ['site-faces'] });
  const staticDir = buildRenderer(dir.path);
  server = await startServer({
    dataDir: join(dir.path, 'data'),
    modelsDir: await installedModelPack(),
    host: '127.0.0.1',
    port: 0,
    staticDir,
    matcher: { mode: 'hybrid', region: 'eu-west-1', collectionId: 'site-faces', endpoint: fake.url },
    remoteMatcherOptions: { credentials: { accessKeyId: 'AKIDVIGILE2E', secretAccessKey: 'not-a-secret' }, offlineProbeIntervalMs: 60_000 },
    remoteEraseWaitMs: 2000,
  });
  await ensureOperator(server.engine);
  const enrolled = await enrollFiles(server.engine, 'Joe Biden', [join(fr, 'examples_biden.jpg')], { allowFewerPhotos: true });
  assert.ok(enrolled.person);
  await server.engine.remoteSync!.idle();
  browser = await launchChromium();
  page = await openReadyConsole(browser, server.url, pageErrors, { hash: '#settings' });
});

after(async () => {
  await browser?.close();
  await server?.close();
  await fake?.stop();
  dir.cleanup();
});

describe('matcher health in the console', () => {
  test('online: the top bar names the matcher; Settings explains the mode and shows nothing waiting', async () => {
    const badge = page.getByTestId('matcher-status');
    await badge.waitFor({ timeout: 15_000 });
    assert.equal(await badge.getAttribute('data-online'), 'true');
    assert.match((await badge.textContent()) ?? '', /Rekognition \(hybrid\)/);
    const section = page.getByTestId('matcher-health');
    await section.waitFor();
    assert.match((await section.textContent()) ?? '', /Hybrid: the local gallery first/);
    assert.equal(await section.getByTestId('matcher-jobs-queued').textContent(), '0');
  });

  test('an admin enters AWS credentials: checked as typed, used at once, never shown again; cleared back to the standard chain', async () => {
    const form = page.getByTestId('matcher-credentials');
    await form.waitFor();
    assert.equal(await form.getAttribute('data-set'), 'false');
    assert.match((await form.getByTestId('matcher-credentials-state').textContent()) ?? '', /Not set: the standard AWS chain is used/);
    // A key id typed in lower case is refused before anything is sent, with the reason beside the field.
    const sentBefore = fake.requests.length;
    await form.getByLabel('Access key id').fill('akia-not-valid');
    await form.getByLabel('Secret access key').fill(E2E_SECRET);
    await form.getByRole('button', { name: 'Save credentials' }).click();
    assert.match((await form.getByTestId('matcher-credentials-problem-accessKeyId').textContent()) ?? '', /16-128 capital letters and digits/);
    assert.equal(await form.getByLabel('Access key id').getAttribute('aria-invalid'), 'true');

    await form.getByLabel('Access key id').fill('AKIAE2ESETTINGS7731');
    await form.getByRole('button', { name: 'Save credentials' }).press('Enter');
    await page.locator('[data-testid="matcher-credentials"][data-set="true"]').waitFor({ timeout: 10_000 });
    assert.match((await form.getByTestId('matcher-credentials-state').textContent()) ?? '', /the key ending in 7731/);
    assert.equal(await form.getByLabel('Secret access key').inputValue(), '', 'the typed secret is not kept');
    // The engine checked the collection with the new key at once (no restart).
    const deadline = Date.now() + 10_000;
    while (!fake.requests.slice(sentBefore).some((r) => r.accessKeyId === 'AKIAE2ESETTINGS7731') && Date.now() < deadline) await page.waitForTimeout(50);
    assert.ok(fake.requests.slice(sentBefore).some((r) => r.accessKeyId === 'AKIAE2ESETTINGS7731'), 'signed with the new key');
    assert.ok(!(await page.content()).includes(E2E_SECRET), 'the secret is nowhere in the page');

    await form.getByRole('button', { name: 'Clear (use the standard AWS chain)' }).click();
    await page.locator('[data-testid="matcher-credentials"][data-set="false"]').waitFor({ timeout: 10_000 });
    assert.match((await form.getByTestId('matcher-credentials-status').textContent()) ?? '', /Cleared/);
    const afterClear = fake.requests.length;
    await server.engine.remoteMatcher!.describeCollection();
    assert.equal(fake.requests.at(-1)!.accessKeyId, 'AKIDVIGILE2E', 'the chain (here the engine option) signs again');
    assert.ok(fake.requests.length > afterClear);
  });

  test('an admin changes the mode, region and collection: checked, saved to config.json, "restart to apply"', async () => {
    const form = page.getByTestId('matcher-choice');
    await form.waitFor();
    await form.getByLabel('Mode').selectOption('rekognition');
    await form.getByLabel('AWS region').fill('Europe');
    await form.getByLabel('Rekognition collection').fill('');
    await form.getByRole('button', { name: 'Save matcher settings' }).click();
    assert.match((await form.getByTestId('matcher-choice-problem-collectionId').textContent()) ?? '', /rekognition mode needs it/);
    await form.getByLabel('Rekognition collection').fill('site-faces-2');
    await form.getByRole('button', { name: 'Save matcher settings' }).click();
    assert.match((await form.getByTestId('matcher-choice-error').textContent({ timeout: 10_000 })) ?? '', /region must be an AWS region name/);
    await form.getByLabel('AWS region').fill('eu-west-2');
    await form.getByRole('button', { name: 'Save matcher settings' }).click();
    await page.getByTestId('matcher-choice-status').filter({ hasText: 'Restart Vigil to apply it' }).waitFor({ timeout: 10_000 });
    assert.match((await form.getByTestId('matcher-choice-restart').textContent()) ?? '', /Saved as rekognition for every visit; running hybrid/);
    const config = JSON.parse(readFileSync(join(dir.path, 'data', 'config.json'), 'utf8')) as { matcher: unknown };
    assert.deepEqual(config.matcher, { mode: 'rekognition', region: 'eu-west-2', collectionId: 'site-faces-2' });
    assert.equal(server.engine.matcherConfig.mode, 'hybrid', 'running unchanged until a restart');
  });

  test('offline: erasing says "pending remote deletion"; the queue and the error show after a refresh', async () => {
    await fake.stop();
    await page.getByRole('tab', { name: /^People/ }).click();
    const row = page.getByTestId('people-table').getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'Joe Biden' }) });
    await row.getByRole('button', { name: 'Open Joe Biden' }).click();
    const panel = page.getByTestId('person-panel');
    await panel.getByRole('heading', { name: 'Joe Biden' }).waitFor();
    await panel.getByRole('button', { name: 'Erase…' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Yes, erase for good' }).click();
    await confirmWithPassword(page);
    const notice = page.getByTestId('erase-remote-pending');
    await notice.waitFor({ timeout: 30_000 });
    assert.match((await notice.textContent()) ?? '', /Joe Biden was erased here\. Pending remote deletion/);
    assert.equal(fake.faces('site-faces').length, 1, 'the face is still held remotely');

    await page.getByRole('tab', { name: /^Settings/ }).click();
    const section = page.getByTestId('matcher-health');
    await section.getByRole('button', { name: 'Refresh' }).click();
    await page.locator('[data-testid="matcher-health"][data-online="false"]').waitFor({ timeout: 10_000 });
    assert.equal(await section.getByTestId('matcher-jobs-queued').textContent(), '1');
    assert.match((await section.getByTestId('matcher-online').textContent()) ?? '', /offline: recognition continues locally/);
    assert.match((await section.getByTestId('matcher-last-error').textContent()) ?? '', /could not be reached/);
    assert.match((await page.getByTestId('matcher-status').textContent()) ?? '', /Rekognition offline: matching locally · 1 queued/);
    assert.deepEqual(pageErrors, [], 'no uncaught errors in the page');
  });
});
