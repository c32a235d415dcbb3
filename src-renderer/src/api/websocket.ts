import {
  type ChannelName,
  type EventName,
  type EventOf,
  MAX_ENROLL_PHOTOS,
  MAX_PHOTO_MB,
  MAX_REQUEST_BYTES,
  type RequestOf,
  type ResponseOf,
  VigilApiError,
  type WsClientMessage,
  type WsServerMessage,
} from '../../../src-preload/contract';
import type { ConnectionInfo, ConnectionListener } from './connection';
import { EngineUnavailableError } from './errors';
import type { VigilClient } from './types';
import { isEventName, parseEvent, unwrapEnvelope } from './validate';

export interface WebSocketClientOptions {
  /** Full ws:// or wss:// URL including ?token=. */
  url: string;
  hasToken: boolean;
  /** How long a call may wait for its answer (enrolment runs inference, so be generous). */
  callTimeoutMs?: number;
  /** Backoff bounds between reconnection attempts. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** Injected for tests; defaults to the browser's WebSocket. */
  WebSocketImpl?: typeof WebSocket;
}

interface Pending {
  id: number;
  channel: ChannelName;
  message: string;
  sent: boolean;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  timer: ReturnType<typeof setTimeout>;
}

type AnyListener = (event: unknown) => void;

function maskToken(url: string): string {
  return url.replace(/([?&]token=)[^&]*/i, '$1…');
}

/**
 * VigilApi over the headless host's WebSocket (`npm run serve`).
 *
 * - Calls made while the socket is still connecting are queued and sent on open.
 * - Calls made while disconnected fail at once with EngineUnavailableError.
 * - When the socket drops, every pending call is rejected (the engine may or may
 *   not have done the work; the UI says so) and we reconnect with exponential
 *   backoff; listeners stay registered across reconnections.
 */
/**
 * ws(s)://<host>/video/<id>?token=<token>&session=<session>[&stream=sub]: the host's video of a
 * camera, from the WebSocket's address, for this signed-in console. A WebSocket, not a GET: the
 * browser keeps at most six HTTP/1.1 connections per host, and each tile's video is an endless body,
 * so a wall of seven or more cameras would leave tiles waiting for ever.
 */
export function hostVideoUrl(webSocketUrl: string, cameraId: number, session: string | null = null, stream: 'main' | 'sub' = 'main'): string {
  const url = new URL(webSocketUrl);
  url.protocol = url.protocol === 'https:' || url.protocol === 'wss:' ? 'wss:' : 'ws:';
  url.pathname = `/video/${cameraId}`;
  if (session) url.searchParams.set('session', session);
  if (stream === 'sub') url.searchParams.set('stream', 'sub');
  return url.toString();
}

