import type { UnknownCluster } from '../../../src-preload/contract.js';
import { type Db, nowIso } from './database.js';
import { blobToEmbedding, embeddingToBlob } from './repositories.js';

export interface StoredFace {
  id: number;
  clusterId: number;
  appearanceId: number | null;
  embedding: Float32Array;
  quality: number;
  seenAt: string;
}

export interface SnapshotRecord {
  clusterId: number;
  appearanceId: number | null;
  fileName: string;
  quality: number;
  savedAt: string;
}

type ClusterRow = {
  id: number;
  status: UnknownCluster['status'];
  first_seen: string;
  last_seen: string;
  appearances: number;
  person_id: number | null;
  has_snapshot: number;
};

const CLUSTER_SELECT = `
  SELECT c.id, c.status, c.first_seen, c.last_seen, c.appearances, c.person_id,
         EXISTS (SELECT 1 FROM unknown_snapshots s WHERE s.cluster_id = c.id) AS has_snapshot
    FROM unknown_clusters c`;

/**
 * Unknown-person clusters in SQLite. Single statements only: the unknowns
 * service wraps each whole operation (a visit, a merge, a split) in one
 * transaction, so nothing is ever half-saved.
 */
export class UnknownsRepository {
  constructor(readonly db: Db) {}

  private toCluster(row: ClusterRow): UnknownCluster {
    const cameras = (
      this.db
        .prepare('SELECT DISTINCT camera_name FROM unknown_appearances WHERE cluster_id = ? ORDER BY camera_name')
        .all(row.id) as Array<{ camera_name: string }>
    ).map((r) => r.camera_name);
    const faces = (
      this.db
        .prepare(
          `SELECT f.id, f.quality, f.seen_at, a.camera_name FROM unknown_faces f
             LEFT JOIN unknown_appearances a ON a.id = f.appearance_id
            WHERE f.cluster_id = ? ORDER BY f.quality DESC, f.id`,
        )
        .all(row.id) as Array<{ id: number; quality: number; seen_at: string; camera_name: string | null }>
    ).map((f) => ({ id: f.id, quality: Math.round(f.quality * 1000) / 1000, seenAt: f.seen_at, cameraName: f.camera_name }));
    return {
      id: row.id,
      status: row.status,
      firstSeen: row.first_seen,
      lastSeen: row.last_seen,
      appearances: row.appearances,
      cameras,
      hasSnapshot: row.has_snapshot === 1,
      faces,
      personId: row.person_id,
    };
  }

  /** Clusters that were named as this person (subject-access export). */
  namedAs(personId: number): UnknownCluster[] {
    return (this.db.prepare(`${CLUSTER_SELECT} WHERE c.person_id = ? ORDER BY c.id`).all(personId) as ClusterRow[]).map((r) => this.toCluster(r));
  }

  get(id: number): UnknownCluster | null {
    const row = this.db.prepare(`${CLUSTER_SELECT} WHERE c.id = ?`).get(id) as ClusterRow | undefined;
    return row ? this.toCluster(row) : null;
  }

  listOpen(limit: number): UnknownCluster[] {
    const rows = this.db.prepare(`${CLUSTER_SELECT} WHERE c.status = 'open' ORDER BY c.last_seen DESC, c.id DESC LIMIT ?`).all(limit) as ClusterRow[];
    return rows.map((r) => this.toCluster(r));
  }

  create(embedderId: string, seenAt: Date): number {
    const now = nowIso(), seen = seenAt.toISOString();
    return Number(
      this.db
        .prepare('INSERT INTO unknown_clusters (embedder_id, first_seen, last_seen, appearances, created_at, updated_at) VALUES (?, ?, ?, 0, ?, ?)')
        .run(embedderId, seen, seen, now, now).lastInsertRowid,
    );
  }

  addAppearance(clusterId: number, visit: { cameraId: number | null; cameraName: string; sightingId: number | null; seenAt: Date }): number {
    const id = Number(
      this.db
        .prepare('INSERT INTO unknown_appearances (cluster_id, camera_id, camera_name, sighting_id, seen_at) VALUES (?, ?, ?, ?, ?)')
        .run(clusterId, visit.cameraId, visit.cameraName, visit.sightingId, visit.seenAt.toISOString()).lastInsertRowid,
    );
    if (visit.sightingId !== null) this.db.prepare('UPDATE sightings SET cluster_id = ? WHERE id = ?').run(clusterId, visit.sightingId);
    return id;
  }

  /** Recomputes visits and first/last seen from the cluster's appearances (after a visit, merge or split). */
  refreshStats(clusterId: number): void {
    this.db
      .prepare(
        `UPDATE unknown_clusters SET
           appearances = (SELECT COUNT(*) FROM unknown_appearances WHERE cluster_id = @id),
           first_seen = COALESCE((SELECT MIN(seen_at) FROM unknown_appearances WHERE cluster_id = @id), first_seen),
           last_seen = COALESCE((SELECT MAX(seen_at) FROM unknown_appearances WHERE cluster_id = @id), last_seen),
           updated_at = @now
         WHERE id = @id`,
      )
      .run({ id: clusterId, now: nowIso() });
  }

