import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  camerasInView,
  checkGroupName,
  cleanGroupName,
  groupInView,
  newGroupId,
  nextTourStop,
  pageCountFor,
  pruneGroupCameras,
  readGroups,
  tourCycle,
  tourHasStops,
  touredGroupIds,
  visibleNeighbour,
  type CameraGroup,
  type TourStop,
} from '../../src-renderer/src/live/wall-groups.js';

const group = (id: string, name: string, cameraIds: number[] = []): CameraGroup => ({ id, name, cameraIds });

describe('camera group names', () => {
  test('cleaned: trimmed, spaces collapsed, at most 40 characters', () => {
    const table: Array<[unknown, string | null]> = [
      ['Gate', 'Gate'],
      ['  Main   gate ', 'Main gate'],
      ['Lobby\t\nEast', 'Lobby East'],
      ['   ', null],
      ['', null],
      [42, null],
      [null, null],
      ['x'.repeat(100), 'x'.repeat(40)],
      // Cut at 40 then trimmed: no trailing space left by the cut.
      [`${'a'.repeat(39)} b`, 'a'.repeat(39)],
    ];
    for (const [name, expected] of table) assert.equal(cleanGroupName(name), expected, JSON.stringify(name));
  });

  test('unique ignoring case; a group keeps its own name when renamed', () => {
    const groups = [group('g1', 'Gate'), group('g2', 'Lobby')];
    const table: Array<[unknown, string | null, ReturnType<typeof checkGroupName>]> = [
      ['Yard', null, { ok: true, name: 'Yard' }],
      ['gate', null, { ok: false, code: 'GROUP_NAME_TAKEN' }],
      [' LOBBY ', null, { ok: false, code: 'GROUP_NAME_TAKEN' }],
      ['gate', 'g1', { ok: true, name: 'gate' }],
      ['Lobby', 'g1', { ok: false, code: 'GROUP_NAME_TAKEN' }],
      ['  ', null, { ok: false, code: 'GROUP_NAME_EMPTY' }],
      ['Gate  2', null, { ok: true, name: 'Gate 2' }],
    ];
    for (const [name, exceptId, expected] of table) assert.deepEqual(checkGroupName(name, groups, exceptId), expected, `${String(name)} except ${exceptId}`);
  });

  test('new ids: one past the highest g<n>', () => {
    assert.equal(newGroupId([]), 'g1');
    assert.equal(newGroupId([group('g1', 'A'), group('g7', 'B')]), 'g8');
    assert.equal(newGroupId([group('custom', 'A'), group('g2x', 'B')]), 'g1');
  });
});

describe('cameras in view', () => {
  const groups = [group('g1', 'Gate', [3, 1, 42]), group('g2', 'Empty'), group('g3', 'Gone', [99])];
  test('table: wall order, removed ids ignored, empty or unknown group shows all', () => {
    const ordered = [2, 3, 1, 4];
    const table: Array<[string | null, number[], string | null]> = [
      ['g1', [3, 1], 'g1'], // the group's own order [3, 1, 42] does not matter: wall order
      [null, [2, 3, 1, 4], null],
      ['g2', [2, 3, 1, 4], null], // no members
      ['g3', [2, 3, 1, 4], null], // its only camera was removed
      ['deleted', [2, 3, 1, 4], null],
    ];
    for (const [groupId, expected, inView] of table) {
      assert.deepEqual(camerasInView(ordered, groups, groupId), expected, `view of ${groupId}`);
      assert.equal(groupInView(ordered, groups, groupId), inView, `group in view for ${groupId}`);
    }
    assert.deepEqual(camerasInView([1, 3], groups, 'g1'), [1, 3], 'a reordered wall reorders the group');
    assert.deepEqual(camerasInView([], groups, 'g1'), []);
  });

  test('the tour visits only groups with a camera present', () => {
    assert.deepEqual(touredGroupIds([1, 2, 3], groups), ['g1']);
    assert.deepEqual(touredGroupIds([1, 2, 3, 99], groups), ['g1', 'g3']);
    assert.deepEqual(touredGroupIds([5], groups), []);
  });

  test('moving within a view swaps with the visible neighbour', () => {
    const table: Array<[number[], number, -1 | 1, number | null]> = [
      [[3, 1, 7], 1, 1, 7],
      [[3, 1, 7], 1, -1, 3],
      [[3, 1, 7], 3, -1, null],
      [[3, 1, 7], 7, 1, null],
      [[3, 1, 7], 5, 1, null],
    ];
    for (const [shown, id, by, expected] of table) assert.equal(visibleNeighbour(shown, id, by), expected, `${id} by ${by}`);
  });
});

