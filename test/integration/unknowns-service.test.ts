/**
 * The unknowns service on a real SQLite file and real encrypted snapshot
 * files: visits, review actions, tampering, a lost key, retention. The
 * embeddings are synthetic (clustering quality itself is measured by
 * `npm run eval -- unknowns`); everything else is the engine as it runs.
 */
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Sighting } from '../../src-preload/contract.js';
import { SafeStorageKeyStore } from '../../src-main/electron/safe-storage-key-store.js';
import { Engine } from '../../src-main/engine/engine.js';
import type { LogEntry } from '../../src-main/engine/logger.js';
import { AuditRepository } from '../../src-main/engine/storage/repositories.js';
import { createDispatcher } from '../../src-main/engine/api/dispatcher.js';
import { createHandlers } from '../../src-main/engine/api/handlers.js';
import { LiveService } from '../../src-main/engine/live/live-service.js';
import type { Permission } from '../../src-preload/contract.js';
import { SnapshotVault } from '../../src-main/engine/unknowns/snapshot-vault.js';
import type { UnknownVisit } from '../../src-main/engine/unknowns/unknowns-service.js';
import { seededRandom } from '../../src-main/engine/util/seeded-random.js';
import { tempDir } from '../helpers/paths.js';
import { keychainOf } from '../helpers/stand-in-keychain.js';

const dir = tempDir('vigil-unknowns-');
after(() => dir.cleanup());

const DIM = 512; // the default embedder's size
const random = seededRandom(42);
const unit = (v: Float32Array) => {
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
};
/** A random direction per person; each visit is that direction plus a little noise (cosine ~0.9 to it). */
const person = () => unit(Float32Array.from({ length: DIM }, () => random() - 0.5));
const near = (base: Float32Array) => unit(base.map((x) => x + (random() - 0.5) * 0.02));
/** A face-sized RGB crop with some texture (JPEG of it must not be empty). */
const crop = () => ({ width: 64, height: 64, data: Uint8Array.from({ length: 64 * 64 * 3 }, (_, i) => (i * 7 + Math.floor(random() * 40)) % 256) });

function visit(base: Float32Array, over: Partial<UnknownVisit> = {}): UnknownVisit {
  return { faces: [{ embedding: near(base), quality: 0.8 }], crop: crop(), cropQuality: 0.8, cameraId: null, cameraName: 'Door', sightingId: null, seenAt: new Date(), ...over };
}

const JPEG = Buffer.from([0xff, 0xd8, 0xff]);
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
function filesUnder(path: string): string[] {
  return readdirSync(path, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(path, e.name)) : [join(path, e.name)]));
}
/** Files holding a JPEG start (FF D8 FF + an APPn/DQT marker) or a PNG signature anywhere. */
function imageSignatures(root: string): string[] {
  return filesUnder(root).filter((file) => {
    const bytes = readFileSync(file);
    if (bytes.indexOf(PNG) >= 0) return true;
    for (let at = bytes.indexOf(JPEG); at >= 0; at = bytes.indexOf(JPEG, at + 1)) {
      const marker = bytes[at + 3];
      if (marker !== undefined && (marker === 0xdb || (marker >= 0xe0 && marker <= 0xef))) return true;
    }
    return false;
  });
}

let engine: Engine;
const dataDir = join(dir.path, 'data');
const open = () => Engine.open({ dataDir, modelsDir: join(dir.path, 'no-models') });
const snapshotFiles = () => (existsSync(join(dataDir, 'snapshots')) ? readdirSync(join(dataDir, 'snapshots')) : []);

before(async () => {
  engine = await open();
});
after(async () => {
  await engine?.close();
});

