/**
 * No client input may end the headless host: one bad request used to stop every camera, alert
 * and recording (`GET /%E0%A4%A` ended `npm run serve` with an uncaught URIError). The host runs
 * in a process of its own on 127.0.0.1 and is sent, over real sockets, the requests from the issue
 * and then seeded random paths, headers, upgrade requests and WebSocket frames. After every batch
 * it must still serve a page. A failure names the seed and the input; VIGIL_FUZZ_SEED=<n>
 * replays another seed.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { channels } from '../../src-preload/contract.js';
import { seededRandom } from '../../src-main/engine/util/seeded-random.js';
import { projectRoot, tempDir } from '../helpers/paths.js';

const SEED = Number(process.env.VIGIL_FUZZ_SEED ?? 20261204);
const TOKEN = 'fuzz-token-0123456789';
const dir = tempDir();
after(() => dir.cleanup());

interface Host {
  child: ChildProcess;
  port: number;
  stderr: () => string;
}

const hosts: Host[] = [];
after(() => {
  for (const h of hosts) if (h.child.exitCode === null) h.child.kill('SIGKILL');
});

let staticDir = '';
before(() => {
  staticDir = join(dir.path, 'static');
  mkdirSync(staticDir);
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Vigil</title>');
  writeFileSync(join(staticDir, 'app.js'), 'console.log("vigil")');
  // A file that opens but cannot be read (EIO): the static file stream fails after its headers.
  if (process.platform === 'linux') symlinkSync('/proc/self/mem', join(staticDir, 'unreadable.js'));
});

async function startHost(name: string): Promise<Host> {
  const dataDir = join(dir.path, name);
  mkdirSync(dataDir, { recursive: true });
  const child = spawn(process.execPath, ['--import', 'tsx', join(projectRoot, 'test', 'fixtures', 'serve-host.ts'), dataDir, staticDir, TOKEN], {
    cwd: projectRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '', stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      stdout += d;
      const line = stdout.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve((JSON.parse(line) as { port: number }).port);
    });
    child.once('exit', (code) => reject(new Error(`host exited (${code}) before listening: ${stderr}`)));
  });
  const host = { child, port, stderr: () => stderr };
  hosts.push(host);
  return host;
}

/** Sends raw bytes on a fresh connection; resolves with what came back once the host closes it or after a short wait. */
function rawExchange(port: number, bytes: Buffer | string, waitMs = 150): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(received);
    };
    const timer = setTimeout(done, waitMs);
    socket.on('data', (d) => (received += d.toString('latin1')));
    socket.on('error', done);
    socket.on('close', done);
    socket.write(bytes);
  });
}

/** The host is still up: the process runs and a page is served. */
async function assertAlive(host: Host, after: string, seed = SEED): Promise<void> {
  assert.equal(host.child.exitCode, null, `the host exited after ${after} (seed ${seed}): ${host.stderr().slice(-1500)}`);
  assert.equal(host.child.signalCode, null, `the host was killed after ${after} (seed ${seed})`);
  const response = await fetch(`http://127.0.0.1:${host.port}/index.html`).catch((error: Error) => error);
  assert.ok(!(response instanceof Error), `the host stopped answering after ${after} (seed ${seed}): ${String(response)} ${host.stderr().slice(-1500)}`);
  assert.equal(response.status, 200);
  await response.text();
}

const upgradeHeaders = (port: number, key = randomBytes(16).toString('base64')) =>
  `Host: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n`;

