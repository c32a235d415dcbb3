import { type Db, nowIso } from './database.js';

/**
 * The remote collection as Vigil knows it (migration 12): faces it indexed,
 * and the persistent queue of index / delete jobs that waits out offline time.
 * Plain SQLite; RemoteFaceSync decides when jobs run.
 */
export interface RemoteFaceJob {
  id: number;
  kind: 'index' | 'delete';
  personId: number;
  /** JPEG of one enrolled face crop (index jobs only). */
  cropJpeg: Buffer | null;
  createdAt: string;
  attempts: number;
  lastError: string | null;
}

interface JobRow {
  id: number;
  kind: 'index' | 'delete';
  person_id: number;
  crop_jpeg: Buffer | null;
  created_at: string;
  attempts: number;
  last_error: string | null;
}

const toJob = (r: JobRow): RemoteFaceJob => ({
  id: r.id,
  kind: r.kind,
  personId: r.person_id,
  cropJpeg: r.crop_jpeg,
  createdAt: r.created_at,
  attempts: r.attempts,
  lastError: r.last_error,
});

export class RemoteFacesRepository {
  constructor(private readonly db: Db) {}

  enqueueIndex(personId: number, crops: readonly Uint8Array[]): number {
    const insert = this.db.prepare("INSERT INTO remote_face_jobs (kind, person_id, crop_jpeg, created_at) VALUES ('index', ?, ?, ?)");
    const at = nowIso();
    this.db.transaction(() => {
      for (const crop of crops) insert.run(personId, Buffer.from(crop.buffer, crop.byteOffset, crop.byteLength), at);
    })();
    return crops.length;
  }

  /**
   * Every face of the person is to go: crops still waiting to be indexed are dropped (they are
   * never sent), and one delete job is queued unless one is already waiting.
   */
  enqueueDeletePerson(personId: number): void {
    this.db.transaction(() => {
      this.db.prepare("DELETE FROM remote_face_jobs WHERE person_id = ? AND kind = 'index'").run(personId);
      const waiting = this.db.prepare("SELECT 1 FROM remote_face_jobs WHERE person_id = ? AND kind = 'delete'").get(personId);
      if (!waiting) this.db.prepare("INSERT INTO remote_face_jobs (kind, person_id, created_at) VALUES ('delete', ?, ?)").run(personId, nowIso());
    })();
  }

  /** The oldest job, or null when the queue is empty. */
  nextJob(): RemoteFaceJob | null {
    const row = this.db.prepare('SELECT * FROM remote_face_jobs ORDER BY id LIMIT 1').get() as JobRow | undefined;
    return row ? toJob(row) : null;
  }

  jobs(): RemoteFaceJob[] {
    return (this.db.prepare('SELECT * FROM remote_face_jobs ORDER BY id').all() as JobRow[]).map(toJob);
  }

  pendingCount(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM remote_face_jobs').get() as { n: number }).n;
  }

  pendingFor(personId: number): { index: number; delete: number } {
    const rows = this.db.prepare('SELECT kind, COUNT(*) AS n FROM remote_face_jobs WHERE person_id = ? GROUP BY kind').all(personId) as Array<{ kind: 'index' | 'delete'; n: number }>;
    return { index: rows.find((r) => r.kind === 'index')?.n ?? 0, delete: rows.find((r) => r.kind === 'delete')?.n ?? 0 };
  }

  noteFailure(jobId: number, message: string): void {
    this.db.prepare('UPDATE remote_face_jobs SET attempts = attempts + 1, last_error = ? WHERE id = ?').run(message, jobId);
  }

  /** An index job done: its crop is deleted with it, and the face id is remembered. */
  completeIndex(jobId: number, personId: number, faceId: string, collection: string): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM remote_face_jobs WHERE id = ?').run(jobId);
      this.db.prepare('INSERT OR REPLACE INTO remote_faces (face_id, person_id, collection, indexed_at) VALUES (?, ?, ?, ?)').run(faceId, personId, collection, nowIso());
    })();
  }

  /** A job that can never succeed (e.g. no face in the crop): removed, its crop with it. */
  discard(jobId: number): void {
    this.db.prepare('DELETE FROM remote_face_jobs WHERE id = ?').run(jobId);
  }

  /** A delete job done: the person holds no face in the collection any more. */
  completeDelete(jobId: number, personId: number): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM remote_face_jobs WHERE id = ?').run(jobId);
      this.db.prepare('DELETE FROM remote_faces WHERE person_id = ?').run(personId);
    })();
  }

  /** Face ids Vigil indexed for the person and has not deleted yet. */
  facesOf(personId: number): Array<{ faceId: string; collection: string; indexedAt: string }> {
    return (
      this.db.prepare('SELECT face_id, collection, indexed_at FROM remote_faces WHERE person_id = ? ORDER BY indexed_at, face_id').all(personId) as Array<{
        face_id: string;
        collection: string;
        indexed_at: string;
      }>
    ).map((r) => ({ faceId: r.face_id, collection: r.collection, indexedAt: r.indexed_at }));
  }
}
