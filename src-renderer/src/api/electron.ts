import { type ChannelName, type EventName, type EventOf, pickFolderResponseSchema, type RequestOf, type ResponseOf } from '../../../src-preload/contract';
import type { VigilBridge } from './bridge';
import type { ConnectionInfo, ConnectionListener } from './connection';
import { EngineUnavailableError } from './errors';
import type { VigilClient } from './types';
import { parseEvent, unwrapAnswer, unwrapEnvelope } from './validate';

/** The main process streams each camera's video on this scheme (protocol.handle in main.ts). */
export function electronVideoUrl(cameraId: number, stream: 'main' | 'sub' = 'main'): string {
  return `vigil-video://camera/${cameraId}${stream === 'sub' ? '/sub' : ''}`;
}

/** The folder dialog's answer, checked like any channel's: a path, or null when cancelled. */
async function pickFolderThrough(bridge: VigilBridge): Promise<string | null> {
  let envelope: unknown;
  try {
    envelope = await bridge.pickFolder!();
  } catch (error) {
    throw new EngineUnavailableError(`the folder dialog failed in the Electron bridge (${error instanceof Error ? error.message : String(error)})`);
  }
  return unwrapAnswer('the folder dialog', envelope, pickFolderResponseSchema);
}

/** VigilApi over the Electron preload bridge (window.vigil). Always "connected". */
export function createElectronClient(bridge: VigilBridge): VigilClient {
  const info: ConnectionInfo = {
    transport: 'electron',
    state: 'open',
    endpoint: null,
    hasToken: true,
    failures: 0,
    nextRetryAt: null,
    everConnected: true,
    generation: 1,
  };

  return {
    async invoke<C extends ChannelName>(name: C, request: RequestOf<C>): Promise<ResponseOf<C>> {
      let envelope: unknown;
      try {
        envelope = await bridge.invoke(name, request);
      } catch (error) {
        // The bridge itself never rejects for engine errors; this is an IPC failure.
        const detail = error instanceof Error ? error.message : String(error);
        throw new EngineUnavailableError(`the call to ${name} failed in the Electron bridge (${detail})`);
      }
      return unwrapEnvelope(name, envelope);
    },
    on<E extends EventName>(name: E, listener: (event: EventOf<E>) => void): () => void {
      return bridge.on(name, (payload) => {
        const event = parseEvent(name, payload);
        if (event !== undefined) listener(event);
      });
    },
    getConnection: () => info,
    videoUrl: (cameraId, stream) => electronVideoUrl(cameraId, stream),
    ...(bridge.pickFolder ? { pickFolder: () => pickFolderThrough(bridge) } : {}),
    onConnection(_listener: ConnectionListener) {
      return () => {};
    },
    reconnectNow() {},
    // The Electron window is one console for the main process's whole life: nothing to resume.
    setResumeToken() {},
    dispose() {},
  };
}
