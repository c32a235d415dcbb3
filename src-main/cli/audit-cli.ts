/**
 * `npm run cli -- audit verify|list`: the audit trail, read straight from the
 * database file (read-only, so it also runs while a console holds the folder).
 */
import { existsSync } from 'node:fs';
import { VigilError } from '../engine/errors.js';
import { AuditRepository, type AuditQuery } from '../engine/storage/audit-log.js';
import { openDatabase, schemaVersion } from '../engine/storage/database.js';
import { databasePath, type CommonValues, printJsonLine } from './common.js';
import { auditCsv } from '../engine/audit-csv.js';

/** The first schema version with the hash chain (migration 6). */
const CHAINED_SCHEMA = 6;

export interface AuditCliValues extends CommonValues {
  since?: string;
  until?: string;
  operator?: string;
  action?: string;
  limit?: string;
  csv?: boolean;
}

function isoOption(name: string, raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const time = Date.parse(raw);
  if (Number.isNaN(time)) throw new VigilError('BAD_REQUEST', `--${name} must be a date or time such as 2026-12-04 or 2026-12-04T08:00:00Z, got "${raw}"`);
  return new Date(time).toISOString();
}

/** Exit code: 0 when the trail holds, 1 when verify finds it broken (scripts can alarm on it). */
export function auditCommand(sub: string | undefined, values: AuditCliValues, json: boolean): number {
  if (sub !== 'verify' && sub !== 'list') throw new VigilError('BAD_REQUEST', 'audit needs "verify" or "list"');
  const path = databasePath(values);
  if (!existsSync(path)) throw new VigilError('NOT_FOUND', `There is no database at ${path}`);
  const db = openDatabase(path, { readonly: true });
  try {
    if (schemaVersion(db) < CHAINED_SCHEMA) {
      throw new VigilError('CONFLICT', 'This database predates the chained audit trail; start Vigil once (it upgrades the database), then verify.');
    }
    const auditLog = new AuditRepository(db);
    if (sub === 'verify') {
      const result = auditLog.verify();
      if (json) printJsonLine(result);
      else if (result.ok) console.log(`Audit trail intact: ${result.entries} entries, each linked to the one before it; the table is append-only.`);
      else console.log(`AUDIT TRAIL BROKEN${result.firstBadId !== null ? ` at entry ${result.firstBadId}` : ''}: ${result.problem} (${result.entries} entries).`);
      return result.ok ? 0 : 1;
    }
    const limit = values.limit === undefined ? 500 : Number(values.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100_000) throw new VigilError('BAD_REQUEST', `--limit must be 1 to 100000, got "${values.limit}"`);
    const query: AuditQuery = {
      since: isoOption('since', values.since),
      until: isoOption('until', values.until),
      operator: values.operator,
      action: values.action,
      limit,
    };
    const entries = auditLog.list(query);
    if (values.csv) process.stdout.write(auditCsv(entries));
    else if (json) for (const entry of entries) printJsonLine(entry);
    else for (const e of entries) console.log(`${e.id}\t${e.at}\t${e.operator}\t${e.action}\t${e.subjectKind}${e.subjectId !== null ? ` ${e.subjectId}` : ''}\t${e.subjectLabel ?? ''}`);
    return 0;
  } finally {
    db.close();
  }
}
