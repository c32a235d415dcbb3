/**
 * A fake RTSP IP camera on 127.0.0.1, for tests: ffmpeg cannot serve RTSP to a player (its RTSP
 * "listen" mode only receives), so this helper speaks the RTSP signalling itself (OPTIONS, DESCRIBE,
 * SETUP with TCP interleaving, PLAY, GET_PARAMETER keep-alives, TEARDOWN) and real ffmpeg makes the
 * media: for every PLAY a `-re` ffmpeg sends the clip's own H.264 (copied, looped) as RTP to two
 * UDP sockets of this helper, and each RTP and RTCP packet is forwarded to the client interleaved
 * on its RTSP connection (channels 0 and 1), as a camera does with `-rtsp_transport tcp`.
 * The SDP is the one ffmpeg writes for the same stream, with a control attribute added.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveFfmpegPath } from '../../src-main/engine/video/ffmpeg-path.js';
import { hamiltonClip } from './paths.js';

export interface RtspCamera {
  /** rtsp://127.0.0.1:<port>/live */
  readonly url: string;
  /** PLAY requests served so far (each is one client's stream). */
  readonly plays: number;
  /** Ends every client's session at once, as a camera that reboots does (the listener stays). */
  dropSessions(): void;
  close(): Promise<void>;
}