  insertFace(clusterId: number, appearanceId: number | null, face: { embedding: Float32Array; quality: number }, seenAt: Date): number {
    return Number(
      this.db
        .prepare('INSERT INTO unknown_faces (cluster_id, appearance_id, dimension, embedding, quality, seen_at) VALUES (?, ?, ?, ?, ?, ?)')
        .run(clusterId, appearanceId, face.embedding.length, embeddingToBlob(face.embedding), face.quality, seenAt.toISOString()).lastInsertRowid,
    );
  }

  deleteFaces(ids: readonly number[]): void {
    const del = this.db.prepare('DELETE FROM unknown_faces WHERE id = ?');
    for (const id of ids) del.run(id);
  }

  faces(clusterId: number): StoredFace[] {
    const rows = this.db
      .prepare('SELECT id, cluster_id, appearance_id, embedding, quality, seen_at FROM unknown_faces WHERE cluster_id = ? ORDER BY quality DESC, id')
      .all(clusterId) as Array<{ id: number; cluster_id: number; appearance_id: number | null; embedding: Buffer; quality: number; seen_at: string }>;
    return rows.map((r) => ({ id: r.id, clusterId: r.cluster_id, appearanceId: r.appearance_id, embedding: blobToEmbedding(r.embedding), quality: r.quality, seenAt: r.seen_at }));
  }

  face(id: number): StoredFace | null {
    const row = this.db.prepare('SELECT cluster_id FROM unknown_faces WHERE id = ?').get(id) as { cluster_id: number } | undefined;
    return row ? (this.faces(row.cluster_id).find((f) => f.id === id) ?? null) : null;
  }

  /** Every open cluster's faces for one embedder (the in-memory matching index is built from this). */
  openClusterFaces(embedderId: string): Map<number, StoredFace[]> {
    const rows = this.db
      .prepare(
        `SELECT f.id, f.cluster_id, f.appearance_id, f.embedding, f.quality, f.seen_at FROM unknown_faces f
           JOIN unknown_clusters c ON c.id = f.cluster_id
          WHERE c.status = 'open' AND c.embedder_id = ? ORDER BY f.cluster_id, f.quality DESC, f.id`,
      )
      .all(embedderId) as Array<{ id: number; cluster_id: number; appearance_id: number | null; embedding: Buffer; quality: number; seen_at: string }>;
    const byCluster = new Map<number, StoredFace[]>();
    for (const r of rows) {
      const list = byCluster.get(r.cluster_id) ?? [];
      list.push({ id: r.id, clusterId: r.cluster_id, appearanceId: r.appearance_id, embedding: blobToEmbedding(r.embedding), quality: r.quality, seenAt: r.seen_at });
      byCluster.set(r.cluster_id, list);
    }
    return byCluster;
  }

  setStatus(clusterId: number, status: UnknownCluster['status'], links: { personId?: number; mergedInto?: number } = {}): void {
    this.db
      .prepare('UPDATE unknown_clusters SET status = ?, person_id = COALESCE(?, person_id), merged_into = COALESCE(?, merged_into), updated_at = ? WHERE id = ?')
      .run(status, links.personId ?? null, links.mergedInto ?? null, nowIso(), clusterId);
  }

  /** Moves everything of one cluster (visits, faces, sighting links) into another. */
  moveAll(fromId: number, toId: number): void {
    this.db.prepare('UPDATE unknown_appearances SET cluster_id = ? WHERE cluster_id = ?').run(toId, fromId);
    this.db.prepare('UPDATE unknown_faces SET cluster_id = ? WHERE cluster_id = ?').run(toId, fromId);
    this.db.prepare('UPDATE sightings SET cluster_id = ? WHERE cluster_id = ?').run(toId, fromId);
  }

  /** Moves one visit, its faces and its sighting link to another cluster. */
  moveAppearance(appearanceId: number, toId: number): void {
    this.db.prepare('UPDATE unknown_appearances SET cluster_id = ? WHERE id = ?').run(toId, appearanceId);
    this.db.prepare('UPDATE unknown_faces SET cluster_id = ? WHERE appearance_id = ?').run(toId, appearanceId);
    this.db
      .prepare('UPDATE sightings SET cluster_id = ? WHERE id = (SELECT sighting_id FROM unknown_appearances WHERE id = ?)')
      .run(toId, appearanceId);
  }

