/**
 * Lowering the priority of a display's processes, for measuring (`npm run bench -- wall
 * --browser-niceness K` does it to the Chromium it drives). The desktop app does not do it to
 * its window: with niceness 10 on every thread of Chromium, the analysis on a 2-core machine got
 * no more frames and the tiles lost a third of theirs (README, "The guard's wall").
 *
 * On Linux a niceness belongs to a thread, not a process: setpriority(pid) changes only the thread
 * whose id is the pid, and Chromium does its heavy work (compositing, video decoding) on other
 * threads. So there every thread of the process is lowered (Windows and macOS set the whole process).
 */
import { readdirSync } from 'node:fs';
import { setPriority } from 'node:os';

/** The niceness the bench's --browser-niceness is usually run with. */
export const DISPLAY_PROCESS_NICENESS = 10;

/** The process's threads on Linux (their ids), or just the pid elsewhere (the call there sets the whole process). */
function threadsOf(pid: number): number[] {
  if (process.platform !== 'linux') return [pid];
  try {
    return readdirSync(`/proc/${pid}/task`).map(Number).filter((tid) => Number.isInteger(tid) && tid > 0);
  } catch {
    return [pid]; // no /proc entry (the process ended): setPriority reports it
  }
}

/**
 * Lowers each process's priority, every thread of it (threads started later inherit it from the
 * thread that starts them). Returns the pids it could not change (gone, or not ours).
 */
export function lowerPriority(pids: readonly number[], niceness = DISPLAY_PROCESS_NICENESS): number[] {
  const failed: number[] = [];
  for (const pid of pids) {
    try {
      setPriority(pid, niceness);
    } catch {
      failed.push(pid);
      continue;
    }
    for (const tid of threadsOf(pid)) {
      if (tid === pid) continue;
      try {
        setPriority(tid, niceness);
      } catch {
        // a thread that ended meanwhile
      }
    }
  }
  return failed;
}