describe('headless host: no client input ends the process', () => {
  test('the requests from the issue: a bad percent-escape, a malformed upgrade URL, a file that fails while streaming', async () => {
    const host = await startHost('issue');
    const badPath = await rawExchange(host.port, 'GET /%E0%A4%A HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');
    assert.match(badPath, /^HTTP\/1\.1 400 /, 'a malformed path is a 400');
    await assertAlive(host, 'GET /%E0%A4%A');
    for (const target of ['http://[', '//%', 'http://a b/ws', '/ws?token=%E0%A4%A']) {
      const reply = await rawExchange(host.port, `GET ${target} HTTP/1.1\r\n${upgradeHeaders(host.port)}\r\n`);
      assert.match(reply, /^HTTP\/1\.1 (400|401) /, `upgrade to ${target} is refused, saying so`);
      await assertAlive(host, `an upgrade to ${target}`);
    }
    if (process.platform === 'linux') {
      await rawExchange(host.port, 'GET /unreadable.js HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n', 500);
      await assertAlive(host, 'a static file whose read fails');
    }
  });

  test(`seeded fuzz over paths, methods and headers (seed ${SEED})`, async () => {
    const host = await startHost('http');
    const random = seededRandom(SEED);
    const pick = <T,>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const int = (n: number) => Math.floor(random() * n);
    const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => int(256)));
    const pathPieces = [
      '/', '/index.html', '/app.js', '/unreadable.js', '/ws', '/ws?token=' + TOKEN, '/../../etc/passwd', '/..%2F..%2Fetc%2Fpasswd', '/%2e%2e/', '/%00',
      '/%', '/%E0%A4%A', '/%ZZ', '/%C0%AF', '/%FF%FE', '/%u2215', '//', '/a//b', '/?x=%', '/#frag', '/\u00e9', '/index.html%00.js', '*', 'http://[', 'http://x/%',
      '/' + 'a'.repeat(9000), '/%' + 'E0%A4'.repeat(300), '/static/../../..', '/.', '/..', '/index.html/',
    ];
    const headerPieces = (port: number) => [
      `Host: 127.0.0.1:${port}`, 'Host: evil.example', 'Host:', 'Host: [', 'Origin: http://evil.example', 'Origin: null', `Origin: http://127.0.0.1:${port}`,
      'Upgrade: websocket', 'Connection: Upgrade', 'Connection: keep-alive, Upgrade', 'Sec-WebSocket-Version: 13', 'Sec-WebSocket-Version: 99',
      `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`, 'Sec-WebSocket-Key: not-base64', 'Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits=0',
      'Sec-WebSocket-Protocol: a, , b', 'Transfer-Encoding: chunked', 'Content-Length: 5', 'Content-Length: -1', 'Content-Length: 99999999999999999999',
      'Range: bytes=0-1', 'Range: bytes=999999999-', 'X-Long: ' + 'x'.repeat(20_000), 'Bad Header: x', 'X:\u00ff\u0000', 'Accept: */*', 'Expect: 100-continue',
    ];
    const methods = ['GET', 'GET', 'GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT', 'PATCH', 'G\u0000T', 'GE T', ''];
    const requests: Array<Buffer | string> = [];
    for (let i = 0; i < 360; i++) {
      const kind = int(10);
      if (kind === 0) {
        requests.push(bytes(1 + int(600))); // plain garbage
        continue;
      }
      let target = pick(pathPieces);
      if (random() < 0.4) target += pick(pathPieces).slice(1);
      if (random() < 0.3) target += `?token=${random() < 0.5 ? TOKEN : bytes(6).toString('latin1')}`;
      const headers = Array.from({ length: int(7) }, () => pick(headerPieces(host.port)));
      if (kind === 1) headers.push(...upgradeHeaders(host.port).trim().split('\r\n'));
      const version = pick(['HTTP/1.1', 'HTTP/1.1', 'HTTP/1.0', 'HTTP/2.0', 'HTTP/1.1 extra', '']);
      const body = random() < 0.2 ? bytes(int(200)).toString('latin1') : '';
      requests.push(Buffer.from(`${pick(methods)} ${target} ${version}\r\n${headers.join('\r\n')}\r\n\r\n${body}`, 'latin1'));
    }
    let answered = 0;
    for (let i = 0; i < requests.length; i += 12) {
      const batch = requests.slice(i, i + 12);
      const replies = await Promise.all(batch.map((r) => rawExchange(host.port, r, 60)));
      answered += replies.filter((r) => r.startsWith('HTTP/1.1 ')).length;
      await assertAlive(host, `requests ${i}..${i + batch.length - 1}: ${batch.map((r) => JSON.stringify(r.toString().slice(0, 120))).join(' | ')}`);
    }
    assert.ok(answered > requests.length / 2, `most requests got an HTTP answer (${answered} of ${requests.length}): the fuzz reached the handler`);
  });

  test(`seeded fuzz over WebSocket frames on authenticated connections (seed ${SEED})`, async () => {
    const host = await startHost('ws');
    const random = seededRandom(SEED + 1);
    const pick = <T,>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const int = (n: number) => Math.floor(random() * n);
    const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => int(256)));
    // Channels whose random requests stay in the engine (no folder scans, no ffmpeg processes).
    const safeChannels = Object.keys(channels).filter((c) => !['people.importFolder', 'cameras.add', 'cameras.start'].includes(c));
    const randomValue = (depth: number): unknown => {
      switch (int(depth > 3 ? 6 : 9)) {
        case 0: return int(1000) - 500;
        case 1: return random() * 1e308 * (random() < 0.5 ? -1 : 1);
        case 2: return bytes(int(40)).toString('latin1');
        case 3: return null;
        case 4: return random() < 0.5;
        case 5: return pick(['', 'Obama', '../../etc', '\u0000', 'x'.repeat(5000)]);
        case 6: return Array.from({ length: int(5) }, () => randomValue(depth + 1));
        default: return Object.fromEntries(Array.from({ length: int(5) }, () => [pick(['id', 'limit', 'name', 'photos', 'record', '__proto__', 'constructor', 'x']), randomValue(depth + 1)]));
      }
    };
    const payloads = (): Buffer => {
      switch (int(9)) {
        case 0: return bytes(int(300));
        case 1: return Buffer.from([0xc3, 0x28, 0xa0, 0xa1, 0xe2, 0x28, 0xa1]); // invalid UTF-8
        case 2: return Buffer.from('['.repeat(20_000) + ']'.repeat(20_000)); // deep nesting
        case 3: return Buffer.from(JSON.stringify(randomValue(0)));
        case 4: return Buffer.from(JSON.stringify({ id: int(10), channel: pick([...safeChannels, 'nope', '__proto__', 'toString']), request: randomValue(0) }));
        case 5: return Buffer.from(JSON.stringify({ id: 1e300, channel: 'system.status', request: {} }));
        case 6: return Buffer.from(JSON.stringify({ id: int(10), channel: 'people.checkPhotos', request: { photos: [{ fileName: 'x.jpg', dataBase64: bytes(300).toString('base64') }] } }));
        case 7: return Buffer.from(JSON.stringify({ id: 2, channel: 'people.erase', request: { id: 1 + int(3) } }));
        default: return Buffer.from(JSON.stringify({ id: int(10), channel: pick(safeChannels), request: {} }));
      }
    };
    /** One client frame; usually well-formed and masked, sometimes broken on purpose. */
    const frame = (): Buffer => {
      const payload = payloads();
      const fin = random() < 0.85;
      const rsv = random() < 0.1 ? 1 + int(7) : 0;
      const opcode = random() < 0.75 ? pick([1, 1, 1, 2]) : pick([0, 3, 7, 8, 9, 10, 11, 15]);
      const masked = random() < 0.92;
      let claimed = payload.length;
      if (random() < 0.05) claimed = pick([payload.length + 10, 2 ** 31, 2 ** 53 - 1, 100 * 1024 * 1024]);
      const header: number[] = [(fin ? 0x80 : 0) | (rsv << 4) | opcode];
      const maskBit = masked ? 0x80 : 0;
      if (claimed < 126) header.push(maskBit | claimed);
      else if (claimed < 65536) header.push(maskBit | 126, claimed >> 8, claimed & 0xff);
      else {
        header.push(maskBit | 127);
        const big = Buffer.alloc(8);
        big.writeBigUInt64BE(BigInt(claimed));
        header.push(...big);
      }
      const key = bytes(4);
      const body = masked ? Buffer.from(payload.map((b, i) => b ^ key[i % 4]!)) : payload;
      return Buffer.concat([Buffer.from(header), masked ? key : Buffer.alloc(0), body]);
    };
    let upgrades = 0;
    for (let connection = 0; connection < 60; connection++) {
      const frames = Array.from({ length: 1 + int(6) }, frame);
      await new Promise<void>((resolve) => {
        const socket = connect(host.port, '127.0.0.1');
        let upgraded = false;
        const finish = () => {
          clearTimeout(timer);
          socket.destroy();
          resolve();
        };
        const timer = setTimeout(finish, 300);
        socket.on('error', finish);
        socket.on('close', finish);
        socket.on('data', (d) => {
          if (upgraded || !d.toString('latin1').startsWith('HTTP/1.1 101')) return;
          upgraded = true;
          upgrades++;
          for (const f of frames) socket.write(f);
          if (random() < 0.3) socket.destroy(); // vanish mid-conversation
        });
        socket.write(`GET /ws?token=${TOKEN} HTTP/1.1\r\n${upgradeHeaders(host.port)}\r\n`);
      });
      if (connection % 6 === 5) await assertAlive(host, `WebSocket connections up to #${connection}`, SEED + 1);
    }
    await assertAlive(host, 'every WebSocket connection', SEED + 1);
    assert.equal(upgrades, 60, 'every connection was accepted, so the frames reached the host');
  });
});
