import { create } from 'zustand';
import type { Alert } from '../../../src-preload/contract';
import { describeError, getApi } from '../api';
import { beep } from '../lib/beep';

interface AlertsSlice {
  alerts: Alert[];
  loading: boolean;
  loaded: boolean;
  error: string | null;
  /** Alert id whose acknowledge form is open. */
  acknowledging: number | null;
  busy: number | null;
  ackError: { id: number; message: string } | null;
  /** Beeps counted (tests read it: the sound itself cannot be heard headless). */
  beeps: number;

  load(): Promise<void>;
  receive(alert: Alert): void;
  startAcknowledge(id: number | null): void;
  acknowledge(id: number, note: string): Promise<void>;
}

function upsert(alerts: Alert[], alert: Alert): Alert[] {
  const next = alerts.filter((a) => a.id !== alert.id);
  next.push(alert);
  return next.sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt) || b.id - a.id).slice(0, 500);
}

export const useAlerts = create<AlertsSlice>()((set, get) => ({
  alerts: [],
  loading: false,
  loaded: false,
  error: null,
  acknowledging: null,
  busy: null,
  ackError: null,
  beeps: 0,

  async load() {
    set({ loading: true });
    try {
      const alerts = await getApi().invoke('alerts.list', { limit: 200 });
      set((s) => ({ alerts: alerts.reduce(upsert, s.alerts), loading: false, loaded: true, error: null }));
    } catch (error) {
      set({ loading: false, error: describeError(error) });
    }
  },

  receive(alert) {
    const isNew = !get().alerts.some((a) => a.id === alert.id);
    set((s) => ({ alerts: upsert(s.alerts, alert) }));
    if (isNew && alert.priority === 'high' && !alert.acknowledgedAt) {
      beep();
      set((s) => ({ beeps: s.beeps + 1 }));
    }
  },

  startAcknowledge(id) {
    set({ acknowledging: id, ackError: null });
  },

  async acknowledge(id, note) {
    set({ busy: id, ackError: null });
    try {
      const alert = await getApi().invoke('alerts.acknowledge', note.trim() ? { id, note: note.trim() } : { id });
      set((s) => ({ alerts: upsert(s.alerts, alert), acknowledging: null, busy: null }));
    } catch (error) {
      set({ busy: null, ackError: { id, message: describeError(error) } });
      void get().load();
    }
  },
}));

/** The newest alert nobody has acknowledged yet (Alt+A acts on it). */
export function newestOpenAlert(alerts: readonly Alert[]): Alert | undefined {
  return alerts.find((a) => !a.acknowledgedAt);
}
