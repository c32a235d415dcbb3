/**
 * Unknown people: every visit of a face that matched no member is clustered
 * (clustering.ts), stored (SQLite, one transaction per operation) with its
 * best face crop sealed in the SnapshotVault, and offered for review.
 */
import { join } from 'node:path';
import type { Person, Snapshot, UnknownCluster } from '../../../src-preload/contract.js';
import type { Engine } from '../engine.js';
import { VigilError } from '../errors.js';
import { AuditRepository } from '../storage/audit-log.js';
import { UnknownsRepository, type StoredFace } from '../storage/unknowns-repository.js';
import { SerialQueue } from '../util/serial-queue.js';
import type { RgbImage } from '../vision/geometry.js';
import { encodeJpeg } from '../vision/image-io.js';
import { type ClusterFace, type ClusterModel, type ClusterPolicy, IncrementalClusterer, keepBestFaces, usableFaces } from './clustering.js';
import { FileKeyStore, SnapshotVault, type SnapshotKeyStore } from './snapshot-vault.js';

export const DEFAULT_SNAPSHOT_RETENTION_DAYS = 30;
const PURGE_INTERVAL_MS = 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;
const KEY_FINGERPRINT_SETTING = 'snapshot_key_fingerprint';

export interface UnknownVisit {
  /** The visit's embeddings with their face quality (a track's best few, or one photo's face). */
  faces: Array<{ embedding: Float32Array; quality: number }>;
  /** The visit's best face crop (RGB, in memory) and its quality; sealed only if better than the cluster's snapshot. */
  crop: RgbImage | null;
  cropQuality: number;
  cameraId: number | null;
  cameraName: string;
  sightingId: number | null;
  seenAt: Date;
}

export interface VisitOutcome {
  clusterId: number;
  created: boolean;
  appearances: number;
  /** The cluster's visits before this one (0 for a new cluster): alerts fire when a count crosses their threshold. */
  previousAppearances: number;
}

export interface UnknownsOptions {
  policy: ClusterPolicy;
  retentionDays: number;
  /** Default: a file readable only by its owner, <data>/keys/snapshot.key. */
  keyStore?: SnapshotKeyStore;
}

/** Where the snapshot key lives in a data folder: a plain owner-only file (CLI, headless host) or sealed by the desktop app's keychain. */
export function snapshotKeyFiles(dataDir: string): { plain: string; desktop: string } {
  return { plain: join(dataDir, 'keys', 'snapshot.key'), desktop: join(dataDir, 'keys', 'snapshot.key.safe') };
}

export function defaultSnapshotKeyStore(dataDir: string): SnapshotKeyStore {
  const files = snapshotKeyFiles(dataDir);
  return new FileKeyStore(files.plain, files.desktop);
}

const gone = (id: number) =>
  new VigilError('NOT_FOUND', `Unknown person #${id} is no longer in the review queue: it was purged (retention period), merged or resolved meanwhile`);

export class UnknownsService {
  readonly repo: UnknownsRepository;
  readonly vault: SnapshotVault;
  private readonly clusterer: IncrementalClusterer;
  /** Visits are applied one at a time: two at once could both start a cluster for the same person. */
  private readonly queue = new SerialQueue();
  private readonly pending = new Set<Promise<unknown>>();
  private purgeTimer: NodeJS.Timeout | null = null;
  /**
   * Encodes a visit's best crop in memory (JPEG) before it is sealed. It runs after the visit
   * chose its cluster and before its transaction: tests wrap it to act on that cluster exactly then.
   */
  encodeSnapshot: (crop: RgbImage) => Promise<Buffer> = (crop) => encodeJpeg(crop, 85);

  constructor(
    private readonly engine: Engine,
    readonly options: UnknownsOptions,
  ) {
    this.repo = new UnknownsRepository(engine.db);
    this.vault = new SnapshotVault(
      join(engine.options.dataDir, 'snapshots'),
      options.keyStore ?? defaultSnapshotKeyStore(engine.options.dataDir),
      { get: () => this.repo.setting(KEY_FINGERPRINT_SETTING), set: (value) => this.repo.setSetting(KEY_FINGERPRINT_SETTING, value) },
      (message, fields) => engine.log.warn('unknowns', message, fields),
    );
    this.clusterer = new IncrementalClusterer(options.policy);
    for (const [clusterId, faces] of this.repo.openClusterFaces(engine.embedderId)) this.clusterer.set(clusterId, faces.map(toClusterFace));
  }

