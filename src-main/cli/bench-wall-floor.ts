/**
 * The wall bench's floors: what the same Chromium, viewport and number of tiles cost with none of
 * the console, so `browser_cores` can be split into what video costs here and what the wall adds.
 *
 * - plain: looped `<video src>` elements playing the files (no Media Source, no socket, no overlay).
 * - Media Source: each tile's `<video>` fed through Media Source from a WebSocket carrying the
 *   camera's fragmented MP4 exactly as the host sends it (ffmpeg copying the H.264 in real time into
 *   the host's own VideoHub, one socket message per fragment), with a bare player: append, stay near
 *   the live edge, trim. That is the floor of the way the issue asks tiles to be fed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createReadStream, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { Browser } from 'playwright-core';
import { WebSocketServer } from 'ws';
import { VideoHub } from '../engine/live/video-hub.js';

/**
 * Counts each video's presented frames as the wall's tiles do (requestVideoFrameCallback's
 * presentedFrames; getVideoPlaybackQuality over-counts a looping file), in a script variable: a
 * DOM attribute written per frame would itself cost the page CPU (see the renderer's throttled-dataset).
 */
const FRAME_COUNTER = `window.vigilPresented = [];
document.querySelectorAll('video').forEach((v, i) => {
  let last = null; window.vigilPresented[i] = 0;
  const onFrame = (_now, m) => { const since = last === null ? 1 : m.presentedFrames - last; last = m.presentedFrames;
    window.vigilPresented[i] += since >= 1 && since <= 120 ? since : 1; v.requestVideoFrameCallback(onFrame); };
  v.requestVideoFrameCallback(onFrame);
});`;

/**
 * A bare Media Source player per `<video>`: the first socket message is the MediaSource type, then
 * the init segment and one fragment per message. Kept within 3 s of the newest buffered frame
 * (0.3 s behind it after a jump); more than 15 s behind the playhead is removed.
 */
const MEDIA_SOURCE_PLAYER = `document.querySelectorAll('video').forEach((video, i) => {
  const mediaSource = new MediaSource();
  video.src = URL.createObjectURL(mediaSource);
  mediaSource.addEventListener('sourceopen', () => {
    let buffer = null; const queue = [];
    const pump = () => {
      if (!buffer || buffer.updating || queue.length === 0) return;
      const b = video.buffered;
      if (b.length > 0) {
        const end = b.end(b.length - 1);
        if (end - video.currentTime > 3) video.currentTime = end - 0.3;
        if (video.currentTime - b.start(0) > 15) { buffer.remove(b.start(0), video.currentTime - 10); return; }
      }
      buffer.appendBuffer(queue.shift());
      if (video.paused) video.play().catch(() => {});
    };
    const socket = new WebSocket('ws://' + location.host + '/video/' + i);
    socket.binaryType = 'arraybuffer';
    socket.onmessage = (event) => {
      if (typeof event.data === 'string') { buffer = mediaSource.addSourceBuffer(event.data); buffer.addEventListener('updateend', pump); return; }
      queue.push(new Uint8Array(event.data)); pump();
    };
  });
});`;

function gridPage(tiles: string, script: string, columns: number, rows: number): string {
  return `<!doctype html><html><body style="margin:0;background:#000"><div style="display:grid;grid-template-columns:repeat(${columns},1fr);grid-template-rows:repeat(${rows},1fr);gap:4px;width:100vw;height:100vh">${tiles}</div><style>video{width:100%;height:100%;object-fit:contain;min-height:0}</style><script>${script}</script></body></html>`;
}

export interface FloorResult {
  browserCores: number;
  /** The worst tile's presented frames per second over its source's rate. */
  ratioMin: number;
  /** The host's worst camera, frames analysed per second in the same window (null without `analysedCounts`). */
  analysedFpsMin: number | null;
}

interface FloorOptions {
  browser: Browser;
  /** Tile i plays files[i % files.length], whose frame rate is fps[i % fps.length]. */
  files: readonly string[];
  fps: readonly number[];
  count: number;
  seconds: number;
  /** CPU seconds used so far by the browser's processes. */
  browserCpuSeconds: () => number;
  /** Frames analysed so far, per camera of the host running meanwhile: what the analysis keeps beside this floor. */
  analysedCounts?: () => number[];
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolveListen) => server.listen(0, '127.0.0.1', () => resolveListen()));
  const address = server.address();
  return typeof address === 'object' && address !== null ? address.port : 0;
}

/** Opens the page, lets it start (first decode, first loop), then measures the browser's CPU and each tile's presented frames. */
async function measure(options: FloorOptions, url: string): Promise<FloorResult> {
  const page = await options.browser.newPage({ viewport: { width: 1600, height: 1000 } });
  try {
    await page.goto(url);
    const presented = () => page.evaluate(() => [...((globalThis as unknown as { vigilPresented?: number[] }).vigilPresented ?? [])]);
    await new Promise((r) => setTimeout(r, 5000));
    const framesStart = await presented();
    const cpuStart = options.browserCpuSeconds();
    const analysedStart = options.analysedCounts?.() ?? null;
    const startedAt = Date.now();
    await new Promise((r) => setTimeout(r, options.seconds * 1000));
    const elapsedS = (Date.now() - startedAt) / 1000;
    const browserCores = (options.browserCpuSeconds() - cpuStart) / elapsedS;
    const analysedEnd = options.analysedCounts?.() ?? null;
    const analysedFpsMin =
      analysedStart && analysedEnd && analysedEnd.length > 0 ? Math.min(...analysedEnd.map((n, i) => (n - (analysedStart[i] ?? 0)) / elapsedS)) : null;
    const framesEnd = await presented();
    const ratios = Array.from({ length: options.count }, (_, i) => ((framesEnd[i] ?? 0) - (framesStart[i] ?? 0)) / elapsedS / options.fps[i % options.fps.length]!);
    return { browserCores, ratioMin: Math.min(...ratios), analysedFpsMin };
  } finally {
    await page.close();
  }
}

