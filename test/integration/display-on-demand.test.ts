/**
 * A live camera makes its display video only when it is cheap or watched (FfmpegSource
 * setDisplayWanted): an MJPEG camera's H.264 is encoded only while a viewer watches, an H.264
 * camera's stream is copied all the time. Real ffmpeg, real HTTP cameras on 127.0.0.1 that accept
 * every connection (the switch replaces the ffmpeg process, so the camera is connected again).
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { FfmpegSource, type RawFrame, type SourceStateChange } from '../../src-main/engine/video/ffmpeg-source.js';
import { resolveFfmpegPath } from '../../src-main/engine/video/ffmpeg-path.js';
import { freePort, startReconnectableCameraServer, waitFor, type ReconnectableCameraServer } from '../helpers/camera-server.js';

const servers: ReconnectableCameraServer[] = [];
const sources: FfmpegSource[] = [];

after(async () => {
  await Promise.all(sources.map((s) => s.stop()));
  await Promise.all(servers.map((s) => s.close()));
});

function watch(source: FfmpegSource) {
  const frames: RawFrame[] = [];
  const states: SourceStateChange[] = [];
  const display: Buffer[] = [];
  let displayStarts = 0;
  source.on('frame', (f) => frames.push({ ...f, data: Buffer.alloc(0) }));
  source.on('state', (s) => states.push(s));
  source.on('display', (chunk) => display.push(chunk));
  source.on('displayStart', () => displayStarts++);
  return { frames, states, display, displayStarts: () => displayStarts };
}

const detail = (source: FfmpegSource) => () => JSON.stringify(source.health());

describe('display video on demand', () => {
  test('an MJPEG camera encodes H.264 only while wanted; analysis goes on through both switches without a reconnect', async () => {
    const port = await freePort();
    const server = await startReconnectableCameraServer(port, 'mjpeg');
    servers.push(server);
    const source = new FfmpegSource({ ffmpegPath: resolveFfmpegPath(), source: { kind: 'http', url: `http://127.0.0.1:${port}/cam` }, outputFps: 10, display: {} });
    sources.push(source);
    const seen = watch(source);
    source.start();
    await waitFor(() => seen.frames.length >= 15, '15 analysed frames', 60_000, detail(source));
    // Nobody watches: no encoder runs, no display bytes.
    assert.equal(source.displayCodec, 'encode');
    assert.equal(source.displayActive, false);
    assert.equal(seen.displayStarts(), 0);
    assert.equal(seen.display.length, 0);
    assert.equal(server.connections, 1);

    source.setDisplayWanted(true);
    await waitFor(() => Buffer.concat(seen.display).length > 8 && seen.display.length >= 3, 'display bytes after the switch', 60_000, detail(source));
    assert.equal(Buffer.concat(seen.display).toString('latin1', 4, 8), 'ftyp', 'the display begins with an init segment');
    assert.equal(seen.displayStarts(), 1);
    assert.equal(source.displayActive, true);
    assert.equal(server.connections, 2, 'the process was replaced once');
    const framesAtOn = seen.frames.length;
    await waitFor(() => seen.frames.length >= framesAtOn + 15, 'analysed frames with the display on', 60_000, detail(source));

    source.setDisplayWanted(false);
    await waitFor(() => server.connections === 3 && source.displayActive === false, 'the display switched off', 60_000, detail(source));
    const framesAtOff = seen.frames.length;
    await waitFor(() => seen.frames.length >= framesAtOff + 15, 'analysed frames with the display off', 60_000, detail(source));
    const bytesAtOff = seen.display.length;
    const framesNow = seen.frames.length;
    await waitFor(() => seen.frames.length >= framesNow + 10, 'more analysed frames', 60_000, detail(source));
    assert.equal(seen.display.length, bytesAtOff, 'no display bytes while nobody watches');

    // Switches are not failures: the camera never left 'running', no restart was counted.
    assert.deepEqual([...new Set(seen.states.map((s) => s.state))], ['starting', 'running']);
    assert.equal(source.health().restarts, 0);
    assert.deepEqual(seen.frames.map((f) => f.seq), seen.frames.map((_, i) => i + 1), 'frame numbers run on across the switches');
    await source.stop();
  });

  test('an HTTP camera that already sends H.264 is copied; once watched, its display stays on (it costs little)', async () => {
    const port = await freePort();
    const server = await startReconnectableCameraServer(port, 'h264-ts');
    servers.push(server);
    const source = new FfmpegSource({ ffmpegPath: resolveFfmpegPath(), source: { kind: 'http', url: `http://127.0.0.1:${port}/cam`, format: 'auto' }, outputFps: 10, display: {} });
    sources.push(source);
    const seen = watch(source);
    source.start();
    await waitFor(() => seen.frames.length >= 10, '10 analysed frames', 60_000, detail(source));
    // Learned from the running process's description of its input, without connecting again.
    assert.equal(source.displayCodec, 'copy');
    assert.equal(server.connections, 1);
    source.setDisplayWanted(true);
    await waitFor(() => seen.display.length >= 3, 'display bytes once watched', 60_000, detail(source));
    assert.equal(Buffer.concat(seen.display).toString('latin1', 4, 8), 'ftyp');
    assert.equal(server.connections, 2);
    source.setDisplayWanted(false);
    const framesNow = seen.frames.length;
    const displayNow = seen.display.length;
    await waitFor(() => seen.frames.length >= framesNow + 10, 'more analysed frames', 60_000, detail(source));
    assert.equal(server.connections, 2, 'a copied display is not switched off');
    assert.equal(source.displayActive, true);
    assert.ok(seen.display.length > displayNow, 'display bytes go on after the viewer left');
    await source.stop();
  });
});