describe('unknown people: visits, snapshots at rest, review actions', () => {
  const ada = person(), bob = person(), cy = person();
  let adaCluster = 0, bobCluster = 0;

  test('visits of one stranger join one cluster, counted per visit; another stranger gets another', async () => {
    const first = await engine.unknowns.recordVisit(visit(ada, { cameraName: 'Door' }));
    const second = await engine.unknowns.recordVisit(visit(ada, { cameraName: 'Yard', faces: [{ embedding: near(ada), quality: 0.7 }, { embedding: near(ada), quality: 0.9 }] }));
    const other = await engine.unknowns.recordVisit(visit(bob));
    assert.ok(first && second && other);
    assert.equal(first.created, true);
    assert.equal(second.clusterId, first.clusterId);
    assert.equal(second.appearances, 2, 'a visit with two frames still counts once');
    assert.notEqual(other.clusterId, first.clusterId);
    adaCluster = first.clusterId;
    bobCluster = other.clusterId;
    const listed = engine.unknowns.list(10).find((c) => c.id === adaCluster)!;
    assert.deepEqual(listed.cameras, ['Door', 'Yard']);
    assert.equal(listed.faces.length, 3);
    assert.equal(listed.hasSnapshot, true);
  });

  test('a face too poor to cluster is not recorded', async () => {
    assert.equal(await engine.unknowns.recordVisit(visit(cy, { faces: [{ embedding: near(cy), quality: 0.1 }] })), null);
  });

  test('a cluster keeps at most 5 faces however often the stranger comes', async () => {
    for (let i = 0; i < 6; i++) await engine.unknowns.recordVisit(visit(bob, { cropQuality: 0.1 }));
    const cluster = engine.unknowns.list(10).find((c) => c.id === bobCluster)!;
    assert.equal(cluster.appearances, 7);
    assert.equal(cluster.faces.length, 5);
  });

  test('at rest: the data folder holds no JPEG or PNG anywhere; snapshot and key files are owner-only', () => {
    assert.ok(snapshotFiles().length >= 2);
    assert.deepEqual(imageSignatures(dataDir), []);
    for (const f of snapshotFiles()) assert.equal(statSync(join(dataDir, 'snapshots', f)).mode & 0o777, 0o600, f);
    assert.equal(statSync(join(dataDir, 'keys', 'snapshot.key')).mode & 0o777, 0o600);
  });

  test('the snapshot decrypts to a JPEG served as a data URL', () => {
    const snapshot = engine.unknowns.snapshot(adaCluster, 'guard');
    assert.equal(snapshot.state, 'available');
    const bytes = Buffer.from((snapshot as { dataUrl: string }).dataUrl.split(',')[1]!, 'base64');
    assert.deepEqual([...bytes.subarray(0, 3)], [0xff, 0xd8, 0xff]);
  });

  test('a tampered snapshot file is shown as unavailable, never a crash', () => {
    const record = engine.unknowns.repo.snapshot(bobCluster)!;
    const path = join(dataDir, 'snapshots', record.fileName);
    const original = readFileSync(path);
    const altered = Buffer.from(original);
    altered[altered.length - 5]! ^= 0x01;
    writeFileSync(path, altered);
    const snapshot = engine.unknowns.snapshot(bobCluster, 'guard');
    assert.equal(snapshot.state, 'unavailable');
    assert.match((snapshot as { reason: string }).reason, /altered or damaged/);
    writeFileSync(path, original.subarray(0, 10));
    assert.equal(engine.unknowns.snapshot(bobCluster, 'guard').state, 'unavailable');
    writeFileSync(path, original);
    assert.equal(engine.unknowns.snapshot(bobCluster, 'guard').state, 'available');
  });

  test('merging a cluster into itself is refused; merging two keeps one cluster with both visits', async () => {
    assert.throws(() => engine.unknowns.merge(adaCluster, adaCluster, 'guard'), /cannot be merged into itself/);
    const stray = await engine.unknowns.recordVisit(visit(person()));
    const before = snapshotFiles().length;
    const merged = engine.unknowns.merge(adaCluster, stray!.clusterId, 'guard');
    assert.equal(merged.appearances, 3);
    assert.equal(merged.hasSnapshot, true);
    assert.equal(snapshotFiles().length, before - 1, 'the losing snapshot file is deleted');
    assert.throws(() => engine.unknowns.merge(adaCluster, stray!.clusterId, 'guard'), /already merged/);
  });

  test('split: "not the same person" moves that face and its visit to a new cluster', () => {
    const cluster = engine.unknowns.list(10).find((c) => c.id === adaCluster)!;
    const lastFace = cluster.faces[cluster.faces.length - 1]!;
    const { cluster: rest, splitOff } = engine.unknowns.split(adaCluster, lastFace.id, 'guard');
    assert.equal(rest.appearances, 2);
    assert.equal(splitOff.appearances, 1);
    assert.ok(splitOff.faces.some((f) => f.id === lastFace.id));
    assert.equal(rest.faces.length + splitOff.faces.length, cluster.faces.length);
    assert.throws(() => engine.unknowns.split(splitOff.id, lastFace.id, 'guard'), /only visit/);
    assert.throws(() => engine.unknowns.split(adaCluster, lastFace.id, 'guard'), /not one of/);
  });

  test('the review actions and snapshot views so far are audit entries with the operator, refused ones are not', () => {
    const entries = new AuditRepository(engine.db).list({ action: 'unknowns' });
    const about = (action: string) => entries.filter((e) => e.action === action);
    assert.equal(about('unknowns.merged').length, 1, 'one merge succeeded (the refused ones left nothing)');
    assert.equal(about('unknowns.merged')[0]!.subjectId, adaCluster);
    assert.equal(about('unknowns.split').length, 1);
    assert.ok(about('unknowns.snapshot-viewed').length >= 4, 'every snapshot opened, also when it could not be decrypted');
    assert.ok(entries.every((e) => e.operator === 'guard'));
    assert.equal(new AuditRepository(engine.db).verify().ok, true);
  });

  test('naming as a visitor: a visitor person with the faces as templates; snapshot deleted; recognised next time', async () => {
    const file = engine.unknowns.repo.snapshot(adaCluster)!.fileName;
    const faces = engine.unknowns.list(10).find((c) => c.id === adaCluster)!.faces.length;
    const { person: visitor, templatesAdded } = engine.unknowns.identify(adaCluster, 'visitor', { name: 'Ada Visitor', category: 'employee' }, 'guard 1');
    assert.equal(visitor.category, 'visitor');
    // Who named them and from which cluster is audited; no consent is on record for a stranger named from sightings.
    const [entry] = new AuditRepository(engine.db).about('person', visitor.id);
    assert.equal(entry?.action, 'person.enrolled');
    assert.equal(entry?.operator, 'guard 1');
    assert.equal(entry?.details.origin, `unknown person #${adaCluster}`);
    assert.equal(visitor.consent, null);
    assert.equal(templatesAdded, faces);
    assert.equal(visitor.templateCount, faces);
    assert.ok(!snapshotFiles().includes(file));
    assert.equal(engine.identifyEmbedding(near(ada)).kind, 'match');
    assert.throws(() => engine.unknowns.identify(adaCluster, 'visitor', { name: 'Again', category: 'employee' }, 'guard 1'), /already identified/);
  });

  test('blocklisting: a blocked person; a later sighting of them is status blocked and raises a high alert', () => {
    const { person: blocked } = engine.unknowns.identify(bobCluster, 'blocked', { name: 'Mallory', category: 'employee' }, 'guard 1');
    assert.equal(blocked.category, 'blocked');
    const sighting = engine.sightingRepo.insert({ cameraId: null, cameraName: 'Door', personId: blocked.id, status: 'blocked', trackId: 1, firstSeen: new Date(), lastSeen: new Date(), bestScore: 0.8, frames: 3 });
    engine.alerts.onSighting(sighting, false);
    const alert = engine.alerts.list(10, true).find((a) => a.rule === 'blocklisted_seen');
    assert.ok(alert && alert.priority === 'high' && /Mallory/.test(alert.message));
  });

  test('erasing a person named from a cluster: the cluster, its visits and the sightings from before the name go; alerts keep the event, not the name', async () => {
    const dan = person();
    const before = engine.sightingRepo.insert({ cameraId: null, cameraName: 'Gate', personId: null, status: 'unknown', trackId: 7, firstSeen: new Date(), lastSeen: new Date(), bestScore: 0.2, frames: 4 });
    const outcome = await engine.unknowns.recordVisit(visit(dan, { cameraName: 'Gate', sightingId: before.id }));
    const clusterId = outcome!.clusterId;
    const { person: eve } = engine.unknowns.identify(clusterId, 'blocked', { name: 'Eve Erased', category: 'employee' }, 'guard 1');
    engine.alerts.onSighting(engine.sightingRepo.insert({ cameraId: null, cameraName: 'Gate', personId: eve.id, status: 'blocked', trackId: 8, firstSeen: new Date(), lastSeen: new Date(), bestScore: 0.8, frames: 3 }), false);
    const count = (sql: string, ...args: unknown[]) => (engine.db.prepare(sql).get(...args) as { n: number }).n;
    assert.equal(count('SELECT COUNT(*) AS n FROM alerts WHERE message LIKE ?', '%Eve Erased%'), 1, 'the alert names her before erasure');
    assert.equal(count('SELECT COUNT(*) AS n FROM sightings WHERE cluster_id = ?', clusterId), 1);

    // Subject access first: everything stored about her, her time as an unknown included.
    const exported = engine.peopleService.export(eve.id, false, { operator: 'dpo', permissions: new Set() });
    assert.deepEqual(exported.unknownClusters.map((c) => [c.id, c.appearances, c.cameras]), [[clusterId, 1, ['Gate']]]);
    assert.ok(exported.sightings.some((s) => s.id === before.id), 'the sighting from before she was named');
    assert.deepEqual(exported.alerts.map((a) => a.rule), ['blocklisted_seen']);

    await engine.peopleService.erase(eve.id, { operator: 'dpo', permissions: new Set() });
    assert.equal(count('SELECT COUNT(*) AS n FROM unknown_clusters WHERE id = ?', clusterId), 0);
    assert.equal(count('SELECT COUNT(*) AS n FROM unknown_appearances WHERE cluster_id = ?', clusterId), 0);
    assert.equal(engine.sightingRepo.get(before.id), null, 'her sighting from before she was named');
    assert.equal(count('SELECT COUNT(*) AS n FROM alerts WHERE message LIKE ?', '%Eve Erased%'), 0);
    assert.equal(count("SELECT COUNT(*) AS n FROM alerts WHERE rule = 'blocklisted_seen' AND message LIKE '%since been erased%'"), 1, 'the event itself stays');
  });

  test('naming an unknown over the contract also needs the people permissions (it enrolls; blocklisting changes a record)', async () => {
    const outcome = await engine.unknowns.recordVisit(visit(person()));
    const dispatch = createDispatcher(createHandlers(engine, new LiveService(engine)));
    const reviewer = (extra: Permission[]) => ({ operator: 'guard 2', permissions: new Set<Permission>(['unknowns.review', ...extra]) });
    const name = { id: outcome!.clusterId, as: 'visitor', name: 'Val Visitor' };
    const refused = await dispatch('unknowns.identify', name, reviewer([]));
    assert.equal(refused.ok === false && refused.error.code, 'FORBIDDEN');
    assert.match(refused.ok === false ? refused.error.message : '', /people\.enroll/);
    const someone = engine.people.list()[0]!;
    const blockSomeone = await dispatch('unknowns.identify', { id: outcome!.clusterId, as: 'blocked', personId: someone.id }, reviewer(['people.enroll']));
    assert.equal(blockSomeone.ok === false && blockSomeone.error.code, 'FORBIDDEN');
    assert.equal(engine.unknowns.list(100).find((c) => c.id === outcome!.clusterId)?.status, 'open', 'nothing was done');
    const named = await dispatch('unknowns.identify', name, reviewer(['people.enroll']));
    assert.equal(named.ok, true);
  });

  test('dismissing deletes the faces and the snapshot; acting on it again is a clear error', async () => {
    const outcome = await engine.unknowns.recordVisit(visit(person()));
    const file = engine.unknowns.repo.snapshot(outcome!.clusterId)!.fileName;
    assert.equal(engine.unknowns.dismiss(outcome!.clusterId, 'guard'), true);
    assert.ok(!snapshotFiles().includes(file));
    assert.equal(engine.unknowns.repo.faces(outcome!.clusterId).length, 0);
    assert.throws(() => engine.unknowns.dismiss(outcome!.clusterId, 'guard'), /already dismissed/);
  });

  test('alerts: the third visit (medium) was raised, a first visit was not (off by default); acknowledging records the operator and note', () => {
    const alerts = engine.alerts.list(100, false);
    assert.ok(!alerts.some((a) => a.rule === 'new_unknown'), 'a stranger\'s first visit is counted on the Unknowns tab, not alerted');
    const recurring = alerts.find((a) => a.rule === 'recurring_unknown' && a.clusterId === bobCluster);
    assert.ok(recurring, 'third visit of the same stranger');
    const acknowledged = engine.alerts.acknowledge(recurring.id, 'guard on duty', 'delivery driver, known');
    assert.equal(acknowledged.acknowledgedBy, 'guard on duty');
    assert.equal(acknowledged.note, 'delivery driver, known');
    assert.throws(() => engine.alerts.acknowledge(recurring.id, 'someone else', undefined), /already acknowledged by guard on duty/);
    assert.ok(!engine.alerts.list(100, true).some((a) => a.id === recurring.id));
  });

  test('retention: expired snapshots and clusters are purged; acting on a purged cluster is a clear error', async () => {
    const fresh = await engine.unknowns.recordVisit(visit(person()));
    const old = await engine.unknowns.recordVisit(visit(person(), { seenAt: new Date(Date.now() - 40 * 24 * 3600 * 1000) }));
    // A snapshot saved 31 days ago of a cluster that is still being seen: the image goes, the cluster stays.
    engine.db.prepare('UPDATE unknown_snapshots SET saved_at = ? WHERE cluster_id = ?').run(new Date(Date.now() - 31 * 24 * 3600 * 1000).toISOString(), fresh!.clusterId);
    const freshFile = engine.unknowns.repo.snapshot(fresh!.clusterId)!.fileName;
    writeFileSync(join(dataDir, 'snapshots', '00000000-0000-0000-0000-000000000000.vsnap.tmp'), 'left by a crash');
    const purged = engine.unknowns.purgeExpired();
    assert.ok(purged.snapshots >= 2 && purged.clusters >= 1 && purged.orphanFiles === 1, JSON.stringify(purged));
    assert.ok(!snapshotFiles().includes('00000000-0000-0000-0000-000000000000.vsnap.tmp'), 'the half-written file is deleted, not just counted');
    assert.equal(engine.unknowns.snapshot(fresh!.clusterId, 'guard').state, 'none');
    assert.ok(!snapshotFiles().includes(freshFile));
    assert.throws(() => engine.unknowns.dismiss(old!.clusterId, 'guard'), /no longer in the review queue: it was purged/);
    assert.throws(() => engine.unknowns.snapshot(old!.clusterId, 'guard'), /no longer in the review queue/);
  });

  test('a lost key: a clear message, snapshots unavailable, no crash; reset starts over', async () => {
    const outcome = await engine.unknowns.recordVisit(visit(person()));
    await engine.close();
    rmSync(join(dataDir, 'keys', 'snapshot.key'));
    engine = await open();
    assert.match(engine.unknowns.snapshotsProblem() ?? '', /snapshot key is missing.*cannot be decrypted.*--reset-key/);
    const snapshot = engine.unknowns.snapshot(outcome!.clusterId, 'guard');
    assert.equal(snapshot.state, 'unavailable');
    // Visits are still clustered while the key is lost; only their snapshots are not saved.
    const later = await engine.unknowns.recordVisit(visit(person()));
    assert.ok(later);
    assert.equal(engine.unknowns.repo.snapshot(later.clusterId), null);
    const { snapshotsDeleted } = engine.unknowns.resetKey();
    assert.ok(snapshotsDeleted >= 1);
    assert.equal(engine.unknowns.snapshotsProblem(), null);
    assert.deepEqual(snapshotFiles(), []);
    const again = await engine.unknowns.recordVisit(visit(person()));
    assert.equal(engine.unknowns.snapshot(again!.clusterId, 'guard').state, 'available');
  });

  test('clusters survive a restart: a returning stranger joins their old cluster', async () => {
    const dan = person();
    const first = await engine.unknowns.recordVisit(visit(dan));
    await engine.close();
    engine = await open();
    const second = await engine.unknowns.recordVisit(visit(dan));
    assert.equal(second!.clusterId, first!.clusterId);
    assert.equal(second!.appearances, 2);
  });
});