describe('page counts', () => {
  test('table', () => {
    const table: Array<[Parameters<typeof pageCountFor>[0], number, number]> = [
      ['2x2', 0, 1],
      ['2x2', 4, 1],
      ['2x2', 5, 2],
      ['1+5', 13, 3],
      ['auto', 16, 1],
      ['auto', 17, 2],
      ['1x1', 3, 3],
    ];
    for (const [layout, count, pages] of table) assert.equal(pageCountFor(layout, count), pages, `${count} on ${layout}`);
  });
});

describe('the tour', () => {
  const pages: Record<string, number> = { all: 3, a: 2, b: 1, c: 1 };
  const pagesOf = (id: string | null) => pages[id ?? 'all']!;
  const run = (start: TourStop, toured: string[], steps: number, includeAll: boolean) => {
    const stops = [start];
    for (let i = 0; i < steps; i++) stops.push(nextTourStop(stops[stops.length - 1]!, toured, pagesOf, includeAll));
    return stops.map((s) => `${s.groupId ?? 'all'}:${s.page}`);
  };

  test('the cycle: "All cameras" first unless left out; never empty', () => {
    const table: Array<[string[], boolean, Array<string | null>]> = [
      [['a', 'b'], true, [null, 'a', 'b']],
      [['a', 'b'], false, ['a', 'b']],
      [[], true, [null]],
      // Without a toured group there is nothing but all cameras, whatever the choice.
      [[], false, [null]],
    ];
    for (const [toured, includeAll, expected] of table) assert.deepEqual(tourCycle(toured, includeAll), expected, `${toured} all=${includeAll}`);
  });

  test('with groups and "All cameras" (the default): all pages of all cameras, then each group\'s, round and round', () => {
    assert.deepEqual(run({ groupId: null, page: 0 }, ['a', 'b', 'c'], 8, true), ['all:0', 'all:1', 'all:2', 'a:0', 'a:1', 'b:0', 'c:0', 'all:0', 'all:1']);
    assert.deepEqual(run({ groupId: 'c', page: 0 }, ['a', 'b', 'c'], 1, true), ['c:0', 'all:0'], 'after the last group, back to all cameras');
    // The default of the parameter is the product default.
    assert.deepEqual(nextTourStop({ groupId: 'c', page: 0 }, ['a', 'b', 'c'], pagesOf), { groupId: null, page: 0 });
  });

  test('groups only ("All cameras" left out): pages of a group, then the next group', () => {
    assert.deepEqual(run({ groupId: 'a', page: 0 }, ['a', 'b', 'c'], 5, false), ['a:0', 'a:1', 'b:0', 'c:0', 'a:0', 'a:1']);
    assert.deepEqual(run({ groupId: null, page: 1 }, ['a', 'b'], 4, false), ['all:1', 'all:2', 'a:0', 'a:1', 'b:0'], 'from all cameras: its pages, then the first group; not revisited');
  });

  test('without groups: the pages of all cameras, as the page tour always did', () => {
    for (const includeAll of [true, false]) assert.deepEqual(run({ groupId: null, page: 0 }, [], 4, includeAll), ['all:0', 'all:1', 'all:2', 'all:0', 'all:1']);
  });

  test('from a group the tour skips (empty, deleted): its pages, then the cycle\'s first view', () => {
    assert.deepEqual(run({ groupId: 'c', page: 0 }, ['a', 'b'], 2, false), ['c:0', 'a:0', 'a:1']);
    assert.deepEqual(run({ groupId: 'c', page: 0 }, ['a', 'b'], 2, true), ['c:0', 'all:0', 'all:1']);
  });

  test('a page beyond the view (cameras removed) moves on rather than sticking', () => {
    assert.deepEqual(nextTourStop({ groupId: 'a', page: 7 }, ['a', 'b'], pagesOf, false), { groupId: 'b', page: 0 });
    assert.deepEqual(nextTourStop({ groupId: 'b', page: 7 }, ['a', 'b'], pagesOf, true), { groupId: null, page: 0 });
    assert.deepEqual(nextTourStop({ groupId: null, page: 9 }, [], pagesOf), { groupId: null, page: 0 });
  });

  test('nowhere to go: one page and one view in the cycle', () => {
    const one = () => 1;
    const table: Array<[TourStop, string[], boolean, boolean]> = [
      [{ groupId: null, page: 0 }, [], true, false],
      [{ groupId: null, page: 0 }, [], false, false],
      [{ groupId: 'a', page: 0 }, ['a'], false, false],
      // With "All cameras" in the tour, one group is already two views.
      [{ groupId: 'a', page: 0 }, ['a'], true, true],
      [{ groupId: null, page: 0 }, ['a'], true, true],
      [{ groupId: null, page: 0 }, ['a'], false, true],
      [{ groupId: 'a', page: 0 }, ['a', 'b'], false, true],
    ];
    for (const [stop, toured, includeAll, expected] of table) {
      assert.equal(tourHasStops(stop, toured, one, includeAll), expected, `${stop.groupId} with ${toured} all=${includeAll}`);
    }
    assert.equal(tourHasStops({ groupId: null, page: 0 }, [], pagesOf), true, 'pages of all cameras');
  });
});

