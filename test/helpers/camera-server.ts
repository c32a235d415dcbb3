import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { resolveFfmpegPath } from '../../src-main/engine/video/ffmpeg-path.js';
import { hamiltonClip } from './paths.js';

/** Polls until condition() is true; fails with the description (and detail()) after timeoutMs. Never a fixed sleep. */
export async function waitFor(condition: () => boolean, what: string, timeoutMs: number, detail?: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`timed out after ${timeoutMs} ms waiting for ${what}${detail ? ` (${detail()})` : ''}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

/** A fake IP camera: ffmpeg serving a clip, looped in real time, as MJPEG over HTTP (one client) on 127.0.0.1. */
export function startCameraServer(port: number, clip = hamiltonClip): ChildProcess {
  return spawn(
    resolveFfmpegPath(),
    ['-hide_banner', '-nostdin', '-loglevel', 'error', '-re', '-stream_loop', '-1', '-i', clip, '-an', '-c:v', 'mjpeg', '-q:v', '8', '-f', 'mpjpeg', '-listen', '1', `http://127.0.0.1:${port}/cam`],
    { stdio: ['ignore', 'ignore', 'ignore'] },
  );
}

export function killProcess(child: ChildProcess): void {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL'); // SIGKILL also ends a SIGSTOPped process
}

export interface ReconnectableCameraServer {
  /** Requests served so far (each is one ffmpeg connection of the camera). */
  readonly connections: number;
  /** Requests refused for a missing or wrong login (see CameraServerOptions.login). */
  readonly refused: number;
  /** Freezes every stream being served (SIGSTOP): connections stay open, no byte arrives. */
  freeze(): void;
  /** Lets frozen streams go on (SIGCONT). */
  thaw(): void;
  close(): Promise<void>;
}

/**
 * A fake IP camera that, unlike ffmpeg's one-client `-listen 1`, serves every connection (as a
 * real camera does): each request gets its own ffmpeg streaming the clip in real time, MJPEG
 * (multipart, the usual cheap IP camera) or H.264 in MPEG-TS. 127.0.0.1 only.
 */
export interface CameraServerOptions {
  /** Scale the clip to this width (aspect kept): a camera's smaller sub-stream. */
  width?: number;
  /** Answer 401 (Basic challenge) to requests without this user name and password, as a camera with a login does. */
  login?: { username: string; password: string };
  /** h264-ts only: send the clip's own H.264 as it is (`-c copy`), once, not looped: a clip made of parts of different sizes is a camera that changes resolution mid-stream. */
  copy?: boolean;
}

export async function startReconnectableCameraServer(
  port: number,
  format: 'mjpeg' | 'h264-ts',
  clip = hamiltonClip,
  options: CameraServerOptions = {},
): Promise<ReconnectableCameraServer> {
  const { createServer: createHttpServer } = await import('node:http');
  const children = new Set<ChildProcess>();
  let connections = 0;
  let refused = 0;
  const expectedAuthorization = options.login ? `Basic ${Buffer.from(`${options.login.username}:${options.login.password}`).toString('base64')}` : null;
  const server = createHttpServer((request, response) => {
    if (expectedAuthorization !== null && request.headers.authorization !== expectedAuthorization) {
      refused++;
      response.writeHead(401, { 'WWW-Authenticate': 'Basic realm="camera"', 'Content-Length': '0' });
      response.end();
      return;
    }
    connections++;
    const output =
      format === 'mjpeg'
        ? ['-c:v', 'mjpeg', '-q:v', '8', '-f', 'mpjpeg', 'pipe:1']
        : options.copy
          ? ['-c:v', 'copy', '-f', 'mpegts', 'pipe:1']
          : ['-c:v', 'libx264', '-preset', 'ultrafast', '-g', '25', '-f', 'mpegts', 'pipe:1'];
    const scale = options.width !== undefined ? ['-vf', `scale=${options.width}:-2`] : [];
    const loop = options.copy ? [] : ['-stream_loop', '-1'];
    const child = spawn(resolveFfmpegPath(), ['-hide_banner', '-nostdin', '-loglevel', 'error', '-re', ...loop, '-i', clip, '-an', ...scale, ...output], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    children.add(child);
    child.on('close', () => children.delete(child));
    response.writeHead(200, { 'Content-Type': format === 'mjpeg' ? 'multipart/x-mixed-replace;boundary=ffmpeg' : 'video/mp2t' });
    child.stdout!.pipe(response);
    const end = () => killProcess(child);
    request.on('close', end);
    response.on('close', end);
  });
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolveListen());
  });
  return {
    get connections() {
      return connections;
    },
    get refused() {
      return refused;
    },
    freeze: () => {
      for (const child of children) child.kill('SIGSTOP');
    },
    thaw: () => {
      for (const child of children) child.kill('SIGCONT');
    },
    close: () =>
      new Promise<void>((resolveClose) => {
        for (const child of children) killProcess(child);
        server.closeAllConnections();
        server.close(() => resolveClose());
      }),
  };
}
