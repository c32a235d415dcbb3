/**
 * A fixed ring of frame slots in shared memory, so decoded frames reach worker threads
 * without copying them through postMessage.
 *
 * Each slot moves through   free -> writing -> ready -> in-use -> free
 *   producer: tryAcquireForWrite() (free->writing), write()/view(), publish() (writing->ready),
 *             then posts a small FrameHandle to the consumer;
 *   consumer: beginRead() (ready->in-use), view() (zero-copy), release() (->free).
 * Every transition is an Atomics compare-exchange on a shared Int32Array, so two threads can
 * never both own a slot; an Atomics operation also orders the (plain) pixel writes before the
 * state change that makes them visible. When no slot is free the producer drops the frame
 * (live video: a new frame is worth more than an old one) and counts it with recordDrop().
 */

export const SlotState = {
  Free: 0,
  Writing: 1,
  Ready: 2,
  InUse: 3,
} as const;
export type SlotStateValue = (typeof SlotState)[keyof typeof SlotState];

/** Everything a worker needs to attach to the same ring; structured-clonable (postMessage/workerData). */
export interface FrameRingDescriptor {
  slotCount: number;
  slotBytes: number;
  /** Int32Array(slotCount) of SlotState values. */
  states: SharedArrayBuffer;
  /** BigInt64Array of counters (see FrameRingCounters). */
  counters: SharedArrayBuffer;
  /** slotCount * slotBytes bytes of frame data. */
  data: SharedArrayBuffer;
}

/** What travels between threads for one frame: the pixels stay in the slot. */
export interface FrameHandle {
  slot: number;
  seq: number;
  width: number;
  height: number;
  byteLength: number;
  capturedAt: number;
}

export interface FrameRingCounters {
  /** Slots handed to a producer. */
  acquired: number;
  /** Frames a producer could not place because every slot was busy. */
  dropped: number;
  /** Slots returned to free. */
  released: number;
}

const COUNTER_ACQUIRED = 0;
const COUNTER_DROPPED = 1;
const COUNTER_RELEASED = 2;
const COUNTER_COUNT = 3;

/** Guard against absurd allocations from a bad configuration (1 GiB of frames is far beyond need). */
const MAX_TOTAL_BYTES = 1024 * 1024 * 1024;

export class FrameRing {
  readonly slotCount: number;
  readonly slotBytes: number;
  readonly #descriptor: FrameRingDescriptor;
  readonly #states: Int32Array;
  readonly #counters: BigInt64Array;
  readonly #data: SharedArrayBuffer;
  /** Where the next acquisition scan starts, so slots are used round-robin (local to this thread). */
  #cursor = 0;

  private constructor(descriptor: FrameRingDescriptor) {
    this.slotCount = descriptor.slotCount;
    this.slotBytes = descriptor.slotBytes;
    this.#descriptor = descriptor;
    this.#states = new Int32Array(descriptor.states);
    this.#counters = new BigInt64Array(descriptor.counters);
    this.#data = descriptor.data;
  }

  /** Allocates a new ring with every slot free. */
  static create(slotCount: number, slotBytes: number): FrameRing {
    if (!(Number.isInteger(slotCount) && slotCount >= 1)) throw new RangeError(`slotCount must be an integer >= 1, got ${slotCount}`);
    if (!(Number.isInteger(slotBytes) && slotBytes >= 1)) throw new RangeError(`slotBytes must be an integer >= 1, got ${slotBytes}`);
    if (slotCount * slotBytes > MAX_TOTAL_BYTES) {
      throw new RangeError(`FrameRing of ${slotCount} x ${slotBytes} bytes exceeds ${MAX_TOTAL_BYTES} bytes`);
    }
    return new FrameRing({
      slotCount,
      slotBytes,
      states: new SharedArrayBuffer(slotCount * Int32Array.BYTES_PER_ELEMENT),
      counters: new SharedArrayBuffer(COUNTER_COUNT * BigInt64Array.BYTES_PER_ELEMENT),
      data: new SharedArrayBuffer(slotCount * slotBytes),
    });
  }

  /** Attaches to a ring created in another thread (from its descriptor()). */
  static attach(descriptor: FrameRingDescriptor): FrameRing {
    const { slotCount, slotBytes, states, counters, data } = descriptor;
    const ok =
      Number.isInteger(slotCount) &&
      slotCount >= 1 &&
      Number.isInteger(slotBytes) &&
      slotBytes >= 1 &&
      states instanceof SharedArrayBuffer &&
      states.byteLength === slotCount * Int32Array.BYTES_PER_ELEMENT &&
      counters instanceof SharedArrayBuffer &&
      counters.byteLength === COUNTER_COUNT * BigInt64Array.BYTES_PER_ELEMENT &&
      data instanceof SharedArrayBuffer &&
      data.byteLength === slotCount * slotBytes;
    if (!ok) throw new TypeError('Not a FrameRing descriptor (sizes or buffers do not match)');
    return new FrameRing(descriptor);
  }

