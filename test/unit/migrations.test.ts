import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { migrate, openDatabase, schemaVersion } from '../../src-main/engine/storage/database.js';
import { migrations } from '../../src-main/engine/storage/migrations.js';
import { AuditRepository, GENESIS_HASH } from '../../src-main/engine/storage/audit-log.js';
import { AlertsRepository } from '../../src-main/engine/storage/alerts-repository.js';
import { PeopleRepository } from '../../src-main/engine/storage/repositories.js';
import { tempDir } from '../helpers/paths.js';

const dir = tempDir();
const latest = Math.max(...migrations.map((m) => m.version));
after(() => dir.cleanup());

const audit = { operator: 'test', action: 'test', subjectKind: 'person', subjectId: null, subjectLabel: null };
const consent = { at: '2026-01-01T00:00:00.000Z', by: 'test', textVersion: '1' };

function createPerson(people: PeopleRepository, name: string, vector: number[], employeeCode: string | null = null) {
  return people.create({ name, employeeCode, department: null, category: 'employee', notes: null }, consent, 'test', [
    { embedding: new Float32Array(vector), quality: 1, source: `${name}.jpg` },
  ], audit);
}

describe('migrations', () => {
  test('versions are 1..n without gaps and each has a name', () => {
    assert.deepEqual(
      migrations.map((m) => m.version),
      Array.from({ length: latest }, (_, i) => i + 1),
    );
    for (const m of migrations) assert.ok(m.name.length > 0);
  });

  test('migration 1 on a real file: WAL, tables, foreign keys, template generation trigger', () => {
    const db = openDatabase(join(dir.path, 'm1.db'));
    assert.equal(schemaVersion(db), latest);
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as Array<{ name: string }>).map((r) => r.name);
    for (const t of ['cameras', 'face_templates', 'persons', 'schema_migrations', 'settings', 'sightings']) assert.ok(tables.includes(t), t);
    const people = new PeopleRepository(db);
    const before = people.templatesGeneration();
    const { personId } = createPerson(people, 'Ada', [1, 0]);
    assert.equal(people.templatesGeneration(), before + 1);
    // Templates go with their person (ON DELETE CASCADE needs foreign_keys=ON).
    people.erase(personId, audit);
    assert.equal((db.prepare('SELECT COUNT(*) AS n FROM face_templates').get() as { n: number }).n, 0);
    assert.equal(people.templatesGeneration(), before + 2);
    // An embedding blob must match its declared dimension.
    assert.throws(() =>
      db.prepare("INSERT INTO face_templates (person_id, embedder_id, dimension, embedding, created_at) VALUES (1, 'x', 4, x'00', 'now')").run(),
    );
    db.close();
  });

  test('migration 2 on a version-1 file: existing people become active; codes unique in any case; status changes bump the generation; audit log', () => {
    const path = join(dir.path, 'm2-upgrade.db');
    const v1 = openDatabase(path, { migrations: migrations.filter((m) => m.version === 1) });
    v1.prepare("INSERT INTO persons (name, created_at, updated_at) VALUES ('Old Timer', 'then', 'then')").run();
    v1.close();
    const db = openDatabase(path, { migrations: migrations.filter((m) => m.version <= 2) });
    assert.equal(schemaVersion(db), 2);
    assert.deepEqual(db.prepare("SELECT status FROM persons WHERE name = 'Old Timer'").get(), { status: 'active' });
    // The repository speaks the current schema: bring the file up to date before using it.
    migrate(db, migrations);
    const people = new PeopleRepository(db);
    const old = people.list()[0]!;
    assert.equal(old.status, 'active');
    assert.equal(old.employeeCode, null);
    assert.equal(old.consent, null);

    // Many people without a code; a code only once, whatever its case.
    createPerson(people, 'No Code A', [1, 0]);
    createPerson(people, 'No Code B', [0, 1]);
    createPerson(people, 'Coded', [1, 1], 'E-100');
    assert.throws(() => createPerson(people, 'Copycat', [1, 0], 'e-100'), (error: Error & { code?: string }) => error.code === 'DUPLICATE_EMPLOYEE_CODE');
    assert.equal(people.list({ search: 'Copycat' }).length, 0, 'a refused enrollment leaves nothing behind');
    assert.throws(() => db.prepare("UPDATE persons SET status = 'retired' WHERE id = 1").run(), /CHECK constraint/);

    const generation = people.templatesGeneration();
    people.update(old.id, { status: 'inactive' }, () => audit);
    assert.equal(people.templatesGeneration(), generation + 1, 'the persisted index must be rebuilt without the inactive person');
    people.update(old.id, { name: 'Old Timer Jr' }, () => audit);
    assert.equal(people.templatesGeneration(), generation + 1, 'other edits leave the index alone');
    assert.deepEqual(people.list({ status: 'inactive' }).map((p) => p.name), ['Old Timer Jr']);

    const columns = (db.prepare('PRAGMA table_info(audit_log)').all() as Array<{ name: string }>).map((c) => c.name);
    // Migration 2's columns (later migrations add the chain's).
    assert.deepEqual(columns.slice(0, 8), ['id', 'at', 'operator', 'action', 'subject_kind', 'subject_id', 'subject_label', 'details_json']);
    assert.ok((db.prepare('SELECT COUNT(*) AS n FROM audit_log').get() as { n: number }).n >= 5);
    db.close();
  });

  test('reopening applies nothing twice; data survives', () => {
    const path = join(dir.path, 'm2.db');
    const first = openDatabase(path);
    createPerson(new PeopleRepository(first), 'Grace', [0, 1]);
    first.close();
    const second = openDatabase(path);
    assert.equal((second.prepare('SELECT COUNT(*) AS n FROM schema_migrations').get() as { n: number }).n, migrations.length);
    assert.equal(new PeopleRepository(second).list().length, 1);
    second.close();
  });

  test('a database from a newer Vigil is refused, not damaged', () => {
    const path = join(dir.path, 'm3.db');
    const db = openDatabase(path);
    db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', 'now')").run();
    assert.throws(() => migrate(db, migrations), /newer than this Vigil/);
    db.close();
  });

  test('a failing migration rolls back whole', () => {
    const db = openDatabase(join(dir.path, 'm4.db'));
    const broken = [...migrations, { version: latest + 1, name: 'broken', sql: 'CREATE TABLE half (id INTEGER); SELECT nonsense FROM nowhere;' }];
    assert.throws(() => migrate(db, broken));
    assert.equal(schemaVersion(db), latest);
    assert.equal(db.prepare("SELECT name FROM sqlite_master WHERE name = 'half'").get(), undefined);
    db.close();
  });

  test('a migration numbered below one already applied (from a parallel branch) is still applied, once', () => {
    const late = { version: 2, name: 'late arrival', sql: 'CREATE TABLE late_table (id INTEGER PRIMARY KEY);' };
    // Without migration 2 and those that build on its tables (6: the audit trail's chain).
    const withoutLate = migrations.filter((m) => m.version !== 2 && m.version !== 6);
    const db = openDatabase(join(dir.path, 'm5.db'), { migrations: withoutLate });
    assert.equal(db.prepare("SELECT name FROM sqlite_master WHERE name = 'late_table'").get(), undefined);
    const withLate = [...withoutLate, late];
    migrate(db, withLate);
    assert.ok(db.prepare("SELECT name FROM sqlite_master WHERE name = 'late_table'").get());
    migrate(db, withLate);
    assert.equal((db.prepare('SELECT COUNT(*) AS n FROM schema_migrations WHERE version = 2').get() as { n: number }).n, 1);
    db.close();
  });

  test('migration 3: clusters, faces, appearances, snapshots, alerts; sightings.cluster_id, cameras.restricted', () => {
    const db = openDatabase(join(dir.path, 'm6.db'));
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{ name: string }>).map((r) => r.name);
    for (const t of ['unknown_clusters', 'unknown_faces', 'unknown_appearances', 'unknown_snapshots', 'alerts']) assert.ok(tables.includes(t), t);
    const columns = (table: string) => (db.prepare(`PRAGMA table_info(${table})`).all() as Array<{ name: string }>).map((c) => c.name);
    assert.ok(columns('sightings').includes('cluster_id'));
    assert.ok(columns('cameras').includes('restricted'));
    const now = new Date().toISOString();
    const cluster = Number(
      db.prepare("INSERT INTO unknown_clusters (embedder_id, first_seen, last_seen, appearances, created_at, updated_at) VALUES ('e', ?, ?, 1, ?, ?)")
        .run(now, now, now, now).lastInsertRowid,
    );
    db.prepare('INSERT INTO unknown_faces (cluster_id, dimension, embedding, quality, seen_at) VALUES (?, 2, ?, 0.5, ?)').run(cluster, Buffer.alloc(8), now);
    db.prepare("INSERT INTO unknown_snapshots (cluster_id, file_name, quality, saved_at) VALUES (?, 'a.vsnap', 0.5, ?)").run(cluster, now);
    // Bad values are refused by the schema, not stored.
    assert.throws(() => db.prepare("UPDATE unknown_clusters SET status = 'maybe' WHERE id = ?").run(cluster));
    assert.throws(() => db.prepare("INSERT INTO alerts (rule, priority, message, created_at) VALUES ('whatever', 'high', 'm', 'now')").run());
    assert.throws(() => db.prepare('INSERT INTO unknown_faces (cluster_id, dimension, embedding, quality, seen_at) VALUES (?, 4, ?, 1, ?)').run(cluster, Buffer.alloc(8), now));
    // Deleting a cluster takes its faces and snapshot record with it.
    db.prepare('DELETE FROM unknown_clusters WHERE id = ?').run(cluster);
    assert.equal((db.prepare('SELECT COUNT(*) AS n FROM unknown_faces').get() as { n: number }).n, 0);
    assert.equal((db.prepare('SELECT COUNT(*) AS n FROM unknown_snapshots').get() as { n: number }).n, 0);
    db.close();
  });

  test('migration 4 on a version-3 file: sightings keep their rows and gain their video time, which must run forwards', () => {
    const path = join(dir.path, 'm4-video-time.db');
    const v3 = openDatabase(path, { migrations: migrations.filter((m) => m.version <= 3) });
    const now = new Date().toISOString();
    v3.prepare("INSERT INTO sightings (camera_name, status, first_seen, last_seen, frames) VALUES ('old camera', 'unknown', ?, ?, 3)").run(now, now);
    v3.close();
    const db = openDatabase(path, { migrations: migrations.filter((m) => m.version <= 4) });
    const old = db.prepare('SELECT camera_name, video_start_s, video_end_s FROM sightings').get() as { camera_name: string; video_start_s: number | null; video_end_s: number | null };
    assert.deepEqual(old, { camera_name: 'old camera', video_start_s: null, video_end_s: null });
    db.prepare("INSERT INTO sightings (camera_name, status, first_seen, last_seen, frames, video_start_s, video_end_s) VALUES ('file', 'member', ?, ?, 5, 12.5, 17.25)").run(now, now);
    assert.throws(() => db.prepare("INSERT INTO sightings (camera_name, status, first_seen, last_seen, frames, video_start_s, video_end_s) VALUES ('file', 'member', ?, ?, 5, 12.5, 3)").run(now, now));
    db.close();
  });

  test('migration 5: resemblance warnings between two people, gone with either of them, never about oneself', () => {
    const path = join(dir.path, 'm7.db');
    const v3 = openDatabase(path, { migrations: migrations.filter((m) => m.version <= 3) });
    v3.prepare("INSERT INTO persons (name, created_at, updated_at) VALUES ('Serena', 'then', 'then')").run();
    v3.close();
    const db = openDatabase(path);
    assert.ok(db.prepare("SELECT 1 FROM schema_migrations WHERE version = 5").get());
    const people = new PeopleRepository(db);
    const serena = people.list()[0]!;
    assert.equal(serena.resemblanceToReview, false);
    const { personId: venus } = createPerson(people, 'Venus', [0.9, 0.1]);
    const { personId: other } = createPerson(people, 'Other', [0, 1]);
    people.recordResemblance(venus, serena.id, 0.53);
    assert.equal(people.get(serena.id)!.resemblanceToReview, true);
    assert.equal(people.get(other)!.resemblanceToReview, false);
    assert.throws(() => people.recordResemblance(venus, venus, 0.9), /CHECK constraint/);
    assert.equal(people.reviewResemblance(serena.id, venus, 'hr', audit), true, 'reviewable from either side');
    assert.equal(people.get(venus)!.resemblanceToReview, false);
    assert.equal(people.reviewResemblance(serena.id, other, 'hr', audit), false);
    people.erase(serena.id, audit);
    assert.equal((db.prepare('SELECT COUNT(*) AS n FROM person_resemblances').get() as { n: number }).n, 0);
    db.close();
  });

  test('migration 6: entries written before it are linked in order; the trail is append-only from then on', () => {
    const path = join(dir.path, 'm-audit-chain.db');
    const v5 = openDatabase(path, { migrations: migrations.filter((m) => m.version <= 5) });
    const insert = v5.prepare("INSERT INTO audit_log (at, operator, action, subject_kind, subject_id, subject_label, details_json) VALUES (?, 'hr', ?, 'person', 1, 'Ada', '{}')");
    insert.run('2026-01-01T08:00:00.000Z', 'person.enrolled');
    insert.run('2026-01-02T08:00:00.000Z', 'person.updated');
    v5.close();
    const db = openDatabase(path);
    assert.ok(db.prepare('SELECT 1 FROM schema_migrations WHERE version = 6').get());
    const rows = db.prepare('SELECT id, prev_hash, hash FROM audit_log ORDER BY id').all() as Array<{ id: number; prev_hash: string; hash: string }>;
    assert.equal(rows.length, 2);
    assert.equal(rows[0]!.prev_hash, GENESIS_HASH);
    assert.equal(rows[1]!.prev_hash, rows[0]!.hash, 'the second entry is linked to the first');
    const auditLog = new AuditRepository(db);
    assert.deepEqual(auditLog.verify(), { entries: 2, ok: true, firstBadId: null, problem: null, appendOnly: true });
    const id = auditLog.append({ operator: 'admin', action: 'camera.added', subjectKind: 'camera', subjectId: 3, subjectLabel: 'Gate' });
    assert.equal(id, 3);
    assert.equal(auditLog.verify().ok, true);
    assert.throws(() => db.prepare("UPDATE audit_log SET operator = 'someone else' WHERE id = 1").run(), /append-only/);
    assert.throws(() => db.prepare('DELETE FROM audit_log WHERE id = 3').run(), /append-only/);
    assert.throws(
      () => db.prepare("INSERT INTO audit_log (at, operator, action, subject_kind, details_json) VALUES ('now', 'x', 'y', 'z', '{}')").run(),
      /linked/,
      'an entry that bypasses the chain is refused',
    );
    db.close();
  });

  test('migration 10 on a version-9 file: a cluster\'s sightings and a person\'s named clusters are read through indexes (no scan)', () => {
    const path = join(dir.path, 'm-find-person.db');
    const v6 = openDatabase(path, { migrations: migrations.filter((m) => m.version <= 9) });
    const now = new Date().toISOString();
    const cluster = Number(v6.prepare("INSERT INTO unknown_clusters (embedder_id, first_seen, last_seen, appearances, created_at, updated_at) VALUES ('e', ?, ?, 1, ?, ?)").run(now, now, now, now).lastInsertRowid);
    v6.prepare("INSERT INTO sightings (camera_name, status, first_seen, last_seen, frames, cluster_id) VALUES ('Gate', 'unknown', ?, ?, 1, ?)").run(now, now, cluster);
    v6.close();
    const db = openDatabase(path);
    assert.ok(db.prepare('SELECT 1 FROM schema_migrations WHERE version = 10').get());
    assert.equal((db.prepare('SELECT COUNT(*) AS n FROM sightings WHERE cluster_id = ?').get(cluster) as { n: number }).n, 1, 'rows kept');
    const plan = (sql: string) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(1) as Array<{ detail: string }>).map((r) => r.detail).join('; ');
    assert.match(plan('SELECT * FROM sightings WHERE cluster_id = ? ORDER BY last_seen DESC LIMIT 20'), /USING INDEX sightings_cluster/);
    assert.doesNotMatch(plan('SELECT * FROM sightings WHERE cluster_id = ? ORDER BY last_seen DESC LIMIT 20'), /TEMP B-TREE/, 'already in order');
    assert.match(plan('SELECT id FROM unknown_clusters WHERE person_id = ?'), /USING (COVERING )?INDEX unknown_clusters_person/);
    // What a cluster's deletion sets to NULL is found by index, not by a scan.
    assert.match(plan('SELECT id FROM unknown_faces WHERE appearance_id = ?'), /USING (COVERING )?INDEX unknown_faces_appearance/);
    assert.match(plan('SELECT id FROM unknown_clusters WHERE merged_into = ?'), /USING (COVERING )?INDEX unknown_clusters_merged_into/);
    db.close();
  });
});

