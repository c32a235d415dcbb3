import type { ErrorCode, ErrorPayload } from '../../src-preload/contract.js';

/**
 * An error the engine raises on purpose: it carries a code the UI and the CLI
 * can explain. Anything else that escapes is reported as INTERNAL.
 */
export class VigilError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'VigilError';
    this.code = code;
  }
}

export function toErrorPayload(error: unknown): ErrorPayload {
  if (error instanceof VigilError) return { code: error.code, message: error.message };
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'INTERNAL', message };
}
