/**
 * What a tile's overlay shows: faces' boxes and labels over the picture, in the tile's own CSS
 * pixels (so text is the same readable size whatever the camera's resolution). The picture
 * letterboxes inside the tile; boxes arrive in the analysed frame's pixels and are mapped the same
 * way. Pure: the text measurer is passed in; overlay-layer.ts puts the plan on screen.
 */
import type { LiveFace } from '../../../src-preload/contract';
import { statusColours } from '../lib/format';
import { labelText, placeLabels, type Placement } from './label-placement';
import { fitContain, type Rect } from './wall-layout';

export interface OverlayView {
  frameWidth: number;
  frameHeight: number;
  /** The overlay's size in CSS pixels. */
  width: number;
  height: number;
  showScores: boolean;
}

/** What `data-labels` holds per face, in the overlay's CSS pixels (rounded). */
export interface DrawnLabel {
  status: LiveFace['status'];
  text: string;
  kind: Placement['kind'];
  box: Rect;
  label: Rect | null;
}

/** One face as shown: its box (kind 'label') or a dot (too small for a label), in whole CSS pixels. */
export interface OverlayItem {
  status: LiveFace['status'];
  colour: string;
  textColour: string;
  text: string;
  kind: Placement['kind'];
  box: Rect;
  label: Rect | null;
  dot: { x: number; y: number; radius: number } | null;
  /** A thin line from a label moved away from its face to the face's box (label centre → box edge). */
  leader: { x1: number; y1: number; x2: number; y2: number } | null;
}

export interface OverlayPlan {
  /** Equal keys show the same thing (size, boxes to the pixel, texts, colours): nothing to redo. */
  key: string;
  font: string;
  fontSize: number;
  /** Space between a label's edge and its text. */
  pad: number;
  items: OverlayItem[];
}

export const OVERLAY_FONT_FAMILY = 'system-ui, -apple-system, "Segoe UI", sans-serif';
const textColours: Record<LiveFace['status'], string> = { member: '#052e16', unknown: '#1c1002', blocked: '#ffffff' };

function round(rect: Rect): Rect {
  return { x: Math.round(rect.x), y: Math.round(rect.y), width: Math.round(rect.width), height: Math.round(rect.height) };
}

/**
 * The overlay for these faces, or null when it would be the one with `previousKey` (the same
 * analysed frame held, or nobody there): a tile plans for every displayed frame (~30 a second) and
 * should touch the page only when something moved by a pixel or more.
 */
export function planOverlay(
  faces: readonly LiveFace[],
  view: OverlayView,
  measureText: (text: string, font: string) => number,
  previousKey: string | null = null,
): OverlayPlan | null {
  const fit = fitContain(view.frameWidth, view.frameHeight, view.width, view.height);
  const shown = fit.scale <= 0 ? [] : faces;
  const boxes = shown.map((face) =>
    round({ x: fit.x + face.bbox.x * fit.scale, y: fit.y + face.bbox.y * fit.scale, width: face.bbox.width * fit.scale, height: face.bbox.height * fit.scale }),
  );
  const texts = shown.map((face) => labelText(face, view.showScores));
  const key = `${view.width}x${view.height}|${boxes.map((b, i) => `${shown[i]!.status}:${texts[i]}:${b.x},${b.y},${b.width},${b.height}`).join('|')}`;
  if (key === previousKey) return null;
  // Readable at a distance, yet small enough not to bury a 4 × 4 wall's tiles.
  const fontSize = Math.round(Math.min(20, Math.max(12, Math.min(view.width, view.height) / 22)));
  const pad = Math.round(fontSize * 0.3);
  const font = `600 ${fontSize}px ${OVERLAY_FONT_FAMILY}`;
  const placements = placeLabels(
    boxes.map((box, i) => ({ box, labelWidth: Math.ceil(measureText(texts[i]!, font)) + pad * 2 })),
    { width: view.width, height: view.height },
    { labelHeight: fontSize + pad * 2 },
  );
  const items = placements.map((placement, i): OverlayItem => {
    const face = shown[i]!;
    const box = boxes[i]!;
    const label = placement.label ? round(placement.label) : null;
    return {
      status: face.status,
      colour: statusColours[face.status] ?? statusColours.unknown,
      textColour: textColours[face.status] ?? '#111111',
      text: texts[i]!,
      kind: placement.kind,
      box,
      label,
      dot: placement.kind === 'dot' ? placement.dot : null,
      leader:
        placement.leader && label
          ? { x1: label.x + label.width / 2, y1: label.y + label.height / 2, x2: box.x + box.width / 2, y2: label.y < box.y ? box.y : box.y + box.height }
          : null,
    };
  });
  return { key, font, fontSize, pad, items };
}

/** The plan as `data-labels` JSON (tests and tools read where each label went). */
export function drawnLabels(plan: OverlayPlan): string {
  const drawn: DrawnLabel[] = plan.items.map((item) => ({ status: item.status, text: item.text, kind: item.kind, box: item.box, label: item.label }));
  return JSON.stringify(drawn);
}
