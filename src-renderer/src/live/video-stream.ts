/**
 * Pure helpers for playing a camera's fragmented MP4 through MediaSource (no DOM here).
 */
import type { CameraSource } from '../../../src-preload/contract';

/**
 * The stream a tile plays: the camera's smaller sub-stream when it has one (cheaper to carry and
 * decode for a small tile), its main stream when maximised (the full picture) or without one.
 */
export function tileStream(camera: { source: CameraSource }, maximised: boolean): 'main' | 'sub' {
  const hasSubStream = (camera.source.kind === 'rtsp' || camera.source.kind === 'http') && camera.source.subStreamUrl !== undefined;
  return hasSubStream && !maximised ? 'sub' : 'main';
}

/** The fallback when the init segment names no profile: H.264 Constrained Baseline 3.1. */
export const FALLBACK_VIDEO_MIME = 'video/mp4; codecs="avc1.42E01F"';

const AVCC = [0x61, 0x76, 0x63, 0x43]; // "avcC"

/**
 * The MediaSource type of an init segment (ftyp+moov): profile, compatibility and level come
 * from its avcC box ("avc1.PPCCLL"). Null when the bytes hold no avcC (not H.264, or incomplete).
 */
export function mimeFromInitSegment(bytes: Uint8Array): string | null {
  for (let i = 4; i + 8 <= bytes.length; i++) {
    if (bytes[i] !== AVCC[0] || bytes[i + 1] !== AVCC[1] || bytes[i + 2] !== AVCC[2] || bytes[i + 3] !== AVCC[3]) continue;
    // avcC payload: configurationVersion (1), then AVCProfileIndication, profile_compatibility, AVCLevelIndication.
    if (bytes[i + 4] !== 1) continue;
    const hex = (n: number) => n.toString(16).padStart(2, '0');
    return `video/mp4; codecs="avc1.${hex(bytes[i + 5]!)}${hex(bytes[i + 6]!)}${hex(bytes[i + 7]!)}"`;
  }
  return null;
}

/** Length of the leading complete top-level boxes of the given types (e.g. ftyp+moov), or null while incomplete. */
export function initSegmentLength(bytes: Uint8Array): number | null {
  let at = 0;
  while (at + 8 <= bytes.length) {
    const size = ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) >>> 0;
    const type = String.fromCharCode(bytes[at + 4]!, bytes[at + 5]!, bytes[at + 6]!, bytes[at + 7]!);
    if (size < 8) return null;
    if (type === 'moov') return at + size <= bytes.length ? at + size : null;
    at += size;
  }
  return null;
}

export interface LiveEdgeDecision {
  /** Seek here (s), or null to keep playing. */
  seekTo: number | null;
  /** Remove buffered media before this time (s), or null. */
  removeBefore: number | null;
}

/** Beyond this behind the newest buffered frame, jump forward (the wall shows now, not a backlog). */
export const MAX_BEHIND_S = 1;
/** After a jump, play this far behind the newest buffered frame (room for the next fragment). */
export const TARGET_BEHIND_S = 0.3;
/** Media kept behind the playhead; older is removed from the SourceBuffer. */
export const KEEP_BEHIND_S = 10;

/**
 * Where to play, given the buffered range [start, end] and the playhead: start inside the buffer,
 * stay within MAX_BEHIND_S of its end, trim what is long past.
 */
export function liveEdgeDecision(bufferedStart: number, bufferedEnd: number, currentTime: number): LiveEdgeDecision {
  let seekTo: number | null = null;
  if (currentTime < bufferedStart) seekTo = bufferedStart;
  else if (bufferedEnd - currentTime > MAX_BEHIND_S) seekTo = Math.max(bufferedStart, bufferedEnd - TARGET_BEHIND_S);
  const playhead = seekTo ?? currentTime;
  const removeBefore = playhead - bufferedStart > KEEP_BEHIND_S * 1.5 ? playhead - KEEP_BEHIND_S : null;
  return { seekTo, removeBefore };
}

/** HTMLMediaElement error codes (MediaError), named here so this file needs no DOM. */
export const MEDIA_ERR_DECODE = 3;
export const MEDIA_ERR_SRC_NOT_SUPPORTED = 4;

/**
 * What a tile does when its <video> fails. The runtime refusing the stream (MEDIA_ERR_SRC_NOT_SUPPORTED,
 * e.g. an H.264 profile that passes MediaSource.isTypeSupported but that Chromium's decoder does
 * not know, such as Extended) before the connection showed any picture: 'unsupported', said on the
 * tile, no retry (the same stream would fail again). Anything else, or after pictures were shown
 * (a damaged fragment, a decoder hiccup): 'retry' with a fresh connection from a keyframe.
 */
export function mediaErrorAction(code: number | null | undefined, shownPictureThisConnection: boolean): 'unsupported' | 'retry' {
  return code === MEDIA_ERR_SRC_NOT_SUPPORTED && !shownPictureThisConnection ? 'unsupported' : 'retry';
}
