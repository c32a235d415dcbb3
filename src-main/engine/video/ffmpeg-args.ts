/**
 * Pure builders and parsers for the ffmpeg command line that decodes one camera
 * into raw rgb24 frames on stdout. No I/O here: everything is a function of its
 * arguments, so every flag can be checked by a table of cases.
 *
 * Flags depend on the ffmpeg version (detected once by ffmpeg-path): the RTSP socket
 * timeout is `-stimeout` before 5.0 and `-timeout` since; `-vsync` is deprecated since 5.1
 * for `-fps_mode`. `-reconnect*` / `-rw_timeout` are http protocol options of every version.
 *
 * Untrusted input: every input gets a `-protocol_whitelist` for its kind (an RTSP or HTTP
 * camera cannot make ffmpeg open local files, concat:/subfile: URLs or other protocols, e.g.
 * through a redirect or a playlist), and an HTTP camera declared MJPEG (the default) is read
 * with the multipart-MJPEG demuxer pinned, so no other demuxer ever probes its bytes.
 */
import type { CameraSource } from '../../../src-preload/contract.js';

/** Pixel format of every frame on stdout: packed R,G,B bytes, row-major, no padding. */
export const RAW_PIXEL_FORMAT = 'rgb24';
export const BYTES_PER_PIXEL = 3;

/** Default socket/IO timeout for network sources, so a dead peer cannot block ffmpeg forever. */
export const DEFAULT_IO_TIMEOUT_MS = 10_000;

/**
 * How many seconds ffmpeg's own http reconnect keeps trying (delays 0, 1, 2... s) before it gives up
 * and exits. Kept short on purpose: it only hides a blip; longer outages are the supervisor's job
 * (FfmpegSource restarts the process with its own backoff and reports 'reconnecting').
 */
export const HTTP_RECONNECT_DELAY_MAX_S = 2;

/** The ffmpeg binary's version; null numbers when unknown (a git snapshot build): the current flags are used. */
export interface FfmpegVersion {
  major: number | null;
  minor: number | null;
  /** As ffmpeg prints it, e.g. "5.1.9-0+deb12u1". */
  text: string;
}

/** Reads `ffmpeg -version` output ("ffmpeg version 5.1.9-0+deb12u1 Copyright ..."; "n7.1"; "N-47683-g0e8eb07980-static"). */
export function parseFfmpegVersion(versionOutput: string): FfmpegVersion {
  const text = /^ffmpeg version (\S+)/m.exec(versionOutput)?.[1] ?? 'unknown';
  const numbers = /^n?(\d+)\.(\d+)/.exec(text);
  return numbers ? { major: Number(numbers[1]), minor: Number(numbers[2]), text } : { major: null, minor: null, text };
}

/** Protocols each kind of source may use (ffmpeg refuses any other, nested opens included). */
export const PROTOCOL_WHITELIST: Record<CameraSource['kind'], string> = {
  // TCP-interleaved RTSP uses rtsp+tcp; rtp/udp for UDP transport, tls for rtsps.
  rtsp: 'rtsp,rtsps,rtp,tcp,udp,tls',
  http: 'http,https,tcp,tls',
  file: 'file',
  // Capture devices open no protocol; nothing else may be reached through them.
  webcam: 'file',
};

export interface FrameSize {
  width: number;
  height: number;
}

