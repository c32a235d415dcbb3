/**
 * One camera's display stream (fragmented MP4 from its ffmpeg) fanned out to any number of viewers.
 *
 * - The init segment (ftyp+moov) and the fragments since the last keyframe are kept, so a viewer
 *   that joins gets a picture at once (it starts at that keyframe).
 * - A slow viewer (too many bytes still unsent to it) loses fragments until the next keyframe,
 *   where it resumes cleanly: a decoder can only restart at a keyframe. Drops are counted.
 * - Memory is bounded: the kept keyframe group is capped (a camera with a very long GOP then makes
 *   new viewers wait for the next keyframe), and what each viewer buffers is the transport's,
 *   capped by maxViewerBufferedBytes.
 * - A new ffmpeg process (restart) starts a new MP4: viewers that had the old one are ended (their
 *   player reconnects and starts a fresh MediaSource with the new init segment); viewers still
 *   waiting for a first init segment (a camera whose video is only made while watched) keep waiting.
 * - The number of viewers is reported (onViewerCount), so the camera makes its video only while watched.
 */
import { Mp4BoxError, Mp4BoxSplitter, readFragment, readInit, type InitInfo } from './mp4-boxes.js';

export interface VideoViewer {
  /** Sends bytes to the viewer (never blocks; the transport queues them). */
  send(bytes: Buffer): void;
  /** Bytes sent but not yet delivered by the transport (e.g. a socket's writableLength). */
  bufferedBytes(): number;
  /** The stream is over for this viewer (the camera restarted or stopped): the transport ends its response. */
  end(reason: 'restarted' | 'stopped'): void;
}

export interface VideoHubOptions {
  /** A viewer with more than this unsent skips fragments until the next keyframe (default 2 MB). */
  maxViewerBufferedBytes?: number;
  /** Largest keyframe group kept for joining viewers (default 8 MB). */
  maxKeptBytes?: number;
  /** Called with the number of viewers whenever it changes. */
  onViewerCount?: (viewers: number) => void;
}

export interface VideoHubStats {
  fragments: number;
  keyframes: number;
  /** Fragments not sent to a viewer because it was behind (or waiting for a keyframe after that). */
  droppedFragments: number;
  viewers: number;
  keptBytes: number;
  /** Streams that could not be read as MP4 (the hub waits for the next process). */
  corruptStreams: number;
}

interface ViewerState {
  viewer: VideoViewer;
  /** Skips fragments until a keyframe (a new viewer without a kept group, or one that fell behind). */
  waitingForKeyframe: boolean;
  initSent: boolean;
}

export const DEFAULT_MAX_VIEWER_BUFFERED_BYTES = 2 * 1024 * 1024;
export const DEFAULT_MAX_KEPT_BYTES = 8 * 1024 * 1024;

export class VideoHub {
  readonly #maxViewerBuffered: number;
  readonly #maxKept: number;
  readonly #onViewerCount: ((viewers: number) => void) | undefined;
  #splitter = new Mp4BoxSplitter();
  #ftyp: Buffer | null = null;
  #init: Buffer | null = null;
  #initInfo: InitInfo | null = null;
  #pendingMoof: Buffer | null = null;
  /** Fragments (moof+mdat) from the last keyframe on; empty when none is kept. */
  #kept: Buffer[] = [];
  #keptBytes = 0;
  #corrupt = false;
  readonly #viewers = new Set<ViewerState>();
  readonly #stats = { fragments: 0, keyframes: 0, droppedFragments: 0, corruptStreams: 0 };

  constructor(options: VideoHubOptions = {}) {
    this.#maxViewerBuffered = options.maxViewerBufferedBytes ?? DEFAULT_MAX_VIEWER_BUFFERED_BYTES;
    this.#maxKept = options.maxKeptBytes ?? DEFAULT_MAX_KEPT_BYTES;
    this.#onViewerCount = options.onViewerCount;
  }

  get viewerCount(): number {
    return this.#viewers.size;
  }

  #countChanged(before: number): void {
    if (this.#viewers.size !== before) this.#onViewerCount?.(this.#viewers.size);
  }

  /** The MediaSource codec of the current stream (from avcC), null before its init segment. */
  get codec(): string | null {
    return this.#initInfo?.codec ?? null;
  }