  /** Opens the key, purges what retention says is expired, and keeps purging hourly. */
  start(): void {
    const state = this.vault.open();
    if (!state.ready) this.engine.log.warn('unknowns', 'snapshots unavailable', { problem: state.problem });
    this.purgeLogged();
    this.purgeTimer = setInterval(() => this.purgeLogged(), PURGE_INTERVAL_MS);
    this.purgeTimer.unref();
  }

  /** The start-up and hourly purge: a failure (busy database, unreadable folder) is logged and retried next hour, never thrown into a timer. */
  private purgeLogged(): void {
    try {
      this.purgeExpired();
    } catch (error) {
      this.engine.log.error('unknowns', 'retention purge failed (retried in an hour)', { reason: (error as Error).message });
    }
  }

  stop(): void {
    if (this.purgeTimer) clearInterval(this.purgeTimer);
    this.purgeTimer = null;
  }

  /** Resolves when every visit handed in so far has been stored. */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  snapshotsProblem(): string | null {
    const state = this.vault.state();
    return state.ready ? null : state.problem;
  }

  // ---------- visits ----------

  /** Clusters one visit; null when its faces are too poor to cluster. Never throws for a snapshot problem. */
  recordVisit(visit: UnknownVisit): Promise<VisitOutcome | null> {
    const task = this.queue.run(() => this.applyVisit(visit));
    this.pending.add(task);
    void task.finally(() => this.pending.delete(task)).catch(() => undefined);
    return task;
  }

  /** Fire and forget (live tracks): failures are logged, never thrown into the camera pipeline. */
  recordVisitInBackground(visit: UnknownVisit): void {
    this.recordVisit(visit).catch((error: unknown) => this.engine.log.error('unknowns', 'visit not recorded', { reason: (error as Error).message }));
  }

  private async applyVisit(visit: UnknownVisit): Promise<VisitOutcome | null> {
    const policy = this.options.policy;
    const usable = usableFaces(visit.faces.map((f, i) => ({ ...f, ref: -1 - i })), policy);
    const assignment = this.clusterer.assign(usable);
    if (assignment.kind === 'rejected') return null;

    // The crop is encoded and sealed before the transaction (async); a failed transaction removes the file again.
    const existingSnapshot = assignment.kind === 'join' ? this.repo.snapshot(assignment.clusterId) : null;
    let sealedFile: string | null = null;
    if (visit.crop && this.vault.state().ready && (!existingSnapshot || visit.cropQuality > existingSnapshot.quality)) {
      try {
        sealedFile = this.vault.seal(await this.encodeSnapshot(visit.crop));
      } catch (error) {
        this.engine.log.warn('unknowns', 'snapshot not saved', { reason: (error as Error).message });
      }
    }
    let replacedFile: string | null;
    let outcome: VisitOutcome;
    let faces: StoredFace[];
    try {
      ({ outcome, faces, replacedFile } = this.engine.db.transaction(() => {
        // Review actions and the purge do not wait for visits: while the crop was encoded the chosen cluster may
        // have been dismissed, merged, identified or purged. Such a visit starts a cluster of its own.
        const chosen = assignment.kind === 'join' ? this.repo.get(assignment.clusterId) : null;
        const joined = chosen?.status === 'open' ? chosen : null;
        const created = joined === null;
        const clusterId = joined ? joined.id : this.repo.create(this.engine.embedderId, visit.seenAt);
        const previousAppearances = joined ? joined.appearances : 0;
        const appearanceId = this.repo.addAppearance(clusterId, visit);
        for (const face of usable) this.repo.insertFace(clusterId, appearanceId, face, visit.seenAt);
        const all = this.repo.faces(clusterId);
        const { dropped } = keepBestFaces(all.map(toClusterFace), policy.maxFacesPerCluster);
        this.repo.deleteFaces(dropped.map((f) => f.ref));
        const replaced = sealedFile ? this.repo.setSnapshot({ clusterId, appearanceId, fileName: sealedFile, quality: visit.cropQuality }) : null;
        this.repo.refreshStats(clusterId);
        const cluster = this.repo.get(clusterId)!;
        return { outcome: { clusterId, created, appearances: cluster.appearances, previousAppearances }, faces: this.repo.faces(clusterId), replacedFile: replaced };
      })());
    } catch (error) {
      if (sealedFile) this.vault.remove(sealedFile);
      throw error;
    }
    if (replacedFile) this.vault.remove(replacedFile);
    this.clusterer.set(outcome.clusterId, faces.map(toClusterFace));
    this.engine.emit('unknowns.changed', { clusterId: outcome.clusterId });
    const sighting = visit.sightingId !== null ? this.engine.sightingRepo.get(visit.sightingId) : null;
    if (sighting) this.engine.emit('sightings.changed', sighting);
    this.engine.alerts.onUnknownVisit(outcome, visit.cameraId, visit.cameraName, visit.crop);
    return outcome;
  }

