/**
 * Operators for tests that talk to the engine as a console does: a site admin created in the
 * engine (as the first-run screen or the CLI would), and a WebSocket console that signs in.
 */
import WebSocket from 'ws';
import type { Envelope, EventName, Role, WsServerMessage } from '../../src-preload/contract.js';
import type { Engine } from '../../src-main/engine/engine.js';

export const TEST_ADMIN = { name: 'admin', password: 'correct horse battery' } as const;
export const TEST_PASSWORD = 'a long enough test password';

/** Creates the operator unless one of that name exists; returns the name and password to sign in with. */
export async function ensureOperator(
  engine: Engine,
  name: string = TEST_ADMIN.name,
  role: Role = 'admin',
  password: string = name === TEST_ADMIN.name ? TEST_ADMIN.password : TEST_PASSWORD,
): Promise<{ name: string; password: string; id: number }> {
  const existing = engine.operators.findByName(name);
  const id = existing?.id ?? (await engine.operators.add({ name, displayName: name, role, password }, 'test set-up')).id;
  return { name, password, id };
}

export interface TestConsole {
  ws: WebSocket;
  /** Sends a request and resolves with its envelope (never throws for engine errors). */
  call(channel: string, request?: unknown): Promise<Envelope<unknown>>;
  /** Events received so far, in order. */
  events: Array<{ name: EventName; payload: unknown }>;
  close(): Promise<void>;
}

/** A WebSocket console on the host at `port` with its access token (not signed in yet). */
export async function openConsole(port: number, token: string): Promise<TestConsole> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws?token=${token}`);
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  let nextId = 1;
  const waiting = new Map<number, (envelope: Envelope<unknown>) => void>();
  const events: TestConsole['events'] = [];
  ws.on('message', (data) => {
    const message = JSON.parse(data.toString()) as WsServerMessage;
    if (message.type === 'event') events.push({ name: message.name, payload: message.payload });
    else waiting.get(message.id)?.(message.envelope);
  });
  return {
    ws,
    events,
    call(channel, request = {}) {
      const id = nextId++;
      return new Promise((resolve) => {
        waiting.set(id, resolve);
        ws.send(JSON.stringify({ id, channel, request }));
      });
    },
    close: () =>
      new Promise((resolve) => {
        if (ws.readyState === ws.CLOSED) resolve();
        else {
          ws.once('close', () => resolve());
          ws.close();
        }
      }),
  };
}

/** A console signed in as `who` (default: the test admin, created when missing). */
export async function signedInConsole(
  server: { port: number; token: string; engine: Engine },
  who?: { name: string; password: string },
): Promise<TestConsole> {
  const account = who ?? (await ensureOperator(server.engine));
  const client = await openConsole(server.port, server.token);
  const envelope = await client.call('session.login', { name: account.name, password: account.password });
  if (!envelope.ok) throw new Error(`sign-in as ${account.name} failed: ${envelope.error.code} ${envelope.error.message}`);
  return client;
}
