/**
 * One camera = one supervised ffmpeg process decoding to raw rgb24 frames (on a Unix socket, or stdout; see frameTransport).
 *
 * The supervisor owns the process life cycle: it restarts live cameras with exponential
 * backoff, kills a process whose stream stalls (watchdog), ends a non-looping file with
 * 'end', and turns every failure into a state plus a readable lastError. It never emits
 * 'error' and never throws from an event handler, so a bad camera cannot crash the engine.
 *
 * Frame ownership: by default ('owned') every 'frame' event carries a Buffer allocated for
 * that frame alone; the source never writes to it again, so listeners may keep it.
 * With frameBuffers: 'borrowed' one buffer is reused for every frame: `data` is valid only
 * during the synchronous 'frame' dispatch, and a listener that needs it later must copy it
 * (e.g. into a FrameRing slot). Borrowed mode avoids one large allocation per frame.
 *
 * Backpressure: pause() stops reading ffmpeg's stdout, so the pipe fills and ffmpeg blocks
 * (a non-realtime file then decodes only as fast as frames are consumed); the watchdog does not
 * count paused time as a stall. A live camera should rather drop frames than pause for long:
 * its server keeps sending while ffmpeg is blocked.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type NetConnectOpts, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { EventEmitter } from 'node:events';
import type { CameraSource, CameraState } from '../../../src-preload/contract.js';
import {
  buildDecodeArgs,
  buildProbeArgs,
  DISPLAY_PIPE_FD,
  displayCodecWithoutProbe,
  frameByteLength,
  displayCodecFor,
  type DisplayOutputOptions,
  isShowinfoLine,
  parseOutputSize,
  parseShowinfoFrame,
  redactSecrets,
  redactUrlCredentials,
  splitUrlCredentials,
  summarizeStderr,
  type FrameSize,
} from './ffmpeg-args.js';
import { ffmpegVersionOf, resolveFfmpegPath } from './ffmpeg-path.js';

export interface BackoffOptions {
  /** Delay before the first restart after a failure. */
  initialMs: number;
  /** Upper bound for the delay. */
  maxMs: number;
  /** Each consecutive failure multiplies the delay by this. */
  factor: number;
  /** A run that delivered frames for at least this long resets the delay to initialMs. */
  resetAfterMs: number;
}

export interface FfmpegSourceOptions {
  source: CameraSource;
  /** Frames per second to emit (the detection rate); undefined = every decoded frame. */
  outputFps?: number;
  /** Downscale wider frames to this width (aspect kept, even dimensions). */
  maxWidth?: number;
  /** File sources only: read at the file's native rate, like a live camera. */
  realtime?: boolean;
  /** The ffmpeg binary; default: VIGIL_FFMPEG, then the bundled one. */
  ffmpegPath?: string;
  /** Restart the process when no video bytes arrive for this long (also bounds start-up). */
  stallTimeoutMs?: number;
  /** ffmpeg's own socket timeout for network sources; default stallTimeoutMs + 5 s, a backstop behind the watchdog. */
  ioTimeoutMs?: number;
  backoff?: Partial<BackoffOptions>;
  /** stop() and the watchdog send SIGTERM, then SIGKILL after this long. */
  stopGraceMs?: number;
  /** Overrides process.platform (only webcams depend on it). */
  platform?: string;
  /** See the module comment: 'owned' (default) or 'borrowed' frame buffers. */
  frameBuffers?: 'owned' | 'borrowed';
  /** Give each frame its presentation time (`ptsS`) from the stream's own timestamps (default: files only). */
  frameTimestamps?: boolean;
  /**
   * Also produce a fragmented MP4 for display ('display' events). codec 'auto' (default) asks ffmpeg
   * once what the input is: H.264 is copied, anything else encoded. Frames then always carry `ptsS`
   * in the MP4's time base.
   */
  display?: Omit<DisplayOutputOptions, 'codec'> & { codec?: DisplayOutputOptions['codec'] | 'auto' };
  /**
   * How raw frames travel from ffmpeg: 'stdout' (a pipe), or 'unix-socket' (ffmpeg listens on a
   * socket in a private temporary folder and the engine connects, reading into one reused buffer:
   * no garbage per read). Default: 'unix-socket' except on Windows, whose ffmpeg has no Unix sockets.
   */
  frameTransport?: 'stdout' | 'unix-socket';
}

export interface RawFrame {
  /** 1, 2, 3... across restarts of this source. */
  seq: number;
  /** Date.now() when the frame's last byte was read from ffmpeg. */
  capturedAt: number;
  /** performance.now() at the same moment: a clock that never jumps (live analysis time). */
  monotonicMs: number;
  /**
   * Presentation time in seconds from the start of the stream (for a file: video time,
   * whatever speed it is read at), from ffmpeg's own timestamps; restarts with each
   * process. Null when timestamps are off or ffmpeg did not report them.
   */
  ptsS: number | null;
  width: number;
  height: number;
  /** width * height * 3 bytes of rgb24. See the ownership rule in the module comment. */
  data: Buffer;
}

export interface SourceStateChange {
  state: CameraState;
  lastError: string | null;
}

