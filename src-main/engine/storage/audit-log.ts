/**
 * The audit trail: append-only, hash-chained.
 *
 * Each entry holds the hash of the entry before it and its own hash over its
 * id, content and that previous hash, so editing, deleting or reordering a
 * row breaks the chain at that row. SQLite triggers (migration 6) refuse
 * UPDATE and DELETE on the table, so the app itself cannot rewrite history;
 * the chain is what catches someone who drops the triggers and edits the file.
 * The chain's head (last id, hash, count) is kept in `settings` too, written in
 * the same transaction, so cutting rows off the end is caught as well.
 *
 * Never biometric content (no embeddings, no photos): entries outlive erasure.
 */
import { createHash } from 'node:crypto';
import type { AuditEntry } from '../../../src-preload/contract.js';
import type { Db } from './database.js';

/** The previous hash of the first entry. */
export const GENESIS_HASH = '0'.repeat(64);
const HEAD_KEY = 'audit_head';

export interface AuditWrite {
  operator: string;
  action: string;
  subjectKind: string;
  subjectId: number | null;
  subjectLabel: string | null;
  details?: Record<string, unknown>;
}

export type AuditRow = {
  id: number;
  at: string;
  operator: string;
  action: string;
  subject_kind: string;
  subject_id: number | null;
  subject_label: string | null;
  details_json: string;
  prev_hash: string | null;
  hash: string | null;
};

/** The hashed content of a row: every column but the hash itself, in a fixed order (JSON, so no field can bleed into the next). */
export function auditRowHash(row: Omit<AuditRow, 'hash'>, prevHash: string): string {
  const content = JSON.stringify([
    row.id,
    row.at,
    row.operator,
    row.action,
    row.subject_kind,
    row.subject_id,
    row.subject_label,
    row.details_json,
    prevHash,
  ]);
  return createHash('sha256').update(content).digest('hex');
}

export interface AuditHead {
  lastId: number;
  hash: string;
  count: number;
}

export interface AuditVerification {
  entries: number;
  ok: boolean;
  /** The first row whose link or hash is wrong (the row after a deleted one, an edited one, or the row where a reordering starts); null when the chain holds or only its end was cut. */
  firstBadId: number | null;
  /** Why, in plain words (null when ok). */
  problem: string | null;
  /** Whether the triggers that refuse UPDATE and DELETE are in place. */
  appendOnly: boolean;
}

/** Pure check of rows in id order against the recorded head: what `audit verify` prints. */
export function verifyAuditRows(rows: readonly AuditRow[], head: AuditHead | null, appendOnly = true): AuditVerification {
  let prevHash = GENESIS_HASH;
  let previousId = 0;
  const bad = (id: number | null, problem: string): AuditVerification => ({ entries: rows.length, ok: false, firstBadId: id, problem, appendOnly });
  for (const row of rows) {
    if (row.hash === null || row.prev_hash === null) return bad(row.id, `entry ${row.id} has no hash (written outside Vigil)`);
    if (row.id <= previousId) return bad(row.id, `entry ${row.id} is out of order`);
    if (row.prev_hash !== prevHash) return bad(row.id, `entry ${row.id} does not follow the entry before it (one was deleted, inserted or moved)`);
    if (auditRowHash(row, row.prev_hash) !== row.hash) return bad(row.id, `entry ${row.id} was changed after it was written`);
    prevHash = row.hash;
    previousId = row.id;
  }
  if (head) {
    if (head.count !== rows.length || head.lastId !== previousId || head.hash !== prevHash) {
      return bad(null, `the trail ends at entry ${previousId || 'none'} with ${rows.length} entries, but ${head.count} were written up to entry ${head.lastId}: entries at the end were removed`);
    }
  } else if (rows.length > 0) {
    return bad(null, 'the record of the trail’s last entry is missing');
  }
  return { entries: rows.length, ok: true, firstBadId: null, problem: null, appendOnly };
}

export interface AuditQuery {
  since?: string;
  until?: string;
  operator?: string;
  action?: string;
  subjectKind?: string;
  limit?: number;
  /** Entries with an id below this one (paging newest first). */
  beforeId?: number;
}

function toEntry(r: AuditRow): AuditEntry {
  return {
    id: r.id,
    at: r.at,
    operator: r.operator,
    action: r.action,
    subjectKind: r.subject_kind,
    subjectId: r.subject_id,
    subjectLabel: r.subject_label,
    details: JSON.parse(r.details_json) as Record<string, unknown>,
  };
}

/** Append-only record of who did what to whom. */
export class AuditRepository {
  constructor(private readonly db: Db) {}

