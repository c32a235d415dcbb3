import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { type EventName, events, wsClientMessageSchema, type WsServerMessage } from '../../src-preload/contract.js';
import { createDispatcher, LOCAL_OPERATOR } from '../engine/api/dispatcher.js';
import { createHandlers } from '../engine/api/handlers.js';
import { Engine, type EngineOptions } from '../engine/engine.js';
import { LiveService } from '../engine/live/live-service.js';
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

/** A client that has this much unsent data gets no more live frames until it catches up. */
const MAX_BUFFERED_BYTES_FOR_FRAMES = 4 * 1024 * 1024;

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
  const dispatch = createDispatcher(createHandlers(engine, live));

  const serveStatic = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    let path = decodeURIComponent(url.pathname);
    if (path === '/' || path === '') path = '/index.html';
    const file = normalize(join(staticDir, path));
    if (!file.startsWith(staticDir + sep) || !existsSync(file) || !statSync(file).isFile()) {
      if (!existsSync(join(staticDir, 'index.html'))) {
        res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' });
        res.end('The console has not been built. Run: npm run serve (it builds the renderer first).');
        return;
      }
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('Not found');
      return;
    }
    res.writeHead(200, {
      'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
      'x-content-type-options': 'nosniff',
      'content-security-policy':
        "default-src 'self'; img-src 'self' blob: data:; media-src 'self' blob: data:; connect-src 'self' ws: wss:; style-src 'self' 'unsafe-inline'",
      'cache-control': 'no-store',
    });
    createReadStream(file).pipe(res);
  };

  const http = createServer((req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405).end();
      return;
    }
    serveStatic(req, res);
  });

  const sockets = new Set<WebSocket>();
  const wss = new WebSocketServer({ noServer: true, maxPayload: 80 * 1024 * 1024 });
  http.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const origin = req.headers.origin;
    const hostHeader = req.headers.host;
    const sameOrigin = !origin || (hostHeader !== undefined && (origin === `http://${hostHeader}` || origin === `https://${hostHeader}`));
    if (url.pathname !== '/ws' || !sameToken(url.searchParams.get('token'), token) || !sameOrigin) {
      socket.write('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  wss.on('connection', (ws) => {
    sockets.add(ws);
    ws.on('close', () => sockets.delete(ws));
    ws.on('message', async (data) => {
      let parsed;
      try {
        parsed = wsClientMessageSchema.safeParse(JSON.parse(data.toString()));
      } catch {
        parsed = null;
      }
      if (!parsed?.success) {
        ws.send(JSON.stringify({ type: 'response', id: -1, envelope: { ok: false, error: { code: 'BAD_REQUEST', message: 'Malformed message' } } }));
        return;
      }
      const envelope = await dispatch(parsed.data.channel, parsed.data.request, LOCAL_OPERATOR);
      const reply: WsServerMessage = { type: 'response', id: parsed.data.id, envelope };
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(reply));
    });
  });

  const listeners: Array<() => void> = [];
  for (const name of Object.keys(events) as EventName[]) {
    const listener = (payload: unknown) => {
      const message = JSON.stringify({ type: 'event', name, payload } satisfies WsServerMessage);
      for (const ws of sockets) {
        if (ws.readyState !== ws.OPEN) continue;
        if (name === 'live.frame' && ws.bufferedAmount > MAX_BUFFERED_BYTES_FOR_FRAMES) continue;
        ws.send(message);
      }
    };
    engine.on(name, listener as never);
    listeners.push(() => engine.off(name, listener as never));
  }

  await new Promise<void>((resolvePromise, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 0, host, () => resolvePromise());
  });
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
      for (const ws of sockets) ws.terminate();
      wss.close();
      await new Promise<void>((r) => http.close(() => r()));
      await live.close();
      await engine.close();
    },
  };
}