/** Log lines written while `action` runs (the engine log is where timer and emitter failures go). */
async function logDuring(action: () => unknown): Promise<LogEntry[]> {
  const entries: LogEntry[] = [];
  const stop = engine.log.onEntry((entry) => entries.push(entry));
  try {
    await action();
  } finally {
    stop();
  }
  return entries;
}

describe('a snapshot problem at start-up leaves snapshots off, never the console unopened', () => {
  const cases: Array<{ name: string; prepare: (dataDir: string) => void; keychainAvailable: boolean; problem: RegExp }> = [
    { name: 'no OS keychain to protect a new key', prepare: () => undefined, keychainAvailable: false, problem: /could not be created.*keychain is not available.*still grouped/ },
    {
      name: 'the snapshot folder cannot be made (a file is in the way)',
      prepare: (dataDir) => {
        mkdirSync(dataDir, { recursive: true });
        writeFileSync(join(dataDir, 'snapshots'), 'not a folder');
      },
      keychainAvailable: true,
      problem: /snapshot folder .* cannot be created.*still grouped/,
    },
  ];
  for (const row of cases) {
    test(`${row.name}: the engine opens, says why, and still groups strangers`, async () => {
      const rowDir = join(dir.path, row.name.replace(/\W+/g, '-'));
      row.prepare(rowDir);
      const keyStore = new SafeStorageKeyStore(join(rowDir, 'keys', 'snapshot.key.safe'), keychainOf(randomBytes(32), row.keychainAvailable));
      const opened = await Engine.open({ dataDir: rowDir, modelsDir: join(dir.path, 'no-models'), snapshotKeyStore: keyStore });
      try {
        assert.match(opened.unknowns.snapshotsProblem() ?? '', row.problem);
        const stranger = person();
        const first = await opened.unknowns.recordVisit(visit(stranger));
        const second = await opened.unknowns.recordVisit(visit(stranger));
        assert.equal(second!.clusterId, first!.clusterId);
        assert.equal(opened.unknowns.repo.snapshot(first!.clusterId), null, 'no snapshot without a key');
      } finally {
        await opened.close();
      }
    });
  }

  test('the start-up retention purge failing (snapshot folder unreadable) is logged, not thrown', async () => {
    const rowDir = join(dir.path, 'purge-fails');
    mkdirSync(rowDir, { recursive: true });
    writeFileSync(join(rowDir, 'snapshots'), 'not a folder');
    const opened = await Engine.open({ dataDir: rowDir, modelsDir: join(dir.path, 'no-models') });
    await opened.close();
    const log = readFileSync(join(rowDir, 'logs', 'vigil.log'), 'utf8');
    assert.match(log, /retention purge failed/);
  });
});