describe('ids of removed cameras are pruned from groups', () => {
  test('table', () => {
    const table: Array<[string, CameraGroup[], number[], CameraGroup[]]> = [
      ['nothing removed', [group('g1', 'Gate', [1, 2])], [1, 2, 3], [group('g1', 'Gate', [1, 2])]],
      ['one removed, order kept', [group('g1', 'Gate', [3, 1, 2])], [2, 3], [group('g1', 'Gate', [3, 2])]],
      ['every member removed: the group stays, empty', [group('g1', 'Gate', [7, 8])], [1], [group('g1', 'Gate')]],
      ['no camera at all', [group('g1', 'Gate', [1]), group('g2', 'Lobby', [2])], [], [group('g1', 'Gate'), group('g2', 'Lobby')]],
      ['several groups, only the affected change', [group('g1', 'Gate', [1, 9]), group('g2', 'Lobby', [2])], [1, 2], [group('g1', 'Gate', [1]), group('g2', 'Lobby', [2])]],
      ['no groups', [], [1, 2], []],
    ];
    for (const [what, groups, present, expected] of table) assert.deepEqual(pruneGroupCameras(groups, present), expected, what);
  });

  test('unchanged groups are returned as they are (no needless save or re-render)', () => {
    const groups = [group('g1', 'Gate', [1]), group('g2', 'Lobby', [2])];
    assert.equal(pruneGroupCameras(groups, [1, 2, 5]), groups);
    const pruned = pruneGroupCameras(groups, [1]);
    assert.notEqual(pruned, groups);
    assert.equal(pruned[0], groups[0], 'an untouched group keeps its identity');
  });
});

describe('saved groups are read defensively', () => {
  test('table', () => {
    const table: Array<[unknown, CameraGroup[]]> = [
      [undefined, []],
      ['junk', []],
      [{ id: 'g1' }, []],
      [[{ id: 'g1', name: ' Gate ', cameraIds: [1, 1, 0, -2, 2.5, 'x', 2] }], [group('g1', 'Gate', [1, 2])]],
      [[{ id: 'g1', name: 'Gate' }], [group('g1', 'Gate')]],
      [
        [{ id: 'g1', name: 'Gate', cameraIds: [1] }, { id: 'g1', name: 'Other' }, { id: 'g2', name: 'GATE' }, { id: 'g3', name: '  ' }, { id: 4, name: 'Num' }, null, 'x', { id: 'g5', name: 'Lobby', cameraIds: 'no' }],
        [group('g1', 'Gate', [1]), group('g5', 'Lobby')],
      ],
    ];
    for (const [saved, expected] of table) assert.deepEqual(readGroups(saved), expected, JSON.stringify(saved));
  });

  test('at most 50 groups come back', () => {
    const many = Array.from({ length: 80 }, (_, i) => ({ id: `g${i + 1}`, name: `Group ${i + 1}`, cameraIds: [] }));
    assert.equal(readGroups(many).length, 50);
  });
});