  /** The unknown-person visit recorded for a sighting (null: it was never clustered, or no longer is). */
  appearanceOfSighting(sightingId: number): { id: number; clusterId: number } | null {
    const row = this.db.prepare('SELECT id, cluster_id FROM unknown_appearances WHERE sighting_id = ? ORDER BY id DESC LIMIT 1').get(sightingId) as
      | { id: number; cluster_id: number }
      | undefined;
    return row ? { id: row.id, clusterId: row.cluster_id } : null;
  }

  /** Removes one visit from its cluster: its kept faces, the visit and its sighting's link (refreshStats after). */
  deleteAppearance(appearanceId: number): void {
    this.db.prepare('DELETE FROM unknown_faces WHERE appearance_id = ?').run(appearanceId);
    this.db.prepare('UPDATE sightings SET cluster_id = NULL WHERE id = (SELECT sighting_id FROM unknown_appearances WHERE id = ?)').run(appearanceId);
    this.db.prepare('DELETE FROM unknown_appearances WHERE id = ?').run(appearanceId);
  }

  moveFace(faceId: number, toId: number): void {
    this.db.prepare('UPDATE unknown_faces SET cluster_id = ? WHERE id = ?').run(toId, faceId);
  }

  deleteClusterFaces(clusterId: number): void {
    this.db.prepare('DELETE FROM unknown_faces WHERE cluster_id = ?').run(clusterId);
  }

  deleteCluster(clusterId: number): void {
    this.db.prepare('DELETE FROM unknown_clusters WHERE id = ?').run(clusterId);
  }

  // ---------- snapshots (records only; the files belong to the SnapshotVault) ----------

  snapshot(clusterId: number): SnapshotRecord | null {
    const row = this.db.prepare('SELECT * FROM unknown_snapshots WHERE cluster_id = ?').get(clusterId) as
      | { cluster_id: number; appearance_id: number | null; file_name: string; quality: number; saved_at: string }
      | undefined;
    return row ? { clusterId: row.cluster_id, appearanceId: row.appearance_id, fileName: row.file_name, quality: row.quality, savedAt: row.saved_at } : null;
  }

  /** The snapshot made from this sighting's own face (its cluster's snapshot, when that came from this visit), or null. */
  snapshotOfSighting(sightingId: number): SnapshotRecord | null {
    const row = this.db
      .prepare(
        `SELECT sn.cluster_id FROM sightings s
           JOIN unknown_snapshots sn ON sn.cluster_id = s.cluster_id
           JOIN unknown_appearances a ON a.id = sn.appearance_id
          WHERE s.id = ? AND a.sighting_id = s.id`,
      )
      .get(sightingId) as { cluster_id: number } | undefined;
    return row ? this.snapshot(row.cluster_id) : null;
  }

  /** Sets (or replaces) a cluster's snapshot record; returns the file it replaced. */
  setSnapshot(record: Omit<SnapshotRecord, 'savedAt'> & { savedAt?: string }): string | null {
    const previous = this.snapshot(record.clusterId);
    this.db
      .prepare(
        `INSERT INTO unknown_snapshots (cluster_id, appearance_id, file_name, quality, saved_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (cluster_id) DO UPDATE SET appearance_id = excluded.appearance_id, file_name = excluded.file_name,
                                                quality = excluded.quality, saved_at = excluded.saved_at`,
      )
      .run(record.clusterId, record.appearanceId, record.fileName, record.quality, record.savedAt ?? nowIso());
    return previous?.fileName ?? null;
  }

  /** Removes a cluster's snapshot record; returns its file name (the caller deletes the file after commit). */
  deleteSnapshot(clusterId: number): string | null {
    const previous = this.snapshot(clusterId);
    if (previous) this.db.prepare('DELETE FROM unknown_snapshots WHERE cluster_id = ?').run(clusterId);
    return previous?.fileName ?? null;
  }

  snapshotsSavedBefore(cutoff: Date): SnapshotRecord[] {
    return (this.db.prepare('SELECT cluster_id FROM unknown_snapshots WHERE saved_at < ?').all(cutoff.toISOString()) as Array<{ cluster_id: number }>).map(
      (r) => this.snapshot(r.cluster_id)!,
    );
  }

  clustersLastSeenBefore(cutoff: Date): number[] {
    return (this.db.prepare('SELECT id FROM unknown_clusters WHERE last_seen < ?').all(cutoff.toISOString()) as Array<{ id: number }>).map((r) => r.id);
  }

  snapshotFileNames(): Set<string> {
    return new Set((this.db.prepare('SELECT file_name FROM unknown_snapshots').all() as Array<{ file_name: string }>).map((r) => r.file_name));
  }

  deleteAllSnapshots(): number {
    return this.db.prepare('DELETE FROM unknown_snapshots').run().changes;
  }

  // ---------- settings ----------

  setting(key: string): string | null {
    return (this.db.prepare('SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined)?.value ?? null;
  }

  setSetting(key: string, value: string): void {
    this.db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
  }
}
