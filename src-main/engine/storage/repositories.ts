import type {
  CameraSource,
  Consent,
  FaceStatus,
  Person,
  PersonCategory,
  PersonStatus,
  ResemblanceRecord,
  Sighting,
  TemplateInfo,
} from '../../../src-preload/contract.js';
import { VigilError } from '../errors.js';
import { AuditRepository, type AuditWrite } from './audit-log.js';
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

type PersonRow = {
  id: number;
  name: string;
  employee_code: string | null;
  department: string | null;
  category: PersonCategory;
  status: PersonStatus;
  notes: string | null;
  consent_at: string | null;
  consent_by: string | null;
  consent_text_version: string | null;
  created_at: string;
  updated_at: string;
  template_count: number;
  resemblance_to_review: number;
  last_seen: string | null;
};

const toPerson = (row: PersonRow): Person => ({
  id: row.id,
  name: row.name,
  employeeCode: row.employee_code,
  department: row.department,
  category: row.category,
  status: row.status,
  notes: row.notes,
  consent:
    row.consent_at && row.consent_by && row.consent_text_version
      ? { at: row.consent_at, by: row.consent_by, textVersion: row.consent_text_version }
      : null,
  templateCount: row.template_count,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
  resemblanceToReview: row.resemblance_to_review === 1,
  lastSeen: row.last_seen,
});

const PERSON_COLUMNS = `p.id, p.name, p.employee_code, p.department, p.category, p.status, p.notes,
  p.consent_at, p.consent_by, p.consent_text_version, p.created_at, p.updated_at,
  (SELECT COUNT(*) FROM face_templates t WHERE t.person_id = p.id AND (@embedder IS NULL OR t.embedder_id = @embedder)) AS template_count,
  EXISTS (SELECT 1 FROM person_resemblances r WHERE (r.person_id = p.id OR r.resembles_person_id = p.id) AND r.reviewed_at IS NULL) AS resemblance_to_review,
  -- Also the sightings from before they were named (an unknown-person cluster identified as them),
  -- as "last seen" search shows them. Index seeks: sightings_person, unknown_clusters_person, sightings_cluster.
  (SELECT MAX(x) FROM (
     SELECT MAX(s.last_seen) AS x FROM sightings s WHERE s.person_id = p.id
     UNION ALL
     SELECT MAX(s.last_seen) FROM unknown_clusters c JOIN sightings s ON s.cluster_id = c.id WHERE c.person_id = p.id)) AS last_seen`;

export interface PersonFilters {
  /** Part of the name or of the employee code. */
  search?: string;
  category?: PersonCategory;
  status?: PersonStatus;
  department?: string;
}

/** A person's record as stored (contract fields after validation). */
export interface PersonRecord {
  name: string;
  employeeCode: string | null;
  department: string | null;
  category: PersonCategory;
  notes: string | null;
}

export interface NewTemplate {
  embedding: Float32Array;
  quality: number;
  source: string;
}

export interface StoredTemplate extends TemplateInfo {
  dimension: number;
  embedding: Float32Array;
}

/** Turns SQLite's unique-code violation into the error HR understands. */
function explainConstraint(error: unknown, employeeCode: string | null | undefined): never {
  const message = (error as Error).message ?? '';
  if (/UNIQUE constraint failed: .*employee_code|persons_employee_code/i.test(message)) {
    throw new VigilError('DUPLICATE_EMPLOYEE_CODE', `Employee code ${employeeCode ?? ''} already belongs to someone else`);
  }
  throw error;
}

export class PeopleRepository {
  constructor(private readonly db: Db) {}

