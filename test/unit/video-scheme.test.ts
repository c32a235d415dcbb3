import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { LiveService } from '../../src-main/engine/live/live-service.js';
import { VideoHub } from '../../src-main/engine/live/video-hub.js';
import { cameraIdFromVideoUrl, videoRequestFromUrl, videoResponse } from '../../src-main/electron/video-scheme.js';

describe('vigil-video scheme', () => {
  const urls: Array<[string, number | null]> = [
    ['vigil-video://camera/7', 7],
    ['vigil-video://camera/7/', 7],
    ['vigil-video://camera/abc', null],
    ['vigil-video://camera/7/x', null],
    ['vigil-video://other/7', null],
    ['vigil-app://camera/7', null],
    ['vigil-video://camera/1234567890', null],
    ['not a url', null],
  ];
  for (const [url, expected] of urls) test(`${url} -> ${expected}`, () => assert.equal(cameraIdFromVideoUrl(url), expected));

  test('main stream or sub-stream: table', () => {
    const table: Array<[string, ReturnType<typeof videoRequestFromUrl>]> = [
      ['vigil-video://camera/7', { cameraId: 7, stream: 'main' }],
      ['vigil-video://camera/7/sub', { cameraId: 7, stream: 'sub' }],
      ['vigil-video://camera/7/sub/', { cameraId: 7, stream: 'sub' }],
      ['vigil-video://camera/7/main', null],
      ['vigil-video://camera/7/sub/x', null],
      ['vigil-video://camera/sub', null],
    ];
    for (const [url, expected] of table) assert.deepEqual(videoRequestFromUrl(url), expected, url);
  });

  test('a sub-stream request is served from the sub-stream hub; none: 404', () => {
    const mainHub = new VideoHub();
    const subHub = new VideoHub();
    const live = {
      videoHub: (id: number, stream: 'main' | 'sub' = 'main') => (id === 3 ? (stream === 'sub' ? subHub : mainHub) : id === 4 && stream === 'main' ? mainHub : null),
      subscribeVideo: (id: number, viewer: Parameters<VideoHub['subscribe']>[0], stream: 'main' | 'sub' = 'main') => (stream === 'sub' ? subHub : mainHub).subscribe(viewer),
    } as unknown as LiveService;
    const response = videoResponse(live, 'vigil-video://camera/3/sub', 'vigil-app://console');
    assert.equal(response.status, 200);
    assert.deepEqual([subHub.stats().viewers, mainHub.stats().viewers], [1, 0]);
    assert.equal(videoResponse(live, 'vigil-video://camera/4/sub', 'vigil-app://console').status, 404, 'a camera without a sub-stream');
  });

  test('a running camera streams its hub; a cancelled reader is removed from the hub; others get 400/404', async () => {
    const hub = new VideoHub();
    const live = {
      videoHub: (id: number) => (id === 3 ? hub : null),
      subscribeVideo: (id: number, viewer: Parameters<VideoHub['subscribe']>[0]) => (id === 3 ? hub.subscribe(viewer) : null),
    } as unknown as LiveService;
    assert.equal(videoResponse(live, 'vigil-video://camera/x', 'vigil-app://console').status, 400);
    assert.equal(videoResponse(live, 'vigil-video://camera/4', 'vigil-app://console').status, 404);
    const response = videoResponse(live, 'vigil-video://camera/3', 'vigil-app://console');
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'video/mp4');
    assert.equal(response.headers.get('access-control-allow-origin'), 'vigil-app://console');
    const reader = response.body!.getReader();
    assert.equal(hub.stats().viewers, 1);
    const ftyp = Buffer.from([0, 0, 0, 12, 0x66, 0x74, 0x79, 0x70, 0x69, 0x73, 0x6f, 0x6d]);
    const moov = Buffer.from([0, 0, 0, 8, 0x6d, 0x6f, 0x6f, 0x76]);
    hub.push(Buffer.concat([ftyp, moov]));
    const { value } = await reader.read();
    assert.equal(Buffer.from(value!).toString('latin1', 4, 8), 'ftyp');
    await reader.cancel();
    assert.equal(hub.stats().viewers, 0);
  });
});
