/**
 * `npm run eval -- faceness`: the raw embedding length of faces, small faces,
 * blurred faces and non-faces, through the app's own detect -> align -> embed
 * path, and the threshold that tells a usable face from the rest (the
 * manifest's `faceNormThreshold`). See src-main/engine/evaluation/faceness.ts.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { VigilError } from '../engine/errors.js';
import { facenessReport, type NormSamples } from '../engine/evaluation/faceness.js';
import { pickCentralDetection } from '../engine/evaluation/face-choice.js';
import { evenlySpaced } from '../engine/evaluation/open-set.js';
import { lfwImagesDir, listLfwPeople, sharedDir } from '../engine/evaluation/lfw-files.js';
import { FaceAnalyzer } from '../engine/inference/face-analyzer.js';
import { OnnxArcfaceEmbedder } from '../engine/inference/embedder.js';
import { type EmbedderManifest, findModel, type Manifest } from '../engine/models/manifest.js';
import { seededRandom } from '../engine/util/seeded-random.js';
import { resolveFfmpegPath } from '../engine/video/ffmpeg-path.js';
import { alignFace112, ARCFACE_112_TEMPLATE, type Landmarks, resizeBilinear, type RgbImage } from '../engine/vision/geometry.js';
import { decodeImage } from '../engine/vision/image-io.js';

export interface FacenessOptions {
  manifest: Manifest;
  modelsDir: string;
  detectorId: string;
  embedderIds: string[];
  lfwDir: string;
  photos: number;
  json: boolean;
}

/** A box blur of the given radius (separable), for "too blurred to recognise". */
function boxBlur(image: RgbImage, radius: number): RgbImage {
  const { width, height } = image;
  const pass = (src: Uint8Array, horizontal: boolean): Uint8Array => {
    const out = new Uint8Array(src.length);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        for (let c = 0; c < 3; c++) {
          let sum = 0, n = 0;
          for (let d = -radius; d <= radius; d++) {
            const xx = horizontal ? Math.min(width - 1, Math.max(0, x + d)) : x;
            const yy = horizontal ? y : Math.min(height - 1, Math.max(0, y + d));
            sum += src[(yy * width + xx) * 3 + c]!;
            n++;
          }
          out[(y * width + x) * 3 + c] = sum / n;
        }
      }
    }
    return out;
  };
  return { width, height, data: pass(pass(image.data, true), false) };
}

function shifted(landmarks: Landmarks, dx: number, dy: number): Landmarks {
  return landmarks.map(([x, y]) => [x + dx, y + dy]) as Landmarks;
}

/** Frames of the CCTV scene video (walls, grass, bodies, tiny far faces): where non-faces come from on a real camera. */
function cctvFrames(count: number): RgbImage[] {
  const video = join(sharedDir(), 'data', 'video', 'vtest.avi');
  if (!existsSync(video)) return [];
  const width = 768, height = 576;
  const result = spawnSync(resolveFfmpegPath(), ['-v', 'error', '-i', video, '-vf', `fps=${count / 79}`, '-frames:v', String(count), '-pix_fmt', 'rgb24', '-f', 'rawvideo', 'pipe:1'], {
    maxBuffer: count * width * height * 3 + 1024,
  });
  if (result.status !== 0) return [];
  const size = width * height * 3;
  const frames: RgbImage[] = [];
  for (let i = 0; i + size <= result.stdout.length; i += size) frames.push({ width, height, data: result.stdout.subarray(i, i + size) });
  return frames;
}

