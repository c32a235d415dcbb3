import { type Operator, type Role, rolePermissions } from '../../../src-preload/contract.js';
import { VigilError } from '../errors.js';
import type { Db } from '../storage/database.js';
import { AuditRepository } from '../storage/repositories.js';
import { dummyHash, hashPassword, type ScryptParameters, DEFAULT_SCRYPT, verifyPassword } from './passwords.js';

/** Wrong passwords in a row that lock an account. */
export const LOCKOUT_AFTER_FAILURES = 5;
/** Names that are no account whose wrong sign-ins are counted (see unknownNameFailures). */
const MAX_UNKNOWN_NAMES_TRACKED = 10_000;
/** The first lock lasts a minute; each further wrong password doubles it, up to an hour. */
export const FIRST_LOCK_MS = 60_000;
export const MAX_LOCK_MS = 60 * 60_000;

/** How long the account is locked after its `failures`-th wrong password in a row (0: not locked). */
export function lockDurationMs(failures: number): number {
  if (failures < LOCKOUT_AFTER_FAILURES) return 0;
  return Math.min(MAX_LOCK_MS, FIRST_LOCK_MS * 2 ** Math.min(failures - LOCKOUT_AFTER_FAILURES, 20));
}

type OperatorRow = {
  id: number;
  name: string;
  display_name: string;
  role: Role;
  password_hash: string;
  disabled: number;
  failed_attempts: number;
  locked_until: string | null;
  created_at: string;
  last_login_at: string | null;
};

/** An operator as the engine sees them (the hash never leaves this file's callers' process). */
export interface OperatorRecord extends Operator {
  passwordHash: string;
  failedAttempts: number;
}

const toRecord = (row: OperatorRow): OperatorRecord => ({
  id: row.id,
  name: row.name,
  displayName: row.display_name,
  role: row.role,
  disabled: row.disabled === 1,
  createdAt: row.created_at,
  lastLoginAt: row.last_login_at,
  lockedUntil: row.locked_until,
  passwordHash: row.password_hash,
  failedAttempts: row.failed_attempts,
});

/** What a client may see of an operator. */
export function publicOperator(record: OperatorRecord, now: number): Operator {
  const locked = record.lockedUntil !== null && Date.parse(record.lockedUntil) > now ? record.lockedUntil : null;
  return {
    id: record.id,
    name: record.name,
    displayName: record.displayName,
    role: record.role,
    disabled: record.disabled,
    createdAt: record.createdAt,
    lastLoginAt: record.lastLoginAt,
    lockedUntil: locked,
  };
}

export function permissionsOf(role: Role): ReadonlySet<(typeof rolePermissions)[Role][number]> {
  return new Set(rolePermissions[role]);
}

/** SQLite's refusals in words: a name already taken, the last admin. */
function explain(error: unknown, name?: string): never {
  const message = (error as Error).message ?? '';
  if (/LAST_ADMIN/.test(message)) throw new VigilError('LAST_ADMIN', 'The last enabled administrator cannot be disabled or given another role: make someone else an administrator first');
  if (/UNIQUE constraint failed: operators\.name/.test(message)) throw new VigilError('CONFLICT', `The sign-in name "${name ?? ''}" is already taken (names are the same whatever their case)`);
  throw error;
}

export interface OperatorServiceOptions {
  /** Milliseconds since the epoch (tests move it; never sleep for minutes). */
  now?: () => number;
  scrypt?: ScryptParameters;
}

/**
 * Operator accounts: creation, roles, disabling, passwords and sign-in with lockout. Every change
 * and every failed sign-in writes its audit entry in the same transaction as the change.
 */
export class OperatorService {
  readonly now: () => number;
  private readonly scrypt: ScryptParameters;
  private readonly audit: AuditRepository;
  /** Called after a change that may end or alter sessions (role, disabled, password). */
  onChanged: (operatorId: number, change: 'role' | 'disabled' | 'password' | 'other') => void = () => {};

  constructor(
    private readonly db: Db,
    options: OperatorServiceOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.scrypt = options.scrypt ?? DEFAULT_SCRYPT;
    this.audit = new AuditRepository(db);
  }

  /**
   * Wrong sign-ins under names that are no account, counted like an account's (in memory, per
   * name in any letter case): after the 5th in a row such a name is "locked" too, with the same
   * answer and back-off as a real account, so ACCOUNT_LOCKED never tells a prober that a name
   * exists. Bounded: the oldest names are forgotten first.
   */
  private readonly unknownNameFailures = new Map<string, { failures: number; lockedUntil: string | null }>();

