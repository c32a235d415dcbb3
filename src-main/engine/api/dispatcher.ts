import { z } from 'zod';
import {
  type ChannelName,
  channels,
  type Envelope,
  type ParsedRequestOf,
  type Permission,
  permissions,
  type ResponseOf,
} from '../../../src-preload/contract.js';
import { clientError, type ErrorLog, VigilError } from '../errors.js';

export type Handlers = {
  [C in ChannelName]: (request: ParsedRequestOf<C>, caller: CallerContext) => Promise<ResponseOf<C>> | ResponseOf<C>;
};

/** Who is calling: a name for audit entries and the permissions their role grants (roles arrive with the operators issue). */
export interface CallerContext {
  /** Recorded in audit entries ("who erased this person"); never used for access decisions. */
  operator: string;
  permissions: ReadonlySet<Permission>;
}

/** The operator at this console (Electron window or the headless host's token holder) until operators and roles exist. */
export const LOCAL_OPERATOR: CallerContext = {
  operator: 'local operator',
  permissions: new Set(permissions),
};

/** For actions that reach beyond their channel's own permission (e.g. naming an unknown creates a person). */
export function requirePermission(caller: CallerContext, permission: Permission, what: string): void {
  if (!caller.permissions.has(permission)) throw new VigilError('FORBIDDEN', `${what} needs the "${permission}" permission`);
}

/**
 * Validates a request against the contract, checks the caller's permission,
 * runs the handler and validates what it returns. Every transport (Electron
 * IPC, WebSocket) goes through here, so none can skip a check. Errors go back
 * as typed codes in plain words; what they hold inside (SQLite's text, paths)
 * goes to `log` only.
 */
export function createDispatcher(handlers: Handlers, options: { log?: ErrorLog } = {}) {
  return async function dispatch(channelName: unknown, request: unknown, caller: CallerContext): Promise<Envelope<unknown>> {
    try {
      if (typeof channelName !== 'string' || !Object.hasOwn(channels, channelName)) {
        throw new VigilError('BAD_REQUEST', `Unknown channel "${String(channelName)}"`);
      }
      const name = channelName as ChannelName;
      const definition = channels[name];
      requirePermission(caller, definition.permission, 'This');
      const parsed = definition.request.safeParse(request ?? {});
      if (!parsed.success) throw new VigilError('BAD_REQUEST', z.prettifyError(parsed.error));
      const handler = handlers[name] as (r: unknown, c: CallerContext) => Promise<unknown> | unknown;
      const value = await handler(parsed.data, caller);
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
