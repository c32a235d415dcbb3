/**
 * Where each face's label goes on a tile (pure, screen pixels, no DOM).
 *
 * Rules a guard can rely on: the label sits just above its face (below when the face touches the
 * top edge); it never covers its own face; it covers no other face while a free place exists;
 * labels of faces close together are stacked instead of overlapping; every label stays inside the
 * canvas. Faces too small to carry a readable label get a dot instead.
 */
import { intersectionArea, type Rect } from './wall-layout';

export interface LabelFace {
  /** The face's box on the canvas (already scaled from the analysed frame). */
  box: Rect;
  /** The label's measured width in canvas pixels (padding included). */
  labelWidth: number;
}

export interface LabelPlacementOptions {
  /** The label's height in canvas pixels (padding included). */
  labelHeight: number;
  /** Faces whose smaller side is below this get a dot rather than a label. */
  minFaceSize?: number;
  /** Pixels kept between a label and boxes or other labels. */
  gap?: number;
}

export interface Placement {
  /** Index of the face in the input. */
  face: number;
  kind: 'label' | 'dot';
  /** The label rectangle (kind 'label'). */
  label: Rect | null;
  /** The dot's centre and radius (kind 'dot'). */
  dot: { x: number; y: number; radius: number } | null;
  /** True when the label had to move away from its face (a thin line joins them). */
  leader: boolean;
}

export const MIN_LABELLED_FACE = 24;

/** The text on a face's label: the name only (the box colour says member/unknown/blocked); the score only on request. */
export function labelText(face: { status: string; personName: string | null; score: number | null }, showScores: boolean): string {
  const name = face.status === 'unknown' ? 'Unknown' : face.personName?.trim() || 'Unknown';
  return showScores && typeof face.score === 'number' && Number.isFinite(face.score) ? `${name} ${face.score.toFixed(2)}` : name;
}

function inside(rect: Rect, canvas: { width: number; height: number }): boolean {
  return rect.x >= 0 && rect.y >= 0 && rect.x + rect.width <= canvas.width + 1e-6 && rect.y + rect.height <= canvas.height + 1e-6;
}

function grow(rect: Rect, by: number): Rect {
  return { x: rect.x - by, y: rect.y - by, width: rect.width + 2 * by, height: rect.height + 2 * by };
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(Math.max(value, low), Math.max(low, high));
}

/**
 * Candidate places in order of preference: above (left-aligned, centred, right-aligned), below,
 * beside, then further stacked rows above and below, then anywhere on the canvas (with a leader).
 */
function candidates(box: Rect, width: number, height: number, canvas: { width: number; height: number }, gap: number): Array<{ rect: Rect; near: boolean }> {
  const xs = [box.x, box.x + (box.width - width) / 2, box.x + box.width - width].map((x) => clamp(x, 0, canvas.width - width));
  const out: Array<{ rect: Rect; near: boolean }> = [];
  const row = (y: number, near: boolean) => {
    if (y < 0 || y + height > canvas.height) return;
    for (const x of xs) out.push({ rect: { x, y, width, height }, near });
  };
  const above = (k: number) => box.y - gap - height - k * (height + gap);
  const below = (k: number) => box.y + box.height + gap + k * (height + gap);
  row(above(0), true);
  row(below(0), true);
  // Beside the box, level with its top.
  const sideY = clamp(box.y, 0, canvas.height - height);
  for (const x of [box.x + box.width + gap, box.x - gap - width]) {
    if (x >= 0 && x + width <= canvas.width) out.push({ rect: { x, y: sideY, width, height }, near: true });
  }
  const rows = Math.ceil(canvas.height / (height + gap)) + 1;
  for (let k = 1; k <= rows; k++) {
    row(above(k), false);
    row(below(k), false);
  }
  // Anywhere: a coarse scan of the whole canvas, nearest first.
  const scan: Array<{ rect: Rect; near: boolean; distance: number }> = [];
  const stepX = Math.max(8, width / 2);
  const stepY = height + gap;
  const centreX = box.x + box.width / 2;
  const centreY = box.y + box.height / 2;
  for (let y = 0; y + height <= canvas.height; y += stepY) {
    for (let x = 0; x + width <= canvas.width; x += stepX) {
      scan.push({ rect: { x, y, width, height }, near: false, distance: Math.hypot(x + width / 2 - centreX, y + height / 2 - centreY) });
    }
    const x = canvas.width - width;
    if (x >= 0) scan.push({ rect: { x, y, width, height }, near: false, distance: Math.hypot(x + width / 2 - centreX, y + height / 2 - centreY) });
  }
  scan.sort((a, b) => a.distance - b.distance);
  for (const s of scan) out.push({ rect: s.rect, near: false });
  return out;
}

/**
 * Places every face's label (or dot). Faces are handled top to bottom, so close faces' labels
 * stack upwards in reading order. Never throws; degenerate sizes give a label clamped into the canvas.
 */
export function placeLabels(faces: readonly LabelFace[], canvas: { width: number; height: number }, options: LabelPlacementOptions): Placement[] {
  const minFace = options.minFaceSize ?? MIN_LABELLED_FACE;
  const gap = Math.max(0, options.gap ?? 2);
  const height = Math.max(1, Math.min(options.labelHeight, canvas.height));
  const boxes = faces.map((f) => f.box);
  const order = faces.map((_, i) => i).sort((a, b) => boxes[a]!.y - boxes[b]!.y || boxes[a]!.x - boxes[b]!.x);
  const placed: Rect[] = [];
  const result: Placement[] = new Array(faces.length);

  for (const index of order) {
    const face = faces[index]!;
    const box = face.box;
    if (Math.min(box.width, box.height) < minFace) {
      result[index] = {
        face: index,
        kind: 'dot',
        label: null,
        dot: { x: clamp(box.x + box.width / 2, 0, canvas.width), y: clamp(box.y + box.height / 2, 0, canvas.height), radius: 4 },
        leader: false,
      };
      continue;
    }
    const width = Math.max(1, Math.min(face.labelWidth, canvas.width));
    let best: { rect: Rect; near: boolean } | null = null;
    let bestCost = Infinity;
    for (const candidate of candidates(box, width, height, canvas, gap)) {
      const rect = candidate.rect;
      if (!inside(rect, canvas) || intersectionArea(rect, box) > 0) continue;
      let labelOverlap = 0;
      for (const other of placed) labelOverlap += intersectionArea(grow(rect, gap / 2), grow(other, gap / 2));
      let faceOverlap = 0;
      for (const other of boxes) if (other !== box) faceOverlap += intersectionArea(rect, other);
      // Covering another label is worse than covering a face; among equals the earlier (nearer) place wins.
      const cost = labelOverlap * 1e6 + faceOverlap;
      if (cost < bestCost) {
        best = candidate;
        bestCost = cost;
        if (cost === 0) break;
      }
    }
    // No place outside the face at all (a face filling the canvas): just inside its top edge.
    const rect = best?.rect ?? { x: clamp(box.x, 0, canvas.width - width), y: clamp(box.y, 0, canvas.height - height), width, height };
    placed.push(rect);
    result[index] = { face: index, kind: 'label', label: rect, dot: null, leader: !(best?.near ?? true) };
  }
  return result;
}