  private iso(): string {
    return new Date(this.now()).toISOString();
  }

  count(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM operators').get() as { n: number }).n;
  }

  list(): Operator[] {
    const now = this.now();
    return (this.db.prepare('SELECT * FROM operators ORDER BY name COLLATE NOCASE').all() as OperatorRow[]).map((r) => publicOperator(toRecord(r), now));
  }

  get(id: number): OperatorRecord | null {
    const row = this.db.prepare('SELECT * FROM operators WHERE id = ?').get(id) as OperatorRow | undefined;
    return row ? toRecord(row) : null;
  }

  findByName(name: string): OperatorRecord | null {
    const row = this.db.prepare('SELECT * FROM operators WHERE name = ? COLLATE NOCASE').get(name.trim()) as OperatorRow | undefined;
    return row ? toRecord(row) : null;
  }

  /** The operator or NOT_FOUND. */
  require(id: number): OperatorRecord {
    const found = this.get(id);
    if (!found) throw new VigilError('NOT_FOUND', `No operator with id ${id}`);
    return found;
  }

  /**
   * Adds an account. `firstAdmin`: only while no operator exists (the first-run set-up), checked in
   * the same transaction as the insert so two set-ups cannot both succeed.
   */
  async add(
    input: { name: string; displayName: string; role: Role; password: string },
    actor: string,
    options: { firstAdmin?: boolean } = {},
  ): Promise<Operator> {
    const hash = await hashPassword(input.password, this.scrypt);
    const id = this.db.transaction(() => {
      if (options.firstAdmin && this.count() > 0) throw new VigilError('CONFLICT', 'The site already has its admin account: sign in instead');
      const now = this.iso();
      let newId: number;
      try {
        newId = Number(
          this.db
            .prepare(
              `INSERT INTO operators (name, display_name, role, password_hash, created_at, password_changed_at) VALUES (?, ?, ?, ?, ?, ?)`,
            )
            .run(input.name.trim(), input.displayName.trim(), input.role, hash, now, now).lastInsertRowid,
        );
      } catch (error) {
        explain(error, input.name);
      }
      this.audit.append({
        operator: options.firstAdmin ? input.name.trim() : actor,
        action: options.firstAdmin ? 'operator.first-admin-created' : 'operator.added',
        subjectKind: 'operator',
        subjectId: newId,
        subjectLabel: input.name.trim(),
        details: { role: input.role },
      });
      return newId;
    })();
    return publicOperator(this.require(id), this.now());
  }

  /** Display name, role, disabled; the last enabled admin keeps being one (LAST_ADMIN). */
  update(id: number, changes: { displayName?: string; role?: Role; disabled?: boolean }, actor: string): Operator {
    const changed = this.db.transaction(() => {
      const before = this.require(id);
      const fields: Record<string, { from: unknown; to: unknown }> = {};
      if (changes.displayName !== undefined && changes.displayName.trim() !== before.displayName) fields.displayName = { from: before.displayName, to: changes.displayName.trim() };
      if (changes.role !== undefined && changes.role !== before.role) fields.role = { from: before.role, to: changes.role };
      if (changes.disabled !== undefined && changes.disabled !== before.disabled) fields.disabled = { from: before.disabled, to: changes.disabled };
      if (Object.keys(fields).length === 0) return fields;
      try {
        this.db
          .prepare('UPDATE operators SET display_name = ?, role = ?, disabled = ? WHERE id = ?')
          .run(changes.displayName?.trim() ?? before.displayName, changes.role ?? before.role, (changes.disabled ?? before.disabled) ? 1 : 0, id);
      } catch (error) {
        explain(error);
      }
      const action = fields.disabled ? (changes.disabled ? 'operator.disabled' : 'operator.enabled') : fields.role ? 'operator.role-changed' : 'operator.updated';
      this.audit.append({ operator: actor, action, subjectKind: 'operator', subjectId: id, subjectLabel: before.name, details: { fields } });
      return fields;
    })();
    if (changed.disabled) this.onChanged(id, 'disabled');
    else if (changed.role) this.onChanged(id, 'role');
    else if (Object.keys(changed).length > 0) this.onChanged(id, 'other');
    return publicOperator(this.require(id), this.now());
  }

