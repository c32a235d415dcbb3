import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { initSegmentLength, liveEdgeDecision, MEDIA_ERR_DECODE, MEDIA_ERR_SRC_NOT_SUPPORTED, mediaErrorAction, mimeFromInitSegment, tileStream } from '../../src-renderer/src/live/video-stream.js';
import type { CameraSource } from '../../src-preload/contract.js';

function box(type: string, payload: number[] = []): number[] {
  const size = 8 + payload.length;
  return [(size >>> 24) & 255, (size >>> 16) & 255, (size >>> 8) & 255, size & 255, ...Buffer.from(type, 'latin1'), ...payload];
}

describe('video stream helpers', () => {
  const ftyp = box('ftyp', [0x69, 0x73, 0x6f, 0x6d]);
  const moov = box('moov', box('avcC', [1, 0x64, 0x00, 0x1f, 0xff]));
  test('codec from the avcC of the init segment', () => {
    assert.equal(mimeFromInitSegment(Uint8Array.from([...ftyp, ...moov])), 'video/mp4; codecs="avc1.64001f"');
    assert.equal(mimeFromInitSegment(Uint8Array.from(ftyp)), null);
  });
  const lengths: Array<{ name: string; bytes: number[]; expected: number | null }> = [
    { name: 'ftyp+moov then a fragment', bytes: [...ftyp, ...moov, ...box('moof')], expected: ftyp.length + moov.length },
    { name: 'moov not complete yet', bytes: [...ftyp, ...moov.slice(0, 10)], expected: null },
    { name: 'garbage size', bytes: [0, 0, 0, 2, 1, 2, 3, 4], expected: null },
  ];
  for (const c of lengths) test(`init length: ${c.name}`, () => assert.equal(initSegmentLength(Uint8Array.from(c.bytes)), c.expected));

  const edges = [
    { name: 'playhead before the buffer: start inside it', range: [0.85, 2], time: 0, seekTo: 0.85, removeBefore: null },
    { name: 'near the live edge: keep playing', range: [0.85, 2], time: 1.5, seekTo: null, removeBefore: null },
    { name: 'more than 1 s behind: jump to 0.3 s behind the edge', range: [0, 5], time: 3.5, seekTo: 4.7, removeBefore: null },
    { name: 'long past media is trimmed', range: [0, 30], time: 29.8, seekTo: null, removeBefore: 19.8 },
  ];
  for (const c of edges) {
    test(`live edge: ${c.name}`, () => {
      const d = liveEdgeDecision(c.range[0]!, c.range[1]!, c.time);
      assert.equal(d.seekTo === null ? null : Math.round(d.seekTo * 1000) / 1000, c.seekTo);
      assert.equal(d.removeBefore === null ? null : Math.round(d.removeBefore * 1000) / 1000, c.removeBefore);
    });
  }
});

describe('what a failed <video> means for a live tile', () => {
  test('table: only the runtime refusing the stream before any picture is "unsupported"', () => {
    const table: Array<[number | null | undefined, boolean, 'unsupported' | 'retry']> = [
      [MEDIA_ERR_SRC_NOT_SUPPORTED, false, 'unsupported'],
      // It played: a damaged fragment, not a codec this runtime lacks.
      [MEDIA_ERR_SRC_NOT_SUPPORTED, true, 'retry'],
      [MEDIA_ERR_DECODE, false, 'retry'],
      [MEDIA_ERR_DECODE, true, 'retry'],
      [1, false, 'retry'], // aborted
      [2, false, 'retry'], // network
      [null, false, 'retry'],
      [undefined, false, 'retry'],
    ];
    for (const [code, shown, expected] of table) assert.equal(mediaErrorAction(code, shown), expected, `code ${code}, picture shown ${shown}`);
  });
});

describe('which stream a tile plays', () => {
  test('table: the sub-stream in the grid when there is one; the main stream maximised', () => {
    const table: Array<[CameraSource, boolean, 'main' | 'sub']> = [
      [{ kind: 'rtsp', url: 'rtsp://cam/1', subStreamUrl: 'rtsp://cam/2' }, false, 'sub'],
      [{ kind: 'rtsp', url: 'rtsp://cam/1', subStreamUrl: 'rtsp://cam/2' }, true, 'main'],
      [{ kind: 'http', url: 'http://cam/1', subStreamUrl: 'http://cam/2' }, false, 'sub'],
      [{ kind: 'rtsp', url: 'rtsp://cam/1' }, false, 'main'],
      [{ kind: 'file', path: '/v.mp4', loop: true }, false, 'main'],
      [{ kind: 'webcam', device: '0' }, false, 'main'],
    ];
    for (const [source, maximised, expected] of table) assert.equal(tileStream({ source }, maximised), expected, `${JSON.stringify(source)} maximised=${maximised}`);
  });
});
