/**
 * A camera's sub-stream (its second, smaller stream) shown on the wall's tiles, fanned out by its
 * own VideoHub. Its ffmpeg runs only while a tile watches (and displayLingerMs after the last one
 * left): the analysis never uses it, the main stream's pipeline does.
 *
 * The process is the same supervised FfmpegSource the cameras use (probe of the codec: H.264 is
 * copied, anything else encoded; watchdog, reconnect with backoff, SIGTERM then SIGKILL, secrets
 * kept out of logs), asked for its display output plus a token raw output (1 frame per second,
 * 32 px wide) that only feeds its stall watchdog and is dropped here.
 */
import type { CameraSource, CameraState } from '../../../src-preload/contract.js';
import { FfmpegSource } from '../video/ffmpeg-source.js';
import { VideoHub } from './video-hub.js';

/** The token raw output: just enough for the watchdog to see the stream is alive. */
const WATCHDOG_FPS = 1;
const WATCHDOG_WIDTH = 32;

export interface SubStreamDisplayOptions {
  /** The sub-stream, credentials included (in memory only). */
  source: CameraSource;
  ffmpegPath?: string;
  /** See CameraPipelineOptions.displayLingerMs. */
  lingerMs: number;
  /** State changes of the sub-stream's process (logged by the camera; they do not change the camera's health). */
  onState?: (state: CameraState, lastError: string | null) => void;
}

export class SubStreamDisplay {
  readonly hub: VideoHub;
  #source: FfmpegSource | null = null;
  #linger: NodeJS.Timeout | null = null;
  #closed = false;

  constructor(private readonly options: SubStreamDisplayOptions) {
    this.hub = new VideoHub({ onViewerCount: (viewers) => this.#onViewers(viewers) });
  }

  /** Whether the sub-stream's ffmpeg runs now. */
  get active(): boolean {
    return this.#source !== null;
  }

  #onViewers(viewers: number): void {
    if (this.#linger !== null) clearTimeout(this.#linger);
    this.#linger = null;
    if (this.#closed) return;
    if (viewers > 0) {
      this.#start();
      return;
    }
    this.#linger = setTimeout(() => {
      this.#linger = null;
      void this.#stopSource();
    }, this.options.lingerMs);
    this.#linger.unref?.();
  }

  #start(): void {
    if (this.#source !== null) return;
    const source = new FfmpegSource({
      source: this.options.source,
      outputFps: WATCHDOG_FPS,
      maxWidth: WATCHDOG_WIDTH,
      ffmpegPath: this.options.ffmpegPath,
      frameBuffers: 'borrowed',
      display: {},
    });
    source.setDisplayWanted(true);
    source.on('displayStart', () => this.hub.restart());
    source.on('display', (chunk) => this.hub.push(chunk));
    source.on('state', ({ state, lastError }) => this.options.onState?.(state, lastError));
    this.#source = source;
    source.start();
  }

  async #stopSource(): Promise<void> {
    const source = this.#source;
    this.#source = null;
    if (source === null) return;
    // Nothing more from this process reaches the hub; its init segment and keyframe group go at
    // once (a later viewer waits for the next process's instead of being shown a stale stream).
    source.removeAllListeners();
    this.hub.restart();
    await source.stop();
  }

  /** The camera stopped: viewers are ended, the process stopped. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#linger !== null) clearTimeout(this.#linger);
    this.#linger = null;
    await this.#stopSource();
    this.hub.close();
  }
}
