import { create } from 'zustand';
import type { EventOf } from '../../../src-preload/contract';

export type LiveFrame = EventOf<'live.frame'>;

interface LiveSlice {
  /** The latest analysed frame per camera id: the image and its faces travel together. */
  frames: Record<number, LiveFrame>;
  receiveFrame(frame: LiveFrame): void;
  forget(cameraId: number): void;
  retain(cameraIds: readonly number[]): void;
}

export const useLive = create<LiveSlice>()((set) => ({
  frames: {},
  receiveFrame(frame) {
    set((s) => {
      const current = s.frames[frame.cameraId];
      // Out-of-order delivery: never replace a newer frame with an older one.
      // (A restarted camera begins its sequence again, so a big jump back is accepted.)
      if (current && frame.frameSeq <= current.frameSeq && current.frameSeq - frame.frameSeq < 100) return {};
      return { frames: { ...s.frames, [frame.cameraId]: frame } };
    });
  },
  forget(cameraId) {
    set((s) => {
      if (!(cameraId in s.frames)) return {};
      const frames = { ...s.frames };
      delete frames[cameraId];
      return { frames };
    });
  },
  retain(cameraIds) {
    set((s) => {
      const keep = new Set(cameraIds);
      const stale = Object.keys(s.frames).map(Number).filter((id) => !keep.has(id));
      if (!stale.length) return {};
      const frames = { ...s.frames };
      for (const id of stale) delete frames[id];
      return { frames };
    });
  },
}));
