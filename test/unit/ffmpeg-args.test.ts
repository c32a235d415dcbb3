import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  buildDecodeArgs,
  buildProbeArgs,
  displayCodecWithoutProbe,
  buildVideoFilter,
  displayCodecFor,
  parseInputVideoCodec,
  isShowinfoLine,
  parseShowinfoFrame,
  parseShowinfoPts,
  parseFfmpegVersion,
  parseOutputSize,
  PROTOCOL_WHITELIST,
  redactSecrets,
  redactUrlCredentials,
  splitUrlCredentials,
  summarizeStderr,
  withUrlCredentials,
  type DecodeArgsOptions,
  type DisplayOutputOptions,
} from '../../src-main/engine/video/ffmpeg-args.js';

const ffmpeg41 = parseFfmpegVersion('ffmpeg version 4.1 Copyright (c) 2000-2018');
const ffmpeg50 = parseFfmpegVersion('ffmpeg version 5.0.3 Copyright');

/** The arguments before "-i": ffmpeg applies them to the input. */
function inputOptions(args: string[]): string[] {
  const at = args.indexOf('-i');
  assert.ok(at >= 0, 'no -i in the arguments');
  return args.slice(0, at);
}

function valueAfter(args: string[], flag: string): string | undefined {
  const at = args.indexOf(flag);
  return at < 0 ? undefined : args[at + 1];
}

const file = (loop: boolean) => ({ kind: 'file' as const, path: '/videos/lobby.mp4', loop });

