/**
 * Operators and roles in Debian's Chromium against the real headless host: the first run asks
 * for the site's admin before anything else opens; the admin adds a security guard and an HR
 * clerk in the Operators tab; the guard sees the People tab without Erase (and may blocklist);
 * the clerk sees Erase and erases with her password; wrong passwords lock an account, and the
 * sign-in screen says until when.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { startServer, type RunningServer } from '../../src-main/server/server.js';
import { buildRenderer, confirmWithPassword, launchChromium, newConsolePage, openTab, signIn, signOut } from '../helpers/e2e-console.js';
import { tempDir } from '../helpers/paths.js';

const dir = tempDir('vigil-e2e-operators-');
let server: RunningServer;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];
const ADMIN = { name: 'siteadmin', password: 'admin password one' };
const GUARD = { name: 'guard', password: 'guard password one' };
const CLERK = { name: 'clerk', password: 'clerk password one' };

before(async () => {
  const staticDir = buildRenderer(dir.path);
  // No model pack: this is about who may do what, not recognition.
  server = await startServer({ dataDir: join(dir.path, 'data'), modelsDir: join(dir.path, 'no-models'), host: '127.0.0.1', port: 0, staticDir });
  const embedding = new Float32Array(server.engine.embedderManifest.embeddingSize);
  embedding[0] = 1;
  server.engine.people.create({ name: 'Pat Example', employeeCode: 'E-1', department: null, category: 'employee', notes: null }, null, server.engine.embedderId, [{ embedding, quality: 1, source: 'pat.jpg' }], {
    operator: 'test', action: 'person.enrolled', subjectKind: 'person', subjectId: null, subjectLabel: 'Pat Example',
  });
  browser = await launchChromium();
  page = await newConsolePage(browser, pageErrors);
});
after(async () => {
  await browser?.close();
  await server?.close();
  dir.cleanup();
});

async function openPerson(name: string): Promise<void> {
  await openTab(page, 'People');
  await page.getByTestId('people-table').getByRole('row', { name: new RegExp(name) }).getByRole('button').first().click();
  await page.getByTestId('person-panel').waitFor();
}

describe('operators and roles in the console', () => {
  test('first run: only the "create the site’s admin account" screen; mistakes are explained; then the admin is signed in', async () => {
    await page.goto(server.url);
    const form = page.getByTestId('first-run-form');
    await form.waitFor({ timeout: 30_000 });
    assert.equal(await page.getByRole('tab').count(), 0, 'nothing else opens');
    await form.getByLabel('Sign-in name').fill(ADMIN.name);
    await form.getByLabel('Full name').fill('Site Admin');
    await form.getByLabel('Password', { exact: true }).fill(ADMIN.password);
    await form.getByLabel('Password again').fill('something else entirely');
    await form.getByRole('button', { name: /Create the admin account/ }).click();
    assert.match((await page.getByTestId('first-run-error').textContent()) ?? '', /not the same/);
    await form.getByLabel('Password again').fill(ADMIN.password);
    await form.getByLabel('Password again').press('Enter');
    await page.getByTestId('signed-in-as').waitFor({ timeout: 30_000 });
    assert.match((await page.getByTestId('signed-in-as').textContent()) ?? '', /Site Admin\s*admin/);
    assert.equal(await page.getByRole('tab', { name: /^Operators/ }).count(), 1, 'an admin sees the Operators tab');
  });

  test('the admin adds a security guard and an HR clerk in the Operators tab', async () => {
    await openTab(page, 'Operators');
    const form = page.getByTestId('add-operator');
    for (const [account, role] of [[GUARD, 'security'], [CLERK, 'hr']] as const) {
      await form.getByLabel('Sign-in name').fill(account.name);
      await form.getByLabel('Full name').fill(account.name === 'guard' ? 'Gate Guard' : 'HR Clerk');
      await form.getByLabel('Role').selectOption(role);
      await form.getByLabel('First password').fill(account.password);
      await form.getByRole('button', { name: 'Add operator' }).click();
      await page.getByTestId(`operator-${account.name}`).waitFor();
    }
    assert.equal(server.engine.operators.findByName('guard')?.role, 'security');
    assert.equal(server.engine.operators.findByName('clerk')?.role, 'hr');
    await signOut(page);
  });

  test('a wrong password is explained; five lock the account and the screen says until when', async () => {
    await server.engine.operators.add({ name: 'temp', displayName: 'Temp', role: 'viewer', password: 'temp password one' }, 'test');
    const form = page.getByTestId('sign-in-form');
    await form.getByLabel('Sign-in name').fill('temp');
    for (let i = 1; i <= 5; i++) {
      await form.getByLabel('Password').fill(`wrong ${i}`);
      await form.getByLabel('Password').press('Enter');
      await page.getByTestId('sign-in-error').waitFor();
      await page.waitForFunction(() => !(globalThis as unknown as { document: { querySelector(s: string): { textContent: string | null } | null } }).document.querySelector('[data-testid="sign-in-form"] button[type="submit"]')?.textContent?.includes('Signing'));
    }
    const text = (await page.getByTestId('sign-in-error').textContent()) ?? '';
    assert.match(text, /locked after too many failed sign-ins/i);
    assert.match(text, /Try again at \d\d?:\d\d:\d\d.*\(in about 1 minute\)/);
  });

  test('the security guard: People without Erase (the blocklist instead), no Operators tab', async () => {
    await signIn(page, GUARD);
    assert.match((await page.getByTestId('signed-in-role').textContent()) ?? '', /security/);
    assert.equal(await page.getByRole('tab', { name: /^Operators/ }).count(), 0);
    await openPerson('Pat Example');
    const panel = page.getByTestId('person-panel');
    assert.equal(await panel.getByRole('button', { name: /Erase/ }).count(), 0, 'no Erase for a guard');
    assert.equal(await panel.getByRole('button', { name: /Export data/ }).count(), 0, 'no export either');
    await panel.getByRole('button', { name: 'Put on the blocklist' }).click();
    await panel.getByRole('button', { name: 'Take off the blocklist' }).waitFor();
    assert.equal(server.engine.people.list()[0]?.category, 'blocked');
    // Her own password, from the top bar.
    await page.getByRole('button', { name: 'Change password…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Change your password' });
    await dialog.getByLabel('Current password').fill(GUARD.password);
    await dialog.getByLabel('New password', { exact: true }).fill('guard password two');
    await dialog.getByLabel('New password again').fill('guard password two');
    await dialog.getByRole('button', { name: 'Change password' }).click();
    await dialog.getByText('Your password is changed.').waitFor();
    await dialog.getByRole('button', { name: 'Close' }).click();
    assert.equal((await server.engine.operators.authenticate('guard', 'guard password two')).role, 'security');
    await signOut(page);
  });

  test('the HR clerk: no Live tab; Erase is there and asks for her password again', async () => {
    await signIn(page, CLERK);
    assert.equal(await page.getByRole('tab', { name: /^Live/ }).count(), 0, 'HR does not watch cameras');
    await openPerson('Pat Example');
    const panel = page.getByTestId('person-panel');
    await panel.getByRole('button', { name: 'Erase…' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Yes, erase for good' }).click();
    await confirmWithPassword(page, 'not her password');
    assert.match((await page.getByTestId('person-error').textContent()) ?? '', /password/i);
    assert.equal(server.engine.people.list().length, 1, 'nothing erased on a wrong password');
    await panel.getByRole('button', { name: 'Yes, erase for good' }).click();
    await confirmWithPassword(page, CLERK.password);
    await page.getByTestId('person-panel').waitFor({ state: 'detached', timeout: 30_000 });
    assert.equal(server.engine.people.list().length, 0);
    const erased = server.engine.db.prepare("SELECT operator FROM audit_log WHERE action = 'person.erased'").get() as { operator: string };
    assert.equal(erased.operator, 'clerk');
    assert.deepEqual(pageErrors, []);
  });

  test('idle for the timeout, the console locks; signing in again resumes it where it was', async () => {
    const idle = await newConsolePage(browser, pageErrors);
    // The page's clock is Playwright's: 16 minutes pass without waiting for them.
    await idle.clock.install();
    await idle.goto(`${server.url}#people`);
    await signIn(idle, CLERK);
    await idle.getByLabel('Search people').fill('half-typed search');
    await idle.clock.fastForward('16:00');
    const form = idle.getByTestId('sign-in-form');
    await form.waitFor({ timeout: 10_000 });
    await idle.getByRole('heading', { name: 'Vigil is locked' }).waitFor();
    assert.match((await idle.getByTestId('sign-in-error').textContent()) ?? '', /Locked after 15 minutes without activity/);
    assert.equal(await form.getByLabel('Sign-in name').inputValue(), 'clerk', 'the name is kept');
    assert.equal(await idle.getByLabel('Search people').isVisible(), false, 'the console is hidden while locked');
    await form.getByLabel('Password').fill(CLERK.password);
    await form.getByLabel('Password').press('Enter');
    await idle.getByTestId('signed-in-as').waitFor();
    assert.equal(await idle.getByLabel('Search people').inputValue(), 'half-typed search', 'where she was');
    assert.equal(await idle.getByRole('tab', { name: /^People/ }).getAttribute('aria-selected'), 'true');
    await idle.close();
    assert.deepEqual(pageErrors, []);
  });
});
