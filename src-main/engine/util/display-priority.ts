/**
 * Recognition before pictures: on a small CPU the wall's rendering (video decoding, compositing,
 * overlays) competes with the analysis of every camera, and only the analysis has a deadline (a
 * frame not analysed in time is dropped and a face may be missed; a picture shown late is only
 * late). So the desktop app runs its window's processes (everything but the main process, which
 * hosts the engine) at a lower priority. `npm run bench -- wall --browser-niceness 10` does the
 * same to the Chromium it drives; on this shared 2-core machine its effect could not be told
 * apart from the run-to-run noise (see README, "The guard's wall").
 */
import { setPriority } from 'node:os';

/** Niceness of the window's processes (Windows: below normal). */
export const DISPLAY_PROCESS_NICENESS = 10;

/** Process types as Electron's app.getAppMetrics() names them. */
export interface ProcessInfo {
  pid: number;
  type: string;
}

/** The processes to lower: all but the main ("Browser") process, which runs the engine and its workers. */
export function displayProcesses(processes: readonly ProcessInfo[], mainPid: number): number[] {
  return processes.filter((p) => p.type !== 'Browser' && p.pid !== mainPid && p.pid > 0).map((p) => p.pid);
}

/** Lowers each process's priority; returns the pids it could not change (gone, or not ours). */
export function lowerPriority(pids: readonly number[], niceness = DISPLAY_PROCESS_NICENESS): number[] {
  const failed: number[] = [];
  for (const pid of pids) {
    try {
      setPriority(pid, niceness);
    } catch {
      failed.push(pid);
    }
  }
  return failed;
}
