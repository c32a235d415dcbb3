import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { AuditRepository, type AuditRow, verifyAuditRows } from '../../src-main/engine/storage/audit-log.js';
import { openDatabase } from '../../src-main/engine/storage/database.js';
import { tempDir } from '../helpers/paths.js';

const dir = tempDir();
after(() => dir.cleanup());

const actions = ['person.enrolled', 'camera.added', 'alert.acknowledged', 'unknowns.merged', 'person.erased'];

/** A real trail of five entries on a fresh database; returns its rows in id order and the head. */
function writeTrail(name: string) {
  const path = join(dir.path, `${name}.db`);
  const db = openDatabase(path);
  const auditLog = new AuditRepository(db);
  actions.forEach((action, i) =>
    auditLog.append({ operator: i % 2 ? 'guard' : 'hr', action, subjectKind: action.split('.')[0]!, subjectId: i + 1, subjectLabel: `subject ${i + 1}`, details: { n: i } }, `2026-12-0${i + 1}T08:00:00.000Z`),
  );
  const rows = db.prepare('SELECT * FROM audit_log ORDER BY id').all() as AuditRow[];
  const head = auditLog.head();
  return { path, db, auditLog, rows, head };
}

describe('audit trail: the chain (pure check, table of tamperings)', () => {
  const { db, rows, head } = writeTrail('pure');
  db.close();
  const copy = () => rows.map((r) => ({ ...r }));

  test('an untouched trail verifies', () => {
    assert.deepEqual(verifyAuditRows(rows, head), { entries: 5, ok: true, firstBadId: null, problem: null, appendOnly: true });
  });

  const cases: Array<{ name: string; tamper: (rows: AuditRow[]) => AuditRow[]; firstBadId: number | null; problem: RegExp }> = [
    { name: 'operator edited', tamper: (r) => ((r[2]!.operator = 'someone else'), r), firstBadId: 3, problem: /changed/ },
    { name: 'time edited', tamper: (r) => ((r[1]!.at = '2026-12-09T08:00:00.000Z'), r), firstBadId: 2, problem: /changed/ },
    { name: 'details edited', tamper: (r) => ((r[0]!.details_json = '{"n":7}'), r), firstBadId: 1, problem: /changed/ },
    { name: 'subject edited', tamper: (r) => ((r[4]!.subject_label = 'nobody'), r), firstBadId: 5, problem: /changed/ },
    { name: 'edited and its hash recomputed', tamper: (r) => ((r[1]!.action = 'x'), (r[1]!.hash = 'f'.repeat(64)), r), firstBadId: 2, problem: /changed/ },
    { name: 'a middle entry deleted', tamper: (r) => r.filter((x) => x.id !== 3), firstBadId: 4, problem: /does not follow/ },
    { name: 'the first entry deleted', tamper: (r) => r.slice(1), firstBadId: 2, problem: /does not follow/ },
    { name: 'the last entry deleted', tamper: (r) => r.slice(0, 4), firstBadId: null, problem: /removed/ },
    { name: 'two entries swapped (contents moved between ids)', tamper: (r) => [r[0]!, { ...r[2]!, id: 2 }, { ...r[1]!, id: 3 }, r[3]!, r[4]!], firstBadId: 2, problem: /does not follow|changed/ },
    { name: 'two entries swapped (ids kept with them)', tamper: (r) => [r[0]!, r[2]!, r[1]!, r[3]!, r[4]!], firstBadId: 3, problem: /does not follow/ },
    { name: 'an entry inserted without a hash', tamper: (r) => [r[0]!, { ...r[1]!, id: 2, hash: null, prev_hash: null }, ...r.slice(1).map((x) => ({ ...x, id: x.id + 1 }))], firstBadId: 2, problem: /no hash/ },
  ];
  for (const c of cases) {
    test(`${c.name}: detected at ${c.firstBadId ?? 'the end'}`, () => {
      const result = verifyAuditRows(c.tamper(copy()), head);
      assert.equal(result.ok, false);
      assert.equal(result.firstBadId, c.firstBadId);
      assert.match(result.problem ?? '', c.problem);
    });
  }

  test('a missing head with entries is reported; an empty trail without a head is fine', () => {
    assert.equal(verifyAuditRows(rows, null).ok, false);
    assert.equal(verifyAuditRows([], null).ok, true);
  });
});