describe('review actions and the purge racing a visit that is encoding its snapshot', () => {
  /** Runs `action` when the visit encodes its crop: its cluster is chosen, its transaction not yet run. */
  async function visitWhile(stranger: Float32Array, action: () => void) {
    let acted = false;
    const encode = engine.unknowns.encodeSnapshot;
    engine.unknowns.encodeSnapshot = (crop) => {
      if (!acted) {
        acted = true;
        action();
      }
      return encode(crop);
    };
    try {
      const outcome = await engine.unknowns.recordVisit(visit(stranger, { cropQuality: 0.95 }));
      assert.ok(acted, 'the action ran while the visit was encoding');
      return outcome!;
    } finally {
      engine.unknowns.encodeSnapshot = encode;
    }
  }

  const races: Array<{ name: string; oldVisit?: boolean; act: (clusterId: number, otherId: number) => void; status: string | null; nextJoinsMergeTarget?: boolean }> = [
    { name: 'dismissed', act: (id) => engine.unknowns.dismiss(id, 'guard'), status: 'dismissed' },
    // The merge target now holds the stranger's first faces, so the next visit may join it (or the new cluster): never the merged one.
    { name: 'merged into another', act: (id, other) => engine.unknowns.merge(other, id, 'guard'), status: 'merged', nextJoinsMergeTarget: true },
    { name: 'identified', act: (id) => engine.unknowns.identify(id, 'visitor', { name: `Raced ${id}`, category: 'employee' }, 'guard 1'), status: 'identified' },
    { name: 'purged (retention)', oldVisit: true, act: () => engine.unknowns.purgeExpired(), status: null },
  ];
  for (const race of races) {
    test(`the chosen cluster ${race.name} meanwhile: the visit starts a new cluster, the old one is not brought back`, async () => {
      const stranger = person();
      const seenAt = race.oldVisit ? new Date(Date.now() - 40 * 24 * 3600 * 1000) : new Date();
      const first = (await engine.unknowns.recordVisit(visit(stranger, { seenAt })))!;
      const other = (await engine.unknowns.recordVisit(visit(person())))!;
      const raced = await visitWhile(stranger, () => race.act(first.clusterId, other.clusterId));
      assert.notEqual(raced.clusterId, first.clusterId);
      assert.equal(raced.created, true);
      assert.equal(engine.unknowns.repo.get(raced.clusterId)?.status, 'open');
      assert.equal(engine.unknowns.repo.get(first.clusterId)?.status ?? null, race.status, 'the review action stands');
      const next = (await engine.unknowns.recordVisit(visit(stranger)))!;
      assert.equal(next.created, false, 'the next visit joins an open cluster (a revived old one would be refused and start another)');
      if (race.nextJoinsMergeTarget) assert.ok([raced.clusterId, other.clusterId].includes(next.clusterId), `${next.clusterId}`);
      else assert.equal(next.clusterId, raced.clusterId, 'the next visit joins the new cluster, not the old one');
    });
  }
});