function grid(count: number): { columns: number; rows: number } {
  const columns = Math.ceil(Math.sqrt(count));
  return { columns, rows: Math.ceil(count / columns) };
}

/** A bare page of `count` looped `<video src>` tiles playing the files. */
export async function plainVideoFloor(options: FloorOptions): Promise<FloorResult> {
  const { columns, rows } = grid(options.count);
  const tiles = Array.from({ length: options.count }, (_, i) => `<video src="/clip/${i % options.files.length}.mp4" muted autoplay loop playsinline></video>`).join('');
  const html = gridPage(tiles, FRAME_COUNTER, columns, rows);
  const server = createServer((request, response) => {
    if (request.url === '/') {
      response.writeHead(200, { 'content-type': 'text/html' }).end(html);
      return;
    }
    const clip = options.files[Number(/^\/clip\/(\d+)\.mp4$/.exec(request.url ?? '')?.[1] ?? -1)];
    if (clip === undefined) {
      response.writeHead(404).end();
      return;
    }
    const size = statSync(clip).size;
    // Byte ranges, as a browser asks for a video file.
    const range = /^bytes=(\d+)-(\d*)$/.exec(request.headers.range ?? '');
    const start = range ? Number(range[1]) : 0;
    const end = range && range[2] ? Math.min(size - 1, Number(range[2])) : size - 1;
    response.writeHead(range ? 206 : 200, {
      'content-type': 'video/mp4',
      'accept-ranges': 'bytes',
      'content-length': end - start + 1,
      ...(range ? { 'content-range': `bytes ${start}-${end}/${size}` } : {}),
    });
    createReadStream(clip, { start, end }).pipe(response);
  });
  const port = await listen(server);
  try {
    return await measure(options, `http://127.0.0.1:${port}/`);
  } finally {
    await new Promise((r) => server.close(r));
  }
}

/**
 * The same tiles fed through Media Source over WebSockets, as the host feeds the wall: per tile,
 * ffmpeg reads the file in real time and copies its H.264 into fragmented MP4 (the host's
 * display output for an H.264 camera), through a VideoHub, one message per fragment.
 */
export async function mediaSourceFloor(options: FloorOptions & { ffmpegPath: string; fragmentDurationMs: number }): Promise<FloorResult> {
  const { columns, rows } = grid(options.count);
  const tiles = Array.from({ length: options.count }, () => '<video muted autoplay playsinline></video>').join('');
  const html = gridPage(tiles, `${MEDIA_SOURCE_PLAYER}\n${FRAME_COUNTER}`, columns, rows);
  const server = createServer((request, response) => {
    if (request.url === '/') response.writeHead(200, { 'content-type': 'text/html' }).end(html);
    else response.writeHead(404).end();
  });
  const sockets = new WebSocketServer({ server });
  const processes = new Set<ChildProcess>();
  sockets.on('connection', (socket, request) => {
    const tile = Number(/^\/video\/(\d+)$/.exec(request.url ?? '')?.[1] ?? -1);
    const file = options.files[tile % options.files.length];
    if (!(tile >= 0) || file === undefined) {
      socket.close(1008, 'no such tile');
      return;
    }
    const hub = new VideoHub();
    let typeSent = false;
    hub.subscribe({
      send: (bytes) => {
        if (!typeSent && hub.codec !== null) {
          socket.send(`video/mp4; codecs="${hub.codec}"`);
          typeSent = true;
        }
        socket.send(bytes);
      },
      bufferedBytes: () => socket.bufferedAmount,
      end: () => socket.close(),
    });
    const ffmpeg = spawn(options.ffmpegPath, [
      '-hide_banner', '-loglevel', 'error', '-re', '-stream_loop', '-1', '-i', file,
      '-map', '0:v:0', '-c:v', 'copy', '-f', 'mp4',
      '-movflags', 'frag_keyframe+empty_moov+default_base_moof', '-frag_duration', String(options.fragmentDurationMs * 1000),
      'pipe:1',
    ], { stdio: ['ignore', 'pipe', 'ignore'] });
    processes.add(ffmpeg);
    ffmpeg.stdout!.on('data', (chunk: Buffer) => hub.push(chunk));
    ffmpeg.on('exit', () => processes.delete(ffmpeg));
    socket.on('close', () => ffmpeg.kill('SIGKILL'));
  });
  const port = await listen(server);
  try {
    return await measure(options, `http://127.0.0.1:${port}/`);
  } finally {
    for (const ffmpeg of processes) ffmpeg.kill('SIGKILL');
    for (const socket of sockets.clients) socket.terminate();
    await new Promise((r) => sockets.close(r));
    await new Promise((r) => server.close(r));
  }
}