describe('audit trail: a real SQLite file tampered with outside Vigil', () => {
  /** What someone with the file and the sqlite3 tool would do: drop the triggers, then change rows. */
  function tamper(path: string, sql: string, restoreTriggers = true) {
    const raw = new Database(path);
    const triggers = raw.prepare("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log'").all() as Array<{ sql: string }>;
    raw.exec('DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete; DROP TRIGGER audit_log_linked;');
    raw.exec(sql);
    if (restoreTriggers) for (const t of triggers) raw.exec(t.sql);
    raw.close();
  }

  test('an edited row is named by verify', () => {
    const { path, db } = writeTrail('edit');
    db.close();
    tamper(path, "UPDATE audit_log SET operator = 'nobody' WHERE id = 2");
    const reopened = openDatabase(path);
    assert.deepEqual(
      { ...new AuditRepository(reopened).verify(), problem: undefined },
      { entries: 5, ok: false, firstBadId: 2, problem: undefined, appendOnly: true },
    );
    reopened.close();
  });

  test('a deleted row is found at the row after it; reordered rows at the first moved', () => {
    const deleted = writeTrail('delete');
    deleted.db.close();
    tamper(deleted.path, 'DELETE FROM audit_log WHERE id = 3');
    let db = openDatabase(deleted.path);
    assert.equal(new AuditRepository(db).verify().firstBadId, 4);
    db.close();

    const reordered = writeTrail('reorder');
    reordered.db.close();
    // Rows 2 and 4 change places (ids swapped through a spare one).
    tamper(reordered.path, 'UPDATE audit_log SET id = 100 WHERE id = 2; UPDATE audit_log SET id = 2 WHERE id = 4; UPDATE audit_log SET id = 4 WHERE id = 100;');
    db = openDatabase(reordered.path);
    const result = new AuditRepository(db).verify();
    assert.equal(result.ok, false);
    assert.equal(result.firstBadId, 2);
    db.close();
  });

  test('removed triggers are reported even when every row is intact', () => {
    const { path, db } = writeTrail('triggers');
    db.close();
    tamper(path, 'SELECT 1', false);
    const reopened = openDatabase(path);
    const result = new AuditRepository(reopened).verify();
    assert.equal(result.ok, false);
    assert.equal(result.appendOnly, false);
    assert.equal(result.firstBadId, null);
    reopened.close();
  });

  test('an entry commits with the change it records or not at all', () => {
    const { db, auditLog } = writeTrail('atomic');
    assert.throws(() =>
      db.transaction(() => {
        auditLog.append({ operator: 'hr', action: 'person.updated', subjectKind: 'person', subjectId: 1, subjectLabel: 'x' });
        throw new Error('the change failed');
      })(),
    );
    assert.equal((db.prepare('SELECT COUNT(*) AS n FROM audit_log').get() as { n: number }).n, 5);
    assert.equal(auditLog.verify().ok, true, 'the head rolled back with the entry');
    auditLog.append({ operator: 'hr', action: 'person.updated', subjectKind: 'person', subjectId: 1, subjectLabel: 'x' });
    assert.equal(auditLog.verify().entries, 6);
    assert.equal(auditLog.verify().ok, true);
    db.close();
  });

  test('list: newest first, filtered by operator, action family and time', () => {
    const { db, auditLog } = writeTrail('list');
    assert.deepEqual(auditLog.list().map((e) => e.id), [5, 4, 3, 2, 1]);
    assert.deepEqual(auditLog.list({ operator: 'GUARD' }).map((e) => e.id), [4, 2]);
    assert.deepEqual(auditLog.list({ action: 'person' }).map((e) => e.action), ['person.erased', 'person.enrolled']);
    assert.deepEqual(auditLog.list({ since: '2026-12-02T00:00:00.000Z', until: '2026-12-03T23:59:59.999Z' }).map((e) => e.id), [3, 2]);
    assert.deepEqual(auditLog.list({ limit: 2, beforeId: 4 }).map((e) => e.id), [3, 2]);
    assert.deepEqual(auditLog.list({ action: '%' }), [], 'a pattern character is matched literally');
    db.close();
  });
});
