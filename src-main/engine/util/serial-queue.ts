/**
 * Runs async tasks one after another. The detector and embedder reuse one
 * input buffer across calls, so two overlapping calls (two operators enrolling
 * at once) must not interleave while ONNX Runtime reads that buffer.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task, task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