export interface SourceHealth {
  state: CameraState;
  /** Frames per second emitted over the last few seconds (0 when frames stopped). */
  inputFps: number;
  framesRead: number;
  /** Processes started after the first one (reconnects, watchdog restarts). */
  restarts: number;
  lastError: string | null;
  /** Size of the emitted frames; null until the first process reported it. */
  width: number | null;
  height: number | null;
}

export interface FfmpegSourceEvents {
  frame: [RawFrame];
  state: [SourceStateChange];
  end: [];
  /** A new ffmpeg process started writing the display MP4: the next bytes begin with a new init segment. */
  displayStart: [];
  /** Bytes of the display MP4, in order (never paused: a consumer that cannot keep up must drop). */
  display: [Buffer];
}

/** Longest wait for the display codec probe; after it the display is encoded. */
const DISPLAY_PROBE_TIMEOUT_MS = 15_000;

export const DEFAULT_STALL_TIMEOUT_MS = 10_000;
export const DEFAULT_STOP_GRACE_MS = 2_000;
export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 500, maxMs: 30_000, factor: 2, resetAfterMs: 10_000 };

/** Retry interval while ffmpeg is not listening on its frame socket yet (it opens it after probing the input). */
const SOCKET_CONNECT_RETRY_MS = 20;
/** Longest frame socket path ffmpeg is given (sun_path is 108 bytes on Linux, 104 on macOS). */
const MAX_SOCKET_PATH_LENGTH = 100;
/** Bytes read from the frame socket at once (the kernel hands over what it has, up to this). */
const SOCKET_READ_BYTES = 256 * 1024;

/** ffmpeg stderr lines kept for lastError. */
const STDERR_TAIL_LINES = 20;
/** Stderr kept while looking for the output size (the header is a few KB). */
const MAX_HEADER_CHARS = 256 * 1024;
/** Stdout buffered while the output size is still unknown; more means the size line never came. */
const MAX_PENDING_STDOUT_BYTES = 64 * 1024 * 1024;
/** Sliding window for inputFps. */
const FPS_WINDOW_MS = 3_000;
/**
 * Frames held while waiting for their timestamp line. stdout and stderr are separate pipes, so
 * a frame's bytes can be read before the line ffmpeg wrote just before them; a longer wait than
 * this means the lines are not coming, and frames go on without a timestamp.
 */
const MAX_FRAMES_AWAITING_PTS = 16;

/** 'display-change': the display output is switched on or off (see setDisplayWanted); the process is replaced at once. */
type KillReason = 'stop' | 'stall' | 'no-size' | 'display-change';

/** Everything about one ffmpeg process; a restart gets a fresh one. */
interface Run {
  child: ChildProcess;
  startedAt: number;
  /** Last time stdout delivered bytes (or the start): what the watchdog measures. */
  lastActivityAt: number;
  firstFrameAt: number | null;
  framesInRun: number;
  header: string;
  /** This process writes the display MP4 (fd 3). */
  withDisplay: boolean;
  /** Frame socket (unix-socket transport): its path, the connection once made, and whether it has closed. */
  frameSocket: { path: string; socket: Socket | null; closed: boolean; retry: NodeJS.Timeout | null } | null;
  /** The process's exit, seen before the frame socket was drained (finished once the socket closes). */
  exitBeforeSocketClosed: { code: number | null; signal: NodeJS.Signals | null } | null;
  stderrPartial: string;
  stderrTail: string[];
  frameSize: FrameSize | null;
  frameBytes: number;
  pending: Buffer[];
  pendingBytes: number;
  /** Unassembled stdout bytes held back because pause() was called mid-chunk. */
  held: Buffer[];
  /** Frame being assembled; null until the next byte arrives (owned mode hands the previous one to listeners). */
  assembly: Buffer | null;
  /** Presentation times from showinfo lines not yet given to a frame, in order (null: a frame without one). */
  ptsQueue: Array<number | null>;
  /** Complete frames whose showinfo line has not been read yet (owned buffers or copies). */
  awaitingPts: Buffer[];
  /** Set when timestamps stopped matching frames up: the rest of the run goes without them. */
  ptsUnavailable: boolean;
  filled: number;
  killReason: KillReason | null;
  spawnError: Error | null;
  /** Set when the process has exited; finishing waits for held frames to be delivered after a pause. */
  exit: { code: number | null; signal: NodeJS.Signals | null } | null;
  /** Passwords in the source URL: masked in every stderr line kept (ffmpeg may echo them). */
  secrets: string[];
  killTimer: NodeJS.Timeout | null;
  finished: boolean;
  onFinished: Array<() => void>;
}

export class FfmpegSource extends EventEmitter<FfmpegSourceEvents> {
  readonly options: Readonly<FfmpegSourceOptions>;
  readonly #stallTimeoutMs: number;
  readonly #stopGraceMs: number;
  readonly #backoff: BackoffOptions;

