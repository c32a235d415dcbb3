import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { LiveFace } from '../../src-preload/contract.js';
import { drawnLabels, planOverlay, type OverlayView } from '../../src-renderer/src/live/overlay.js';
import { intersectionArea } from '../../src-renderer/src/live/wall-layout.js';

/** A fixed-width font stand-in: 8 px per character at any size (the plan only needs widths). */
const measure = (text: string) => text.length * 8;

function face(x: number, y: number, size: number, status: LiveFace['status'], personName: string | null = null, score = 0.5): LiveFace {
  return { bbox: { x, y, width: size, height: size }, landmarks: [], detScore: 0.9, trackId: 1, status, personId: personName ? 1 : null, personName, score };
}

const view = (width: number, height: number, frameWidth = 1280, frameHeight = 720, showScores = false): OverlayView => ({ width, height, frameWidth, frameHeight, showScores });

describe('overlay plan', () => {
  test('boxes are mapped from the analysed frame into the letterboxed picture, to whole pixels', () => {
    const cases: Array<{ what: string; view: OverlayView; bbox: [number, number, number]; box: [number, number, number, number] }> = [
      { what: 'same aspect, half size', view: view(640, 360), bbox: [200, 100, 100], box: [100, 50, 50, 50] },
      { what: 'taller tile: bars above and below', view: view(640, 480), bbox: [200, 100, 100], box: [100, 110, 50, 50] },
      { what: 'wider tile: bars left and right', view: view(800, 360), bbox: [0, 0, 100], box: [80, 0, 50, 50] },
      { what: 'fractions rounded', view: view(427, 240), bbox: [101, 101, 101], box: [34, 34, 34, 34] },
    ];
    for (const c of cases) {
      const plan = planOverlay([face(c.bbox[0], c.bbox[1], c.bbox[2], 'member', 'Ada')], c.view, measure)!;
      const [x, y, width, height] = c.box;
      assert.deepEqual(plan.items[0]!.box, { x, y, width, height }, c.what);
    }
  });

  test('colours and texts say the status; the score only with details', () => {
    const faces = [face(100, 300, 120, 'member', 'Ada Lovelace', 0.81), face(500, 300, 120, 'unknown', null, 0.3), face(900, 300, 120, 'blocked', 'Mallory', 0.77)];
    const plain = planOverlay(faces, view(1280, 720), measure)!;
    assert.deepEqual(plain.items.map((i) => [i.text, i.colour]), [
      ['Ada Lovelace', '#22c55e'],
      ['Unknown', '#f59e0b'],
      ['Mallory', '#ef4444'],
    ]);
    const detailed = planOverlay(faces, view(1280, 720, 1280, 720, true), measure)!;
    assert.equal(detailed.items[0]!.text, 'Ada Lovelace 0.81');
    // Labels are as wide as their text plus padding on both sides.
    assert.equal(plain.items[0]!.label!.width, 'Ada Lovelace'.length * 8 + plain.pad * 2);
  });

  test('a label never covers its face; close faces get labels that do not overlap, joined by a leader when moved away', () => {
    const faces = [face(400, 300, 80, 'member', 'Ada Lovelace'), face(430, 240, 80, 'unknown'), face(470, 330, 80, 'blocked', 'Mallory'), face(10, 2, 90, 'member', 'Top Edge')];
    const plan = planOverlay(faces, view(1280, 720), measure)!;
    for (const item of plan.items) assert.equal(intersectionArea(item.label!, item.box), 0, `${item.text} covers its face`);
    for (let i = 0; i < plan.items.length; i++)
      for (let j = i + 1; j < plan.items.length; j++) assert.equal(intersectionArea(plan.items[i]!.label!, plan.items[j]!.label!), 0);
    const top = plan.items[3]!;
    assert.ok(top.label!.y >= top.box.y + top.box.height, 'a face at the top edge has its label below');
    for (const item of plan.items) {
      if (!item.leader) continue;
      // The leader runs from the label's centre to the nearer horizontal edge of the box.
      assert.equal(item.leader.x1, item.label!.x + item.label!.width / 2);
      assert.ok(item.leader.y2 === item.box.y || item.leader.y2 === item.box.y + item.box.height);
    }
  });

  test('a face under ~24 px on screen is a dot, not a label', () => {
    const plan = planOverlay([face(600, 300, 40, 'unknown')], view(640, 360), measure)!;
    assert.equal(plan.items[0]!.kind, 'dot');
    assert.equal(plan.items[0]!.label, null);
    assert.deepEqual(plan.items[0]!.dot, { x: 310, y: 160, radius: 4 });
  });

  test('the same picture gives no plan (nothing to touch); a pixel of movement, a new name or a resize does', () => {
    const faces = [face(400, 300, 80, 'member', 'Ada')];
    const first = planOverlay(faces, view(640, 360), measure)!;
    assert.equal(planOverlay(faces, view(640, 360), measure, first.key), null);
    // Half a frame pixel is a quarter of a screen pixel: still the same picture.
    assert.equal(planOverlay([face(400.5, 300, 80, 'member', 'Ada')], view(640, 360), measure, first.key), null);
    assert.notEqual(planOverlay([face(402, 300, 80, 'member', 'Ada')], view(640, 360), measure, first.key), null);
    assert.notEqual(planOverlay([face(400, 300, 80, 'member', 'Grace')], view(640, 360), measure, first.key), null);
    assert.notEqual(planOverlay(faces, view(800, 450), measure, first.key), null);
    // Nobody there, twice: nothing to clear the second time.
    const empty = planOverlay([], view(640, 360), measure, first.key)!;
    assert.deepEqual(empty.items, []);
    assert.equal(planOverlay([], view(640, 360), measure, empty.key), null);
  });

  test('no picture size yet (a tile not laid out, or a frame without size): nothing shown, no throw', () => {
    for (const v of [view(0, 0), view(640, 360, 0, 0), view(Number.NaN, 360)]) {
      const plan = planOverlay([face(10, 10, 50, 'member', 'Ada')], v, measure)!;
      assert.deepEqual(plan.items, []);
      assert.equal(drawnLabels(plan), '[]');
    }
  });

  test('data-labels lists each face as planned', () => {
    const plan = planOverlay([face(400, 300, 80, 'member', 'Ada'), face(1200, 700, 20, 'unknown')], view(1280, 720), measure)!;
    const drawn = JSON.parse(drawnLabels(plan)) as Array<{ kind: string; text: string; box: unknown; label: unknown }>;
    assert.deepEqual(drawn.map((d) => [d.kind, d.text]), [
      ['label', 'Ada'],
      ['dot', 'Unknown'],
    ]);
    assert.deepEqual(drawn[0]!.box, plan.items[0]!.box);
    assert.deepEqual(drawn[0]!.label, plan.items[0]!.label);
  });
});
