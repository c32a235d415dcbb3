/**
 * Camera groups on the guard's wall, end to end in Debian's Chromium against the real headless
 * host: two groups made through the "Groups…" dialog (keyboard and mouse), the wall showing only
 * the chosen group's cameras in wall order, groups and the choice surviving a reload, and the tour
 * going from group to group, through a group's pages and back to "All cameras" (or groups only),
 * and ids of removed cameras pruned from the groups. Cameras are added stopped: nothing decodes.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type Browser, type Page } from 'playwright-core';
import { startServer, type RunningServer } from '../../src-main/server/server.js';
import { buildRenderer, ensureOperator, launchChromium, openReadyConsole, openTab, signIn } from '../helpers/e2e-console.js';
import { installedModelPack } from '../helpers/model-pack.js';
import { hamiltonClip, tempDir } from '../helpers/paths.js';

const dir = tempDir('vigil-e2e-wall-groups-');
let server: RunningServer;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];
/** Camera name -> id. */
const ids = new Map<string, number>();
const gateNames = ['Gate A', 'Gate B'];
const lobbyNames = ['Lobby 1', 'Lobby 2', 'Lobby 3', 'Lobby 4', 'Lobby 5'];
const idsOf = (names: string[]) => names.map((n) => ids.get(n)!);

/** Waits until the wall shows exactly these cameras, in this order (bounded). */
async function waitForShown(expected: number[], timeout = 10_000) {
  await page
    .waitForFunction(
      (want) => {
        const doc = (globalThis as unknown as { document: { querySelectorAll(s: string): Array<{ getAttribute(n: string): string | null }> } }).document;
        const shown = Array.from(doc.querySelectorAll('[data-testid="wall-cell"][data-camera-id]')).map((c) => Number(c.getAttribute('data-camera-id')));
        return shown.join(',') === want.join(',');
      },
      expected,
      { timeout },
    )
    .catch(async (error: unknown) => {
      const shown = await page.locator('[data-testid="wall-cell"][data-camera-id]').evaluateAll((cells) => cells.map((c) => c.getAttribute('data-camera-id')));
      throw new Error(`wall shows [${shown.join(',')}], expected [${expected.join(',')}]: ${String(error)}`);
    });
}

/** The wall at a tour stop: group id ('' for all cameras) and page. */
const stop = (group: string, pageIndex: number) => page.locator(`[data-testid="wall"][data-group="${group}"][data-page="${pageIndex}"]`);

before(async () => {
  const staticDir = buildRenderer(dir.path);
  server = await startServer({ dataDir: join(dir.path, 'data'), modelsDir: await installedModelPack(), host: '127.0.0.1', port: 0, staticDir });
  for (const name of [...gateNames, ...lobbyNames]) {
    const camera = await server.live.addCamera(name, { kind: 'file', path: hamiltonClip, loop: false }, 5, false);
    ids.set(name, camera.id);
  }
  browser = await launchChromium();
  await ensureOperator(server.engine);
  page = await openReadyConsole(browser, server.url, pageErrors, { hash: '#live' });
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.getByTestId('wall-layout').selectOption('2x2');
  await page.locator('[data-testid="wall"][data-layout="2x2"][data-page-count="2"]').waitFor({ timeout: 15_000 });
});

after(async () => {
  await browser?.close();
  await server?.close();
  dir.cleanup();
});

