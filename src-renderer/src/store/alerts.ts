import { create } from 'zustand';
import type { Alert, AlertChange } from '../../../src-preload/contract';
import { describeError, getApi } from '../api';
import { beep } from '../lib/beep';

/** Cards shown over the wall at once; the rest are "N more". */
export const VISIBLE_CARDS = 3;
/** How long a camera tile's border flashes for a new alert. */
export const FLASH_MS = 4000;
/** At most one beep in this long, whatever the flood. */
export const BEEP_MIN_INTERVAL_MS = 5000;
/** Changes arriving close together are applied in one update (a flood must not re-render per alert). */
const BATCH_MS = 50;
const MAX_KEPT_ALERTS = 500;
const MAX_CARDS = 200;

interface AlertsSlice {
  alerts: Alert[];
  loading: boolean;
  loaded: boolean;
  error: string | null;
  /** Alert id whose acknowledge form is open. */
  acknowledging: number | null;
  busy: number | null;
  ackError: { id: number; message: string } | null;
  /** Beeps played (tests read it: the sound itself cannot be heard headless) and beeps held back by the rate limit. */
  beeps: number;
  beepsHeld: number;
  /** Open medium/high alerts raised or repeated while this console was open, most recent first: the wall's cards. */
  cardIds: number[];
  /** Face crops of alerts (data URLs), from the pushed event only: never stored. */
  faces: Record<number, string>;
  /** Cameras whose tile flashes (an alert there just now). */
  flashingCameraIds: number[];
  /** An alert opened from its card: the Alerts tab shows it. */
  focusAlertId: number | null;

  load(): Promise<void>;
  receive(change: AlertChange): void;
  startAcknowledge(id: number | null): void;
  acknowledge(id: number, note: string): Promise<void>;
  /** Opens the alert in the Alerts tab; opening it is acknowledging it. */
  openAlert(id: number): Promise<void>;
}

const raisedAt = (a: Alert) => Date.parse(a.lastRaisedAt) || Date.parse(a.createdAt);

function upsertAll(alerts: readonly Alert[], incoming: readonly Alert[]): Alert[] {
  const byId = new Map(alerts.map((a) => [a.id, a]));
  for (const alert of incoming) byId.set(alert.id, alert);
  return [...byId.values()].sort((a, b) => raisedAt(b) - raisedAt(a) || b.id - a.id).slice(0, MAX_KEPT_ALERTS);
}

/** Strip the event-only fields: the list keeps alerts as the contract stores them. */
function alertOf(change: AlertChange): Alert {
  const { change: _change, faceJpegBase64: _face, ...alert } = change;
  return alert;
}

export const needsAttention = (a: Alert) => !a.acknowledgedAt && a.priority !== 'low';

/** The badge: unacknowledged medium and high alerts (low ones are there in the list, not counted). */
export function attentionCount(alerts: readonly Alert[]): number {
  let n = 0;
  for (const a of alerts) if (needsAttention(a)) n++;
  return n;
}

/** The newest alert nobody has acknowledged yet (Alt+A acts on it). */
export function newestOpenAlert(alerts: readonly Alert[]): Alert | undefined {
  return alerts.find((a) => !a.acknowledgedAt);
}

let pending: AlertChange[] = [];
let batchTimer: ReturnType<typeof setTimeout> | null = null;
const flashTimers = new Map<number, ReturnType<typeof setTimeout>>();
let lastBeepAt = -Infinity;

