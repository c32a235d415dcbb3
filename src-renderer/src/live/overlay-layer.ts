/**
 * Puts an overlay plan (overlay.ts) on screen as a few positioned elements per face, inside the
 * tile's overlay element. Why elements and not a canvas: a tile redraws for every displayed frame
 * while someone walks, and without a GPU (most sites) a canvas the size of the tile is re-rastered,
 * copied and blended over the video each time. A face's box and label are moved by transforms,
 * so a walking face costs the compositor only the box's area (measured with six
 * tiles in headless Chromium: about 0.1 core less than the canvas). Elements are kept and reused;
 * a property is written only when its value changes.
 */
import { planOverlay, drawnLabels, type OverlayView } from './overlay';
import type { LiveFace } from '../../../src-preload/contract';

/** Text widths by font and text (labels repeat: names, "Unknown"), measured once on an off-screen canvas. */
const widthCache = new Map<string, number>();
let measureContext: CanvasRenderingContext2D | null | undefined;
function measureText(text: string, font: string): number {
  const cacheKey = `${font}|${text}`;
  const known = widthCache.get(cacheKey);
  if (known !== undefined) return known;
  if (measureContext === undefined) measureContext = document.createElement('canvas').getContext('2d');
  let width = text.length * 8; // no 2D context (should not happen): a rough width, the label clips its text
  if (measureContext) {
    measureContext.font = font;
    width = measureContext.measureText(text).width;
  }
  if (widthCache.size > 2_000) widthCache.clear();
  widthCache.set(cacheKey, width);
  return width;
}

/** Sets a style property only when it differs from what this layer last set (no needless style work per frame). */
function setStyle(element: HTMLElement, written: Map<string, string>, property: string, value: string): void {
  if (written.get(property) === value) return;
  written.set(property, value);
  element.style.setProperty(property, value);
}

interface FaceElements {
  box: HTMLDivElement;
  label: HTMLDivElement;
  dot: HTMLDivElement;
  leader: HTMLDivElement;
  written: Map<HTMLElement, Map<string, string>>;
  text: string;
  /** The status on the elements' data-status (tests read it), or null while hidden. */
  status: string | null;
}

const px = (v: number) => `${v}px`;

/** Writes data-status only when it changes (render runs for every displayed frame). */
function setStatus(face: FaceElements, status: string | null): void {
  if (face.status === status) return;
  face.status = status;
  for (const element of [face.box, face.label, face.dot, face.leader]) {
    if (status === null) delete element.dataset.status;
    else element.dataset.status = status;
  }
}

export class OverlayLayer {
  /** Boxes, dots and leader lines below; labels above, so no box line crosses a label's text. */
  readonly #boxes: HTMLDivElement;
  readonly #labels: HTMLDivElement;
  readonly #faces: FaceElements[] = [];
  #key: string | null = null;

  constructor(root: HTMLElement) {
    this.#boxes = document.createElement('div');
    this.#labels = document.createElement('div');
    this.#boxes.className = 'overlay-plane';
    this.#labels.className = 'overlay-plane';
    root.replaceChildren(this.#boxes, this.#labels);
  }

  /**
   * Shows these faces; returns the placements as `data-labels` JSON when anything changed, else
   * null (the same picture as before: nothing was touched).
   */
  render(faces: readonly LiveFace[], view: OverlayView): string | null {
    const plan = planOverlay(faces, view, measureText, this.#key);
    if (plan === null) return null;
    this.#key = plan.key;
    plan.items.forEach((item, i) => {
      const face = this.#faces[i] ?? this.#add();
      const style = (element: HTMLElement, property: string, value: string) => setStyle(element, face.written.get(element)!, property, value);
      const hide = (element: HTMLElement) => style(element, 'display', 'none');
      setStatus(face, item.status);
      if (item.kind === 'dot' && item.dot) {
        hide(face.box);
        hide(face.label);
        hide(face.leader);
        style(face.dot, 'display', 'block');
        style(face.dot, 'transform', `translate(${px(item.dot.x - item.dot.radius)}, ${px(item.dot.y - item.dot.radius)})`);
        style(face.dot, 'width', px(item.dot.radius * 2));
        style(face.dot, 'height', px(item.dot.radius * 2));
        style(face.dot, 'background', item.colour);
        return;
      }
      hide(face.dot);
      style(face.box, 'display', 'block');
      style(face.box, 'transform', `translate(${px(item.box.x)}, ${px(item.box.y)})`);
      style(face.box, 'width', px(item.box.width));
      style(face.box, 'height', px(item.box.height));
      style(face.box, 'border-color', item.colour);
      if (item.label) {
        style(face.label, 'display', 'block');
        style(face.label, 'transform', `translate(${px(item.label.x)}, ${px(item.label.y)})`);
        style(face.label, 'width', px(item.label.width));
        style(face.label, 'height', px(item.label.height));
        style(face.label, 'padding', px(plan.pad));
        style(face.label, 'font', plan.font);
        style(face.label, 'line-height', px(plan.fontSize));
        style(face.label, 'background', item.colour);
        style(face.label, 'color', item.textColour);
        if (face.text !== item.text) {
          face.text = item.text;
          face.label.textContent = item.text;
        }
      } else hide(face.label);
      if (item.leader) {
        const dx = item.leader.x2 - item.leader.x1;
        const dy = item.leader.y2 - item.leader.y1;
        style(face.leader, 'display', 'block');
        style(face.leader, 'transform', `translate(${px(item.leader.x1)}, ${px(item.leader.y1)}) rotate(${Math.atan2(dy, dx).toFixed(4)}rad)`);
        style(face.leader, 'width', px(Math.round(Math.hypot(dx, dy))));
        style(face.leader, 'background', item.colour);
      } else hide(face.leader);
    });
    // Faces that left: their elements are hidden (kept for the next ones).
    for (const face of this.#faces.slice(plan.items.length)) {
      for (const element of [face.box, face.label, face.dot, face.leader]) setStyle(element, face.written.get(element)!, 'display', 'none');
      setStatus(face, null);
    }
    return drawnLabels(plan);
  }

  #add(): FaceElements {
    const make = (className: string, parent: HTMLElement) => {
      const element = document.createElement('div');
      element.className = className;
      element.style.display = 'none';
      parent.append(element);
      return element;
    };
    const leader = make('overlay-leader', this.#boxes);
    const box = make('overlay-box', this.#boxes);
    const dot = make('overlay-dot', this.#boxes);
    const label = make('overlay-label', this.#labels);
    const face: FaceElements = { box, label, dot, leader, text: '', status: null, written: new Map([box, label, dot, leader].map((e) => [e, new Map([['display', 'none']])])) };
    this.#faces.push(face);
    return face;
  }
}
