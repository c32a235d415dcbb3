/**
 * Electron preload: the only code that touches ipcRenderer.
 *
 * It exposes `window.vigil` = { invoke, on } to the renderer through
 * contextBridge and forwards nothing but the channel and event names declared
 * in the contract. Wire protocol with the main process:
 *
 *   renderer -> main   ipcRenderer.invoke('vigil:invoke', channel, request)
 *                      main answers with the contract's Envelope
 *                      ({ ok: true, value } | { ok: false, error: { code, message } })
 *   main -> renderer   webContents.send('vigil:event', name, payload)
 *
 * Engine errors always arrive as envelopes; this bridge never throws for them.
 * If the IPC call itself fails (no handler, main crashed, non-cloneable data)
 * the bridge still answers with an INTERNAL envelope, so the renderer has one
 * error path.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { channels, events, type ChannelName, type Envelope, type EventName, PICK_FOLDER_CHANNEL } from './contract';

/** IPC channel for request/response calls (main: ipcMain.handle). */
export const INVOKE_CHANNEL = 'vigil:invoke';
/** IPC channel for pushed events (main: webContents.send(EVENT_CHANNEL, name, payload)). */
export const EVENT_CHANNEL = 'vigil:event';

const channelNames: ReadonlySet<string> = new Set(Object.keys(channels));
const eventNames: ReadonlySet<string> = new Set(Object.keys(events));

function fail(code: 'BAD_REQUEST' | 'INTERNAL', message: string): Envelope<unknown> {
  return { ok: false, error: { code, message } };
}

function isEnvelope(value: unknown): value is Envelope<unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as { ok?: unknown; error?: unknown };
  if (v.ok === true) return 'value' in v;
  return v.ok === false && typeof v.error === 'object' && v.error !== null;
}

// One IPC subscription fans out to the renderer's listeners, per event name.
type Listener = (payload: unknown) => void;
const listeners = new Map<string, Set<Listener>>();
ipcRenderer.on(EVENT_CHANNEL, (_event: unknown, name: unknown, payload: unknown) => {
  if (typeof name !== 'string') return;
  const set = listeners.get(name);
  if (!set) return;
  for (const listener of [...set]) {
    try {
      listener(payload);
    } catch (error) {
      console.error(`[vigil preload] a '${name}' listener failed`, error);
    }
  }
});

const bridge = {
  async invoke(channel: ChannelName, request: unknown): Promise<Envelope<unknown>> {
    if (typeof channel !== 'string' || !channelNames.has(channel)) {
      return fail('BAD_REQUEST', `Unknown channel: ${String(channel)}`);
    }
    try {
      const answer = await ipcRenderer.invoke(INVOKE_CHANNEL, channel, request ?? {});
      return isEnvelope(answer) ? answer : fail('INTERNAL', `The main process sent a malformed answer to ${channel}`);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return fail('INTERNAL', `The call to ${channel} failed in Electron IPC: ${message}`);
    }
  },

  /** The OS folder dialog, for bulk import (see PICK_FOLDER_CHANNEL): the chosen path or null. */
  async pickFolder(): Promise<Envelope<unknown>> {
    try {
      const answer = await ipcRenderer.invoke(PICK_FOLDER_CHANNEL);
      return isEnvelope(answer) ? answer : fail('INTERNAL', 'The main process sent a malformed answer to the folder dialog');
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return fail('INTERNAL', `The folder dialog failed in Electron IPC: ${message}`);
    }
  },

  on(eventName: EventName, listener: (payload: unknown) => void): () => void {
    if (typeof eventName !== 'string' || !eventNames.has(eventName)) {
      throw new Error(`Unknown event: ${String(eventName)}`);
    }
    if (typeof listener !== 'function') throw new Error('on() needs a listener function');
    let set = listeners.get(eventName);
    if (!set) {
      set = new Set();
      listeners.set(eventName, set);
    }
    set.add(listener);
    return () => {
      listeners.get(eventName)?.delete(listener);
    };
  },
};

contextBridge.exposeInMainWorld('vigil', bridge);
