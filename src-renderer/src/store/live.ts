import { create } from 'zustand';
import type { EventOf } from '../../../src-preload/contract';
import { getApi } from '../api';

export type LiveFaces = EventOf<'live.faces'>;

/** Analysed frames kept per camera for the overlay (about 6 s at 10 fps: the video is at most ~1 s behind). */
export const FACE_HISTORY_LENGTH = 64;

interface LiveSlice {
  /** The latest analysed frame's faces per camera id (the face list under the tile). */
  frames: Record<number, LiveFaces>;
  /** Recent analysed frames per camera, oldest first: the overlay picks the one matching the video frame on screen. */
  history: Record<number, readonly LiveFaces[]>;
  receiveFrame(frame: LiveFaces): void;
  forget(cameraId: number): void;
  retain(cameraIds: readonly number[]): void;
}

function without<T>(record: Record<number, T>, ids: readonly number[]): Record<number, T> {
  const copy = { ...record };
  for (const id of ids) delete copy[id];
  return copy;
}

export const useLive = create<LiveSlice>()((set) => ({
  frames: {},
  history: {},
  receiveFrame(frame) {
    set((s) => {
      const current = s.frames[frame.cameraId];
      // Out-of-order delivery: never replace a newer frame with an older one.
      // (A restarted camera begins its sequence again, so a big jump back is accepted.)
      if (current && frame.frameSeq <= current.frameSeq && current.frameSeq - frame.frameSeq < 100) return {};
      // A restart also restarts the video's times: older entries would match the wrong frames.
      const restarted = current !== undefined && frame.frameSeq < current.frameSeq;
      const previous = restarted ? [] : (s.history[frame.cameraId] ?? []);
      const history = [...previous.slice(-(FACE_HISTORY_LENGTH - 1)), frame];
      return { frames: { ...s.frames, [frame.cameraId]: frame }, history: { ...s.history, [frame.cameraId]: history } };
    });
  },
  forget(cameraId) {
    set((s) => {
      if (!(cameraId in s.frames) && !(cameraId in s.history)) return {};
      return { frames: without(s.frames, [cameraId]), history: without(s.history, [cameraId]) };
    });
  },
  retain(cameraIds) {
    set((s) => {
      const keep = new Set(cameraIds);
      const stale = [...new Set([...Object.keys(s.frames), ...Object.keys(s.history)])].map(Number).filter((id) => !keep.has(id));
      if (!stale.length) return {};
      return { frames: without(s.frames, stale), history: without(s.history, stale) };
    });
  },
}));

/** Where a camera's live video is fetched from (depends on the transport: host or Electron). */
export function liveVideoUrl(cameraId: number, stream: 'main' | 'sub' = 'main'): string {
  return getApi().videoUrl(cameraId, stream);
}
