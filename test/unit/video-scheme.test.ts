import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { LiveService } from '../../src-main/engine/live/live-service.js';
import { VideoHub } from '../../src-main/engine/live/video-hub.js';
import { cameraIdFromVideoUrl, videoResponse } from '../../src-main/electron/video-scheme.js';

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
