import { type Detection, nonMaxSuppression } from '../vision/geometry.js';

/**
 * Decodes YuNet's raw outputs (per stride: cls, obj, bbox, kps) into face
 * detections, in the coordinates of the network input. Pure: no ONNX here.
 *
 * For the anchor at grid cell (row, col) of stride s:
 *   score = sqrt(cls * obj)            (both already sigmoid-ed by the graph)
 *   centre = ((col, row) + bbox[0..1]) * s,  size = exp(bbox[2..3]) * s
 *   landmark k = ((col, row) + kps[2k..2k+1]) * s
 */
export interface YunetStrideOutput {
  stride: number;
  cls: Float32Array;
  obj: Float32Array;
  bbox: Float32Array;
  kps: Float32Array;
}

export interface YunetDecodeOptions {
  inputWidth: number;
  inputHeight: number;
  scoreThreshold: number;
  nmsIouThreshold: number;
  /** Keep at most this many faces after NMS (best first). */
  maxFaces?: number;
}

const clamp01 = (v: number) => (v < 0 ? 0 : v > 1 ? 1 : v);

export function decodeYunet(outputs: YunetStrideOutput[], options: YunetDecodeOptions): Detection[] {
  const candidates: Detection[] = [];
  for (const { stride, cls, obj, bbox, kps } of outputs) {
    const cols = Math.ceil(options.inputWidth / stride);
    const rows = Math.ceil(options.inputHeight / stride);
    const anchors = Math.min(cls.length, rows * cols);
    for (let index = 0; index < anchors; index++) {
      const score = Math.sqrt(clamp01(cls[index]!) * clamp01(obj[index]!));
      if (score < options.scoreThreshold) continue;
      const row = Math.floor(index / cols);
      const col = index % cols;
      const cx = (col + bbox[index * 4]!) * stride;
      const cy = (row + bbox[index * 4 + 1]!) * stride;
      const width = Math.exp(bbox[index * 4 + 2]!) * stride;
      const height = Math.exp(bbox[index * 4 + 3]!) * stride;
      const landmarks: Array<[number, number]> = [];
      for (let k = 0; k < 5; k++) {
        landmarks.push([(kps[index * 10 + 2 * k]! + col) * stride, (kps[index * 10 + 2 * k + 1]! + row) * stride]);
      }
      candidates.push({ box: { x: cx - width / 2, y: cy - height / 2, width, height }, score, landmarks });
    }
  }
  const kept = nonMaxSuppression(candidates, options.nmsIouThreshold);
  return options.maxFaces ? kept.slice(0, options.maxFaces) : kept;
}