  /**
   * A visit named after it was clustered (a remote matcher's answer that came after the visit
   * closed; the sighting row is renamed already): the cluster follows, so a member never stays in
   * the review queue. A cluster of that one visit is marked identified as the person (it leaves
   * the queue; the subject-access export lists it); otherwise the visit leaves the cluster with its
   * kept faces (and the snapshot, if it was this visit's crop). No templates are added: the
   * person was named by the remote matcher, not reviewed. A cluster already reviewed (identified,
   * dismissed) is left alone. Applied after the visit itself was clustered (same queue).
   */
  visitNamed(sightingId: number, personId: number): Promise<{ clusterId: number; outcome: 'cluster-identified' | 'visit-removed' } | null> {
    const task = this.queue.run(async () => this.applyVisitNamed(sightingId, personId));
    this.pending.add(task);
    void task.finally(() => this.pending.delete(task)).catch(() => undefined);
    return task;
  }

  /** Fire and forget (the camera pipeline): failures are logged. */
  visitNamedInBackground(sightingId: number, personId: number): void {
    this.visitNamed(sightingId, personId).catch((error: unknown) =>
      this.engine.log.error('unknowns', 'a visit named after clustering did not leave its cluster', { sightingId, reason: (error as Error).message }),
    );
  }

  private applyVisitNamed(sightingId: number, personId: number): { clusterId: number; outcome: 'cluster-identified' | 'visit-removed' } | null {
    const result = this.engine.db.transaction(() => {
      const appearance = this.repo.appearanceOfSighting(sightingId);
      if (!appearance) return null;
      const cluster = this.repo.get(appearance.clusterId);
      if (!cluster || cluster.status !== 'open') return null;
      const clusterId = cluster.id;
      let file: string | null = null;
      let outcome: 'cluster-identified' | 'visit-removed';
      if (cluster.appearances <= 1) {
        this.repo.setStatus(clusterId, 'identified', { personId });
        this.repo.deleteClusterFaces(clusterId);
        file = this.repo.deleteSnapshot(clusterId);
        outcome = 'cluster-identified';
      } else {
        if (this.repo.snapshot(clusterId)?.appearanceId === appearance.id) file = this.repo.deleteSnapshot(clusterId);
        this.repo.deleteAppearance(appearance.id);
        this.repo.refreshStats(clusterId);
        outcome = 'visit-removed';
      }
      this.audit('system', 'unknowns.visit-named', clusterId, { personId, sightingId, outcome, by: 'remote matcher' });
      return { clusterId, outcome, file, faces: outcome === 'visit-removed' ? this.repo.faces(clusterId) : [] };
    })();
    if (!result) return null;
    this.removeFiles([result.file]);
    this.setClusterFaces(result.clusterId, result.faces);
    this.engine.emit('unknowns.changed', { clusterId: result.clusterId });
    const sighting = this.engine.sightingRepo.get(sightingId);
    if (sighting) this.engine.emit('sightings.changed', sighting);
    return { clusterId: result.clusterId, outcome: result.outcome };
  }