describe('errors after a commit or inside an emitter are logged, not thrown', () => {
  test('a snapshot file that cannot be deleted now: naming the cluster succeeds, the file is logged and purged later', async () => {
    const stranger = person();
    const outcome = (await engine.unknowns.recordVisit(visit(stranger)))!;
    const file = engine.unknowns.repo.snapshot(outcome.clusterId)!.fileName;
    const path = join(dataDir, 'snapshots', file);
    // A folder in its place cannot be removed by rm(force) — a real failure, like EBUSY on Windows.
    rmSync(path);
    mkdirSync(path);
    writeFileSync(join(path, 'busy'), 'x');
    const log = await logDuring(() => engine.unknowns.identify(outcome.clusterId, 'visitor', { name: 'Undeletable', category: 'employee' }, 'guard 1'));
    assert.ok(log.some((e) => e.level === 'warn' && /snapshot file not deleted/.test(e.message) && e.file === file), JSON.stringify(log));
    assert.equal(engine.unknowns.repo.get(outcome.clusterId)?.status, 'identified');
    const next = await engine.unknowns.recordVisit(visit(person()));
    assert.ok(next);
    assert.doesNotThrow(() => engine.unknowns.purgeExpired(), 'still stuck: the purge logs it again');
    rmSync(path, { recursive: true });
    writeFileSync(path, 'released');
    assert.ok(engine.unknowns.purgeExpired().orphanFiles >= 1);
    assert.ok(!snapshotFiles().includes(file));
  });

  test('an alert that cannot be stored (database write fails) never throws into the camera pipeline or its emitter', async () => {
    const camera = engine.cameraRepo.add('Gate', { kind: 'file', path: '/dev/null', loop: false }, 5, false);
    const sighting = engine.sightingRepo.insert({ cameraId: camera.id, cameraName: 'Gate', personId: null, status: 'unknown', trackId: 9, firstSeen: new Date(), lastSeen: new Date(), bestScore: null, frames: 3 });
    engine.cameraRepo.setRestricted(camera.id, true);
    engine.db.exec(`CREATE TEMP TRIGGER fail_alert_insert BEFORE INSERT ON alerts BEGIN SELECT RAISE(ABORT, 'disk I/O error (simulated)'); END`);
    let log: LogEntry[];
    try {
      log = await logDuring(() => {
        engine.alerts.onSighting(sighting, true);
        engine.emit('cameras.health', { cameraId: camera.id, health: { state: 'failed', inputFps: 0, processedFps: 0, droppedFrames: 0, lastError: 'gone', latencyMs: null, width: null, height: null } });
      });
    } finally {
      engine.db.exec('DROP TRIGGER temp.fail_alert_insert');
    }
    assert.equal(log.filter((e) => e.level === 'error' && /alert not raised/.test(e.message) && /disk I\/O error/.test(String(e.reason))).length, 2, JSON.stringify(log));
    // Not remembered as judged: the next time the sighting is seen, its alert is raised.
    engine.alerts.onSighting(sighting, true);
    assert.ok(engine.alerts.list(100, false).some((a) => a.rule === 'restricted_area' && a.cameraId === camera.id));
  });
});

