import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { hostVideoUrl } from '../../src-renderer/src/api/websocket.js';

describe('hostVideoUrl: a camera video address from the console WebSocket address', () => {
  const cases: Array<{ name: string; ws: string; id: number; session: string | null; stream: 'main' | 'sub'; expected: string }> = [
    { name: 'ws: stays ws:, token kept, session added', ws: 'ws://127.0.0.1:8080/ws?token=abc', id: 3, session: 's1', stream: 'main', expected: 'ws://127.0.0.1:8080/video/3?token=abc&session=s1' },
    { name: 'wss: stays wss:', ws: 'wss://host.example:9443/ws?token=abc', id: 12, session: 's2', stream: 'main', expected: 'wss://host.example:9443/video/12?token=abc&session=s2' },
    { name: 'an http: page address becomes ws:', ws: 'http://127.0.0.1:8080/ws?token=abc', id: 1, session: 's', stream: 'main', expected: 'ws://127.0.0.1:8080/video/1?token=abc&session=s' },
    { name: 'an https: page address becomes wss:', ws: 'https://h/ws?token=t', id: 1, session: 's', stream: 'main', expected: 'wss://h/video/1?token=t&session=s' },
    { name: 'the sub-stream is asked for by name', ws: 'ws://h:1/ws?token=t', id: 7, session: 's', stream: 'sub', expected: 'ws://h:1/video/7?token=t&session=s&stream=sub' },
    { name: 'no session yet: none sent', ws: 'ws://h:1/ws?token=t', id: 7, session: null, stream: 'main', expected: 'ws://h:1/video/7?token=t' },
  ];
  for (const c of cases) {
    test(c.name, () => {
      assert.equal(hostVideoUrl(c.ws, c.id, c.session, c.stream), c.expected);
    });
  }
});
