/**
 * The audit trail through the contract, as a client sees it: every camera
 * change made over the dispatcher is an entry with the caller's name, in the
 * change's transaction; refused and failed calls leave none; the trail
 * verifies, filters and exports over the same channels.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { permissions, type Permission } from '../../src-preload/contract.js';
import { createDispatcher, type Dispatch } from '../../src-main/engine/api/dispatcher.js';
import { createHandlers } from '../../src-main/engine/api/handlers.js';
import { Engine } from '../../src-main/engine/engine.js';
import { LiveService } from '../../src-main/engine/live/live-service.js';
import { hamiltonClip, tempDir } from '../helpers/paths.js';

const dir = tempDir();
let engine: Engine;
let live: LiveService;
let dispatch: Dispatch;
const admin = { operator: 'Site Admin', permissions: new Set<Permission>(permissions) };

before(async () => {
  // No models needed: cameras are added, restricted and removed without being started.
  engine = await Engine.open({ dataDir: join(dir.path, 'data'), modelsDir: join(dir.path, 'no-models') });
  live = new LiveService(engine);
  dispatch = createDispatcher(createHandlers(engine, live));
});

after(async () => {
  await live?.close();
  await engine?.close();
  dir.cleanup();
});

async function ok<T>(channel: string, request: unknown, caller = admin): Promise<T> {
  const result = await dispatch(channel, request, caller);
  assert.equal(result.ok, true, JSON.stringify(result));
  return (result as { value: T }).value;
}

describe('audit trail over the contract', () => {
  test('camera changes are entries with the caller; a refused or failed call writes none', async () => {
    const camera = await ok<{ id: number }>('cameras.add', { name: 'Gate', source: { kind: 'file', path: hamiltonClip, loop: false }, start: false });
    await ok('cameras.setRestricted', { id: camera.id, restricted: true });
    await ok('cameras.setRestricted', { id: camera.id, restricted: true }); // no change: no entry
    const before = engine.auditLog.list().length;
    const viewer = { operator: 'Viewer', permissions: new Set<Permission>(['cameras.read']) };
    const refused = await dispatch('cameras.remove', { id: camera.id }, viewer);
    assert.equal(refused.ok === false && refused.error.code, 'FORBIDDEN');
    const missing = await dispatch('cameras.setRestricted', { id: 9999, restricted: false }, admin);
    assert.equal(missing.ok === false && missing.error.code, 'NOT_FOUND');
    assert.equal(engine.auditLog.list().length, before, 'nothing was done, nothing recorded');
    await ok('cameras.remove', { id: camera.id });

    const entries = await ok<Array<{ action: string; operator: string; subjectId: number; subjectLabel: string; details: Record<string, unknown> }>>('audit.list', { action: 'camera' });
    assert.deepEqual(entries.map((e) => e.action), ['camera.removed', 'camera.restricted-set', 'camera.added']);
    assert.ok(entries.every((e) => e.operator === 'Site Admin' && e.subjectId === camera.id && e.subjectLabel === 'Gate'));
    assert.deepEqual(entries.at(-1)!.details, { kind: 'file', detectFps: 10, started: false, credentials: false });
    assert.ok(!JSON.stringify(entries).includes(hamiltonClip), 'the source path is not kept on the trail');
  });

  test('verify and CSV export over the contract; the export is itself an entry; bad filters are refused', async () => {
    const verdict = await ok<{ ok: boolean; entries: number }>('audit.verify', {});
    assert.equal(verdict.ok, true);
    const exported = await ok<{ csv: string; entries: number }>('audit.exportCsv', { action: 'camera.added', since: '2000-01-01' });
    assert.equal(exported.entries, 1);
    assert.equal(exported.csv.trimEnd().split('\r\n').length, 2);
    const last = (await ok<Array<{ action: string; details: { entries: number } }>>('audit.list', { limit: 1 }))[0]!;
    assert.equal(last.action, 'audit.exported');
    assert.equal(last.details.entries, 1);
    const bad = await dispatch('audit.list', { since: 'last tuesday' }, admin);
    assert.equal(bad.ok === false && bad.error.code, 'BAD_REQUEST');
    const noRight = await dispatch('audit.list', {}, { operator: 'Guard', permissions: new Set<Permission>(['live.view']) });
    assert.equal(noRight.ok === false && noRight.error.code, 'FORBIDDEN');
    assert.equal((await ok<{ ok: boolean }>('audit.verify', {})).ok, true);
  });
});