  /** Appends one entry linked to the last one; runs inside the caller's transaction when there is one (a savepoint), so the entry and the change commit together. */
  append(entry: AuditWrite, at = new Date().toISOString()): number {
    return this.db.transaction(() => {
      const head = this.head();
      const row: Omit<AuditRow, 'hash'> = {
        id: (head?.lastId ?? this.maxId()) + 1,
        at,
        operator: entry.operator,
        action: entry.action,
        subject_kind: entry.subjectKind,
        subject_id: entry.subjectId,
        subject_label: entry.subjectLabel,
        details_json: JSON.stringify(entry.details ?? {}),
        prev_hash: head?.hash ?? GENESIS_HASH,
      };
      const hash = auditRowHash(row, row.prev_hash!);
      this.db
        .prepare(
          `INSERT INTO audit_log (id, at, operator, action, subject_kind, subject_id, subject_label, details_json, prev_hash, hash)
           VALUES (@id, @at, @operator, @action, @subject_kind, @subject_id, @subject_label, @details_json, @prev_hash, @hash)`,
        )
        .run({ ...row, hash });
      this.writeHead({ lastId: row.id, hash, count: (head?.count ?? 0) + 1 });
      return row.id;
      // IMMEDIATE: the head is read under the write lock, so an entry appended by another process
      // (a read-only CLI's search audit row) cannot fork the chain. Inside a caller's transaction it is a savepoint.
    }).immediate();
  }

  about(subjectKind: string, subjectId: number): AuditEntry[] {
    const rows = this.db
      .prepare('SELECT * FROM audit_log WHERE subject_kind = ? AND subject_id = ? ORDER BY at, id')
      .all(subjectKind, subjectId) as AuditRow[];
    return rows.map(toEntry);
  }

  /** Newest first, filtered. */
  list(query: AuditQuery = {}): AuditEntry[] {
    const where: string[] = [];
    const params: Record<string, unknown> = {};
    const add = (clause: string, values: Record<string, unknown>) => {
      where.push(clause);
      Object.assign(params, values);
    };
    if (query.since) add('at >= @since', { since: query.since });
    if (query.until) add('at <= @until', { until: query.until });
    if (query.operator) add('operator = @operator COLLATE NOCASE', { operator: query.operator });
    // An action, or a family of them: "person" matches person.enrolled, person.erased, …
    if (query.action) add("(action = @action OR action LIKE @actionPrefix ESCAPE '\\')", { action: query.action, actionPrefix: `${query.action.replace(/[\\%_]/g, (c) => `\\${c}`)}.%` });
    if (query.subjectKind) add('subject_kind = @subjectKind', { subjectKind: query.subjectKind });
    if (query.beforeId) add('id < @beforeId', { beforeId: query.beforeId });
    const sql = `SELECT * FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT @limit`;
    return (this.db.prepare(sql).all({ ...params, limit: query.limit ?? 500 }) as AuditRow[]).map(toEntry);
  }

  verify(): AuditVerification {
    const rows = this.db.prepare('SELECT * FROM audit_log ORDER BY id').all() as AuditRow[];
    const triggers = this.db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log'")
      .all() as Array<{ name: string }>;
    const names = new Set(triggers.map((t) => t.name));
    const appendOnly = names.has('audit_log_no_update') && names.has('audit_log_no_delete');
    const result = verifyAuditRows(rows, this.head(), appendOnly);
    if (result.ok && !appendOnly) return { ...result, ok: false, problem: 'the triggers that keep the trail append-only were removed' };
    return result;
  }

  head(): AuditHead | null {
    const row = this.db.prepare('SELECT value FROM settings WHERE key = ?').get(HEAD_KEY) as { value: string } | undefined;
    if (!row) return null;
    try {
      const parsed = JSON.parse(row.value) as AuditHead;
      return typeof parsed.lastId === 'number' && typeof parsed.hash === 'string' && typeof parsed.count === 'number' ? parsed : null;
    } catch {
      return null;
    }
  }

  private maxId(): number {
    return (this.db.prepare('SELECT MAX(id) AS id FROM audit_log').get() as { id: number | null }).id ?? 0;
  }

  private writeHead(head: AuditHead): void {
    this.db
      .prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value')
      .run(HEAD_KEY, JSON.stringify(head));
  }
}

/**
 * Links the entries written before the chain existed (migration 6): in id
 * order, each gets its previous hash and its own. Runs once, inside the
 * migration's transaction, before the triggers make rows unchangeable.
 */
export function sealUnchainedAuditRows(db: Db): number {
  const rows = db.prepare('SELECT * FROM audit_log ORDER BY id').all() as AuditRow[];
  const update = db.prepare('UPDATE audit_log SET prev_hash = ?, hash = ? WHERE id = ?');
  let prevHash = GENESIS_HASH;
  for (const row of rows) {
    const hash = auditRowHash(row, prevHash);
    update.run(prevHash, hash, row.id);
    prevHash = hash;
  }
  const last = rows.at(-1);
  db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(
    HEAD_KEY,
    JSON.stringify({ lastId: last?.id ?? 0, hash: prevHash, count: rows.length } satisfies AuditHead),
  );
  return rows.length;
}
