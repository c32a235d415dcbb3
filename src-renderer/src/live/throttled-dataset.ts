/**
 * Data attributes (diagnostics for tests, the wall bench and tools) written at most every
 * `intervalMs`, newest values winning, with a trailing write so the last values always land.
 *
 * Why: a tile knows its figures on every displayed frame (~30 a second), but an attribute write is
 * a DOM mutation the browser must style-check and commit; once per frame on six tiles it cost
 * ~0.1 core in headless Chromium (measured with per-thread CPU), about a quarter of what the wall
 * adds over bare video. Four writes a second are plenty for anything that reads them.
 */
export interface ThrottledDataset {
  /** Queue values (camelCase dataset keys); they reach the element within `intervalMs`. */
  set(values: Record<string, string>): void;
  /** Write what is queued now. */
  flush(): void;
  /** Stop: queued values are written, later ones are ignored. */
  dispose(): void;
}

export const DIAGNOSTICS_INTERVAL_MS = 250;

/** What is written to: an element's dataset (structural, so this file needs no DOM types and runs in Node tests). */
export interface HasDataset {
  dataset: Record<string, string | undefined>;
}

/** `target` is read on every write, so it may be a ref whose element changes or goes away (null). */
export function throttledDataset(target: () => HasDataset | null, intervalMs = DIAGNOSTICS_INTERVAL_MS, clock: () => number = () => performance.now()): ThrottledDataset {
  let pending: Record<string, string> = {};
  let hasPending = false;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let lastWriteAt = -Infinity;
  let disposed = false;

  const flush = () => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    if (!hasPending) return;
    const element = target();
    const values = pending;
    pending = {};
    hasPending = false;
    lastWriteAt = clock();
    if (element === null) return;
    for (const [key, value] of Object.entries(values)) if (element.dataset[key] !== value) element.dataset[key] = value;
  };

  return {
    set(values) {
      if (disposed) return;
      Object.assign(pending, values);
      hasPending = true;
      if (timer !== null) return;
      timer = setTimeout(flush, Math.max(0, intervalMs - (clock() - lastWriteAt)));
    },
    flush,
    dispose() {
      flush();
      disposed = true;
    },
  };
}
