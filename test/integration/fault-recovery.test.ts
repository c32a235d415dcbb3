/**
 * Faults with real processes: an engine process killed with SIGKILL in the
 * middle of a burst of writes, a deleted or truncated vector index, a damaged
 * database page, and backup / restore from the command line while an engine
 * writes. Each check is what an operator relies on after a crash.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, afterEach, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { Engine } from '../../src-main/engine/engine.js';
import { seededRandom } from '../../src-main/engine/util/seeded-random.js';
import { runCli } from '../helpers/cli.js';
import { projectRoot, tempDir } from '../helpers/paths.js';

const dir = tempDir();
after(() => dir.cleanup());
const random = seededRandom(Number(process.env.VIGIL_FAULT_SEED ?? 7));
const children = new Set<ChildProcess>();

interface Burst {
  child: ChildProcess;
  /** Lines printed after each commit: "S <id>", "T <template> <person>", "V <cluster>". */
  lines: string[];
  sightings: () => number[];
  untilSightings: (count: number) => Promise<void>;
  kill: () => Promise<void>;
}

/** Kills every burst process still running (a failed test must not leave one writing). */
async function stopBursts(): Promise<void> {
  for (const child of [...children]) {
    children.delete(child);
    if (child.exitCode !== null || child.signalCode !== null) continue;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await exited;
  }
}