export interface DecodeArgsOptions {
  source: CameraSource;
  /** The OS ffmpeg runs on (process.platform); only webcams depend on it. */
  platform?: string;
  /** Frames per second to emit (the detection rate); undefined = every decoded frame. */
  outputFps?: number;
  /** Downscale wider frames to this width, keeping the aspect ratio, both dimensions even. */
  maxWidth?: number;
  /**
   * Exact output size. Once the size of a camera is known, every later run uses it: the input
   * is scaled to fit and padded, so a camera that changes resolution mid-stream can never change
   * the number of bytes per frame (which would corrupt the raw framing). Takes precedence over maxWidth.
   */
  outputSize?: FrameSize;
  /** File sources only: read at the file's native rate (`-re`), like a live camera. */
  realtime?: boolean;
  /** Socket timeout for rtsp/http sources. */
  ioTimeoutMs?: number;
  /**
   * Print each emitted frame's presentation time on stderr (ffmpeg's showinfo filter, last in
   * the chain, so the times are those of the frames on stdout): video time for sightings.
   */
  frameTimestamps?: boolean;
  /** The ffmpeg that will run these arguments (default: a current one, 5.1 or later). */
  ffmpegVersion?: FfmpegVersion;
  /**
   * Also write a fragmented MP4 (H.264) of the camera for display, on pipe:3 (the spawner opens fd 3).
   * Turns on frame timestamps and `-copyts`, so the analysed frames' `ptsS` and the MP4's
   * presentation times share one time base (see buildDisplayOutputArgs).
   */
  display?: DisplayOutputOptions;
  /**
   * Where the raw frames go: stdout (`pipe:1`, default), or a Unix socket ffmpeg listens on and the
   * engine connects to. A pipe hands Node a fresh 64 KB buffer per read (2.7 MB a 720p frame), whose
   * garbage collection cost the main thread ~0.02 core per camera; a socket the engine connects to
   * can be read into one reused buffer (net.connect's `onread`).
   */
  rawOutput?: { kind: 'stdout' } | { kind: 'unix-socket'; path: string };
}

export interface DisplayOutputOptions {
  /** 'copy' when the input is already H.264 (no re-encoding), else 'encode' with libx264. */
  codec: 'copy' | 'encode';
  /** Encoded display only: downscale wider pictures to this width (default 960). */
  maxWidth?: number;
  /** Encoded display only: a keyframe at least this often, so a new viewer starts quickly (default 1 s). */
  keyframeIntervalS?: number;
  /** Longest fragment; shorter fragments mean less delay before the viewer gets the picture (default 200 ms). */
  fragmentDurationMs?: number;
}

export const DISPLAY_DEFAULT_MAX_WIDTH = 960;
export const DISPLAY_DEFAULT_KEYFRAME_INTERVAL_S = 1;
export const DISPLAY_DEFAULT_FRAGMENT_MS = 200;
/** The file descriptor the display MP4 is written to (stdio index in spawn). */
export const DISPLAY_PIPE_FD = 3;

/** ffmpeg 5.0 renamed the RTSP socket timeout (-stimeout -> -timeout). */
function hasRtspTimeoutOption(version: FfmpegVersion | undefined): boolean {
  return version?.major == null || version.major >= 5;
}

/** showinfo's checksum option (checksum=0 skips hashing every frame) exists from ffmpeg 5.0. */
function hasShowinfoChecksumOption(version: FfmpegVersion | undefined): boolean {
  return version?.major == null || version.major >= 5;
}

/** ffmpeg 5.1 added -fps_mode (and deprecated -vsync). */
function hasFpsMode(version: FfmpegVersion | undefined): boolean {
  if (version?.major == null) return true;
  return version.major > 5 || (version.major === 5 && (version.minor ?? 0) >= 1);
}

/** Bytes in one raw frame of the given size. */
export function frameByteLength(size: FrameSize): number {
  return size.width * size.height * BYTES_PER_PIXEL;
}

/** The complete argument list (without the binary) that decodes `options.source` to rgb24 on pipe:1. */
export function buildDecodeArgs(options: DecodeArgsOptions): string[] {
  validateOptions(options);
  const display = options.display;
  const args = [
    '-hide_banner',
    // Never read stdin: ffmpeg would otherwise treat it as an interactive console ('q' to quit).
    '-nostdin',
    '-nostats',
    // 'info' is the lowest level that still prints the "Output #0 ... rawvideo ... WxH" line parseOutputSize needs.
    '-loglevel',
    'info',
    // With a display output, keep the input's timestamps on both outputs: showinfo then prints
    // the same times the MP4 carries (otherwise each output is shifted by its own start offset).
    ...(display !== undefined ? ['-copyts'] : []),
    // One decoding thread: a camera is one of many ffmpeg processes sharing the cores, and frame
    // threading (ffmpeg's default, cores + 1 threads) cost 17 % more CPU per 720p camera here and
    // delays every frame by a frame per extra thread (~80 ms at 25 fps).
    '-threads',
    '1',
    ...inputArgs(options),
    // Only the first video stream; no audio, subtitle or data streams.
    '-map',
    '0:v:0',
    '-an',
    '-sn',
    '-dn',
  ];
  const filter = buildVideoFilter({
    ...options,
    frameTimestamps: options.frameTimestamps === true || display !== undefined,
    keepSourceTimes: display !== undefined,
    showinfoChecksumOption: hasShowinfoChecksumOption(options.ffmpegVersion),
  });
  if (filter !== null) args.push('-vf', filter);
  args.push(
    // Emit decoded (or fps-filtered) frames as they are: no duplicates to fill timestamp gaps,
    // which would hand the detector stale copies after a network hiccup.
    hasFpsMode(options.ffmpegVersion) ? '-fps_mode' : '-vsync',
    'passthrough',
    '-pix_fmt',
    RAW_PIXEL_FORMAT,
    '-f',
    'rawvideo',
    ...(options.rawOutput?.kind === 'unix-socket' ? ['-listen', '1', `unix:${options.rawOutput.path}`] : ['pipe:1']),
  );
  // The rawvideo output stays Output #0: parseOutputSize reads its size from that block.
  if (display !== undefined) args.push(...buildDisplayOutputArgs(display));
  return args;
}

