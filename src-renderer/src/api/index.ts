import { type VigilApi, VigilApiError } from '../../../src-preload/contract';
import { createElectronClient } from './electron';
import type { VigilClient } from './types';
import { createWebSocketClient } from './websocket';

export type { VigilClient } from './types';
export type { ConnectionInfo, ConnectionState, Transport } from './connection';
export { EngineUnavailableError, describeError, errorCode } from './errors';

/** ws(s)://<host>/ws?token=<token>, from the address the headless host printed. */
export function webSocketUrlFor(location: Pick<Location, 'protocol' | 'host' | 'search'>): {
  url: string;
  hasToken: boolean;
} {
  const token = new URLSearchParams(location.search).get('token') ?? '';
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  const host = location.host || '127.0.0.1';
  return { url: `${scheme}://${host}/ws?token=${encodeURIComponent(token)}`, hasToken: token.length > 0 };
}

/**
 * The Electron bridge when the preload exposed window.vigil, otherwise a
 * WebSocket client to the host that served this page.
 */
export function createApi(): VigilClient & VigilApi {
  if (typeof window !== 'undefined' && window.vigil) return withSignInWatch(createElectronClient(window.vigil));
  const { url, hasToken } = webSocketUrlFor(window.location);
  return withSignInWatch(createWebSocketClient({ url, hasToken }));
}

type SignInLostListener = (code: 'SESSION_EXPIRED' | 'NOT_SIGNED_IN') => void;
const signInLostListeners = new Set<SignInLostListener>();

/** Called when any call is refused because the console is no longer signed in (the session store locks the console). */
export function onSignInLost(listener: SignInLostListener): () => void {
  signInLostListeners.add(listener);
  return () => {
    signInLostListeners.delete(listener);
  };
}

/** The client, with every call's SESSION_EXPIRED / NOT_SIGNED_IN also reported to onSignInLost. */
function withSignInWatch(client: VigilClient): VigilClient {
  return {
    ...client,
    async invoke(name, request) {
      try {
        return await client.invoke(name, request);
      } catch (error) {
        if (error instanceof VigilApiError && (error.code === 'SESSION_EXPIRED' || error.code === 'NOT_SIGNED_IN')) {
          for (const listener of signInLostListeners) listener(error.code);
        }
        throw error;
      }
    },
  };
}

let instance: VigilClient | null = null;

/** The app-wide client, created on first use. Stores call this; components never do. */
export function getApi(): VigilClient {
  instance ??= createApi();
  return instance;
}

/** Replace the app-wide client (tests, or a different host). */
export function setApi(client: VigilClient | null): void {
  instance?.dispose();
  instance = client;
}