describe('migration 12', () => {
  test('on a version-10 file: sightings keep their rows and learn who named them; remote faces and a job queue that checks its rows', () => {
    const path = join(dir.path, 'm12.db');
    const v10 = openDatabase(path, { migrations: migrations.filter((m) => m.version <= 10) });
    const now = new Date().toISOString();
    v10.prepare("INSERT INTO sightings (camera_name, status, first_seen, last_seen, frames) VALUES ('Gate', 'unknown', ?, ?, 1)").run(now, now);
    v10.close();
    const db = openDatabase(path);
    assert.ok(db.prepare('SELECT 1 FROM schema_migrations WHERE version = 12').get());
    assert.deepEqual(db.prepare('SELECT camera_name, match_source FROM sightings').all(), [{ camera_name: 'Gate', match_source: null }], 'old rows kept, source unknown');
    db.prepare("UPDATE sightings SET match_source = 'remote'").run();
    assert.throws(() => db.prepare("UPDATE sightings SET match_source = 'cloud'").run(), /CHECK/);
    // An index job carries its crop, a delete job none.
    db.prepare("INSERT INTO remote_face_jobs (kind, person_id, crop_jpeg, created_at) VALUES ('index', 7, x'ffd8ff', ?)").run(now);
    db.prepare("INSERT INTO remote_face_jobs (kind, person_id, created_at) VALUES ('delete', 7, ?)").run(now);
    assert.throws(() => db.prepare("INSERT INTO remote_face_jobs (kind, person_id, created_at) VALUES ('index', 7, ?)").run(now), /CHECK/);
    assert.throws(() => db.prepare("INSERT INTO remote_face_jobs (kind, person_id, crop_jpeg, created_at) VALUES ('delete', 7, x'00', ?)").run(now), /CHECK/);
    assert.throws(() => db.prepare("INSERT INTO remote_face_jobs (kind, person_id, created_at) VALUES ('rename', 7, ?)").run(now), /CHECK/);
    // No foreign key to persons: a face held remotely stays listed after the person is gone, until it is deleted.
    db.prepare("INSERT INTO remote_faces (face_id, person_id, collection, indexed_at) VALUES ('0b2c5f4e-1', 999, 'site', ?)").run(now);
    assert.throws(() => db.prepare("INSERT INTO remote_faces (face_id, person_id, collection, indexed_at) VALUES ('0b2c5f4e-1', 5, 'site', ?)").run(now), /UNIQUE|PRIMARY/);
    const plan = (db.prepare('EXPLAIN QUERY PLAN SELECT face_id FROM remote_faces WHERE person_id = ?').all(1) as Array<{ detail: string }>).map((r) => r.detail).join('; ');
    assert.match(plan, /USING (COVERING )?INDEX remote_faces_person/);
    db.close();
  });
});