describe('buildDecodeArgs: inputs', () => {
  const cases: Array<{ name: string; options: DecodeArgsOptions; input: string; before: string[][]; notBefore?: string[] }> = [
    {
      name: 'rtsp over tcp with the default socket timeout (ffmpeg 5+: -timeout), rtsp demuxer pinned, rtsp protocols only',
      options: { source: { kind: 'rtsp', url: 'rtsp://10.0.0.5/stream1' } },
      input: 'rtsp://10.0.0.5/stream1',
      before: [
        ['-protocol_whitelist', 'rtsp,rtsps,rtp,tcp,udp,tls'],
        ['-rtsp_transport', 'tcp'],
        ['-timeout', '10000000'],
        ['-analyzeduration', '1000000'],
        ['-probesize', '1000000'],
        ['-f', 'rtsp'],
      ],
      notBefore: ['-stimeout'],
    },
    {
      name: 'rtsp with a custom timeout (microseconds) on ffmpeg 5.0',
      options: { source: { kind: 'rtsp', url: 'rtsp://cam/x' }, ioTimeoutMs: 2500, ffmpegVersion: ffmpeg50 },
      input: 'rtsp://cam/x',
      before: [['-timeout', '2500000']],
    },
    {
      name: 'rtsp on ffmpeg 4.1: the old -stimeout',
      options: { source: { kind: 'rtsp', url: 'rtsp://cam/x' }, ioTimeoutMs: 2500, ffmpegVersion: ffmpeg41 },
      input: 'rtsp://cam/x',
      before: [['-stimeout', '2500000']],
      notBefore: ['-timeout'],
    },
    {
      name: 'http MJPEG (the default) reconnects briefly, has an IO timeout, http protocols only, the multipart-MJPEG demuxer pinned',
      options: { source: { kind: 'http', url: 'http://cam/mjpg' }, ioTimeoutMs: 4000 },
      input: 'http://cam/mjpg',
      before: [
        ['-protocol_whitelist', 'http,https,tcp,tls'],
        ['-reconnect', '1'],
        ['-reconnect_streamed', '1'],
        ['-reconnect_delay_max', '2'],
        ['-rw_timeout', '4000000'],
        ['-analyzeduration', '1000000'],
        ['-f', 'mpjpeg'],
      ],
      notBefore: ['-rtsp_transport'],
    },
    {
      name: 'http declared auto: ffmpeg probes the format (still http protocols only)',
      options: { source: { kind: 'http', url: 'http://cam/stream', format: 'auto' } },
      input: 'http://cam/stream',
      before: [['-protocol_whitelist', 'http,https,tcp,tls']],
      notBefore: ['mpjpeg'],
    },
    {
      name: 'a file may open files only',
      options: { source: file(false) },
      input: '/videos/lobby.mp4',
      before: [['-protocol_whitelist', 'file']],
    },
    {
      name: 'looping file in real time',
      options: { source: file(true), realtime: true },
      input: '/videos/lobby.mp4',
      before: [['-re'], ['-stream_loop', '-1']],
    },
    {
      name: 'non-looping file as fast as possible',
      options: { source: file(false), realtime: false },
      input: '/videos/lobby.mp4',
      before: [],
      notBefore: ['-re', '-stream_loop', '-rw_timeout', '-analyzeduration'],
    },
    {
      name: 'linux webcam path',
      options: { source: { kind: 'webcam', device: '/dev/video2' }, platform: 'linux' },
      input: '/dev/video2',
      before: [['-f', 'v4l2']],
    },
    {
      name: 'linux webcam index',
      options: { source: { kind: 'webcam', device: '0' }, platform: 'linux' },
      input: '/dev/video0',
      before: [['-f', 'v4l2']],
    },
    {
      name: 'windows webcam by name',
      options: { source: { kind: 'webcam', device: 'Integrated Camera' }, platform: 'win32' },
      input: 'video=Integrated Camera',
      before: [['-f', 'dshow']],
    },
    {
      name: 'windows webcam already prefixed',
      options: { source: { kind: 'webcam', device: 'video=USB Cam' }, platform: 'win32' },
      input: 'video=USB Cam',
      before: [['-f', 'dshow']],
    },
    {
      name: 'mac webcam index gets no audio',
      options: { source: { kind: 'webcam', device: '0' }, platform: 'darwin' },
      input: '0:none',
      before: [['-f', 'avfoundation'], ['-framerate', '30']],
    },
    {
      name: 'mac webcam with explicit audio part',
      options: { source: { kind: 'webcam', device: '1:0' }, platform: 'darwin' },
      input: '1:0',
      before: [['-f', 'avfoundation']],
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const args = buildDecodeArgs(c.options);
      assert.equal(valueAfter(args, '-i'), c.input);
      const input = inputOptions(args);
      for (const pair of c.before) {
        const at = input.indexOf(pair[0] as string);
        assert.ok(at >= 0, `${pair[0]} missing before -i in ${args.join(' ')}`);
        assert.deepEqual(input.slice(at, at + pair.length), pair);
      }
      for (const flag of c.notBefore ?? []) assert.ok(!args.includes(flag), `${flag} must not be present`);
    });
  }

  const rejected: Array<{ name: string; options: DecodeArgsOptions; message: RegExp }> = [
    { name: 'webcam on an unsupported OS', options: { source: { kind: 'webcam', device: '0' }, platform: 'freebsd' }, message: /freebsd/ },
    { name: 'webcam without a platform', options: { source: { kind: 'webcam', device: '0' } }, message: /unspecified/ },
    { name: 'outputFps 0', options: { source: file(false), outputFps: 0 }, message: /outputFps/ },
    { name: 'outputFps negative', options: { source: file(false), outputFps: -5 }, message: /outputFps/ },
    { name: 'outputFps too small to format', options: { source: file(false), outputFps: 2e-7 }, message: /outputFps/ },
    { name: 'outputFps NaN', options: { source: file(false), outputFps: Number.NaN }, message: /outputFps/ },
    { name: 'maxWidth 1', options: { source: file(false), maxWidth: 1 }, message: /maxWidth/ },
    { name: 'maxWidth fractional', options: { source: file(false), maxWidth: 320.5 }, message: /maxWidth/ },
    { name: 'odd output width', options: { source: file(false), outputSize: { width: 641, height: 360 } }, message: /outputSize.width/ },
    { name: 'zero output height', options: { source: file(false), outputSize: { width: 640, height: 0 } }, message: /outputSize.height/ },
    { name: 'ioTimeoutMs 0', options: { source: { kind: 'rtsp', url: 'rtsp://x' }, ioTimeoutMs: 0 }, message: /ioTimeoutMs/ },
  ];
  for (const c of rejected) {
    test(`rejects ${c.name}`, () => {
      assert.throws(() => buildDecodeArgs(c.options), (error: unknown) => error instanceof RangeError && c.message.test(error.message));
    });
  }
});

