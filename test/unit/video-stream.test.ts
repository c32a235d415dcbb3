import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FAST_RATE, initSegmentLength, MEDIA_ERR_DECODE, MEDIA_ERR_SRC_NOT_SUPPORTED, mediaErrorAction, mimeFromInitSegment, playbackDecision, SLOW_RATE, tileStream } from '../../src-renderer/src/live/video-stream.js';
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

  // range: buffered [start, end]; analysed: newest analysed frame's time (null: unknown); rate: the element's rate now.
  const edges: Array<{ name: string; range: [number, number]; time: number; analysed?: number | null; rate?: number; seekTo: number | null; removeBefore: number | null; playbackRate: number }> = [
    { name: 'playhead before the buffer: start inside it', range: [0.85, 2], time: 0, seekTo: 0.85, removeBefore: null, playbackRate: 1 },
    { name: 'near the live edge, no analysis known: keep playing', range: [0.85, 2], time: 1.5, seekTo: null, removeBefore: null, playbackRate: 1 },
    { name: 'a backlog (over 3 s behind), no analysis: jump to 0.3 s behind the edge', range: [0, 5], time: 1.5, seekTo: 4.7, removeBefore: null, playbackRate: 1 },
    { name: 'a backlog, analysis 0.5 s behind the edge: jump to 0.1 s behind the analysis', range: [0, 5], time: 1.5, analysed: 4.5, seekTo: 4.4, removeBefore: null, playbackRate: 1 },
    { name: 'a backlog, analysis far behind: jump to 0.3 s behind the edge (the picture does not wait for a stalled analysis)', range: [0, 5], time: 1.5, analysed: 2, seekTo: 4.7, removeBefore: null, playbackRate: 1 },
    { name: '1.5 s behind: play faster instead of skipping frames', range: [0, 5], time: 3.5, seekTo: null, removeBefore: null, playbackRate: FAST_RATE },
    { name: 'catching up goes on until 0.7 s behind', range: [0, 5], time: 4.2, rate: FAST_RATE, seekTo: null, removeBefore: null, playbackRate: FAST_RATE },
    { name: 'caught up: normal speed', range: [0, 5], time: 4.4, rate: FAST_RATE, seekTo: null, removeBefore: null, playbackRate: 1 },
    { name: 'video ahead of the analysis: wait for it (slower)', range: [0, 5], time: 4.7, analysed: 4.6, seekTo: null, removeBefore: null, playbackRate: SLOW_RATE },
    { name: 'video just behind the analysis, not waiting: normal speed', range: [0, 5], time: 4.45, analysed: 4.6, seekTo: null, removeBefore: null, playbackRate: 1 },
    { name: 'waiting goes on until 0.2 s behind the analysis', range: [0, 5], time: 4.45, analysed: 4.6, rate: SLOW_RATE, seekTo: null, removeBefore: null, playbackRate: SLOW_RATE },
    { name: 'waited enough: normal speed', range: [0, 5], time: 4.35, analysed: 4.6, rate: SLOW_RATE, seekTo: null, removeBefore: null, playbackRate: 1 },
    { name: 'analysis stalled: never wait past 1 s behind the edge', range: [0, 5], time: 3.95, analysed: 2, rate: SLOW_RATE, seekTo: null, removeBefore: null, playbackRate: 1 },
    { name: 'long past media is trimmed', range: [0, 30], time: 29.8, seekTo: null, removeBefore: 19.8, playbackRate: 1 },
  ];
  for (const c of edges) {
    test(`playback: ${c.name}`, () => {
      const d = playbackDecision({ bufferedStart: c.range[0], bufferedEnd: c.range[1], currentTime: c.time, analysedUpToS: c.analysed ?? null, playbackRate: c.rate ?? 1 });
      assert.equal(d.seekTo === null ? null : Math.round(d.seekTo * 1000) / 1000, c.seekTo);
      assert.equal(d.removeBefore === null ? null : Math.round(d.removeBefore * 1000) / 1000, c.removeBefore);
      assert.equal(d.playbackRate, c.playbackRate);
    });
  }
  test('playback: a tile following the decisions settles just behind the analysis and stays at the camera rate', () => {
    // Simulated 30 s: fragments of 0.2 s arrive 0.25 s after their last frame; faces arrive 0.35 s
    // after their frame. The playhead starts at the live edge (ahead of the analysis).
    let time = 0.95;
    let rate = 1;
    let shownS = 0;
    const leads: number[] = [];
    for (let now = 1; now < 31; now += 0.1) {
      const bufferedEnd = Math.floor((now - 0.25) / 0.2) * 0.2;
      const analysedUpTo = Math.floor((now - 0.35) * 10) / 10;
      const d = playbackDecision({ bufferedStart: 0, bufferedEnd, currentTime: time, analysedUpToS: analysedUpTo, playbackRate: rate });
      rate = d.playbackRate;
      if (d.seekTo !== null) time = d.seekTo;
      const step = Math.min(0.1 * rate, Math.max(0, bufferedEnd - time));
      time += step;
      shownS += step;
      if (now > 11) leads.push(time - analysedUpTo);
    }
    assert.ok(Math.max(...leads) <= 0, `the playhead stays behind the newest analysed frame (worst lead ${Math.max(...leads).toFixed(2)} s)`);
    assert.ok(shownS / 30 >= 0.9, `media shown per second of wall time ${(shownS / 30).toFixed(2)}`);
  });
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