describe('camera groups on the wall', () => {
  test('two groups made in the dialog; the wall shows only the chosen group', async () => {
    // No group yet: no selector, only the button.
    assert.equal(await page.getByTestId('wall-group').count(), 0);
    const opener = page.getByRole('button', { name: 'Groups…' });
    await opener.click();
    const dialog = page.getByRole('dialog', { name: 'Camera groups' });
    await dialog.waitFor({ timeout: 5_000 });
    // The name field has focus: type and press Enter (keyboard only).
    await page.keyboard.type('  Gate   entrance ');
    await page.keyboard.press('Enter');
    await dialog.getByLabel('Name of group Gate entrance').waitFor({ timeout: 5_000 });
    for (const name of gateNames) await dialog.getByLabel(`${name} in Gate entrance`).check();

    // A name taken in other letters is refused with the reason.
    await dialog.getByLabel('New group').fill('GATE ENTRANCE');
    await dialog.getByRole('button', { name: 'Add group' }).click();
    const error = page.getByTestId('wall-groups-error');
    assert.equal(await error.getAttribute('data-code'), 'GROUP_NAME_TAKEN');
    assert.match((await error.textContent()) ?? '', /already has this name/);

    await dialog.getByLabel('New group').fill('Lobby');
    await dialog.getByRole('button', { name: 'Add group' }).click();
    for (const name of lobbyNames) await dialog.getByLabel(`${name} in Lobby`).check();
    assert.equal(await error.count(), 0, 'the error goes once a group is added');

    // Rename by typing a new name and Enter.
    await dialog.getByLabel('Name of group Gate entrance').fill('Gate');
    await dialog.getByLabel('Name of group Gate entrance').press('Enter');
    await dialog.getByLabel('Name of group Gate').waitFor({ timeout: 5_000 });
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached', timeout: 5_000 });
    assert.equal(await page.evaluate(() => (globalThis as unknown as { document: { activeElement: { textContent: string | null } | null } }).document.activeElement?.textContent ?? null), 'Groups…', 'focus back on the button');
    // Closing the dialog did not leave the wall (Esc is the dialog's here).
    await page.locator('[data-testid="wall"][data-layout="2x2"]').waitFor({ timeout: 5_000 });

    // The selector, by its label: All cameras, Gate, Lobby.
    const select = page.getByLabel('Group', { exact: true });
    assert.deepEqual(await select.locator('option').allTextContents(), ['All cameras', 'Gate', 'Lobby']);
    await select.selectOption({ label: 'Gate' });
    await stop('g1', 0).waitFor({ timeout: 5_000 });
    await waitForShown(idsOf(gateNames));
    assert.equal(await page.locator('[data-testid="wall"]').getAttribute('data-page-count'), '1');

    // By keyboard: the selector is reachable and changes with the arrow keys.
    await select.focus();
    await page.keyboard.press('ArrowDown');
    await stop('g2', 0).waitFor({ timeout: 5_000 });
    await waitForShown(idsOf(lobbyNames).slice(0, 4));
    assert.equal(await page.locator('[data-testid="wall"]').getAttribute('data-page-count'), '2', 'five lobby cameras on a 2 × 2 wall: two pages');
    await page.getByRole('button', { name: 'Next page' }).click();
    await stop('g2', 1).waitFor({ timeout: 5_000 });
    await waitForShown(idsOf(lobbyNames).slice(4));
  });

  test('groups and the chosen group survive a reload', async () => {
    await page.getByLabel('Group', { exact: true }).selectOption({ label: 'Gate' });
    await stop('g1', 0).waitFor({ timeout: 5_000 });
    await page.reload();
    await signIn(page);
    await stop('g1', 0).waitFor({ timeout: 15_000 });
    await waitForShown(idsOf(gateNames), 15_000);
    const select = page.getByLabel('Group', { exact: true });
    assert.equal(await select.inputValue(), 'g1');
    assert.deepEqual(await select.locator('option').allTextContents(), ['All cameras', 'Gate', 'Lobby']);
    await page.getByRole('button', { name: 'Groups…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Camera groups' });
    for (const name of lobbyNames) assert.equal(await dialog.getByLabel(`${name} in Lobby`).isChecked(), true, `${name} still in Lobby`);
    assert.equal(await dialog.getByLabel('Lobby 1 in Gate').isChecked(), false);
    await dialog.getByRole('button', { name: 'Close' }).click();
    await dialog.waitFor({ state: 'detached', timeout: 5_000 });
  });

  test('the tour goes from group to group and through a group\'s pages, and back to "All cameras"', async () => {
    // Gate (1 page) -> Lobby page 1 -> Lobby page 2 -> All cameras, one stop every 10 s (the shortest).
    await page.getByTestId('wall-tour').selectOption('10');
    await stop('g2', 0).waitFor({ timeout: 20_000 });
    await waitForShown(idsOf(lobbyNames).slice(0, 4));
    await stop('g2', 1).waitFor({ timeout: 20_000 });
    await waitForShown(idsOf(lobbyNames).slice(4));
    // By default "All cameras" is a stop of the tour: every camera, from the first page.
    await stop('', 0).waitFor({ timeout: 20_000 });
    await waitForShown(idsOf([...gateNames, ...lobbyNames]).slice(0, 4));
    assert.equal(await page.getByLabel('Group', { exact: true }).inputValue(), '', 'the selector says All cameras');

    // Left out of the tour (the choice is in the groups dialog): after Lobby's last page comes Gate.
    await page.getByRole('button', { name: 'Groups…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Camera groups' });
    const includeAll = dialog.getByLabel(/The tour also shows All cameras/);
    assert.equal(await includeAll.isChecked(), true, 'on by default');
    await includeAll.uncheck();
    await dialog.getByRole('button', { name: 'Close' }).click();
    await dialog.waitFor({ state: 'detached', timeout: 5_000 });
    await page.getByLabel('Group', { exact: true }).selectOption({ label: 'Lobby' });
    await page.getByRole('button', { name: 'Next page' }).click();
    await stop('g2', 1).waitFor({ timeout: 5_000 });
    await stop('g1', 0).waitFor({ timeout: 20_000 });
    await waitForShown(idsOf(gateNames));
    await page.getByTestId('wall-tour').selectOption('0');
    const saved = await page.evaluate(() => JSON.parse((globalThis as unknown as { localStorage: { getItem(k: string): string | null } }).localStorage.getItem('vigil.wall') ?? 'null'));
    assert.equal(saved?.state?.tourIncludesAll, false, 'the choice is saved with the wall');
  });

  test('deleting the group in view shows all cameras again', async () => {
    await page.getByRole('button', { name: 'Groups…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Camera groups' });
    await dialog.getByRole('button', { name: 'Delete group Gate' }).click();
    await dialog.getByRole('button', { name: 'Close' }).click();
    await stop('', 0).waitFor({ timeout: 5_000 });
    await waitForShown(idsOf([...gateNames, ...lobbyNames]).slice(0, 4));
    assert.deepEqual(await page.getByLabel('Group', { exact: true }).locator('option').allTextContents(), ['All cameras', 'Lobby']);
    assert.deepEqual(pageErrors, []);
  });

  test('a removed camera leaves its groups, and stale ids in a saved wall are pruned when it loads', async () => {
    type Storage = { localStorage: { getItem(k: string): string | null; setItem(k: string, v: string): void } };
    const savedGroups = () =>
      page.evaluate(() => (JSON.parse((globalThis as unknown as Storage).localStorage.getItem('vigil.wall') ?? 'null')?.state?.groups ?? null) as Array<{ id: string; cameraIds: number[] }> | null);
    const lobby = async () => (await savedGroups())?.find((g) => g.id === 'g2')?.cameraIds ?? null;
    assert.deepEqual(await lobby(), idsOf(lobbyNames));

    // Removed on the Cameras tab: its id leaves Lobby at once.
    await openTab(page, 'Cameras');
    await page.getByRole('button', { name: 'Remove Lobby 5' }).click();
    await page.getByRole('button', { name: 'Yes, remove' }).click();
    await page.getByRole('button', { name: 'Remove Lobby 5' }).waitFor({ state: 'detached', timeout: 10_000 });
    await page.waitForFunction(
      (want) => JSON.stringify(JSON.parse((globalThis as unknown as Storage).localStorage.getItem('vigil.wall') ?? 'null')?.state?.groups?.[0]?.cameraIds) === JSON.stringify(want),
      idsOf(lobbyNames.slice(0, 4)),
      { timeout: 10_000 },
    );

    // A camera removed while this console was closed (another console, the CLI): the saved wall
    // still names it (and an id that never existed); the first camera list prunes both.
    const removedElsewhere = ids.get('Lobby 4')!;
    await server.live.removeCamera(removedElsewhere);
    await page.evaluate(
      ({ cameraIds }) => {
        const storage = (globalThis as unknown as Storage).localStorage;
        const saved = JSON.parse(storage.getItem('vigil.wall') ?? 'null');
        saved.state.groups[0].cameraIds = cameraIds;
        storage.setItem('vigil.wall', JSON.stringify(saved));
      },
      { cameraIds: [...idsOf(lobbyNames.slice(0, 3)), removedElsewhere, 9999] },
    );
    await page.reload();
    await signIn(page);
    await page.waitForFunction(
      (want) => JSON.stringify(JSON.parse((globalThis as unknown as Storage).localStorage.getItem('vigil.wall') ?? 'null')?.state?.groups?.[0]?.cameraIds) === JSON.stringify(want),
      idsOf(lobbyNames.slice(0, 3)),
      { timeout: 15_000 },
    );
    assert.deepEqual(pageErrors, []);
  });
});
