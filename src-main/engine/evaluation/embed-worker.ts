/**
 * Evaluation worker: decodes photos, detects, aligns and embeds them with one
 * FaceAnalyzer per evaluated embedder variant (single-threaded ONNX sessions;
 * the pool runs one worker per core). Detection runs once per photo, with the
 * first analyzer's detector; every variant embeds the same detection.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { VigilError } from '../errors.js';
import { FaceAnalyzer } from '../inference/face-analyzer.js';
import { type Detection } from '../vision/geometry.js';
import { decodeImageFile } from '../vision/image-io.js';
import type { EmbedItem, EmbedItemResult, EmbedJob, EmbedWorkerInit, EmbedWorkerReply } from './embed-protocol.js';
import { pickCentralDetection, templateDetection } from './face-choice.js';

const port = parentPort;
if (!port) throw new Error('embed-worker must run in a worker thread');
const init = workerData as EmbedWorkerInit;
const post = (reply: EmbedWorkerReply, transfer: ArrayBuffer[] = []) => port.postMessage(reply, transfer);

async function embedItem(analyzers: FaceAnalyzer[], item: EmbedItem): Promise<EmbedItemResult> {
  const result: EmbedItemResult = {
    id: item.id, status: 'error', width: 0, height: 0, landmarks: null, detectionScore: null, embeddings: [], embedMs: [], detectMs: 0,
  };
  try {
    const { image } = await decodeImageFile(item.path);
    result.width = image.width;
    result.height = image.height;
    let detection: Detection | null;
    if (item.templateLandmarks) {
      detection = templateDetection(item.templateLandmarks, image.width, image.height);
      result.status = 'template';
    } else {
      const t0 = performance.now();
      const detector = analyzers[0]!;
      detection = pickCentralDetection(await detector.detect(image), image.width, image.height);
      result.status = 'face';
      if (!detection) {
        detection = pickCentralDetection(await detector.detector.detect(image, { scoreThreshold: init.lowScoreThreshold }), image.width, image.height);
        result.status = 'face_low_score';
      }
      result.detectMs = performance.now() - t0;
      if (!detection) {
        result.status = 'no_face';
        return result;
      }
      result.landmarks = detection.landmarks;
      result.detectionScore = detection.score;
    }
    for (const analyzer of analyzers) {
      const t0 = performance.now();
      const { embedding } = await analyzer.describe(image, detection);
      result.embedMs.push(performance.now() - t0);
      result.embeddings.push(embedding);
    }
  } catch (error) {
    result.status = 'error';
    result.embeddings = [];
    result.error = (error as Error).message;
  }
  return result;
}

async function main(): Promise<void> {
  const analyzers: FaceAnalyzer[] = [];
  try {
    for (const variant of init.variants) {
      analyzers.push(
        await FaceAnalyzer.load({
          manifest: variant.manifest,
          modelsDir: init.modelsDir,
          detectorId: init.detectorId,
          embedderId: variant.embedderId,
          intraOpNumThreads: init.intraOpNumThreads,
        }),
      );
    }
  } catch (error) {
    post({ type: 'init-failed', code: error instanceof VigilError ? error.code : 'INTERNAL', message: (error as Error).message });
    return;
  }
  post({ type: 'ready' });
  port!.on('message', async (job: EmbedJob) => {
    const results: EmbedItemResult[] = [];
    for (const item of job.items) results.push(await embedItem(analyzers, item));
    const transfer = results.flatMap((r) => r.embeddings.map((e) => e.buffer as ArrayBuffer));
    post({ type: 'result', jobId: job.jobId, results }, transfer);
  });
}

void main();
