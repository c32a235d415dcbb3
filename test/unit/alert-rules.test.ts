import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type AlertEvent, alertsFor, type CameraRef } from '../../src-main/engine/alerts/alert-rules.js';

const lobby: CameraRef = { id: 1, name: 'Lobby', restricted: false };
const vault: CameraRef = { id: 2, name: 'Server room', restricted: true };
const policy = { recurringAfter: 3 };

const sighting = (over: Partial<Extract<AlertEvent, { kind: 'sighting' }>>): AlertEvent => ({
  kind: 'sighting',
  final: false,
  status: 'member',
  personId: 7,
  personName: 'Ada',
  category: 'employee',
  camera: lobby,
  ...over,
});

const appearance = (previousAppearances: number, appearances: number, created = false): AlertEvent => ({
  kind: 'unknown_appearance',
  clusterId: 4,
  created,
  appearances,
  previousAppearances,
  camera: lobby,
});

describe('alert rules', () => {
  const cases: Array<{ name: string; event: AlertEvent; expected: Array<[string, string]> }> = [
    { name: 'a new stranger: low', event: appearance(0, 1, true), expected: [['new_unknown', 'low']] },
    { name: 'second visit: nothing', event: appearance(1, 2), expected: [] },
    { name: 'third visit (N=3): recurring, medium', event: appearance(2, 3), expected: [['recurring_unknown', 'medium']] },
    { name: 'fourth visit: not again', event: appearance(3, 4), expected: [] },
    { name: 'a merge 2 + 2 jumps over N=3: recurring', event: appearance(2, 4), expected: [['recurring_unknown', 'medium']] },
    { name: 'a merge 1 + 1 stays under N=3: nothing', event: appearance(1, 2), expected: [] },
    { name: 'a merge into a cluster already past N: not again', event: appearance(3, 6), expected: [] },
    { name: 'employee in the lobby: nothing', event: sighting({}), expected: [] },
    { name: 'employee in a restricted area: nothing', event: sighting({ camera: vault }), expected: [] },
    { name: 'visitor in a restricted area: high at once', event: sighting({ camera: vault, category: 'visitor' }), expected: [['restricted_area', 'high']] },
    { name: 'contractor in a restricted area: high at once', event: sighting({ camera: vault, category: 'contractor' }), expected: [['restricted_area', 'high']] },
    { name: 'a track in a restricted area still unknown (maybe an employee not yet recognised): nothing yet', event: sighting({ camera: vault, status: 'unknown', personId: null, personName: null, category: null }), expected: [] },
    { name: 'a track in a restricted area that ended unknown: high', event: sighting({ camera: vault, status: 'unknown', personId: null, personName: null, category: null, final: true }), expected: [['restricted_area', 'high']] },
    { name: 'an employee whose track ended in a restricted area: nothing', event: sighting({ camera: vault, final: true }), expected: [] },
    { name: 'unknown in the lobby: nothing (clustering raises new/recurring)', event: sighting({ status: 'unknown', personId: null, personName: null, category: null }), expected: [] },
    { name: 'blocklisted anywhere: high', event: sighting({ status: 'blocked', category: 'blocked' }), expected: [['blocklisted_seen', 'high']] },
    { name: 'blocklisted in a restricted area: one alert, not two', event: sighting({ status: 'blocked', category: 'blocked', camera: vault }), expected: [['blocklisted_seen', 'high']] },
    { name: 'a video without a camera: no restricted rule', event: sighting({ camera: null, category: 'visitor' }), expected: [] },
    { name: 'camera running -> reconnecting: offline, medium', event: { kind: 'camera_state', camera: lobby, previous: 'running', state: 'reconnecting', lastError: 'timeout' }, expected: [['camera_offline', 'medium']] },
    { name: 'camera starting -> failed: offline', event: { kind: 'camera_state', camera: lobby, previous: 'starting', state: 'failed', lastError: null }, expected: [['camera_offline', 'medium']] },
    { name: 'still reconnecting: not again', event: { kind: 'camera_state', camera: lobby, previous: 'reconnecting', state: 'failed', lastError: null }, expected: [] },
    { name: 'camera back to running: nothing', event: { kind: 'camera_state', camera: lobby, previous: 'reconnecting', state: 'running', lastError: null }, expected: [] },
    { name: 'camera stopped by the operator: nothing', event: { kind: 'camera_state', camera: lobby, previous: 'running', state: 'stopped', lastError: null }, expected: [] },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const drafts = alertsFor(c.event, policy);
      assert.deepEqual(drafts.map((d) => [d.rule, d.priority]), c.expected);
      for (const d of drafts) assert.ok(d.message.length > 10);
    });
  }

  test('messages name the camera and the person or cluster', () => {
    const [recurring] = alertsFor(appearance(2, 3), policy);
    assert.match(recurring!.message, /#4.*3 times.*Lobby/);
    assert.equal(recurring!.clusterId, 4);
    const [blocked] = alertsFor(sighting({ status: 'blocked', personName: 'Mallory' }), policy);
    assert.match(blocked!.message, /Mallory.*Lobby/);
    assert.equal(blocked!.personId, 7);
  });
});
