import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { AuditRepository } from '../../src-main/engine/storage/audit-log.js';
import { openDatabase } from '../../src-main/engine/storage/database.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/paths.js';

const dir = tempDir();
after(() => dir.cleanup());

function trail(name: string): string {
  const path = join(dir.path, name, 'vigil.db');
  const db = openDatabase(path);
  const auditLog = new AuditRepository(db);
  auditLog.append({ operator: 'hr', action: 'person.enrolled', subjectKind: 'person', subjectId: 1, subjectLabel: 'Ada' }, '2026-12-01T08:00:00.000Z');
  auditLog.append({ operator: 'guard', action: 'alert.acknowledged', subjectKind: 'alert', subjectId: 7, subjectLabel: '=HYPERLINK("x")' }, '2026-12-02T08:00:00.000Z');
  auditLog.append({ operator: 'admin', action: 'camera.added', subjectKind: 'camera', subjectId: 2, subjectLabel: 'Gate, north' }, '2026-12-03T08:00:00.000Z');
  db.close();
  return path;
}

describe('CLI: audit verify and list on a real database file', () => {
  test('an intact trail: ok, exit 0; an edited row: named, exit 1', async () => {
    const path = trail('verify');
    const intact = await runCli('main', ['audit', 'verify', '--db', path, '--json']);
    assert.equal(intact.code, 0, intact.stderr);
    assert.deepEqual(intact.lines, [{ entries: 3, ok: true, firstBadId: null, problem: null, appendOnly: true }]);

    // Someone with the file and sqlite3: triggers dropped, a row changed, the triggers put back.
    const raw = new Database(path);
    const triggers = raw.prepare("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log'").all() as Array<{ sql: string }>;
    raw.exec('DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete; DROP TRIGGER audit_log_linked;');
    raw.exec("UPDATE audit_log SET operator = 'nobody' WHERE id = 2");
    for (const t of triggers) raw.exec(t.sql);
    raw.close();
    const broken = await runCli('main', ['audit', 'verify', '--db', path, '--json']);
    assert.equal(broken.code, 1);
    assert.equal(broken.lines[0]!.ok, false);
    assert.equal(broken.lines[0]!.firstBadId, 2);
    assert.equal(broken.lines[0]!.entries, 3);

    const words = await runCli('main', ['audit', 'verify', '--db', path]);
    assert.match(words.stdout, /BROKEN at entry 2/);
  });

  test('list: newest first, filters, CSV that a spreadsheet will not run as a formula', async () => {
    const path = trail('list');
    const all = await runCli('main', ['audit', 'list', '--db', path, '--json']);
    assert.equal(all.code, 0, all.stderr);
    assert.deepEqual(all.lines.map((l) => l.id), [3, 2, 1]);
    const since = await runCli('main', ['audit', 'list', '--db', path, '--json', '--since', '2026-12-02', '--operator', 'GUARD']);
    assert.deepEqual(since.lines.map((l) => l.action), ['alert.acknowledged']);
    const csv = await runCli('main', ['audit', 'list', '--db', path, '--csv']);
    const rows = csv.stdout.trimEnd().split('\r\n');
    assert.equal(rows[0], 'id,at,operator,action,subject_kind,subject_id,subject_label,details');
    assert.equal(rows.length, 4);
    assert.ok(rows[1]!.includes('"Gate, north"'), rows[1]);
    assert.ok(rows[2]!.includes(`"'=HYPERLINK(""x"")"`), rows[2]);
  });

  test('bad input: a wrong date, a missing database, no sub-command', async () => {
    const path = trail('bad');
    const badDate = await runCli('main', ['audit', 'list', '--db', path, '--since', 'yesterday-ish']);
    assert.notEqual(badDate.code, 0);
    assert.match(badDate.stderr, /--since must be a date/);
    const missing = await runCli('main', ['audit', 'verify', '--db', join(dir.path, 'nowhere', 'vigil.db'), '--json']);
    assert.notEqual(missing.code, 0);
    const none = await runCli('main', ['audit', '--db', path]);
    assert.notEqual(none.code, 0);
    assert.match(none.stderr, /verify.*list/);
  });
});
