import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type AlertEvent, alertsFor, type CameraRef } from '../../src-main/engine/alerts/alert-rules.js';

const lobby: CameraRef = { id: 1, name: 'Lobby', restricted: false };
const vault: CameraRef = { id: 2, name: 'Server room', restricted: true };
const policy = { recurringAfter: 3 };

const sighting = (over: Partial<Extract<AlertEvent, { kind: 'sighting' }>>): AlertEvent => ({
  kind: 'sighting',
  status: 'member',
  personId: 7,
  personName: 'Ada',
  category: 'employee',
  camera: lobby,
  ...over,
});

describe('alert rules', () => {
  const cases: Array<{ name: string; event: AlertEvent; expected: Array<[string, string]> }> = [
    { name: 'a new stranger: low', event: { kind: 'unknown_appearance', clusterId: 4, created: true, appearances: 1, camera: lobby }, expected: [['new_unknown', 'low']] },
    { name: 'second visit: nothing', event: { kind: 'unknown_appearance', clusterId: 4, created: false, appearances: 2, camera: lobby }, expected: [] },
    { name: 'third visit (N=3): recurring, medium', event: { kind: 'unknown_appearance', clusterId: 4, created: false, appearances: 3, camera: lobby }, expected: [['recurring_unknown', 'medium']] },
    { name: 'fourth visit: not again', event: { kind: 'unknown_appearance', clusterId: 4, created: false, appearances: 4, camera: lobby }, expected: [] },
    { name: 'employee in the lobby: nothing', event: sighting({}), expected: [] },
    { name: 'employee in a restricted area: nothing', event: sighting({ camera: vault }), expected: [] },
    { name: 'visitor in a restricted area: high', event: sighting({ camera: vault, category: 'visitor' }), expected: [['restricted_area', 'high']] },
    { name: 'contractor in a restricted area: high', event: sighting({ camera: vault, category: 'contractor' }), expected: [['restricted_area', 'high']] },
    { name: 'unknown in a restricted area: high', event: sighting({ camera: vault, status: 'unknown', personId: null, personName: null, category: null }), expected: [['restricted_area', 'high']] },
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
    const [recurring] = alertsFor({ kind: 'unknown_appearance', clusterId: 4, created: false, appearances: 3, camera: lobby }, policy);
    assert.match(recurring!.message, /#4.*3 times.*Lobby/);
    assert.equal(recurring!.clusterId, 4);
    const [blocked] = alertsFor(sighting({ status: 'blocked', personName: 'Mallory' }), policy);
    assert.match(blocked!.message, /Mallory.*Lobby/);
    assert.equal(blocked!.personId, 7);
  });
});
