/** The audit trail as CSV (the console's export and `audit list --csv`). */
import type { AuditEntry } from '../../src-preload/contract.js';
import { csvDocument } from './util/csv.js';

export const AUDIT_CSV_COLUMNS = ['id', 'at', 'operator', 'action', 'subject_kind', 'subject_id', 'subject_label', 'details'] as const;

export function auditCsv(entries: readonly AuditEntry[]): string {
  return csvDocument(
    AUDIT_CSV_COLUMNS,
    entries.map((e) => [e.id, e.at, e.operator, e.action, e.subjectKind, e.subjectId, e.subjectLabel, JSON.stringify(e.details)]),
  );
}
