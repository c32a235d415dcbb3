import type { CameraSource, Person, Sighting, FaceStatus } from '../../../src-preload/contract.js';
import { type Db, nowIso } from './database.js';

export interface TemplateRow {
  id: number;
  personId: number;
  embedding: Float32Array;
}

export function embeddingToBlob(embedding: Float32Array): Buffer {
  return Buffer.from(embedding.buffer.slice(embedding.byteOffset, embedding.byteOffset + embedding.byteLength));
}

export function blobToEmbedding(blob: Buffer): Float32Array {
  // Copy: the blob's memory belongs to SQLite's row buffer and may not be 4-byte aligned.
  const copy = new Uint8Array(blob.length);
  copy.set(blob);
  return new Float32Array(copy.buffer);
}

type PersonRow = { id: number; name: string; category: Person['category']; created_at: string; template_count: number };

const toPerson = (row: PersonRow): Person => ({
  id: row.id,
  name: row.name,
  category: row.category,
  templateCount: row.template_count,
  createdAt: row.created_at,
});

export class PeopleRepository {
  constructor(private readonly db: Db) {}

  list(search?: string, embedderId?: string): Person[] {
    const rows = this.db
      .prepare(
        `SELECT p.id, p.name, p.category, p.created_at,
                (SELECT COUNT(*) FROM face_templates t WHERE t.person_id = p.id AND (@embedder IS NULL OR t.embedder_id = @embedder)) AS template_count
           FROM persons p
          WHERE @search IS NULL OR p.name LIKE '%' || @search || '%' COLLATE NOCASE
          ORDER BY p.name COLLATE NOCASE`,
      )
      .all({ search: search?.trim() || null, embedder: embedderId ?? null }) as PersonRow[];
    return rows.map(toPerson);
  }

  get(id: number): Person | null {
    const row = this.db
      .prepare(
        `SELECT p.id, p.name, p.category, p.created_at,
                (SELECT COUNT(*) FROM face_templates t WHERE t.person_id = p.id) AS template_count
           FROM persons p WHERE p.id = ?`,
      )
      .get(id) as PersonRow | undefined;
    return row ? toPerson(row) : null;
  }

  findByName(name: string): Person | null {
    const row = this.db.prepare('SELECT id FROM persons WHERE name = ? COLLATE NOCASE ORDER BY id LIMIT 1').get(name.trim()) as
      | { id: number }
      | undefined;
    return row ? this.get(row.id) : null;
  }

  /**
   * Creates the person (or reuses one with the same name) and adds the
   * templates in ONE transaction: an enrollment is saved whole or not at all.
   */
  enroll(
    name: string,
    embedderId: string,
    templates: Array<{ embedding: Float32Array; quality: number; source: string }>,
  ): { personId: number; templateIds: number[]; created: boolean } {
    return this.db.transaction(() => {
      const existing = this.db.prepare('SELECT id FROM persons WHERE name = ? COLLATE NOCASE ORDER BY id LIMIT 1').get(name.trim()) as
        | { id: number }
        | undefined;
      const personId = existing?.id ?? this.create(name, 'employee');
      const templateIds = this.addTemplates(personId, embedderId, templates);
      return { personId, templateIds, created: !existing };
    })();
  }

  /** A new person (always new: two people may share a name). */
  create(name: string, category: Person['category']): number {
    const now = nowIso();
    return Number(
      this.db.prepare('INSERT INTO persons (name, category, created_at, updated_at) VALUES (?, ?, ?, ?)').run(name.trim(), category, now, now).lastInsertRowid,
    );
  }

  setCategory(personId: number, category: Person['category']): void {
    this.db.prepare('UPDATE persons SET category = ?, updated_at = ? WHERE id = ?').run(category, nowIso(), personId);
  }

