/**
 * The clock a camera's analysis runs on, in seconds. Pure.
 *
 * A video file runs on its own timestamps (video time), so tracking, visits
 * and the embedding schedule behave the same whether the file is read faster
 * or slower than real time, and sightings can say where in the file they are.
 * A live stream runs on the time frames arrived (its timestamps may jump at
 * every reconnect). Either way the clock never runs backwards: when a file's
 * timestamps restart (ffmpeg restarted, a loop without offsets), time goes on
 * from where it was by one frame interval.
 */
export interface ClockedFrame {
  /** Date.now() when the frame arrived. */
  capturedAt: number;
  /** performance.now() when the frame arrived: live time that never jumps with the wall clock (NTP). */
  monotonicMs?: number;
  /** Presentation time from the stream, seconds; null when unknown. */
  ptsS: number | null;
}

/** Seconds between analysed frames assumed when a jump back is bridged. */
const BRIDGE_STEP_S = 0.1;

export class FrameClock {
  private offsetS = 0;
  private lastPtsS: number | null = null;
  private lastTimeS: number | null = null;
  private lastCapturedAt: number | null = null;

  /**
   * `useVideoTime`: the stream's own timestamps (files); otherwise arrival time (monotonic).
   * `nominalStepS`: for a file frame without a timestamp, the time it stands for (one frame at
   * the detection rate); without it, the arrival gap is used.
   */
  constructor(
    private readonly useVideoTime: boolean,
    private readonly nominalStepS: number | null = null,
  ) {}

  /** The frame's time on this clock (seconds); monotonic non-decreasing. */
  timeOf(frame: ClockedFrame): number {
    let time: number;
    if (this.useVideoTime && frame.ptsS !== null && Number.isFinite(frame.ptsS)) {
      if (this.lastPtsS !== null && frame.ptsS < this.lastPtsS - 1e-6 && this.lastTimeS !== null) {
        // Timestamps restarted: continue from the last time instead of going back.
        this.offsetS = this.lastTimeS + BRIDGE_STEP_S - frame.ptsS;
      }
      this.lastPtsS = frame.ptsS;
      time = frame.ptsS + this.offsetS;
    } else if (this.useVideoTime && this.lastTimeS !== null && this.lastCapturedAt !== null) {
      // A file frame without a timestamp: one frame on at the detection rate (a file read
      // offline arrives faster than real time), else by the time that passed.
      time = this.lastTimeS + (this.nominalStepS ?? Math.max(0, frame.capturedAt - this.lastCapturedAt) / 1000);
    } else if (this.useVideoTime) {
      time = 0;
    } else {
      time = (frame.monotonicMs ?? frame.capturedAt) / 1000;
    }
    if (this.lastTimeS !== null && time < this.lastTimeS) time = this.lastTimeS;
    this.lastTimeS = time;
    this.lastCapturedAt = frame.capturedAt;
    return time;
  }
}
