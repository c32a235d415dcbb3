import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { alertSubject, type MergeCandidate, mergeDecision } from '../../src-main/engine/alerts/alert-merge.js';
import type { AlertDraft } from '../../src-main/engine/alerts/alert-rules.js';

const draft = (over: Partial<AlertDraft>): AlertDraft => ({
  rule: 'blocklisted_seen',
  priority: 'high',
  cameraId: 1,
  cameraName: 'Lobby',
  clusterId: null,
  personId: 7,
  message: 'm',
  ...over,
});

describe('alert subject: what a repeat is a repeat of', () => {
  const cases: Array<{ name: string; draft: AlertDraft; expected: string | null }> = [
    { name: 'blocklisted person: the person, whatever the camera', draft: draft({}), expected: 'person:7' },
    { name: 'blocklisted person at another camera: the same subject', draft: draft({ cameraId: 9 }), expected: 'person:7' },
    { name: 'named visitor in a restricted area: the person', draft: draft({ rule: 'restricted_area', personId: 3 }), expected: 'person:3' },
    { name: 'a stranger in a restricted area: strangers at that camera', draft: draft({ rule: 'restricted_area', personId: null, cameraId: 2 }), expected: 'unknown-at-camera:2' },
    { name: 'a stranger at a camera deleted since: nothing to merge with', draft: draft({ rule: 'restricted_area', personId: null, cameraId: null }), expected: null },
    { name: 'recurring unknown: the cluster, whatever the camera', draft: draft({ rule: 'recurring_unknown', personId: null, clusterId: 4, cameraId: 5 }), expected: 'cluster:4' },
    { name: 'new unknown: the cluster', draft: draft({ rule: 'new_unknown', personId: null, clusterId: 4 }), expected: 'cluster:4' },
    { name: 'unknown without a cluster: nothing to merge with', draft: draft({ rule: 'recurring_unknown', personId: null, clusterId: null }), expected: null },
    { name: 'camera offline: the camera', draft: draft({ rule: 'camera_offline', personId: null, cameraId: 2 }), expected: 'camera:2' },
    { name: 'camera offline without a camera id: nothing to merge with', draft: draft({ rule: 'camera_offline', personId: null, cameraId: null }), expected: null },
  ];
  for (const c of cases) test(c.name, () => assert.equal(alertSubject(c.draft), c.expected));
});

describe('merge decision: repeat or new alert', () => {
  const t0 = new Date('2026-12-04T10:00:00.000Z');
  const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);
  const open = (lastRaisedMinutes = 0, acknowledged = false): MergeCandidate => ({ id: 42, acknowledged, lastRaisedAt: at(lastRaisedMinutes) });
  const cases: Array<{ name: string; candidate: MergeCandidate | null; now: Date; window: number; expected: 'new' | 'merge' }> = [
    { name: 'nothing open: new', candidate: null, now: at(1), window: 10, expected: 'new' },
    { name: 'open, 1 min ago, window 10: merge', candidate: open(), now: at(1), window: 10, expected: 'merge' },
    { name: 'open, exactly 10 min ago, window 10: merge (the window includes its end)', candidate: open(), now: at(10), window: 10, expected: 'merge' },
    { name: 'open, 10 min and a second ago: new', candidate: open(), now: new Date(at(10).getTime() + 1000), window: 10, expected: 'new' },
    { name: 'window slides: last repeat 8 min ago (first one 30 min ago): merge', candidate: open(22), now: at(30), window: 10, expected: 'merge' },
    { name: 'acknowledged 1 s ago: new (acknowledgement starts afresh)', candidate: open(0, true), now: at(0.02), window: 10, expected: 'new' },
    { name: 'window 0: every repeat is new', candidate: open(), now: at(0), window: 0, expected: 'new' },
    { name: 'window 60, 59 min: merge', candidate: open(), now: at(59), window: 60, expected: 'merge' },
    { name: 'the clock went back a minute: merge (still within)', candidate: open(5), now: at(4), window: 10, expected: 'merge' },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const decision = mergeDecision(c.candidate, c.now, c.window);
      assert.equal(decision.kind, c.expected);
      if (decision.kind === 'merge') assert.equal(decision.alertId, 42);
    });
  }
});