export async function facenessCommand(options: FacenessOptions): Promise<void> {
  const imagesDir = lfwImagesDir(options.lfwDir);
  const people = evenlySpaced(listLfwPeople(imagesDir).sort((a, b) => (a.name < b.name ? -1 : 1)), options.photos);
  const analyzer = await FaceAnalyzer.load({ manifest: options.manifest, modelsDir: options.modelsDir, detectorId: options.detectorId, embedderId: options.embedderIds[0] });
  const embedders: Array<{ entry: EmbedderManifest; embedder: OnnxArcfaceEmbedder }> = [];
  for (const id of options.embedderIds) {
    const entry = findModel(options.manifest, id, 'embedder');
    embedders.push({ entry, embedder: await OnnxArcfaceEmbedder.load(entry, options.modelsDir, { executionProvider: 'cpu', intraOpNumThreads: 1 }) });
  }
  const samples = embedders.map((): NormSamples => ({ faces: [], smallFaces: [], blurred: [], nonFaces: [] }));
  const add = async (key: keyof NormSamples, aligned: RgbImage) => {
    for (const [i, { embedder }] of embedders.entries()) samples[i]![key].push((await embedder.embedWithNorm(aligned)).rawNorm);
  };
  const random = seededRandom(20261204);
  const started = performance.now();
  for (const [n, person] of people.entries()) {
    const index = String(person.indices[0]).padStart(4, '0');
    const file = join(imagesDir, person.name, `${person.name}_${index}.jpg`);
    const { image } = await decodeImage(readFileSync(file), file);
    const face = pickCentralDetection(await analyzer.detect(image), image.width, image.height);
    if (!face) continue;
    const aligned = alignFace112(image, face.landmarks);
    await add('faces', aligned);
    await add('smallFaces', resizeBilinear(resizeBilinear(aligned, 36, 36), 112, 112));
    await add('blurred', boxBlur(aligned, 6));
    // Beside the face (hair, background, shoulder): one face width away in a seeded direction.
    const angle = random() * 2 * Math.PI;
    const reach = face.box.width * (1.1 + random() * 0.4);
    await add('nonFaces', alignFace112(image, shifted(face.landmarks, Math.cos(angle) * reach, Math.sin(angle) * reach)));
    if (n % 50 === 49) process.stderr.write(`eval faceness: ${n + 1}/${people.length} photos (${((performance.now() - started) / 1000).toFixed(0)} s)\n`);
  }
  // Scenery from a CCTV camera at face sizes of 30-120 px.
  for (const frame of cctvFrames(20)) {
    for (let k = 0; k < 15; k++) {
      const size = 30 + random() * 90;
      const scale = size / 112;
      const x = random() * (frame.width - size), y = random() * (frame.height - size);
      await add('nonFaces', alignFace112(frame, ARCFACE_112_TEMPLATE.map(([lx, ly]) => [x + lx * scale, y + ly * scale]) as Landmarks));
    }
  }
  await analyzer.dispose();
  if (samples[0]!.faces.length === 0) throw new VigilError('NOT_FOUND', 'no face was found in the LFW photos chosen');
  for (const [i, { entry }] of embedders.entries()) {
    const report = facenessReport(samples[i]!, entry.faceNormThreshold);
    const round = (v: number) => Math.round(v * 1000) / 1000;
    if (options.json) {
      process.stdout.write(
        `${JSON.stringify({
          embedder: entry.id,
          photos: samples[i]!.faces.length,
          non_faces: samples[i]!.nonFaces.length,
          percentiles: Object.fromEntries(Object.entries(report.percentiles).map(([k, p]) => [k, Object.fromEntries(Object.entries(p).map(([q, v]) => [q, round(v)]))])),
          recommended_threshold: report.recommendedThreshold,
          at_recommended: Object.fromEntries(Object.entries(report.atRecommended).map(([k, v]) => [k, round(v)])),
          manifest_threshold: report.atCurrent?.threshold ?? null,
          at_manifest: report.atCurrent ? Object.fromEntries(Object.entries(report.atCurrent).map(([k, v]) => [k, round(v)])) : null,
        })}\n`,
      );
    } else {
      const p = report.percentiles;
      const line = (k: keyof NormSamples) => `  ${k.padEnd(11)} p1 ${p[k].p1.toFixed(2)}  p5 ${p[k].p5.toFixed(2)}  p50 ${p[k].p50.toFixed(2)}  p95 ${p[k].p95.toFixed(2)}  p99 ${p[k].p99.toFixed(2)}  (${p[k].count})`;
      const r = (x: { facesKept: number; smallFacesKept: number; blurredRejected: number; nonFacesRejected: number }) =>
        `faces kept ${(x.facesKept * 100).toFixed(1)}%, small faces kept ${(x.smallFacesKept * 100).toFixed(1)}%, blurred rejected ${(x.blurredRejected * 100).toFixed(1)}%, non-faces rejected ${(x.nonFacesRejected * 100).toFixed(1)}%`;
      console.log(
        [
          `faceness ${entry.id}: raw embedding length`,
          line('faces'),
          line('smallFaces'),
          line('blurred'),
          line('nonFaces'),
          `  recommended threshold ${report.recommendedThreshold}: ${r(report.atRecommended)}`,
          report.atCurrent ? `  manifest threshold ${report.atCurrent.threshold}: ${r(report.atCurrent)}` : '',
        ].join('\n'),
      );
    }
  }
}
