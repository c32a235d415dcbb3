/**
 * Numbered SQL migrations. Append only: a released migration is never edited,
 * a change is a new number. Each one has a test in test/unit/migrations.test.ts.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const migrations: Migration[] = [
  {
    version: 1,
    name: 'persons, face templates, cameras, sightings',
    sql: `
      CREATE TABLE settings (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );

      CREATE TABLE persons (
        id         INTEGER PRIMARY KEY,
        name       TEXT NOT NULL CHECK (length(trim(name)) > 0),
        category   TEXT NOT NULL DEFAULT 'employee'
                   CHECK (category IN ('employee', 'contractor', 'visitor', 'blocked')),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE INDEX persons_name ON persons (name COLLATE NOCASE);

      -- Embeddings only: a member's photo is never stored.
      CREATE TABLE face_templates (
        id          INTEGER PRIMARY KEY,
        person_id   INTEGER NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
        embedder_id TEXT NOT NULL,
        dimension   INTEGER NOT NULL,
        embedding   BLOB NOT NULL CHECK (length(embedding) = dimension * 4),
        quality     REAL,
        source      TEXT,
        created_at  TEXT NOT NULL
      );
      CREATE INDEX face_templates_person ON face_templates (person_id);
      CREATE INDEX face_templates_embedder ON face_templates (embedder_id);

      -- Bumped on every template change so a persisted vector index knows it is stale.
      INSERT INTO settings (key, value) VALUES ('templates_generation', '0');
      CREATE TRIGGER face_templates_insert_generation AFTER INSERT ON face_templates BEGIN
        UPDATE settings SET value = CAST(value AS INTEGER) + 1 WHERE key = 'templates_generation';
      END;
      CREATE TRIGGER face_templates_delete_generation AFTER DELETE ON face_templates BEGIN
        UPDATE settings SET value = CAST(value AS INTEGER) + 1 WHERE key = 'templates_generation';
      END;

      CREATE TABLE cameras (
        id          INTEGER PRIMARY KEY,
        name        TEXT NOT NULL CHECK (length(trim(name)) > 0),
        source_json TEXT NOT NULL,
        enabled     INTEGER NOT NULL DEFAULT 1,
        detect_fps  REAL NOT NULL DEFAULT 10,
        created_at  TEXT NOT NULL
      );

      -- One row per track visit, never one per frame.
      CREATE TABLE sightings (
        id          INTEGER PRIMARY KEY,
        camera_id   INTEGER REFERENCES cameras (id) ON DELETE SET NULL,
        camera_name TEXT NOT NULL,
        person_id   INTEGER REFERENCES persons (id) ON DELETE CASCADE,
        status      TEXT NOT NULL CHECK (status IN ('member', 'unknown', 'blocked')),
        track_id    INTEGER,
        first_seen  TEXT NOT NULL,
        last_seen   TEXT NOT NULL,
        best_score  REAL,
        frames      INTEGER NOT NULL DEFAULT 1
      );
      CREATE INDEX sightings_last_seen ON sightings (last_seen DESC);
      CREATE INDEX sightings_person ON sightings (person_id, last_seen DESC);
    `,
  },
  {
    version: 2,
    name: 'person record (employee code, department, status, notes, consent) and audit log',
    sql: `
      ALTER TABLE persons ADD COLUMN employee_code TEXT CHECK (employee_code IS NULL OR length(trim(employee_code)) > 0);
      ALTER TABLE persons ADD COLUMN department TEXT;
      ALTER TABLE persons ADD COLUMN status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'inactive'));
      ALTER TABLE persons ADD COLUMN notes TEXT;
      ALTER TABLE persons ADD COLUMN consent_at TEXT;
      ALTER TABLE persons ADD COLUMN consent_by TEXT;
      ALTER TABLE persons ADD COLUMN consent_text_version TEXT;
      -- One person per employee code, whatever its case; people without a code are allowed.
      CREATE UNIQUE INDEX persons_employee_code ON persons (employee_code COLLATE NOCASE) WHERE employee_code IS NOT NULL;
      CREATE INDEX persons_status ON persons (status);

      -- Inactive people are not matched: a status change makes the persisted vector index stale.
      CREATE TRIGGER persons_status_generation AFTER UPDATE OF status ON persons WHEN OLD.status <> NEW.status BEGIN
        UPDATE settings SET value = CAST(value AS INTEGER) + 1 WHERE key = 'templates_generation';
      END;

      -- Who did what to whom. Never biometric content (no embeddings, no photos): it outlives erasure.
      CREATE TABLE audit_log (
        id            INTEGER PRIMARY KEY,
        at            TEXT NOT NULL,
        operator      TEXT NOT NULL,
        action        TEXT NOT NULL,
        subject_kind  TEXT NOT NULL,
        subject_id    INTEGER,
        subject_label TEXT,
        details_json  TEXT NOT NULL DEFAULT '{}'
      );
      CREATE INDEX audit_log_subject ON audit_log (subject_kind, subject_id, at);
    `,
  },
];
