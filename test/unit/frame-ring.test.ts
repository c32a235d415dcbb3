import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { FrameRing, SlotState, type FrameHandle } from '../../src-main/engine/video/frame-ring.js';

describe('FrameRing in one thread', () => {
  test('acquires every slot once, then reports full with null', () => {
    const ring = FrameRing.create(4, 16);
    const slots = [ring.tryAcquireForWrite(), ring.tryAcquireForWrite(), ring.tryAcquireForWrite(), ring.tryAcquireForWrite()];
    assert.deepEqual([...slots].sort(), [0, 1, 2, 3]);
    assert.equal(ring.tryAcquireForWrite(), null);
    assert.equal(ring.tryAcquireForWrite(), null);
    assert.equal(ring.freeSlots(), 0);
    assert.equal(ring.counters().acquired, 4);
  });

  test('release frees exactly the released slot', () => {
    const ring = FrameRing.create(3, 16);
    const a = ring.tryAcquireForWrite();
    const b = ring.tryAcquireForWrite();
    const c = ring.tryAcquireForWrite();
    assert.ok(a !== null && b !== null && c !== null);
    ring.release(b);
    assert.equal(ring.state(b), SlotState.Free);
    assert.equal(ring.tryAcquireForWrite(), b);
    assert.equal(ring.tryAcquireForWrite(), null);
    assert.deepEqual(ring.counters(), { acquired: 4, dropped: 0, released: 1 });
  });

  test('slots are handed out round-robin, so a just-released slot is not reused at once', () => {
    const ring = FrameRing.create(3, 8);
    const order: number[] = [];
    for (let i = 0; i < 6; i++) {
      const slot = ring.tryAcquireForWrite();
      assert.ok(slot !== null);
      order.push(slot);
      ring.release(slot);
    }
    assert.deepEqual(order, [0, 1, 2, 0, 1, 2]);
  });

  test('walks a slot through writing -> ready -> in-use -> free', () => {
    const ring = FrameRing.create(2, 8);
    const slot = ring.tryAcquireForWrite();
    assert.ok(slot !== null);
    assert.equal(ring.state(slot), SlotState.Writing);
    ring.write(slot, Uint8Array.of(1, 2, 3));
    ring.publish(slot);
    assert.equal(ring.state(slot), SlotState.Ready);
    ring.beginRead(slot);
    assert.equal(ring.state(slot), SlotState.InUse);
    assert.deepEqual(Array.from(ring.view(slot, 3)), [1, 2, 3]);
    ring.release(slot);
    assert.equal(ring.state(slot), SlotState.Free);
  });

  test('out-of-order transitions throw instead of corrupting a slot', () => {
    const ring = FrameRing.create(2, 8);
    assert.throws(() => ring.write(0, Uint8Array.of(1)), /slot 0 is free, expected writing/);
    assert.throws(() => ring.publish(0), /slot 0 is free, expected writing/);
    assert.throws(() => ring.beginRead(0), /slot 0 is free, expected ready/);
    assert.throws(() => ring.release(0), /released twice/);
    const slot = ring.tryAcquireForWrite();
    assert.ok(slot !== null);
    assert.throws(() => ring.beginRead(slot), /is writing, expected ready/);
    assert.throws(() => ring.write(slot, new Uint8Array(9)), /does not fit/);
    assert.throws(() => ring.view(5, 1), RangeError);
    assert.throws(() => ring.view(slot, 9), RangeError);
  });

  test('a producer can abandon a slot it is writing, and drop a published frame nobody read', () => {
    const ring = FrameRing.create(2, 8);
    const writing = ring.tryAcquireForWrite();
    const published = ring.tryAcquireForWrite();
    assert.ok(writing !== null && published !== null);
    ring.publish(published);
    ring.release(writing);
    ring.release(published);
    assert.equal(ring.freeSlots(), 2);
  });

  test('recordDrop counts frames that found the ring full', () => {
    const ring = FrameRing.create(1, 8);
    assert.equal(ring.tryAcquireForWrite(), 0);
    for (let frame = 0; frame < 3; frame++) {
      if (ring.tryAcquireForWrite() === null) ring.recordDrop();
    }
    assert.equal(ring.counters().dropped, 3);
  });

  test('view is zero-copy: bytes written through one view are seen by another ring attached to the same memory', () => {
    const ring = FrameRing.create(2, 6);
    const twin = FrameRing.attach(ring.descriptor());
    const slot = ring.tryAcquireForWrite();
    assert.ok(slot !== null);
    ring.view(slot, 6).set([10, 20, 30, 40, 50, 60]);
    assert.deepEqual(Array.from(twin.view(slot, 6)), [10, 20, 30, 40, 50, 60]);
    // The other slot's memory is separate.
    assert.deepEqual(Array.from(twin.view(1 - slot, 6)), [0, 0, 0, 0, 0, 0]);
    // States and counters are shared too.
    assert.equal(twin.state(slot), SlotState.Writing);
    assert.equal(twin.counters().acquired, 1);
  });

  test('create and attach reject bad sizes', () => {
    assert.throws(() => FrameRing.create(0, 10), RangeError);
    assert.throws(() => FrameRing.create(2, 0), RangeError);
    assert.throws(() => FrameRing.create(1.5, 10), RangeError);
    assert.throws(() => FrameRing.create(4096, 1024 * 1024), RangeError);
    const descriptor = FrameRing.create(2, 8).descriptor();
    assert.throws(() => FrameRing.attach({ ...descriptor, slotBytes: 9 }), TypeError);
    assert.throws(() => FrameRing.attach({ ...descriptor, slotCount: 3 }), TypeError);
  });
});

describe('FrameRing across threads', () => {
  test('a worker attaches to the ring and reads the bytes the main thread wrote', async () => {
    const width = 64;
    const height = 48;
    const byteLength = width * height * 3;
    const ring = FrameRing.create(4, byteLength);
    const worker = new Worker(new URL('../fixtures/frame-ring-worker.mjs', import.meta.url), { workerData: ring.descriptor() });
    try {
      for (let seq = 1; seq <= 3; seq++) {
        const slot = ring.tryAcquireForWrite();
        assert.ok(slot !== null, 'ring unexpectedly full');
        const frame = new Uint8Array(byteLength);
        for (let i = 0; i < byteLength; i++) frame[i] = (i * 7 + seq * 13) & 0xff;
        ring.write(slot, frame);
        ring.publish(slot);
        const handle: FrameHandle = { slot, seq, width, height, byteLength, capturedAt: Date.now() };
        const replyPromise = once(worker, 'message');
        worker.postMessage(handle);
        const [reply] = (await replyPromise) as [{ seq: number; sum: number; head: number[]; replySlot: number | null; stateAfterRelease: number }];

        assert.equal(reply.seq, seq);
        assert.equal(reply.sum, frame.reduce((total, byte) => total + byte, 0));
        assert.deepEqual(reply.head, Array.from(frame.subarray(0, 8)));
        assert.equal(reply.stateAfterRelease, SlotState.Free);
        assert.equal(ring.state(slot), SlotState.Free, 'the worker released the slot it read');

        // The worker wrote into a slot of its own; this thread reads it.
        assert.ok(reply.replySlot !== null);
        ring.beginRead(reply.replySlot);
        assert.deepEqual(Array.from(ring.view(reply.replySlot, 8)), reply.head.map((byte) => 255 - byte));
        ring.release(reply.replySlot);
      }
      assert.deepEqual(ring.counters(), { acquired: 6, dropped: 0, released: 6 });
    } finally {
      await worker.terminate();
    }
  });
});
