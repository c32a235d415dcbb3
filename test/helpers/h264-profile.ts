/**
 * Real H.264 clips whose sequence parameter set names another profile, for tests of what the
 * console does with streams a browser cannot play. The pictures are Constrained Baseline coded;
 * only profile_idc in each SPS is rewritten. A Baseline bitstream is also a valid Extended one
 * (profile 88: the same SPS syntax), so ffmpeg decodes and describes it as "h264 (Extended), yuv420p"
 * while Chromium's MediaSource refuses the profile when the init segment is appended.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveFfmpegPath } from '../../src-main/engine/video/ffmpeg-path.js';
import { hamiltonClip } from './paths.js';

/** H.264 profile_idc values used by the tests. */
export const H264_PROFILE_EXTENDED = 88;

/**
 * A copy of an Annex B H.264 stream with profile_idc of every SPS (NAL type 7) set to `profileIdc`.
 * Throws when the stream holds no SPS (nothing would be changed).
 */
export function withSpsProfile(annexB: Buffer, profileIdc: number): Buffer {
  const out = Buffer.from(annexB);
  let changed = 0;
  for (let i = 0; i + 4 < out.length; i++) {
    // A start code 00 00 01 (a 4-byte 00 00 00 01 ends with the same three bytes), then the NAL header.
    if (out[i] !== 0 || out[i + 1] !== 0 || out[i + 2] !== 1) continue;
    if ((out[i + 3]! & 0x1f) === 7) {
      out[i + 4] = profileIdc;
      changed++;
    }
    i += 3;
  }
  if (changed === 0) throw new Error('no SPS in the stream');
  return out;
}

/** An MP4 (25 fps, `seconds` of the Hamilton clip) whose SPS says `profileIdc`; returns its path. */
export function clipWithProfile(dir: string, profileIdc: number, seconds = 6): string {
  const ffmpeg = resolveFfmpegPath();
  const annexB = join(dir, `baseline-${profileIdc}.h264`);
  const mp4 = join(dir, `profile-${profileIdc}.mp4`);
  const run = (args: string[]) => {
    const result = spawnSync(ffmpeg, ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', ...args], { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`ffmpeg failed: ${result.stderr}`);
  };
  run(['-i', hamiltonClip, '-t', String(seconds), '-an', '-c:v', 'libx264', '-preset', 'ultrafast', '-profile:v', 'baseline', '-g', '25', '-bsf:v', 'h264_mp4toannexb', '-f', 'h264', annexB]);
  writeFileSync(annexB, withSpsProfile(readFileSync(annexB), profileIdc));
  run(['-r', '25', '-i', annexB, '-c', 'copy', mp4]);
  return mp4;
}
