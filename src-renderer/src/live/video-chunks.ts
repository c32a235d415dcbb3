/**
 * A camera's live fragmented MP4, read piece by piece, whatever carries it: a WebSocket (ws:, wss:;
 * the headless host, where a browser's six HTTP/1.1 connections per host would cap a wall at six
 * endless GET bodies) or a streamed fetch (the desktop app's vigil-video: scheme). Both give the
 * same reader: `read()` resolves with the next piece, or `done` when the stream ended (the camera
 * stopped or restarted); it rejects when the stream could not be opened or broke.
 */
export interface VideoChunkReader {
  read(): Promise<{ done: true; value?: undefined } | { done: false; value: Uint8Array }>;
}

/** The socket closed this way: the camera's stream ended as it should (stopped, restarted). */
const NORMAL_CLOSE = 1000;

export async function openVideoChunks(url: string, signal: AbortSignal): Promise<VideoChunkReader> {
  if (url.startsWith('ws:') || url.startsWith('wss:')) return openSocketChunks(url, signal);
  const response = await fetch(url, { signal, cache: 'no-store' });
  if (!response.ok || response.body === null) throw new Error(`HTTP ${response.status}`);
  return response.body.getReader() as VideoChunkReader;
}

function openSocketChunks(url: string, signal: AbortSignal): Promise<VideoChunkReader> {
  return new Promise((resolveOpen, rejectOpen) => {
    const socket = new WebSocket(url);
    socket.binaryType = 'arraybuffer';
    /** Pieces received and not read yet (the player reads as fast as it appends). */
    const received: Uint8Array[] = [];
    let ended: { error: Error | null } | null = null;
    let waiting: { resolve: (r: { done: true } | { done: false; value: Uint8Array }) => void; reject: (e: Error) => void } | null = null;
    let opened = false;

    const finish = (error: Error | null) => {
      if (ended) return;
      ended = { error };
      if (!opened) {
        rejectOpen(error ?? new Error('The video socket closed before it opened'));
        return;
      }
      if (waiting && received.length === 0) {
        const w = waiting;
        waiting = null;
        if (error) w.reject(error);
        else w.resolve({ done: true });
      }
    };
    const onAbort = () => {
      socket.close();
      finish(new DOMException('Aborted', 'AbortError'));
    };
    if (signal.aborted) {
      onAbort();
      return;
    }
    signal.addEventListener('abort', onAbort, { once: true });

    socket.onopen = () => {
      opened = true;
      resolveOpen({
        read: () => {
          const next = received.shift();
          if (next !== undefined) return Promise.resolve({ done: false, value: next });
          if (ended) return ended.error ? Promise.reject(ended.error) : Promise.resolve({ done: true });
          return new Promise((resolve, reject) => (waiting = { resolve, reject }));
        },
      });
    };
    socket.onmessage = (event: MessageEvent) => {
      if (!(event.data instanceof ArrayBuffer)) return;
      const piece = new Uint8Array(event.data);
      if (waiting) {
        const w = waiting;
        waiting = null;
        w.resolve({ done: false, value: piece });
      } else received.push(piece);
    };
    socket.onclose = (event: CloseEvent) => {
      signal.removeEventListener('abort', onAbort);
      finish(event.code === NORMAL_CLOSE ? null : new Error(`video socket closed (${event.code}${event.reason ? `: ${event.reason}` : ''})`));
    };
    // An error is always followed by close, which says how it ended.
    socket.onerror = () => {};
  });
}
