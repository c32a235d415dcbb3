/**
 * Which live frame gives way when the inference queue is full (pure). Without a rule the queue is
 * first come, first served: under overload (more cameras than the cores can analyse) the cameras
 * whose frames happen to arrive just after a slot frees take the queue, and others starve (seen:
 * 12 cameras on 2 cores analysed at 1.4 to 4.4 fps each). With it, a camera with fewer frames
 * waiting takes the place of the oldest waiting frame of the camera with the most, so every camera
 * keeps a share and the guard gets every camera analysed, each a little less often.
 *
 * `queued`: the source (camera) of each evictable frame waiting, oldest first (undefined for jobs
 * that are not live frames: never evicted). Returns the index in `queued` of the frame to drop in
 * favour of the incoming one, or null to refuse the incoming frame.
 */
export function fairShareEviction(queued: ReadonlyArray<string | number | undefined>, incoming: string | number): number | null {
  const counts = new Map<string | number, number>();
  for (const source of queued) if (source !== undefined) counts.set(source, (counts.get(source) ?? 0) + 1);
  const incomingCount = counts.get(incoming) ?? 0;
  let busiest: string | number | null = null;
  let busiestCount = 0;
  for (const [source, count] of counts) {
    // Ties go to the source seen first (the one with the oldest waiting frame).
    if (count > busiestCount) {
      busiest = source;
      busiestCount = count;
    }
  }
  // Only when it evens things out: trading one frame for one frame would just churn.
  if (busiest === null || busiestCount < incomingCount + 2) return null;
  return queued.indexOf(busiest);
}
