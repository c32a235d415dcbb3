/**
 * `identify --record-unknowns` and `unknowns` through the real CLI, the real
 * models and LFW photos of people who are not enrolled.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCli } from '../helpers/cli.js';
import { installedModelPack } from '../helpers/model-pack.js';
import { sharedData, tempDir } from '../helpers/paths.js';

const dir = tempDir('vigil-cli-unknowns-');
after(() => dir.cleanup());
let models = '';
const db = () => join(dir.path, 'data', 'vigil.db');
const lfw = (name: string, n: number) => join(sharedData, 'lfw', 'images', name, `${name}_${String(n).padStart(4, '0')}.jpg`);

before(async () => {
  models = await installedModelPack();
});

type Face = { match: unknown; unknown?: { clusterId: number | null } };

function filesUnder(path: string): string[] {
  return readdirSync(path, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(path, e.name)) : [join(path, e.name)]));
}

describe('CLI: unknown people', () => {
  test('identify --record-unknowns: the same stranger twice shares a cluster, another stranger gets their own', async () => {
    const images = [lfw('Colin_Powell', 1), lfw('Serena_Williams', 1), lfw('Colin_Powell', 2)];
    const result = await runCli('main', ['identify', ...images, '--record-unknowns', '--db', db(), '--models', models, '--json']);
    assert.equal(result.code, 0, result.stderr);
    const [powell1, serena, powell2] = result.lines.map((l) => (l.faces as Face[])[0]!);
    assert.equal(powell1!.match, null);
    assert.equal(typeof powell1!.unknown?.clusterId, 'number');
    assert.equal(powell2!.unknown?.clusterId, powell1!.unknown?.clusterId);
    assert.notEqual(serena!.unknown?.clusterId, powell1!.unknown?.clusterId);
  });

  test('without --record-unknowns nothing is clustered and no "unknown" key is printed', async () => {
    const result = await runCli('main', ['identify', lfw('Colin_Powell', 3), '--db', db(), '--models', models, '--json']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal('unknown' in (result.lines[0]!.faces as Face[])[0]!, false);
  });

  test('unknowns --json lists clusters with their visit counts and first/last seen', async () => {
    const result = await runCli('main', ['unknowns', '--db', db(), '--models', models, '--json']);
    assert.equal(result.code, 0, result.stderr);
    const clusters = result.lines[0] as unknown as Array<{ id: number; count: number; firstSeen: string; lastSeen: string; hasSnapshot: boolean }>;
    assert.deepEqual(clusters.map((c) => c.count).sort(), [1, 2]);
    for (const c of clusters) {
      assert.ok(Date.parse(c.firstSeen) <= Date.parse(c.lastSeen));
      assert.equal(c.hasSnapshot, true);
    }
  });

  test('the data folder holds the snapshots encrypted: no JPEG/PNG signature in any file', () => {
    const files = filesUnder(join(dir.path, 'data'));
    assert.ok(files.some((f) => f.endsWith('.vsnap')));
    for (const file of files) {
      const bytes = readFileSync(file);
      assert.equal(bytes.indexOf(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])), -1, file);
      for (const marker of [0xe0, 0xe1, 0xdb, 0xee]) assert.equal(bytes.indexOf(Buffer.from([0xff, 0xd8, 0xff, marker])), -1, file);
    }
    assert.equal(statSync(join(dir.path, 'data', 'keys', 'snapshot.key')).mode & 0o777, 0o600);
  });

  test('unknowns --reset-key deletes the snapshots, keeps the clusters', async () => {
    const reset = await runCli('main', ['unknowns', '--reset-key', '--db', db(), '--models', models, '--json']);
    assert.equal(reset.code, 0, reset.stderr);
    assert.equal((reset.lines[0] as { snapshotsDeleted: number }).snapshotsDeleted, 2);
    const list = await runCli('main', ['unknowns', '--db', db(), '--models', models, '--json']);
    const clusters = list.lines[0] as unknown as Array<{ hasSnapshot: boolean }>;
    assert.equal(clusters.length, 2);
    assert.ok(clusters.every((c) => !c.hasSnapshot));
  });
});