  /** An admin (or the CLI) sets someone's password; it also lifts a lockout. */
  async resetPassword(id: number, newPassword: string, actor: string): Promise<Operator> {
    const hash = await hashPassword(newPassword, this.scrypt);
    this.db.transaction(() => {
      const target = this.require(id);
      this.db
        .prepare('UPDATE operators SET password_hash = ?, password_changed_at = ?, failed_attempts = 0, locked_until = NULL WHERE id = ?')
        .run(hash, this.iso(), id);
      this.audit.append({ operator: actor, action: 'operator.password-reset', subjectKind: 'operator', subjectId: id, subjectLabel: target.name });
    })();
    this.onChanged(id, 'password');
    return publicOperator(this.require(id), this.now());
  }

  /** One's own password, the current one checked first (a wrong one counts as a failed sign-in). */
  async changeOwnPassword(id: number, currentPassword: string, newPassword: string): Promise<void> {
    await this.confirmPassword(id, currentPassword, 'change their password');
    const hash = await hashPassword(newPassword, this.scrypt);
    this.db.transaction(() => {
      const me = this.require(id);
      this.db.prepare('UPDATE operators SET password_hash = ?, password_changed_at = ? WHERE id = ?').run(hash, this.iso(), id);
      this.audit.append({ operator: me.name, action: 'operator.password-changed', subjectKind: 'operator', subjectId: id, subjectLabel: me.name });
    })();
    this.onChanged(id, 'password');
  }

  /**
   * Sign-in: the operator when the name and password are right and the account is enabled and
   * not locked. A wrong name costs as long as a wrong password and gets the same answer.
   */
  async authenticate(name: string, password: string): Promise<OperatorRecord> {
    const found = this.findByName(name);
    const label = name.trim().slice(0, 40);
    if (found?.lockedUntil && Date.parse(found.lockedUntil) > this.now()) {
      this.audit.append({ operator: label, action: 'operator.sign-in-refused-locked', subjectKind: 'operator', subjectId: found.id, subjectLabel: found.name, details: { lockedUntil: found.lockedUntil } });
      throw lockedError(found.lockedUntil, this.now());
    }
    const unknownKey = label.toLowerCase();
    const unknown = found ? undefined : this.unknownNameFailures.get(unknownKey);
    if (unknown?.lockedUntil && Date.parse(unknown.lockedUntil) > this.now()) {
      this.audit.append({ operator: label, action: 'operator.sign-in-refused-locked', subjectKind: 'operator', subjectId: null, subjectLabel: label, details: { lockedUntil: unknown.lockedUntil, reason: 'unknown name' } });
      throw lockedError(unknown.lockedUntil, this.now());
    }
    const matches = await verifyPassword(password, found?.passwordHash ?? (await dummyHash()));
    if (!found) {
      const failures = (unknown?.failures ?? 0) + 1;
      const lockMs = lockDurationMs(failures);
      const lockedUntil = lockMs > 0 ? new Date(this.now() + lockMs).toISOString() : null;
      this.unknownNameFailures.delete(unknownKey); // re-inserted last: the map forgets the oldest first
      this.unknownNameFailures.set(unknownKey, { failures, lockedUntil: lockedUntil ?? unknown?.lockedUntil ?? null });
      if (this.unknownNameFailures.size > MAX_UNKNOWN_NAMES_TRACKED) this.unknownNameFailures.delete(this.unknownNameFailures.keys().next().value!);
      this.audit.append({ operator: label, action: 'operator.sign-in-failed', subjectKind: 'operator', subjectId: null, subjectLabel: label, details: { reason: 'unknown name', failedAttempts: failures } });
      if (lockedUntil) throw lockedError(lockedUntil, this.now());
      throw new VigilError('LOGIN_FAILED', 'The sign-in name or password is wrong');
    }
    if (!matches) {
      const lockedUntil = this.recordFailure(found.id, label, 'sign-in');
      if (lockedUntil) throw lockedError(lockedUntil, this.now());
      throw new VigilError('LOGIN_FAILED', 'The sign-in name or password is wrong');
    }
    if (found.disabled) {
      this.audit.append({ operator: found.name, action: 'operator.sign-in-refused-disabled', subjectKind: 'operator', subjectId: found.id, subjectLabel: found.name });
      throw new VigilError('ACCOUNT_DISABLED', 'This account is disabled; an administrator can enable it');
    }
    this.db.transaction(() => {
      this.db.prepare('UPDATE operators SET failed_attempts = 0, locked_until = NULL, last_login_at = ? WHERE id = ?').run(this.iso(), found.id);
      this.audit.append({ operator: found.name, action: 'operator.signed-in', subjectKind: 'operator', subjectId: found.id, subjectLabel: found.name });
    })();
    return this.require(found.id);
  }