/**
 * The second output: fragmented MP4 for a browser's MediaSource on pipe:3.
 * - empty_moov: the init segment (ftyp+moov) comes first and alone, so a hub can keep it for late viewers;
 * - frag_keyframe (+ frag_duration): fragments start at keyframes and are short;
 * - default_base_moof: what MSE expects (fragment offsets relative to their moof);
 * - frag_discont + avoid_negative_ts disabled: the first fragment's decode time is the input's own
 *   time (with -copyts) instead of being moved to 0, so MP4 times = showinfo times.
 */
export function buildDisplayOutputArgs(display: DisplayOutputOptions): string[] {
  const fragmentUs = Math.round((display.fragmentDurationMs ?? DISPLAY_DEFAULT_FRAGMENT_MS) * 1000);
  const args = ['-map', '0:v:0', '-an', '-sn', '-dn'];
  if (display.codec === 'copy') {
    args.push('-c:v', 'copy');
  } else {
    const maxWidth = display.maxWidth ?? DISPLAY_DEFAULT_MAX_WIDTH;
    const keyframeS = formatNumber(display.keyframeIntervalS ?? DISPLAY_DEFAULT_KEYFRAME_INTERVAL_S);
    args.push(
      '-vf',
      `scale=w='trunc(min(${maxWidth},iw)/2)*2':h=-2`,
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-tune',
      'zerolatency',
      // Constrained baseline 4:2:0 plays in every MediaSource implementation.
      '-profile:v',
      'baseline',
      '-pix_fmt',
      'yuv420p',
      // Keyframes by time, whatever the frame rate (a viewer joining waits at most this long).
      '-force_key_frames',
      `expr:gte(t,n_forced*${keyframeS})`,
    );
  }
  args.push(
    '-fps_mode',
    'passthrough',
    '-movflags',
    'frag_keyframe+empty_moov+default_base_moof+frag_discont',
    '-frag_duration',
    String(fragmentUs),
    '-avoid_negative_ts',
    'disabled',
    '-f',
    'mp4',
    `pipe:${DISPLAY_PIPE_FD}`,
  );
  return args;
}

/**
 * The display codec known without opening the source, or null when it must be probed. HTTP
 * cameras (MJPEG, or a stream that may allow one connection only) and webcams (a device may be
 * busy for a moment after the probe closes it) are encoded; files and RTSP cameras are probed.
 */
export function displayCodecWithoutProbe(source: CameraSource): DisplayOutputOptions['codec'] | null {
  return source.kind === 'http' || source.kind === 'webcam' ? 'encode' : null;
}

/**
 * Arguments that make ffmpeg open the input, print its streams and exit (no output given):
 * how the display output learns whether the camera already sends H.264 (copied) or not (encoded).
 */
export function buildProbeArgs(options: Pick<DecodeArgsOptions, 'source' | 'platform' | 'ioTimeoutMs' | 'ffmpegVersion'>): string[] {
  return ['-hide_banner', '-nostdin', '-loglevel', 'info', ...inputArgs({ ...options, realtime: false })];
}

/**
 * The codec of the first video stream of input #0 in ffmpeg's stderr, e.g. "h264" from
 *   Stream #0:0[0x1](und): Video: h264 (Constrained Baseline) (avc1 / 0x31637661), yuv420p, ...
 * Null when no input video stream is described. Output streams (after "Output #0") are ignored.
 */
