import { VigilApiError, errorExplanations } from '../../../src-preload/contract';

/**
 * The engine could not be reached at all (socket down, IPC bridge failure, no
 * answer in time). It is still a VigilApiError (code INTERNAL) so callers that
 * only know the contract keep working, but the UI words it differently.
 */
export class EngineUnavailableError extends VigilApiError {
  constructor(message: string) {
    super({ code: 'INTERNAL', message });
    this.name = 'EngineUnavailableError';
  }
}

/** One sentence for people: the plain-words explanation of the code, then the engine's message. */
export function describeError(error: unknown): string {
  if (error instanceof EngineUnavailableError) return `Cannot reach the Vigil engine: ${error.message}`;
  if (error instanceof VigilApiError) {
    const explanation = errorExplanations[error.code] ?? errorExplanations.INTERNAL;
    const message = error.message.trim();
    if (!message || message.toLowerCase() === explanation.toLowerCase()) return `${explanation}.`;
    return `${explanation}: ${message}`;
  }
  if (error instanceof Error) return error.message || String(error);
  return String(error);
}

/** The error code to expose to tests/styling, when there is one. */
export function errorCode(error: unknown): string | undefined {
  if (error instanceof EngineUnavailableError) return 'UNAVAILABLE';
  if (error instanceof VigilApiError) return error.code;
  return undefined;
}
