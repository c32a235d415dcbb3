/**
 * The display output of FfmpegSource against the real ffmpeg: the same process that decodes the
 * analysed frames writes a fragmented MP4 on fd 3. Checked with ffprobe (it parses, it is H.264)
 * and by time: every analysed frame's ptsS is the presentation time of a frame in the MP4.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, test } from 'node:test';
import { FfmpegSource, type RawFrame } from '../../src-main/engine/video/ffmpeg-source.js';
import { resolveFfmpegPath } from '../../src-main/engine/video/ffmpeg-path.js';
import { Mp4BoxSplitter, readFragment, readInit } from '../../src-main/engine/live/mp4-boxes.js';
import { waitFor } from '../helpers/camera-server.js';

const projectRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const videoDir = resolve(projectRoot, '../shared/data/video');
const ffmpegPath = resolveFfmpegPath();
const ffprobePath = ffmpegPath.replace(/ffmpeg(\.exe)?$/, 'ffprobe$1');
const tempDir = mkdtempSync(join(tmpdir(), 'vigil-display-'));
const sources = new Set<FfmpegSource>();

after(async () => {
  await Promise.all([...sources].map((s) => s.stop()));
  rmSync(tempDir, { recursive: true, force: true });
});

interface Probed {
  codec: string;
  width: number;
  packets: Array<{ ptsS: number; key: boolean }>;
}

function ffprobe(path: string): Probed {
  const run = spawnSync(
    ffprobePath,
    ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=codec_name,width:packet=pts_time,flags', '-of', 'json', path],
    { encoding: 'utf8' },
  );
  assert.equal(run.status, 0, `ffprobe failed: ${run.stderr}`);
  const parsed = JSON.parse(run.stdout) as { streams: Array<{ codec_name: string; width: number }>; packets: Array<{ pts_time: string; flags: string }> };
  return {
    codec: parsed.streams[0]!.codec_name,
    width: parsed.streams[0]!.width,
    packets: parsed.packets.map((p) => ({ ptsS: Number(p.pts_time), key: p.flags.startsWith('K') })),
  };
}

async function capture(file: string, analysedFrames: number): Promise<{ source: FfmpegSource; frames: RawFrame[]; mp4: Buffer; starts: number }> {
  const source = new FfmpegSource({ ffmpegPath, source: { kind: 'file', path: isAbsolute(file) ? file : join(videoDir, file), loop: false }, outputFps: 5, display: {} });
  sources.add(source);
  const frames: RawFrame[] = [];
  const chunks: Buffer[] = [];
  let starts = 0;
  let ended = false;
  source.on('frame', (f) => frames.push({ ...f, data: Buffer.alloc(0) }));
  source.on('display', (chunk) => chunks.push(chunk));
  source.on('displayStart', () => starts++);
  source.on('end', () => (ended = true));
  source.start();
  await waitFor(() => ended || frames.length >= analysedFrames, `${analysedFrames} analysed frames of ${file}`, 60_000);
  await source.stop();
  return { source, frames, mp4: Buffer.concat(chunks), starts };
}

describe('display output: fragmented MP4 on fd 3, in the analysed frames\' time base', () => {
  const cases = [
    { file: 'short_hamilton_clip.mp4', codec: 'copy', width: 640, frames: 1000 },
    // MS-MPEG4 in AVI: encoded with libx264, 768 px wide (under the 960 px limit).
    { file: 'vtest.avi', codec: 'encode', width: 768, frames: 25 },
  ] as const;
  for (const c of cases) {
    test(`${c.file}: ${c.codec}, parses as H.264, analysed times are display frame times`, async () => {
      const { source, frames, mp4, starts } = await capture(c.file, c.frames);
      assert.equal(source.displayCodec, c.codec);
      assert.equal(starts, 1);
      assert.ok(frames.length >= 10, `only ${frames.length} analysed frames`);
      const path = join(tempDir, `${c.file}.mp4`);
      writeFileSync(path, mp4);
      const probed = ffprobe(path);
      assert.equal(probed.codec, 'h264');
      assert.equal(probed.width, c.width);
      assert.ok(probed.packets[0]!.key, 'the MP4 starts with a keyframe');

      // Our own box reader agrees: init segment first, then fragments; the first at a keyframe.
      const boxes = new Mp4BoxSplitter().push(mp4);
      assert.deepEqual(boxes.slice(0, 3).map((b) => b.type), ['ftyp', 'moov', 'moof']);
      const init = readInit(boxes[1]!.bytes);
      assert.match(init.codec ?? '', /^avc1\.[0-9a-f]{6}$/);
      const first = readFragment(boxes[2]!.bytes, init.defaultSampleFlags)!;
      assert.ok(first.startsWithKeyframe);
      assert.ok(Math.abs(first.baseDecodeTime! / init.timescale! - probed.packets[0]!.ptsS) < 0.002);

      // Every analysed frame is a displayed frame: same presentation time (ms rounding).
      const displayTimes = probed.packets.map((p) => p.ptsS);
      const lastDisplayed = Math.max(...displayTimes);
      const analysed = frames.filter((f) => f.ptsS !== null && f.ptsS <= lastDisplayed);
      assert.ok(analysed.length >= 10);
      for (const frame of analysed) {
        const nearest = Math.min(...displayTimes.map((t) => Math.abs(t - frame.ptsS!)));
        assert.ok(nearest < 0.002, `analysed frame at ${frame.ptsS} s has no display frame (nearest ${nearest} s away)`);
      }
      // And the first analysed frame is the first displayed frame.
      assert.ok(Math.abs(analysed[0]!.ptsS! - Math.min(...displayTimes)) < 0.002);
    });
  }
  test('a 25 fps file analysed at 10 fps with the display on: 10 frames per second of video, each at its own time', async () => {
    // A minimum gap between kept frames would keep every third frame of 25 fps (8.3 per second).
    const clip25 = join(tempDir, 'vtest-25fps.mp4');
    const encoded = spawnSync(ffmpegPath, ['-hide_banner', '-loglevel', 'error', '-y', '-i', join(videoDir, 'vtest.avi'), '-t', '6', '-vf', 'fps=25', '-c:v', 'libx264', '-preset', 'ultrafast', clip25]);
    assert.equal(encoded.status, 0, encoded.stderr.toString());
    const source = new FfmpegSource({ ffmpegPath, source: { kind: 'file', path: clip25, loop: false }, outputFps: 10, display: {} });
    sources.add(source);
    const frames: RawFrame[] = [];
    let ended = false;
    source.on('frame', (f) => frames.push({ ...f, data: Buffer.alloc(0) }));
    source.on('end', () => (ended = true));
    source.start();
    await waitFor(() => ended, 'the end of the 6 s clip', 60_000);
    const times = frames.map((f) => f.ptsS!);
    assert.ok(times.every((t) => typeof t === 'number'));
    const span = times.at(-1)! - times[0]!;
    const rate = (times.length - 1) / span;
    assert.ok(Math.abs(rate - 10) < 0.5, `${times.length} frames over ${span.toFixed(2)} s: ${rate.toFixed(2)} per second`);
    // Frames keep the clip's own times (multiples of 1/25 s from the first).
    for (const t of times) assert.ok(Math.abs((t - times[0]!) * 25 - Math.round((t - times[0]!) * 25)) < 0.01, `frame at ${t} s is not a frame of the clip`);
  });
  test('H.264 that no MediaSource plays (High 4:4:4) is encoded to 4:2:0, not copied', async () => {
    const clip444 = join(tempDir, 'vtest-444.mp4');
    const encoded = spawnSync(ffmpegPath, ['-hide_banner', '-loglevel', 'error', '-y', '-i', join(videoDir, 'vtest.avi'), '-t', '4', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv444p', clip444]);
    assert.equal(encoded.status, 0, encoded.stderr.toString());
    const { source, mp4 } = await capture(clip444, 10);
    assert.equal(source.displayCodec, 'encode');
    const path = join(tempDir, 'vtest-444-display.mp4');
    writeFileSync(path, mp4);
    const pixelFormat = spawnSync(ffprobePath, ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=pix_fmt', '-of', 'csv=p=0', path], { encoding: 'utf8' }).stdout.trim();
    assert.equal(pixelFormat, 'yuv420p');
  });
});
