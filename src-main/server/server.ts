import { contentSecurityPolicy } from '../electron/security.js';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { type RawData, WebSocketServer, type WebSocket } from 'ws';
import { type EventName, eventPermissions, events, MAX_REQUEST_BYTES, wsClientMessageSchema, type WsServerMessage } from '../../src-preload/contract.js';
import { createEngineDispatcher } from '../engine/api/handlers.js';
import { type ConsoleConnection, newConnection } from '../engine/operators/sessions.js';
import { Engine, type EngineOptions } from '../engine/engine.js';
import { LiveService, type VideoStreamChoice } from '../engine/live/live-service.js';
import { projectRoot } from '../engine/paths.js';

export interface ServerOptions extends EngineOptions {
  host?: string;
  port?: number;
  /** Built renderer to serve (default out/renderer). */
  staticDir?: string;
  /** Fixed token (tests); default: 32 random bytes. */
  token?: string;
}

export interface RunningServer {
  /** The console's address, token included. */
  url: string;
  token: string;
  port: number;
  engine: Engine;
  live: LiveService;
  close(): Promise<void>;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.wav': 'audio/wav',
};

/** A client that has this much unsent data gets no more live faces until it catches up. */
const MAX_BUFFERED_BYTES_FOR_FRAMES = 4 * 1024 * 1024;

/** The request target as a URL, or null when it is not one (a malformed URL is the client's mistake: 400). */
function parseRequestUrl(target: string | undefined): URL | null {
  try {
    return new URL(target ?? '/', 'http://localhost');
  } catch {
    return null;
  }
}

/** The decoded path of a request, or null when the target or its percent-escapes are malformed. */
function requestPath(target: string | undefined): string | null {
  const url = parseRequestUrl(target);
  if (url === null) return null;
  try {
    const path = decodeURIComponent(url.pathname);
    return path.includes('\0') ? null : path;
  } catch {
    return null;
  }
}

function plain(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' });
  res.end(text);
}

/** A text frame's bytes (ws hands over one Buffer, or pieces of a fragmented message). */
function rawText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}