  /**
   * The open clusters as matching sees them (kept faces and centroid, in memory): what search by
   * face compares a probe with. A purged, dismissed, merged or named cluster is no longer here,
   * so a stranger is findable only while their cluster exists.
   */
  searchableClusters(): IterableIterator<ClusterModel> {
    return this.clusterer.all();
  }

  // ---------- review queue ----------

  list(limit: number): UnknownCluster[] {
    return this.repo.listOpen(limit);
  }

  private openCluster(id: number): UnknownCluster {
    const cluster = this.repo.get(id);
    if (!cluster) throw gone(id);
    if (cluster.status !== 'open') {
      throw new VigilError('CONFLICT', `Unknown person #${id} was already ${cluster.status === 'merged' ? 'merged into another' : cluster.status}`);
    }
    return cluster;
  }

  /** Who opened a stranger's face is audited (a read of biometric data), whether or not the file could be opened. */
  snapshot(id: number, operator: string): Snapshot {
    if (!this.repo.get(id)) throw gone(id);
    const record = this.repo.snapshot(id);
    if (!record) return { state: 'none' };
    this.audit(operator, 'unknowns.snapshot-viewed', id);
    const opened = this.vault.openSnapshot(record.fileName);
    if (!opened.ok) return { state: 'unavailable', reason: opened.reason };
    return { state: 'available', dataUrl: `data:image/jpeg;base64,${opened.jpeg.toString('base64')}` };
  }

  /**
   * A sighting's kept face crop, decrypted in memory (search by face reads it; nothing is written).
   * NOT_FOUND without a sighting or a snapshot of its own; SNAPSHOT_KEY_LOST when the vault is
   * closed; IMAGE_UNREADABLE when the file is missing or fails its authentication.
   */
  sightingSnapshotJpeg(sightingId: number): { jpeg: Buffer; clusterId: number } {
    if (!this.engine.sightingRepo.get(sightingId)) throw new VigilError('NOT_FOUND', `There is no sighting ${sightingId} (purged or erased meanwhile)`);
    const record = this.repo.snapshotOfSighting(sightingId);
    if (!record) {
      throw new VigilError('NOT_FOUND', `Sighting ${sightingId} has no kept face snapshot (only an unknown person's best visit keeps one, until the retention period ends)`);
    }
    const state = this.vault.state();
    if (!state.ready) throw new VigilError('SNAPSHOT_KEY_LOST', `The snapshot cannot be opened: ${state.problem}`);
    const opened = this.vault.openSnapshot(record.fileName);
    if (!opened.ok) throw new VigilError('IMAGE_UNREADABLE', `The snapshot of sighting ${sightingId} cannot be opened: ${opened.reason}`);
    return { jpeg: opened.jpeg, clusterId: record.clusterId };
  }

  private audit(operator: string, action: string, clusterId: number, details: Record<string, unknown> = {}): void {
    new AuditRepository(this.engine.db).append({ operator, action, subjectKind: 'unknown', subjectId: clusterId, subjectLabel: `unknown person #${clusterId}`, details });
  }

  /** Files removed after the transaction commits (a rolled-back action keeps its snapshot). */
  private removeFiles(files: Array<string | null>): void {
    for (const file of files) if (file) this.vault.remove(file);
  }

