import type { Alert } from '../../../src-preload/contract.js';
import type { AlertDraft } from '../alerts/alert-rules.js';
import { type Db, nowIso } from './database.js';

type AlertRow = {
  id: number;
  rule: Alert['rule'];
  priority: Alert['priority'];
  camera_id: number | null;
  camera_name: string | null;
  cluster_id: number | null;
  person_id: number | null;
  message: string;
  created_at: string;
  count: number;
  last_raised_at: string | null;
  acknowledged_at: string | null;
  acknowledged_by: string | null;
  note: string | null;
};

const toAlert = (r: AlertRow): Alert => ({
  id: r.id,
  rule: r.rule,
  priority: r.priority,
  cameraId: r.camera_id,
  cameraName: r.camera_name,
  clusterId: r.cluster_id,
  personId: r.person_id,
  message: r.message,
  createdAt: r.created_at,
  count: r.count,
  lastRaisedAt: r.last_raised_at ?? r.created_at,
  acknowledgedAt: r.acknowledged_at,
  acknowledgedBy: r.acknowledged_by,
  note: r.note,
});

/** Alerts and their history (acknowledged ones stay, with who and why). */
export class AlertsRepository {
  constructor(private readonly db: Db) {}

  insert(draft: AlertDraft, subjectKey: string | null, at = new Date()): Alert {
    const when = at.toISOString();
    const id = Number(
      this.db
        .prepare(
          `INSERT INTO alerts (rule, priority, camera_id, camera_name, cluster_id, person_id, message, created_at, last_raised_at, subject_key)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(draft.rule, draft.priority, draft.cameraId, draft.cameraName, draft.clusterId, draft.personId, draft.message, when, when, subjectKey).lastInsertRowid,
    );
    return this.get(id)!;
  }

  /** The latest unacknowledged alert of this rule about this subject (the one a repeat may merge into). */
  latestOpen(rule: Alert['rule'], subjectKey: string): Alert | null {
    const row = this.db
      .prepare(
        `SELECT * FROM alerts WHERE rule = ? AND subject_key = ? AND acknowledged_at IS NULL
         ORDER BY last_raised_at DESC, id DESC LIMIT 1`,
      )
      .get(rule, subjectKey) as AlertRow | undefined;
    return row ? toAlert(row) : null;
  }

  /**
   * A repeat: count + 1, the latest time, camera and words (and priority, should the rule's have
   * changed). Only while still open: null when it was acknowledged meanwhile.
   */
  repeat(id: number, draft: AlertDraft, at = new Date()): Alert | null {
    const changed = this.db
      .prepare(
        `UPDATE alerts SET count = count + 1, last_raised_at = ?, priority = ?, camera_id = ?, camera_name = ?, message = ?,
                cluster_id = COALESCE(?, cluster_id), person_id = COALESCE(?, person_id)
         WHERE id = ? AND acknowledged_at IS NULL`,
      )
      .run(at.toISOString(), draft.priority, draft.cameraId, draft.cameraName, draft.message, draft.clusterId, draft.personId, id).changes;
    return changed === 1 ? this.get(id) : null;
  }

  get(id: number): Alert | null {
    const row = this.db.prepare('SELECT * FROM alerts WHERE id = ?').get(id) as AlertRow | undefined;
    return row ? toAlert(row) : null;
  }

  list(limit: number, unacknowledgedOnly: boolean): Alert[] {
    const rows = this.db
      .prepare(`SELECT * FROM alerts WHERE (@open = 0 OR acknowledged_at IS NULL) ORDER BY last_raised_at DESC, id DESC LIMIT @limit`)
      .all({ open: unacknowledgedOnly ? 1 : 0, limit }) as AlertRow[];
    return rows.map(toAlert);
  }

  /** Alerts that name this person (subject-access export). */
  aboutPerson(personId: number): Alert[] {
    return (this.db.prepare('SELECT * FROM alerts WHERE person_id = ? ORDER BY created_at, id').all(personId) as AlertRow[]).map(toAlert);
  }

  /** Acknowledges once: a second acknowledgement keeps the first one's operator, time and note. */
  acknowledge(id: number, operator: string, note: string | null): Alert | null {
    this.db
      .prepare('UPDATE alerts SET acknowledged_at = ?, acknowledged_by = ?, note = ? WHERE id = ? AND acknowledged_at IS NULL')
      .run(nowIso(), operator, note, id);
    return this.get(id);
  }
}
