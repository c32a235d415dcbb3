/**
 * A first-in first-out queue with a fixed capacity. When full, the overflow
 * policy chooses what goes: the oldest waiting item ('drop-oldest': for live
 * recognition, a fresh track matters more than a stale one) or the newcomer
 * ('reject-new'). Every drop is counted and handed back so the caller can
 * settle it. Pure.
 */
export type OverflowPolicy = 'drop-oldest' | 'reject-new';

export type OfferResult<T> = { accepted: true; dropped: T | null } | { accepted: false; dropped: T };

export class BoundedQueue<T> {
  private readonly items: T[] = [];
  private droppedCount = 0;

  constructor(
    readonly capacity: number,
    readonly overflow: OverflowPolicy = 'drop-oldest',
  ) {
    if (!(Number.isInteger(capacity) && capacity >= 1)) throw new RangeError(`capacity must be a positive integer, not ${capacity}`);
  }

  get length(): number {
    return this.items.length;
  }

  /** Items dropped since the queue was made. */
  get dropped(): number {
    return this.droppedCount;
  }

  offer(item: T): OfferResult<T> {
    if (this.items.length < this.capacity) {
      this.items.push(item);
      return { accepted: true, dropped: null };
    }
    this.droppedCount += 1;
    if (this.overflow === 'reject-new') return { accepted: false, dropped: item };
    const oldest = this.items.shift() as T;
    this.items.push(item);
    return { accepted: true, dropped: oldest };
  }

  /** Puts an item back at the head, over capacity if need be (an item already admitted, e.g. a retry, is never dropped for it). */
  requeueFront(item: T): void {
    this.items.unshift(item);
  }

  poll(): T | undefined {
    return this.items.shift();
  }

  peek(): T | undefined {
    return this.items[0];
  }

  /** Removes and returns everything waiting (e.g. on shutdown). */
  drain(): T[] {
    return this.items.splice(0, this.items.length);
  }
}
