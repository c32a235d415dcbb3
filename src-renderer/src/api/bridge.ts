import type { ChannelName, Envelope, EventName } from '../../../src-preload/contract';

/**
 * What the Electron preload exposes as `window.vigil` (src-preload/index.ts).
 *
 * It is deliberately dumb: it forwards the contract's envelope untouched and
 * never throws for an engine error. src/api/electron.ts turns envelopes into
 * values or VigilApiError and validates them against the contract.
 */
export interface VigilBridge {
  invoke(channel: ChannelName, request: unknown): Promise<Envelope<unknown>>;
  on(eventName: EventName, listener: (payload: unknown) => void): () => void;
  /** The desktop app's folder dialog for bulk import (absent in a browser console). */
  pickFolder?(): Promise<Envelope<unknown>>;
}