  identify(
    id: number,
    as: 'visitor' | 'member' | 'blocked',
    target: { name?: string; personId?: number; category: 'employee' | 'contractor' },
    operator: string,
  ): { person: Person; templatesAdded: number } {
    this.openCluster(id);
    const category: Person['category'] = as === 'visitor' ? 'visitor' : as === 'blocked' ? 'blocked' : target.category;
    const { person, templates, snapshotFile } = this.engine.db.transaction(() => {
      const faces = this.repo.faces(id);
      if (faces.length === 0) throw new VigilError('CONFLICT', `Unknown person #${id} has no face left to use as a template`);
      const saved = this.engine.saveTemplates(
        // An existing person keeps their category, unless they are being blocklisted.
        target.personId !== undefined ? { personId: target.personId, category: as === 'blocked' ? 'blocked' : undefined } : { name: target.name!, category },
        faces.map((f) => ({ embedding: f.embedding, quality: f.quality, source: `unknown #${id}` })),
        { operator, origin: `unknown person #${id}` },
      );
      this.repo.setStatus(id, 'identified', { personId: saved.person.id });
      this.audit(operator, 'unknowns.identified', id, { as, personId: saved.person.id, templates: saved.templates.length });
      this.repo.deleteClusterFaces(id);
      return { person: saved.person, templates: saved.templates, snapshotFile: this.repo.deleteSnapshot(id) };
    })();
    // Searchable at once unless index maintenance runs (then a moment later); a failed index write is rebuilt at start.
    void this.engine.addToGallery(templates).catch((error: unknown) => this.engine.log.warn('unknowns', 'vector index update failed', { reason: String(error) }));
    this.removeFiles([snapshotFile]);
    this.clusterer.remove(id);
    this.engine.emit('unknowns.changed', { clusterId: id });
    this.engine.emit('people.changed', { personId: person.id, change: target.personId !== undefined ? 'templates' : 'enrolled' });
    return { person, templatesAdded: templates.length };
  }

  merge(targetId: number, sourceId: number, operator: string): UnknownCluster {
    if (targetId === sourceId) throw new VigilError('BAD_REQUEST', 'A cluster cannot be merged into itself: choose two different unknown people');
    // The larger count before the merge: a person either cluster already counted as recurring is not announced again.
    const previousAppearances = Math.max(this.openCluster(targetId).appearances, this.openCluster(sourceId).appearances);
    const { faces, dropFile } = this.engine.db.transaction(() => {
      const target = this.repo.snapshot(targetId), source = this.repo.snapshot(sourceId);
      // The better snapshot survives; the other one's file goes.
      let dropFile: string | null = null;
      if (source && (!target || source.quality > target.quality)) {
        this.repo.deleteSnapshot(sourceId);
        dropFile = this.repo.setSnapshot({ ...source, clusterId: targetId });
      } else if (source) {
        dropFile = this.repo.deleteSnapshot(sourceId);
      }
      this.repo.moveAll(sourceId, targetId);
      const { dropped } = keepBestFaces(this.repo.faces(targetId).map(toClusterFace), this.options.policy.maxFacesPerCluster);
      this.repo.deleteFaces(dropped.map((f) => f.ref));
      this.repo.setStatus(sourceId, 'merged', { mergedInto: targetId });
      this.audit(operator, 'unknowns.merged', targetId, { mergedFrom: sourceId });
      this.repo.refreshStats(targetId);
      this.repo.refreshStats(sourceId);
      return { faces: this.repo.faces(targetId), dropFile };
    })();
    this.removeFiles([dropFile]);
    this.clusterer.remove(sourceId);
    this.setClusterFaces(targetId, faces);
    this.engine.emit('unknowns.changed', { clusterId: sourceId });
    this.engine.emit('unknowns.changed', { clusterId: targetId });
    const merged = this.repo.get(targetId)!;
    this.engine.alerts.onUnknownVisit({ clusterId: targetId, created: false, appearances: merged.appearances, previousAppearances }, null, null);
    return merged;
  }

