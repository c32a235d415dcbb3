import type { FailureKind } from './retry-policy.js';

/**
 * Typed failures of the remote matcher, with messages written for people.
 * The caller (pipeline, enrollment, console) reacts to the code; none of them
 * stops local recognition.
 */
export const remoteErrorCodes = [
  /** The endpoint could not be reached (network, DNS, refused): the matcher is offline. */
  'REMOTE_UNREACHABLE',
  /** No answer within the request timeout, every attempt. */
  'REMOTE_TIMEOUT',
  /** Still throttled after every retry. */
  'REMOTE_THROTTLED',
  /** The service failed (5xx) on every attempt. */
  'REMOTE_SERVER_ERROR',
  /** The service refused the request (4xx other than throttling): asking again will not help. */
  'REMOTE_REJECTED',
  /** No AWS credentials could be found (standard chain or settings). */
  'REMOTE_NO_CREDENTIALS',
  /** IndexFaces found no face to index in the crop. */
  'REMOTE_NO_FACE',
  /** The request was dropped because the queue was full. */
  'REMOTE_DROPPED',
  /** The crop or argument is not something the service accepts; nothing was sent. */
  'REMOTE_BAD_INPUT',
  /** The matcher was closed before the request was sent. */
  'REMOTE_CLOSED',
  'REMOTE_FAILED',
] as const;
export type RemoteErrorCode = (typeof remoteErrorCodes)[number];

export class RemoteMatcherError extends Error {
  readonly code: RemoteErrorCode;
  /** The service's error name (e.g. InvalidParameterException), when it gave one. */
  readonly serviceError: string | null;
  /** Requests sent for this operation (0: nothing left the site). */
  readonly attempts: number;
  constructor(code: RemoteErrorCode, message: string, options: { serviceError?: string | null; attempts?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'RemoteMatcherError';
    this.code = code;
    this.serviceError = options.serviceError ?? null;
    this.attempts = options.attempts ?? 0;
  }
}

/** The error code for a failure that ended an operation. */
export function remoteErrorCode(kind: FailureKind, error: unknown): RemoteErrorCode {
  const name = (error as { name?: unknown } | null)?.name;
  if (name === 'CredentialsProviderError') return 'REMOTE_NO_CREDENTIALS';
  switch (kind) {
    case 'unreachable':
      return 'REMOTE_UNREACHABLE';
    case 'timeout':
      return 'REMOTE_TIMEOUT';
    case 'throttled':
      return 'REMOTE_THROTTLED';
    case 'server-error':
      return 'REMOTE_SERVER_ERROR';
    case 'client-error':
      return 'REMOTE_REJECTED';
    default:
      return 'REMOTE_FAILED';
  }
}

/** Whether a failure means the service is out of reach (the matcher goes offline). */
export function meansOffline(code: RemoteErrorCode): boolean {
  return code === 'REMOTE_UNREACHABLE' || code === 'REMOTE_TIMEOUT' || code === 'REMOTE_NO_CREDENTIALS';
}
