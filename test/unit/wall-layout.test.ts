import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  arrangeCameras,
  camerasPerPage,
  fitContain,
  intersectionArea,
  letterboxedArea,
  moveCamera,
  planWall,
  wallLayoutIds,
  type Rect,
  type WallLayoutId,
} from '../../src-renderer/src/live/wall-layout.js';

const screens = [
  { width: 1920, height: 1080 },
  { width: 1280, height: 720 },
  { width: 3840, height: 2160 },
];

const cellsPerLayout: Record<Exclude<WallLayoutId, 'auto'>, number> = { '1x1': 1, '2x2': 4, '3x3': 9, '4x4': 16, '1+5': 6, '1+7': 8 };

function coverage(cells: readonly Rect[], area: { width: number; height: number }): number {
  return cells.reduce((sum, c) => sum + c.width * c.height, 0) / (area.width * area.height);
}

function assertTiles(cells: readonly Rect[], area: { width: number; height: number }, what: string) {
  for (const [i, c] of cells.entries()) {
    assert.ok(c.width > 0 && c.height > 0, `${what}: cell ${i} is empty`);
    assert.ok(c.x >= 0 && c.y >= 0 && c.x + c.width <= area.width && c.y + c.height <= area.height, `${what}: cell ${i} ${JSON.stringify(c)} leaves the area`);
    for (let j = i + 1; j < cells.length; j++) assert.equal(intersectionArea(c, cells[j]!), 0, `${what}: cells ${i} and ${j} overlap`);
  }
  // Cells never overlap (checked above), so the sum of their areas is the area of their union.
  const covered = coverage(cells, area);
  assert.ok(covered >= 0.95, `${what}: cells cover ${(covered * 100).toFixed(1)} % of the area`);
}

describe('wall layouts fill the area below the tab bar', () => {
  for (const screen of screens) {
    for (const layout of wallLayoutIds) {
      test(`${layout} at ${screen.width}×${screen.height}, 1…16 cameras`, () => {
        for (let count = 1; count <= 16; count++) {
          const aspects = Array.from({ length: count }, () => null);
          const plan = planWall({ layout, area: screen, aspects });
          const what = `${layout} ${screen.width}×${screen.height} ${count} cameras`;
          assertTiles(plan.cells, screen, what);
          const perPage = layout === 'auto' ? Math.min(16, count) : cellsPerLayout[layout];
          assert.equal(plan.perPage, perPage, what);
          assert.equal(plan.pageCount, Math.ceil(count / perPage), `${what}: pages`);
          // Every camera appears on exactly one page, in order.
          const shown: number[] = [];
          for (let page = 0; page < plan.pageCount; page++) {
            const cells = planWall({ layout, area: screen, aspects, page }).cells;
            assertTiles(cells, screen, `${what} page ${page + 1}`);
            for (const cell of cells) if (cell.cameraIndex !== null) shown.push(cell.cameraIndex);
          }
          assert.deepEqual(shown, Array.from({ length: count }, (_, i) => i), `${what}: cameras over the pages`);
        }
      });
    }
  }
});