describe('migration 7', () => {
  test('on a version-6 file: old alerts get count 1, their last time and subject; repeats are counted; the count cannot drop below 1', () => {
    const path = join(dir.path, 'm7-alert-repeats.db');
    const v5 = openDatabase(path, { migrations: migrations.filter((m) => m.version <= 6) });
    const at = '2026-11-01T08:00:00.000Z';
    const person = Number(v5.prepare("INSERT INTO persons (name, category, created_at, updated_at) VALUES ('Mallory', 'blocked', ?, ?)").run(at, at).lastInsertRowid);
    const camera = Number(v5.prepare("INSERT INTO cameras (name, source_json, created_at) VALUES ('Gate', '{}', ?)").run(at).lastInsertRowid);
    const insert = v5.prepare('INSERT INTO alerts (rule, priority, camera_id, camera_name, person_id, cluster_id, message, created_at) VALUES (?, ?, ?, ?, ?, NULL, ?, ?)');
    insert.run('blocklisted_seen', 'high', camera, 'Gate', person, 'Blocklisted person Mallory seen at Gate', at);
    insert.run('restricted_area', 'high', camera, 'Gate', null, 'An unknown person at restricted camera Gate', at);
    insert.run('camera_offline', 'medium', camera, 'Gate', null, 'Camera Gate is offline', at);
    insert.run('camera_offline', 'medium', null, 'Gone', null, 'Camera Gone is offline', at);
    v5.close();

    const db = openDatabase(path);
    assert.ok(db.prepare('SELECT 1 FROM schema_migrations WHERE version = 7').get());
    const rows = db.prepare('SELECT rule, count, last_raised_at, subject_key FROM alerts ORDER BY id').all();
    assert.deepEqual(rows, [
      { rule: 'blocklisted_seen', count: 1, last_raised_at: at, subject_key: `person:${person}` },
      { rule: 'restricted_area', count: 1, last_raised_at: at, subject_key: `unknown-at-camera:${camera}` },
      { rule: 'camera_offline', count: 1, last_raised_at: at, subject_key: `camera:${camera}` },
      { rule: 'camera_offline', count: 1, last_raised_at: at, subject_key: null },
    ]);
    const repo = new AlertsRepository(db);
    const open = repo.latestOpen('blocklisted_seen', `person:${person}`)!;
    assert.equal(open.count, 1);
    assert.equal(open.lastRaisedAt, at);
    const draft = { rule: 'blocklisted_seen', priority: 'high', cameraId: camera, cameraName: 'Gate', clusterId: null, personId: person, message: 'again' } as const;
    const repeated = repo.repeat(open.id, draft, new Date('2026-11-01T08:05:00.000Z'))!;
    assert.deepEqual([repeated.count, repeated.lastRaisedAt, repeated.createdAt, repeated.message], [2, '2026-11-01T08:05:00.000Z', at, 'again']);
    repo.acknowledge(open.id, 'test', null);
    assert.equal(repo.repeat(open.id, draft), null, 'an acknowledged alert takes no repeats');
    assert.equal(repo.latestOpen('blocklisted_seen', `person:${person}`), null);
    assert.throws(() => db.prepare('UPDATE alerts SET count = 0 WHERE id = ?').run(open.id), /CHECK constraint/);
    db.close();
  });
});

