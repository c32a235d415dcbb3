/**
 * When a failed remote call is tried again, and after how long. Pure: the
 * random source is injected so tests can seed it.
 *
 * Retried: throttling (ThrottlingException, ProvisionedThroughputExceededException,
 * HTTP 429), server errors (5xx) and timeouts. Never retried: any other 4xx
 * (the request itself is wrong; asking again gives the same answer) and an
 * unreachable endpoint (the matcher goes offline instead and recognition
 * continues locally).
 */
export type FailureKind = 'throttled' | 'server-error' | 'timeout' | 'client-error' | 'unreachable' | 'unknown';

export interface RetryPolicy {
  /** Attempts in all, the first one included (default 4). */
  maxAttempts: number;
  /** Back-off ceiling before the first retry; doubles each retry (default 100 ms). */
  baseDelayMs: number;
  /** Largest back-off ceiling (default 5 s). */
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 5000 };

export type RetryDecision = { retry: true; delayMs: number } | { retry: false; reason: 'not-retryable' | 'not-idempotent' | 'attempts-exhausted' };

const THROTTLING_NAMES = new Set(['ThrottlingException', 'ProvisionedThroughputExceededException', 'TooManyRequestsException']);
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ECONNRESET', 'EPIPE']);

export function isRetryable(kind: FailureKind): boolean {
  return kind === 'throttled' || kind === 'server-error' || kind === 'timeout';
}

/**
 * "Full jitter": a uniformly random wait between 0 and the exponential ceiling,
 * so clients throttled together do not retry together. `retryNumber` is 1 for
 * the first retry.
 */
export function backoffDelayMs(retryNumber: number, policy: RetryPolicy, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retryNumber - 1));
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.floor(r * ceiling);
}

/**
 * After `attemptsMade` attempts, the last failing with `kind`: try again, and when?
 * A request that is not idempotent (IndexFaces: a second call adds a second
 * face) is retried only when throttled, the one failure that proves the
 * service did nothing; after a 5xx or a timeout it may have been done.
 */
export function decideRetry(attemptsMade: number, kind: FailureKind, policy: RetryPolicy, random: () => number, idempotent = true): RetryDecision {
  if (!isRetryable(kind)) return { retry: false, reason: 'not-retryable' };
  if (!idempotent && kind !== 'throttled') return { retry: false, reason: 'not-idempotent' };
  if (attemptsMade >= policy.maxAttempts) return { retry: false, reason: 'attempts-exhausted' };
  return { retry: true, delayMs: backoffDelayMs(attemptsMade, policy, random) };
}

interface ErrorShape {
  name?: unknown;
  code?: unknown;
  $fault?: unknown;
  $metadata?: { httpStatusCode?: unknown };
  cause?: unknown;
}

/**
 * What kind of failure an error from the AWS SDK (or the network under it)
 * is: read from the service's error name, the HTTP status and Node's error code.
 */
export function classifyFailure(error: unknown, depth = 0): FailureKind {
  if (error === null || typeof error !== 'object') return 'unknown';
  const e = error as ErrorShape;
  const name = typeof e.name === 'string' ? e.name : '';
  const code = typeof e.code === 'string' ? e.code : '';
  const status = typeof e.$metadata?.httpStatusCode === 'number' ? e.$metadata.httpStatusCode : null;
  if (THROTTLING_NAMES.has(name) || THROTTLING_NAMES.has(code) || status === 429) return 'throttled';
  if ((status !== null && status >= 500) || (status === null && e.$fault === 'server')) return 'server-error';
  if (status !== null && status >= 400) return 'client-error';
  if (UNREACHABLE_CODES.has(code)) return 'unreachable';
  if (name === 'TimeoutError' || code === 'ETIMEDOUT' || code === 'ESOCKETTIMEDOUT') return 'timeout';
  if (e.$fault === 'client') return 'client-error';
  if (e.cause !== undefined && depth < 3) return classifyFailure(e.cause, depth + 1);
  return 'unknown';
}
