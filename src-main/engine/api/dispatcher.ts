import { z } from 'zod';
import {
  type ChannelName,
  channels,
  type Envelope,
  type ParsedRequestOf,
  type Permission,
  permissions,
  type ResponseOf,
  type Role,
} from '../../../src-preload/contract.js';
import { clientError, type ErrorLog, VigilError } from '../errors.js';
import type { OperatorService } from '../operators/operator-service.js';
import { type ConsoleConnection, newConnection, type SessionManager } from '../operators/sessions.js';
import type { AuditRepository } from '../storage/repositories.js';

export type Handlers = {
  [C in ChannelName]: (
    request: ParsedRequestOf<C>,
    caller: CallerContext,
    /** The console the request came from (its session); a throwaway one for in-process callers. */
    connection: ConsoleConnection,
  ) => Promise<ResponseOf<C>> | ResponseOf<C>;
};

/** Who is calling: a name for audit entries and the permissions their role grants. */
export interface CallerContext {
  /** Recorded in audit entries ("who erased this person"); never used for access decisions. */
  operator: string;
  permissions: ReadonlySet<Permission>;
  /** The signed-in operator's account; absent for in-process callers (the CLI, tests), who hold the data folder itself. */
  operatorId?: number;
  role?: Role;
}

/**
 * An in-process caller with every permission: the CLI on the machine (the recovery path: it
 * holds the data folder, so it needs no sign-in) and tests. Never used by a transport: the
 * Electron window and the WebSocket host pass their console connection, whose caller comes from
 * its session.
 */
export const LOCAL_OPERATOR: CallerContext = {
  operator: 'local operator',
  permissions: new Set(permissions),
};

/** Before anyone signs in (sign-in, first-run set-up, session status): no permission at all. */
const NOBODY: CallerContext = { operator: 'nobody', permissions: new Set() };

/** For actions that reach beyond their channel's own permission (e.g. naming an unknown creates a person). */
export function requirePermission(caller: CallerContext, permission: Permission, what: string): void {
  if (!caller.permissions.has(permission)) throw new VigilError('FORBIDDEN', `${what} needs the "${permission}" permission`);
}

/** What the password is asked again for, in words ("Enter your password again to …"). */
function reauthWords(channel: ChannelName): string {
  if (channel === 'people.erase') return 'erase this person';
  if (channel === 'people.export') return 'export face vectors';
  return 'save a face that matches someone enrolled';
}

function isConnection(who: CallerContext | ConsoleConnection): who is ConsoleConnection {
  return 'sessionId' in who;
}

export interface DispatcherOptions {
  log?: ErrorLog;
  /** Signed-in consoles: required for transports (a ConsoleConnection caller). */
  sessions?: SessionManager;
  /** Checks the password a grave action asks for again. */
  operators?: OperatorService;
  /** Where refused calls (FORBIDDEN) are recorded. */
  audit?: AuditRepository;
}

/**
 * Validates a request against the contract, finds the caller (from the console's session, never
 * from the request), checks their permission, asks for their password again where the channel
 * says so, runs the handler and validates what it returns. Every transport (Electron IPC,
 * WebSocket) goes through here, so none can skip a check. Errors go back as typed codes in plain
 * words; what they hold inside (SQLite's text, paths) goes to `log` only.
 */
export function createDispatcher(handlers: Handlers, options: DispatcherOptions = {}) {
  return async function dispatch(channelName: unknown, request: unknown, who: CallerContext | ConsoleConnection): Promise<Envelope<unknown>> {
    try {
      if (typeof channelName !== 'string' || !Object.hasOwn(channels, channelName)) {
        throw new VigilError('BAD_REQUEST', `Unknown channel "${String(channelName)}"`);
      }
      const name = channelName as ChannelName;
      const definition = channels[name];
      // Everything up to the handler call runs without awaiting, so a console's requests are
      // checked in the order they arrive (a session.resume sent first applies to the next ones).
      let connection: ConsoleConnection;
      let caller: CallerContext;
      if (isConnection(who)) {
        connection = who;
        if (definition.permission === 'anyone') caller = NOBODY;
        else {
          if (!options.sessions) throw new VigilError('INTERNAL', 'This transport has no sessions');
          caller = options.sessions.caller(connection);
        }
      } else {
        connection = newConnection();
        caller = who;
      }
      const access = definition.permission;
      if (access !== 'anyone' && access !== 'signed-in' && !caller.permissions.has(access)) {
        options.audit?.append({
          operator: caller.operator,
          action: 'access.refused',
          subjectKind: 'channel',
          subjectId: null,
          subjectLabel: name,
          details: { permission: access, role: caller.role ?? null },
        });
        throw new VigilError('FORBIDDEN', `This needs the "${access}" permission, which the ${caller.role ?? 'current'} role does not have`);
      }
      const parsed = definition.request.safeParse(request ?? {});
      if (!parsed.success) throw new VigilError('BAD_REQUEST', z.prettifyError(parsed.error));
      const reauth = (definition as { reauth?: (r: unknown) => boolean }).reauth;
      if (reauth?.(parsed.data) && caller.operatorId !== undefined) {
        if (!options.operators) throw new VigilError('INTERNAL', 'Passwords cannot be checked here');
        await options.operators.confirmPassword(caller.operatorId, (parsed.data as { password?: string }).password, reauthWords(name));
      }
      const handler = handlers[name] as (r: unknown, c: CallerContext, k: ConsoleConnection) => Promise<unknown> | unknown;
      const value = await handler(parsed.data, caller, connection);
      const checked = definition.response.safeParse(value);
      if (!checked.success) {
        throw new VigilError('INTERNAL', `Response of ${name} does not match the contract: ${z.prettifyError(checked.error)}`);
      }
      return { ok: true, value: checked.data };
    } catch (error) {
      return { ok: false, error: clientError(error, options.log, { channel: typeof channelName === 'string' ? channelName.slice(0, 80) : null }) };
    }
  };
}

export type Dispatch = ReturnType<typeof createDispatcher>;
