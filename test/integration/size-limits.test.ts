/**
 * Size limits that agree, and say which one was hit. Before: the WebSocket host
 * closed any message over 80 MiB although the enrollment schema accepted five
 * photos of 60,000,000 base64 characters each (and the engine 50 MB files), so a
 * valid enrollment dropped the connection with no reason given; camera URLs, paths
 * and devices had no length limit.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { channels, MAX_ENROLL_PHOTOS, photoInputSchema, personFieldsSchema } from '../../src-preload/contract.js';
import { createDispatcher, LOCAL_OPERATOR } from '../../src-main/engine/api/dispatcher.js';
import { createHandlers } from '../../src-main/engine/api/handlers.js';
import type { Engine } from '../../src-main/engine/engine.js';
import { LiveService } from '../../src-main/engine/live/live-service.js';
import { type RunningServer, startServer } from '../../src-main/server/server.js';
import { tempDir } from '../helpers/paths.js';

const dir = tempDir();
let server: RunningServer;
let engine: Engine;
let dispatch: ReturnType<typeof createDispatcher>;
before(async () => {
  server = await startServer({ dataDir: join(dir.path, 'data'), modelsDir: join(dir.path, 'no-models'), port: 0, host: '127.0.0.1', staticDir: join(dir.path, 'none') });
  engine = server.engine;
  dispatch = createDispatcher(createHandlers(engine, new LiveService(engine)), { log: engine.log });
});
after(async () => {
  await server?.close();
  dir.cleanup();
});

/**
 * Opens an authenticated WebSocket and sends only the header of a text frame announcing `length`
 * bytes, then ends the connection. The host checks the announced length first: a message over its
 * cap is answered with a close frame, code 1009 (message too big), before any payload. Returns that
 * code, or null when the host was ready to read the message.
 */
function announce(length: number): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const socket = connect(server.port, '127.0.0.1');
    let received = Buffer.alloc(0);
    let upgraded = false;
    socket.on('error', reject);
    socket.on('data', (data) => {
      received = Buffer.concat([received, data]);
      if (!upgraded) {
        const end = received.indexOf('\r\n\r\n');
        if (end < 0) return;
        assert.match(received.subarray(0, end).toString(), /^HTTP\/1\.1 101/);
        upgraded = true;
        received = received.subarray(end + 4);
        const header = Buffer.alloc(14);
        header[0] = 0x81; // FIN, text
        header[1] = 0x80 | 127; // masked, 64-bit length
        header.writeBigUInt64BE(BigInt(length), 2);
        randomBytes(4).copy(header, 10);
        socket.end(header);
      }
    });
    socket.on('close', () => {
      // A close frame from the server: 0x88, length, then the 2-byte code.
      resolve(received.length >= 4 && received[0] === 0x88 ? received.readUInt16BE(2) : null);
    });
    socket.write(
      `GET /ws?token=${server.token} HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    );
  });
}

/** The largest people.enroll message the contract accepts, in bytes of JSON (computed from the schemas themselves). */
function largestEnrollMessageBytes(): number {
  const maxOf = (schema: unknown) => (schema as { maxLength: number | null }).maxLength!;
  const photo = JSON.stringify({ fileName: 'é'.repeat(maxOf(photoInputSchema.shape.fileName)), dataBase64: '' });
  const photoBytes = Buffer.byteLength(photo) + maxOf(photoInputSchema.shape.dataBase64) + 1;
  const record = JSON.stringify({ name: 'é'.repeat(120), employeeCode: 'é'.repeat(40), department: 'é'.repeat(80), category: 'contractor', notes: 'é'.repeat(2000) });
  const envelope = JSON.stringify({ id: Number.MAX_SAFE_INTEGER, channel: 'people.enroll', request: { record: {}, consent: { confirmed: true, textVersion: 'é'.repeat(40) }, photos: [], allowFewerPhotos: false, overrideDuplicate: false, password: 'é'.repeat(200) } });
  assert.ok(personFieldsSchema.shape.notes !== undefined && channels['people.enroll'] !== undefined);
  return Buffer.byteLength(envelope) + Buffer.byteLength(record) + MAX_ENROLL_PHOTOS * photoBytes;
}

describe('size limits agree and say which was hit', () => {
  test('the host reads every message the contract accepts (five photos at the photo limit), and refuses only above that', async () => {
    const largest = largestEnrollMessageBytes();
    assert.equal(await announce(largest), null, `a valid enrollment of ${(largest / 1024 / 1024).toFixed(1)} MiB is read, not refused`);
    assert.equal(await announce(largest * 2), 1009, 'a message far over every limit is refused as too big (1009)');
  });

  test('a photo over the limit is a BAD_REQUEST naming the photo limit, not a dropped connection', async () => {
    const limit = (photoInputSchema.shape.dataBase64 as unknown as { maxLength: number }).maxLength;
    const photo = { fileName: 'huge.jpg', dataBase64: 'A'.repeat(limit + 4) };
    const envelope = await dispatch('people.checkPhotos', { photos: [photo] }, LOCAL_OPERATOR);
    assert.equal(envelope.ok, false);
    const error = (envelope as { ok: false; error: { code: string; message: string } }).error;
    assert.equal(error.code, 'BAD_REQUEST');
    assert.match(error.message, /a photo may be at most 20 MB/);
  });

  test('camera URL, file path and device have length limits, and the refusal says which', async () => {
    const cases = [
      [{ kind: 'rtsp', url: `rtsp://camera.example/${'a'.repeat(2048)}` }, /URL may be at most 2048 characters/],
      [{ kind: 'http', url: `http://camera.example/${'a'.repeat(2048)}` }, /URL may be at most 2048 characters/],
      [{ kind: 'file', path: `/videos/${'a'.repeat(4096)}.mp4` }, /path may be at most 4096 characters/],
      [{ kind: 'webcam', device: `/dev/${'v'.repeat(256)}` }, /device may be at most 256 characters/],
    ] as const;
    for (const [source, message] of cases) {
      const envelope = await dispatch('cameras.add', { name: 'Too long', source, start: false }, LOCAL_OPERATOR);
      assert.equal(envelope.ok, false, `${source.kind} refused`);
      const error = (envelope as { ok: false; error: { code: string; message: string } }).error;
      assert.equal(error.code, 'BAD_REQUEST');
      assert.match(error.message, message);
    }
    assert.equal(engine.cameraRepo.list().length, 0, 'no camera was added');
  });
});
