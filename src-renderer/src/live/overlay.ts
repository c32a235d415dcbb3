/**
 * Draws the faces over a camera's video: a box and a name label per face, in the status colour.
 * Boxes are in the analysed frame's pixels (frameWidth x frameHeight) and are scaled to the
 * canvas, which covers the video element. Keep the signature of drawOverlay: the drawing itself
 * may be replaced (label placement, styles) without touching its callers.
 */
import type { LiveFace } from '../../../src-preload/contract';
import { faceLabel, statusColours } from '../lib/format';

export interface OverlayGeometry {
  frameWidth: number;
  frameHeight: number;
  canvasWidth: number;
  canvasHeight: number;
  /** Show the match score after the name. */
  showScores: boolean;
}

export function drawOverlay(ctx: CanvasRenderingContext2D, faces: readonly LiveFace[], geometry: OverlayGeometry): void {
  const { frameWidth, frameHeight, canvasWidth, canvasHeight, showScores } = geometry;
  ctx.clearRect(0, 0, canvasWidth, canvasHeight);
  if (frameWidth <= 0 || frameHeight <= 0 || faces.length === 0) return;
  // The video is letterboxed into the element (object-fit: contain): the same fit for the boxes.
  const scale = Math.min(canvasWidth / frameWidth, canvasHeight / frameHeight);
  const offsetX = (canvasWidth - frameWidth * scale) / 2;
  const offsetY = (canvasHeight - frameHeight * scale) / 2;
  const line = Math.max(2, Math.round(canvasWidth / 260));
  const fontSize = Math.max(12, Math.round(canvasWidth / 40));
  ctx.font = `600 ${fontSize}px system-ui, -apple-system, "Segoe UI", sans-serif`;
  ctx.textBaseline = 'top';
  for (const face of faces) {
    const colour = statusColours[face.status] ?? statusColours.unknown;
    const x = offsetX + face.bbox.x * scale;
    const y = offsetY + face.bbox.y * scale;
    const w = face.bbox.width * scale;
    const h = face.bbox.height * scale;
    ctx.lineWidth = line;
    ctx.strokeStyle = colour;
    ctx.strokeRect(x, y, w, h);

    const text = faceLabel(showScores ? face : { personName: face.personName, score: null });
    const pad = Math.round(fontSize * 0.3);
    const textWidth = ctx.measureText(text).width;
    const labelH = fontSize + pad * 2;
    const labelX = Math.min(Math.max(0, x - line / 2), Math.max(0, canvasWidth - textWidth - pad * 2));
    // Above the box when there is room, otherwise just inside its top edge.
    const labelY = y - labelH >= 0 ? y - labelH : Math.min(canvasHeight - labelH, Math.max(0, y));
    ctx.fillStyle = colour;
    ctx.fillRect(labelX, labelY, textWidth + pad * 2, labelH);
    ctx.fillStyle = face.status === 'blocked' ? '#ffffff' : '#111111';
    ctx.fillText(text, labelX + pad, labelY + pad);
  }
}
