import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { seededRandom } from '../../src-main/engine/util/seeded-random.js';
import { labelText, placeLabels, type LabelFace, type Placement } from '../../src-renderer/src/live/label-placement.js';
import { intersectionArea, type Rect } from '../../src-renderer/src/live/wall-layout.js';

const HEIGHT = 22;

function gapBetween(a: Rect, b: Rect): number {
  const dx = Math.max(0, Math.max(a.x, b.x) - Math.min(a.x + a.width, b.x + b.width));
  const dy = Math.max(0, Math.max(a.y, b.y) - Math.min(a.y + a.height, b.y + b.height));
  return Math.max(dx, dy);
}

function assertRules(faces: readonly LabelFace[], canvas: { width: number; height: number }, placements: readonly Placement[], what: string) {
  assert.equal(placements.length, faces.length, what);
  const labels: Rect[] = [];
  placements.forEach((p, i) => {
    assert.equal(p.face, i, what);
    const box = faces[i]!.box;
    if (Math.min(box.width, box.height) < 24) {
      assert.equal(p.kind, 'dot', `${what}: face ${i} is small`);
      return;
    }
    assert.equal(p.kind, 'label', `${what}: face ${i}`);
    const label = p.label!;
    assert.ok(label.x >= 0 && label.y >= 0 && label.x + label.width <= canvas.width && label.y + label.height <= canvas.height, `${what}: label ${i} ${JSON.stringify(label)} leaves the canvas`);
    assert.equal(intersectionArea(label, box), 0, `${what}: label ${i} covers its own face`);
    labels.push(label);
  });
  for (let i = 0; i < labels.length; i++) {
    for (let j = i + 1; j < labels.length; j++) assert.equal(intersectionArea(labels[i]!, labels[j]!), 0, `${what}: labels overlap ${JSON.stringify([labels[i], labels[j]])}`);
  }
}

describe('label placement rules', () => {
  test('a lone face: label just above, left-aligned with the box', () => {
    const [p] = placeLabels([{ box: { x: 100, y: 100, width: 60, height: 60 }, labelWidth: 80 }], { width: 640, height: 360 }, { labelHeight: HEIGHT });
    assert.deepEqual(p!.label, { x: 100, y: 100 - 2 - HEIGHT, width: 80, height: HEIGHT });
    assert.equal(p!.leader, false);
  });

  test('a face at the top edge: label just below', () => {
    const [p] = placeLabels([{ box: { x: 100, y: 5, width: 60, height: 60 }, labelWidth: 80 }], { width: 640, height: 360 }, { labelHeight: HEIGHT });
    assert.deepEqual(p!.label, { x: 100, y: 67, width: 80, height: HEIGHT });
  });

  test('a face at the right edge: label shifted left to stay inside', () => {
    const [p] = placeLabels([{ box: { x: 600, y: 100, width: 40, height: 40 }, labelWidth: 120 }], { width: 640, height: 360 }, { labelHeight: HEIGHT });
    assert.equal(p!.label!.x + p!.label!.width, 640);
  });

  test('the place above would cover another face: the label goes where it covers none', () => {
    const faces: LabelFace[] = [
      { box: { x: 100, y: 150, width: 60, height: 60 }, labelWidth: 80 },
      { box: { x: 100, y: 100, width: 60, height: 30 }, labelWidth: 80 },
    ];
    const placements = placeLabels(faces, { width: 640, height: 360 }, { labelHeight: HEIGHT });
    assertRules(faces, { width: 640, height: 360 }, placements, 'stacked faces');
    for (const p of placements) for (const f of faces) assert.equal(intersectionArea(p.label!, f.box), 0);
  });

  test('two faces side by side closer than a label is wide: labels stack, no overlap', () => {
    const faces: LabelFace[] = [
      { box: { x: 200, y: 150, width: 50, height: 50 }, labelWidth: 140 },
      { box: { x: 260, y: 150, width: 50, height: 50 }, labelWidth: 140 },
    ];
    const placements = placeLabels(faces, { width: 640, height: 360 }, { labelHeight: HEIGHT });
    assertRules(faces, { width: 640, height: 360 }, placements, 'side by side');
    // One above, the other either below or stacked higher: both near their faces.
    assert.ok(placements.every((p) => Math.abs(p.label!.y - 150) < 4 * HEIGHT));
  });

  test('faces under 24 px on screen get a dot', () => {
    const [p] = placeLabels([{ box: { x: 10, y: 10, width: 20, height: 30 }, labelWidth: 80 }], { width: 640, height: 360 }, { labelHeight: HEIGHT });
    assert.equal(p!.kind, 'dot');
    assert.deepEqual(p!.dot, { x: 20, y: 25, radius: 4 });
  });

  test('a label wider than the canvas is cut to the canvas width; a face filling the canvas never throws', () => {
    const wide = placeLabels([{ box: { x: 10, y: 50, width: 40, height: 40 }, labelWidth: 900 }], { width: 200, height: 120 }, { labelHeight: HEIGHT });
    assert.equal(wide[0]!.label!.width, 200);
    const full = placeLabels([{ box: { x: 0, y: 0, width: 200, height: 120 }, labelWidth: 50 }], { width: 200, height: 120 }, { labelHeight: HEIGHT });
    assert.equal(full[0]!.kind, 'label');
  });

  test('label text: name only, Unknown for unknowns, the score only with details', () => {
    assert.equal(labelText({ status: 'member', personName: 'Ada', score: 0.812 }, false), 'Ada');
    assert.equal(labelText({ status: 'member', personName: 'Ada', score: 0.812 }, true), 'Ada 0.81');
    assert.equal(labelText({ status: 'unknown', personName: 'Best Guess', score: 0.3 }, false), 'Unknown');
    assert.equal(labelText({ status: 'blocked', personName: 'Eve', score: null }, true), 'Eve');
    assert.equal(labelText({ status: 'member', personName: '  ', score: null }, false), 'Unknown');
  });
});

