/**
 * Finding a person in Debian's Chromium against the real headless host and models: on the Events
 * tab, "when was X last seen" by employee code and by an unknown person's #number, and search by
 * face from an uploaded photo (the enrolled person first, with their sightings; a photo of two
 * people offers the faces, largest first); the People tab shows when each person was last seen.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import { type Browser, type Page } from 'playwright-core';
import { startServer, type RunningServer } from '../../src-main/server/server.js';
import { buildRenderer, ensureOperator, launchChromium, openReadyConsole, openTab } from '../helpers/e2e-console.js';
import { cropFace } from '../../src-main/engine/vision/geometry.js';
import { decodeImage } from '../../src-main/engine/vision/image-io.js';
import { enrollFiles } from '../helpers/enroll.js';
import { installedModelPack } from '../helpers/model-pack.js';
import { hamiltonClip, sharedData, tempDir } from '../helpers/paths.js';

const dir = tempDir('vigil-e2e-find-');
let server: RunningServer;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];
const lfw = (name: string, n: number) => join(sharedData, 'lfw', 'images', name, `${name}_${String(n).padStart(4, '0')}.jpg`);
let strangerCluster = 0;
let blairId = 0;
/** Wall camera name -> id (added stopped: nothing decodes). */
const cameraIds = new Map<string, number>();
const wallCameras = ['Gate A', 'Gate B', 'Lobby 1', 'Lobby 2', 'Lobby 3'];

before(async () => {
  const staticDir = buildRenderer(dir.path);
  server = await startServer({ dataDir: join(dir.path, 'data'), modelsDir: await installedModelPack(), host: '127.0.0.1', port: 0, staticDir });
  const engine = server.engine;
  const powell = await enrollFiles(engine, 'Colin Powell', [1, 2, 3].map((n) => lfw('Colin_Powell', n)), { employeeCode: 'E-POW' });
  blairId = (await enrollFiles(engine, 'Tony Blair', [2, 3, 4].map((n) => lfw('Tony_Blair', n)), { employeeCode: 'E-TB' })).person!.id;
  for (const name of wallCameras) cameraIds.set(name, (await server.live.addCamera(name, { kind: 'file', path: hamiltonClip, loop: false }, 5, false)).id);
  const visit = (cameraName: string, first: string, last: string, video: [number, number] | null) =>
    engine.sightingRepo.insert({
      cameraId: null, cameraName, personId: powell.person!.id, status: 'member', trackId: null, firstSeen: new Date(first), lastSeen: new Date(last),
      bestScore: 0.71, frames: 12, videoStartS: video?.[0] ?? null, videoEndS: video?.[1] ?? null,
    });
  visit('Gate', '2026-12-01T08:00:00Z', '2026-12-01T08:00:30Z', null);
  visit('warehouse.mp4', '2026-12-03T17:30:00Z', '2026-12-03T17:30:05Z', [64, 69]);
  const stranger = await engine.identifyImage(readFileSync(lfw('Gerhard_Schroeder', 1)), 'gate.jpg', { recordUnknowns: true });
  strangerCluster = stranger.faces[0]!.unknown!.clusterId!;
  await writePair();
  browser = await launchChromium();
  await ensureOperator(server.engine);
  page = await openReadyConsole(browser, server.url, pageErrors, { hash: '#events' });
});

after(async () => {
  await browser?.close();
  await server?.close();
  dir.cleanup();
});

/** Blair (large) and Powell (small) side by side in one photo. */
async function writePair(): Promise<void> {
  const blair = await sharp(lfw('Tony_Blair', 9)).resize(250, 250).toBuffer();
  const powell = await sharp(lfw('Colin_Powell', 7)).resize(160, 160).toBuffer();
  await sharp({ create: { width: 420, height: 250, channels: 3, background: '#808080' } })
    .composite([{ input: blair, left: 0, top: 0 }, { input: powell, left: 260, top: 45 }])
    .jpeg()
    .toFile(join(dir.path, 'pair.jpg'));
}

/** An unknown visit as a camera records it (a sighting row, then the clustering seals its best crop as a snapshot). */
async function cameraVisitOf(file: string, cameraName: string): Promise<number> {
  const engine = server.engine;
  const decoded = await decodeImage(readFileSync(file), cameraName);
  const [face] = await (await engine.photoInference()).analyze(decoded.image);
  const seen = new Date();
  const sighting = engine.sightingRepo.insert({ cameraId: null, cameraName, personId: null, status: 'unknown', trackId: null, firstSeen: seen, lastSeen: seen, bestScore: null, frames: 8 });
  await engine.unknowns.recordVisit({
    faces: [{ embedding: face!.embedding, quality: face!.quality }], crop: cropFace(decoded.image, face!.detection.box), cropQuality: face!.quality,
    cameraId: null, cameraName, sightingId: sighting.id, seenAt: seen,
  });
  return sighting.id;
}

