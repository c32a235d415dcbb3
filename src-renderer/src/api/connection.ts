/** How the renderer talks to the engine, and whether that works right now. */
export type Transport = 'electron' | 'websocket';

export type ConnectionState = 'connecting' | 'open' | 'closed';

export interface ConnectionInfo {
  transport: Transport;
  state: ConnectionState;
  /** Where we connect to, with the token masked (WebSocket only). */
  endpoint: string | null;
  /** False when the page address carries no ?token= (the host will refuse us). */
  hasToken: boolean;
  /** Failed attempts since the last successful connection. */
  failures: number;
  /** Epoch ms of the next automatic attempt, when state is 'closed'. */
  nextRetryAt: number | null;
  /** Whether we were connected at least once (to word the banner: lost vs never reached). */
  everConnected: boolean;
  /** How many times the connection has been (re)established: a change means "reload data". */
  generation: number;
}

export type ConnectionListener = (info: ConnectionInfo) => void;
