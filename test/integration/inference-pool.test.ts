/**
 * Worker topology with the real models: back-pressure (a saturated pipeline
 * drops frames and counts every one), and the pool's timeout/restart policy.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Engine } from '../../src-main/engine/engine.js';
import { InferencePool } from '../../src-main/engine/inference/inference-pool.js';
import { LiveService } from '../../src-main/engine/live/live-service.js';
import { FrameRing } from '../../src-main/engine/video/frame-ring.js';
import { waitFor } from '../helpers/camera-server.js';
import { installedModelPack } from '../helpers/model-pack.js';
import { faceRecognitionData, hamiltonClip, tempDir } from '../helpers/paths.js';
import { decodeImageFile } from '../../src-main/engine/vision/image-io.js';
import { dot } from '../../src-main/engine/vision/geometry.js';

const dir = tempDir();
let engine: Engine;
before(async () => {
  engine = await Engine.open({ dataDir: dir.path, modelsDir: await installedModelPack() });
});
after(async () => {
  await engine?.close();
  dir.cleanup();
});

describe('back-pressure', () => {
  test('a file decoded flat out into a one-worker pool drops frames, and every frame is accounted for', async () => {
    const live = new LiveService(engine, { poolSize: 1, ringSlots: 2 });
    try {
      const { pool, ring } = await live.sharedInference();
      // dropWhenBusy as for a live camera, but fed as fast as ffmpeg decodes: inference cannot keep up.
      const pipeline = live.createPipeline(null, 'flood', { kind: 'file', path: hamiltonClip, loop: false }, undefined, pool, ring, {
        realtime: false,
        dropWhenBusy: true,
      });
      const ended = new Promise<void>((resolve) => pipeline.once('end', () => resolve()));
      pipeline.start();
      await ended;
      const s = pipeline.stats;
      assert.equal(s.framesDecoded, 275);
      assert.ok(s.framesDropped > 0, 'frames were dropped');
      assert.ok(s.framesProcessed > 0, 'frames were processed');
      assert.equal(s.framesProcessed + s.framesDropped + s.framesFailed + s.framesIgnored, s.framesDecoded);
      assert.equal(s.framesFailed, 0);
      assert.equal(pipeline.health().droppedFrames, s.framesDropped);
      assert.equal(ring.freeSlots(), ring.slotCount, 'every ring slot was released');
    } finally {
      await live.close();
    }
  });
});

describe('back-pressure at the pool', () => {
  test('frames refused by a saturated pool are dropped and counted, never an unhandled rejection', async () => {
    // A roomy ring and a high in-flight limit, so frames reach the pool and its queue (2 jobs) overflows.
    const live = new LiveService(engine, { poolSize: 1, ringSlots: 16 });
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const { pool, ring } = await live.sharedInference();
      const pipeline = live.createPipeline(null, 'flood-queue', { kind: 'file', path: hamiltonClip, loop: false }, undefined, pool, ring, {
        realtime: false,
        dropWhenBusy: true,
        maxFramesInFlight: 12,
      });
      const ended = new Promise<void>((resolve) => pipeline.once('end', () => resolve()));
      pipeline.start();
      await ended;
      const s = pipeline.stats;
      assert.ok(s.framesDropped > 0);
      assert.equal(s.framesProcessed + s.framesDropped + s.framesFailed + s.framesIgnored, s.framesDecoded);
      assert.equal(s.framesFailed, 0);
      assert.deepEqual(unhandled, []);
      assert.equal(ring.freeSlots(), ring.slotCount);
    } finally {
      process.off('unhandledRejection', onUnhandled);
      await live.close();
    }
  });

  test('under overload every camera keeps a share: a greedy camera cannot starve a modest one', async (t) => {
    // Two "cameras" decoded flat out into one worker (far more frames than it can analyse). One may
    // keep 12 frames in flight, the other 2: first come, first served, the greedy one held the
    // queue; with fair share the modest one's frames take the place of the greedy one's oldest.
    const live = new LiveService(engine, { poolSize: 1, ringSlots: 16 });
    try {
      const { pool, ring } = await live.sharedInference();
      // Looped and decoded flat out, for as long as it takes to analyse 150 frames in all (past the start-up transient).
      const source = { kind: 'file' as const, path: hamiltonClip, loop: true };
      const greedy = live.createPipeline(null, 'greedy', source, undefined, pool, ring, { realtime: false, dropWhenBusy: true, maxFramesInFlight: 12 });
      const modest = live.createPipeline(null, 'modest', source, undefined, pool, ring, { realtime: false, dropWhenBusy: true, maxFramesInFlight: 2 });
      greedy.start();
      modest.start();
      await waitFor(() => greedy.stats.framesProcessed + modest.stats.framesProcessed >= 150, '150 frames analysed', 120_000);
      await Promise.all([greedy.stop(), modest.stop()]);
      const [g, m] = [greedy.stats, modest.stats];
      t.diagnostic(`analysed: greedy ${g.framesProcessed}, modest ${m.framesProcessed}; frames that gave way: ${pool.evictedForFairness}`);
      for (const s of [g, m]) assert.equal(s.framesProcessed + s.framesDropped + s.framesFailed + s.framesIgnored, s.framesDecoded, 'every frame accounted for');
      assert.ok(m.framesProcessed >= 0.4 * g.framesProcessed, `the modest camera keeps a share: ${m.framesProcessed} analysed vs ${g.framesProcessed}`);
      assert.ok(pool.evictedForFairness > 0, 'frames gave way for fairness');
      assert.equal(ring.freeSlots(), ring.slotCount);
    } finally {
      await live.close();
    }
  });

  test('an offline file is never dropped: it waits for the pool instead', async () => {
    const live = new LiveService(engine, { poolSize: 1, ringSlots: 16 });
    try {
      const { pool, ring } = await live.sharedInference();
      const pipeline = live.createPipeline(null, 'offline', { kind: 'file', path: hamiltonClip, loop: false }, 10, pool, ring, {
        realtime: false,
        dropWhenBusy: false,
        maxFramesInFlight: 12,
      });
      const ended = new Promise<void>((resolve) => pipeline.once('end', () => resolve()));
      pipeline.start();
      await ended;
      assert.equal(pipeline.stats.framesDropped, 0);
      assert.equal(pipeline.stats.framesProcessed, pipeline.stats.framesDecoded);
      assert.ok(pipeline.stats.framesProcessed >= 90, `${pipeline.stats.framesProcessed} frames at 10 fps of a 9.2 s clip`);
    } finally {
      await live.close();
    }
  });
});

describe('inference pool policy', () => {
  test('a job that times out kills its worker; the pool replaces it and keeps serving', async () => {
    const ring = FrameRing.create(2, 64 * 64 * 3);
    const base = {
      manifest: engine.manifest,
      modelsDir: engine.modelsDir,
      detectorId: engine.detectorId,
      embedderId: engine.embedderId,
      executionProvider: 'cpu' as const,
      intraOpNumThreads: 1,
      ring,
      size: 1,
      maxQueuedJobs: 2,
    };
    const restarts: string[] = [];
    const pool = await InferencePool.start({ ...base, jobTimeoutMs: 1, onWorkerRestart: (reason) => restarts.push(reason) });
    try {
      const slot = ring.tryAcquireForWrite()!;
      ring.write(slot, new Uint8Array(64 * 64 * 3).fill(128));
      ring.publish(slot);
      await assert.rejects(pool.detect({ slot, width: 64, height: 64, byteLength: 64 * 64 * 3 }), /worker stopped|timed out/);
      await waitFor(() => pool.restarts >= 1, 'the pool to replace the worker', 30_000);
      assert.match(pool.lastWorkerError ?? '', /timed out after 1 ms/);
      assert.match(restarts[0] ?? '', /timed out after 1 ms/, 'the restart is reported with its reason');
    } finally {
      await pool.close();
    }
    // The same pool settings with a sane timeout serve normally.
    const healthy = await InferencePool.start({ ...base, jobTimeoutMs: 15_000 });
    try {
      ring.release(0);
      const slot = ring.tryAcquireForWrite()!;
      ring.write(slot, new Uint8Array(64 * 64 * 3).fill(128));
      ring.publish(slot);
      const result = await healthy.detect({ slot, width: 64, height: 64, byteLength: 64 * 64 * 3 });
      assert.deepEqual(result.faces, [], 'a grey square has no face');
      assert.equal(healthy.restarts, 0);
    } finally {
      await healthy.close();
    }
  });

  test('a frame with several faces is embedded across both workers, results in detection order', async () => {
    const { image } = await decodeImageFile(join(faceRecognitionData, 'examples_knn_examples_test_obama_and_biden.jpg'));
    const analyzer = await engine.analyzer();
    const detections = await analyzer.detect(image);
    assert.ok(detections.length >= 2, 'the group photo has at least two faces');
    const expected = await Promise.all(detections.map(async (d) => (await analyzer.describe(image, d)).embedding));
    const ring = FrameRing.create(1, image.data.length);
    const pool = await InferencePool.start({
      manifest: engine.manifest,
      modelsDir: engine.modelsDir,
      detectorId: engine.detectorId,
      embedderId: engine.embedderId,
      executionProvider: 'cpu',
      intraOpNumThreads: 1,
      ring,
      size: 2,
      jobTimeoutMs: 30_000,
      maxQueuedJobs: 4,
    });
    try {
      const slot = ring.tryAcquireForWrite()!;
      ring.write(slot, image.data);
      ring.publish(slot);
      const frame = { slot, width: image.width, height: image.height, byteLength: image.data.length };
      const jobsBefore = pool.jobsStarted;
      const result = await pool.embed(frame, detections);
      assert.equal(pool.jobsStarted - jobsBefore, 2, 'one job per worker');
      assert.equal(result.embeddings.length, detections.length);
      // Same face, same vector (a different face would score far below this).
      result.embeddings.forEach((embedding, i) => assert.ok(dot(embedding, expected[i]!) > 0.999, `face ${i} kept its place`));
    } finally {
      await pool.close();
    }
  });

  test('a pool that cannot load its models fails to start with the model error', async () => {
    await assert.rejects(
      InferencePool.start({
        manifest: engine.manifest,
        modelsDir: join(dir.path, 'no-models-here'),
        detectorId: engine.detectorId,
        embedderId: engine.embedderId,
        executionProvider: 'cpu',
        intraOpNumThreads: 1,
        ring: FrameRing.create(1, 16),
        size: 1,
        jobTimeoutMs: 1000,
        maxQueuedJobs: 1,
      }),
      /not installed/,
    );
  });
});
