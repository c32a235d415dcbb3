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

export interface PlaybackState {
  bufferedStart: number;
  bufferedEnd: number;
  currentTime: number;
  /**
   * Presentation time (s) of the newest analysed frame of this stream, or null when unknown (a
   * sub-stream, whose clock is not the analysed stream's, or no analysis yet).
   */
  analysedUpToS: number | null;
  /** The element's playbackRate now (the decision keeps a slow-down or catch-up going until done). */
  playbackRate: number;
}

export interface PlaybackDecision {
  /** Seek here (s), or null to keep playing. */
  seekTo: number | null;
  /** Remove buffered media before this time (s), or null. */
  removeBefore: number | null;
  /** The playbackRate to play at. */
  playbackRate: number;
}

/** Further than this behind the newest buffered frame is a backlog: jump forward (the wall shows now). */
export const JUMP_BEHIND_S = 3;
/** Beyond this behind the newest buffered frame, play faster until CATCH_UP_TO_S. */
export const CATCH_UP_BEHIND_S = 1.2;
export const CATCH_UP_TO_S = 0.7;
/** After a jump (without analysis to wait for), play this far behind the newest buffered frame (room for the next fragment). */
export const TARGET_BEHIND_S = 0.3;
/**
 * The playhead is kept at least this far behind the newest analysed frame, so every displayed
 * frame has its faces (drawn for its own time, not held or guessed from an older frame).
 */
export const SYNC_MARGIN_S = 0.1;
/** Waiting for the analysis never puts the video further than this behind the newest buffered frame. */
export const MAX_SYNC_BEHIND_S = 1;
/** Rates for waiting and catching up: gentle enough that a guard does not notice (and the tile still shows >= 0.9x the camera's rate). */
export const SLOW_RATE = 0.92;
export const FAST_RATE = 1.08;
/** Media kept behind the playhead; older is removed from the SourceBuffer. */
export const KEEP_BEHIND_S = 10;

/**
 * Where and how fast to play a live stream. The video arrives sooner than its faces (analysis takes
 * 0.1-0.4 s), so the playhead waits for the analysis: while it would show frames not analysed yet
 * (closer than SYNC_MARGIN_S to the newest analysed frame) it plays slightly slower, never falling
 * more than MAX_SYNC_BEHIND_S behind the newest buffered frame (a stalled analysis must not stall
 * the picture). Fallen behind (a busy machine), it plays slightly faster rather than skipping, and
 * jumps only over a real backlog. Also: start inside the buffer; trim what is long past.
 */
export function playbackDecision(state: PlaybackState): PlaybackDecision {
  const { bufferedStart, bufferedEnd, currentTime, analysedUpToS } = state;
  let seekTo: number | null = null;
  let playbackRate = 1;
  const behindS = bufferedEnd - currentTime;
  if (currentTime < bufferedStart) seekTo = bufferedStart;
  else if (behindS > JUMP_BEHIND_S) {
    // Land where the faces are known when the analysis is not too far behind the video.
    const analysedBehindS = analysedUpToS === null ? null : bufferedEnd - analysedUpToS;
    const targetBehindS =
      analysedBehindS !== null && analysedBehindS >= 0 && analysedBehindS + SYNC_MARGIN_S <= MAX_SYNC_BEHIND_S
        ? Math.max(TARGET_BEHIND_S, analysedBehindS + SYNC_MARGIN_S)
        : TARGET_BEHIND_S;
    seekTo = Math.max(bufferedStart, bufferedEnd - targetBehindS);
  } else {
    // Positive: the playhead shows frames whose faces have not arrived yet.
    const leadS = analysedUpToS === null ? null : currentTime - analysedUpToS;
    const catchingUp = state.playbackRate > 1;
    const waiting = state.playbackRate < 1;
    if (behindS > CATCH_UP_BEHIND_S || (catchingUp && behindS > CATCH_UP_TO_S)) playbackRate = FAST_RATE;
    else if (leadS !== null && behindS < MAX_SYNC_BEHIND_S && (leadS > -SYNC_MARGIN_S || (waiting && leadS > -2 * SYNC_MARGIN_S))) {
      playbackRate = SLOW_RATE;
    }
  }
  const playhead = seekTo ?? currentTime;
  const removeBefore = playhead - bufferedStart > KEEP_BEHIND_S * 1.5 ? playhead - KEEP_BEHIND_S : null;
  return { seekTo, removeBefore, playbackRate };
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