describe('buildDecodeArgs: output', () => {
  const sources: DecodeArgsOptions['source'][] = [
    { kind: 'rtsp', url: 'rtsp://a/b' },
    { kind: 'http', url: 'http://a/b' },
    file(true),
    { kind: 'webcam', device: '0' },
  ];
  for (const source of sources) {
    test(`${source.kind}: first video stream only, rgb24 raw frames on stdout, size readable from stderr`, () => {
      const args = buildDecodeArgs({ source, platform: 'linux', outputFps: 10, maxWidth: 640 });
      const afterInput = args.slice(args.indexOf('-i') + 2);
      assert.equal(valueAfter(afterInput, '-map'), '0:v:0');
      for (const flag of ['-an', '-sn', '-dn']) assert.ok(afterInput.includes(flag), `${flag} missing`);
      assert.equal(valueAfter(afterInput, '-pix_fmt'), 'rgb24');
      assert.equal(valueAfter(afterInput, '-f'), 'rawvideo');
      assert.equal(valueAfter(afterInput, '-fps_mode'), 'passthrough');
      assert.equal(afterInput.includes('-vsync'), false, '-vsync is deprecated since ffmpeg 5.1');
      assert.equal(args[args.length - 1], 'pipe:1');
      assert.equal(valueAfter(args, '-loglevel'), 'info');
      for (const flag of ['-nostdin', '-nostats', '-hide_banner']) assert.ok(inputOptions(args).includes(flag), `${flag} missing`);
      // Decoder threads are an input option: before -i, one thread.
      assert.equal(valueAfter(inputOptions(args), '-threads'), '1');
    });
  }

  test('raw frames to a Unix socket ffmpeg listens on, and the display output still follows', () => {
    const args = buildDecodeArgs({ source: file(false), rawOutput: { kind: 'unix-socket', path: '/tmp/vigil-frames-ab12/raw.sock' }, display: { codec: 'copy' } });
    const url = args.indexOf('unix:/tmp/vigil-frames-ab12/raw.sock');
    assert.ok(url > 0, 'the socket URL is an output');
    assert.deepEqual(args.slice(url - 4, url), ['-f', 'rawvideo', '-listen', '1']);
    assert.equal(args.includes('pipe:1'), false);
    assert.equal(args[args.length - 1], 'pipe:3');
    assert.equal(buildDecodeArgs({ source: file(false), rawOutput: { kind: 'stdout' } }).at(-1), 'pipe:1');
  });

  for (const [why, path] of [
    ['relative', 'frames/raw.sock'],
    ['a query separator (ffmpeg would cut the path there)', '/tmp/a?listen=0'],
    ['a space', '/tmp/my frames/raw.sock'],
    ['longer than a socket address holds', `/tmp/${'x'.repeat(100)}/raw.sock`],
  ] as const) {
    test(`refuses a frame socket path: ${why}`, () => {
      assert.throws(() => buildDecodeArgs({ source: file(false), rawOutput: { kind: 'unix-socket', path } }), RangeError);
    });
  }

  test('ffmpeg before 5.1 gets -vsync (it has no -fps_mode)', () => {
    const args = buildDecodeArgs({ source: file(false), ffmpegVersion: ffmpeg50 });
    assert.equal(valueAfter(args, '-vsync'), 'passthrough');
    assert.equal(args.includes('-fps_mode'), false);
  });

  test('every kind of source has a protocol whitelist, and only file sources may open files', () => {
    assert.deepEqual(Object.keys(PROTOCOL_WHITELIST).sort(), ['file', 'http', 'rtsp', 'webcam']);
    for (const kind of ['rtsp', 'http'] as const) {
      const allowed = PROTOCOL_WHITELIST[kind].split(',');
      for (const forbidden of ['file', 'concat', 'subfile', 'pipe', 'data', 'crypto', 'hls', 'fd']) assert.ok(!allowed.includes(forbidden), `${kind} allows ${forbidden}`);
    }
  });

  test('no -vf when frames pass through unchanged', () => {
    assert.equal(buildDecodeArgs({ source: file(false) }).includes('-vf'), false);
  });

  test('the -vf value is the filter chain', () => {
    const args = buildDecodeArgs({ source: file(false), outputFps: 5, maxWidth: 320 });
    assert.equal(valueAfter(args, '-vf'), buildVideoFilter({ outputFps: 5, maxWidth: 320 }));
  });
});