describe('wall layout shapes', () => {
  test('table of cell counts and first cells at 1920×1080 with a 4 px gap', () => {
    const area = { width: 1920, height: 1080 };
    const cases: Array<[WallLayoutId, number, number, Rect]> = [
      ['1x1', 1, 1, { x: 0, y: 0, width: 1920, height: 1080 }],
      ['2x2', 4, 4, { x: 0, y: 0, width: 958, height: 538 }],
      ['3x3', 9, 9, { x: 0, y: 0, width: 637, height: 357 }],
      ['4x4', 16, 16, { x: 0, y: 0, width: 477, height: 267 }],
      // The big cell spans two of three tracks and the gap between them.
      ['1+5', 6, 6, { x: 0, y: 0, width: 1279, height: 719 }],
      ['1+7', 8, 8, { x: 0, y: 0, width: 1439, height: 809 }],
    ];
    for (const [layout, count, cells, first] of cases) {
      const plan = planWall({ layout, area, aspects: Array.from({ length: count }, () => 16 / 9) });
      assert.equal(plan.cells.length, cells, layout);
      const { cameraIndex, ...rect } = plan.cells[0]!;
      assert.equal(cameraIndex, 0);
      assert.deepEqual(rect, first, layout);
    }
  });

  test('a fixed layout with fewer cameras keeps its empty cells (they still fill the screen)', () => {
    const plan = planWall({ layout: '3x3', area: { width: 1280, height: 720 }, aspects: [null, null] });
    assert.equal(plan.cells.length, 9);
    assert.deepEqual(plan.cells.map((c) => c.cameraIndex), [0, 1, null, null, null, null, null, null, null]);
  });

  test('automatic: rows chosen to show the most picture', () => {
    const area = { width: 1920, height: 1080 };
    const rowsOf = (cells: readonly Rect[]) => new Set(cells.map((c) => c.y)).size;
    const table: Array<[number, number]> = [
      [1, 1],
      [2, 1], // side by side: as much picture as stacked, and fewer rows win a tie
      [3, 2], // 2 on top, 1 wide below: the empty third of the screen of a strip is gone
      [4, 2],
      [5, 2], // 3 + 2 beats 2 + 2 + 1
      [9, 3],
      [16, 4],
    ];
    for (const [count, rows] of table) {
      const plan = planWall({ layout: 'auto', area, aspects: Array.from({ length: count }, () => null) });
      assert.equal(plan.cells.length, count, `${count} cameras`);
      assert.equal(rowsOf(plan.cells), rows, `${count} cameras: rows`);
    }
  });

  test('automatic: tall cameras (9:16) go side by side rather than stacked', () => {
    const plan = planWall({ layout: 'auto', area: { width: 1920, height: 1080 }, aspects: [9 / 16, 9 / 16, 9 / 16] });
    assert.equal(new Set(plan.cells.map((c) => c.y)).size, 1);
  });

  test('17 cameras on automatic: two pages (16 + 1)', () => {
    const aspects = Array.from({ length: 17 }, () => null);
    const first = planWall({ layout: 'auto', area: { width: 1280, height: 720 }, aspects });
    assert.equal(first.pageCount, 2);
    const second = planWall({ layout: 'auto', area: { width: 1280, height: 720 }, aspects, page: 1 });
    assert.deepEqual(second.cells.map((c) => c.cameraIndex), [16]);
    assert.equal(second.cells[0]!.width, 1280);
  });

  test('odd input never throws: zero area, no cameras, page out of range, bad aspects', () => {
    assert.deepEqual(planWall({ layout: 'auto', area: { width: 800, height: 600 }, aspects: [] }).cells, []);
    const zero = planWall({ layout: '2x2', area: { width: 0, height: 0 }, aspects: [null] });
    assert.equal(zero.cells.length, 4);
    const clamped = planWall({ layout: '2x2', area: { width: 800, height: 600 }, aspects: Array.from({ length: 5 }, () => 1), page: 99 });
    assert.equal(clamped.page, 1);
    const bad = planWall({ layout: 'auto', area: { width: 800, height: 600 }, aspects: [Number.NaN, -1, Infinity] });
    assert.equal(bad.cells.length, 3);
    assert.equal(camerasPerPage('auto', 0), 1);
  });
});

describe('letterboxing and camera order', () => {
  test('fitContain centres the picture', () => {
    assert.deepEqual(fitContain(640, 360, 800, 600), { x: 0, y: 75, width: 800, height: 450, scale: 1.25 });
    assert.deepEqual(fitContain(768, 576, 1600, 600), { x: 400, y: 0, width: 800, height: 600, scale: 600 / 576 });
    assert.equal(fitContain(0, 360, 800, 600).scale, 0);
    assert.equal(letterboxedArea({ width: 1920, height: 540 }, 16 / 9), 960 * 540);
  });

  test('saved order: unknown ids ignored, new cameras appended, duplicates dropped', () => {
    const table: Array<[number[], number[], number[]]> = [
      [[], [1, 2, 3], [1, 2, 3]],
      [[3, 1, 2], [1, 2, 3], [3, 1, 2]],
      [[9, 3, 8, 1], [1, 2, 3], [3, 1, 2]],
      [[2, 2, 1], [1, 2, 4], [2, 1, 4]],
      [[5, 6], [], []],
    ];
    for (const [saved, present, expected] of table) assert.deepEqual(arrangeCameras(saved, present), expected, JSON.stringify({ saved, present }));
  });

  test('moving a camera earlier or later', () => {
    assert.deepEqual(moveCamera([1, 2, 3], 2, -1), [2, 1, 3]);
    assert.deepEqual(moveCamera([1, 2, 3], 2, 1), [1, 3, 2]);
    assert.deepEqual(moveCamera([1, 2, 3], 1, -1), [1, 2, 3]);
    assert.deepEqual(moveCamera([1, 2, 3], 3, 1), [1, 2, 3]);
    assert.deepEqual(moveCamera([1, 2, 3], 7, 1), [1, 2, 3]);
  });
});