describe('alerts: restricted areas wait for an unknown track to end; a merge can make a stranger recurring', () => {
  test('an unknown face at a restricted camera alerts when its track ends unknown, once; a named visitor at once', () => {
    const camera = engine.cameraRepo.add('Server room', { kind: 'file', path: '/dev/null', loop: false }, 5, false);
    engine.cameraRepo.setRestricted(camera.id, true);
    const restrictedAlerts = () => engine.alerts.list(1000, false).filter((a) => a.rule === 'restricted_area' && a.cameraId === camera.id);
    const track = (trackId: number, over: Partial<Sighting> = {}): Sighting => ({
      ...engine.sightingRepo.insert({ cameraId: camera.id, cameraName: camera.name, personId: null, status: 'unknown', trackId, firstSeen: new Date(), lastSeen: new Date(), bestScore: null, frames: 1 }),
      ...over,
    });
    const unknownTrack = track(1);
    engine.alerts.onSighting(unknownTrack, false);
    assert.equal(restrictedAlerts().length, 0, 'first confirmed frame, nobody named yet: no alert');
    engine.alerts.onSighting(unknownTrack, true);
    engine.alerts.onSighting({ ...unknownTrack, clusterId: 1 }, false);
    assert.equal(restrictedAlerts().length, 1, 'the track ended unknown: one alert');

    const named = engine.people.list().find((p) => p.category === 'visitor')!;
    engine.alerts.onSighting(track(2, { personId: named.id, personName: named.name, status: 'member' }), false);
    assert.equal(restrictedAlerts().length, 2, 'a named visitor alerts at once');
  });

  test('merging 2 + 2 visits with N = 3 raises the recurring alert once', async () => {
    const a = person(), b = person();
    const first = (await engine.unknowns.recordVisit(visit(a)))!;
    await engine.unknowns.recordVisit(visit(a));
    const second = (await engine.unknowns.recordVisit(visit(b)))!;
    await engine.unknowns.recordVisit(visit(b));
    const recurring = () => engine.alerts.list(1000, false).filter((alert) => alert.rule === 'recurring_unknown' && alert.clusterId === first.clusterId);
    assert.equal(recurring().length, 0);
    const merged = engine.unknowns.merge(first.clusterId, second.clusterId, 'guard');
    assert.equal(merged.appearances, 4);
    assert.equal(recurring().length, 1);
    assert.match(recurring()[0]!.message, /4 times/);
    await engine.unknowns.recordVisit(visit(a));
    assert.equal(recurring().length, 1, 'not again on the next visit');
  });
});