  stats(): VideoHubStats {
    return { ...this.#stats, viewers: this.#viewers.size, keptBytes: this.#keptBytes };
  }

  /** A new MP4 stream begins (a new ffmpeg process): forget the old one, end current viewers. */
  restart(): void {
    this.#clear();
    const before = this.#viewers.size;
    for (const state of [...this.#viewers]) {
      if (!state.initSent) continue;
      state.viewer.end('restarted');
      this.#viewers.delete(state);
    }
    this.#countChanged(before);
  }

  /** The camera stopped: viewers are ended, nothing is kept. */
  close(): void {
    this.#clear();
    const before = this.#viewers.size;
    for (const state of this.#viewers) state.viewer.end('stopped');
    this.#viewers.clear();
    this.#countChanged(before);
  }

  /** Bytes of the MP4 stream, in order. */
  push(chunk: Buffer): void {
    if (this.#corrupt) return;
    let boxes;
    try {
      boxes = this.#splitter.push(chunk);
    } catch (error) {
      if (!(error instanceof Mp4BoxError)) throw error;
      // Nothing after a bad size can be framed again: wait for the next process.
      this.#stats.corruptStreams++;
      this.#clear();
      this.#corrupt = true;
      const before = this.#viewers.size;
      for (const state of this.#viewers) state.viewer.end('restarted');
      this.#viewers.clear();
      this.#countChanged(before);
      return;
    }
    for (const box of boxes) this.#onBox(box.type, box.bytes);
  }

  /** Adds a viewer; returns the function that removes it (call it when the viewer leaves). */
  subscribe(viewer: VideoViewer): () => void {
    const state: ViewerState = { viewer, waitingForKeyframe: true, initSent: false };
    this.#viewers.add(state);
    this.#onViewerCount?.(this.#viewers.size);
    if (this.#init !== null) {
      viewer.send(this.#init);
      state.initSent = true;
      if (this.#kept.length > 0) {
        for (const fragment of this.#kept) viewer.send(fragment);
        state.waitingForKeyframe = false;
      }
    }
    return () => {
      if (this.#viewers.delete(state)) this.#onViewerCount?.(this.#viewers.size);
    };
  }

  #clear(): void {
    this.#splitter.reset();
    this.#ftyp = null;
    this.#init = null;
    this.#initInfo = null;
    this.#pendingMoof = null;
    this.#kept = [];
    this.#keptBytes = 0;
    this.#corrupt = false;
  }

  #onBox(type: string, bytes: Buffer): void {
    switch (type) {
      case 'ftyp':
        this.#ftyp = bytes;
        return;
      case 'moov':
        this.#init = this.#ftyp === null ? bytes : Buffer.concat([this.#ftyp, bytes]);
        this.#initInfo = readInit(bytes);
        for (const state of this.#viewers) {
          if (state.initSent) continue;
          state.viewer.send(this.#init);
          state.initSent = true;
        }
        return;
      case 'moof':
        this.#pendingMoof = bytes;
        return;
      case 'mdat':
        if (this.#pendingMoof === null || this.#init === null) return; // no fragment to complete
        this.#onFragment(Buffer.concat([this.#pendingMoof, bytes]), this.#pendingMoof);
        this.#pendingMoof = null;
        return;
      default:
        // styp, sidx, prft... are not needed by a MediaSource player.
        return;
    }
  }

  #onFragment(fragment: Buffer, moof: Buffer): void {
    const info = readFragment(moof, this.#initInfo?.defaultSampleFlags ?? 0);
    const keyframe = info?.startsWithKeyframe === true;
    this.#stats.fragments++;
    if (keyframe) {
      this.#stats.keyframes++;
      this.#kept = [];
      this.#keptBytes = 0;
    }
    // Keep the group only while it is within bounds and starts at a keyframe.
    if (keyframe || this.#kept.length > 0) {
      if (this.#keptBytes + fragment.length <= this.#maxKept) {
        this.#kept.push(fragment);
        this.#keptBytes += fragment.length;
      } else {
        this.#kept = [];
        this.#keptBytes = 0;
      }
    }
    for (const state of this.#viewers) {
      if (!state.initSent) continue;
      if (state.waitingForKeyframe && !keyframe) {
        this.#stats.droppedFragments++;
        continue;
      }
      if (state.viewer.bufferedBytes() > this.#maxViewerBuffered) {
        // Behind: skip this and the rest of the group; resume at the next keyframe.
        state.waitingForKeyframe = true;
        this.#stats.droppedFragments++;
        continue;
      }
      state.waitingForKeyframe = false;
      state.viewer.send(fragment);
    }
  }
}