  list(filters: PersonFilters = {}, embedderId?: string): Person[] {
    const rows = this.db
      .prepare(
        `SELECT ${PERSON_COLUMNS}
           FROM persons p
          WHERE (@search IS NULL OR p.name LIKE '%' || @search || '%' COLLATE NOCASE
                 OR p.employee_code LIKE '%' || @search || '%' COLLATE NOCASE)
            AND (@category IS NULL OR p.category = @category)
            AND (@status IS NULL OR p.status = @status)
            AND (@department IS NULL OR p.department = @department COLLATE NOCASE)
          ORDER BY p.name COLLATE NOCASE, p.id`,
      )
      .all({
        search: filters.search?.trim() || null,
        category: filters.category ?? null,
        status: filters.status ?? null,
        department: filters.department?.trim() || null,
        embedder: embedderId ?? null,
      }) as PersonRow[];
    return rows.map(toPerson);
  }

  get(id: number, embedderId?: string): Person | null {
    const row = this.db.prepare(`SELECT ${PERSON_COLUMNS} FROM persons p WHERE p.id = @id`).get({ id, embedder: embedderId ?? null }) as
      | PersonRow
      | undefined;
    return row ? toPerson(row) : null;
  }

  /** Everyone whose employee code (exact, any case) or name (exact, any case) is `key`: codes first. */
  findByNameOrCode(key: string): Person[] {
    const rows = this.db
      .prepare(
        `SELECT id FROM persons WHERE employee_code = @key COLLATE NOCASE
         UNION ALL
         SELECT id FROM persons WHERE name = @key COLLATE NOCASE AND (employee_code IS NULL OR employee_code <> @key COLLATE NOCASE)`,
      )
      .all({ key: key.trim() }) as Array<{ id: number }>;
    return rows.map((r) => this.get(r.id)!);
  }

  /**
   * Creates the person with their consent and templates, and the audit entry,
   * in ONE transaction: an enrollment is saved whole or not at all.
   */
  create(
    record: PersonRecord,
    /** Null when none was recorded (e.g. a visitor named from camera sightings). */
    consent: Consent | null,
    embedderId: string,
    templates: NewTemplate[],
    audit: AuditWrite,
  ): { personId: number; templateIds: number[] } {
    return this.db.transaction(() => {
      const now = nowIso();
      let personId: number;
      try {
        personId = Number(
          this.db
            .prepare(
              `INSERT INTO persons (name, employee_code, department, category, notes, status, consent_at, consent_by, consent_text_version, created_at, updated_at)
               VALUES (@name, @employeeCode, @department, @category, @notes, 'active', @consentAt, @consentBy, @consentVersion, @now, @now)`,
            )
            .run({ ...record, consentAt: consent?.at ?? null, consentBy: consent?.by ?? null, consentVersion: consent?.textVersion ?? null, now }).lastInsertRowid,
        );
      } catch (error) {
        explainConstraint(error, record.employeeCode);
      }
      const templateIds = this.insertTemplates(personId, embedderId, templates, now);
      new AuditRepository(this.db).append({ ...audit, subjectId: personId });
      return { personId, templateIds };
    })();
  }

