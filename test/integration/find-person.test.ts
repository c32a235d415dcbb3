/**
 * Finding a person on the real models and a real SQLite file: search by face ranks members and
 * unknown clusters in one list with their sightings, honours the threshold and the filters, needs
 * its permission, is audited without biometric content, stores nothing of the probe (byte scan of
 * the data folder), and answers bad input with a clear error. Last seen by name, code and #cluster.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import { type CallerContext, createDispatcher, LOCAL_OPERATOR } from '../../src-main/engine/api/dispatcher.js';
import { createHandlers } from '../../src-main/engine/api/handlers.js';
import { Engine } from '../../src-main/engine/engine.js';
import { VigilError } from '../../src-main/engine/errors.js';
import { LiveService } from '../../src-main/engine/live/live-service.js';
import { embeddingToBlob } from '../../src-main/engine/storage/repositories.js';
import type { FaceSource } from '../../src-main/engine/search/person-search.js';
import { cropFace } from '../../src-main/engine/vision/geometry.js';
import { decodeImage } from '../../src-main/engine/vision/image-io.js';
import { enrollFiles } from '../helpers/enroll.js';
import { installedModelPack } from '../helpers/model-pack.js';
import { sharedData, tempDir } from '../helpers/paths.js';

const dir = tempDir();
const dataDir = join(dir.path, 'data');
let engine: Engine;
let dispatch: ReturnType<typeof createDispatcher>;
const lfw = (name: string, n: number) => join(sharedData, 'lfw', 'images', name, `${name}_${String(n).padStart(4, '0')}.jpg`);
const investigator: CallerContext = { ...LOCAL_OPERATOR, operator: 'investigator' };
const guard: CallerContext = { operator: 'guard', permissions: new Set([...LOCAL_OPERATOR.permissions].filter((p) => p !== 'people.search-face')) };
const photo = (file: string): FaceSource => ({ kind: 'photo', bytes: readFileSync(file), label: file.split('/').pop()! });

let powellId = 0;
let strangerCluster = 0;
const at = (iso: string) => new Date(iso);

async function rejects(promise: Promise<unknown>, code: string, message?: RegExp): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof VigilError, String(error));
    assert.equal(error.code, code, error.message);
    if (message) assert.match(error.message, message);
    return true;
  });
}

const searchAudits = () => engine.auditLog.list({ action: 'search.face', limit: 1000 });

before(async () => {
  engine = await Engine.open({ dataDir, modelsDir: await installedModelPack(), workerPoolSize: 1 });
  dispatch = createDispatcher(createHandlers(engine, new LiveService(engine)), { log: engine.log });
  const powell = await enrollFiles(engine, 'Colin Powell', [1, 2, 3].map((n) => lfw('Colin_Powell', n)), { employeeCode: 'E-POW' });
  powellId = powell.person!.id;
  await enrollFiles(engine, 'Tony Blair', [2, 3, 4].map((n) => lfw('Tony_Blair', n)), { employeeCode: 'E-TB' });
  const sighting = (cameraName: string, first: string, last: string, video: [number, number] | null = null) =>
    engine.sightingRepo.insert({
      cameraId: null, cameraName, personId: powellId, status: 'member', trackId: null, firstSeen: at(first), lastSeen: at(last), bestScore: 0.7, frames: 10,
      videoStartS: video?.[0] ?? null, videoEndS: video?.[1] ?? null,
    });
  sighting('Gate', '2026-12-01T08:00:00Z', '2026-12-01T08:00:30Z');
  sighting('Lobby', '2026-12-02T09:00:00Z', '2026-12-02T09:01:00Z', [12.5, 72.5]);
  sighting('Gate', '2026-12-03T17:30:00Z', '2026-12-03T17:30:20Z');
  // A stranger seen once (a photo visit, as identify --record-unknowns records it): an open cluster with a sighting.
  const visit = await engine.identifyImage(readFileSync(lfw('Gerhard_Schroeder', 1)), 'schroeder-at-the-gate.jpg', { recordUnknowns: true });
  strangerCluster = visit.faces[0]!.unknown!.clusterId!;
  assert.ok(strangerCluster > 0);
});

after(async () => {
  await engine?.close();
  dir.cleanup();
});

describe('search by face (real models, real SQLite)', () => {
  test('an enrolled person from a photo not used for enrollment: first candidate, with their sightings newest first', async () => {
    const result = await engine.search.searchFace(photo(lfw('Colin_Powell', 7)), {}, investigator);
    assert.equal(result.faces.length, 1);
    assert.equal(result.chosenFace, 0);
    assert.equal(result.threshold, engine.matchPolicy.threshold);
    const first = result.matches[0]!;
    assert.equal(first.kind, 'member');
    assert.ok(first.kind === 'member' && first.personId === powellId && first.name === 'Colin Powell');
    assert.ok(first.score >= engine.matchPolicy.threshold);
    assert.deepEqual(first.sightings.map((s) => s.cameraName), ['Gate', 'Lobby', 'Gate']);
    assert.deepEqual(first.sightings.map((s) => [s.videoStartS, s.videoEndS]), [[null, null], [12.5, 72.5], [null, null]]);
    for (const m of result.matches) assert.ok(m.score >= result.threshold, 'nobody below the threshold');
  });

  test('a stranger who became an unknown cluster is found from another photo, with the visit', async () => {
    const result = await engine.search.searchFace(photo(lfw('Gerhard_Schroeder', 2)), {}, investigator);
    const first = result.matches[0]!;
    assert.equal(first.kind, 'unknown');
    assert.ok(first.kind === 'unknown' && first.clusterId === strangerCluster);
    assert.deepEqual(first.sightings.map((s) => s.cameraName), ['photo schroeder-at-the-gate.jpg']);
    assert.ok(!result.matches.some((m) => m.kind === 'member' && m.personId === powellId), 'Powell is not like Schroeder');
  });

  test('members and clusters in one list, best first; the threshold decides who is listed', async () => {
    const everyone = await engine.search.searchFace(photo(lfw('Gerhard_Schroeder', 2)), { minScore: -1 }, investigator);
    assert.deepEqual(new Set(everyone.matches.map((m) => m.kind)), new Set(['member', 'unknown']), 'both kinds in one answer');
    const scores = everyone.matches.map((m) => m.score);
    assert.deepEqual(scores, [...scores].sort((a, b) => b - a));
    assert.equal(everyone.matches.length, 3, 'Powell, Blair and the stranger');
    const strict = await engine.search.searchFace(photo(lfw('Gerhard_Schroeder', 2)), { minScore: 0.999 }, investigator);
    assert.deepEqual(strict.matches, []);
    const limited = await engine.search.searchFace(photo(lfw('Gerhard_Schroeder', 2)), { minScore: -1, limit: 1 }, investigator);
    assert.deepEqual(limited.matches.map((m) => m.score), [scores[0]]);
  });

  test('time range and camera filters: only sightings there, and candidates never seen there drop out', async () => {
    const lobby = await engine.search.searchFace(photo(lfw('Colin_Powell', 7)), { cameras: ['Lobby'] }, investigator);
    assert.deepEqual(lobby.matches.map((m) => m.sightings.map((s) => s.cameraName)), [['Lobby']]);
    const range = await engine.search.searchFace(photo(lfw('Colin_Powell', 7)), { since: '2026-12-02T00:00:00Z', until: '2026-12-02T23:59:59Z' }, investigator);
    assert.deepEqual(range.matches[0]!.sightings.map((s) => s.firstSeen), ['2026-12-02T09:00:00.000Z']);
    const never = await engine.search.searchFace(photo(lfw('Colin_Powell', 7)), { cameras: ['Loading bay'] }, investigator);
    assert.deepEqual(never.matches, []);
  });

  test('a kept face of an unknown person as the probe: their own cluster is left out', async () => {
    const face = engine.unknowns.repo.faces(strangerCluster)[0]!;
    const result = await engine.search.searchFace({ kind: 'clusterFace', faceId: face.id }, { minScore: -1 }, investigator);
    assert.deepEqual(result.faces, []);
    assert.equal(result.chosenFace, null);
    assert.ok(!result.matches.some((m) => m.kind === 'unknown' && m.clusterId === strangerCluster));
    await rejects(engine.search.searchFace({ kind: 'clusterFace', faceId: 999_999 }, {}, investigator), 'NOT_FOUND');
  });

  test('without the people.search-face permission: FORBIDDEN, nothing audited; with it, over the contract', async () => {
    const before = searchAudits().length;
    const request = { source: { kind: 'photo', photo: { fileName: 'p.jpg', dataBase64: readFileSync(lfw('Colin_Powell', 7)).toString('base64') } } };
    const refused = await dispatch('search.face', request, guard);
    assert.equal(refused.ok, false);
    assert.equal(!refused.ok && refused.error.code, 'FORBIDDEN');
    assert.equal(searchAudits().length, before, 'a refused search leaves no search row');
    const allowed = await dispatch('search.face', request, investigator);
    assert.ok(allowed.ok, JSON.stringify(allowed));
    const value = allowed.value as { matches: Array<{ kind: string; personId?: number }> };
    assert.equal(value.matches[0]!.personId, powellId);
    // The guard may still ask when someone was last seen (sightings.read).
    const lastSeen = await dispatch('sightings.lastSeen', { query: 'powell' }, guard);
    assert.ok(lastSeen.ok);
  });

  test('every search is audited: who, how many faces, how many results; no image, no embedding', async () => {
    const before = searchAudits().length;
    await engine.search.searchFace(photo(lfw('Colin_Powell', 7)), {}, { ...investigator, operator: 'inspector Morse' });
    await rejects(engine.search.searchFace({ kind: 'photo', bytes: Buffer.from('not a photo at all'), label: 'x.jpg' }, {}, investigator), 'IMAGE_UNREADABLE');
    const rows = searchAudits();
    assert.equal(rows.length, before + 2);
    const [failed, found] = rows; // newest first
    assert.equal(found!.operator, 'inspector Morse');
    assert.equal(found!.subjectKind, 'search');
    assert.deepEqual({ faces: found!.details.faces, results: found!.details.results, source: found!.details.source }, { faces: 1, results: 1, source: 'photo' });
    assert.deepEqual({ error: failed!.details.error, results: failed!.details.results }, { error: 'IMAGE_UNREADABLE', results: 0 });
    for (const row of rows) assert.ok(JSON.stringify(row.details).length < 400, 'no vector or image in an audit row');
    assert.equal(engine.auditLog.verify().ok, true);
  });

  test('neither the probe photo nor its embedding reaches the data folder (byte scan)', async () => {
    const probeFile = lfw('Tony_Blair', 9);
    const probeBytes = readFileSync(probeFile);
    const analysed = await engine.analyzePhoto(probeBytes, 'probe');
    const embedding = embeddingToBlob(analysed.faces[0]!.embedding);
    const result = await engine.search.searchFace({ kind: 'photo', bytes: probeBytes, label: 'probe.jpg' }, {}, investigator);
    assert.equal(result.matches[0]?.kind === 'member' && result.matches[0].name, 'Tony Blair');
    // Pieces of 64 bytes of the embedding and of the photo (past its generic header): any partial copy counts.
    const pieces = (b: Buffer, from = 0) => Array.from({ length: Math.floor((b.length - from) / 64) }, (_, i) => b.subarray(from + i * 64, from + i * 64 + 64));
    const probePieces = [...pieces(embedding), ...pieces(probeBytes, 1024).filter((_, i) => i % 4 === 0)];
    const enrolled = pieces(embeddingToBlob(engine.people.templatesOf(powellId)[0]!.embedding));
    const filesHolding = (needles: Buffer[]) => {
      const hits: string[] = [];
      const walk = (folder: string) => {
        for (const name of readdirSync(folder)) {
          const path = join(folder, name);
          if (statSync(path).isDirectory()) walk(path);
          else if (needles.some((n) => readFileSync(path).includes(n))) hits.push(path.slice(dataDir.length + 1));
        }
      };
      walk(dataDir);
      return hits;
    };
    engine.db.pragma('wal_checkpoint(PASSIVE)');
    assert.ok(filesHolding(enrolled).length > 0, 'the scan does find vectors that are stored (enrolled templates)');
    assert.deepEqual(filesHolding(probePieces), [], 'no file holds any piece of the probe or its embedding');
  });

  test('bad input: corrupt, PNG with alpha, several faces, no face, a backwards time range, an unknown face index', async () => {
    await rejects(engine.search.searchFace({ kind: 'photo', bytes: readFileSync(lfw('Colin_Powell', 7)).subarray(0, 300), label: 'cut.jpg' }, {}, investigator), 'IMAGE_UNREADABLE');
    // PNG with an alpha channel: alpha is dropped, the face is found.
    const rgba = await sharp(lfw('Colin_Powell', 7)).ensureAlpha(0.6).png().toBuffer();
    const withAlpha = await engine.search.searchFace({ kind: 'photo', bytes: rgba, label: 'alpha.png' }, {}, investigator);
    assert.equal(withAlpha.matches[0]?.kind === 'member' && withAlpha.matches[0].personId, powellId);
    // Two people side by side, Blair larger: the largest face comes first and is searched; the other can be chosen.
    const blair = await sharp(lfw('Tony_Blair', 9)).resize(250, 250).toBuffer();
    const powell = await sharp(lfw('Colin_Powell', 7)).resize(160, 160).toBuffer();
    const pair = await sharp({ create: { width: 420, height: 250, channels: 3, background: '#808080' } })
      .composite([{ input: blair, left: 0, top: 0 }, { input: powell, left: 260, top: 45 }])
      .jpeg()
      .toBuffer();
    const largest = await engine.search.searchFace({ kind: 'photo', bytes: pair, label: 'pair.jpg' }, {}, investigator);
    assert.equal(largest.faces.length, 2);
    assert.ok(largest.faces[0]!.bbox.width > largest.faces[1]!.bbox.width, 'largest first');
    assert.equal(largest.matches[0]?.kind === 'member' && largest.matches[0].name, 'Tony Blair');
    const second = await engine.search.searchFace({ kind: 'photo', bytes: pair, label: 'pair.jpg' }, { faceIndex: 1 }, investigator);
    assert.equal(second.chosenFace, 1);
    assert.equal(second.matches[0]?.kind === 'member' && second.matches[0].name, 'Colin Powell');
    await rejects(engine.search.searchFace({ kind: 'photo', bytes: pair, label: 'pair.jpg' }, { faceIndex: 5 }, investigator), 'BAD_REQUEST', /choose one of 1 to 2/);
    const blank = await sharp({ create: { width: 300, height: 300, channels: 3, background: '#d0c8b0' } }).jpeg().toBuffer();
    await rejects(engine.search.searchFace({ kind: 'photo', bytes: blank, label: 'wall.jpg' }, {}, investigator), 'NO_FACE', /No face was found in wall\.jpg/);
    await rejects(
      engine.search.searchFace(photo(lfw('Colin_Powell', 7)), { since: '2026-12-05T00:00:00Z', until: '2026-12-01T00:00:00Z' }, investigator),
      'BAD_REQUEST',
      /backwards/,
    );
  });

  test('a 50-megapixel photo and a crowd of 30 faces: answered, never a crash', async () => {
    const huge = await sharp({ create: { width: 8660, height: 5774, channels: 3, background: '#7a7060' } }).png({ compressionLevel: 9 }).toBuffer();
    await rejects(engine.search.searchFace({ kind: 'photo', bytes: huge, label: 'huge.png' }, {}, investigator), 'NO_FACE');
    const names = ['George_W_Bush', 'Donald_Rumsfeld', 'Ariel_Sharon', 'Hugo_Chavez', 'Junichiro_Koizumi', 'Jean_Chretien'];
    const tiles = await Promise.all(
      Array.from({ length: 30 }, async (_, i) => {
        const face = await sharp(lfw(names[i % 6]!, 1 + Math.floor(i / 6))).extract({ left: 25, top: 25, width: 100, height: 100 }).toBuffer();
        return sharp(face).resize(120 - (i % 5) * 6, 120 - (i % 5) * 6).toBuffer();
      }),
    );
    const crowd = await sharp({ create: { width: 6 * 130, height: 5 * 130, channels: 3, background: '#505050' } })
      .composite(tiles.map((input, i) => ({ input, left: (i % 6) * 130, top: Math.floor(i / 6) * 130 })))
      .jpeg()
      .toBuffer();
    const result = await engine.search.searchFace({ kind: 'photo', bytes: crowd, label: 'crowd.jpg' }, {}, investigator);
    assert.ok(result.faces.length >= 20, `faces found: ${result.faces.length}`);
    const areas = result.faces.map((f) => f.bbox.width * f.bbox.height);
    assert.deepEqual(areas, [...areas].sort((a, b) => b - a), 'largest first');
    assert.equal(result.chosenFace, 0);
  });

  test('strangers are findable only while their cluster exists; deactivated people are not candidates', async () => {
    const other = await engine.identifyImage(readFileSync(lfw('Jacques_Chirac', 1)), 'chirac.jpg', { recordUnknowns: true });
    const chirac = other.faces[0]!.unknown!.clusterId!;
    const find = async () => (await engine.search.searchFace(photo(lfw('Jacques_Chirac', 2)), {}, investigator)).matches.map((m) => (m.kind === 'unknown' ? m.clusterId : -1));
    assert.ok((await find()).includes(chirac));
    engine.unknowns.dismiss(chirac, 'reviewer');
    assert.ok(!(await find()).includes(chirac), 'a dismissed cluster is gone from search');
    const blairId = engine.people.findByNameOrCode('E-TB')[0]!.id;
    await engine.peopleService.setStatus(blairId, 'inactive', LOCAL_OPERATOR);
    const blair = await engine.search.searchFace(photo(lfw('Tony_Blair', 9)), {}, investigator);
    assert.ok(!blair.matches.some((m) => m.kind === 'member' && m.personId === blairId));
    await engine.peopleService.setStatus(blairId, 'active', LOCAL_OPERATOR);
  });
});

/**
 * An unknown visit as a camera records it: a sighting row, then the visit's faces and its best crop
 * to the clustering (which seals the crop as the cluster's snapshot, linked to this sighting).
 */