const lastSeen = () => page.getByTestId('last-seen');
const faceSearch = () => page.getByTestId('face-search');

describe('find a person in Chromium', () => {
  test('last seen by employee code: newest first, with camera, duration and video time', async () => {
    await lastSeen().getByLabel('Name, employee code or unknown #').fill('E-POW');
    await lastSeen().getByRole('button', { name: 'Find' }).click();
    const subject = lastSeen().getByTestId('last-seen-subject');
    await subject.first().waitFor({ timeout: 15_000 });
    assert.equal(await subject.count(), 1);
    assert.equal(await subject.getByRole('heading').textContent(), 'Colin Powell (E-POW)');
    assert.match((await subject.getByTestId('last-seen-summary').textContent()) ?? '', /Last seen .* on warehouse\.mp4/);
    const rows = subject.getByTestId('found-sightings').locator('tbody tr');
    assert.equal(await rows.count(), 2);
    const newest = await rows.nth(0).getByRole('cell').allTextContents();
    assert.equal(newest[0], 'warehouse.mp4');
    assert.equal(newest[3], '5 s');
    assert.equal(newest[4], 'at 1:04.0–1:09.0');
    assert.equal((await rows.nth(1).getByRole('cell').allTextContents())[0], 'Gate');
  });

  test('last seen of an unknown person by #number; nobody matching says so', async () => {
    const box = lastSeen().getByLabel('Name, employee code or unknown #');
    await box.fill(`#${strangerCluster}`);
    await box.press('Enter');
    await lastSeen().getByRole('heading', { name: `Unknown person #${strangerCluster}` }).waitFor({ timeout: 15_000 });
    await box.fill('Nobody Like This');
    await box.press('Enter');
    await lastSeen().getByText(/Nobody called or coded “Nobody Like This”/).waitFor({ timeout: 15_000 });
  });

  test('search by face: a photo of an enrolled person (not one enrolled) puts them first, with their sightings; open person', async () => {
    await faceSearch().getByLabel('Photo of the person').setInputFiles(lfw('Colin_Powell', 7));
    const matches = faceSearch().getByTestId('face-search-match');
    await matches.first().waitFor({ timeout: 60_000 });
    assert.match((await matches.first().getByRole('heading').textContent()) ?? '', /^Colin Powell similarity 0\.\d+/);
    const cameras = await matches.first().getByTestId('found-sightings').locator('tbody tr td:first-child').allTextContents();
    assert.deepEqual(cameras, ['warehouse.mp4', 'Gate']);
    await matches.first().getByRole('button', { name: 'Open Colin Powell' }).click();
    await page.getByRole('complementary', { name: 'Person' }).waitFor({ timeout: 15_000 });
    assert.equal(new URL(page.url()).hash, '#people');
    const lastSeenCell = page.getByTestId('people-table').getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'Colin Powell' }) }).getByTestId('person-last-seen');
    assert.notEqual(await lastSeenCell.textContent(), 'Never');
    const blairCell = page.getByTestId('people-table').getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'Tony Blair' }) }).getByTestId('person-last-seen');
    assert.equal(await blairCell.textContent(), 'Never');
  });

  test('a photo of two people: faces offered largest first; choosing the other face searches for them', async () => {
    await openTab(page, 'Events');
    await faceSearch().getByRole('button', { name: 'Clear search' }).click();
    await faceSearch().getByLabel('Photo of the person').setInputFiles(join(dir.path, 'pair.jpg'));
    const matches = faceSearch().getByTestId('face-search-match');
    await matches.first().waitFor({ timeout: 60_000 });
    assert.match((await matches.first().getByRole('heading').textContent()) ?? '', /^Tony Blair/);
    const choice = faceSearch().getByRole('group', { name: 'Faces in the photo, largest first' });
    assert.equal(await choice.getByRole('button', { name: 'Face 1 (largest)' }).getAttribute('aria-pressed'), 'true');
    await choice.getByRole('button', { name: 'Face 2' }).click();
    await page.waitForFunction(() => {
      const doc = (globalThis as unknown as { document: { querySelector(s: string): { textContent: string | null } | null } }).document;
      return /^Colin Powell/.test(doc.querySelector('[data-testid="face-search-match"] h4')?.textContent ?? '');
    }, undefined, { timeout: 60_000 });
    assert.equal(await choice.getByRole('button', { name: 'Face 2' }).getAttribute('aria-pressed'), 'true');
  });

  test('an unknown person\'s kept face as the probe, from their review card: their own cluster is left out', async () => {
    await openTab(page, 'Unknowns');
    await page.getByTestId(`cluster-${strangerCluster}`).getByRole('button', { name: 'Search by this face' }).click();
    await faceSearch().getByTestId('face-search-none').waitFor({ timeout: 30_000 });
    assert.equal(new URL(page.url()).hash, '#events');
    assert.match((await faceSearch().getByTestId('face-search-none').textContent()) ?? '', /Nobody enrolled and no unknown person looks like this face/);
  });

  test('a photo with no face says so in plain words; the searches are in the audit trail', async () => {
    const wall = join(dir.path, 'wall.jpg');
    await sharp({ create: { width: 300, height: 300, channels: 3, background: '#d0c8b0' } }).jpeg().toFile(wall);
    await faceSearch().getByLabel('Photo of the person').setInputFiles(wall);
    await faceSearch().getByText(/No face was found in wall\.jpg/).waitFor({ timeout: 60_000 });
    const audited = server.engine.auditLog.list({ action: 'search.face' });
    assert.ok(audited.length >= 5, `searches audited: ${audited.length}`);
    assert.ok(audited.some((a) => a.details.source === 'cluster-face'));
    assert.deepEqual(pageErrors, []);
  });

  test('"Search by this face" on a visit with a kept snapshot (Events tab): the enrolled person first; member visits and unknown visits without a snapshot offer none', async () => {
    // Blair seen by a camera but not recognised there: an unknown visit whose crop is sealed as a snapshot.
    const sightingId = await cameraVisitOf(lfw('Tony_Blair', 10), 'Dock');
    // An unknown visit whose face was never kept (too poor to cluster, or its snapshot expired).
    const seen = new Date();
    server.engine.sightingRepo.insert({ cameraId: null, cameraName: 'Yard', personId: null, status: 'unknown', trackId: null, firstSeen: seen, lastSeen: seen, bestScore: null, frames: 3 });
    await page.getByRole('button', { name: 'Refresh' }).click();
    const table = page.getByTestId('sightings-table');
    const dock = table.locator('tbody tr').filter({ hasText: 'Dock' });
    await dock.waitFor({ timeout: 15_000 });
    const yard = table.locator('tbody tr').filter({ hasText: 'Yard' });
    await yard.waitFor({ timeout: 15_000 });
    assert.equal(await table.locator('tbody tr[data-status="member"]').getByTestId('snapshot-search').count(), 0, 'member visits keep no snapshot');
    assert.equal(await yard.getByTestId('snapshot-search').count(), 0, 'an unknown visit without a snapshot offers no search');
    assert.equal(await dock.getByTestId('snapshot-search').count(), 1);
    await dock.getByRole('button', { name: /^Search by this face: the visit on Dock/ }).click();
    assert.match((await faceSearch().getByTestId('face-search-probe').textContent()) ?? '', new RegExp(`from visit ${sightingId}`));
    const matches = faceSearch().getByTestId('face-search-match');
    await matches.first().waitFor({ timeout: 60_000 });
    assert.match((await matches.first().getByRole('heading').textContent()) ?? '', /^Tony Blair similarity 0\.\d+/);
    const [row] = server.engine.auditLog.list({ action: 'search.face' });
    assert.deepEqual({ source: row!.details.source, sightingId: row!.details.sightingId }, { source: 'sighting-snapshot', sightingId });
    assert.deepEqual(pageErrors, []);
  });
});