/** The SDP ffmpeg writes for the clip's H.264 sent as RTP (one short run, nothing sent anywhere useful). */
function sdpFor(clip: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-rtsp-sdp-'));
  try {
    const sdpFile = join(dir, 'stream.sdp');
    const result = spawnSync(
      resolveFfmpegPath(),
      ['-hide_banner', '-nostdin', '-loglevel', 'error', '-t', '0.2', '-i', clip, '-an', '-c:v', 'copy', '-f', 'rtp', '-sdp_file', sdpFile, 'rtp://127.0.0.1:9'],
      { encoding: 'utf8' },
    );
    assert.equal(result.status, 0, result.stderr);
    return readFileSync(sdpFile, 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The SDP a camera answers DESCRIBE with: no fixed destination, one controllable track. */
function describeSdp(ffmpegSdp: string): string {
  const lines = ffmpegSdp.split(/\r?\n/).filter((l) => l !== '');
  const out: string[] = [];
  for (const line of lines) {
    if (line.startsWith('c=')) out.push('c=IN IP4 0.0.0.0');
    else if (line.startsWith('m=video')) out.push(line.replace(/^m=video \d+/, 'm=video 0'), 'a=control:track0');
    else out.push(line);
  }
  return `${out.join('\r\n')}\r\n`;
}

interface RtspRequest {
  method: string;
  headers: Map<string, string>;
}

/** Splits what a client sent into whole requests; skips interleaved frames ($, channel, length) it sends back (RTCP receiver reports). */
function takeRequests(buffer: Buffer): { requests: RtspRequest[]; rest: Buffer } {
  const requests: RtspRequest[] = [];
  let offset = 0;
  for (;;) {
    if (offset >= buffer.length) break;
    if (buffer[offset] === 0x24) {
      if (buffer.length - offset < 4) break;
      const length = buffer.readUInt16BE(offset + 2);
      if (buffer.length - offset < 4 + length) break;
      offset += 4 + length;
      continue;
    }
    const end = buffer.indexOf('\r\n\r\n', offset);
    if (end < 0) break;
    const [requestLine = '', ...headerLines] = buffer.subarray(offset, end).toString('latin1').split('\r\n');
    const headers = new Map<string, string>();
    for (const line of headerLines) {
      const colon = line.indexOf(':');
      if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
    }
    const bodyLength = Number(headers.get('content-length') ?? '0');
    if (buffer.length < end + 4 + bodyLength) break;
    requests.push({ method: requestLine.split(' ')[0] ?? '', headers });
    offset = end + 4 + bodyLength;
  }
  return { requests, rest: buffer.subarray(offset) };
}

export async function startRtspCamera(port: number, clip = hamiltonClip): Promise<RtspCamera> {
  const sdp = describeSdp(sdpFor(clip));
  const url = `rtsp://127.0.0.1:${port}/live`;
  const sessions = new Set<{ socket: Socket; stop: () => void }>();
  let plays = 0;

  const server = createServer((socket) => {
    let pending: Buffer = Buffer.alloc(0);
    let ffmpeg: ChildProcess | null = null;
    const udp: UdpSocket[] = [];
    const sessionId = String(10_000_000 + Math.floor(Math.random() * 89_999_999));
    const stop = () => {
      if (ffmpeg && ffmpeg.exitCode === null && ffmpeg.signalCode === null) ffmpeg.kill('SIGKILL');
      ffmpeg = null;
      for (const s of udp.splice(0)) s.close();
    };
    const session = { socket, stop };
    sessions.add(session);
    socket.on('close', () => {
      stop();
      sessions.delete(session);
    });
    socket.on('error', () => socket.destroy());

    const reply = (cseq: string, extra: string[] = [], body = '') => {
      const head = ['RTSP/1.0 200 OK', `CSeq: ${cseq}`, ...extra];
      if (body !== '') head.push(`Content-Length: ${Buffer.byteLength(body)}`);
      if (socket.writable) socket.write(`${head.join('\r\n')}\r\n\r\n${body}`);
    };
    /** Interleaved frame on `channel`: '$', channel, 16-bit length, packet. */
    const forward = (channel: number) => (packet: Buffer) => {
      if (!socket.writable) return;
      const header = Buffer.from([0x24, channel, packet.length >> 8, packet.length & 0xff]);
      socket.write(Buffer.concat([header, packet]));
    };
    const bindUdp = (channel: number) =>
      new Promise<number>((resolveBind) => {
        const s = createSocket('udp4');
        s.on('message', forward(channel));
        s.on('error', () => s.close());
        s.bind(0, '127.0.0.1', () => resolveBind(s.address().port));
        udp.push(s);
      });
    const play = async () => {
      plays++;
      const [rtpPort, rtcpPort] = [await bindUdp(0), await bindUdp(1)];
      ffmpeg = spawn(
        resolveFfmpegPath(),
        ['-hide_banner', '-nostdin', '-loglevel', 'error', '-re', '-stream_loop', '-1', '-i', clip, '-an', '-c:v', 'copy', '-f', 'rtp', `rtp://127.0.0.1:${rtpPort}?rtcpport=${rtcpPort}&pkt_size=1400`],
        { stdio: ['ignore', 'ignore', 'ignore'] },
      );
    };

    socket.on('data', (chunk: Buffer) => {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      const { requests, rest } = takeRequests(pending);
      pending = Buffer.from(rest);
      for (const request of requests) {
        const cseq = request.headers.get('cseq') ?? '0';
        switch (request.method) {
          case 'OPTIONS':
            reply(cseq, ['Public: OPTIONS, DESCRIBE, SETUP, PLAY, GET_PARAMETER, TEARDOWN']);
            break;
          case 'DESCRIBE':
            reply(cseq, ['Content-Type: application/sdp', `Content-Base: ${url}/`], sdp);
            break;
          case 'SETUP':
            reply(cseq, ['Transport: RTP/AVP/TCP;unicast;interleaved=0-1', `Session: ${sessionId};timeout=60`]);
            break;
          case 'PLAY':
            reply(cseq, [`Session: ${sessionId}`, 'Range: npt=0.000-']);
            if (ffmpeg === null) void play();
            break;
          case 'GET_PARAMETER':
            reply(cseq, [`Session: ${sessionId}`]);
            break;
          case 'TEARDOWN':
            reply(cseq, [`Session: ${sessionId}`]);
            stop();
            socket.end();
            break;
          default:
            if (socket.writable) socket.write(`RTSP/1.0 501 Not Implemented\r\nCSeq: ${cseq}\r\n\r\n`);
        }
      }
    });
  });
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolveListen());
  });
  return {
    url,
    get plays() {
      return plays;
    },
    dropSessions: () => {
      for (const session of sessions) {
        session.stop();
        session.socket.destroy();
      }
    },
    close: () =>
      new Promise<void>((resolveClose) => {
        for (const session of sessions) {
          session.stop();
          session.socket.destroy();
        }
        server.close(() => resolveClose());
      }),
  };
}