describe('buildVideoFilter', () => {
  const cases: Array<{ name: string; options: Parameters<typeof buildVideoFilter>[0]; expected: string | null }> = [
    { name: 'nothing to do', options: {}, expected: null },
    { name: 'detection rate', options: { outputFps: 10 }, expected: 'fps=10' },
    { name: 'fractional rate', options: { outputFps: 2.5 }, expected: 'fps=2.5' },
    { name: 'a third of a frame per second, six decimals', options: { outputFps: 1 / 3 }, expected: 'fps=0.333333' },
    { name: 'slowest rate keeps its digits', options: { outputFps: 0.001 }, expected: 'fps=0.001' },
    { name: 'downscale only', options: { maxWidth: 640 }, expected: "scale=w='trunc(min(640,iw)/2)*2':h=-2" },
    { name: 'rate before scale', options: { outputFps: 10, maxWidth: 1280 }, expected: "fps=10,scale=w='trunc(min(1280,iw)/2)*2':h=-2" },
    {
      name: 'fixed size letterboxes',
      options: { outputSize: { width: 640, height: 360 } },
      expected: 'scale=w=640:h=360:force_original_aspect_ratio=decrease,pad=w=640:h=360:x=(ow-iw)/2:y=(oh-ih)/2,setsar=1',
    },
    {
      name: 'fixed size wins over maxWidth',
      options: { outputFps: 4, maxWidth: 320, outputSize: { width: 640, height: 360 } },
      expected: 'fps=4,scale=w=640:h=360:force_original_aspect_ratio=decrease,pad=w=640:h=360:x=(ow-iw)/2:y=(oh-ih)/2,setsar=1',
    },
    { name: 'timestamps alone', options: { frameTimestamps: true }, expected: 'showinfo' },
    {
      name: 'timestamps come last, so they are those of the frames on stdout',
      options: { outputFps: 10, maxWidth: 1280, frameTimestamps: true },
      expected: "fps=10,scale=w='trunc(min(1280,iw)/2)*2':h=-2,showinfo",
    },
    { name: 'timestamps off', options: { outputFps: 10, frameTimestamps: false }, expected: 'fps=10' },
  ];
  for (const c of cases) {
    test(c.name, () => assert.equal(buildVideoFilter(c.options), c.expected));
  }
});

describe('parseShowinfoPts', () => {
  const cases: Array<{ name: string; line: string; expected: number | null }> = [
    {
      name: 'ffmpeg 4.1 frame line after the fps filter',
      line: '[Parsed_showinfo_2 @ 0x26d78880] n:   2 pts:     10 pts_time:1       pos:    26438 fmt:rgb24 sar:1/1 s:640x360 i:P iskey:0 type:P checksum:0F91CFAC',
      expected: 1,
    },
    {
      name: 'fractional time',
      line: '[Parsed_showinfo_0 @ 0x2a63acc0] n:   0 pts:  10118 pts_time:0.844011 pos:    10226 fmt:yuv420p sar:1/1 s:640x360',
      expected: 0.844011,
    },
    { name: 'negative time (edit list before zero)', line: '[Parsed_showinfo_1 @ 0x1] n:   0 pts:    -2 pts_time:-0.08    pos: 1', expected: -0.08 },
    { name: "showinfo's colour line of the same frame is not a frame", line: '[Parsed_showinfo_2 @ 0x26d78880] color_range:tv color_space:bt709', expected: null },
    { name: 'progress line', line: 'frame=    3 fps=0.0 q=-0.0 Lsize=    2025kB time=00:00:01.10', expected: null },
    { name: 'another filter that prints pts', line: '[Parsed_fps_0 @ 0x1] n:   0 pts:  1 pts_time:0.1 pos: 2', expected: null },
  ];
  for (const c of cases) test(c.name, () => assert.equal(parseShowinfoPts(c.line), c.expected));
  test('a frame line without a time (NOPTS) is still a frame: one entry per frame keeps the rest in step', () => {
    assert.deepEqual(parseShowinfoFrame('[Parsed_showinfo_1 @ 0x55d] n:   7 pts:NOPTS pts_time:NOPTS duration: 1 pos: 9'), { ptsS: null });
    assert.deepEqual(parseShowinfoFrame('[Parsed_showinfo_1 @ 0x55d] n:   8 pts:   800 pts_time:0.8     duration:100'), { ptsS: 0.8 });
    assert.equal(parseShowinfoFrame('[Parsed_showinfo_1 @ 0x55d] color_range:tv color_space:bt709'), null);
  });
  test('ffmpeg 5+ skips showinfo\'s per-frame checksums', () => {
    const args = buildDecodeArgs({ source: { kind: 'file', path: '/v.mp4', loop: false }, outputFps: 10, frameTimestamps: true, ffmpegVersion: { major: 5, minor: 1, text: '5.1' } });
    assert.match(args[args.indexOf('-vf') + 1]!, /,showinfo=checksum=0$/);
    const old = buildDecodeArgs({ source: { kind: 'file', path: '/v.mp4', loop: false }, outputFps: 10, frameTimestamps: true, ffmpegVersion: { major: 4, minor: 1, text: '4.1' } });
    assert.match(old[old.indexOf('-vf') + 1]!, /,showinfo$/);
  });
  test('showinfo lines are recognised as such (kept out of the error summary)', () => {
    assert.equal(isShowinfoLine('[Parsed_showinfo_2 @ 0x26d78880] color_range:tv'), true);
    assert.equal(isShowinfoLine('[http @ 0x1] Connection refused'), false);
  });
});