function startBurst(dataDir: string, seed: number): Burst {
  const child = spawn(process.execPath, ['--import', 'tsx', join(projectRoot, 'test', 'fixtures', 'sighting-burst.ts'), dataDir, String(seed)], {
    cwd: projectRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  const lines: string[] = [];
  let partial = '', stderr = '';
  const waiters: Array<() => void> = [];
  child.stdout!.on('data', (data) => {
    const text = partial + data.toString();
    const parts = text.split('\n');
    partial = parts.pop()!;
    lines.push(...parts);
    for (const wake of waiters.splice(0)) wake();
  });
  child.stderr!.on('data', (d) => (stderr += d));
  const closed = new Promise<void>((resolve) => child.on('close', () => resolve()));
  const sightings = () => lines.filter((l) => l.startsWith('S ')).map((l) => Number(l.slice(2)));
  return {
    child,
    lines,
    sightings,
    async untilSightings(count) {
      while (sightings().length < count) {
        if (child.exitCode !== null) assert.fail(`the burst process ended early: ${stderr}`);
        await new Promise<void>((resolve) => waiters.push(resolve));
      }
    },
    async kill() {
      child.kill('SIGKILL');
      await closed; // lines already in the pipe were committed too: read to the end
      children.delete(child);
      assert.equal(child.signalCode, 'SIGKILL');
    },
  };
}

const sqlite = (path: string) => new Database(path, { readonly: true, fileMustExist: true });
const count = (path: string, table: string) => {
  const db = sqlite(path);
  try {
    return (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
  } finally {
    db.close();
  }
};

/** How the last engine start obtained its vector index, from its log. */
function lastIndexLoad(dataDir: string): string {
  const opened = readFileSync(join(dataDir, 'logs', 'vigil.log'), 'utf8').split('\n').filter((l) => l.includes('"message":"opened"'));
  return (JSON.parse(opened.at(-1)!) as { vectorIndex: string }).vectorIndex;
}

/** Every stored template is in the index and names its own person. */
function assertIndexMatchesDatabase(engine: Engine): void {
  const templates = engine.people.templates(engine.embedderId);
  assert.ok(templates.length > 0, 'there are templates to check');
  for (const t of templates) {
    const decision = engine.identifyEmbedding(t.embedding);
    assert.equal(decision.kind === 'match' ? decision.personId : null, t.personId, `template ${t.id} names its person`);
  }
}

async function openEngine(dataDir: string): Promise<Engine> {
  return Engine.open({ dataDir, modelsDir: join(dataDir, 'no-models') });
}

/** Overwrites every page of `table` in a closed database file with garbage. */
function damageTable(dbPath: string, table: string): void {
  const db = sqlite(dbPath);
  const pages = (db.prepare('SELECT pageno FROM dbstat WHERE name = ?').all(table) as Array<{ pageno: number }>).map((r) => r.pageno);
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  db.close();
  assert.ok(pages.length > 0);
  const bytes = readFileSync(dbPath);
  for (const page of pages) bytes.fill(0x5a, (page - 1) * pageSize, page * pageSize);
  writeFileSync(dbPath, bytes);
}

describe('fault recovery with real processes', () => {
  afterEach(stopBursts);
  const crashDir = join(dir.path, 'crash');

  test('kill -9 during a burst of sightings: everything committed is there after restart, the index matches, no half-written snapshot', async () => {
    for (let round = 1; round <= 3; round++) {
      const before = existsSync(join(crashDir, 'vigil.db')) ? count(join(crashDir, 'vigil.db'), 'sightings') : 0;
      const burst = startBurst(crashDir, round);
      await burst.untilSightings(120 + Math.floor(random() * 150));
      await burst.kill();
      const committed = burst.sightings();
      const templates = burst.lines.filter((l) => l.startsWith('T ')).length;
      assert.ok(templates > 0 && burst.lines.some((l) => l.startsWith('V ')), 'templates and snapshots were being written too');

      // Under their final name, only whole snapshot files: a file being written has a .tmp name.
      const snapshotsDir = join(crashDir, 'snapshots');
      const finalNames = readdirSync(snapshotsDir).filter((f) => f.endsWith('.vsnap'));

      const engine = await openEngine(crashDir);
      try {
        const stored = new Set((engine.db.prepare('SELECT id FROM sightings').all() as Array<{ id: number }>).map((r) => r.id));
        const lost = committed.filter((id) => !stored.has(id));
        assert.deepEqual(lost, [], `round ${round}: every committed sighting survived the kill`);
        assert.ok(stored.size >= before + committed.length);
        assert.equal((engine.db.pragma('integrity_check') as Array<{ integrity_check: string }>)[0]!.integrity_check, 'ok');
        assert.match(lastIndexLoad(crashDir), /^(loaded|rebuilt)$/);
        assertIndexMatchesDatabase(engine);
        for (const file of finalNames.filter((f) => existsSync(join(snapshotsDir, f)))) {
          const opened = engine.unknowns.vault.openSnapshot(file);
          assert.ok(opened.ok, `round ${round}: ${file} is whole (${opened.ok ? '' : opened.reason})`);
        }
        assert.deepEqual(readdirSync(snapshotsDir).filter((f) => f.endsWith('.tmp')), [], 'leftover temporary snapshot files are purged at start');
      } finally {
        await engine.close();
      }
    }
  });

  test('a deleted or truncated vector index (or its meta) is rebuilt on open, and matches the database', async () => {
    const indexFile = join(crashDir, 'index', 'faceplugin_512.hnsw');
    const damages: Array<[string, () => void]> = [
      ['deleted', () => rmSync(indexFile)],
      ['truncated to half', () => truncateSync(indexFile, Math.floor(statSync(indexFile).size / 2))],
      ['truncated to nothing', () => truncateSync(indexFile, 0)],
      ['meta truncated', () => truncateSync(`${indexFile}.meta.json`, 5)],
    ];
    for (const [what, damage] of damages) {
      damage();
      const engine = await openEngine(crashDir);
      try {
        assert.equal(lastIndexLoad(crashDir), 'rebuilt', `index ${what}: rebuilt`);
        assertIndexMatchesDatabase(engine);
      } finally {
        await engine.close();
      }
      assert.ok(statSync(indexFile).size > 0, 'and written again');
    }
    const engine = await openEngine(crashDir);
    await engine.close();
    assert.equal(lastIndexLoad(crashDir), 'loaded', 'the rebuilt index is used at the next start');
  });

  test('backup while an engine writes is consistent; restore is refused while it runs, then brings the backup back and keeps the replaced database', async () => {
    const dataDir = join(dir.path, 'live');
    const db = join(dataDir, 'vigil.db');
    const backupFile = join(dir.path, 'live-backup.db');
    const burst = startBurst(dataDir, 42);
    await burst.untilSightings(100);
    const committedBefore = Math.max(...burst.sightings());
    const backup = await runCli('main', ['backup', backupFile, '--db', db, '--json']);
    assert.equal(backup.code, 0, backup.stdout + backup.stderr);
    const summary = backup.lines[0] as { sightings: number; templates: number; integrity?: string };
    // One consistent moment: sightings 1..n with no gap, at least those committed before the backup began.
    const ids = (() => {
      const copy = sqlite(backupFile);
      try {
        return (copy.prepare('SELECT id FROM sightings ORDER BY id').all() as Array<{ id: number }>).map((r) => r.id);
      } finally {
        copy.close();
      }
    })();
    assert.equal(ids.length, summary.sightings);
    assert.deepEqual(ids, Array.from({ length: ids.length }, (_, i) => i + 1), 'no gap: one consistent moment');
    assert.ok(ids.length >= committedBefore, 'everything committed before the backup is in it');
    assert.ok(!existsSync(`${backupFile}-wal`), 'the backup is one self-contained file');
    if (process.platform !== 'win32') assert.equal((statSync(backupFile).mode & 0o777).toString(8), '600', 'owner-only, like the data folder');
    const again = await runCli('main', ['backup', backupFile, '--db', db, '--json']);
    assert.equal((again.lines[0]!.error as { code: string }).code, 'CONFLICT', 'an existing backup is never overwritten');

    const refused = await runCli('main', ['restore', backupFile, '--db', db, '--json']);
    assert.equal(refused.code, 1);
    assert.equal((refused.lines[0]!.error as { code: string }).code, 'DATA_FOLDER_IN_USE', 'the data folder lock names who holds it');
    assert.match((refused.lines[0]!.error as { message: string }).message, /is in use by .*pid \d+/);

    await burst.kill();
    const committed = burst.sightings().length;
    assert.ok(committed > summary.sightings, 'the engine wrote more after the backup');

    const restored = await runCli('main', ['restore', backupFile, '--db', db, '--json']);
    assert.equal(restored.code, 0, restored.stdout + restored.stderr);
    const report = restored.lines[0] as { previous: string; sightings: number };
    assert.equal(report.sightings, summary.sightings);
    assert.ok(existsSync(report.previous), 'the replaced database is kept aside');
    assert.ok(count(report.previous, 'sightings') >= committed, 'with everything it held');
    assert.ok(!existsSync(join(dataDir, 'index', 'faceplugin_512.hnsw')), 'the old index is gone');
    const engine = await openEngine(dataDir);
    try {
      assert.equal(engine.listSightings(1000).length, Math.min(1000, summary.sightings));
      assert.equal((engine.db.prepare('SELECT COUNT(*) AS n FROM sightings').get() as { n: number }).n, summary.sightings);
      assert.equal(lastIndexLoad(dataDir), 'rebuilt');
      assertIndexMatchesDatabase(engine);
    } finally {
      await engine.close();
    }
  });

  test('restore refuses what is not a sound Vigil database and leaves the database alone', async () => {
    const dataDir = join(dir.path, 'live');
    const db = join(dataDir, 'vigil.db');
    const sightingsBefore = count(db, 'sightings');
    const notADatabase = join(dir.path, 'notes.db');
    writeFileSync(notADatabase, 'these are not the pages you are looking for '.repeat(200));
    const otherDatabase = join(dir.path, 'other.db');
    const other = new Database(otherDatabase);
    other.exec('CREATE TABLE recipes (name TEXT)');
    other.close();
    const damaged = join(dir.path, 'damaged-backup.db');
    copyFileSync(join(dir.path, 'live-backup.db'), damaged);
    damageTable(damaged, 'sightings');
    for (const [file, why] of [
      [notADatabase, /not a database/],
      [otherDatabase, /not a Vigil database/],
      [damaged, /damaged/],
      [join(dir.path, 'missing.db'), /No backup file/],
    ] as const) {
      const result = await runCli('main', ['restore', file, '--db', db, '--json']);
      assert.notEqual(result.code, 0, `${file} refused`);
      assert.match((result.lines[0]!.error as { message: string }).message, why);
    }
    assert.equal(count(db, 'sightings'), sightingsBefore, 'the database was not touched');
  });

  test('a damaged database page: a typed error naming the file and how to restore a backup; the restore brings it back', async () => {
    const dataDir = join(dir.path, 'damaged');
    const db = join(dataDir, 'vigil.db');
    const burst = startBurst(dataDir, 99);
    await burst.untilSightings(60);
    await burst.kill();
    const backupFile = join(dir.path, 'before-damage.db');
    assert.equal((await runCli('main', ['backup', backupFile, '--db', db, '--json'])).code, 0);
    const opened = await openEngine(dataDir); // checkpoint the WAL into the file, as a clean stop does
    await opened.close();

    damageTable(db, 'face_templates');
    const people = await runCli('main', ['people', '--db', db, '--json']);
    assert.equal(people.code, 1);
    const error = people.lines[0]!.error as { code: string; message: string };
    assert.equal(error.code, 'DATABASE_CORRUPT');
    assert.ok(error.message.includes(db), `the message names the file: ${error.message}`);
    assert.match(error.message, /npm run cli -- restore <backup file>/);
    const text = await runCli('main', ['status', '--db', db]);
    assert.match(text.stderr, /is damaged.*\[DATABASE_CORRUPT\]/);

    // The file's first page (its header) damaged too: still the same clear error.
    const bytes = readFileSync(db);
    bytes.fill(0, 0, 100);
    writeFileSync(db, bytes);
    const header = await runCli('main', ['people', '--db', db, '--json']);
    assert.equal((header.lines[0]!.error as { code: string }).code, 'DATABASE_CORRUPT');

    const restored = await runCli('main', ['restore', backupFile, '--db', db, '--json']);
    assert.equal(restored.code, 0, restored.stdout + restored.stderr);
    const fixed = await runCli('main', ['people', '--db', db, '--json']);
    assert.equal(fixed.code, 0, fixed.stdout);
    assert.ok((fixed.lines[0] as unknown as unknown[]).length > 0, 'the people are back');
  });
});