describe('a visit named after it was clustered (a remote answer that came after the visit closed)', () => {
  let site: Engine;
  const siteDir = join(dir.path, 'late-names');
  const siteSnapshots = () => (existsSync(join(siteDir, 'snapshots')) ? readdirSync(join(siteDir, 'snapshots')) : []);
  const unknownSighting = (trackId: number) =>
    site.sightingRepo.insert({ cameraId: null, cameraName: 'Late gate', personId: null, status: 'unknown', trackId, firstSeen: new Date(), lastSeen: new Date(), bestScore: 0.2, frames: 4 });
  const clusterOfSighting = (id: number) => (site.db.prepare('SELECT cluster_id FROM sightings WHERE id = ?').get(id) as { cluster_id: number | null }).cluster_id;
  let member = 0;
  before(async () => {
    site = await Engine.open({ dataDir: siteDir, modelsDir: join(dir.path, 'no-models') });
    const seed = await site.unknowns.recordVisit(visit(person()));
    member = site.unknowns.identify(seed!.clusterId, 'member', { name: 'Named Remotely', category: 'employee' }, 'guard 1').person.id;
  });
  after(async () => site?.close());

  test('its only visit: the cluster is marked identified as the person and leaves the queue (faces and snapshot gone); applied after the visit itself', async () => {
    const sighting = unknownSighting(1);
    // As the pipeline does it: the visit is handed to the clustering, the name comes before it was stored.
    const recorded = site.unknowns.recordVisit(visit(person(), { sightingId: sighting.id }));
    const named = site.unknowns.visitNamed(sighting.id, member);
    const { clusterId } = (await recorded)!;
    assert.deepEqual(await named, { clusterId, outcome: 'cluster-identified' });
    assert.ok(!site.unknowns.list(500).some((c) => c.id === clusterId), 'not in the review queue');
    const cluster = site.unknowns.repo.get(clusterId)!;
    assert.equal(cluster.status, 'identified');
    assert.equal(site.unknowns.repo.faces(clusterId).length, 0, 'no stranger faces of a member are kept');
    assert.equal(site.unknowns.repo.snapshot(clusterId), null);
    assert.deepEqual(siteSnapshots(), [], 'the snapshot file is gone');
    assert.ok(![...site.unknowns.searchableClusters()].some((c) => c.id === clusterId), 'no later visit can join it');
    assert.deepEqual(site.unknowns.repo.namedAs(member).map((c) => c.id).includes(clusterId), true, 'the export lists it under the person');
    const entry = site.auditLog.list({ action: 'unknowns.visit-named' }).at(-1)!;
    assert.equal(entry.operator, 'system');
    assert.deepEqual(entry.details, { personId: member, sightingId: sighting.id, outcome: 'cluster-identified', by: 'remote matcher' });
    // Already resolved: a second answer changes nothing.
    assert.equal(await site.unknowns.visitNamed(sighting.id, member), null);
  });

  test('one of several visits: that visit leaves with its faces (and the snapshot it gave); the cluster stays for the others', async () => {
    const stranger = person();
    const first = unknownSighting(2);
    const second = unknownSighting(3);
    const { clusterId } = (await site.unknowns.recordVisit(visit(stranger, { sightingId: first.id, cropQuality: 0.3 })))!;
    assert.equal((await site.unknowns.recordVisit(visit(stranger, { sightingId: second.id, cropQuality: 0.9 })))!.clusterId, clusterId);
    assert.equal(site.unknowns.repo.get(clusterId)!.appearances, 2);
    assert.equal(site.unknowns.repo.faces(clusterId).length, 2);
    assert.equal(siteSnapshots().length, 1, "the second visit's better crop is the snapshot");

    assert.deepEqual(await site.unknowns.visitNamed(second.id, member), { clusterId, outcome: 'visit-removed' });
    const cluster = site.unknowns.list(500).find((c) => c.id === clusterId);
    assert.ok(cluster, 'still in the queue for the visit nobody named');
    assert.equal(cluster.appearances, 1);
    const kept = site.unknowns.repo.faces(clusterId);
    assert.equal(kept.length, 1);
    assert.notEqual(kept[0]!.appearanceId, null);
    assert.equal(site.unknowns.repo.snapshot(clusterId), null, "the named visit's crop went with it");
    assert.deepEqual(siteSnapshots(), []);
    assert.equal(clusterOfSighting(second.id), null, 'the named sighting is no longer linked to the stranger');
    assert.equal(clusterOfSighting(first.id), clusterId);
    assert.equal([...site.unknowns.searchableClusters()].find((c) => c.id === clusterId)?.faces.length, 1, 'matching sees only the faces left');
  });

  test('a sighting that was never clustered: nothing to do', async () => {
    assert.equal(await site.unknowns.visitNamed(unknownSighting(4).id, member), null);
  });
});

