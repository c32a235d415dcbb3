/**
 * The person lifecycle on the real models and a real SQLite file: enroll with
 * quality verdicts, duplicate check and its override, record edits,
 * deactivation, re-enrollment, subject-access export and erasure — including
 * proof that an erased person's vector bytes are gone from every file.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { LOCAL_OPERATOR, type CallerContext } from '../../src-main/engine/api/dispatcher.js';
import { Engine } from '../../src-main/engine/engine.js';
import { VigilError } from '../../src-main/engine/errors.js';
import { embeddingToBlob } from '../../src-main/engine/storage/repositories.js';
import { enrollFiles } from '../helpers/enroll.js';
import { installedModelPack } from '../helpers/model-pack.js';
import { faceRecognitionData as fr, sharedData, tempDir } from '../helpers/paths.js';

const dir = tempDir();
const dataDir = join(dir.path, 'data');
let engine: Engine;
const lfw = (name: string, n: number) => join(sharedData, 'lfw', 'images', name, `${name}_${String(n).padStart(4, '0')}.jpg`);
const obama = ['examples_obama.jpg', 'examples_obama2.jpg', 'tests_test_images_obama3.jpg'].map((f) => join(fr, f));
const obamaOther = ['examples_knn_examples_train_obama_obama2.jpg', 'examples_obama_small.jpg', 'examples_knn_examples_test_obama1.jpg'].map((f) => join(fr, f));
const powell = [1, 2, 3].map((n) => lfw('Colin_Powell', n));
const blair = [2, 3, 4].map((n) => lfw('Tony_Blair', n));
/** A clerk who may enroll but not override the duplicate check. */
const clerk: CallerContext = {
  operator: 'clerk',
  permissions: new Set([...LOCAL_OPERATOR.permissions].filter((p) => p !== 'people.override-duplicate')),
};
const hr: CallerContext = { ...LOCAL_OPERATOR, operator: 'hr lead' };

async function rejects(promise: Promise<unknown> | (() => unknown), code: string, message?: RegExp): Promise<void> {
  await assert.rejects(async () => (typeof promise === 'function' ? promise() : promise), (error: unknown) => {
    assert.ok(error instanceof VigilError, String(error));
    assert.equal(error.code, code, error.message);
    if (message) assert.match(error.message, message);
    return true;
  });
}

/** A 69-byte PNG that claims a size (IHDR, a scrap of IDAT, IEND): enough for a decoder to see 20000x20000 pixels. */
function pngHeaderOnly(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.alloc(64))), chunk('IEND', Buffer.alloc(0))]);
}

async function identifyName(file: string): Promise<string | null> {
  const { faces } = await engine.identifyImage(readFileSync(file), file);
  return faces[0]?.match?.personName ?? null;
}

before(async () => {
  engine = await Engine.open({ dataDir, modelsDir: await installedModelPack() });
});

after(async () => {
  await engine?.close();
  dir.cleanup();
});