  /** "Not the same person": the face and its whole visit move to a new cluster of their own. */
  split(id: number, faceId: number, operator: string): { cluster: UnknownCluster; splitOff: UnknownCluster } {
    const cluster = this.openCluster(id);
    const face = this.repo.face(faceId);
    if (!face || face.clusterId !== id) throw new VigilError('NOT_FOUND', `Face ${faceId} is not one of unknown person #${id}'s faces`);
    // The face's whole visit moves: a cluster seen once would be left empty.
    if (cluster.appearances <= 1 && (face.appearanceId !== null || cluster.faces.length <= 1)) {
      throw new VigilError('BAD_REQUEST', `That is unknown person #${id}'s only visit; dismiss the cluster instead`);
    }
    const { newId, remaining, moved } = this.engine.db.transaction(() => {
      const newId = this.repo.create(this.engine.embedderId, new Date(face.seenAt));
      const snapshot = this.repo.snapshot(id);
      if (face.appearanceId !== null) {
        this.repo.moveAppearance(face.appearanceId, newId);
        if (snapshot && snapshot.appearanceId === face.appearanceId) {
          this.repo.deleteSnapshot(id);
          this.repo.setSnapshot({ ...snapshot, clusterId: newId });
        }
      } else {
        this.repo.moveFace(faceId, newId);
      }
      this.repo.refreshStats(id);
      this.repo.refreshStats(newId);
      this.audit(operator, 'unknowns.split', id, { faceId, splitOffInto: newId });
      return { newId, remaining: this.repo.faces(id), moved: this.repo.faces(newId) };
    })();
    this.setClusterFaces(id, remaining);
    this.setClusterFaces(newId, moved);
    this.engine.emit('unknowns.changed', { clusterId: id });
    this.engine.emit('unknowns.changed', { clusterId: newId });
    return { cluster: this.repo.get(id)!, splitOff: this.repo.get(newId)! };
  }

  dismiss(id: number, operator: string): boolean {
    this.openCluster(id);
    const file = this.engine.db.transaction(() => {
      this.repo.setStatus(id, 'dismissed');
      this.audit(operator, 'unknowns.dismissed', id);
      this.repo.deleteClusterFaces(id);
      return this.repo.deleteSnapshot(id);
    })();
    this.removeFiles([file]);
    this.clusterer.remove(id);
    this.engine.emit('unknowns.changed', { clusterId: id });
    return true;
  }

  private setClusterFaces(id: number, faces: StoredFace[]): void {
    // A cluster whose kept faces all left with a split cannot attract visits any more (it stays in the queue).
    if (faces.length === 0) this.clusterer.remove(id);
    else this.clusterer.set(id, faces.map(toClusterFace));
  }

  // ---------- retention ----------

  /**
   * Deletes snapshots older than the retention period, clusters not seen
   * within it (faces, visits and snapshot with them), and snapshot files no
   * record points to (left by a crash). Returns what was removed.
   */
  purgeExpired(now = new Date(this.engine.now())): { snapshots: number; clusters: number; orphanFiles: number } {
    const cutoff = new Date(now.getTime() - this.options.retentionDays * DAY_MS);
    const { files, clusters, touched } = this.engine.db.transaction(() => {
      const files: string[] = [];
      const touched = new Set<number>();
      for (const record of this.repo.snapshotsSavedBefore(cutoff)) {
        files.push(this.repo.deleteSnapshot(record.clusterId)!);
        touched.add(record.clusterId);
      }
      const clusters = this.repo.clustersLastSeenBefore(cutoff);
      for (const id of clusters) {
        const file = this.repo.deleteSnapshot(id);
        if (file) files.push(file);
        this.repo.deleteCluster(id);
        touched.add(id);
      }
      return { files, clusters, touched };
    })();
    this.removeFiles(files);
    for (const id of clusters) this.clusterer.remove(id);
    const known = this.repo.snapshotFileNames();
    const orphans = this.vault.files().filter((f) => !known.has(f));
    this.removeFiles(orphans);
    for (const id of touched) this.engine.emit('unknowns.changed', { clusterId: id });
    if (files.length + clusters.length + orphans.length > 0) {
      this.engine.log.info('unknowns', 'retention purge', { snapshots: files.length, clusters: clusters.length, orphanFiles: orphans.length, retentionDays: this.options.retentionDays });
    }
    return { snapshots: files.length, clusters: clusters.length, orphanFiles: orphans.length };
  }

  /** Deletes every snapshot (records and files) and creates a new key: for a lost key. */
  resetKey(): { snapshotsDeleted: number } {
    const snapshotsDeleted = this.repo.deleteAllSnapshots();
    this.vault.resetKey();
    return { snapshotsDeleted };
  }
}

function toClusterFace(face: StoredFace): ClusterFace {
  return { embedding: face.embedding, quality: face.quality, ref: face.id };
}