  private insertTemplates(personId: number, embedderId: string, templates: NewTemplate[], now: string): number[] {
    const insert = this.db.prepare(
      `INSERT INTO face_templates (person_id, embedder_id, dimension, embedding, quality, source, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    return templates.map((t) =>
      Number(insert.run(personId, embedderId, t.embedding.length, embeddingToBlob(t.embedding), t.quality, t.source, now).lastInsertRowid),
    );
  }

  /** Adds templates (or replaces all of this embedder's) for an existing person, with the audit entry, in one transaction. */
  saveTemplates(
    personId: number,
    embedderId: string,
    templates: NewTemplate[],
    mode: 'add' | 'replace',
    audit: AuditWrite,
  ): { templateIds: number[]; removedTemplateIds: number[] } {
    return this.db.transaction(() => {
      const now = nowIso();
      let removedTemplateIds: number[] = [];
      if (mode === 'replace') {
        removedTemplateIds = (
          this.db.prepare('SELECT id FROM face_templates WHERE person_id = ? AND embedder_id = ?').all(personId, embedderId) as Array<{ id: number }>
        ).map((r) => r.id);
        this.db.prepare('DELETE FROM face_templates WHERE person_id = ? AND embedder_id = ?').run(personId, embedderId);
      }
      const templateIds = this.insertTemplates(personId, embedderId, templates, now);
      this.db.prepare('UPDATE persons SET updated_at = ? WHERE id = ?').run(now, personId);
      new AuditRepository(this.db).append(audit);
      return { templateIds, removedTemplateIds };
    })();
  }

  /** Applies the given fields (undefined = unchanged) and the audit entry; returns what changed. */
  update(id: number, changes: Partial<PersonRecord> & { status?: PersonStatus }, audit: (changed: string[]) => AuditWrite): string[] {
    return this.db.transaction(() => {
      const before = this.db.prepare('SELECT * FROM persons WHERE id = ?').get(id) as Record<string, unknown> | undefined;
      if (!before) throw new VigilError('NOT_FOUND', `No person with id ${id}`);
      const columns: Record<string, string> = {
        name: 'name',
        employeeCode: 'employee_code',
        department: 'department',
        category: 'category',
        notes: 'notes',
        status: 'status',
      };
      const changed = Object.entries(changes)
        .filter(([key, value]) => value !== undefined && key in columns && before[columns[key]!] !== value)
        .map(([key]) => key);
      if (changed.length === 0) return changed;
      const assignments = changed.map((key) => `${columns[key]} = @${key}`).join(', ');
      try {
        this.db.prepare(`UPDATE persons SET ${assignments}, updated_at = @now WHERE id = @id`).run({ ...changes, id, now: nowIso() });
      } catch (error) {
        explainConstraint(error, changes.employeeCode);
      }
      new AuditRepository(this.db).append(audit(changed));
      return changed;
    })();
  }

  /** Deletes the person (templates and sightings cascade) and writes the audit entry, in one transaction. */
  erase(id: number, audit: AuditWrite): { erased: boolean } {
    return this.db.transaction(() => {
      if (!this.db.prepare('SELECT 1 FROM persons WHERE id = ?').get(id)) return { erased: false };
      // Before the person row goes (its foreign keys would only unlink these): their time as a
      // recurring unknown — clusters named as them, with their visits and the sightings from
      // before they were named — and their name in alerts, which stay as security history
      // (rule, camera, time) without saying who it was.
      const clusters = 'SELECT id FROM unknown_clusters WHERE person_id = ?';
      this.db.prepare(`DELETE FROM sightings WHERE cluster_id IN (${clusters})`).run(id);
      this.db.prepare('DELETE FROM unknown_clusters WHERE person_id = ?').run(id);
      this.db
        .prepare("UPDATE alerts SET person_id = NULL, cluster_id = NULL, message = 'A person who has since been erased (' || rule || ')' WHERE person_id = ?")
        .run(id);
      this.db.prepare('DELETE FROM persons WHERE id = ?').run(id);
      // Sightings cascade too; delete explicitly in case a database predates the cascade.
      this.db.prepare('DELETE FROM sightings WHERE person_id = ?').run(id);
      new AuditRepository(this.db).append(audit);
      return { erased: true };
    })();
  }

  /** Records that `personId` was enrolled resembling `otherId` (call inside the enrollment's transaction). */
  recordResemblance(personId: number, otherId: number, score: number): void {
    this.db
      .prepare(
        `INSERT INTO person_resemblances (person_id, resembles_person_id, score, found_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (person_id, resembles_person_id) DO UPDATE SET score = excluded.score, found_at = excluded.found_at, reviewed_at = NULL, reviewed_by = NULL`,
      )
      .run(personId, otherId, score, nowIso());
  }

  /** Resemblance warnings involving the person, either way round, with the other person's name. */
  resemblances(personId: number): ResemblanceRecord[] {
    const rows = this.db
      .prepare(
        `SELECT r.resembles_person_id AS other_id, 'enrolled-after' AS direction, r.score, r.found_at, r.reviewed_at, r.reviewed_by, o.name
           FROM person_resemblances r JOIN persons o ON o.id = r.resembles_person_id WHERE r.person_id = @id
         UNION ALL
         SELECT r.person_id, 'enrolled-before', r.score, r.found_at, r.reviewed_at, r.reviewed_by, o.name
           FROM person_resemblances r JOIN persons o ON o.id = r.person_id WHERE r.resembles_person_id = @id
         ORDER BY 4`,
      )
      .all({ id: personId }) as Array<{
      other_id: number;
      direction: ResemblanceRecord['direction'];
      score: number;
      found_at: string;
      reviewed_at: string | null;
      reviewed_by: string | null;
      name: string;
    }>;
    return rows.map((r) => ({
      personId: r.other_id,
      name: r.name,
      score: r.score,
      direction: r.direction,
      foundAt: r.found_at,
      reviewedAt: r.reviewed_at,
      reviewedBy: r.reviewed_by,
    }));
  }

  /** Marks the warning between the two people (either way round) as reviewed, with the audit entry; false if there is none. */
  reviewResemblance(personId: number, otherId: number, operator: string, audit: AuditWrite): boolean {
    return this.db.transaction(() => {
      const changed = this.db
        .prepare(
          `UPDATE person_resemblances SET reviewed_at = ?, reviewed_by = ?
            WHERE (person_id = ? AND resembles_person_id = ?) OR (person_id = ? AND resembles_person_id = ?)`,
        )
        .run(nowIso(), operator, personId, otherId, otherId, personId).changes;
      if (changed === 0) return false;
      new AuditRepository(this.db).append(audit);
      return true;
    })();
  }

  /** Template metadata of a person (and the vectors when asked: exports with embeddings, duplicate checks). */
  templatesOf(personId: number): StoredTemplate[] {
    const rows = this.db
      .prepare('SELECT id, embedder_id, dimension, embedding, quality, source, created_at FROM face_templates WHERE person_id = ? ORDER BY id')
      .all(personId) as Array<{ id: number; embedder_id: string; dimension: number; embedding: Buffer; quality: number | null; source: string | null; created_at: string }>;
    return rows.map((r) => ({
      id: r.id,
      embedderId: r.embedder_id,
      dimension: r.dimension,
      embedding: blobToEmbedding(r.embedding),
      quality: r.quality,
      source: r.source,
      createdAt: r.created_at,
    }));
  }

  /** Templates that take part in matching: this embedder's, of active people only. */
  templates(embedderId: string, status: PersonStatus | null = 'active'): TemplateRow[] {
    const rows = this.db
      .prepare(
        `SELECT t.id, t.person_id, t.embedding FROM face_templates t JOIN persons p ON p.id = t.person_id
          WHERE t.embedder_id = @embedder AND (@status IS NULL OR p.status = @status) ORDER BY t.id`,
      )
      .all({ embedder: embedderId, status }) as Array<{ id: number; person_id: number; embedding: Buffer }>;
    return rows.map((r) => ({ id: r.id, personId: r.person_id, embedding: blobToEmbedding(r.embedding) }));
  }

  templatesGeneration(): number {
    const row = this.db.prepare("SELECT value FROM settings WHERE key = 'templates_generation'").get() as { value: string };
    return Number(row.value);
  }
}

export { AuditRepository, type AuditWrite } from './audit-log.js';

type CameraRow = {
  id: number;
  name: string;
  source_json: string;
  enabled: number;
  detect_fps: number;
  restricted: number;
  credentials: Buffer | null;
};
export interface CameraRecord {
  id: number;
  name: string;
  /** Network cameras: the URL without user information (credentials are kept sealed apart). */
  source: CameraSource;
  enabled: boolean;
  detectFps: number;
  restricted: boolean;
  hasCredentials: boolean;
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
      hasCredentials: row.credentials !== null,
    };
  }

  list(): CameraRecord[] {
    return (this.db.prepare('SELECT * FROM cameras ORDER BY id').all() as CameraRow[]).map((r) => this.toRecord(r));
  }

  get(id: number): CameraRecord | null {
    const row = this.db.prepare('SELECT * FROM cameras WHERE id = ?').get(id) as CameraRow | undefined;
    return row ? this.toRecord(row) : null;
  }

  /** The audit entry of a camera change (written in the change's transaction); none for the engine's own restarts. */
  private audited(id: number, operator: string | undefined, action: string, details: Record<string, unknown> = {}): void {
    if (operator === undefined) return;
    const name = (this.db.prepare('SELECT name FROM cameras WHERE id = ?').get(id) as { name: string } | undefined)?.name ?? null;
    new AuditRepository(this.db).append({ operator, action, subjectKind: 'camera', subjectId: id, subjectLabel: name, details });
  }

  /** Adds a camera; `seal` turns its credentials into the stored blob once its id is known (same transaction). */
  add(name: string, source: CameraSource, detectFps: number, enabled: boolean, seal: ((cameraId: number) => Buffer) | null = null, operator?: string): CameraRecord {
    const id = this.db.transaction(() => {
      const cameraId = Number(
        this.db
          .prepare('INSERT INTO cameras (name, source_json, enabled, detect_fps, created_at) VALUES (?, ?, ?, ?, ?)')
          .run(name.trim(), JSON.stringify(source), enabled ? 1 : 0, detectFps, nowIso()).lastInsertRowid,
      );
      if (seal) this.db.prepare('UPDATE cameras SET credentials = ? WHERE id = ?').run(seal(cameraId), cameraId);
      // The kind only: a URL or path may name things the audit trail should not keep.
      this.audited(cameraId, operator, 'camera.added', { kind: source.kind, detectFps, started: enabled, credentials: seal !== null });
      return cameraId;
    })();
    return this.get(id)!;
  }

  /** The sealed credentials blob of a camera (null: none). Never leaves the engine. */
  sealedCredentials(id: number): Buffer | null {
    const row = this.db.prepare('SELECT credentials FROM cameras WHERE id = ?').get(id) as { credentials: Buffer | null } | undefined;
    return row?.credentials ?? null;
  }

  setSealedCredentials(id: number, blob: Buffer | null, operator?: string): void {
    this.db.transaction(() => {
      this.db.prepare('UPDATE cameras SET credentials = ? WHERE id = ?').run(blob, id);
      this.audited(id, operator, blob ? 'camera.credentials-set' : 'camera.credentials-cleared');
    })();
  }

  /** Rewrites a camera's source and sealed credentials together (moving credentials out of a stored URL). */
  replaceSourceAndCredentials(id: number, source: CameraSource, blob: Buffer | null): void {
    this.db.prepare('UPDATE cameras SET source_json = ?, credentials = ? WHERE id = ?').run(JSON.stringify(source), blob, id);
  }

  /**
   * An edit in place (cameras.update), with its audit entry in the same transaction. `sealed`:
   * undefined keeps the stored login, a blob replaces it, null drops it.
   */
  update(id: number, next: { name: string; source: CameraSource; detectFps: number }, sealed: Buffer | null | undefined, operator: string | undefined, details: Record<string, unknown>): void {
    this.db.transaction(() => {
      this.db.prepare('UPDATE cameras SET name = ?, source_json = ?, detect_fps = ? WHERE id = ?').run(next.name, JSON.stringify(next.source), next.detectFps, id);
      if (sealed !== undefined) this.db.prepare('UPDATE cameras SET credentials = ? WHERE id = ?').run(sealed, id);
      this.audited(id, operator, 'camera.updated', details);
    })();
  }

  setEnabled(id: number, enabled: boolean, operator?: string): void {
    this.db.transaction(() => {
      const changed = this.db.prepare('UPDATE cameras SET enabled = ? WHERE id = ? AND enabled <> ?').run(enabled ? 1 : 0, id, enabled ? 1 : 0).changes > 0;
      if (changed) this.audited(id, operator, enabled ? 'camera.started' : 'camera.stopped');
    })();
  }

  setRestricted(id: number, restricted: boolean, operator?: string): void {
    this.db.transaction(() => {
      const changed = this.db.prepare('UPDATE cameras SET restricted = ? WHERE id = ? AND restricted <> ?').run(restricted ? 1 : 0, id, restricted ? 1 : 0).changes > 0;
      if (changed) this.audited(id, operator, 'camera.restricted-set', { restricted });
    })();
  }

  remove(id: number, operator?: string): boolean {
    return this.db.transaction(() => {
      this.audited(id, this.get(id) ? operator : undefined, 'camera.removed');
      return this.db.prepare('DELETE FROM cameras WHERE id = ?').run(id).changes > 0;
    })();
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
  video_start_s: number | null;
  video_end_s: number | null;
  match_source?: 'local' | 'remote' | null;
  has_snapshot: number;
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
  videoStartS: r.video_start_s,
  videoEndS: r.video_end_s,
  matchSource: r.match_source ?? null,
  hasSnapshot: r.has_snapshot === 1,
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
  /** Seconds from the start of the video file (files only). */
  videoStartS?: number | null;
  videoEndS?: number | null;
  /** Who named it: the local gallery or the remote matcher (null: unknown). */
  matchSource?: 'local' | 'remote' | null;
}

/** Which sightings a search keeps: those overlapping [since, until] (ISO times) on the named cameras (all when absent). */
export interface SightingFilters {
  since?: string;
  until?: string;
  cameras?: readonly string[];
}

/**
 * A sighting row with its person's name and whether its own face crop is kept (an unknown visit
 * whose crop is its cluster's snapshot): two primary-key seeks per row.
 */
const SIGHTING_COLUMNS = `s.*, p.name AS person_name,
  EXISTS (SELECT 1 FROM unknown_snapshots sn JOIN unknown_appearances a ON a.id = sn.appearance_id WHERE sn.cluster_id = s.cluster_id AND a.sighting_id = s.id) AS has_snapshot`;
const FILTERED_SIGHTINGS = `SELECT ${SIGHTING_COLUMNS} FROM sightings s LEFT JOIN persons p ON p.id = s.person_id`;
const SIGHTING_FILTERS = `(@since IS NULL OR s.last_seen >= @since) AND (@until IS NULL OR s.first_seen <= @until)
  AND (@cameras IS NULL OR s.camera_name IN (SELECT value FROM json_each(@cameras)))`;

function filterParams(subject: number, filters: SightingFilters, limit: number) {
  return {
    subject,
    since: filters.since ?? null,
    until: filters.until ?? null,
    cameras: filters.cameras && filters.cameras.length > 0 ? JSON.stringify(filters.cameras) : null,
    limit,
  };
}

export class SightingRepository {
  constructor(private readonly db: Db) {}

  insert(s: SightingWrite): Sighting {
    const id = Number(
      this.db
        .prepare(
          // The camera's direction as it is now travels with the visit (attendance reads it from here).
          `INSERT INTO sightings (camera_id, camera_name, person_id, status, track_id, first_seen, last_seen, best_score, frames, video_start_s, video_end_s, match_source, camera_direction)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, (SELECT direction FROM cameras WHERE id = ?))`,
        )
        .run(
          s.cameraId,
          s.cameraName,
          s.personId,
          s.status,
          s.trackId,
          s.firstSeen.toISOString(),
          s.lastSeen.toISOString(),
          s.bestScore,
          s.frames,
          s.videoStartS ?? null,
          s.videoEndS ?? null,
          s.personId === null ? null : (s.matchSource ?? 'local'),
          s.cameraId,
        )
        .lastInsertRowid,
    );
    return this.get(id)!;
  }

  update(id: number, s: Pick<SightingWrite, 'personId' | 'status' | 'lastSeen' | 'bestScore' | 'frames' | 'videoEndS' | 'matchSource'> & { firstSeen?: Date; videoStartS?: number | null }): Sighting | null {
    // first_seen / video_start_s move only earlier (a broken track of the same visit joined it).
    this.db
      .prepare(
        `UPDATE sightings SET person_id = @personId, status = @status, last_seen = @lastSeen, best_score = @bestScore, frames = @frames, match_source = @matchSource,
           first_seen = COALESCE(MIN(first_seen, @firstSeen), first_seen),
           video_start_s = COALESCE(MIN(video_start_s, @videoStartS), video_start_s, @videoStartS),
           video_end_s = COALESCE(@videoEndS, video_end_s)
         WHERE id = @id`,
      )
      .run({
        id,
        personId: s.personId,
        status: s.status,
        lastSeen: s.lastSeen.toISOString(),
        bestScore: s.bestScore,
        frames: s.frames,
        matchSource: s.personId === null ? null : (s.matchSource ?? 'local'),
        firstSeen: s.firstSeen?.toISOString() ?? null,
        videoStartS: s.videoStartS ?? null,
        videoEndS: s.videoEndS ?? null,
      });
    return this.get(id);
  }

  get(id: number): Sighting | null {
    const row = this.db
      .prepare(`${FILTERED_SIGHTINGS} WHERE s.id = ?`)
      .get(id) as SightingRow | undefined;
    return row ? toSighting(row) : null;
  }

  /** Every sighting of one person, oldest first (subject-access export). */
  /** Their sightings, including those of a recurring-unknown cluster later named as them. */
  forPerson(personId: number): Sighting[] {
    const rows = this.db
      .prepare(
        `${FILTERED_SIGHTINGS}
          WHERE s.person_id = @personId OR s.cluster_id IN (SELECT id FROM unknown_clusters WHERE person_id = @personId)
          ORDER BY s.first_seen, s.id`,
      )
      .all({ personId }) as SightingRow[];
    return rows.map(toSighting);
  }

  /**
   * A person's sightings newest first, with those from before they were named (a recurring-unknown
   * cluster that became them), within the filters. Index seeks (sightings_person, sightings_cluster).
   */
  latestOfPerson(personId: number, filters: SightingFilters, limit: number): Sighting[] {
    const own = this.db
      .prepare(`${FILTERED_SIGHTINGS} WHERE s.person_id = @subject AND ${SIGHTING_FILTERS} ORDER BY s.last_seen DESC, s.id DESC LIMIT @limit`)
      .all(filterParams(personId, filters, limit)) as SightingRow[];
    const clusters = (this.db.prepare('SELECT id FROM unknown_clusters WHERE person_id = ?').all(personId) as Array<{ id: number }>).map((r) => r.id);
    const before = clusters.flatMap((clusterId) => this.latestOfClusterRows(clusterId, filters, limit));
    const seen = new Set<number>();
    return [...own, ...before]
      .filter((r) => !seen.has(r.id) && seen.add(r.id))
      .sort((a, b) => (a.last_seen < b.last_seen ? 1 : a.last_seen > b.last_seen ? -1 : b.id - a.id))
      .slice(0, limit)
      .map(toSighting);
  }

  /** An unknown cluster's sightings newest first, within the filters (index seek on sightings_cluster). */
  latestOfCluster(clusterId: number, filters: SightingFilters, limit: number): Sighting[] {
    return this.latestOfClusterRows(clusterId, filters, limit).map(toSighting);
  }

  private latestOfClusterRows(clusterId: number, filters: SightingFilters, limit: number): SightingRow[] {
    return this.db
      .prepare(`${FILTERED_SIGHTINGS} WHERE s.cluster_id = @subject AND ${SIGHTING_FILTERS} ORDER BY s.last_seen DESC, s.id DESC LIMIT @limit`)
      .all(filterParams(clusterId, filters, limit)) as SightingRow[];
  }

  list(limit: number, personId?: number): Sighting[] {
    const rows = this.db
      .prepare(
        `${FILTERED_SIGHTINGS}
          WHERE @person IS NULL OR s.person_id = @person
          ORDER BY s.last_seen DESC, s.id DESC LIMIT @limit`,
      )
      .all({ person: personId ?? null, limit }) as SightingRow[];
    return rows.map(toSighting);
  }
}