// Header printed by the bundled ffmpeg 4.1 for the test clip (captured verbatim).
const REAL_STDERR = `Input #0, mov,mp4,m4a,3gp,3g2,mj2, from '/work/shared/data/video/short_hamilton_clip.mp4':
  Metadata:
    major_brand     : isom
  Duration: 00:00:10.01, start: 0.008005, bitrate: 490 kb/s
    Stream #0:0(und): Video: h264 (Constrained Baseline) (avc1 / 0x31637661), yuv420p(tv, bt709), 640x360 [SAR 1:1 DAR 16:9], 422 kb/s, 29.97 fps, 29.97 tbr, 11988 tbn, 59.94 tbc (default)
    Stream #0:1(eng): Audio: aac (LC) (mp4a / 0x6134706D), 44100 Hz, stereo, fltp, 95 kb/s (default)
Stream mapping:
  Stream #0:0 -> #0:0 (h264 (native) -> rawvideo (native))
Output #0, rawvideo, to 'pipe:1':
  Metadata:
    encoder         : Lavf58.24.100
    Stream #0:0(und): Video: rawvideo (RGB[24] / 0x18424752), rgb24, 320x180 [SAR 1:1 DAR 16:9], q=2-31, 41472 kb/s, 10 fps, 10 tbn, 10 tbc (default)
    Metadata:
      encoder         : Lavc58.42.100 rawvideo
`;

describe('parseOutputSize', () => {
  const cases: Array<{ name: string; stderr: string; expected: { width: number; height: number } | null }> = [
    { name: 'real ffmpeg 4.1 header: the output size, not the input size', stderr: REAL_STDERR, expected: { width: 320, height: 180 } },
    { name: 'empty', stderr: '', expected: null },
    { name: 'input described, output not yet', stderr: REAL_STDERR.slice(0, REAL_STDERR.indexOf('Output #0')), expected: null },
    {
      name: 'output header without its stream line yet',
      stderr: REAL_STDERR.slice(0, REAL_STDERR.indexOf('    Stream #0:0(und): Video: rawvideo')),
      expected: null,
    },
    { name: 'windows line endings', stderr: REAL_STDERR.replace(/\n/g, '\r\n'), expected: { width: 320, height: 180 } },
    {
      name: 'newer ffmpeg colour details before the size',
      stderr:
        "Output #0, rawvideo, to 'pipe:1':\n  Stream #0:0: Video: rawvideo (RGB[24] / 0x18424752), rgb24(pc, gbr/bt709/bt709, progressive), 1920x1080 [SAR 1:1 DAR 16:9], q=2-31, 1492992 kb/s, 30 fps, 30 tbn\n",
      expected: { width: 1920, height: 1080 },
    },
    {
      name: 'codec tag 0x18424752 is not a size',
      stderr: "Output #0, rawvideo, to 'pipe:1':\n    Stream #0:0: Video: rawvideo (RGB[24] / 0x18424752), rgb24\n",
      expected: null,
    },
    {
      name: 'a non-rawvideo output is ignored',
      stderr: "Output #0, mjpeg, to 'x.jpg':\n    Stream #0:0: Video: mjpeg, yuvj420p, 640x360, q=2-31\n",
      expected: null,
    },
    {
      name: 'odd sizes pass through',
      stderr: "Output #0, rawvideo, to 'pipe:1':\n    Stream #0:0: Video: rawvideo (RGB[24] / 0x18424752), rgb24, 353x287, q=2-31\n",
      expected: { width: 353, height: 287 },
    },
  ];
  for (const c of cases) {
    test(c.name, () => assert.deepEqual(parseOutputSize(c.stderr), c.expected));
  }
});