describe('migration 8', () => {
  test('on a version-7 file: cameras become direction "none", old visits keep no direction, shifts checked, a removed shift leaves people without one', () => {
    const path = join(dir.path, 'm8-attendance.db');
    const v7 = openDatabase(path, { migrations: migrations.filter((m) => m.version <= 7) });
    const at = '2026-11-01T08:00:00.000Z';
    const camera = Number(v7.prepare("INSERT INTO cameras (name, source_json, created_at) VALUES ('Gate', '{}', ?)").run(at).lastInsertRowid);
    v7.prepare("INSERT INTO sightings (camera_id, camera_name, status, first_seen, last_seen) VALUES (?, 'Gate', 'unknown', ?, ?)").run(camera, at, at);
    const person = Number(v7.prepare("INSERT INTO persons (name, department, created_at, updated_at) VALUES ('Ada', 'Assembly', ?, ?)").run(at, at).lastInsertRowid);
    v7.close();
    const db = openDatabase(path);
    assert.ok(db.prepare('SELECT 1 FROM schema_migrations WHERE version = 8').get());
    assert.deepEqual(db.prepare('SELECT direction FROM cameras').get(), { direction: 'none' });
    assert.deepEqual(db.prepare('SELECT camera_direction FROM sightings').get(), { camera_direction: null });
    assert.throws(() => db.prepare("UPDATE cameras SET direction = 'sideways'").run(), /CHECK constraint/);
    const shift = db.prepare("INSERT INTO shifts (name, start_time, end_time, days, created_at) VALUES (?, ?, ?, '[\"mon\"]', ?)");
    assert.throws(() => shift.run('Zero', '08:00', '08:00', at), /CHECK constraint/, 'a shift cannot end when it starts');
    assert.throws(() => shift.run('Bad', '8:00', '17:00', at), /CHECK constraint/);
    const id = Number(shift.run('Day', '08:00', '17:00', at).lastInsertRowid);
    assert.throws(() => shift.run('DAY', '09:00', '17:00', at), /UNIQUE/, 'names are unique in any case');
    db.prepare('UPDATE persons SET shift_id = ? WHERE id = ?').run(id, person);
    db.prepare("INSERT INTO department_shifts (department, shift_id) VALUES ('Assembly', ?)").run(id);
    db.prepare('DELETE FROM shifts WHERE id = ?').run(id);
    assert.deepEqual(db.prepare('SELECT shift_id FROM persons').get(), { shift_id: null });
    assert.equal((db.prepare('SELECT COUNT(*) AS n FROM department_shifts').get() as { n: number }).n, 0);
    db.close();
  });
});

