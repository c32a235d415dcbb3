/**
 * The audit trail as CSV (the console's export and `audit list --csv`): one
 * row per entry, RFC 4180 quoting, and cells that a spreadsheet would run as
 * a formula (=, +, -, @ first) prefixed with an apostrophe.
 */
import type { AuditEntry } from '../../src-preload/contract.js';

export const AUDIT_CSV_COLUMNS = ['id', 'at', 'operator', 'action', 'subject_kind', 'subject_id', 'subject_label', 'details'] as const;

export function csvCell(value: unknown): string {
  let text = value === null || value === undefined ? '' : typeof value === 'string' ? value : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function auditCsv(entries: readonly AuditEntry[]): string {
  const lines = [AUDIT_CSV_COLUMNS.join(',')];
  for (const e of entries) {
    lines.push([e.id, e.at, e.operator, e.action, e.subjectKind, e.subjectId, e.subjectLabel, JSON.stringify(e.details)].map(csvCell).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}