describe('find a person on the Live wall in Chromium', () => {
  const wallFind = () => page.getByTestId('wall-find');
  const results = () => page.getByTestId('wall-find-results');
  const foundTiles = () => page.locator('[data-testid^="camera-tile-"][data-found="true"]');

  before(async () => {
    // Blair's visits (after the tests above, which expect him never seen): Gate A earlier, Lobby 3 (page 2 of a 2x2 wall) latest.
    const visit = (cameraName: string, first: string, last: string) =>
      server.engine.sightingRepo.insert({
        cameraId: cameraIds.get(cameraName)!, cameraName, personId: blairId, status: 'member', trackId: null,
        firstSeen: new Date(first), lastSeen: new Date(last), bestScore: 0.68, frames: 30,
      });
    visit('Gate A', '2026-12-02T09:00:00Z', '2026-12-02T09:01:10Z');
    visit('Lobby 3', '2026-12-04T10:15:00Z', '2026-12-04T10:15:42Z');
    await openTab(page, 'Live');
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.getByTestId('wall-layout').selectOption('2x2');
    await page.locator('[data-testid="wall"][data-layout="2x2"][data-page-count="2"][data-page="0"]').waitFor({ timeout: 15_000 });
  });

  test('the search box finds a person by code: sightings newest first, the latest camera outlined and labelled on its page', async () => {
    assert.equal(await page.getByTestId(`camera-tile-${cameraIds.get('Lobby 3')!}`).count(), 0, 'Lobby 3 starts on page 2');
    await wallFind().getByRole('searchbox', { name: /Find a person/ }).fill('E-TB');
    await wallFind().getByRole('searchbox', { name: /Find a person/ }).press('Enter');
    const subject = results().getByTestId('wall-find-subject');
    await subject.first().waitFor({ timeout: 15_000 });
    assert.equal(await subject.count(), 1);
    assert.equal(await subject.getByRole('heading').textContent(), 'Tony Blair (E-TB)');
    assert.match((await subject.getByTestId('wall-find-summary').textContent()) ?? '', /^Last seen .* on Lobby 3 \(outlined on the wall\)$/);
    const rows = subject.getByTestId('found-sightings').locator('tbody tr');
    assert.deepEqual(await rows.locator('td:first-child').allTextContents(), ['Lobby 3', 'Gate A']);
    assert.equal((await rows.nth(0).getByRole('cell').allTextContents())[3], '42 s');
    assert.equal((await rows.nth(1).getByRole('cell').allTextContents())[3], '1 min 10 s');
    // The wall turned to the page holding Lobby 3; only that tile is outlined, with who was seen there.
    await page.locator('[data-testid="wall"][data-page="1"]').waitFor({ timeout: 10_000 });
    const lobby = page.getByTestId(`camera-tile-${cameraIds.get('Lobby 3')!}`);
    await lobby.and(page.locator('[data-found="true"]')).waitFor({ timeout: 10_000 });
    assert.equal(await foundTiles().count(), 1);
    assert.equal(await lobby.getByTestId(`tile-found-${cameraIds.get('Lobby 3')!}`).textContent(), 'Last seen here: Tony Blair (E-TB)');
    assert.equal(await lobby.getAttribute('aria-describedby'), `tile-found-${cameraIds.get('Lobby 3')!}`);
    const border = await lobby.evaluate((el) => (globalThis as unknown as { getComputedStyle(e: unknown): { boxShadow: string } }).getComputedStyle(el).boxShadow);
    assert.match(border, /inset/, 'the outline is drawn');
    // The tour waits while a searched person's camera is outlined (it would turn the page away from it).
    await page.getByTestId('wall-tour').selectOption('10');
    await page.waitForTimeout(11_500);
    assert.equal(await page.getByTestId('wall').getAttribute('data-page'), '1');
    await page.getByTestId('wall-tour').selectOption('0');
  });

  test('keyboard: "Go to" puts focus on the outlined tile; Esc clears the outline and the answer', async () => {
    const lobbyId = cameraIds.get('Lobby 3')!;
    await results().getByRole('button', { name: 'Go to Lobby 3' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction((id) => (globalThis as unknown as { document: { activeElement: { getAttribute(n: string): string | null } | null } }).document.activeElement?.getAttribute('data-testid') === `camera-tile-${id}`, lobbyId, { timeout: 5_000 });
    await page.keyboard.press('Escape');
    await results().waitFor({ state: 'detached', timeout: 5_000 });
    assert.equal(await foundTiles().count(), 0);
    assert.equal(await wallFind().getByRole('searchbox').inputValue(), '');
  });

  test('an unknown person by #number: seen only in a photo, so no tile is outlined; Esc in the box clears it', async () => {
    const box = wallFind().getByRole('searchbox', { name: /Find a person/ });
    await box.focus();
    await page.keyboard.type(`#${strangerCluster}`);
    await page.keyboard.press('Enter');
    await results().getByRole('heading', { name: `Unknown person #${strangerCluster}` }).waitFor({ timeout: 15_000 });
    assert.match((await results().getByTestId('wall-find-summary').textContent()) ?? '', /on photo gate\.jpg$/);
    assert.equal(await foundTiles().count(), 0);
    await page.keyboard.press('Escape');
    await results().waitFor({ state: 'detached', timeout: 5_000 });
    assert.equal(await box.inputValue(), '');
    assert.deepEqual(pageErrors, []);
  });
});