function sameToken(given: string | null, expected: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given), b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The headless host: the engine plus the built renderer on 127.0.0.1, with the
 * contract over a WebSocket. Data only flows over the socket, which needs the
 * random access token printed at start and a same-origin page.
 */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? randomBytes(32).toString('base64url');
  const staticDir = resolve(options.staticDir ?? join(projectRoot, 'out', 'renderer'));
  const engine = await Engine.open(options);
  const live = new LiveService(engine);
  const dispatch = createEngineDispatcher(engine, live);

  const serveStatic = (req: IncomingMessage, res: ServerResponse) => {
    const path = requestPath(req.url);
    if (path === null) {
      plain(res, 400, 'Bad request');
      return;
    }
    const file = normalize(join(staticDir, path === '/' || path === '' ? '/index.html' : path));
    if (!file.startsWith(staticDir + sep) || !existsSync(file) || !statSync(file).isFile()) {
      if (!existsSync(join(staticDir, 'index.html'))) {
        plain(res, 503, 'The console has not been built. Run: npm run serve (it builds the renderer first).');
        return;
      }
      plain(res, 404, 'Not found');
      return;
    }
    const stream = createReadStream(file);
    // A file that vanishes or cannot be read (a disk error) ends this response, never the host.
    stream.on('error', (error) => {
      engine.log.warn('server', 'static file could not be read', { file, reason: error.message });
      if (!res.headersSent) plain(res, 500, 'The file could not be read');
      else res.destroy();
    });
    stream.once('open', () => {
      res.writeHead(200, {
        'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
        'x-content-type-options': 'nosniff',
        // The desktop window's policy (no inline code or styles), with the WebSocket as its transport.
        'content-security-policy': contentSecurityPolicy(["'self'", 'ws:', 'wss:']),
        'cache-control': 'no-store',
      });
      if (req.method === 'HEAD') {
        stream.destroy();
        res.end();
      } else stream.pipe(res);
    });
  };

  /**
   * A camera video request, /video/<cameraId>?token=...&session=...[&stream=sub], checked: the
   * WebSocket's token (the page has it from its own address) and the signed-in session of that page
   * (its role must grant live.view; the printed token opens the page, not the cameras). Used by both
   * the plain GET and the WebSocket upgrade of the same address.
   */
  const checkVideoRequest = (rawUrl: string | undefined): { cameraId: number; stream: VideoStreamChoice } | { status: number; message: string } => {
    const url = parseRequestUrl(rawUrl);
    if (url === null || !sameToken(url.searchParams.get('token'), token)) return { status: 401, message: 'Unauthorized' };
    const match = /^\/video\/(\d{1,9})$/.exec(url.pathname);
    if (match === null) return { status: 400, message: 'Bad camera id' };
    const viewer = { ...newConnection(), sessionId: url.searchParams.get('session') };
    if (!viewer.sessionId || !engine.sessions.mayReceive(viewer, 'live.view')) return { status: 401, message: 'Sign in first' };
    const streamParam = url.searchParams.get('stream');
    if (streamParam !== null && streamParam !== 'main' && streamParam !== 'sub') return { status: 400, message: 'Bad stream (main or sub)' };
    return { cameraId: Number(match[1]), stream: streamParam ?? 'main' };
  };

  /** 404 text when the camera (or its sub-stream) has no video to give, else null. */
  const noVideo = (cameraId: number, stream: VideoStreamChoice): string | null => {
    if (live.videoHub(cameraId, stream) !== null) return null;
    return stream === 'sub' && live.videoHub(cameraId) !== null ? 'This camera has no sub-stream' : 'This camera is not running';
  };

  /**
   * GET /video/<cameraId>?...: the camera's live video as one endless fragmented MP4 body (see
   * VideoHub): its main stream, or with stream=sub its sub-stream (404 when it has none). The body
   * ends when the camera stops or restarts (the player reconnects); a client that leaves is removed.
   * (The console itself opens the same address as a WebSocket, see below: a browser keeps at most
   * six HTTP/1.1 connections per host, so a wall of more than six endless bodies would stall.)
   */
  const serveVideo = (req: IncomingMessage, res: ServerResponse) => {
    const checked = checkVideoRequest(req.url);
    if ('status' in checked) {
      plain(res, checked.status, checked.message);
      return;
    }
    const { cameraId, stream } = checked;
    const missing = noVideo(cameraId, stream);
    if (req.method === 'HEAD') {
      plain(res, missing === null ? 200 : 404, '');
      return;
    }
    if (missing !== null) {
      plain(res, 404, missing);
      return;
    }
    res.writeHead(200, {
      'content-type': 'video/mp4',
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-store',
    });
    // Headers go out now, even before the first fragment (the player waits on them).
    res.flushHeaders();
    let ended = false;
    const unsubscribe =
      live.subscribeVideo(cameraId, {
        send: (bytes) => {
          if (!ended) res.write(bytes);
        },
        bufferedBytes: () => res.writableLength,
        end: () => {
          ended = true;
          res.end();
        },
      }, stream) ?? (() => {});
    const release = () => {
      ended = true;
      unsubscribe();
    };
    res.on('close', release);
    res.on('error', release);
  };

  /**
   * The same video over a WebSocket (what the console uses): one binary message per piece of the
   * fragmented MP4, the init segment first; the socket closes (1000) when the camera stops or
   * restarts, and the player reconnects. Checked exactly like the GET, before the upgrade.
   */
  const videoSockets = new WebSocketServer({ noServer: true, maxPayload: 1024 });
  const serveVideoSocket = (ws: WebSocket, cameraId: number, stream: VideoStreamChoice) => {
    let ended = false;
    const unsubscribe =
      live.subscribeVideo(cameraId, {
        send: (bytes) => {
          if (!ended && ws.readyState === ws.OPEN) ws.send(bytes, { binary: true });
        },
        bufferedBytes: () => ws.bufferedAmount,
        end: (reason) => {
          ended = true;
          ws.close(1000, reason);
        },
      }, stream) ?? null;
    if (unsubscribe === null) {
      ws.close(4404, 'This camera is not running');
      return;
    }
    const release = () => {
      ended = true;
      unsubscribe();
    };
    ws.on('close', release);
    // The page sends nothing on this socket; a broken frame only closes it.
    ws.on('error', release);
    ws.on('message', () => ws.close(1003, 'This socket only sends'));
  };

  const http = createServer((req, res) => {
    // Whatever a request holds, it gets an answer or a closed connection; it never ends the host.
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405).end();
        return;
      }
      if (requestPath(req.url)?.startsWith('/video/') === true) {
        serveVideo(req, res);
        return;
      }
      serveStatic(req, res);
    } catch (error) {
      engine.log.warn('server', 'request failed', { reason: (error as Error).message });
      if (!res.headersSent) plain(res, 500, 'Internal error');
      else res.destroy();
    }
  });
  // After listening: accept failures (too many open files) are logged, not fatal.
  const onServerError = (error: Error) => engine.log.error('server', 'server error', { reason: error.message });

  // Each connection is one console with its own session: the token only opens the socket; the
  // console must sign in (session.login) before any channel but the session ones answers.
  const sockets = new Map<WebSocket, ConsoleConnection>();
  // The frame cap is the largest request the contract accepts (five photos at the photo limit), no less.
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_REQUEST_BYTES });
  http.on('upgrade', (req, socket, head) => {
    // Node hands the raw socket over without an error listener: a client that resets it must not end the host.
    socket.on('error', () => socket.destroy());
    const refuse = (status: string) => {
      // Closed once the answer is written (not before: the client is told why).
      if (socket.writable) socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`, () => socket.destroy());
      else socket.destroy();
    };
    try {
      const url = parseRequestUrl(req.url);
      if (url === null) {
        refuse('400 Bad Request');
        return;
      }
      const origin = req.headers.origin;
      const hostHeader = req.headers.host;
      const sameOrigin = !origin || (hostHeader !== undefined && (origin === `http://${hostHeader}` || origin === `https://${hostHeader}`));
      if (url.pathname.startsWith('/video/') && sameOrigin) {
        const checked = checkVideoRequest(req.url);
        if ('status' in checked) {
          refuse(`${checked.status} ${checked.status === 401 ? 'Unauthorized' : 'Bad Request'}`);
          return;
        }
        if (noVideo(checked.cameraId, checked.stream) !== null) {
          refuse('404 Not Found');
          return;
        }
        videoSockets.handleUpgrade(req, socket, head, (ws) => serveVideoSocket(ws, checked.cameraId, checked.stream));
        return;
      }
      if (url.pathname !== '/ws' || !sameToken(url.searchParams.get('token'), token) || !sameOrigin) {
        refuse('401 Unauthorized');
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
    } catch (error) {
      engine.log.warn('server', 'upgrade failed', { reason: (error as Error).message });
      refuse('400 Bad Request');
    }
  });

  wss.on('connection', (ws) => {
    const connection = newConnection();
    sockets.set(ws, connection);
    // Closing the page does not end the session: a reconnection resumes it (session.resume) until the idle timeout.
    ws.on('close', () => sockets.delete(ws));
    // A broken frame (bad UTF-8, reserved bits, too large, unmasked) closes this connection; without a
    // listener the 'error' event would be thrown and end the host.
    ws.on('error', (error) => engine.log.warn('server', 'websocket connection closed on a protocol error', { reason: error.message }));
    ws.on('message', (data, isBinary) => {
      void answer(ws, data, isBinary).catch((error: Error) => {
        engine.log.error('server', 'websocket message failed', { reason: error.message });
      });
    });
  });

  const answer = async (ws: WebSocket, data: RawData, isBinary: boolean) => {
    let parsed;
    try {
      parsed = isBinary ? null : wsClientMessageSchema.safeParse(JSON.parse(rawText(data)));
    } catch {
      parsed = null;
    }
    if (!parsed?.success) {
      send(ws, { type: 'response', id: -1, envelope: { ok: false, error: { code: 'BAD_REQUEST', message: 'Malformed message' } } });
      return;
    }
    const connection = sockets.get(ws);
    if (!connection) return;
    const envelope = await dispatch(parsed.data.channel, parsed.data.request, connection);
    send(ws, { type: 'response', id: parsed.data.id, envelope });
  };

  const send = (ws: WebSocket, message: WsServerMessage) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
  };

  const listeners: Array<() => void> = [];
  for (const name of Object.keys(events) as EventName[]) {
    const listener = (payload: unknown) => {
      const message = JSON.stringify({ type: 'event', name, payload } satisfies WsServerMessage);
      for (const [ws, connection] of sockets) {
        if (ws.readyState !== ws.OPEN) continue;
        // Only to consoles signed in with a role that may see it (and not idle past the timeout).
        if (!engine.sessions.mayReceive(connection, eventPermissions[name])) continue;
        if (name === 'live.faces' && ws.bufferedAmount > MAX_BUFFERED_BYTES_FOR_FRAMES) continue;
        ws.send(message);
      }
    };
    engine.on(name, listener as never);
    listeners.push(() => engine.off(name, listener as never));
  }

  await new Promise<void>((resolvePromise, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 0, host, () => {
      http.off('error', reject);
      http.on('error', onServerError);
      resolvePromise();
    });
  });
  wss.on('error', onServerError);
  const port = (http.address() as AddressInfo).port;
  await live.startEnabledCameras();

  return {
    url: `http://${host}:${port}/?token=${token}`,
    token,
    port,
    engine,
    live,
    async close() {
      for (const off of listeners) off();
      for (const ws of sockets.keys()) ws.terminate();
      for (const ws of videoSockets.clients) ws.terminate();
      wss.close();
      videoSockets.close();
      await new Promise<void>((r) => http.close(() => r()));
      await live.close();
      await engine.close();
    },
  };
}