describe('summarizeStderr', () => {
  const cases: Array<{ name: string; lines: string[]; expected: string | null }> = [
    {
      name: 'garbage file (real ffmpeg 4.1 output)',
      lines: [
        '[mov,mp4,m4a,3gp,3g2,mj2 @ 0x7952c40] Format mov,mp4,m4a,3gp,3g2,mj2 detected only with low score of 1, misdetection possible!',
        '[mov,mp4,m4a,3gp,3g2,mj2 @ 0x7952c40] moov atom not found',
        'garbage.mp4: Invalid data found when processing input',
      ],
      expected: 'garbage.mp4: Invalid data found when processing input',
    },
    {
      name: 'a dropped http camera: the refused connection beats the later generic I/O error',
      lines: [
        "Output #0, rawvideo, to 'pipe:1':",
        '[http @ 0x26c42600] Will reconnect at 900947 in 1 second(s), error=End of file.',
        '[tcp @ 0x26c498c0] Connection to tcp://127.0.0.1:18555 failed: Connection refused',
        'http://127.0.0.1:18555/cam: Input/output error',
        'frame=   86 fps= 28 q=-0.0 Lsize=   58050kB time=00:00:03.44 bitrate=138240.0kbits/s speed= 1.1x',
        'video:58050kB audio:0kB subtitle:0kB other streams:0kB global headers:0kB muxing overhead: 0.000000%',
      ],
      expected: 'Connection to tcp://127.0.0.1:18555 failed: Connection refused',
    },
    {
      name: 'credentials in an rtsp url are masked',
      lines: ['rtsp://admin:hunter2@10.0.0.7:554/live: Connection timed out'],
      expected: 'rtsp://***@10.0.0.7:554/live: Connection timed out',
    },
    {
      name: 'missing device',
      lines: ['[video4linux2,v4l2 @ 0x15cd7b80] Cannot open video device /dev/video0: No such file or directory', '/dev/video0: No such file or directory'],
      expected: '/dev/video0: No such file or directory',
    },
    { name: 'only a generic error line', lines: ['Error while decoding stream #0:0: Operation not permitted'], expected: 'Error while decoding stream #0:0: Operation not permitted' },
    { name: 'generic "Conversion failed!" alone is noise', lines: ['Conversion failed!'], expected: null },
    { name: 'nothing that looks like an error', lines: ['Stream mapping:', '  Stream #0:0 -> #0:0 (h264 (native) -> rawvideo (native))'], expected: null },
    { name: 'no lines', lines: [], expected: null },
  ];
  for (const c of cases) {
    test(c.name, () => assert.equal(summarizeStderr(c.lines), c.expected));
  }
});

describe('redactUrlCredentials', () => {
  const cases: Array<[string, string]> = [
    ['rtsp://user:pass@cam.local/s1', 'rtsp://***@cam.local/s1'],
    ['http://token@host:8080/mjpg and rtsps://a:b@c/d', 'http://***@host:8080/mjpg and rtsps://***@c/d'],
    ['rtsp://cam.local/s1', 'rtsp://cam.local/s1'],
    ['mail me at ops@example.com', 'mail me at ops@example.com'],
    // A password containing "@" (and ":"): everything up to the last "@" before the host goes.
    ['rtsp://admin:p@ss:w@rd@10.0.0.5:554/s1', 'rtsp://***@10.0.0.5:554/s1'],
    ["[tcp @ 0x55] Connection to tcp://admin:se@cret@cam:554?timeout=0 failed", '[tcp @ 0x55] Connection to tcp://***@cam:554?timeout=0 failed'],
    ['http://cam/a@b/c', 'http://cam/a@b/c'],
  ];
  for (const [input, expected] of cases) {
    test(input, () => assert.equal(redactUrlCredentials(input), expected));
  }
});

describe('camera credentials and URLs', () => {
  test('splitUrlCredentials takes the user information out of a URL (percent-decoded; "@" in the password)', () => {
    assert.deepEqual(splitUrlCredentials('rtsp://admin:p%40ss%3Aw@10.0.0.5:554/s1'), {
      url: 'rtsp://10.0.0.5:554/s1',
      credentials: { username: 'admin', password: 'p@ss:w' },
    });
    assert.deepEqual(splitUrlCredentials('rtsp://admin:p@ss@cam/s1'), { url: 'rtsp://cam/s1', credentials: { username: 'admin', password: 'p@ss' } });
    assert.deepEqual(splitUrlCredentials('http://token@cam/mjpg'), { url: 'http://cam/mjpg', credentials: { username: 'token', password: '' } });
    assert.deepEqual(splitUrlCredentials('http://cam/a@b'), { url: 'http://cam/a@b', credentials: null });
  });

  test('withUrlCredentials percent-encodes them for ffmpeg, and splitUrlCredentials gets them back', () => {
    const credentials = { username: 'ad min', password: 'p@ss:w/rd%' };
    const url = withUrlCredentials('rtsp://cam:554/s1', credentials);
    assert.equal(url, 'rtsp://ad%20min:p%40ss%3Aw%2Frd%25@cam:554/s1');
    assert.deepEqual(splitUrlCredentials(url), { url: 'rtsp://cam:554/s1', credentials });
    assert.equal(withUrlCredentials('rtsp://cam/s1', null), 'rtsp://cam/s1');
  });

  test('redactSecrets removes a password in plain and percent-encoded form', () => {
    assert.equal(redactSecrets('auth p@ss:w failed for p%40ss%3Aw', ['p@ss:w']), 'auth *** failed for ***');
    assert.equal(redactSecrets('ab', ['ab']), 'ab', 'too short to mask safely');
  });

  test('parseFfmpegVersion reads release, distribution and snapshot builds', () => {
    assert.deepEqual(parseFfmpegVersion('ffmpeg version 5.1.9-0+deb12u1 Copyright (c) 2000-2026'), { major: 5, minor: 1, text: '5.1.9-0+deb12u1' });
    assert.deepEqual(parseFfmpegVersion('ffmpeg version n7.1 Copyright'), { major: 7, minor: 1, text: 'n7.1' });
    assert.deepEqual(parseFfmpegVersion('ffmpeg version N-47683-g0e8eb07980-static https://'), { major: null, minor: null, text: 'N-47683-g0e8eb07980-static' });
    assert.deepEqual(parseFfmpegVersion('garbage'), { major: null, minor: null, text: 'unknown' });
  });
});