  /**
   * The caller's own password again before a grave action (erasure, an export with face vectors,
   * a duplicate override). Missing or wrong: PASSWORD_REQUIRED, audited; wrong ones count towards
   * the lockout like sign-ins.
   */
  async confirmPassword(id: number, password: string | undefined, what: string): Promise<void> {
    const me = this.require(id);
    if (me.lockedUntil && Date.parse(me.lockedUntil) > this.now()) throw lockedError(me.lockedUntil, this.now());
    if (!password) throw new VigilError('PASSWORD_REQUIRED', `Enter your password again to ${what}`);
    if (await verifyPassword(password, me.passwordHash)) return;
    const lockedUntil = this.recordFailure(id, me.name, what);
    if (lockedUntil) throw lockedError(lockedUntil, this.now());
    throw new VigilError('PASSWORD_REQUIRED', `The password is wrong; enter your own password to ${what}`);
  }

  /** Counts a wrong password; locks the account from the 5th in a row. Returns the lock's end, if locked now. */
  private recordFailure(id: number, actor: string, during: string): string | null {
    return this.db.transaction(() => {
      const me = this.require(id);
      const failures = me.failedAttempts + 1;
      const lockMs = lockDurationMs(failures);
      const lockedUntil = lockMs > 0 ? new Date(this.now() + lockMs).toISOString() : null;
      this.db.prepare('UPDATE operators SET failed_attempts = ?, locked_until = COALESCE(?, locked_until) WHERE id = ?').run(failures, lockedUntil, id);
      this.audit.append({
        operator: actor,
        action: during === 'sign-in' ? 'operator.sign-in-failed' : 'operator.password-confirmation-failed',
        subjectKind: 'operator',
        subjectId: id,
        subjectLabel: me.name,
        details: { failedAttempts: failures, ...(during === 'sign-in' ? {} : { during }) },
      });
      if (lockedUntil) {
        this.audit.append({ operator: actor, action: 'operator.locked-out', subjectKind: 'operator', subjectId: id, subjectLabel: me.name, details: { failedAttempts: failures, lockedUntil, minutes: lockMs / 60_000 } });
      }
      return lockedUntil;
    })();
  }

  /** Records a sign-out (by the operator or by the idle timeout). */
  recordSignOut(id: number, reason: 'signed-out' | 'idle-timeout'): void {
    const me = this.get(id);
    if (!me) return;
    this.audit.append({ operator: me.name, action: reason === 'signed-out' ? 'operator.signed-out' : 'operator.session-expired', subjectKind: 'operator', subjectId: id, subjectLabel: me.name });
  }

  /** Minutes an idle console stays signed in (site setting, default 15). */
  idleTimeoutMinutes(): number {
    const row = this.db.prepare("SELECT value FROM settings WHERE key = 'session_idle_timeout_minutes'").get() as { value: string } | undefined;
    const value = Number(row?.value);
    return Number.isInteger(value) && value > 0 ? value : 15;
  }

  setIdleTimeoutMinutes(minutes: number, actor: string): number {
    this.db.transaction(() => {
      const before = this.idleTimeoutMinutes();
      this.db
        .prepare("INSERT INTO settings (key, value) VALUES ('session_idle_timeout_minutes', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
        .run(String(minutes));
      this.audit.append({ operator: actor, action: 'settings.updated', subjectKind: 'settings', subjectId: null, subjectLabel: 'session idle timeout', details: { from: before, to: minutes } });
    })();
    return this.idleTimeoutMinutes();
  }
}

function lockedError(until: string, now: number): VigilError {
  const minutes = Math.max(1, Math.ceil((Date.parse(until) - now) / 60_000));
  const error = new VigilError('ACCOUNT_LOCKED', `Too many wrong passwords: this account is locked for ${minutes} more minute${minutes === 1 ? '' : 's'} (or until an administrator resets its password)`);
  error.retryAt = until;
  return error;
}
