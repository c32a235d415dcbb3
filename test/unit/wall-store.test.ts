import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { readSavedWall, useWall, WALL_STORAGE_VERSION } from '../../src-renderer/src/store/wall.js';

describe('saved wall (localStorage) is read defensively', () => {
  test('table of saved values (version 1 walls had no groups: none, all cameras)', () => {
    const none = { groups: [], groupId: null, tourIncludesAll: true };
    const table: Array<[unknown, ReturnType<typeof readSavedWall>]> = [
      [{ layout: '3x3', order: [4, 2], tourSeconds: 20 }, { layout: '3x3', order: [4, 2], tourSeconds: 20, ...none }],
      [{ layout: '5x5', order: [1], tourSeconds: 7 }, { layout: 'auto', order: [1], tourSeconds: 0, ...none }],
      [{ layout: '1+7', order: [1, 'x', 2.5, null, 3] }, { layout: '1+7', order: [1, 3], tourSeconds: 0, ...none }],
      [{ layout: 7, order: 'nope', tourSeconds: '10' }, { layout: 'auto', order: [], tourSeconds: 0, ...none }],
      [null, { layout: 'auto', order: [], tourSeconds: 0, ...none }],
      ['garbage', { layout: 'auto', order: [], tourSeconds: 0, ...none }],
      // Version 2: groups and the chosen group.
      [
        { layout: '2x2', order: [1, 2], tourSeconds: 10, groups: [{ id: 'g1', name: 'Gate', cameraIds: [2] }], groupId: 'g1' },
        { layout: '2x2', order: [1, 2], tourSeconds: 10, groups: [{ id: 'g1', name: 'Gate', cameraIds: [2] }], groupId: 'g1', tourIncludesAll: true },
      ],
      [{ groups: [{ id: 'g1', name: 'Gate' }], groupId: 'g9' }, { layout: 'auto', order: [], tourSeconds: 0, groups: [{ id: 'g1', name: 'Gate', cameraIds: [] }], groupId: null, tourIncludesAll: true }],
      // Version 3: whether the tour shows "All cameras"; anything but a boolean is the default (on).
      [{ tourIncludesAll: false }, { layout: 'auto', order: [], tourSeconds: 0, groups: [], groupId: null, tourIncludesAll: false }],
      [{ tourIncludesAll: 'no' }, { layout: 'auto', order: [], tourSeconds: 0, ...none }],
      [{ groups: 'junk', groupId: 5 }, { layout: 'auto', order: [], tourSeconds: 0, ...none }],
    ];
    for (const [saved, expected] of table) assert.deepEqual(readSavedWall(saved), expected, JSON.stringify(saved));
    assert.equal(WALL_STORAGE_VERSION, 3);
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

describe('camera groups in the wall store', () => {
  test('create, rename, tick cameras, choose, delete', () => {
    useWall.setState({ groups: [], groupId: null, page: 3 });
    const wall = () => useWall.getState();
    const gate = wall().createGroup('  Gate ');
    assert.deepEqual(gate, { ok: true, id: 'g1' });
    assert.deepEqual(wall().createGroup('gate'), { ok: false, code: 'GROUP_NAME_TAKEN' });
    assert.deepEqual(wall().createGroup('   '), { ok: false, code: 'GROUP_NAME_EMPTY' });
    const lobby = wall().createGroup('Lobby');
    assert.deepEqual(lobby, { ok: true, id: 'g2' });
    assert.deepEqual(wall().groups.map((g) => g.name), ['Gate', 'Lobby']);

    assert.deepEqual(wall().renameGroup('g1', 'Main  gate'), { ok: true, id: 'g1' });
    assert.deepEqual(wall().renameGroup('g1', 'LOBBY'), { ok: false, code: 'GROUP_NAME_TAKEN' });
    assert.deepEqual(wall().renameGroup('g1', 'MAIN GATE'), { ok: true, id: 'g1' }, 'its own name in other letters');
    assert.deepEqual(wall().renameGroup('g9', 'X'), { ok: false, code: 'GROUP_NOT_FOUND' });
    assert.equal(wall().groups[0]!.name, 'MAIN GATE');

    assert.deepEqual(wall().setGroupCameras('g1', [3, 1, 3, -1]), { ok: true, id: 'g1' });
    assert.deepEqual(wall().groups[0]!.cameraIds, [3, 1]);
    assert.deepEqual(wall().setGroupCameras('g9', [1]), { ok: false, code: 'GROUP_NOT_FOUND' });

    wall().chooseGroup('g2');
    assert.equal(wall().groupId, 'g2');
    assert.equal(wall().page, 0, 'a group opens at its first page');
    wall().chooseGroup('nope');
    assert.equal(wall().groupId, null, 'an unknown group is all cameras');
    wall().showStop('g1', 1);
    assert.deepEqual([wall().groupId, wall().page], ['g1', 1]);

    wall().deleteGroup('g2');
    assert.equal(wall().groupId, 'g1', 'deleting another group keeps the one in view');
    wall().deleteGroup('g1');
    assert.deepEqual([wall().groups, wall().groupId, wall().page], [[], null, 0], 'deleting the group in view shows all cameras');
  });
});

describe('removed cameras leave the groups', () => {
  test('pruneCameras drops ids that no longer exist, keeps the rest, saves nothing when nothing changes', () => {
    useWall.setState({ groups: [{ id: 'g1', name: 'Gate', cameraIds: [1, 2, 3] }, { id: 'g2', name: 'Lobby', cameraIds: [4] }], groupId: 'g2' });
    const before = useWall.getState().groups;
    useWall.getState().pruneCameras([1, 2, 3, 4]);
    assert.equal(useWall.getState().groups, before, 'unchanged');
    useWall.getState().pruneCameras([1, 3]);
    assert.deepEqual(useWall.getState().groups, [
      { id: 'g1', name: 'Gate', cameraIds: [1, 3] },
      { id: 'g2', name: 'Lobby', cameraIds: [] },
    ]);
    assert.equal(useWall.getState().groupId, 'g2', 'the group stays chosen (the wall then shows all cameras)');
  });
});
