/**
 * Draws faces' boxes and labels over a tile's picture, on a canvas the size of the tile on screen
 * (so text is the same readable size whatever the camera's resolution). The picture letterboxes
 * inside the canvas; boxes arrive in the analysed frame's pixels and are mapped the same way.
 * drawOverlay returns the placements drawn as JSON, for the canvas's `data-labels` attribute (tests
 * and tools); the caller writes it (throttled: see throttled-dataset).
 */
import type { LiveFace } from '../../../src-preload/contract';
import { statusColours } from '../lib/format';
import { labelText, placeLabels, type Placement } from './label-placement';
import { fitContain, type Rect } from './wall-layout';

export interface OverlayView {
  frameWidth: number;
  frameHeight: number;
  /** The canvas's drawing size in CSS pixels (the caller scales the context for the device pixel ratio). */
  canvasWidth: number;
  canvasHeight: number;
  showScores: boolean;
}

/** What `data-labels` holds per face, in canvas CSS pixels (rounded). */
export interface DrawnLabel {
  status: LiveFace['status'];
  text: string;
  kind: Placement['kind'];
  box: Rect;
  label: Rect | null;
}

const FONT_FAMILY = 'system-ui, -apple-system, "Segoe UI", sans-serif';
const textColour: Record<LiveFace['status'], string> = { member: '#052e16', unknown: '#1c1002', blocked: '#ffffff' };

function round(rect: Rect): Rect {
  return { x: Math.round(rect.x), y: Math.round(rect.y), width: Math.round(rect.width), height: Math.round(rect.height) };
}

/**
 * What each canvas shows now (size, boxes to the pixel, texts, colours). A tile redraws for
 * every displayed frame (~30 a second); when the picture would be the same (the same analysed
 * frame held, or nobody there), the canvas is left alone: no clearing, no text.
 */
const drawnKey = new WeakMap<HTMLCanvasElement, string>();

export function drawOverlay(
  ctx: CanvasRenderingContext2D,
  faces: readonly LiveFace[],
  view: { frameWidth: number; frameHeight: number; canvasWidth: number; canvasHeight: number; showScores: boolean },
): string | null {
  const { canvasWidth, canvasHeight } = view;
  const fit = fitContain(view.frameWidth, view.frameHeight, canvasWidth, canvasHeight);
  const boxes = fit.scale <= 0 ? [] : faces.map((face) => ({
    x: fit.x + face.bbox.x * fit.scale,
    y: fit.y + face.bbox.y * fit.scale,
    width: face.bbox.width * fit.scale,
    height: face.bbox.height * fit.scale,
  }));
  const texts = boxes.map((_, i) => labelText(faces[i]!, view.showScores));
  // Whole pixels: a box that moved less than a pixel is not worth a redraw (each one costs the page a canvas commit).
  const px = (v: number) => Math.round(v);
  const key = `${canvasWidth}x${canvasHeight}|${boxes.map((b, i) => `${faces[i]!.status}:${texts[i]}:${px(b.x)},${px(b.y)},${px(b.width)},${px(b.height)}`).join('|')}`;
  if (drawnKey.get(ctx.canvas) === key) return null;
  drawnKey.set(ctx.canvas, key);
  ctx.clearRect(0, 0, canvasWidth, canvasHeight);
  if (fit.scale <= 0) return '[]';
  // Readable at a distance, yet small enough not to bury a 4 × 4 wall's tiles.
  const fontSize = Math.round(Math.min(20, Math.max(12, Math.min(canvasWidth, canvasHeight) / 22)));
  const pad = Math.round(fontSize * 0.3);
  const labelHeight = fontSize + pad * 2;
  ctx.font = `600 ${fontSize}px ${FONT_FAMILY}`;
  ctx.textBaseline = 'top';
  const placements = placeLabels(
    boxes.map((box, i) => ({ box, labelWidth: Math.ceil(ctx.measureText(texts[i]!).width) + pad * 2 })),
    { width: canvasWidth, height: canvasHeight },
    { labelHeight },
  );

  // Boxes first (thin), then labels on top so no box line crosses a label's text.
  ctx.lineWidth = 2;
  faces.forEach((face, i) => {
    const placement = placements[i]!;
    if (placement.kind !== 'label') return;
    const box = boxes[i]!;
    ctx.strokeStyle = statusColours[face.status] ?? statusColours.unknown;
    ctx.strokeRect(box.x, box.y, box.width, box.height);
  });
  faces.forEach((face, i) => {
    const placement = placements[i]!;
    const colour = statusColours[face.status] ?? statusColours.unknown;
    if (placement.kind === 'dot' && placement.dot) {
      ctx.beginPath();
      ctx.arc(placement.dot.x, placement.dot.y, placement.dot.radius, 0, Math.PI * 2);
      ctx.fillStyle = colour;
      ctx.fill();
      ctx.lineWidth = 1;
      ctx.strokeStyle = '#000';
      ctx.stroke();
      return;
    }
    const label = placement.label;
    if (!label) return;
    if (placement.leader) {
      const box = boxes[i]!;
      ctx.beginPath();
      ctx.moveTo(label.x + label.width / 2, label.y + label.height / 2);
      ctx.lineTo(box.x + box.width / 2, label.y < box.y ? box.y : box.y + box.height);
      ctx.lineWidth = 1;
      ctx.strokeStyle = colour;
      ctx.stroke();
    }
    ctx.fillStyle = colour;
    ctx.fillRect(label.x, label.y, label.width, label.height);
    ctx.fillStyle = textColour[face.status] ?? '#111';
    ctx.fillText(texts[i]!, label.x + pad, label.y + pad, Math.max(1, label.width - pad * 2));
  });

  const drawn: DrawnLabel[] = placements.map((p, i) => ({
    status: faces[i]!.status,
    text: texts[i]!,
    kind: p.kind,
    box: round(boxes[i]!),
    label: p.label ? round(p.label) : null,
  }));
  return JSON.stringify(drawn);
}
