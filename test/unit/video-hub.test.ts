import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Mp4BoxSplitter, readFragment, readInit } from '../../src-main/engine/live/mp4-boxes.js';
import { VideoHub, type VideoViewer } from '../../src-main/engine/live/video-hub.js';

// ---------- synthetic MP4 boxes (size + type + payload) ----------

function box(type: string, ...payload: Buffer[]): Buffer {
  const body = Buffer.concat(payload);
  const header = Buffer.alloc(8);
  header.writeUInt32BE(8 + body.length, 0);
  header.write(type, 4, 'latin1');
  return Buffer.concat([header, body]);
}
const u32 = (...values: number[]) => {
  const b = Buffer.alloc(4 * values.length);
  values.forEach((v, i) => b.writeUInt32BE(v >>> 0, i * 4));
  return b;
};
const u64 = (value: number) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(value));
  return b;
};

const NON_SYNC = 0x00010000;
const SYNC = 0x02000000;
const ftyp = box('ftyp', Buffer.from('isom'), u32(512), Buffer.from('isomiso6'));
function moov(timescale: number): Buffer {
  const mdhd = box('mdhd', u32(0, 0, 0, timescale, 0, 0));
  const avcC = box('avcC', Buffer.from([1, 0x42, 0xc0, 0x1e, 0xff]));
  const avc1 = box('avc1', Buffer.alloc(78), avcC);
  const stsd = box('stsd', u32(0, 1), avc1);
  const trak = box('trak', box('mdia', mdhd, box('minf', box('stbl', stsd))));
  // trex: version/flags, track, description index, duration, size, default flags (non-sync).
  const trex = box('trex', u32(0, 1, 1, 0, 0, NON_SYNC));
  return box('moov', trak, box('mvex', trex));
}
/** moof+mdat; a keyframe fragment states its first sample's flags, others use trex's default (non-sync). */
function fragment(decodeTime: number, keyframe: boolean, payloadBytes = 100): { moof: Buffer; mdat: Buffer; whole: Buffer } {
  const tfhd = box('tfhd', u32(0x020000, 1));
  const tfdt = box('tfdt', u32(0x01000000), u64(decodeTime));
  const trun = keyframe ? box('trun', u32(0x000005, 1, 0, SYNC)) : box('trun', u32(0x000001, 1, 0));
  const moof = box('moof', box('mfhd', u32(0, 1)), box('traf', tfhd, tfdt, trun));
  const mdat = box('mdat', Buffer.alloc(payloadBytes, decodeTime & 0xff));
  return { moof, mdat, whole: Buffer.concat([moof, mdat]) };
}

class FakeViewer implements VideoViewer {
  received: Buffer[] = [];
  backlog = 0;
  ended: string | null = null;
  send(bytes: Buffer): void {
    this.received.push(bytes);
  }
  bufferedBytes(): number {
    return this.backlog;
  }
  end(reason: 'restarted' | 'stopped'): void {
    this.ended = reason;
  }
  /** Top-level box types received, in order. */
  types(): string[] {
    return new Mp4BoxSplitter().push(Buffer.concat(this.received)).map((b) => b.type);
  }
  /** tfdt of each fragment received. */
  times(): number[] {
    const boxes = new Mp4BoxSplitter().push(Buffer.concat(this.received));
    return boxes.filter((b) => b.type === 'moof').map((b) => readFragment(b.bytes)!.baseDecodeTime!);
  }
}

describe('mp4 boxes', () => {
  test('the splitter reassembles boxes cut at any byte', () => {
    const stream = Buffer.concat([ftyp, moov(90000), fragment(0, true).whole, fragment(3000, false).whole]);
    for (const step of [1, 3, 7, 64, stream.length]) {
      const splitter = new Mp4BoxSplitter();
      const types: string[] = [];
      for (let at = 0; at < stream.length; at += step) types.push(...splitter.push(stream.subarray(at, at + step)).map((b) => b.type));
      assert.deepEqual(types, ['ftyp', 'moov', 'moof', 'mdat', 'moof', 'mdat'], `step ${step}`);
      assert.equal(splitter.bufferedBytes, 0);
    }
  });

  test('a size smaller than a header is refused (typed error)', () => {
    assert.throws(() => new Mp4BoxSplitter().push(u32(4, 0x6d6f6f66)), { code: 'MP4_BOX_INVALID' });
  });

  test('init: timescale, codec from avcC, trex default flags', () => {
    assert.deepEqual(readInit(moov(12800)), { timescale: 12800, codec: 'avc1.42c01e', defaultSampleFlags: NON_SYNC });
  });

  const fragments = [
    { name: 'keyframe stated in trun first-sample flags', moof: fragment(9000, true).moof, defaults: NON_SYNC, expected: { baseDecodeTime: 9000, startsWithKeyframe: true } },
    { name: 'trex default non-sync', moof: fragment(12000, false).moof, defaults: NON_SYNC, expected: { baseDecodeTime: 12000, startsWithKeyframe: false } },
    { name: 'no flags anywhere: sync', moof: fragment(0, false).moof, defaults: 0, expected: { baseDecodeTime: 0, startsWithKeyframe: true } },
  ];
  for (const c of fragments) test(`fragment: ${c.name}`, () => assert.deepEqual(readFragment(c.moof, c.defaults), c.expected));
  test('not a moof: null', () => assert.equal(readFragment(ftyp), null));
});