  #state: CameraState = 'stopped';
  #lastError: string | null = null;
  #run: Run | null = null;
  /** Size of the first run's output; later runs are forced to it (see DecodeArgsOptions.outputSize). */
  #knownSize: FrameSize | null = null;
  #seq = 0;
  #framesRead = 0;
  #restarts = 0;
  #backoffAttempt = 0;
  #restartTimer: NodeJS.Timeout | null = null;
  #watchdog: NodeJS.Timeout | null = null;
  #stopping: Promise<void> | null = null;
  #frameTimes: number[] = [];
  #fpsSince = 0;
  #paused = false;
  /** The display codec once known ('auto' is probed before the first process). */
  #displayCodec: DisplayOutputOptions['codec'] | null = null;
  /** Bumped by stop(): a probe that finishes after it does not start a process. */
  #startToken = 0;
  #probing = false;
  /** Someone watches the display video (see setDisplayWanted). */
  #displayWanted = false;
  /** The display codec was read from a running process's input description (sources not probed beforehand). */
  #codecFromHeader = false;

  constructor(options: FfmpegSourceOptions) {
    super();
    this.options = { ...options };
    this.#stallTimeoutMs = positive(options.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS, 'stallTimeoutMs');
    this.#stopGraceMs = positive(options.stopGraceMs ?? DEFAULT_STOP_GRACE_MS, 'stopGraceMs');
    this.#backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
    positive(this.#backoff.initialMs, 'backoff.initialMs');
    positive(this.#backoff.maxMs, 'backoff.maxMs');
    if (!(this.#backoff.factor >= 1)) throw new RangeError(`backoff.factor must be >= 1, got ${this.#backoff.factor}`);
    // Fail fast on bad options (constructor) rather than at the first spawn.
    buildDecodeArgs(this.#argsOptions(null));
  }

  /** Whether the source restarts after its process ends (live cameras and looping files). */
  get isLive(): boolean {
    return this.options.source.kind !== 'file' || this.options.source.loop;
  }

  /** Starts decoding. No-op when already started; after stop() it starts afresh. */
  start(): void {
    if (this.#stopping !== null) {
      // Restart once the previous process is gone, so two never run at once.
      void this.#stopping.then(() => this.start());
      return;
    }
    if (this.#run !== null || this.#restartTimer !== null || this.#probing) return;
    this.#lastError = null;
    this.#backoffAttempt = 0;
    this.#paused = false;
    this.#setState('starting');
    const display = this.options.display;
    if (display !== undefined && this.#displayCodec === null) {
      const wanted = display.codec ?? 'auto';
      if (wanted !== 'auto') this.#displayCodec = wanted;
      else if (displayCodecWithoutProbe(this.options.source) !== null) this.#displayCodec = displayCodecWithoutProbe(this.options.source);
      else {
        this.#probeDisplayCodec();
        return;
      }
    }
    this.#spawnRun();
  }

  /**
   * Whether the display MP4 is wanted (a viewer watches). Encoding costs a live camera about a
   * tenth of a core, so a live camera whose video must be encoded makes it only while wanted; a
   * copied stream (H.264 already) costs little and, once known or first wanted, is always made;
   * so is a file's display (a file cannot be switched without replaying it). A change replaces the ffmpeg process at once
   * (a gap of about a second in analysis, no state change, no visit closed).
   */
  setDisplayWanted(wanted: boolean): void {
    if (this.#displayWanted === wanted) return;
    this.#displayWanted = wanted;
    this.#applyDisplayWish();
  }

  /** Whether the running (or next) process writes the display MP4. */
  get displayActive(): boolean {
    return this.#run?.withDisplay ?? this.#displayOnForNextRun();
  }

  #displayOnForNextRun(): boolean {
    if (this.options.display === undefined) return false;
    if (this.options.source.kind === 'file') return true;
    return this.#displayWanted || this.#displayCodec === 'copy';
  }

  #applyDisplayWish(): void {
    const run = this.#run;
    if (run === null || run.finished || run.killReason !== null) return; // the next process follows the wish
    if (run.withDisplay !== this.#displayOnForNextRun()) this.#kill(run, 'display-change');
  }

  /** The codec of the display MP4 ('copy' or 'encode'), null until known or without a display. */
  get displayCodec(): DisplayOutputOptions['codec'] | null {
    return this.#displayCodec;
  }

  /** Asks ffmpeg what the input's video codec is; H.264 is copied, anything else (or no answer) encoded. */
  #probeDisplayCodec(): void {
    const token = this.#startToken;
    let ffmpegPath: string;
    try {
      ffmpegPath = resolveFfmpegPath(this.options.ffmpegPath);
    } catch {
      this.#displayCodec = 'encode';
      this.#spawnRun(); // reports the missing binary
      return;
    }
    this.#probing = true;
    const { source, ioTimeoutMs } = this.#argsOptions(null, ffmpegPath);
    const args = buildProbeArgs({ source, platform: this.options.platform ?? process.platform, ioTimeoutMs, ffmpegVersion: ffmpegVersionOf(ffmpegPath) });
    execFile(ffmpegPath, args, { timeout: DISPLAY_PROBE_TIMEOUT_MS, windowsHide: true, maxBuffer: 1024 * 1024 }, (_error, _stdout, stderr) => {
      this.#probing = false;
      // ffmpeg exits 1 without an output ("At least one output file must be specified"): expected.
      this.#displayCodec = displayCodecFor(String(stderr));
      if (token !== this.#startToken || this.#state === 'stopped') return;
      this.#spawnRun();
    });
  }

  /** Stops the process (SIGTERM, then SIGKILL after stopGraceMs); resolves when it has exited. */
  stop(): Promise<void> {
    if (this.#stopping !== null) return this.#stopping;
    this.#startToken++;
    this.#clearRestartTimer();
    const run = this.#run;
    if (run === null || run.finished) {
      this.#stopWatchdog();
      this.#setState('stopped');
      return Promise.resolve();
    }
    this.#stopping = new Promise<void>((resolve) => {
      run.onFinished.push(() => {
        this.#stopping = null;
        this.#setState('stopped');
        resolve();
      });
    });
    this.#kill(run, 'stop');
    return this.#stopping;
  }

  /** Stops emitting frames until resume(): ffmpeg blocks once the stdout pipe is full. */
  pause(): void {
    if (this.#paused) return;
    this.#paused = true;
    this.#run?.child.stdout?.pause();
    this.#run?.frameSocket?.socket?.pause();
  }

  resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    const run = this.#run;
    if (run === null) return;
    // Paused time is not a stall: the watchdog measures from now.
    run.lastActivityAt = Date.now();
    this.#deliverAwaiting(run, run.exit !== null);
    if (this.#paused) return;
    const held = run.held;
    run.held = [];
    for (let i = 0; i < held.length; i++) {
      this.#assemble(run, held[i] as Buffer);
      // A frame listener paused again: keep the rest for the next resume().
      if (this.#paused) {
        run.held.push(...held.slice(i + 1));
        return;
      }
    }
    if (run.exit !== null) {
      // The process has ended: frames still waiting for a timestamp go out now (or at the next resume).
      this.#deliverAwaiting(run, true);
      if (!this.#paused) this.#finishRun(run, run.exit.code, run.exit.signal);
    } else {
      run.child.stdout?.resume();
      run.frameSocket?.socket?.resume();
    }
  }

  /** Process id of the running ffmpeg, or null between processes (diagnostics and tests). */
  get pid(): number | null {
    const run = this.#run;
    return run === null || run.finished || run.exit !== null ? null : (run.child.pid ?? null);
  }

  get paused(): boolean {
    return this.#paused;
  }

  /**
   * Records an error seen by a consumer of the frames (e.g. inference failed) as lastError,
   * so health() and the 'state' event explain it; the process keeps running.
   */
  noteError(message: string): void {
    this.#lastError = message;
    this.emit('state', { state: this.#state, lastError: message });
  }

  health(): SourceHealth {
    return {
      state: this.#state,
      inputFps: this.#inputFps(Date.now()),
      framesRead: this.#framesRead,
      restarts: this.#restarts,
      lastError: this.#lastError,
      width: this.#knownSize?.width ?? null,
      height: this.#knownSize?.height ?? null,
    };
  }

  // ---------- process life cycle ----------

  #argsOptions(outputSize: FrameSize | null, ffmpegPath: string | null = null) {
    const { source, outputFps, maxWidth, realtime } = this.options;
    return {
      frameTimestamps: this.#timestampsOn,
      // Flags differ between ffmpeg versions (detected once per binary).
      ffmpegVersion: ffmpegPath === null ? undefined : ffmpegVersionOf(ffmpegPath),
      source,
      platform: this.options.platform ?? process.platform,
      outputFps,
      maxWidth,
      realtime,
      outputSize: outputSize ?? undefined,
      ioTimeoutMs: this.options.ioTimeoutMs ?? this.#stallTimeoutMs + 5_000,
      display: this.#displayOnForNextRun() && this.options.display !== undefined ? { ...this.options.display, codec: this.#displayCodec ?? 'encode' } : undefined,
    };
  }

  #secrets(): string[] {
    const source = this.options.source;
    if (source.kind !== 'rtsp' && source.kind !== 'http') return [];
    const password = splitUrlCredentials(source.url).credentials?.password;
    return password ? [password] : [];
  }

  #spawnRun(): void {
    let ffmpegPath: string;
    let args: string[];
    let socketPath: string | null = null;
    try {
      ffmpegPath = resolveFfmpegPath(this.options.ffmpegPath);
      const transport = this.options.frameTransport ?? defaultFrameTransport();
      // A private folder (mode 0700) per process: no other user can connect to the frames, and no stale socket is in the way.
      if (transport === 'unix-socket') {
        socketPath = join(mkdtempSync(join(tmpdir(), 'vigil-frames-')), 'raw.sock');
        // A socket address holds ~100 bytes: under a very long temporary folder, frames take the pipe.
        if (socketPath.length > MAX_SOCKET_PATH_LENGTH) {
          removeSocketFolder(socketPath);
          socketPath = null;
        }
      }
      args = buildDecodeArgs({
        ...this.#argsOptions(this.#knownSize, ffmpegPath),
        rawOutput: socketPath === null ? { kind: 'stdout' } : { kind: 'unix-socket', path: socketPath },
      });
    } catch (error) {
      // A missing binary or an unsupported platform does not heal by retrying.
      if (socketPath !== null) removeSocketFolder(socketPath);
      this.#lastError = error instanceof Error ? error.message : String(error);
      this.#setState('failed');
      return;
    }
    const withDisplay = this.#displayOnForNextRun();
    const rawStdout = socketPath === null ? 'pipe' : 'ignore';
    const child = spawn(ffmpegPath, args, {
      // fd 3 carries the display MP4 (pipe:3) next to the raw frames (on stdout or the socket).
      stdio: withDisplay ? ['ignore', rawStdout, 'pipe', 'pipe'] : ['ignore', rawStdout, 'pipe'],
      windowsHide: true,
    });
    const now = Date.now();
    const run: Run = {
      child,
      startedAt: now,
      lastActivityAt: now,
      firstFrameAt: null,
      framesInRun: 0,
      header: '',
      withDisplay,
      frameSocket: socketPath === null ? null : { path: socketPath, socket: null, closed: false, retry: null },
      exitBeforeSocketClosed: null,
      stderrPartial: '',
      stderrTail: [],
      frameSize: null,
      frameBytes: 0,
      pending: [],
      pendingBytes: 0,
      held: [],
      assembly: null,
      filled: 0,
      ptsQueue: [],
      awaitingPts: [],
      ptsUnavailable: !this.#timestampsOn,
      killReason: null,
      spawnError: null,
      exit: null,
      secrets: this.#secrets(),
      killTimer: null,
      finished: false,
      onFinished: [],
    };
    this.#run = run;
    child.stdout?.on('data', (chunk: Buffer) => this.#onStdout(run, chunk, false));
    if (run.frameSocket !== null) this.#connectFrameSocket(run);
    if (withDisplay) {
      const displayPipe = child.stdio[DISPLAY_PIPE_FD] as Readable | null | undefined;
      this.emit('displayStart');
      displayPipe?.on('data', (chunk: Buffer) => {
        if (this.#run === run) this.emit('display', chunk);
      });
      displayPipe?.on('error', () => {});
    }
    if (this.#paused) child.stdout?.pause();
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (text: string) => this.#onStderr(run, text));
    // Stream errors must not become unhandled 'error' events; the exit is handled by 'close'.
    child.stdout?.on('error', () => {});
    child.stderr?.on('error', () => {});
    child.on('error', (error) => {
      run.spawnError = error;
      // A process that never spawned emits no 'close' on every Node version; finish it here.
      if (child.pid === undefined) this.#finishRun(run, null, null);
    });
    // 'close' fires after stdout and stderr are drained, so every frame has been read by then;
    // frames held back by pause() are delivered by resume(), which then finishes the run.
    child.on('close', (code, signal) => {
      // The frame socket is not one of the child's stdio streams: frames may still be in it.
      const frameSocket = run.frameSocket;
      if (frameSocket !== null && frameSocket.socket !== null && !frameSocket.closed && run.killReason === null) {
        run.exitBeforeSocketClosed = { code, signal };
        return;
      }
      this.#onExit(run, code, signal);
    });
    this.#startWatchdog();
  }

  /**
   * Connects to the socket ffmpeg listens on for the raw frames, retrying until it is there (ffmpeg
   * opens it once the input is probed) or the process has ended. Bytes are read into one reused
   * buffer, so #onStdout is told they are transient (kept bytes are copied).
   */
  #connectFrameSocket(run: Run): void {
    const frameSocket = run.frameSocket!;
    const readBuffer = Buffer.allocUnsafeSlow(SOCKET_READ_BYTES);
    const attempt = (): void => {
      frameSocket.retry = null;
      if (run.exit !== null || run.finished || run.killReason !== null || run.exitBeforeSocketClosed !== null) return;
      let connected = false;
      const socket = connect({
        path: frameSocket.path,
        onread: {
          buffer: readBuffer,
          callback: (bytes: number, buffer: Uint8Array) => {
            this.#onStdout(run, Buffer.from(buffer.buffer, buffer.byteOffset, bytes), true);
            return true;
          },
        },
      } satisfies NetConnectOpts);
      socket.once('connect', () => {
        connected = true;
        frameSocket.socket = socket;
        if (this.#paused && run.killReason === null) socket.pause();
        // Killed while connecting: drain and discard, as stdout is.
        if (run.killReason !== null) socket.resume();
      });
      socket.on('error', (error: NodeJS.ErrnoException) => {
        if (connected) return; // a reset after the process died: 'close' follows
        if (error.code === 'ENOENT' || error.code === 'ECONNREFUSED') frameSocket.retry = setTimeout(attempt, SOCKET_CONNECT_RETRY_MS);
        else run.stderrTail.push(`frame socket: ${error.message}`);
      });
      socket.once('close', () => {
        if (!connected) return;
        frameSocket.closed = true;
        const exit = run.exitBeforeSocketClosed;
        if (exit !== null) {
          run.exitBeforeSocketClosed = null;
          this.#onExit(run, exit.code, exit.signal);
        }
      });
    };
    attempt();
  }

  /** The process has exited and its frames have all been read (held ones wait for resume()). */
  #onExit(run: Run, code: number | null, signal: NodeJS.Signals | null): void {
    run.exit = { code, signal };
    // Every timestamp line has been read by now: frames still waiting get theirs or none.
    if (!this.#paused) this.#deliverAwaiting(run, true);
    const undelivered = run.held.length > 0 || run.awaitingPts.length > 0;
    if (!undelivered || run.killReason !== null) this.#finishRun(run, code, signal);
  }

  #finishRun(run: Run, code: number | null, signal: NodeJS.Signals | null): void {
    if (run.finished) return;
    run.finished = true;
    if (run.killTimer !== null) clearTimeout(run.killTimer);
    if (run.frameSocket !== null) {
      if (run.frameSocket.retry !== null) clearTimeout(run.frameSocket.retry);
      run.frameSocket.socket?.destroy();
      removeSocketFolder(run.frameSocket.path);
    }
    if (run.stderrPartial !== '') pushTail(run, run.stderrPartial);
    if (this.#run === run) this.#run = null;
    this.#stopWatchdog();
    const waiters = run.onFinished.splice(0);
    if (run.killReason === 'stop') {
      for (const resolve of waiters) resolve();
      return;
    }
    if (run.killReason === 'display-change') {
      // Not a failure: the same source at once, with or without the display output.
      this.#spawnRun();
      return;
    }

    const endedAt = Date.now();
    if (run.firstFrameAt !== null && endedAt - run.firstFrameAt >= this.#backoff.resetAfterMs) this.#backoffAttempt = 0;
    const source = this.options.source;
    const cleanExit = code === 0 && run.killReason === null && run.spawnError === null;

    if (source.kind === 'file' && !source.loop) {
      if (cleanExit) {
        this.#setState('stopped');
        this.emit('end');
      } else {
        this.#lastError = this.#describeFailure(run, code, signal);
        this.#setState('failed');
      }
      return;
    }
    this.#lastError = this.#describeFailure(run, code, signal);
    const spawnFailed = run.spawnError !== null && run.child.pid === undefined;
    // A looping file that fails before its first frame (unreadable, not a video) fails the same way every time.
    const deterministicFileFailure = source.kind === 'file' && run.framesInRun === 0 && !cleanExit;
    if (spawnFailed || deterministicFileFailure) {
      this.#setState('failed');
      return;
    }
    this.#scheduleRestart();
  }

  #scheduleRestart(): void {
    const { initialMs, maxMs, factor } = this.#backoff;
    const delay = Math.min(maxMs, initialMs * factor ** this.#backoffAttempt);
    this.#backoffAttempt++;
    this.#setState('reconnecting');
    this.#restartTimer = setTimeout(() => {
      this.#restartTimer = null;
      this.#restarts++;
      this.#spawnRun();
    }, delay);
  }

  #clearRestartTimer(): void {
    if (this.#restartTimer !== null) clearTimeout(this.#restartTimer);
    this.#restartTimer = null;
  }

  /** SIGTERM lets ffmpeg close its input cleanly; SIGKILL covers a process that ignores it (e.g. stuck in I/O). */
  #kill(run: Run, reason: KillReason): void {
    if (run.finished) return;
    // A stop() during a watchdog kill takes over, so the exit is reported as a stop.
    if (run.killReason === null || reason === 'stop') run.killReason = reason;
    // Drain (and discard) stdout even when paused: 'close' only fires once stdout has ended.
    run.held = [];
    run.awaitingPts = [];
    run.child.stdout?.resume();
    run.frameSocket?.socket?.resume();
    const exitBeforeSocketClosed = run.exitBeforeSocketClosed;
    if (exitBeforeSocketClosed !== null) {
      // The process is gone; what is left in its socket is not wanted.
      run.exitBeforeSocketClosed = null;
      this.#onExit(run, exitBeforeSocketClosed.code, exitBeforeSocketClosed.signal);
      return;
    }
    if (run.exit !== null) {
      // Already exited, only its held frames were pending.
      this.#finishRun(run, run.exit.code, run.exit.signal);
      return;
    }
    if (run.killTimer !== null) return;
    run.child.kill('SIGTERM');
    run.killTimer = setTimeout(() => {
      if (!run.finished) run.child.kill('SIGKILL');
    }, this.#stopGraceMs);
  }

  #startWatchdog(): void {
    this.#stopWatchdog();
    const interval = Math.max(50, Math.min(1_000, this.#stallTimeoutMs / 4));
    this.#watchdog = setInterval(() => {
      const run = this.#run;
      if (run === null || run.finished || run.killReason !== null || this.#paused) return;
      if (Date.now() - run.lastActivityAt > this.#stallTimeoutMs) this.#kill(run, 'stall');
    }, interval);
  }

  #stopWatchdog(): void {
    if (this.#watchdog !== null) clearInterval(this.#watchdog);
    this.#watchdog = null;
  }

  #describeFailure(run: Run, code: number | null, signal: NodeJS.Signals | null): string {
    const fromStderr = summarizeStderr(run.stderrTail);
    const seconds = (this.#stallTimeoutMs / 1000).toFixed(1);
    if (run.killReason === 'stall') {
      const what = run.firstFrameAt === null ? `No video within ${seconds} s of starting` : `No video for ${seconds} s (stream stalled)`;
      return fromStderr === null ? what : `${what}; ffmpeg said: ${fromStderr}`;
    }
    if (run.killReason === 'no-size') return 'Could not read the output frame size from ffmpeg';
    if (run.spawnError !== null) return `Could not run ffmpeg: ${run.spawnError.message}`;
    const exit = signal !== null ? `killed by ${signal}` : `exit code ${code}`;
    if (fromStderr !== null) return code === 0 ? fromStderr : `${fromStderr} (ffmpeg ${exit})`;
    if (code === 0) return this.options.source.kind === 'file' ? 'End of file' : 'The stream ended';
    return `ffmpeg stopped unexpectedly (${exit})`;
  }

  // ---------- output parsing ----------

  /** Files only by default: a live stream's timestamps are not used (it runs on arrival time). */
  get #timestampsOn(): boolean {
    if (this.options.display !== undefined) return true;
    return this.options.frameTimestamps ?? this.options.source.kind === 'file';
  }

  /**
   * Sources that are not probed before the first process (HTTP, webcams: see displayCodecWithoutProbe)
   * learn their display codec from the input the running process describes: an HTTP stream that
   * is H.264 already is then copied (cheap, always on) instead of encoded.
   */
  #learnDisplayCodec(run: Run): void {
    const display = this.options.display;
    if (display === undefined || (display.codec ?? 'auto') !== 'auto' || this.#codecFromHeader) return;
    if (displayCodecWithoutProbe(this.options.source) === null) return;
    this.#codecFromHeader = true;
    this.#displayCodec = displayCodecFor(run.header);
    // Not switched on here (that would connect to the camera again at once): the first viewer
    // switches it on, and a copied display then stays on.
  }

  #onStderr(run: Run, text: string): void {
    if (run.frameSize === null && run.header.length < MAX_HEADER_CHARS) {
      run.header += text;
      const size = parseOutputSize(run.header);
      if (size !== null) {
        this.#learnDisplayCodec(run);
        this.#onSizeKnown(run, size);
      }
    }
    const lines = (run.stderrPartial + text).split(/\r?\n|\r/);
    run.stderrPartial = lines.pop() ?? '';
    let newTimestamps = false;
    for (const line of lines) {
      // showinfo's per-frame lines are timestamps, not messages: they stay out of the error tail.
      if (isShowinfoLine(line)) {
        // One entry per frame line, in order, also for a frame without a time (NOPTS): a skipped
        // line would shift every later frame onto its neighbour's time.
        const frameLine = parseShowinfoFrame(line);
        if (frameLine !== null && !run.ptsUnavailable) {
          run.ptsQueue.push(frameLine.ptsS);
          newTimestamps = true;
        }
        continue;
      }
      pushTail(run, line);
    }
    if (newTimestamps && !this.#paused && run.killReason === null) this.#deliverAwaiting(run, false);
  }

  /**
   * Emits frames that were waiting for their timestamp, in order, while timestamps are there
   * (all of them when `final`: the process has ended, no more lines will come) and nobody paused.
   */
  #deliverAwaiting(run: Run, final: boolean): void {
    while (run.awaitingPts.length > 0 && !this.#paused && run.killReason === null) {
      if (run.ptsQueue.length === 0 && !run.ptsUnavailable && !final) return;
      const data = run.awaitingPts.shift()!;
      this.#emitFrameNow(run, data, run.ptsUnavailable ? null : (run.ptsQueue.shift() ?? null));
    }
  }

  #onSizeKnown(run: Run, size: FrameSize): void {
    run.frameSize = size;
    run.frameBytes = frameByteLength(size);
    run.header = '';
    this.#knownSize ??= size;
    // stdout and stderr are separate pipes: bytes may have arrived before the line that sizes them.
    const pending = run.pending;
    run.pending = [];
    run.pendingBytes = 0;
    for (const chunk of pending) this.#assembleOrHold(run, chunk);
  }

  /**
   * `transient`: the chunk's memory is read into again after this call (socket transport). Bytes
   * kept while the size is unknown are copied, since the socket goes on reading meanwhile; bytes
   * held by pause() need no copy, because a paused socket reads nothing and resume() uses them up
   * before it reads again.
   */
  #onStdout(run: Run, chunk: Buffer, transient: boolean): void {
    run.lastActivityAt = Date.now();
    if (run.killReason !== null) return; // being stopped: nothing more is emitted
    if (run.frameSize === null) {
      run.pending.push(transient ? Buffer.from(chunk) : chunk);
      run.pendingBytes += chunk.length;
      if (run.pendingBytes > MAX_PENDING_STDOUT_BYTES) {
        run.pending = [];
        this.#kill(run, 'no-size');
      }
      return;
    }
    this.#assembleOrHold(run, chunk);
  }

  #assembleOrHold(run: Run, chunk: Buffer): void {
    if (this.#paused) run.held.push(chunk);
    else this.#assemble(run, chunk);
  }

  /** Copies chunk bytes into whole frames (bulk copies, any chunk boundaries) and emits each completed frame. */
  #assemble(run: Run, chunk: Buffer): void {
    const borrowed = this.options.frameBuffers === 'borrowed';
    let offset = 0;
    while (offset < chunk.length) {
      if (run.killReason !== null) return;
      run.assembly ??= Buffer.allocUnsafeSlow(run.frameBytes);
      const take = Math.min(run.frameBytes - run.filled, chunk.length - offset);
      chunk.copy(run.assembly, run.filled, offset, offset + take);
      run.filled += take;
      offset += take;
      if (run.filled < run.frameBytes) continue;
      const data = run.assembly;
      run.filled = 0;
      // Owned mode gives this buffer away; the next frame gets a new one.
      if (!borrowed) run.assembly = null;
      this.#emitFrame(run, data);
      if (this.#paused && offset < chunk.length) {
        run.held.push(chunk.subarray(offset));
        return;
      }
    }
  }

  /** A complete frame: out at once with its timestamp, or held until the timestamp line is read. */
  #emitFrame(run: Run, data: Buffer): void {
    if (run.ptsUnavailable) {
      this.#emitFrameNow(run, data, null);
      return;
    }
    if (run.awaitingPts.length === 0 && run.ptsQueue.length > 0) {
      this.#emitFrameNow(run, data, run.ptsQueue.shift() ?? null);
      return;
    }
    // A borrowed buffer is overwritten by the next frame: keep a copy while it waits.
    run.awaitingPts.push(this.options.frameBuffers === 'borrowed' ? Buffer.from(data) : data);
    if (run.awaitingPts.length > MAX_FRAMES_AWAITING_PTS) {
      run.ptsUnavailable = true;
      run.ptsQueue = [];
    }
    this.#deliverAwaiting(run, false);
  }

  #emitFrameNow(run: Run, data: Buffer, ptsS: number | null): void {
    const size = run.frameSize;
    if (size === null) return;
    const now = Date.now();
    run.framesInRun++;
    this.#framesRead++;
    if (run.firstFrameAt === null) {
      run.firstFrameAt = now;
      this.#fpsSince = now;
      this.#frameTimes = [];
    }
    this.#frameTimes.push(now);
    if (this.#frameTimes.length > 512) this.#pruneFrameTimes(now);
    if (this.#state !== 'running') this.#setState('running');
    this.emit('frame', { seq: ++this.#seq, capturedAt: now, monotonicMs: performance.now(), ptsS, width: size.width, height: size.height, data });
  }

  #pruneFrameTimes(now: number): void {
    const cutoff = now - FPS_WINDOW_MS;
    let drop = 0;
    while (drop < this.#frameTimes.length && (this.#frameTimes[drop] ?? 0) <= cutoff) drop++;
    if (drop > 0) this.#frameTimes.splice(0, drop);
  }

  #inputFps(now: number): number {
    if (this.#state !== 'running') return 0; // no process delivering frames
    this.#pruneFrameTimes(now);
    const times = this.#frameTimes;
    // A full window: frames in it / its length, which falls to 0 when frames stop.
    if (now - this.#fpsSince >= FPS_WINDOW_MS) return times.length / (FPS_WINDOW_MS / 1000);
    // Still filling (just started): frame intervals since the first frame, measured up to now so the
    // rate also falls when frames stop.
    const first = times[0];
    if (first === undefined || now <= first) return 0;
    return ((times.length - 1) * 1000) / (now - first);
  }

  #setState(state: CameraState): void {
    if (state === this.#state && state !== 'reconnecting') return;
    this.#state = state;
    this.emit('state', { state, lastError: this.#lastError });
  }
}

function pushTail(run: Run, line: string): void {
  if (line.trim() === '') return;
  run.stderrTail.push(redactSecrets(redactUrlCredentials(line), run.secrets));
  if (run.stderrTail.length > STDERR_TAIL_LINES) run.stderrTail.shift();
}

function positive(value: number, name: string): number {
  if (!(Number.isFinite(value) && value > 0)) throw new RangeError(`${name} must be a positive number, got ${value}`);
  return value;
}

/**
 * Unix sockets except on Windows (its ffmpeg builds have no unix: protocol). VIGIL_FRAME_TRANSPORT=stdout
 * switches a site back to pipes without a new build, should a platform's sockets misbehave.
 */
function defaultFrameTransport(): 'stdout' | 'unix-socket' {
  const forced = process.env.VIGIL_FRAME_TRANSPORT;
  if (forced === 'stdout' || forced === 'unix-socket') return forced;
  return process.platform === 'win32' ? 'stdout' : 'unix-socket';
}

/** The private folder of a frame socket, with anything left in it (ffmpeg may not have removed the socket). */
function removeSocketFolder(socketPath: string): void {
  try {
    rmSync(join(socketPath, '..'), { recursive: true, force: true });
  } catch {
    // Best effort: a temporary folder left behind is harmless.
  }
}
