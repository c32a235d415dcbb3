import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { readSavedWall, useWall } from '../../src-renderer/src/store/wall.js';

describe('saved wall (localStorage) is read defensively', () => {
  test('table of saved values', () => {
    const table: Array<[unknown, { layout: string; order: number[]; tourSeconds: number }]> = [
      [{ layout: '3x3', order: [4, 2], tourSeconds: 20 }, { layout: '3x3', order: [4, 2], tourSeconds: 20 }],
      [{ layout: '5x5', order: [1], tourSeconds: 7 }, { layout: 'auto', order: [1], tourSeconds: 0 }],
      [{ layout: '1+7', order: [1, 'x', 2.5, null, 3] }, { layout: '1+7', order: [1, 3], tourSeconds: 0 }],
      [{ layout: 7, order: 'nope', tourSeconds: '10' }, { layout: 'auto', order: [], tourSeconds: 0 }],
      [null, { layout: 'auto', order: [], tourSeconds: 0 }],
      ['garbage', { layout: 'auto', order: [], tourSeconds: 0 }],
    ];
    for (const [saved, expected] of table) assert.deepEqual(readSavedWall(saved), expected, JSON.stringify(saved));
  });

  test('moving cameras keeps unknown ids out and appends new cameras', () => {
    useWall.setState({ order: [9, 3, 1] });
    useWall.getState().move(2, -1, [1, 2, 3]);
    assert.deepEqual(useWall.getState().order, [3, 2, 1]);
    useWall.getState().moveTo(1, 3, [1, 2, 3, 4]);
    assert.deepEqual(useWall.getState().order, [1, 3, 2, 4]);
    useWall.getState().setLayout('2x2');
    assert.equal(useWall.getState().page, 0);
  });
});