describe('label placement properties (seeded random scenes)', () => {
  const canvases = [
    { width: 480, height: 270 },
    { width: 640, height: 360 },
    { width: 1280, height: 720 },
  ];
  test('labels never overlap, never cover their own face, stay inside the canvas (faces ≥ 24 px, ≥ 24 px apart)', () => {
    const random = seededRandom(16);
    let scenes = 0;
    for (const canvas of canvases) {
      for (let scene = 0; scene < 300; scene++) {
        const count = 1 + Math.floor(random() * 8);
        const faces: LabelFace[] = [];
        for (let tries = 0; faces.length < count && tries < 200; tries++) {
          const size = 24 + random() * Math.min(110, canvas.height / 3);
          const box = { x: random() * (canvas.width - size), y: random() * (canvas.height - size), width: size, height: size * (0.9 + random() * 0.4) };
          if (box.y + box.height > canvas.height) continue;
          if (faces.some((f) => gapBetween(f.box, box) < 24)) continue;
          faces.push({ box, labelWidth: 40 + random() * 120 });
        }
        assertRules(faces, canvas, placeLabels(faces, canvas, { labelHeight: HEIGHT }), `${canvas.width}×${canvas.height} scene ${scene}`);
        scenes++;
      }
    }
    assert.equal(scenes, 900);
  });

  test('small faces mixed in: dots for them, the rules still hold for the rest', () => {
    const random = seededRandom(7);
    const canvas = { width: 640, height: 360 };
    for (let scene = 0; scene < 200; scene++) {
      const faces: LabelFace[] = [];
      for (let i = 0; i < 6; i++) {
        const size = 8 + random() * 60;
        faces.push({ box: { x: random() * (canvas.width - size), y: random() * (canvas.height - size), width: size, height: size }, labelWidth: 60 + random() * 60 });
      }
      const placements = placeLabels(faces, canvas, { labelHeight: HEIGHT });
      placements.forEach((p, i) => {
        const box = faces[i]!.box;
        if (box.width < 24) assert.equal(p.kind, 'dot');
        else {
          assert.equal(intersectionArea(p.label!, box), 0, `scene ${scene}: own face covered`);
          assert.ok(p.label!.x >= 0 && p.label!.x + p.label!.width <= canvas.width && p.label!.y >= 0 && p.label!.y + p.label!.height <= canvas.height);
        }
      });
    }
  });
});