describe('SnapshotVault.remove: only the vault\'s own file names, finished or half-written', () => {
  const vaultDir = join(dir.path, 'vault-remove');
  const uuid = randomUUID();
  const cases: Array<{ name: string; file: string; removed: boolean }> = [
    { name: 'a snapshot', file: `${uuid}.vsnap`, removed: true },
    { name: 'a half-written snapshot', file: `${randomUUID()}.vsnap.tmp`, removed: true },
    { name: 'a doubled temporary suffix', file: `${randomUUID()}.vsnap.tmp.tmp`, removed: false },
    { name: 'not a UUID', file: 'notes.vsnap.tmp', removed: false },
    { name: 'another file', file: 'readme.txt', removed: false },
  ];
  for (const row of cases) {
    test(`${row.name} (${row.file}): ${row.removed ? 'deleted' : 'left alone'}`, () => {
      mkdirSync(vaultDir, { recursive: true });
      writeFileSync(join(vaultDir, row.file), 'x');
      const vault = new SnapshotVault(vaultDir, { description: 'none', load: () => null, create: () => randomBytes(32) }, { get: () => null, set: () => undefined });
      assert.equal(vault.remove(row.file), row.removed);
      assert.equal(existsSync(join(vaultDir, row.file)), !row.removed);
    });
  }

  test('a path leading out of the vault is refused', () => {
    const outside = join(dir.path, `${uuid}.vsnap.tmp`);
    writeFileSync(outside, 'x');
    const vault = new SnapshotVault(vaultDir, { description: 'none', load: () => null, create: () => randomBytes(32) }, { get: () => null, set: () => undefined });
    assert.equal(vault.remove(`../${uuid}.vsnap.tmp`), false);
    assert.ok(existsSync(outside));
  });
});