export function parseInputVideoCodec(stderrText: string): string | null {
  const outputStart = stderrText.search(/^Output #0\b/m);
  const inputPart = outputStart < 0 ? stderrText : stderrText.slice(0, outputStart);
  return /^\s*Stream #0:\d+\S*: Video: ([a-z0-9_]+)/m.exec(inputPart)?.[1] ?? null;
}

/**
 * Whether the camera's own video can go to the browser as it is ('copy') or must be encoded: only
 * 8-bit 4:2:0 H.264 plays in every MediaSource; High 10, 4:2:2 and 4:4:4 H.264 (some encoders and
 * cameras send them) would reach the tile and fail there, so they are encoded like any other codec.
 * Reads ffmpeg's description of input #0 (a probe, or a running process's header).
 */
export function displayCodecFor(stderrText: string): 'copy' | 'encode' {
  if (parseInputVideoCodec(stderrText) !== 'h264') return 'encode';
  const outputStart = stderrText.search(/^Output #0\b/m);
  const inputPart = outputStart < 0 ? stderrText : stderrText.slice(0, outputStart);
  const pixelFormat = /^\s*Stream #0:\d+\S*: Video: h264\b[^\n]*?,\s*([a-z0-9]+)(?:\(|,|$)/m.exec(inputPart)?.[1] ?? null;
  return pixelFormat === 'yuv420p' || pixelFormat === 'yuvj420p' ? 'copy' : 'encode';
}

/** The -vf filter chain for the options, or null when frames pass through unchanged. */
export function buildVideoFilter(
  options: Pick<DecodeArgsOptions, 'outputFps' | 'maxWidth' | 'outputSize' | 'frameTimestamps'> & {
    showinfoChecksumOption?: boolean;
    /** Thin the rate with select (frames keep their own times) instead of fps (times moved to its grid). */
    keepSourceTimes?: boolean;
  },
): string | null {
  const filters: string[] = [];
  // Drop frames first so the scaler only works on frames that are kept.
  if (options.outputFps !== undefined) {
    // With a display, the overlay is matched to displayed frames by time: a frame must keep its own
    // time (fps would round it to its grid, up to half an interval off). select keeps the first frame
    // of each 1/fps slot of stream time, so the rate is the asked one whatever the input rate (a
    // minimum gap would keep every 3rd frame of 25 fps: 8.3 fps for 10). The first frame is always
    // kept, and so is a frame whose time went back (a stream that restarted its clock).
    const rate = formatNumber(options.outputFps);
    filters.push(
      options.keepSourceTimes === true
        ? `select='isnan(prev_selected_t)+lt(t\\,prev_selected_t)+gt(floor(t*${rate})\\,floor(prev_selected_t*${rate}))'`
        : `fps=${rate}`,
    );
  }
  if (options.outputSize !== undefined) {
    const { width, height } = options.outputSize;
    filters.push(
      `scale=w=${width}:h=${height}:force_original_aspect_ratio=decrease`,
      `pad=w=${width}:h=${height}:x=(ow-iw)/2:y=(oh-ih)/2`,
      'setsar=1',
    );
  } else if (options.maxWidth !== undefined) {
    // Width: the smaller of maxWidth and the input width, rounded down to even; h=-2 keeps the
    // aspect ratio with an even height. Quotes protect the commas from the filtergraph parser.
    filters.push(`scale=w='trunc(min(${options.maxWidth},iw)/2)*2':h=-2`);
  }
  // showinfo also checksums every frame unless told not to (ffmpeg 5+); the times are all we want.
  if (options.frameTimestamps === true) filters.push(options.showinfoChecksumOption === true ? 'showinfo=checksum=0' : 'showinfo');
  return filters.length === 0 ? null : filters.join(',');
}

/**
 * Network cameras: probe one second of stream instead of ffmpeg's default five. Frames read
 * while probing are decoded in one burst afterwards, already stale; with the default the
 * console waited ~5 s for a picture and then dropped ~50 stale frames at every (re)connect.
 */
const LIVE_PROBE_ARGS = ['-analyzeduration', '1000000', '-probesize', '1000000'];

function inputArgs(options: DecodeArgsOptions): string[] {
  const { source } = options;
  return ['-protocol_whitelist', PROTOCOL_WHITELIST[source.kind], ...sourceArgs(options)];
}

function sourceArgs(options: DecodeArgsOptions): string[] {
  const { source } = options;
  const ioTimeoutUs = String(Math.round((options.ioTimeoutMs ?? DEFAULT_IO_TIMEOUT_MS) * 1000));
  switch (source.kind) {
    case 'rtsp':
      // TCP interleaving survives NAT and lossy Wi-Fi far better than the UDP default (no smeared frames).
      return [
        '-rtsp_transport',
        'tcp',
        hasRtspTimeoutOption(options.ffmpegVersion) ? '-timeout' : '-stimeout',
        ioTimeoutUs,
        ...LIVE_PROBE_ARGS,
        '-f',
        'rtsp',
        '-i',
        source.url,
      ];
    case 'http':
      return [
        '-reconnect',
        '1',
        '-reconnect_streamed',
        '1',
        '-reconnect_delay_max',
        String(HTTP_RECONNECT_DELAY_MAX_S),
        '-rw_timeout',
        ioTimeoutUs,
        ...LIVE_PROBE_ARGS,
        // An MJPEG camera (multipart/x-mixed-replace) is read by that demuxer only; 'auto' lets ffmpeg probe.
        ...((source.format ?? 'mjpeg') === 'mjpeg' ? ['-f', 'mpjpeg'] : []),
        '-i',
        source.url,
      ];
    case 'file': {
      const args: string[] = [];
      if (options.realtime === true) args.push('-re');
      if (source.loop) args.push('-stream_loop', '-1');
      args.push('-i', source.path);
      return args;
    }
    case 'webcam':
      return webcamInputArgs(source.device, options.platform);
  }
}

function webcamInputArgs(device: string, platform: string | undefined): string[] {
  switch (platform) {
    case 'linux':
      // A bare index ("0") means /dev/video0.
      return ['-f', 'v4l2', '-i', /^\d+$/.test(device) ? `/dev/video${device}` : device];
    case 'win32':
      return ['-f', 'dshow', '-i', device.startsWith('video=') ? device : `video=${device}`];
    case 'darwin':
      // avfoundation's default 29.97 fps is refused by most Mac cameras ("Selected framerate is not
      // supported"); 30 is accepted by all built-in ones. "N:none" = video device N, no audio.
      return ['-f', 'avfoundation', '-framerate', '30', '-i', device.includes(':') ? device : `${device}:none`];
    default:
      throw new RangeError(`Webcams are not supported on platform "${platform ?? 'unspecified'}" (linux, win32 and darwin are)`);
  }
}

function validateOptions(options: DecodeArgsOptions): void {
  const { outputFps, maxWidth, outputSize, ioTimeoutMs } = options;
  // Below 0.001 (a frame every ~17 minutes) the rate would not survive formatting to 6 decimals.
  if (outputFps !== undefined && !(Number.isFinite(outputFps) && outputFps >= 0.001)) {
    throw new RangeError(`outputFps must be a number >= 0.001, got ${outputFps}`);
  }
  if (maxWidth !== undefined && !(Number.isInteger(maxWidth) && maxWidth >= 2)) {
    throw new RangeError(`maxWidth must be an integer >= 2, got ${maxWidth}`);
  }
  if (outputSize !== undefined) {
    for (const [name, value] of [['width', outputSize.width], ['height', outputSize.height]] as const) {
      if (!(Number.isInteger(value) && value >= 2 && value % 2 === 0)) {
        throw new RangeError(`outputSize.${name} must be an even integer >= 2, got ${value}`);
      }
    }
  }
  if (ioTimeoutMs !== undefined && !(Number.isFinite(ioTimeoutMs) && ioTimeoutMs > 0)) {
    throw new RangeError(`ioTimeoutMs must be a positive number, got ${ioTimeoutMs}`);
  }
  const rawOutput = options.rawOutput;
  // ffmpeg reads the URL up to the first '?' as the path; sun_path holds 107 bytes on Linux, 103 on macOS.
  if (rawOutput?.kind === 'unix-socket' && !(rawOutput.path.startsWith('/') && rawOutput.path.length <= 100 && !/[?#\s]/.test(rawOutput.path))) {
    throw new RangeError(`rawOutput.path must be an absolute path of at most 100 characters without '?', '#' or spaces, got ${JSON.stringify(rawOutput.path)}`);
  }
  const display = options.display;
  if (display !== undefined) {
    if (display.maxWidth !== undefined && !(Number.isInteger(display.maxWidth) && display.maxWidth >= 2)) {
      throw new RangeError(`display.maxWidth must be an integer >= 2, got ${display.maxWidth}`);
    }
    if (display.keyframeIntervalS !== undefined && !(Number.isFinite(display.keyframeIntervalS) && display.keyframeIntervalS >= 0.1)) {
      throw new RangeError(`display.keyframeIntervalS must be a number >= 0.1, got ${display.keyframeIntervalS}`);
    }
    if (display.fragmentDurationMs !== undefined && !(Number.isFinite(display.fragmentDurationMs) && display.fragmentDurationMs >= 10)) {
      throw new RangeError(`display.fragmentDurationMs must be a number >= 10, got ${display.fragmentDurationMs}`);
    }
  }
}

/** Numbers in filter arguments: plain decimal, never exponent notation. */
function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(6).replace(/\.?0+$/, '');
}

/**
 * Finds the size of the rawvideo OUTPUT stream in ffmpeg's stderr, e.g. from
 *   Output #0, rawvideo, to 'pipe:1':
 *       Stream #0:0(und): Video: rawvideo (RGB[24] / 0x18424752), rgb24, 640x360 [SAR 1:1 DAR 16:9], ...
 * Input streams (listed before "Output #0") are ignored. Returns null until that line is present.
 */
export function parseOutputSize(stderrText: string): FrameSize | null {
  const outputStart = stderrText.search(/^Output #0\b/m);
  if (outputStart < 0) return null;
  for (const line of stderrText.slice(outputStart).split(/\r?\n/)) {
    if (!/^\s*Stream #0:\d+.*: Video: rawvideo\b/.test(line)) continue;
    // The size follows a comma ("rgb24, 640x360"); this skips the codec tag "0x18424752".
    const match = /,\s(\d+)x(\d+)(?=[\s,]|$)/.exec(line);
    if (match === null) continue;
    const width = Number(match[1]);
    const height = Number(match[2]);
    if (width > 0 && height > 0) return { width, height };
  }
  return null;
}

/** One frame line of the showinfo filter, e.g. "[Parsed_showinfo_2 @ 0x26d7] n:   2 pts:     10 pts_time:1    pos: ...". */
const SHOWINFO_FRAME = /^\[Parsed_showinfo_\d+ @ [^\]]*\]\s+n:\s*\d+\s+pts:\s*-?\d+\s+pts_time:(-?[0-9.]+(?:e[-+]?\d+)?)\s/i;
const SHOWINFO_ANY = /^\[Parsed_showinfo_\d+ @ /;

/** Any frame line of showinfo ("n: 12 pts: ... pts_time: ..."), whatever its time says (a number or NOPTS). */
const SHOWINFO_ANY_FRAME = /^\[Parsed_showinfo_\d+ @ [^\]]*\]\s+n:\s*\d+\s/;

/**
 * The presentation time (seconds) of a showinfo frame line, null for any other line
 * (including showinfo's second, colour-description line of each frame).
 */
export function parseShowinfoPts(line: string): number | null {
  return parseShowinfoFrame(line)?.ptsS ?? null;
}

/**
 * A showinfo frame line: `{ ptsS }` (null when the frame has no time, "NOPTS"); null for any
 * other line. Every frame on stdout has exactly one such line, in order.
 */
export function parseShowinfoFrame(line: string): { ptsS: number | null } | null {
  if (!SHOWINFO_ANY_FRAME.test(line)) return null;
  const match = SHOWINFO_FRAME.exec(line);
  const seconds = match ? Number(match[1]) : Number.NaN;
  return { ptsS: Number.isFinite(seconds) ? seconds : null };
}

/** Whether a stderr line comes from the showinfo filter (per-frame chatter, never an error). */
export function isShowinfoLine(line: string): boolean {
  return SHOWINFO_ANY.test(line);
}

/**
 * Phrases that name a cause an operator can act on. A line containing one of these beats a
 * generic error line: after a dropped http camera ffmpeg prints both "...: Connection refused"
 * and, last, "...: Input/output error"; the first is the useful one.
 */
const SPECIFIC_CAUSES = [
  /connection refused/i,
  /timed out/i,
  /no route to host/i,
  /network is unreachable/i,
  /connection reset/i,
  /failed to resolve hostname|name or service not known|could not resolve/i,
  /server returned [^:]*\d{3}/i,
  /\b(401 unauthorized|403 forbidden|404 not found)\b/i,
  /invalid data found when processing input/i,
  /moov atom not found/i,
  /no such file or directory/i,
  /permission denied/i,
  /device or resource busy/i,
  /matches no streams/i,
  /end of file/i,
] as const;

const GENERIC_ERROR = /error|fail|invalid|unable|cannot|could not|not found|denied|refused|unsupported|unknown/i;

/** Lines ffmpeg prints on every exit, which never explain a failure. */
const NOISE = [
  /^frame=\s*\d+/,
  /^video:\S+ audio:/,
  /^Conversion failed!?$/,
  /^Exiting normally/,
  /^Press \[q\] to stop/,
  /^\s/, // indented lines are stream descriptions and metadata
] as const;

/**
 * The most useful single line to show for an ffmpeg run that ended, from the last lines of its
 * stderr (oldest first): the latest line naming a specific cause, else the latest line that looks
 * like an error. Returns null when nothing looks like an error. The "[tcp @ 0x...]" component
 * prefix is removed and credentials in URLs are masked.
 */
export function summarizeStderr(lines: readonly string[]): string | null {
  let generic: string | null = null;
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = (lines[i] ?? '').replace(/\r$/, '');
    if (line.trim() === '' || NOISE.some((pattern) => pattern.test(line))) continue;
    if (SPECIFIC_CAUSES.some((pattern) => pattern.test(line))) return cleanStderrLine(line);
    if (generic === null && GENERIC_ERROR.test(line)) generic = line;
  }
  return generic === null ? null : cleanStderrLine(generic);
}

function cleanStderrLine(line: string): string {
  return redactUrlCredentials(line.replace(/^\[[^\]]* @ 0x[0-9a-f]+\]\s*/i, '').trim());
}

/**
 * rtsp://user:secret@host/... -> rtsp://***@host/...: camera passwords must not reach logs or the UI.
 * The user information runs to the LAST "@" before the path (a password may contain "@").
 */
export function redactUrlCredentials(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#]*@/gi, '$1***@');
}

/** Removes `secrets` (and their percent-encoded forms, as they appear in a URL) from text: passwords ffmpeg may echo. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length < 3) continue; // too short to find without masking unrelated text
    for (const form of new Set([secret, encodeURIComponent(secret)])) out = out.split(form).join('***');
  }
  return out;
}

/** The URL without user information, and the user name / password that were in it (percent-decoded). */
export function splitUrlCredentials(url: string): { url: string; credentials: { username: string; password: string } | null } {
  const match = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)@/i.exec(url);
  if (!match) return { url, credentials: null };
  const userinfo = match[2]!;
  const colon = userinfo.indexOf(':');
  const decode = (part: string) => {
    try {
      return decodeURIComponent(part);
    } catch {
      return part; // a stray "%" is part of the password
    }
  };
  return {
    url: match[1]! + url.slice(match[0].length),
    credentials: {
      username: decode(colon < 0 ? userinfo : userinfo.slice(0, colon)),
      password: colon < 0 ? '' : decode(userinfo.slice(colon + 1)),
    },
  };
}

/** The URL with user information for ffmpeg, percent-encoded (ffmpeg decodes it), so "@", ":" or "/" in a password survive. */
export function withUrlCredentials(url: string, credentials: { username: string; password: string } | null): string {
  if (!credentials || (credentials.username === '' && credentials.password === '')) return url;
  const match = /^([a-z][a-z0-9+.-]*:\/\/)/i.exec(url);
  if (!match) return url;
  const userinfo = credentials.password === '' ? encodeURIComponent(credentials.username) : `${encodeURIComponent(credentials.username)}:${encodeURIComponent(credentials.password)}`;
  return `${match[1]}${userinfo}@${url.slice(match[1]!.length)}`;
}