describe('migration 9', () => {
  test('migration 9 on a version-8 file: operators with unique names in any case, hashes only, roles checked, the last enabled admin kept', () => {
    const path = join(dir.path, 'm9-operators.db');
    const v8 = openDatabase(path, { migrations: migrations.filter((m) => m.version <= 8) });
    createPerson(new PeopleRepository(v8), 'Kept', [1, 0]);
    v8.close();
    const db = openDatabase(path);
    assert.ok(db.prepare('SELECT 1 FROM schema_migrations WHERE version = 9').get());
    assert.equal(new PeopleRepository(db).list().length, 1, 'people survive');
    assert.deepEqual(db.prepare("SELECT value FROM settings WHERE key = 'session_idle_timeout_minutes'").get(), { value: '15' });
    const add = (name: string, role: string, hash = 'scrypt$1$1$1$c2FsdA==$aGFzaA==') =>
      db.prepare("INSERT INTO operators (name, display_name, role, password_hash, created_at, password_changed_at) VALUES (?, ?, ?, ?, 'now', 'now')").run(name, name, role, hash);
    add('Ada', 'admin');
    assert.throws(() => add('ADA', 'viewer'), /UNIQUE constraint failed: operators\.name/);
    assert.throws(() => add('Bob', 'superuser'), /CHECK constraint/);
    assert.throws(() => add('Eve', 'viewer', 'plain text password'), /CHECK constraint/, 'only an scrypt hash is stored');
    assert.throws(() => db.prepare("UPDATE operators SET disabled = 1 WHERE name = 'Ada'").run(), /LAST_ADMIN/);
    assert.throws(() => db.prepare("UPDATE operators SET role = 'hr' WHERE name = 'Ada'").run(), /LAST_ADMIN/);
    assert.throws(() => db.prepare("DELETE FROM operators WHERE name = 'Ada'").run(), /LAST_ADMIN/);
    add('Grace', 'admin');
    db.prepare("UPDATE operators SET disabled = 1 WHERE name = 'Ada'").run();
    assert.throws(() => db.prepare("UPDATE operators SET role = 'viewer' WHERE name = 'Grace'").run(), /LAST_ADMIN/, 'a disabled admin does not count');
    db.prepare("UPDATE operators SET display_name = 'Grace H.' WHERE name = 'Grace'").run();
    db.close();
  });
});