describe('buildDecodeArgs: display output (fragmented MP4 on pipe:3)', () => {
  const base: DecodeArgsOptions = { source: file(false), outputFps: 5, maxWidth: 1280 };
  /** The arguments of the second output: from the "-map" after "pipe:1" to its end. */
  function displayPart(args: string[]): string[] {
    const rawEnd = args.indexOf('pipe:1');
    assert.ok(rawEnd >= 0, 'no rawvideo output');
    return args.slice(rawEnd + 1);
  }
  const cases: Array<{ name: string; display: DisplayOutputOptions; has: string[][]; hasNot: string[] }> = [
    {
      name: 'H.264 input: copied, no filter, no encoder',
      display: { codec: 'copy' },
      has: [['-c:v', 'copy'], ['-f', 'mp4'], ['-movflags', 'frag_keyframe+empty_moov+default_base_moof+frag_discont'], ['-frag_duration', '200000'], ['-avoid_negative_ts', 'disabled']],
      hasNot: ['libx264', '-vf', '-force_key_frames'],
    },
    {
      name: 'other codecs: libx264 ultrafast/zerolatency, baseline, scaled to at most 960 px, a keyframe every second',
      display: { codec: 'encode' },
      has: [
        ['-c:v', 'libx264'],
        ['-preset', 'ultrafast'],
        ['-tune', 'zerolatency'],
        ['-profile:v', 'baseline'],
        ['-pix_fmt', 'yuv420p'],
        ['-vf', "scale=w='trunc(min(960,iw)/2)*2':h=-2"],
        ['-force_key_frames', 'expr:gte(t,n_forced*1)'],
      ],
      hasNot: ['copy'],
    },
    {
      name: 'encoded with a narrower width, keyframes every 0.5 s and 100 ms fragments',
      display: { codec: 'encode', maxWidth: 640, keyframeIntervalS: 0.5, fragmentDurationMs: 100 },
      has: [['-vf', "scale=w='trunc(min(640,iw)/2)*2':h=-2"], ['-force_key_frames', 'expr:gte(t,n_forced*0.5)'], ['-frag_duration', '100000']],
      hasNot: ['copy'],
    },
  ];
  for (const { name, display, has, hasNot } of cases) {
    test(name, () => {
      const args = buildDecodeArgs({ ...base, display });
      const part = displayPart(args);
      assert.equal(part.at(-1), 'pipe:3');
      assert.deepEqual(part.slice(0, 2), ['-map', '0:v:0']);
      for (const [flag, value] of has) assert.equal(valueAfter(part, flag!), value, flag);
      for (const flag of hasNot) assert.ok(!part.includes(flag), `${flag} must not be in the display output`);
    });
  }

  test('both outputs share the input time base: -copyts before the input, showinfo on, rate thinned by select (frames keep their times)', () => {
    const args = buildDecodeArgs({ ...base, display: { codec: 'copy' } });
    assert.ok(inputOptions(args).includes('-copyts'));
    const rawFilter = valueAfter(args, '-vf')!;
    assert.match(rawFilter, /^select='isnan\(prev_selected_t\)\+lt\(t\\,prev_selected_t\)\+gt\(floor\(t\*5\)\\,floor\(prev_selected_t\*5\)\)'/);
    assert.match(rawFilter, /showinfo=checksum=0$/);
    assert.ok(!rawFilter.includes('fps='));
  });

  test('without a display nothing changes: no -copyts, fps filter, one output', () => {
    const args = buildDecodeArgs(base);
    assert.ok(!args.includes('-copyts'));
    assert.ok(!args.includes('pipe:3'));
    assert.match(valueAfter(args, '-vf')!, /^fps=5,/);
  });

  const invalid: Array<{ name: string; display: DisplayOutputOptions }> = [
    { name: 'width 0', display: { codec: 'encode', maxWidth: 0 } },
    { name: 'keyframes every 0 s', display: { codec: 'encode', keyframeIntervalS: 0 } },
    { name: 'fragments of 1 ms', display: { codec: 'copy', fragmentDurationMs: 1 } },
  ];
  for (const { name, display } of invalid) {
    test(`refuses ${name}`, () => assert.throws(() => buildDecodeArgs({ ...base, display }), RangeError));
  }
});