describe('person lifecycle (real models, real SQLite)', () => {
  let obamaId = 0;
  let powellId = 0;

  test('enroll from 3 photos: record, consent, one template per photo, audit entry', async () => {
    const result = await enrollFiles(engine, 'Barack Obama', obama, { employeeCode: 'E-044', caller: hr });
    assert.ok(result.person);
    obamaId = result.person.id;
    assert.equal(result.person.templateCount, 3);
    assert.equal(result.person.status, 'active');
    assert.equal(result.person.employeeCode, 'E-044');
    assert.deepEqual({ by: result.person.consent?.by, version: result.person.consent?.textVersion }, { by: 'hr lead', version: '1' });
    for (const photo of result.photos) {
      assert.equal(photo.used, true);
      assert.deepEqual(photo.checks?.map((c) => c.check), ['readable', 'one-face', 'size', 'sharpness', 'pose', 'exposure']);
    }
    assert.equal(await identifyName(obamaOther[0]!), 'Barack Obama');
  });

  test('fewer than 3 usable photos is refused unless asked for; nothing is saved', async () => {
    await rejects(enrollFiles(engine, 'Colin Powell', powell.slice(0, 2)), 'NOT_ENOUGH_PHOTOS', /Only 2 of 2 photos/);
    assert.equal(engine.peopleService.list({ search: 'Powell' }).length, 0);
    const fewer = await enrollFiles(engine, 'Colin Powell', powell.slice(0, 2), { allowFewerPhotos: true });
    assert.equal(fewer.person?.templateCount, 2);
    powellId = fewer.person!.id;
  });

  test('a face already enrolled blocks the enrollment with the match name and score; override needs the permission', async () => {
    await rejects(enrollFiles(engine, 'Barry Soetoro', obamaOther), 'DUPLICATE_FACE', /already matches Barack Obama \(0\.\d\d\)/);
    await rejects(enrollFiles(engine, 'Barry Soetoro', obamaOther, { overrideDuplicate: true, caller: clerk }), 'FORBIDDEN', /override-duplicate/);
    assert.equal(engine.peopleService.list({ search: 'Barry' }).length, 0, 'refused enrollments leave nothing');
    const overridden = await enrollFiles(engine, 'Barry Soetoro', obamaOther, { overrideDuplicate: true, caller: hr });
    assert.equal(overridden.overriddenDuplicate?.name, 'Barack Obama');
    const entry = engine.peopleService.export(overridden.person!.id, false, hr).audit.find((a) => a.action === 'person.enrolled');
    assert.equal((entry?.details.duplicateOverridden as { name: string }).name, 'Barack Obama');
    await engine.peopleService.erase(overridden.person!.id, hr);
  });

  test('bad input: clear verdict per photo, huge images handled, a duplicate employee code refused whole', async () => {
    const text = Buffer.from('this is a text file, not a photo');
    const blank = await sharp({ create: { width: 400, height: 400, channels: 3, background: { r: 90, g: 90, b: 90 } } }).jpeg().toBuffer();
    const dark = await sharp(obama[0]).linear(0.1, 0).jpeg().toBuffer();
    // 8000x8000 with a portrait in the middle: decoded scaled down (no OOM), face size judged in original pixels.
    const portrait = await sharp(obama[1]).resize({ width: 3000 }).toBuffer();
    const huge = await sharp({ create: { width: 8000, height: 8000, channels: 3, background: { r: 200, g: 200, b: 200 } } })
      .composite([{ input: portrait, gravity: 'centre' }])
      .jpeg({ quality: 80 })
      .toBuffer();
    // Header says 20000x20000: refused before a single pixel is decoded.
    const bomb = pngHeaderOnly(20000, 20000);
    const outcomes = await engine.peopleService.checkPhotos([
      { fileName: 'notes.txt', bytes: text },
      { fileName: 'blank.jpg', bytes: blank },
      { fileName: 'group.jpg', bytes: readFileSync(join(fr, 'examples_two_people.jpg')) },
      { fileName: 'dark.jpg', bytes: dark },
      { fileName: 'huge.jpg', bytes: huge },
      { fileName: 'bomb.png', bytes: bomb },
    ]);
    const byName = Object.fromEntries(outcomes.map((o) => [o.fileName, o]));
    assert.equal(byName['notes.txt']!.code, 'IMAGE_UNREADABLE');
    assert.match(byName['notes.txt']!.reason!, /not a readable image/);
    assert.equal(byName['blank.jpg']!.code, 'NO_FACE');
    assert.equal(byName['group.jpg']!.code, 'SEVERAL_FACES');
    assert.equal(byName['dark.jpg']!.code, 'LOW_QUALITY');
    assert.match(byName['dark.jpg']!.reason!, /too dark/);
    assert.equal(byName['huge.jpg']!.used, true, JSON.stringify(byName['huge.jpg']));
    assert.ok(byName['huge.jpg']!.checks!.some((c) => c.check === 'size' && /large enough \(\d{3,} px\)/.test(c.words)));
    assert.equal(byName['bomb.png']!.code, 'IMAGE_TOO_LARGE');
    assert.match(byName['bomb.png']!.reason!, /20000×20000/);

    await rejects(enrollFiles(engine, 'Tony Blair', blair, { employeeCode: 'e-044' }), 'DUPLICATE_EMPLOYEE_CODE', /E-044|e-044/);
    assert.equal(engine.peopleService.list({ search: 'Blair' }).length, 0);
  });

  test('edit the record; search and filters; every change audited without values', () => {
    const person = engine.peopleService.update(obamaId, { department: 'Security', notes: 'night shift', category: 'contractor' }, hr);
    assert.equal(person.department, 'Security');
    assert.deepEqual(engine.peopleService.list({ search: 'e-04' }).map((p) => p.name), ['Barack Obama'], 'search by employee code');
    assert.deepEqual(engine.peopleService.list({ department: 'security', category: 'contractor' }).map((p) => p.id), [obamaId]);
    assert.deepEqual(engine.peopleService.list({ category: 'visitor' }), []);
    const update = engine.peopleService.export(obamaId, false, hr).audit.find((a) => a.action === 'person.updated');
    assert.deepEqual((update?.details.fields as string[]).sort(), ['category', 'department', 'notes']);
    assert.ok(!JSON.stringify(update).includes('night shift'), 'notes are not copied into the audit log');
    assert.throws(() => engine.peopleService.update(powellId, { employeeCode: 'E-044' }, hr), (e: VigilError) => e.code === 'DUPLICATE_EMPLOYEE_CODE');
  });

  test('a deactivated person is not matched (also after reopening), is still found by the duplicate check, and can be reactivated', async () => {
    assert.equal(engine.isMatchable(obamaId), true); // fills the live path's cache of person facts
    await engine.peopleService.setStatus(obamaId, 'inactive', hr);
    assert.equal(engine.isMatchable(obamaId), false, 'a live camera stops naming them at once (cache cleared by the change)');
    assert.equal(await identifyName(obamaOther[0]!), null);
    await engine.close();
    engine = await Engine.open({ dataDir, modelsDir: await installedModelPack() });
    assert.equal(await identifyName(obamaOther[0]!), null, 'the persisted index was rebuilt without them');
    await rejects(enrollFiles(engine, 'Barry', obamaOther), 'DUPLICATE_FACE', /Barack Obama/);
    await engine.peopleService.setStatus(obamaId, 'active', hr);
    assert.equal(engine.isMatchable(obamaId), true);
    assert.equal(await identifyName(obamaOther[0]!), 'Barack Obama');
  });

  test('re-enroll: add templates, then replace them all', async () => {
    const added = await engine.peopleService.saveTemplates(powellId, [{ fileName: 'p3.jpg', bytes: readFileSync(powell[2]!) }], 'add', {}, hr);
    assert.equal(added.person?.templateCount, 3);
    const vectorsOf = () => engine.people.templatesOf(powellId).map((t) => embeddingToBlob(t.embedding).toString('base64'));
    const before = vectorsOf();
    const replaced = await engine.peopleService.saveTemplates(
      powellId,
      [4, 5, 6].map((n) => ({ fileName: `p${n}.jpg`, bytes: readFileSync(lfw('Colin_Powell', n)) })),
      'replace',
      {},
      hr,
    );
    assert.equal(replaced.person?.templateCount, 3);
    const after = vectorsOf();
    assert.equal(after.filter((v) => before.includes(v)).length, 0, 'old templates are gone');
    assert.equal(await identifyName(lfw('Colin_Powell', 7)), 'Colin Powell');
  });

  test('subject-access export: record, consent, templates with dates, sightings, audit; vectors only on request', () => {
    engine.sightingRepo.insert({
      cameraId: null,
      cameraName: 'Front door',
      personId: obamaId,
      status: 'member',
      trackId: 7,
      firstSeen: new Date('2026-03-01T08:00:00Z'),
      lastSeen: new Date('2026-03-01T08:00:05Z'),
      bestScore: 0.71,
      frames: 40,
    });
    const plain = engine.peopleService.export(obamaId, false, hr);
    assert.equal(plain.person.name, 'Barack Obama');
    assert.equal(plain.person.consent?.textVersion, '1');
    assert.equal(plain.templates.length, 3);
    assert.ok(plain.templates.every((t) => t.createdAt && t.embedding === undefined));
    assert.deepEqual(plain.sightings.map((s) => s.cameraName), ['Front door']);
    assert.ok(plain.audit.some((a) => a.action === 'person.deactivated'));
    const full = engine.peopleService.export(obamaId, true, hr);
    const stored = engine.people.templatesOf(obamaId);
    assert.deepEqual(full.templates.map((t) => t.embedding), stored.map((t) => Array.from(t.embedding)));
    assert.ok(engine.peopleService.export(obamaId, false, hr).audit.filter((a) => a.action === 'person.exported').length >= 2, 'exports are audited');
  });

  test('erasure: person, templates and sightings gone; the vector bytes appear nowhere in the data folder; the audit entry stays', async () => {
    const vectors = engine.people.templatesOf(obamaId).map((t) => embeddingToBlob(t.embedding));
    // Every 64-byte piece of every vector: a partial copy left anywhere counts too.
    const pieces = vectors.flatMap((v) => Array.from({ length: v.length / 64 }, (_, i) => v.subarray(i * 64, i * 64 + 64)));
    const filesContaining = () => {
      const hits = new Set<string>();
      const walk = (folder: string) => {
        for (const name of readdirSync(folder)) {
          const path = join(folder, name);
          if (statSync(path).isDirectory()) walk(path);
          else {
            const bytes = readFileSync(path);
            if (pieces.some((p) => bytes.includes(p))) hits.add(path.slice(dataDir.length + 1));
          }
        }
      };
      walk(dataDir);
      return [...hits];
    };
    assert.ok(filesContaining().length > 0, 'before erasure the vectors are on disk (the scan can find them)');

    const result = await engine.peopleService.erase(obamaId, hr);
    assert.deepEqual(result, { erased: true, name: 'Barack Obama', remoteDeletion: 'not-used' });
    assert.deepEqual(filesContaining(), [], 'no file in the data folder holds any piece of the erased vectors');
    assert.equal(engine.people.get(obamaId), null);
    assert.equal(engine.sightingRepo.forPerson(obamaId).length, 0);
    assert.equal((engine.db.prepare('SELECT COUNT(*) AS n FROM face_templates WHERE person_id = ?').get(obamaId) as { n: number }).n, 0);
    assert.equal(await identifyName(obamaOther[0]!), null);
    const audit = engine.db.prepare("SELECT * FROM audit_log WHERE action = 'person.erased' AND subject_id = ?").get(obamaId) as {
      operator: string;
      subject_label: string;
      details_json: string;
    };
    assert.equal(audit.operator, 'hr lead');
    assert.equal(audit.subject_label, 'Barack Obama (E-044)');
    assert.deepEqual(JSON.parse(audit.details_json), { templatesErased: 3 });
    // Colin Powell is untouched and still recognised from the rebuilt index.
    assert.equal(await identifyName(lfw('Colin_Powell', 7)), 'Colin Powell');
  });

  test('erasing someone who does not exist: NOT_FOUND, nothing changes', async () => {
    const before = engine.db.prepare('SELECT COUNT(*) AS n FROM audit_log').get();
    await rejects(() => engine.peopleService.erase(obamaId, hr), 'NOT_FOUND', /already erased/);
    await rejects(() => engine.peopleService.resolve('Nobody Such'), 'NOT_FOUND', /Nobody Such/);
    assert.deepEqual(engine.db.prepare('SELECT COUNT(*) AS n FROM audit_log').get(), before);
  });
});
