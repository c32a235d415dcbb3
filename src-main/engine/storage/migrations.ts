/**
 * Numbered SQL migrations. Append only: a released migration is never edited,
 * a change is a new number. Each one has a test in test/unit/migrations.test.ts.
 */
import { sealUnchainedAuditRows } from './audit-log.js';
import type { Db } from './database.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
  /** A data step that SQL alone cannot do (e.g. hashing), run after `sql` in the same transaction. */
  data?: (db: Db) => void;
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
  {
    version: 3,
    name: 'unknown-person clusters, encrypted snapshots, appearances, restricted cameras, alerts',
    sql: `
      -- A recurring stranger: faces that matched no member, grouped by similarity.
      CREATE TABLE unknown_clusters (
        id           INTEGER PRIMARY KEY,
        embedder_id  TEXT NOT NULL,
        status       TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'identified', 'dismissed', 'merged')),
        first_seen   TEXT NOT NULL,
        last_seen    TEXT NOT NULL,
        -- Visits (one live track or one photo), never frames.
        appearances  INTEGER NOT NULL DEFAULT 0 CHECK (appearances >= 0),
        person_id    INTEGER REFERENCES persons (id) ON DELETE SET NULL,
        merged_into  INTEGER REFERENCES unknown_clusters (id) ON DELETE SET NULL,
        created_at   TEXT NOT NULL,
        updated_at   TEXT NOT NULL
      );
      CREATE INDEX unknown_clusters_status ON unknown_clusters (status, last_seen DESC);

      -- One row per visit of a cluster.
      CREATE TABLE unknown_appearances (
        id          INTEGER PRIMARY KEY,
        cluster_id  INTEGER NOT NULL REFERENCES unknown_clusters (id) ON DELETE CASCADE,
        camera_id   INTEGER REFERENCES cameras (id) ON DELETE SET NULL,
        camera_name TEXT NOT NULL,
        sighting_id INTEGER REFERENCES sightings (id) ON DELETE SET NULL,
        seen_at     TEXT NOT NULL
      );
      CREATE INDEX unknown_appearances_cluster ON unknown_appearances (cluster_id, seen_at);

      -- The cluster's best few embeddings (bounded, by quality); become templates when identified.
      CREATE TABLE unknown_faces (
        id            INTEGER PRIMARY KEY,
        cluster_id    INTEGER NOT NULL REFERENCES unknown_clusters (id) ON DELETE CASCADE,
        appearance_id INTEGER REFERENCES unknown_appearances (id) ON DELETE SET NULL,
        dimension     INTEGER NOT NULL,
        embedding     BLOB NOT NULL CHECK (length(embedding) = dimension * 4),
        quality       REAL NOT NULL,
        seen_at       TEXT NOT NULL
      );
      CREATE INDEX unknown_faces_cluster ON unknown_faces (cluster_id);

      -- The best face crop of a cluster, AES-256-GCM encrypted in <data>/snapshots/<file_name>.
      CREATE TABLE unknown_snapshots (
        cluster_id    INTEGER PRIMARY KEY REFERENCES unknown_clusters (id) ON DELETE CASCADE,
        appearance_id INTEGER REFERENCES unknown_appearances (id) ON DELETE SET NULL,
        file_name     TEXT NOT NULL UNIQUE,
        quality       REAL NOT NULL,
        saved_at      TEXT NOT NULL
      );

      ALTER TABLE sightings ADD COLUMN cluster_id INTEGER REFERENCES unknown_clusters (id) ON DELETE SET NULL;
      ALTER TABLE cameras ADD COLUMN restricted INTEGER NOT NULL DEFAULT 0 CHECK (restricted IN (0, 1));

      CREATE TABLE alerts (
        id              INTEGER PRIMARY KEY,
        rule            TEXT NOT NULL
                        CHECK (rule IN ('new_unknown', 'recurring_unknown', 'blocklisted_seen', 'restricted_area', 'camera_offline')),
        priority        TEXT NOT NULL CHECK (priority IN ('low', 'medium', 'high')),
        camera_id       INTEGER REFERENCES cameras (id) ON DELETE SET NULL,
        camera_name     TEXT,
        cluster_id      INTEGER REFERENCES unknown_clusters (id) ON DELETE SET NULL,
        person_id       INTEGER REFERENCES persons (id) ON DELETE SET NULL,
        message         TEXT NOT NULL,
        created_at      TEXT NOT NULL,
        acknowledged_at TEXT,
        acknowledged_by TEXT,
        note            TEXT
      );
      CREATE INDEX alerts_created ON alerts (created_at DESC);
      CREATE INDEX alerts_open ON alerts (acknowledged_at, created_at DESC);
    `,
  },
  {
    version: 4,
    name: 'video time of sightings',
    sql: `
      -- Seconds from the start of the video file where the visit began and ended (files only;
      -- NULL for live cameras): a recording's sighting is found in the recording by these.
      ALTER TABLE sightings ADD COLUMN video_start_s REAL CHECK (video_start_s IS NULL OR video_start_s >= -1);
      ALTER TABLE sightings ADD COLUMN video_end_s REAL CHECK (video_end_s IS NULL OR video_end_s >= video_start_s);
    `,
  },
  {
    version: 5,
    name: 'enrollment resemblance warnings; camera credentials encrypted apart from the URL',
    sql: `
      -- A new person whose face resembles someone enrolled (between the match and the duplicate
      -- threshold) is enrolled with a warning for HR to review. Both people's rows go with either person.
      CREATE TABLE person_resemblances (
        person_id            INTEGER NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
        resembles_person_id  INTEGER NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
        score                REAL NOT NULL,
        found_at             TEXT NOT NULL,
        reviewed_at          TEXT,
        reviewed_by          TEXT,
        PRIMARY KEY (person_id, resembles_person_id),
        CHECK (person_id <> resembles_person_id)
      );
      CREATE INDEX person_resemblances_other ON person_resemblances (resembles_person_id);

      -- A network camera's user name and password, AES-256-GCM sealed (cameras/credential-vault.ts);
      -- source_json keeps the URL without them. Plain credentials found in URLs stored before this
      -- migration are moved here (and the old bytes scrubbed) by the engine at its next start.
      ALTER TABLE cameras ADD COLUMN credentials BLOB;
    `,
  },
  {
    version: 6,
    name: 'audit trail hash-chained and append-only',
    sql: `
      -- Each entry holds the previous entry's hash and its own (storage/audit-log.ts): an edited,
      -- deleted or reordered row breaks the chain. Existing entries are linked by the data step.
      ALTER TABLE audit_log ADD COLUMN prev_hash TEXT;
      ALTER TABLE audit_log ADD COLUMN hash TEXT;
      CREATE INDEX audit_log_at ON audit_log (at);
      CREATE INDEX audit_log_operator ON audit_log (operator COLLATE NOCASE, at);
    `,
    data(db) {
      sealUnchainedAuditRows(db);
      // After sealing: from now on the app cannot change or remove an entry, and every new one is linked.
      db.exec(`
        CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN
          SELECT RAISE(ABORT, 'the audit trail is append-only');
        END;
        CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN
          SELECT RAISE(ABORT, 'the audit trail is append-only');
        END;
        CREATE TRIGGER audit_log_linked BEFORE INSERT ON audit_log WHEN NEW.hash IS NULL OR NEW.prev_hash IS NULL BEGIN
          SELECT RAISE(ABORT, 'an audit entry must be linked to the one before it');
        END;
      `);
    },
  },
  {
    version: 7,
    name: 'merged alert repeats: count, last raised time, subject',
    sql: `
      -- Repeats of a rule for the same subject within its window add to the open alert (alerts/alert-merge.ts).
      ALTER TABLE alerts ADD COLUMN count INTEGER NOT NULL DEFAULT 1 CHECK (count >= 1);
      ALTER TABLE alerts ADD COLUMN last_raised_at TEXT;
      -- Who or what the alert is about ('person:7', 'cluster:3', 'camera:2', 'unknown-at-camera:2'); NULL never merges.
      ALTER TABLE alerts ADD COLUMN subject_key TEXT;
      UPDATE alerts SET last_raised_at = created_at;
      UPDATE alerts SET subject_key = CASE
        WHEN rule IN ('new_unknown', 'recurring_unknown') AND cluster_id IS NOT NULL THEN 'cluster:' || cluster_id
        WHEN rule IN ('blocklisted_seen', 'restricted_area') AND person_id IS NOT NULL THEN 'person:' || person_id
        WHEN rule IN ('blocklisted_seen', 'restricted_area') AND camera_id IS NOT NULL THEN 'unknown-at-camera:' || camera_id
        WHEN rule = 'camera_offline' AND camera_id IS NOT NULL THEN 'camera:' || camera_id
      END;
      -- The one lookup a new alert makes: the open alert of its rule and subject.
      CREATE INDEX alerts_last_raised ON alerts (last_raised_at DESC);
      CREATE INDEX alerts_open_subject ON alerts (rule, subject_key, last_raised_at DESC) WHERE acknowledged_at IS NULL;
    `,
  },
  {
    version: 8,
    name: 'attendance: camera directions, shifts, a shift per person or department, corrections, locked periods',
    sql: `
      -- Entry / exit cameras for check-in and check-out; 'none' counts for nobody's attendance.
      ALTER TABLE cameras ADD COLUMN direction TEXT NOT NULL DEFAULT 'none' CHECK (direction IN ('entry', 'exit', 'both', 'none'));
      -- The camera's direction when the visit was written: payroll does not change when a camera is re-tagged or removed.
      ALTER TABLE sightings ADD COLUMN camera_direction TEXT CHECK (camera_direction IS NULL OR camera_direction IN ('entry', 'exit', 'both', 'none'));
      CREATE INDEX sightings_first_seen ON sightings (first_seen);
      CREATE TABLE shifts (
        id                  INTEGER PRIMARY KEY,
        name                TEXT NOT NULL CHECK (length(trim(name)) > 0),
        start_time          TEXT NOT NULL CHECK (start_time GLOB '[0-2][0-9]:[0-5][0-9]'),
        end_time            TEXT NOT NULL CHECK (end_time GLOB '[0-2][0-9]:[0-5][0-9]' AND end_time <> start_time),
        days                TEXT NOT NULL,
        grace_minutes       INTEGER NOT NULL DEFAULT 0 CHECK (grace_minutes BETWEEN 0 AND 720),
        early_exit_minutes  INTEGER NOT NULL DEFAULT 0 CHECK (early_exit_minutes BETWEEN 0 AND 720),
        double_entry_hours  REAL NOT NULL DEFAULT 12 CHECK (double_entry_hours BETWEEN 0 AND 48),
        created_at          TEXT NOT NULL
      );
      CREATE UNIQUE INDEX shifts_name ON shifts (name COLLATE NOCASE);
      ALTER TABLE persons ADD COLUMN shift_id INTEGER REFERENCES shifts (id) ON DELETE SET NULL;
      -- A department's default shift, for people without one of their own.
      CREATE TABLE department_shifts (
        department TEXT PRIMARY KEY COLLATE NOCASE,
        shift_id   INTEGER NOT NULL REFERENCES shifts (id) ON DELETE CASCADE
      );
      -- HR's corrections of a computed check-in or check-out, with a reason; the computed value
      -- stays visible beside it. The latest correction of a field counts.
      CREATE TABLE attendance_corrections (
        id             INTEGER PRIMARY KEY,
        person_id      INTEGER NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
        day            TEXT NOT NULL CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
        field          TEXT NOT NULL CHECK (field IN ('check_in', 'check_out')),
        corrected_at   TEXT,
        reason         TEXT NOT NULL CHECK (length(trim(reason)) >= 3),
        operator       TEXT NOT NULL,
        created_at     TEXT NOT NULL
      );
      CREATE INDEX attendance_corrections_day ON attendance_corrections (day, person_id);
      -- Periods locked after export (payroll): read-only from then on.
      CREATE TABLE attendance_locks (
        id         INTEGER PRIMARY KEY,
        first_day  TEXT NOT NULL,
        last_day   TEXT NOT NULL CHECK (last_day >= first_day),
        locked_by  TEXT NOT NULL,
        locked_at  TEXT NOT NULL
      );
    `,
  },
  {
    version: 9,
    name: 'operator accounts (roles, scrypt password hashes, lockout)',
    sql: `
      -- The people who use the console. A password is kept only as an scrypt hash with its salt and
      -- parameters ("scrypt$N$r$p$salt$hash"), never in clear.
      CREATE TABLE operators (
        id                  INTEGER PRIMARY KEY,
        name                TEXT NOT NULL COLLATE NOCASE UNIQUE CHECK (length(trim(name)) > 0),
        display_name        TEXT NOT NULL CHECK (length(trim(display_name)) > 0),
        role                TEXT NOT NULL CHECK (role IN ('admin', 'security', 'hr', 'viewer')),
        password_hash       TEXT NOT NULL CHECK (password_hash LIKE 'scrypt$%'),
        disabled            INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
        -- Wrong passwords since the last good sign-in; from the 5th the account locks.
        failed_attempts     INTEGER NOT NULL DEFAULT 0 CHECK (failed_attempts >= 0),
        locked_until        TEXT,
        created_at          TEXT NOT NULL,
        last_login_at       TEXT,
        password_changed_at TEXT NOT NULL
      );

      -- The site keeps at least one enabled admin, whatever writes the table (console, CLI, a script).
      CREATE TRIGGER operators_keep_an_admin BEFORE UPDATE OF role, disabled ON operators
        WHEN OLD.role = 'admin' AND OLD.disabled = 0 AND (NEW.role <> 'admin' OR NEW.disabled = 1)
         AND NOT EXISTS (SELECT 1 FROM operators WHERE role = 'admin' AND disabled = 0 AND id <> OLD.id)
      BEGIN
        SELECT RAISE(ABORT, 'LAST_ADMIN: the last enabled admin cannot be disabled or demoted');
      END;
      CREATE TRIGGER operators_keep_an_admin_delete BEFORE DELETE ON operators
        WHEN OLD.role = 'admin' AND OLD.disabled = 0
         AND NOT EXISTS (SELECT 1 FROM operators WHERE role = 'admin' AND disabled = 0 AND id <> OLD.id)
      BEGIN
        SELECT RAISE(ABORT, 'LAST_ADMIN: the last enabled admin cannot be removed');
      END;

      -- Minutes an idle console stays signed in (a site setting; admins change it).
      INSERT INTO settings (key, value) VALUES ('session_idle_timeout_minutes', '15');
    `,
  },
  {
    version: 10,
    name: 'indexes for finding a person (sightings by unknown cluster, clusters by the person they became) and for deleting clusters',
    sql: `
      -- "When was X last seen" and search-by-face answers read a person's or a cluster's sightings
      -- newest first: an index seek each, never a scan of the sightings table.
      CREATE INDEX sightings_cluster ON sightings (cluster_id, last_seen DESC);
      CREATE INDEX unknown_clusters_person ON unknown_clusters (person_id);
      -- Deleting a cluster (retention purge, dismissal) sets these references to NULL: without an
      -- index each delete scanned every kept face and every cluster (measured: 0.24 s per cluster
      -- at 10,000 clusters and 1,000,000 sightings, 7 ms with them).
      CREATE INDEX unknown_faces_appearance ON unknown_faces (appearance_id);
      CREATE INDEX unknown_clusters_merged_into ON unknown_clusters (merged_into);
    `,
  },
  {
    version: 11,
    name: 'attendance: overtime threshold per shift, locked periods frozen as exported',
    sql: `
      -- Checked out this many minutes after the shift's end or more: overtime (counted from the end).
      -- 30 was the rules' fixed value before: existing shifts keep judging as they did.
      ALTER TABLE shifts ADD COLUMN overtime_after_minutes INTEGER NOT NULL DEFAULT 30 CHECK (overtime_after_minutes BETWEEN 0 AND 1440);
      -- A lock written from now on keeps the day records as they were when locked (what payroll got):
      -- later shift edits, re-tagged cameras or late visits no longer change them. Locks made before
      -- this migration have no copy (frozen = 0) and stay computed.
      ALTER TABLE attendance_locks ADD COLUMN frozen INTEGER NOT NULL DEFAULT 0 CHECK (frozen IN (0, 1));
      CREATE TABLE attendance_locked_days (
        lock_id     INTEGER NOT NULL REFERENCES attendance_locks (id) ON DELETE CASCADE,
        -- Erasing a person erases their frozen days too.
        person_id   INTEGER NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
        day         TEXT NOT NULL,
        record_json TEXT NOT NULL CHECK (json_valid(record_json)),
        PRIMARY KEY (lock_id, person_id, day)
      );
      CREATE INDEX attendance_locked_days_day ON attendance_locked_days (day, person_id);
      CREATE INDEX attendance_locked_days_person ON attendance_locked_days (person_id);
    `,
  },
  {
    version: 12,
    name: 'remote matcher: which matcher named a sighting, the faces indexed remotely, and the persistent queue of index / delete jobs',
    sql: `
      -- Who named the visit: the local gallery or the remote matcher (null: unknown, or written before this).
      ALTER TABLE sightings ADD COLUMN match_source TEXT CHECK (match_source IS NULL OR match_source IN ('local', 'remote'));

      -- Faces Vigil indexed in the site's Rekognition collection (ExternalImageId = person id). No foreign
      -- key on purpose: after an erasure the row stays until the remote face is deleted, so what is
      -- still held remotely is never forgotten locally.
      CREATE TABLE remote_faces (
        face_id     TEXT PRIMARY KEY CHECK (length(face_id) BETWEEN 1 AND 64),
        person_id   INTEGER NOT NULL CHECK (person_id > 0),
        collection  TEXT NOT NULL,
        indexed_at  TEXT NOT NULL
      );
      CREATE INDEX remote_faces_person ON remote_faces (person_id);

      -- Work for the remote collection that survives restarts and offline time: 'index' one face crop
      -- (JPEG, deleted with the job) or 'delete' every face of a person. Done in id order.
      CREATE TABLE remote_face_jobs (
        id           INTEGER PRIMARY KEY,
        kind         TEXT NOT NULL CHECK (kind IN ('index', 'delete')),
        person_id    INTEGER NOT NULL CHECK (person_id > 0),
        crop_jpeg    BLOB CHECK ((kind = 'index') = (crop_jpeg IS NOT NULL)),
        created_at   TEXT NOT NULL,
        attempts     INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        last_error   TEXT
      );
      CREATE INDEX remote_face_jobs_person ON remote_face_jobs (person_id);
    `,
  },
  {
    version: 13,
    name: 'occupancy kept: hourly snapshots and a monthly roll-up that outlive the visits they were counted from',
    sql: `
      -- In, out and present per hour as the engine counted it (entry and exit cameras, reset nightly).
      -- Counts only, no person: kept after retention purges the visits, and after an erasure.
      -- Keyed by the hour's start in UTC: a fall-back night has two local "02:00" hours.
      CREATE TABLE occupancy_hours (
        hour_start  TEXT PRIMARY KEY,
        day         TEXT NOT NULL CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
        hour        TEXT NOT NULL CHECK (hour GLOB '[0-2][0-9]:00'),
        entered     INTEGER NOT NULL CHECK (entered >= 0),
        exited      INTEGER NOT NULL CHECK (exited >= 0),
        present     INTEGER NOT NULL CHECK (present >= 0),
        -- The nightly reset hour the count used (a site can change it; old hours keep theirs).
        reset_hour  INTEGER NOT NULL CHECK (reset_hour BETWEEN 0 AND 23),
        written_at  TEXT NOT NULL
      );
      CREATE INDEX occupancy_hours_day ON occupancy_hours (day, hour_start);

      -- One row per site month, rebuilt from its hours whenever they are written.
      CREATE TABLE occupancy_months (
        month              TEXT PRIMARY KEY CHECK (month GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]'),
        days               INTEGER NOT NULL CHECK (days >= 0),
        hours              INTEGER NOT NULL CHECK (hours >= 0),
        entered            INTEGER NOT NULL CHECK (entered >= 0),
        exited             INTEGER NOT NULL CHECK (exited >= 0),
        peak_present       INTEGER NOT NULL CHECK (peak_present >= 0),
        peak_day           TEXT,
        peak_hour          TEXT,
        average_daily_peak REAL NOT NULL CHECK (average_daily_peak >= 0),
        updated_at         TEXT NOT NULL
      );
    `,
  },
];