describe('VideoHub', () => {
  function feed(hub: VideoHub, ...parts: Buffer[]) {
    for (const part of parts) hub.push(part);
  }

  test('a viewer joining mid-stream gets the init segment and the group since the last keyframe, at once', () => {
    const hub = new VideoHub();
    feed(hub, ftyp, moov(90000), fragment(0, true).whole, fragment(1, false).whole, fragment(2, true).whole, fragment(3, false).whole);
    const viewer = new FakeViewer();
    hub.subscribe(viewer);
    assert.deepEqual(viewer.types().slice(0, 2), ['ftyp', 'moov']);
    assert.deepEqual(viewer.times(), [2, 3]);
    feed(hub, fragment(4, false).whole);
    assert.deepEqual(viewer.times(), [2, 3, 4]);
    assert.equal(hub.codec, 'avc1.42c01e');
  });

  test('a viewer before the init segment gets it when it comes, then starts at a keyframe', () => {
    const hub = new VideoHub();
    const viewer = new FakeViewer();
    hub.subscribe(viewer);
    feed(hub, ftyp, moov(90000), fragment(0, false).whole, fragment(1, true).whole);
    assert.deepEqual(viewer.times(), [1]);
    assert.equal(hub.stats().droppedFragments, 1);
  });

  test('a slow viewer loses fragments until the next keyframe (counted); a fast one loses none', () => {
    const hub = new VideoHub({ maxViewerBufferedBytes: 1000 });
    const slow = new FakeViewer();
    const fast = new FakeViewer();
    feed(hub, ftyp, moov(90000), fragment(0, true).whole);
    hub.subscribe(slow);
    hub.subscribe(fast);
    slow.backlog = 5000;
    feed(hub, fragment(1, false).whole);
    slow.backlog = 0; // caught up, but must wait for a keyframe
    feed(hub, fragment(2, false).whole, fragment(3, true).whole, fragment(4, false).whole);
    assert.deepEqual(slow.times(), [0, 3, 4]);
    assert.deepEqual(fast.times(), [0, 1, 2, 3, 4]);
    assert.equal(hub.stats().droppedFragments, 2);
  });

  test('memory is bounded: a keyframe group larger than maxKeptBytes is not kept (new viewers wait for a keyframe)', () => {
    const hub = new VideoHub({ maxKeptBytes: 500 });
    feed(hub, ftyp, moov(90000), fragment(0, true, 200).whole, fragment(1, false, 200).whole, fragment(2, false, 200).whole);
    assert.equal(hub.stats().keptBytes, 0);
    const viewer = new FakeViewer();
    hub.subscribe(viewer);
    assert.deepEqual(viewer.times(), []);
    feed(hub, fragment(3, false).whole, fragment(4, true).whole);
    assert.deepEqual(viewer.times(), [4]);
    assert.ok(hub.stats().keptBytes > 0 && hub.stats().keptBytes <= 500);
  });

  test('a viewer that leaves gets nothing more; restart ends the others; a corrupt stream ends them too', () => {
    const hub = new VideoHub();
    feed(hub, ftyp, moov(90000), fragment(0, true).whole);
    const leaving = new FakeViewer();
    const staying = new FakeViewer();
    const unsubscribe = hub.subscribe(leaving);
    hub.subscribe(staying);
    unsubscribe();
    feed(hub, fragment(1, false).whole);
    assert.deepEqual(leaving.times(), [0]);
    assert.equal(hub.stats().viewers, 1);
    hub.restart();
    assert.equal(staying.ended, 'restarted');
    assert.equal(hub.stats().viewers, 0);
    assert.equal(hub.codec, null);

    const after = new FakeViewer();
    hub.subscribe(after);
    feed(hub, u32(3, 0)); // a box of 3 bytes: not MP4
    assert.equal(after.ended, 'restarted');
    assert.equal(hub.stats().corruptStreams, 1);
    hub.restart();
    const next = new FakeViewer();
    hub.subscribe(next);
    feed(hub, ftyp, moov(90000), fragment(5, true).whole);
    assert.deepEqual(next.times(), [5]);
  });
  test('a viewer waiting for the first init segment (video made only while watched) survives the restart that starts it; counts are reported', () => {
    const counts: number[] = [];
    const hub = new VideoHub({ onViewerCount: (n) => counts.push(n) });
    const waiting = new FakeViewer();
    const unsubscribe = hub.subscribe(waiting); // no video yet: the camera starts making it now
    hub.restart(); // the new ffmpeg process with the display output
    assert.equal(waiting.ended, null);
    feed(hub, ftyp, moov(90000), fragment(0, true).whole);
    assert.deepEqual(waiting.times(), [0]);
    const second = new FakeViewer();
    const unsubscribeSecond = hub.subscribe(second);
    hub.restart(); // both have this stream's init: both must start again
    assert.equal(waiting.ended, 'restarted');
    assert.equal(second.ended, 'restarted');
    assert.equal(hub.viewerCount, 0);
    unsubscribe(); // already gone: no second report
    unsubscribeSecond();
    const third = new FakeViewer();
    hub.subscribe(third);
    hub.close();
    assert.equal(third.ended, 'stopped');
    assert.deepEqual(counts, [1, 2, 0, 1, 0]);
  });
});
