/**
 * Inference worker: owns its own ONNX sessions (detector + embedder) and reads
 * frames from the shared-memory ring by handle, so pixels are never copied
 * through postMessage.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { VigilError } from '../errors.js';
import { FrameRing, type FrameRingDescriptor } from '../video/frame-ring.js';
import { FaceAnalyzer } from './face-analyzer.js';
import { frameSignature } from '../vision/scene-change.js';
import type { DetectedFace, FrameJob, WorkerInit, WorkerReply } from './worker-protocol.js';

const port = parentPort;
if (!port) throw new Error('inference-worker must run in a worker thread');
const init = workerData as WorkerInit;
const post = (reply: WorkerReply, transfer: ArrayBuffer[] = []) => port.postMessage(reply, transfer);

async function main(): Promise<void> {
  let analyzer: FaceAnalyzer;
  try {
    analyzer = await FaceAnalyzer.load({
      manifest: init.manifest,
      modelsDir: init.modelsDir,
      detectorId: init.detectorId,
      embedderId: init.embedderId,
      executionProvider: init.executionProvider,
      intraOpNumThreads: init.intraOpNumThreads,
    });
  } catch (error) {
    post({ type: 'init-failed', code: error instanceof VigilError ? error.code : 'INTERNAL', message: (error as Error).message });
    return;
  }
  const ring = FrameRing.attach(init.ring as FrameRingDescriptor);
  post({ type: 'ready', provider: analyzer.provider, fallbackReason: analyzer.fallbackReason });

  port!.on('message', async (job: FrameJob) => {
    try {
      // The frame stays owned by the pipeline (it releases the slot); this only reads it.
      if (job.kind === 'detect') ring.beginRead(job.slot);
      const image = { width: job.width, height: job.height, data: ring.view(job.slot, job.byteLength) };
      const started = performance.now();
      if (job.kind === 'detect') {
        const detections = await analyzer.detect(image);
        const faces: DetectedFace[] = detections.map((detection) => ({ detection, quality: analyzer.assess(image, detection).score }));
        const signature = frameSignature(image);
        post({ type: 'result', jobId: job.jobId, result: { kind: 'detect', faces, signature, ms: performance.now() - started } }, [signature.buffer as ArrayBuffer]);
      } else {
        const embeddings: Float32Array[] = [];
        const norms: number[] = [];
        for (const detection of job.detections) {
          const face = await analyzer.describe(image, detection);
          embeddings.push(face.embedding);
          norms.push(face.embeddingNorm);
        }
        const transfer = embeddings.map((e) => e.buffer as ArrayBuffer);
        post({ type: 'result', jobId: job.jobId, result: { kind: 'embed', embeddings, norms, ms: performance.now() - started } }, transfer);
      }
    } catch (error) {
      post({ type: 'job-failed', jobId: job.jobId, message: (error as Error).message });
    }
  });
}

void main();