  /** Adds templates to a person (the caller runs this inside its transaction). */
  addTemplates(personId: number, embedderId: string, templates: Array<{ embedding: Float32Array; quality: number; source: string }>): number[] {
    const now = nowIso();
    const insert = this.db.prepare(
      `INSERT INTO face_templates (person_id, embedder_id, dimension, embedding, quality, source, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    const ids = templates.map((t) =>
      Number(insert.run(personId, embedderId, t.embedding.length, embeddingToBlob(t.embedding), t.quality, t.source, now).lastInsertRowid),
    );
    this.db.prepare('UPDATE persons SET updated_at = ? WHERE id = ?').run(now, personId);
    return ids;
  }

  remove(id: number): { removed: boolean; templateIds: number[] } {
    return this.db.transaction(() => {
      const templateIds = (this.db.prepare('SELECT id FROM face_templates WHERE person_id = ?').all(id) as Array<{ id: number }>).map(
        (r) => r.id,
      );
      const result = this.db.prepare('DELETE FROM persons WHERE id = ?').run(id);
      return { removed: result.changes > 0, templateIds };
    })();
  }

  templates(embedderId: string): TemplateRow[] {
    const rows = this.db
      .prepare('SELECT id, person_id, embedding FROM face_templates WHERE embedder_id = ? ORDER BY id')
      .all(embedderId) as Array<{ id: number; person_id: number; embedding: Buffer }>;
    return rows.map((r) => ({ id: r.id, personId: r.person_id, embedding: blobToEmbedding(r.embedding) }));
  }

  templatesGeneration(): number {
    const row = this.db.prepare("SELECT value FROM settings WHERE key = 'templates_generation'").get() as { value: string };
    return Number(row.value);
  }
}

type CameraRow = { id: number; name: string; source_json: string; enabled: number; detect_fps: number; restricted: number };
export interface CameraRecord {
  id: number;
  name: string;
  source: CameraSource;
  enabled: boolean;
  detectFps: number;
  restricted: boolean;
}

export class CameraRepository {
  constructor(private readonly db: Db) {}

  private toRecord(row: CameraRow): CameraRecord {
    return {
      id: row.id,
      name: row.name,
      source: JSON.parse(row.source_json) as CameraSource,
      enabled: row.enabled === 1,
      detectFps: row.detect_fps,
      restricted: row.restricted === 1,
    };
  }

  list(): CameraRecord[] {
    return (this.db.prepare('SELECT * FROM cameras ORDER BY id').all() as CameraRow[]).map((r) => this.toRecord(r));
  }

  get(id: number): CameraRecord | null {
    const row = this.db.prepare('SELECT * FROM cameras WHERE id = ?').get(id) as CameraRow | undefined;
    return row ? this.toRecord(row) : null;
  }

  add(name: string, source: CameraSource, detectFps: number, enabled: boolean): CameraRecord {
    const id = Number(
      this.db
        .prepare('INSERT INTO cameras (name, source_json, enabled, detect_fps, created_at) VALUES (?, ?, ?, ?, ?)')
        .run(name.trim(), JSON.stringify(source), enabled ? 1 : 0, detectFps, nowIso()).lastInsertRowid,
    );
    return this.get(id)!;
  }

  setEnabled(id: number, enabled: boolean): void {
    this.db.prepare('UPDATE cameras SET enabled = ? WHERE id = ?').run(enabled ? 1 : 0, id);
  }

  setRestricted(id: number, restricted: boolean): void {
    this.db.prepare('UPDATE cameras SET restricted = ? WHERE id = ?').run(restricted ? 1 : 0, id);
  }

  remove(id: number): boolean {
    return this.db.prepare('DELETE FROM cameras WHERE id = ?').run(id).changes > 0;
  }
}

type SightingRow = {
  id: number;
  camera_id: number | null;
  camera_name: string;
  person_id: number | null;
  person_name: string | null;
  status: FaceStatus;
  first_seen: string;
  last_seen: string;
  best_score: number | null;
  frames: number;
  cluster_id: number | null;
};

const toSighting = (r: SightingRow): Sighting => ({
  id: r.id,
  cameraId: r.camera_id ?? 0,
  cameraName: r.camera_name,
  personId: r.person_id,
  personName: r.person_name,
  status: r.status,
  firstSeen: r.first_seen,
  lastSeen: r.last_seen,
  bestScore: r.best_score,
  frames: r.frames,
  clusterId: r.cluster_id,
});

export interface SightingWrite {
  cameraId: number | null;
  cameraName: string;
  personId: number | null;
  status: FaceStatus;
  trackId: number | null;
  firstSeen: Date;
  lastSeen: Date;
  bestScore: number | null;
  frames: number;
}

export class SightingRepository {
  constructor(private readonly db: Db) {}

  insert(s: SightingWrite): Sighting {
    const id = Number(
      this.db
        .prepare(
          `INSERT INTO sightings (camera_id, camera_name, person_id, status, track_id, first_seen, last_seen, best_score, frames)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(s.cameraId, s.cameraName, s.personId, s.status, s.trackId, s.firstSeen.toISOString(), s.lastSeen.toISOString(), s.bestScore, s.frames)
        .lastInsertRowid,
    );
    return this.get(id)!;
  }

  update(id: number, s: Pick<SightingWrite, 'personId' | 'status' | 'lastSeen' | 'bestScore' | 'frames'>): Sighting | null {
    this.db
      .prepare('UPDATE sightings SET person_id = ?, status = ?, last_seen = ?, best_score = ?, frames = ? WHERE id = ?')
      .run(s.personId, s.status, s.lastSeen.toISOString(), s.bestScore, s.frames, id);
    return this.get(id);
  }

  get(id: number): Sighting | null {
    const row = this.db
      .prepare('SELECT s.*, p.name AS person_name FROM sightings s LEFT JOIN persons p ON p.id = s.person_id WHERE s.id = ?')
      .get(id) as SightingRow | undefined;
    return row ? toSighting(row) : null;
  }

  list(limit: number, personId?: number): Sighting[] {
    const rows = this.db
      .prepare(
        `SELECT s.*, p.name AS person_name FROM sightings s LEFT JOIN persons p ON p.id = s.person_id
          WHERE @person IS NULL OR s.person_id = @person
          ORDER BY s.last_seen DESC, s.id DESC LIMIT @limit`,
      )
      .all({ person: personId ?? null, limit }) as SightingRow[];
    return rows.map(toSighting);
  }
}
