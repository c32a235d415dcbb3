/**
 * Inference worker: owns its own ONNX sessions (detector + embedder) and reads
 * frames from the shared-memory ring by handle, so pixels are never copied
 * through postMessage.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { VigilError } from '../errors.js';
import { FrameRing, type FrameRingDescriptor } from '../video/frame-ring.js';
import { FaceAnalyzer } from './face-analyzer.js';
import type { FrameJob, WorkerFace, WorkerInit, WorkerReply } from './worker-protocol.js';

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
  post({ type: 'ready', provider: analyzer.provider });

  port!.on('message', async (job: FrameJob) => {
    try {
      ring.beginRead(job.slot);
      const image = { width: job.width, height: job.height, data: ring.view(job.slot, job.byteLength) };
      const t0 = performance.now();
      const detections = await analyzer.detect(image);
      const t1 = performance.now();
      const faces: WorkerFace[] = [];
      for (const detection of detections) {
        if (Math.min(detection.box.width, detection.box.height) < job.minEmbedFacePx) {
          faces.push({ detection, embedding: null, qualityScore: 0 });
          continue;
        }
        const described = await analyzer.describe(image, detection);
        faces.push({ detection, embedding: described.embedding, qualityScore: described.quality.score });
      }
      const t2 = performance.now();
      const transfer = faces.flatMap((f) => (f.embedding ? [f.embedding.buffer as ArrayBuffer] : []));
      post({ type: 'result', jobId: job.jobId, faces, detectMs: t1 - t0, embedMs: t2 - t1 }, transfer);
    } catch (error) {
      post({ type: 'job-failed', jobId: job.jobId, message: (error as Error).message });
    }
  });
}

void main();