async function cameraVisitOf(file: string, cameraName: string): Promise<{ sightingId: number; clusterId: number }> {
  const decoded = await decodeImage(readFileSync(file), cameraName);
  const [face] = await (await engine.photoInference()).analyze(decoded.image);
  const seen = at('2026-12-04T11:00:00Z');
  const sighting = engine.sightingRepo.insert({ cameraId: null, cameraName, personId: null, status: 'unknown', trackId: null, firstSeen: seen, lastSeen: seen, bestScore: null, frames: 8 });
  const outcome = await engine.unknowns.recordVisit({
    faces: [{ embedding: face!.embedding, quality: face!.quality }],
    crop: cropFace(decoded.image, face!.detection.box),
    cropQuality: face!.quality,
    cameraId: null,
    cameraName,
    sightingId: sighting.id,
    seenAt: seen,
  });
  return { sightingId: sighting.id, clusterId: outcome!.clusterId };
}

describe('search by face from a sighting\'s snapshot', () => {
  let blairVisitId = 0;

  test('the snapshot is decrypted and searched like a photo: the enrolled person first, the visit\'s own cluster left out; audited', async () => {
    // Blair seen by a camera but not recognised there (as when the match was too weak): an unknown visit with a snapshot.
    const visit = await cameraVisitOf(lfw('Tony_Blair', 9), 'Dock');
    blairVisitId = visit.sightingId;
    assert.equal(engine.sightingRepo.get(visit.sightingId)!.hasSnapshot, true);
    assert.equal(engine.sightingRepo.latestOfPerson(powellId, {}, 1)[0]!.hasSnapshot, false, 'a member visit keeps no snapshot');
    const before = searchAudits().length;
    const result = await engine.search.searchFace({ kind: 'sightingSnapshot', sightingId: visit.sightingId }, {}, { ...investigator, operator: 'inspector Lewis' });
    assert.ok(result.faces.length >= 1, 'the face is found again in the crop');
    assert.equal(result.chosenFace, 0);
    assert.equal(result.matches[0]?.kind === 'member' && result.matches[0].name, 'Tony Blair');
    assert.ok(!result.matches.some((m) => m.kind === 'unknown' && m.clusterId === visit.clusterId), 'the visit\'s own cluster is not an answer');
    const [row] = searchAudits();
    assert.equal(searchAudits().length, before + 1);
    assert.deepEqual(
      { operator: row!.operator, source: row!.details.source, sightingId: row!.details.sightingId, faces: row!.details.faces, results: row!.details.results },
      { operator: 'inspector Lewis', source: 'sighting-snapshot', sightingId: visit.sightingId, faces: result.faces.length, results: result.matches.length },
    );
    assert.ok(JSON.stringify(row!.details).length < 400, 'no image or vector in the audit row');
  });

  test('the decrypted snapshot is never stored again: the snapshot files are unchanged and no plaintext piece is in the data folder', async () => {
    const visit = await cameraVisitOf(lfw('Colin_Powell', 7), 'Yard');
    const plain = engine.unknowns.sightingSnapshotJpeg(visit.sightingId).jpeg;
    assert.equal(plain[0], 0xff, 'a JPEG in memory');
    const snapshotFiles = () => readdirSync(join(dataDir, 'snapshots')).sort();
    const filesBefore = snapshotFiles();
    await engine.search.searchFace({ kind: 'sightingSnapshot', sightingId: visit.sightingId }, {}, investigator);
    engine.db.pragma('wal_checkpoint(PASSIVE)');
    assert.deepEqual(snapshotFiles(), filesBefore);
    const pieces = Array.from({ length: Math.floor((plain.length - 700) / 64) }, (_, i) => plain.subarray(700 + i * 64, 764 + i * 64));
    const hits: string[] = [];
    const walk = (folder: string) => {
      for (const name of readdirSync(folder)) {
        const path = join(folder, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (pieces.some((p) => readFileSync(path).includes(p))) hits.push(path);
      }
    };
    walk(dataDir);
    assert.ok(pieces.length > 4);
    assert.deepEqual(hits, [], 'only the sealed file holds the face, encrypted');
  });

  test('a sighting without a snapshot, a missing sighting, a damaged file, no permission: clear errors, each search audited', async () => {
    const memberVisit = engine.sightingRepo.latestOfPerson(powellId, {}, 1)[0]!;
    await rejects(engine.search.searchFace({ kind: 'sightingSnapshot', sightingId: memberVisit.id }, {}, investigator), 'NOT_FOUND', /no kept face snapshot/);
    await rejects(engine.search.searchFace({ kind: 'sightingSnapshot', sightingId: 999_999 }, {}, investigator), 'NOT_FOUND', /no sighting 999999/);
    const damaged = await cameraVisitOf(lfw('Donald_Rumsfeld', 1), 'Back door');
    const file = join(dataDir, 'snapshots', engine.unknowns.repo.snapshot(damaged.clusterId)!.fileName);
    const sealed = readFileSync(file);
    sealed.writeUInt8(sealed.readUInt8(sealed.length - 5) ^ 0xff, sealed.length - 5);
    writeFileSync(file, sealed);
    await rejects(engine.search.searchFace({ kind: 'sightingSnapshot', sightingId: damaged.sightingId }, {}, investigator), 'IMAGE_UNREADABLE', /cannot be opened/);
    const [failed] = searchAudits();
    assert.deepEqual({ source: failed!.details.source, error: failed!.details.error, results: failed!.details.results }, { source: 'sighting-snapshot', error: 'IMAGE_UNREADABLE', results: 0 });
    const before = searchAudits().length;
    const refused = await dispatch('search.face', { source: { kind: 'sightingSnapshot', sightingId: damaged.sightingId } }, guard);
    assert.equal(!refused.ok && refused.error.code, 'FORBIDDEN');
    assert.equal(searchAudits().length, before);
    const overContract = await dispatch('search.face', { source: { kind: 'sightingSnapshot', sightingId: blairVisitId } }, investigator);
    assert.ok(overContract.ok, JSON.stringify(overContract));
    assert.equal((overContract.value as { matches: Array<{ name?: string }> }).matches[0]!.name, 'Tony Blair');
  });
});

describe('last seen', () => {
  test('by employee code, name or id: newest first, with video time; the People list shows when', () => {
    for (const key of ['E-POW', 'Colin Powell', String(powellId)]) {
      const { subject, sightings } = engine.search.lastSeen(key);
      assert.deepEqual(subject, { kind: 'member', personId: powellId, name: 'Colin Powell', employeeCode: 'E-POW', status: 'active' });
      assert.deepEqual(sightings.map((s) => s.lastSeen), ['2026-12-03T17:30:20.000Z', '2026-12-02T09:01:00.000Z', '2026-12-01T08:00:30.000Z']);
    }
    assert.equal(engine.listPeople('Powell')[0]!.lastSeen, '2026-12-03T17:30:20.000Z');
    assert.equal(engine.listPeople('Blair')[0]!.lastSeen, null);
  });

  test('an unknown person later named as a member: their earlier sightings count for the People list\'s "last seen" too', async () => {
    const newcomer = await engine.identifyImage(readFileSync(lfw('Vladimir_Putin', 1)), 'putin.jpg', { recordUnknowns: true });
    const clusterId = newcomer.faces[0]!.unknown!.clusterId!;
    await engine.unknowns.idle();
    // Their visit as an unknown person, on a known date (photos are recorded "now").
    engine.db.prepare('UPDATE sightings SET first_seen = ?, last_seen = ? WHERE cluster_id = ?').run('2026-12-04T06:00:00.000Z', '2026-12-04T06:00:05.000Z', clusterId);
    const { person } = engine.unknowns.identify(clusterId, 'member', { name: 'Vladimir Putin', category: 'employee' }, 'hr');
    assert.equal(engine.listPeople('Putin')[0]!.lastSeen, '2026-12-04T06:00:05.000Z');
    assert.deepEqual(engine.search.lastSeen(String(person.id)).sightings.map((s) => s.lastSeen), ['2026-12-04T06:00:05.000Z']);
    // A later sighting as a member is newer: that one is shown.
    engine.sightingRepo.insert({ cameraId: null, cameraName: 'Gate', personId: person.id, status: 'member', trackId: null, firstSeen: at('2026-12-04T09:00:00Z'), lastSeen: at('2026-12-04T09:00:10Z'), bestScore: 0.7, frames: 5, videoStartS: null, videoEndS: null });
    assert.equal(engine.listPeople('Putin')[0]!.lastSeen, '2026-12-04T09:00:10.000Z');
  });

  test('#number for an unknown person; filters; a partial name in the console box; nobody is an empty list', () => {
    const stranger = engine.search.lastSeen(`#${strangerCluster}`);
    assert.deepEqual(stranger.subject, { kind: 'unknown', clusterId: strangerCluster, status: 'open', personId: null });
    assert.equal(stranger.sightings.length, 1);
    assert.deepEqual(engine.search.lastSeen('E-POW', { cameras: ['Lobby'] }).sightings.map((s) => s.cameraName), ['Lobby']);
    assert.deepEqual(engine.search.lastSeen('E-POW', { limit: 1 }).sightings.length, 1);
    assert.deepEqual(engine.search.findLastSeen('pow').map((r) => r.subject.kind === 'member' && r.subject.name), ['Colin Powell']);
    assert.deepEqual(engine.search.findLastSeen('nobody like this'), []);
    assert.deepEqual(engine.search.findLastSeen('#99999'), []);
    assert.throws(() => engine.search.lastSeen('#99999'), /no unknown person #99999/);
    assert.throws(() => engine.search.lastSeen('E-POW', { since: '2026-12-09', until: '2026-12-01' }), /backwards/);
  });
});