export function createWebSocketClient(options: WebSocketClientOptions): VigilClient {
  const WS = options.WebSocketImpl ?? WebSocket;
  const callTimeoutMs = options.callTimeoutMs ?? 120_000;
  const minBackoffMs = options.minBackoffMs ?? 500;
  const maxBackoffMs = options.maxBackoffMs ?? 10_000;

  const pending = new Map<number, Pending>();
  const listeners = new Map<EventName, Set<AnyListener>>();
  const connectionListeners = new Set<ConnectionListener>();
  let nextId = 1;
  let socket: WebSocket | null = null;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let disposed = false;
  let resumeToken: string | null = null;

  let info: ConnectionInfo = {
    transport: 'websocket',
    state: 'connecting',
    endpoint: maskToken(options.url),
    hasToken: options.hasToken,
    failures: 0,
    nextRetryAt: null,
    everConnected: false,
    generation: 0,
  };

  function setInfo(patch: Partial<ConnectionInfo>) {
    info = { ...info, ...patch };
    for (const listener of connectionListeners) {
      try {
        listener(info);
      } catch (error) {
        console.error('[vigil] connection listener failed', error);
      }
    }
  }

  function settle(id: number): Pending | undefined {
    const call = pending.get(id);
    if (call) {
      clearTimeout(call.timer);
      pending.delete(id);
    }
    return call;
  }

  /** `sentReason`: why a call already sent got no answer, when that is known (a message over the size cap). */
  function rejectAll(reason: string, sentReason?: string) {
    for (const id of [...pending.keys()]) {
      const call = settle(id);
      if (!call) continue;
      const what = call.sent
        ? `the connection dropped before ${call.channel} was answered (${sentReason ? `${sentReason}; ` : ''}it may or may not have been done)`
        : `${call.channel} could not be sent: ${reason}`;
      call.reject(new EngineUnavailableError(what));
    }
  }

  function dispatchEvent(name: string, payload: unknown) {
    if (!isEventName(name)) return;
    const set = listeners.get(name);
    if (!set || set.size === 0) return;
    const event = parseEvent(name, payload);
    if (event === undefined) return;
    for (const listener of set) {
      try {
        listener(event);
      } catch (error) {
        console.error(`[vigil] a '${name}' listener failed`, error);
      }
    }
  }

  function onMessage(raw: unknown) {
    if (typeof raw !== 'string') return;
    let message: WsServerMessage;
    try {
      message = JSON.parse(raw) as WsServerMessage;
    } catch {
      console.warn('[vigil] ignored a WebSocket message that is not JSON');
      return;
    }
    if (message?.type === 'response') {
      const call = settle(message.id);
      if (!call) return; // timed out already
      try {
        call.resolve(unwrapEnvelope(call.channel, message.envelope));
      } catch (error) {
        call.reject(error);
      }
    } else if (message?.type === 'event') {
      dispatchEvent(message.name, message.payload);
    }
  }

  function scheduleReconnect() {
    if (disposed) return;
    const failures = info.failures + 1;
    const base = Math.min(maxBackoffMs, minBackoffMs * 2 ** Math.min(failures - 1, 10));
    const delay = Math.round(base * (0.85 + Math.random() * 0.3));
    setInfo({ state: 'closed', failures, nextRetryAt: Date.now() + delay });
    retryTimer = setTimeout(connect, delay);
  }

  function connect() {
    if (disposed) return;
    if (retryTimer) {
      clearTimeout(retryTimer);
      retryTimer = null;
    }
    setInfo({ state: 'connecting', nextRetryAt: null });
    let ws: WebSocket;
    try {
      ws = new WS(options.url);
    } catch (error) {
      console.error('[vigil] cannot open the WebSocket', error);
      rejectAll('the address of the engine is invalid');
      scheduleReconnect();
      return;
    }
    socket = ws;
    ws.onopen = () => {
      if (socket !== ws) return;
      // A new socket is not signed in: resume the session first (the host checks a socket's
      // requests in order, so the queued calls below run in it). Its answer needs no handling:
      // if the session expired, the calls say so (SESSION_EXPIRED / NOT_SIGNED_IN).
      if (resumeToken) ws.send(JSON.stringify({ id: nextId++, channel: 'session.resume', request: { resumeToken } } satisfies WsClientMessage));
      setInfo({ state: 'open', failures: 0, everConnected: true, generation: info.generation + 1 });
      for (const call of pending.values()) {
        if (!call.sent) {
          ws.send(call.message);
          call.sent = true;
        }
      }
    };
    ws.onmessage = (event) => {
      if (socket === ws) onMessage(event.data);
    };
    ws.onclose = (event) => {
      if (socket !== ws) return;
      socket = null;
      // 1009: the host refused a message over its size cap (it cannot answer that request itself).
      const tooBig = event.code === 1009 ? `a request was larger than the ${Math.floor(MAX_REQUEST_BYTES / 1024 / 1024)} MB the engine accepts` : undefined;
      rejectAll(tooBig ?? 'the engine is not reachable', tooBig);
      scheduleReconnect();
    };
    // onerror is always followed by onclose; nothing to do here.
    ws.onerror = () => {};
  }

  connect();

  return {
    invoke<C extends ChannelName>(name: C, request: RequestOf<C>): Promise<ResponseOf<C>> {
      if (disposed) return Promise.reject(new EngineUnavailableError('the client was closed'));
      if (info.state === 'closed') {
        return Promise.reject(new EngineUnavailableError(`not connected, so ${name} was not sent`));
      }
      const id = nextId++;
      const wire: WsClientMessage = { id, channel: name, request };
      const message = JSON.stringify(wire);
      // The host drops the connection on a message over its cap: refuse it here, saying which limit.
      const bytes = new TextEncoder().encode(message).length;
      if (bytes > MAX_REQUEST_BYTES) {
        return Promise.reject(
          new VigilApiError({
            code: 'BAD_REQUEST',
            message: `${name} is ${(bytes / 1024 / 1024).toFixed(1)} MB; one request may be at most ${Math.floor(MAX_REQUEST_BYTES / 1024 / 1024)} MB (${MAX_ENROLL_PHOTOS} photos of at most ${MAX_PHOTO_MB} MB)`,
          }),
        );
      }
      return new Promise<ResponseOf<C>>((resolve, reject) => {
        const call: Pending = {
          id,
          channel: name,
          message,
          sent: false,
          resolve: resolve as (value: unknown) => void,
          reject,
          timer: setTimeout(() => {
            if (settle(id)) {
              reject(new EngineUnavailableError(`no answer to ${name} within ${Math.round(callTimeoutMs / 1000)} s`));
            }
          }, callTimeoutMs),
        };
        pending.set(id, call);
        if (socket && info.state === 'open' && socket.readyState === WS.OPEN) {
          socket.send(call.message);
          call.sent = true;
        }
      });
    },
    on<E extends EventName>(name: E, listener: (event: EventOf<E>) => void): () => void {
      let set = listeners.get(name);
      if (!set) {
        set = new Set();
        listeners.set(name, set);
      }
      const wrapped = listener as AnyListener;
      set.add(wrapped);
      return () => {
        set.delete(wrapped);
      };
    },
    getConnection: () => info,
    videoUrl: (cameraId, stream) => hostVideoUrl(options.url, cameraId, resumeToken, stream),
    onConnection(listener) {
      connectionListeners.add(listener);
      return () => {
        connectionListeners.delete(listener);
      };
    },
    reconnectNow() {
      if (disposed || info.state !== 'closed') return;
      connect();
    },
    setResumeToken(token) {
      resumeToken = token;
    },
    dispose() {
      disposed = true;
      if (retryTimer) clearTimeout(retryTimer);
      const ws = socket;
      socket = null;
      ws?.close();
      rejectAll('the client was closed');
    },
  };
}