export const useAlerts = create<AlertsSlice>()((set, get) => {
  function flash(cameraIds: number[]) {
    if (cameraIds.length === 0) return;
    for (const id of cameraIds) {
      const old = flashTimers.get(id);
      if (old) clearTimeout(old);
      flashTimers.set(
        id,
        setTimeout(() => {
          flashTimers.delete(id);
          set((s) => ({ flashingCameraIds: s.flashingCameraIds.filter((c) => c !== id) }));
        }, FLASH_MS),
      );
    }
    set((s) => ({ flashingCameraIds: [...new Set([...s.flashingCameraIds, ...cameraIds])] }));
  }

  function applyBatch() {
    batchTimer = null;
    const batch = pending;
    pending = [];
    if (batch.length === 0) return;
    const alerts = upsertAll(get().alerts, batch.map(alertOf));
    const byId = new Map(alerts.map((a) => [a.id, a]));
    const faces = { ...get().faces };
    // Cards: newest change on top, a repeat moves its card up; acknowledged ones leave.
    let cardIds = get().cardIds;
    const attention: AlertChange[] = [];
    for (const change of batch) {
      if (change.faceJpegBase64) faces[change.id] = `data:image/jpeg;base64,${change.faceJpegBase64}`;
      if ((change.change === 'raised' || change.change === 'repeated') && needsAttention(change)) {
        attention.push(change);
        cardIds = [change.id, ...cardIds.filter((id) => id !== change.id)];
      }
    }
    cardIds = cardIds.filter((id) => byId.get(id) && !byId.get(id)!.acknowledgedAt).slice(0, MAX_CARDS);
    for (const id of Object.keys(faces).map(Number)) if (!cardIds.includes(id)) delete faces[id];
    set({ alerts, cardIds, faces });
    flash([...new Set(attention.filter((c) => c.cameraId !== null && !byId.get(c.id)?.acknowledgedAt).map((c) => c.cameraId!))]);
    if (attention.some((c) => c.priority === 'high')) {
      const now = performance.now();
      if (now - lastBeepAt >= BEEP_MIN_INTERVAL_MS) {
        lastBeepAt = now;
        beep();
        set((s) => ({ beeps: s.beeps + 1 }));
      } else {
        set((s) => ({ beepsHeld: s.beepsHeld + 1 }));
      }
    }
  }

  return {
    alerts: [],
    loading: false,
    loaded: false,
    error: null,
    acknowledging: null,
    busy: null,
    ackError: null,
    beeps: 0,
    beepsHeld: 0,
    cardIds: [],
    faces: {},
    flashingCameraIds: [],
    focusAlertId: null,

    async load() {
      set({ loading: true });
      try {
        const alerts = await getApi().invoke('alerts.list', { limit: 200 });
        set((s) => {
          const merged = upsertAll(s.alerts, alerts);
          const open = new Set(merged.filter((a) => !a.acknowledgedAt).map((a) => a.id));
          return { alerts: merged, cardIds: s.cardIds.filter((id) => open.has(id)), loading: false, loaded: true, error: null };
        });
      } catch (error) {
        set({ loading: false, error: describeError(error) });
      }
    },

    receive(change) {
      pending.push(change);
      batchTimer ??= setTimeout(applyBatch, BATCH_MS);
    },

    startAcknowledge(id) {
      set({ acknowledging: id, ackError: null });
    },

    async acknowledge(id, note) {
      set({ busy: id, ackError: null });
      try {
        const alert = await getApi().invoke('alerts.acknowledge', note.trim() ? { id, note: note.trim() } : { id });
        set((s) => ({
          alerts: upsertAll(s.alerts, [alert]),
          cardIds: s.cardIds.filter((c) => c !== id),
          acknowledging: s.acknowledging === id ? null : s.acknowledging,
          busy: null,
        }));
      } catch (error) {
        set({ busy: null, ackError: { id, message: describeError(error) } });
        void get().load();
      }
    },

    async openAlert(id) {
      set({ focusAlertId: id });
      window.location.hash = 'alerts';
      await get().acknowledge(id, '');
    },
  };
});

/** Whether this camera's tile flashes for an alert just raised there (the tile adds a class). */
export function useCameraFlashing(cameraId: number): boolean {
  return useAlerts((s) => s.flashingCameraIds.includes(cameraId));
}
