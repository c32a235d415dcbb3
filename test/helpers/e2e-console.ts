/**
 * Shared set-up for the end-to-end tests: the current renderer sources built
 * into a private folder, and Debian's Chromium launched headless with the
 * flags this offline machine needs.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { TEST_ADMIN } from './operators.js';
import { projectRoot } from './paths.js';

export { ensureOperator, TEST_ADMIN } from './operators.js';

export const CHROMIUM = process.env.VIGIL_CHROMIUM ?? '/usr/bin/chromium';

/** Builds the renderer from the current sources into `<dir>/renderer` and returns that folder. */
export function buildRenderer(dir: string): string {
  const staticDir = join(dir, 'renderer');
  const build = spawnSync(
    process.execPath,
    [join(projectRoot, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'vite.renderer.config.ts', '--outDir', staticDir, '--emptyOutDir', '--logLevel', 'error'],
    { cwd: projectRoot, encoding: 'utf8' },
  );
  assert.equal(build.status, 0, `renderer build failed: ${build.stderr}`);
  return staticDir;
}

/** Headless Chromium without background networking (this machine's network is closed); `extraArgs` e.g. for a fake webcam. */
export async function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install chromium`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...extraArgs,
    ],
  });
}

/** Waits until `count` photos of the enrollment desk have their verdict (none still being checked). */
export async function waitForPhotoVerdicts(page: Page, count: number): Promise<void> {
  await page.waitForFunction(
    (n) => {
      const doc = (globalThis as unknown as { document: { querySelectorAll(s: string): { length: number } } }).document;
      return doc.querySelectorAll('[data-testid="photo-verdicts"] li:not([data-ok="pending"])').length === n;
    },
    count,
    { timeout: 60_000 },
  );
}

/** A console-sized page that collects uncaught page errors into `errors` (tests assert it stays empty). */
export async function newConsolePage(browser: Browser, errors: string[]): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  watchPage(page, errors);
  return page;
}

/**
 * Uncaught errors and content-security-policy violations both count as page errors: the console
 * must run under the strict policy the desktop window uses too (no inline code, no eval).
 */
export function watchPage(page: Page, errors: string[]): void {
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) errors.push(`CSP: ${message.text()}`);
  });
}

/** Clicks a console tab by its label (the label may be followed by a count or shortcut). */
export async function openTab(page: Page, name: string): Promise<void> {
  await page.getByRole('tab', { name: new RegExp(`^${name}`) }).click();
}

/**
 * Signs in on the page's sign-in screen (the console's first screen once an operator exists;
 * create one with ensureOperator(server.engine)) and waits for the console.
 */
export async function signIn(page: Page, account: { name: string; password: string } = TEST_ADMIN): Promise<void> {
  const form = page.getByTestId('sign-in-form');
  await form.waitFor({ timeout: 30_000 });
  await form.getByLabel('Sign-in name').fill(account.name);
  await form.getByLabel('Password').fill(account.password);
  await form.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('signed-in-as').waitFor({ timeout: 30_000 });
}

/** Signs out from the top bar and waits for the sign-in screen. */
export async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByTestId('sign-in-form').waitFor();
}

/** Answers the password prompt of a grave action (erase, export with vectors, duplicate override). */
export async function confirmWithPassword(page: Page, password: string = TEST_ADMIN.password): Promise<void> {
  const prompt = page.getByTestId('password-prompt');
  await prompt.waitFor({ timeout: 10_000 });
  await prompt.getByLabel('Your password').fill(password);
  await prompt.getByRole('button', { name: 'Confirm' }).click();
  await prompt.waitFor({ state: 'detached' });
}

/** A console page on a fresh page of `browser`, signed in (default: the test admin), opened at `hash` once the model pack shows as ready. */
export async function openReadyConsole(
  browser: Browser,
  url: string,
  errors: string[],
  options: { hash?: string; acceptDownloads?: boolean; account?: { name: string; password: string } } = {},
): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 }, acceptDownloads: options.acceptDownloads ?? false });
  watchPage(page, errors);
  await page.goto(`${url}${options.hash ?? ''}`);
  await signIn(page, options.account);
  await page.locator('[data-testid="models-status"][data-ready="true"]').waitFor({ timeout: 30_000 });
  return page;
}

/** What a wall tile shows (its VideoSurface's data attributes and its <video>'s size). */
export interface VideoTileState {
  frames: number;
  width: number;
  faces: number;
  lagMs: number | null;
  problem: string;
  stalled: string;
}

export async function readVideoTile(page: Page, cameraId: number): Promise<VideoTileState> {
  return page.evaluate((id) => {
    const doc = (globalThis as unknown as { document: { querySelector(s: string): { getAttribute(n: string): string | null; querySelector(s: string): { videoWidth: number } | null } | null } }).document;
    const surface = doc.querySelector(`[data-testid="video-surface-${id}"]`);
    const lag = surface?.getAttribute('data-overlay-lag-ms');
    return {
      frames: Number(surface?.getAttribute('data-displayed-frames') ?? '0'),
      width: surface?.querySelector('video')?.videoWidth ?? 0,
      faces: Number(surface?.getAttribute('data-overlay-faces') ?? '0'),
      lagMs: lag === null || lag === undefined ? null : Number(lag),
      problem: surface?.getAttribute('data-problem') ?? '',
      stalled: surface?.getAttribute('data-stalled') ?? '',
    };
  }, cameraId);
}
