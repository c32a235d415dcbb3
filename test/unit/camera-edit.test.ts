import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { auditedUrl, cameraFieldChanges, credentialHosts, hostsOutsideLogin, type CameraFieldChanges, type EditableCamera } from '../../src-main/engine/cameras/camera-edit.js';
import type { CameraSource } from '../../src-preload/contract.js';

const rtsp = (url: string, subStreamUrl?: string): CameraSource => (subStreamUrl === undefined ? { kind: 'rtsp', url } : { kind: 'rtsp', url, subStreamUrl });

describe('where a camera\'s sealed login may be sent after an edit', () => {
  test('hosts of a source', () => {
    const table: Array<[string, CameraSource, string[]]> = [
      ['a file has none', { kind: 'file', path: '/v.mp4', loop: true }, []],
      ['a webcam has none', { kind: 'webcam', device: '0' }, []],
      ['main only, case folded', rtsp('rtsp://Cam.Example:554/s1'), ['cam.example']],
      ['main and sub on one host: once', rtsp('rtsp://10.0.0.5/main', 'rtsp://10.0.0.5:8554/sub'), ['10.0.0.5']],
      ['sub on another host', { kind: 'http', url: 'http://10.0.0.5/a', subStreamUrl: 'https://10.0.0.6/b' }, ['10.0.0.5', '10.0.0.6']],
      ['IPv6 literal', rtsp('rtsp://[fe80::1]:554/s'), ['[fe80::1]']],
    ];
    for (const [what, source, hosts] of table) assert.deepEqual(credentialHosts(source), hosts, what);
  });

  test('hosts outside the login: only a new host is refused (port, path, scheme or kind on the same host are fine)', () => {
    const table: Array<[string, CameraSource, CameraSource, string[]]> = [
      ['same URL', rtsp('rtsp://10.0.0.5/s1'), rtsp('rtsp://10.0.0.5/s1'), []],
      ['new path and port', rtsp('rtsp://10.0.0.5/s1'), rtsp('rtsp://10.0.0.5:8554/stream2'), []],
      ['rtsp to http on the same device', rtsp('rtsp://cam.local/s1'), { kind: 'http', url: 'http://CAM.local/video.mjpg' }, []],
      ['new IP', rtsp('rtsp://10.0.0.5/s1'), rtsp('rtsp://10.0.0.9/s1'), ['10.0.0.9']],
      ['a sub-stream added on another host', rtsp('rtsp://10.0.0.5/s1'), rtsp('rtsp://10.0.0.5/s1', 'rtsp://10.0.0.7/s2'), ['10.0.0.7']],
      ['main moved to where the sub-stream was', rtsp('rtsp://10.0.0.5/s1', 'rtsp://10.0.0.7/s2'), rtsp('rtsp://10.0.0.7/s1'), []],
      ['a name for the same address is another host (no lookups)', rtsp('rtsp://127.0.0.1/s1'), rtsp('rtsp://localhost/s1'), ['localhost']],
      ['to a file: nowhere to send it', rtsp('rtsp://10.0.0.5/s1'), { kind: 'file', path: '/v.mp4', loop: true }, []],
    ];
    for (const [what, before, after, outside] of table) assert.deepEqual(hostsOutsideLogin(before, after), outside, what);
  });
});

describe('what an edit changed, as the audit trail keeps it', () => {
  const gate: EditableCamera = { name: 'Gate', source: rtsp('rtsp://10.0.0.5:554/s1?token=SECRET42'), detectFps: 10 };

  test('audited URLs drop the query (tokens) and fragment', () => {
    assert.equal(auditedUrl('rtsp://10.0.0.5:554/s1?token=SECRET42#x'), 'rtsp://10.0.0.5:554/s1');
    assert.equal(auditedUrl('not a url'), '(not a valid URL)');
  });

  test('table', () => {
    const table: Array<[string, EditableCamera, CameraFieldChanges]> = [
      ['nothing', { ...gate }, {}],
      ['name and fps', { ...gate, name: 'Front gate', detectFps: 5 }, { name: { from: 'Gate', to: 'Front gate' }, detectFps: { from: 10, to: 5 } }],
      ['new IP', { ...gate, source: rtsp('rtsp://10.0.0.9:554/s1') }, { url: { from: 'rtsp://10.0.0.5:554/s1', to: 'rtsp://10.0.0.9:554/s1' } }],
      [
        'a sub-stream added',
        { ...gate, source: rtsp('rtsp://10.0.0.5:554/s1?token=SECRET42', 'rtsp://10.0.0.5:554/s2') },
        { subStreamUrl: { from: null, to: 'rtsp://10.0.0.5:554/s2' } },
      ],
      ['only the query changed: said, not shown', { ...gate, source: rtsp('rtsp://10.0.0.5:554/s1?token=OTHER') }, { source: { from: '(changed in a part not recorded)', to: '(changed in a part not recorded)' } }],
      [
        'to a file: the kind, the URL gone, the file name only',
        { ...gate, source: { kind: 'file', path: '/home/site/videos/lobby.mp4', loop: false } },
        {
          sourceKind: { from: 'rtsp', to: 'file' },
          url: { from: 'rtsp://10.0.0.5:554/s1', to: null },
          file: { from: null, to: 'lobby.mp4' },
          loop: { from: null, to: false },
        },
      ],
    ];
    for (const [what, after, expected] of table) {
      const got = cameraFieldChanges(gate, after);
      assert.deepEqual(got, expected, what);
      assert.ok(!JSON.stringify(got).includes('SECRET42'), `${what}: no token in the audit`);
    }
  });
});
