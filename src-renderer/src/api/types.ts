import type { VigilApi } from '../../../src-preload/contract';
import type { ConnectionInfo, ConnectionListener } from './connection';

/** The contract's VigilApi plus what the UI needs to show the connection state. */
export interface VigilClient extends VigilApi {
  getConnection(): ConnectionInfo;
  onConnection(listener: ConnectionListener): () => void;
  /** Try to connect again right away (the banner's "Retry now"). No-op when connected. */
  reconnectNow(): void;
  /**
   * The session to carry on in after a reconnection (WebSocket: sent as session.resume before
   * anything else on each new socket); null after sign-out. Kept in memory only.
   */
  setResumeToken(token: string | null): void;
  /**
   * Where a camera's live video (fragmented MP4, endless body) is fetched from: the host's
   * /video/<id>?token=... over the WebSocket transport, vigil-video://camera/<id> in Electron.
   * `stream` 'sub': the camera's sub-stream (smaller, for tiles) instead of its main stream.
   */
  videoUrl(cameraId: number, stream?: 'main' | 'sub'): string;
  /**
   * The desktop app's folder dialog for bulk import: the chosen folder (this session may then
   * import from it) or null when cancelled. Absent in a browser console.
   */
  pickFolder?(): Promise<string | null>;
  /** Close the transport for good (tests, hot reload). */
  dispose(): void;
}