describe('migration 11', () => {
  test('on a version-10 file: shifts keep judging overtime from 30 minutes, thresholds checked; old locks stay unfrozen; frozen days go with their lock and their person', () => {
    const path = join(dir.path, 'm11-attendance.db');
    const v10 = openDatabase(path, { migrations: migrations.filter((m) => m.version <= 10) });
    const at = '2026-11-01T08:00:00.000Z';
    v10.prepare("INSERT INTO shifts (name, start_time, end_time, days, created_at) VALUES ('Day', '08:00', '17:00', '[\"mon\"]', ?)").run(at);
    v10.prepare("INSERT INTO attendance_locks (first_day, last_day, locked_by, locked_at) VALUES ('2026-10-01', '2026-10-31', 'hr', ?)").run(at);
    const person = Number(v10.prepare("INSERT INTO persons (name, created_at, updated_at) VALUES ('Ada', ?, ?)").run(at, at).lastInsertRowid);
    v10.close();
    const db = openDatabase(path);
    assert.ok(db.prepare('SELECT 1 FROM schema_migrations WHERE version = 11').get());
    assert.deepEqual(db.prepare('SELECT overtime_after_minutes FROM shifts').get(), { overtime_after_minutes: 30 });
    assert.throws(() => db.prepare('UPDATE shifts SET overtime_after_minutes = -1').run(), /CHECK constraint/);
    assert.throws(() => db.prepare('UPDATE shifts SET overtime_after_minutes = 1441').run(), /CHECK constraint/);
    db.prepare('UPDATE shifts SET overtime_after_minutes = 0').run();
    assert.deepEqual(db.prepare('SELECT frozen FROM attendance_locks').get(), { frozen: 0 }, 'a lock made before has no copy of its days');
    const lock = Number(db.prepare("INSERT INTO attendance_locks (first_day, last_day, locked_by, locked_at, frozen) VALUES ('2026-11-01', '2026-11-30', 'hr', ?, 1)").run(at).lastInsertRowid);
    const keep = db.prepare('INSERT INTO attendance_locked_days (lock_id, person_id, day, record_json) VALUES (?, ?, ?, ?)');
    assert.throws(() => keep.run(lock, person, '2026-11-02', 'not json'), /CHECK constraint/);
    keep.run(lock, person, '2026-11-02', '{"status":["on_time"]}');
    assert.throws(() => keep.run(lock, person, '2026-11-02', '{}'), /UNIQUE|PRIMARY KEY/, 'one copy of a day per lock and person');
    db.prepare('DELETE FROM persons WHERE id = ?').run(person);
    assert.equal((db.prepare('SELECT COUNT(*) AS n FROM attendance_locked_days').get() as { n: number }).n, 0, "erasing a person erases their frozen days");
    db.close();
  });
});