  /** The shared buffers and sizes; post it to a worker and FrameRing.attach() it there. */
  descriptor(): FrameRingDescriptor {
    return { ...this.#descriptor };
  }

  /** Claims a free slot for writing, or returns null when all are busy (the caller drops the frame and calls recordDrop()). */
  tryAcquireForWrite(): number | null {
    for (let i = 0; i < this.slotCount; i++) {
      const slot = (this.#cursor + i) % this.slotCount;
      if (Atomics.compareExchange(this.#states, slot, SlotState.Free, SlotState.Writing) === SlotState.Free) {
        this.#cursor = (slot + 1) % this.slotCount;
        Atomics.add(this.#counters, COUNTER_ACQUIRED, 1n);
        return slot;
      }
    }
    return null;
  }

  /** Counts a frame that was dropped because tryAcquireForWrite() returned null. */
  recordDrop(): void {
    Atomics.add(this.#counters, COUNTER_DROPPED, 1n);
  }

  /** Copies bytes into the start of a slot the caller holds for writing. */
  write(slot: number, bytes: Uint8Array): void {
    this.#expectState(slot, SlotState.Writing, 'write');
    if (bytes.byteLength > this.slotBytes) {
      throw new RangeError(`Frame of ${bytes.byteLength} bytes does not fit a ${this.slotBytes}-byte slot`);
    }
    new Uint8Array(this.#data, slot * this.slotBytes, bytes.byteLength).set(bytes);
  }

  /**
   * A zero-copy view of the first byteLength bytes of a slot (writable: a producer may also decode
   * straight into it). Valid only while the caller holds the slot; do not keep it after release().
   */
  view(slot: number, byteLength: number = this.slotBytes): Uint8Array {
    this.#checkSlot(slot);
    if (!(Number.isInteger(byteLength) && byteLength >= 0 && byteLength <= this.slotBytes)) {
      throw new RangeError(`byteLength must be between 0 and ${this.slotBytes}, got ${byteLength}`);
    }
    return new Uint8Array(this.#data, slot * this.slotBytes, byteLength);
  }

  /** Producer: the slot's bytes are complete (writing -> ready); now post its FrameHandle. */
  publish(slot: number): void {
    this.#transition(slot, SlotState.Writing, SlotState.Ready, 'publish');
  }

  /** Consumer: takes a published slot (ready -> in-use). */
  beginRead(slot: number): void {
    this.#transition(slot, SlotState.Ready, SlotState.InUse, 'beginRead');
  }

  /**
   * Returns a slot to free: from in-use (consumer done), ready (a published frame nobody will read)
   * or writing (the producer abandons it). Releasing a free slot throws: that is a double release.
   */
  release(slot: number): void {
    this.#checkSlot(slot);
    for (;;) {
      const current = Atomics.load(this.#states, slot);
      if (current === SlotState.Free) throw new Error(`FrameRing slot ${slot} released twice`);
      if (Atomics.compareExchange(this.#states, slot, current, SlotState.Free) === current) break;
    }
    Atomics.add(this.#counters, COUNTER_RELEASED, 1n);
  }

  state(slot: number): SlotStateValue {
    this.#checkSlot(slot);
    return Atomics.load(this.#states, slot) as SlotStateValue;
  }

  /** Slots currently free (a snapshot; other threads may change it at once). */
  freeSlots(): number {
    let free = 0;
    for (let slot = 0; slot < this.slotCount; slot++) if (Atomics.load(this.#states, slot) === SlotState.Free) free++;
    return free;
  }

  /** Counters shared by every thread attached to this ring. */
  counters(): FrameRingCounters {
    return {
      acquired: Number(Atomics.load(this.#counters, COUNTER_ACQUIRED)),
      dropped: Number(Atomics.load(this.#counters, COUNTER_DROPPED)),
      released: Number(Atomics.load(this.#counters, COUNTER_RELEASED)),
    };
  }

  #transition(slot: number, from: SlotStateValue, to: SlotStateValue, action: string): void {
    this.#checkSlot(slot);
    const previous = Atomics.compareExchange(this.#states, slot, from, to);
    if (previous !== from) throw new Error(`FrameRing ${action}: slot ${slot} is ${stateName(previous)}, expected ${stateName(from)}`);
  }

  #expectState(slot: number, expected: SlotStateValue, action: string): void {
    this.#checkSlot(slot);
    const current = Atomics.load(this.#states, slot);
    if (current !== expected) throw new Error(`FrameRing ${action}: slot ${slot} is ${stateName(current)}, expected ${stateName(expected)}`);
  }

  #checkSlot(slot: number): void {
    if (!(Number.isInteger(slot) && slot >= 0 && slot < this.slotCount)) {
      throw new RangeError(`Slot ${slot} is outside 0..${this.slotCount - 1}`);
    }
  }
}

function stateName(value: number): string {
  const entry = Object.entries(SlotState).find(([, v]) => v === value);
  return entry === undefined ? `state ${value}` : entry[0].toLowerCase();
}
