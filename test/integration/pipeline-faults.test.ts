/**
 * The camera pipeline when inference or storage fails, with real ffmpeg on a
 * real file and a stand-in inference pool (so the failures happen exactly
 * where the test wants them): the tracks that end still end, visits still
 * close with their final row, and nothing is thrown into ffmpeg's events.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Engine } from '../../src-main/engine/engine.js';
import { CameraPipeline } from '../../src-main/engine/live/camera-pipeline.js';
import type { InferencePool } from '../../src-main/engine/inference/inference-pool.js';
import type { DetectResult, EmbedResult, FrameRef } from '../../src-main/engine/inference/worker-protocol.js';
import { FrameRing } from '../../src-main/engine/video/frame-ring.js';
import type { Detection } from '../../src-main/engine/vision/geometry.js';
import { installedModelPack } from '../helpers/model-pack.js';
import { hamiltonClip, tempDir } from '../helpers/paths.js';

const dir = tempDir();
let engine: Engine;
before(async () => {
  engine = await Engine.open({ dataDir: dir.path, modelsDir: await installedModelPack() });
});
after(async () => {
  await engine?.close();
  dir.cleanup();
});

/**
 * One face walking steadily across the picture (30 px per analysed frame), whose embedding is
 * always the same stranger's; embedding fails on the analysed frames `failOn` says.
 */
function standInPool(failOn: (call: number) => boolean) {
  let detectCalls = 0;
  let embedCalls = 0;
  const signature = new Float32Array(144).map((_, i) => (i * 37) % 255);
  const stranger = new Float32Array(512).map((_, i) => Math.sin(i + 1));
  const norm = Math.hypot(...stranger);
  const pool = {
    size: 2,
    provider: 'cpu',
    async detect(_frame: FrameRef): Promise<DetectResult> {
      const k = detectCalls++;
      const x = 20 + ((30 * k) % 560);
      const detection: Detection = {
        score: 0.95,
        box: { x, y: 120, width: 60, height: 70 },
        landmarks: [[x + 18, 145], [x + 42, 145], [x + 30, 160], [x + 20, 175], [x + 40, 175]],
      };
      return { kind: 'detect', faces: [{ detection, quality: 0.7 }], signature, ms: 1 };
    },
    async embed(_frame: FrameRef, detections: Detection[]): Promise<EmbedResult> {
      const call = embedCalls++;
      if (failOn(call)) throw new Error('worker crashed (stand-in)');
      return { kind: 'embed', embeddings: detections.map(() => stranger.map((v) => v / norm)), norms: detections.map(() => 3.5), ms: 1 };
    },
  };
  return pool as unknown as InferencePool;
}

function pipelineWith(pool: InferencePool, name: string): CameraPipeline {
  return new CameraPipeline(engine, pool, FrameRing.create(8, 640 * 360 * 3), {
    cameraId: null,
    cameraName: name,
    source: { kind: 'file', path: hamiltonClip, loop: false },
    detectFps: 10,
    realtime: false,
    dropWhenBusy: false,
    maxWidth: 640,
    publishFrames: () => false,
    maxFramesInFlight: 2,
  });
}

function run(pipeline: CameraPipeline): Promise<void> {
  return new Promise((resolve) => {
    pipeline.once('end', () => resolve());
    pipeline.start();
  });
}

describe('camera pipeline under failures', () => {
  test('embedding failures lose views only: tracks still end and the visit is written and closed', async () => {
    const pipeline = pipelineWith(standInPool((call) => call % 2 === 1), 'failing embedder');
    await run(pipeline);
    await engine.unknowns.idle();
    assert.ok(pipeline.stats.embedFailures > 0, 'some embeddings failed');
    assert.equal(pipeline.stats.framesFailed, 0, 'no frame was lost to them');
    const rows = engine.listSightings(50).filter((s) => s.cameraName === 'failing embedder');
    assert.ok(rows.length >= 1, 'the walk-by was written');
    // Closed for good: the unknown visit went to clustering (only closed visits do).
    assert.ok(rows.some((s) => s.clusterId !== null), JSON.stringify(rows));
  });

  test('a storage error while visits close at the end is logged; the pipeline still ends', async () => {
    const pipeline = pipelineWith(standInPool(() => false), 'failing storage');
    const update = engine.sightingRepo.update.bind(engine.sightingRepo);
    let failures = 0;
    engine.sightingRepo.update = () => {
      failures++;
      throw new Error('disk I/O error (stand-in)');
    };
    try {
      await run(pipeline);
    } finally {
      engine.sightingRepo.update = update;
    }
    assert.ok(failures > 0, 'row updates were attempted and failed');
    assert.equal(pipeline.stats.framesProcessed > 0, true);
  });
});