describe('migration 13', () => {
  test('on a version-12 file: kept occupancy hours and months, their rows checked, no link to a person or a visit', () => {
    const path = join(dir.path, 'm13-occupancy.db');
    const v12 = openDatabase(path, { migrations: migrations.filter((m) => m.version <= 12) });
    const now = new Date().toISOString();
    v12.prepare("INSERT INTO sightings (camera_name, status, first_seen, last_seen, frames) VALUES ('Gate', 'unknown', ?, ?, 1)").run(now, now);
    v12.close();
    const db = openDatabase(path);
    assert.ok(db.prepare('SELECT 1 FROM schema_migrations WHERE version = 13').get());
    assert.equal((db.prepare('SELECT COUNT(*) AS n FROM sightings').get() as { n: number }).n, 1, 'visits untouched');
    const hour = db.prepare('INSERT INTO occupancy_hours (hour_start, day, hour, entered, exited, present, reset_hour, written_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    hour.run('2026-10-25T00:00:00.000Z', '2026-10-25', '02:00', 1, 0, 1, 3, now);
    hour.run('2026-10-25T01:00:00.000Z', '2026-10-25', '02:00', 0, 0, 1, 3, now); // the fall-back night's second 02:00
    assert.throws(() => hour.run('2026-10-25T01:00:00.000Z', '2026-10-25', '03:00', 0, 0, 0, 3, now), /UNIQUE|PRIMARY/, 'one row per real hour');
    for (const bad of [
      ['2026-10-26T00:00:00.000Z', '26.10.2026', '02:00', 0, 0, 0, 3],
      ['2026-10-26T00:00:00.000Z', '2026-10-26', '2:00', 0, 0, 0, 3],
      ['2026-10-26T00:00:00.000Z', '2026-10-26', '02:00', -1, 0, 0, 3],
      ['2026-10-26T00:00:00.000Z', '2026-10-26', '02:00', 0, 0, -1, 3],
      ['2026-10-26T00:00:00.000Z', '2026-10-26', '02:00', 0, 0, 0, 24],
    ]) {
      assert.throws(() => hour.run(...bad, now), /CHECK/, JSON.stringify(bad));
    }
    const month = db.prepare('INSERT INTO occupancy_months (month, days, hours, entered, exited, peak_present, peak_day, peak_hour, average_daily_peak, updated_at) VALUES (?, 1, 2, 1, 0, 1, ?, ?, 1, ?)');
    month.run('2026-10', '2026-10-25', '02:00', now);
    assert.throws(() => month.run('2026-10', null, null, now), /UNIQUE|PRIMARY/);
    assert.throws(() => month.run('Oct 2026', null, null, now), /CHECK/);
    const plan = (db.prepare('EXPLAIN QUERY PLAN SELECT hour FROM occupancy_hours WHERE day = ?').all('2026-10-25') as Array<{ detail: string }>).map((r) => r.detail).join('; ');
    assert.match(plan, /INDEX occupancy_hours_day/);
    db.close();
  });
});
