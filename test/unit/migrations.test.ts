import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { migrate, openDatabase, schemaVersion } from '../../src-main/engine/storage/database.js';
import { migrations } from '../../src-main/engine/storage/migrations.js';
import { PeopleRepository } from '../../src-main/engine/storage/repositories.js';
import { tempDir } from '../helpers/paths.js';

const dir = tempDir();
after(() => dir.cleanup());

describe('migrations', () => {
  test('versions are 1..n without gaps and each has a name', () => {
    migrations.forEach((m, i) => {
      assert.equal(m.version, i + 1);
      assert.ok(m.name.length > 0);
    });
  });

  test('migration 1 on a real file: WAL, tables, foreign keys, template generation trigger', () => {
    const db = openDatabase(join(dir.path, 'm1.db'));
    assert.equal(schemaVersion(db), 1);
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as Array<{ name: string }>).map((r) => r.name);
    for (const t of ['cameras', 'face_templates', 'persons', 'schema_migrations', 'settings', 'sightings']) assert.ok(tables.includes(t), t);
    const people = new PeopleRepository(db);
    const before = people.templatesGeneration();
    const { personId } = people.enroll('Ada', 'test', [{ embedding: new Float32Array([1, 0]), quality: 1, source: 'a.jpg' }]);
    assert.equal(people.templatesGeneration(), before + 1);
    // Templates go with their person (ON DELETE CASCADE needs foreign_keys=ON).
    people.remove(personId);
    assert.equal((db.prepare('SELECT COUNT(*) AS n FROM face_templates').get() as { n: number }).n, 0);
    assert.equal(people.templatesGeneration(), before + 2);
    // An embedding blob must match its declared dimension.
    assert.throws(() =>
      db.prepare("INSERT INTO face_templates (person_id, embedder_id, dimension, embedding, created_at) VALUES (1, 'x', 4, x'00', 'now')").run(),
    );
    db.close();
  });

  test('reopening applies nothing twice; data survives', () => {
    const path = join(dir.path, 'm2.db');
    const first = openDatabase(path);
    new PeopleRepository(first).enroll('Grace', 'test', [{ embedding: new Float32Array([0, 1]), quality: 1, source: 'g.jpg' }]);
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
    const broken = [...migrations, { version: migrations.length + 1, name: 'broken', sql: 'CREATE TABLE half (id INTEGER); SELECT nonsense FROM nowhere;' }];
    assert.throws(() => migrate(db, broken));
    assert.equal(schemaVersion(db), migrations.length);
    assert.equal(db.prepare("SELECT name FROM sqlite_master WHERE name = 'half'").get(), undefined);
    db.close();
  });
});
