import {
  VigilApiError,
  channels,
  errorCodes,
  events,
  type ChannelName,
  type ErrorCode,
  type EventName,
  type EventOf,
  type ResponseOf,
} from '../../../src-preload/contract';
import type { z } from 'zod';

const knownCodes = new Set<string>(errorCodes);

function describeIssues(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>): string {
  return issues
    .slice(0, 3)
    .map((issue) => (issue.path.length ? `${issue.path.map(String).join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}

/**
 * Turns a transport envelope into the response value, or throws VigilApiError.
 * Responses are checked against the contract's zod schema so a drift between
 * the engine and the UI surfaces as a clear error instead of a broken screen.
 */
export function unwrapEnvelope<C extends ChannelName>(channel: C, envelope: unknown): ResponseOf<C> {
  return unwrapAnswer(channel, envelope, channels[channel].response as z.ZodType<unknown>) as ResponseOf<C>;
}

/** An envelope's value checked against `schema`, or its error as a VigilApiError; `what` names the call in messages. */
export function unwrapAnswer<T>(channel: string, envelope: unknown, schema: z.ZodType<T>): T {
  if (typeof envelope !== 'object' || envelope === null || !('ok' in envelope)) {
    throw new VigilApiError({ code: 'INTERNAL', message: `The engine sent a malformed answer to ${channel}` });
  }
  const env = envelope as { ok: unknown; value?: unknown; error?: { code?: unknown; message?: unknown; retryAt?: unknown } };
  if (env.ok !== true) {
    const rawCode = typeof env.error?.code === 'string' ? env.error.code : 'INTERNAL';
    const code: ErrorCode = knownCodes.has(rawCode) ? (rawCode as ErrorCode) : 'INTERNAL';
    const message =
      typeof env.error?.message === 'string' && env.error.message ? env.error.message : `${channel} failed (${rawCode})`;
    const retryAt = typeof env.error?.retryAt === 'string' ? env.error.retryAt : undefined;
    throw new VigilApiError(retryAt ? { code, message, retryAt } : { code, message });
  }
  const parsed = schema.safeParse(env.value);
  if (!parsed.success) {
    throw new VigilApiError({
      code: 'INTERNAL',
      message: `The engine's answer to ${channel} does not match the contract (${describeIssues(parsed.error.issues)})`,
    });
  }
  return parsed.data;
}

/**
 * Validates a pushed event.
 * Returns undefined (and warns once per event name) when a payload is invalid.
 */
const warned = new Set<string>();
export function parseEvent<E extends EventName>(name: E, payload: unknown): EventOf<E> | undefined {
  const parsed = events[name].safeParse(payload);
  if (!parsed.success) {
    if (!warned.has(name)) {
      warned.add(name);
      console.warn(`[vigil] dropped a '${name}' event that does not match the contract: ${describeIssues(parsed.error.issues)}`);
    }
    return undefined;
  }
  return parsed.data as EventOf<E>;
}

export function isChannelName(name: string): name is ChannelName {
  return Object.prototype.hasOwnProperty.call(channels, name);
}

export function isEventName(name: string): name is EventName {
  return Object.prototype.hasOwnProperty.call(events, name);
}
