/**
 * Internal error messages (SQLite's text, file paths) used to reach clients as
 * they were. A client now gets a typed code and plain words (with a reference);
 * the details go to <data>/logs/vigil.log under that reference. Errors are made
 * for real: a table dropped under the engine, a data folder that cannot be
 * written, a damaged database page, a full disk, a database locked by another
 * program.
 */
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import type { ErrorPayload } from '../../src-preload/contract.js';
import { createDispatcher, LOCAL_OPERATOR } from '../../src-main/engine/api/dispatcher.js';
import { createHandlers } from '../../src-main/engine/api/handlers.js';
import { Engine } from '../../src-main/engine/engine.js';
import { clientError } from '../../src-main/engine/errors.js';
import { LiveService } from '../../src-main/engine/live/live-service.js';
import { startServer } from '../../src-main/server/server.js';
import { signedInConsole } from '../helpers/operators.js';
import { tempDir } from '../helpers/paths.js';

const dir = tempDir();
after(() => dir.cleanup());

function unitVector(seed: number): Float32Array {
  const v = new Float32Array(512).map((_, i) => Math.sin(seed * 3.3 + i * 0.71));
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

/** The error a client got: no SQLite text, no path of the data folder, a reference that the log explains. */
function assertPlain(error: ErrorPayload, dataDir: string, internalText: RegExp): string {
  assert.doesNotMatch(error.message, internalText, 'the internal text stays out of the message');
  assert.ok(!error.message.includes(dataDir), `no data folder path in "${error.message}"`);
  assert.doesNotMatch(error.message, /SQLITE_|EEXIST|ENOENT|\/tmp\//);
  const reference = /reference ([0-9a-f]{8})/.exec(error.message)?.[1];
  assert.ok(reference, `the message gives a reference: "${error.message}"`);
  const logged = readFileSync(join(dataDir, 'logs', 'vigil.log'), 'utf8').split('\n').filter((l) => l.includes(reference));
  assert.equal(logged.length, 1, 'the log has the details under that reference');
  assert.match(logged[0]!, internalText);
  return reference;
}

async function openEngine(name: string): Promise<{ engine: Engine; dataDir: string; dispatch: ReturnType<typeof createDispatcher>; live: LiveService }> {
  const dataDir = join(dir.path, name);
  const engine = await Engine.open({ dataDir, modelsDir: join(dir.path, 'no-models') });
  const live = new LiveService(engine);
  return { engine, dataDir, live, dispatch: createDispatcher(createHandlers(engine, live), { log: engine.log }) };
}

describe('errors reach clients as typed codes in plain words; details only in the log', () => {
  test('a SQLite error over the headless host WebSocket: INTERNAL in plain words, SQLite text only in the log', async () => {
    const dataDir = join(dir.path, 'host');
    const server = await startServer({ dataDir, modelsDir: join(dir.path, 'no-models'), port: 0, host: '127.0.0.1', staticDir: join(dir.path, 'no-static') });
    try {
      const other = new Database(join(dataDir, 'vigil.db'));
      other.exec('DROP TABLE alerts');
      other.close();
      const client = await signedInConsole(server);
      const envelope = await client.call('alerts.list', {});
      await client.close();
      assert.equal(envelope.ok, false);
      const error = (envelope as { ok: false; error: ErrorPayload }).error;
      assert.equal(error.code, 'INTERNAL');
      assertPlain(error, dataDir, /no such table: alerts/);
    } finally {
      await server.close();
    }
  });

  test('a data folder that cannot be written (an index folder replaced by a file): no path to the client', async () => {
    const { engine, dataDir, dispatch, live } = await openEngine('unwritable');
    try {
      const saved = engine.saveTemplates({ name: 'Index Check', category: 'employee' }, [{ embedding: unitVector(1), quality: 0.9, source: 'a.jpg' }], { operator: 'test', origin: 'test' });
      engine.addToGallery(saved.templates);
      rmSync(join(dataDir, 'index'), { recursive: true });
      writeFileSync(join(dataDir, 'index'), 'not a folder');
      const envelope = await dispatch('people.setStatus', { id: saved.person.id, status: 'inactive' }, LOCAL_OPERATOR);
      assert.equal(envelope.ok, false);
      const error = (envelope as { ok: false; error: ErrorPayload }).error;
      assert.equal(error.code, 'STORAGE_ERROR');
      assert.match(error.message, /could not (read or )?write its data folder/);
      assertPlain(error, dataDir, /EEXIST|ENOTDIR/);
    } finally {
      await live.close();
      await engine.close();
    }
  });

  test('a damaged database page met while running: DATABASE_CORRUPT, telling how to restore a backup', async () => {
    const first = await openEngine('corrupt');
    const now = new Date();
    first.engine.db.transaction(() => {
      for (let i = 0; i < 400; i++) {
        first.engine.sightingRepo.insert({ cameraId: null, cameraName: `camera ${'x'.repeat(200)} ${i}`, personId: null, status: 'unknown', trackId: i, firstSeen: now, lastSeen: now, bestScore: null, frames: 1 });
      }
    })();
    await first.live.close();
    await first.engine.close();
    const { engine, dataDir, dispatch, live } = await openEngine('corrupt');
    try {
      // The sightings table's pages on disk, overwritten behind the engine's back (it has not read them yet).
      const probe = new Database(join(dataDir, 'vigil.db'), { readonly: true });
      const pages = (probe.prepare("SELECT pageno FROM dbstat WHERE name = 'sightings'").all() as Array<{ pageno: number }>).map((r) => r.pageno);
      const pageSize = probe.pragma('page_size', { simple: true }) as number;
      probe.close();
      const bytes = readFileSync(join(dataDir, 'vigil.db'));
      for (const page of pages) bytes.fill(0xa5, (page - 1) * pageSize, page * pageSize);
      writeFileSync(join(dataDir, 'vigil.db'), bytes);
      // The engine may have read those pages at open (the occupancy snapshot looks at visits) and
      // would serve them from SQLite's cache: drop the cache, as time and memory pressure would.
      engine.db.pragma('shrink_memory');
      const envelope = await dispatch('sightings.list', { limit: 1000 }, LOCAL_OPERATOR);
      assert.equal(envelope.ok, false);
      const error = (envelope as { ok: false; error: ErrorPayload }).error;
      assert.equal(error.code, 'DATABASE_CORRUPT');
      assert.match(error.message, /damaged/);
      assert.match(error.message, /npm run cli -- restore/);
      assertPlain(error, dataDir, /malformed|corrupt/i);
    } finally {
      await live.close();
      await engine.close();
    }
  });

  test('real storage errors map to their codes: full disk, full database, a database locked by another program', () => {
    let diskFull: unknown;
    try {
      writeFileSync('/dev/full', 'x');
    } catch (error) {
      diskFull = error;
    }
    if (diskFull) assert.equal(clientError(diskFull).code, 'DISK_FULL');

    const path = join(dir.path, 'small.db');
    const small = new Database(path);
    small.exec('CREATE TABLE t (x BLOB)');
    small.pragma('max_page_count = 8');
    let full: unknown;
    try {
      for (let i = 0; i < 100; i++) small.prepare('INSERT INTO t VALUES (?)').run(Buffer.alloc(4096));
    } catch (error) {
      full = error;
    }
    small.close();
    assert.equal(clientError(full).code, 'DISK_FULL');

    const holder = new Database(path);
    holder.exec('BEGIN EXCLUSIVE');
    const other = new Database(path, { timeout: 0 });
    let busy: unknown;
    try {
      other.prepare('SELECT * FROM t').all();
    } catch (error) {
      busy = error;
    }
    holder.exec('ROLLBACK');
    holder.close();
    other.close();
    const payload = clientError(busy);
    assert.equal(payload.code, 'DATABASE_BUSY');
    assert.doesNotMatch(payload.message, /database is locked|SQLITE/);
  });
});