describe('display codec probe', () => {
  const cases: Array<{ name: string; stderr: string; expected: string | null }> = [
    {
      name: 'H.264 in MP4 (after the audio stream)',
      stderr: "Input #0, mov,mp4 from 'a.mp4':\n  Stream #0:0[0x1](und): Audio: aac\n  Stream #0:1[0x2](und): Video: h264 (Constrained Baseline) (avc1 / 0x31637661), yuv420p\nAt least one output file must be specified\n",
      expected: 'h264',
    },
    { name: 'MS-MPEG4 in AVI', stderr: "Input #0, avi, from 'v.avi':\n  Stream #0:0: Video: msmpeg4v3 (DIV3 / 0x33564944), yuv420p, 768x576\n", expected: 'msmpeg4v3' },
    { name: 'only output streams', stderr: "Output #0, mp4, to 'pipe:3':\n  Stream #0:0: Video: h264\n", expected: null },
    { name: 'nothing (the input did not open)', stderr: 'rtsp://cam: Connection refused\n', expected: null },
  ];
  for (const { name, stderr, expected } of cases) test(name, () => assert.equal(parseInputVideoCodec(stderr), expected));

  const decisions: Array<{ name: string; stderr: string; expected: 'copy' | 'encode' }> = [
    { name: 'Constrained Baseline 4:2:0 (colour details in brackets): copied', stderr: '  Stream #0:0[0x1](und): Video: h264 (Constrained Baseline) (avc1 / 0x31637661), yuv420p(tv, bt709, progressive), 640x360\n', expected: 'copy' },
    { name: 'High, full-range 4:2:0 (an IP camera): copied', stderr: '  Stream #0:0: Video: h264 (High), yuvj420p(pc, bt709, progressive), 1920x1080, 25 fps\n', expected: 'copy' },
    { name: 'no profile in brackets, plain yuv420p: copied', stderr: '  Stream #0:0: Video: h264, yuv420p, 1280x720\n', expected: 'copy' },
    { name: 'High 4:4:4 Predictive: encoded (no MediaSource plays it)', stderr: '  Stream #0:0[0x1](und): Video: h264 (High 4:4:4 Predictive) (avc1 / 0x31637661), yuv444p(progressive), 768x576\n', expected: 'encode' },
    { name: 'High 10: encoded', stderr: '  Stream #0:0: Video: h264 (High 10), yuv420p10le(progressive), 1280x720\n', expected: 'encode' },
    { name: 'High 4:2:2: encoded', stderr: '  Stream #0:0: Video: h264 (High 4:2:2), yuv422p(progressive), 1280x720\n', expected: 'encode' },
    { name: 'HEVC: encoded', stderr: '  Stream #0:0: Video: hevc (Main), yuv420p(tv), 1920x1080\n', expected: 'encode' },
    { name: 'MJPEG: encoded', stderr: '  Stream #0:0: Video: mjpeg (Baseline), yuvj422p(pc, bt470bg/unknown/unknown), 640x360\n', expected: 'encode' },
    { name: 'nothing known: encoded', stderr: 'Connection refused\n', expected: 'encode' },
  ];
  for (const { name, stderr, expected } of decisions) test(`display codec: ${name}`, () => assert.equal(displayCodecFor(stderr), expected));

  test('the probe opens the input with its whitelist and no output', () => {
    const args = buildProbeArgs({ source: { kind: 'rtsp', url: 'rtsp://cam/1' } });
    assert.equal(args.at(-1), 'rtsp://cam/1');
    assert.equal(valueAfter(args, '-protocol_whitelist'), PROTOCOL_WHITELIST.rtsp);
    assert.ok(!args.includes('-re'));
  });
});

describe('displayCodecWithoutProbe', () => {
  const cases = [
    { name: 'an HTTP camera is encoded (MJPEG; may serve one connection only)', source: { kind: 'http' as const, url: 'http://cam/video' }, expected: 'encode' },
    { name: 'a webcam is encoded (no second open of the device)', source: { kind: 'webcam' as const, device: '0' }, expected: 'encode' },
    { name: 'a file is probed', source: file(false), expected: null },
    { name: 'an RTSP camera is probed', source: { kind: 'rtsp' as const, url: 'rtsp://cam/1' }, expected: null },
  ];
  for (const c of cases) test(c.name, () => assert.equal(displayCodecWithoutProbe(c.source), c.expected));
});
