import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { separateCameraCredentials, type SeparatedCameraUrls } from '../../src-main/engine/cameras/camera-urls.js';

const admin = { username: 'admin', password: 'p@ss:w/rd' };

describe('a camera\'s main and sub-stream URLs and its one login', () => {
  test('table', () => {
    const table: Array<[string, string, string | undefined, typeof admin | undefined, SeparatedCameraUrls]> = [
      ['no sub-stream, no login', 'rtsp://cam/main', undefined, undefined, { ok: true, url: 'rtsp://cam/main', subStreamUrl: undefined, credentials: null }],
      ['login in its fields', 'rtsp://cam/main', 'rtsp://cam/sub', admin, { ok: true, url: 'rtsp://cam/main', subStreamUrl: 'rtsp://cam/sub', credentials: admin }],
      ['login in the main URL: taken out of it', 'rtsp://admin:p%40ss%3Aw%2Frd@cam/main', 'rtsp://cam/sub', undefined, { ok: true, url: 'rtsp://cam/main', subStreamUrl: 'rtsp://cam/sub', credentials: admin }],
      ['login in the sub-stream URL only: it is the camera\'s', 'rtsp://cam/main', 'rtsp://admin:p%40ss%3Aw%2Frd@cam/sub', undefined, { ok: true, url: 'rtsp://cam/main', subStreamUrl: 'rtsp://cam/sub', credentials: admin }],
      ['the same login in both URLs', 'http://admin:p%40ss%3Aw%2Frd@cam/a', 'http://admin:p%40ss%3Aw%2Frd@cam/b', undefined, { ok: true, url: 'http://cam/a', subStreamUrl: 'http://cam/b', credentials: admin }],
      ['different logins in the URLs', 'rtsp://a:1@cam/main', 'rtsp://a:2@cam/sub', undefined, { ok: false, problem: 'CREDENTIALS_DIFFER' }],
      ['fields and the main URL', 'rtsp://a:1@cam/main', undefined, admin, { ok: false, problem: 'CREDENTIALS_TWICE' }],
      ['fields and the sub-stream URL', 'rtsp://cam/main', 'rtsp://a:1@cam/sub', admin, { ok: false, problem: 'CREDENTIALS_TWICE' }],
    ];
    for (const [what, url, sub, given, expected] of table) assert.deepEqual(separateCameraCredentials(url, sub, given), expected, what);
  });
});
