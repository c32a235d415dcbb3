import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  type ObservedFace,
  type ObservedFrame,
  type ObservedSighting,
  type ScoredGroundTruth,
  scoreWalkthrough,
  type WalkthroughMetrics,
} from '../../src-main/engine/evaluation/walkthrough/metrics.js';

type Kind = 'member' | 'stranger' | 'nonface';
type Box = { x: number; y: number; width: number; height: number };
const FPS = 25;

const at = (x: number, y: number, size = 100): Box => ({ x, y, width: 0.75 * size, height: size });

/** A ground-truth visit standing at one place from second `fromS` to `toS` (boxes at every source frame). */
function visit(visitId: number, kind: Kind, identityKey: string, fromS: number, toS: number, box: Box, returningOf: number | null = null) {
  const boxes = [];
  for (let frame = Math.round(fromS * FPS); frame <= Math.round(toS * FPS); frame++) boxes.push({ frame, tS: frame / FPS, box });
  return { visitId, kind, identityKey, returningOf, startS: fromS, boxes };
}

function truth(...visits: ReturnType<typeof visit>[]): ScoredGroundTruth {
  return { fps: FPS, visits };
}

/** Analysed frames (10 per second) from fromS for `count` frames, the faces made by `faces(k)`. */
function frames(fromS: number, count: number, faces: (k: number) => ObservedFace[]): ObservedFrame[] {
  return Array.from({ length: count }, (_, k) => ({ ptsS: Math.round((fromS + k * 0.1) * 1000) / 1000, faces: faces(k) }));
}

const face = (trackId: number, sightingId: number | null, box: Box, personId: number | null = null): ObservedFace => ({ trackId, sightingId, box, personId });

function sighting(id: number, personId: number | null, clusterId: number | null = null): ObservedSighting {
  return { id, personId, status: personId === null ? 'unknown' : 'member', clusterId, videoStartS: null, videoEndS: null, frames: 0 };
}

/** Merges frames of several sequences: faces of frames at the same time are put together. */
function merge(...lists: ObservedFrame[][]): ObservedFrame[] {
  const byTime = new Map<number, ObservedFace[]>();
  for (const f of lists.flat()) byTime.set(f.ptsS, [...(byTime.get(f.ptsS) ?? []), ...f.faces]);
  return [...byTime].sort((a, b) => a[0] - b[0]).map(([ptsS, faces]) => ({ ptsS, faces }));
}

const keys: Record<number, string> = { 1: 'M001', 2: 'M002', 9: 'G001' };
const personKeyOf = (id: number) => keys[id] ?? null;

const A = at(100, 100), B = at(600, 300), FAR = at(1000, 500);

interface Case {
  name: string;
  gt: ScoredGroundTruth;
  frames: ObservedFrame[];
  sightings: ObservedSighting[];
  expected: Partial<WalkthroughMetrics>;
}

const cases: Case[] = [
  {
    name: 'a member visit named by one sighting',
    gt: truth(visit(1, 'member', 'M001', 0, 4, A)),
    frames: frames(0.5, 20, () => [face(1, 1, A, 1)]),
    sightings: [sighting(1, 1)],
    expected: {
      member_visit_recall: 1, member_visits: 1, member_visits_detected: 1, false_names: 0, sightings_per_visit: 1, sightings_per_visit_max: 1,
      spurious_sightings: 0, identity_switches: 0, track_swaps: 0, member_visits_in_review: 0, face_frames: 20, face_frames_labelled: 20,
    },
  },
  {
    name: 'a member visit split into two sightings, one of them unknown and sent to review',
    gt: truth(visit(1, 'member', 'M001', 0, 4, A)),
    frames: merge(frames(0.5, 10, () => [face(1, 1, A, 1)]), frames(2, 10, () => [face(2, 2, A)])),
    sightings: [sighting(1, 1), sighting(2, null, 7)],
    expected: { member_visit_recall: 1, sightings_per_visit: 2, sightings_per_visit_max: 2, member_visits_in_review: 1, false_names: 0, spurious_sightings: 0 },
  },
  {
    name: 'a member visit named as someone else: not recalled, and a false name',
    gt: truth(visit(1, 'member', 'M001', 0, 4, A)),
    frames: frames(0.5, 10, () => [face(1, 1, A, 2)]),
    sightings: [sighting(1, 2)],
    expected: { member_visit_recall: 0, member_visits_detected: 1, false_names: 1, named_sightings: 1 },
  },
  {
    name: 'a member visit never seen',
    gt: truth(visit(1, 'member', 'M001', 0, 4, A)),
    frames: frames(0.5, 10, () => []),
    sightings: [],
    expected: { member_visit_recall: 0, member_visits_detected: 0, sightings_per_visit: null, visits_with_sightings: 0 },
  },
  {
    name: 'a stranger named as a member',
    gt: truth(visit(1, 'stranger', 'S001', 0, 4, A), visit(2, 'stranger', 'S002', 0, 4, B)),
    frames: frames(0.5, 10, () => [face(1, 1, A, 1), face(2, 2, B)]),
    sightings: [sighting(1, 1), sighting(2, null, 3)],
    expected: { false_names: 1, stranger_visits: 2, stranger_visits_named: 1, stranger_visits_falsely_named: 0.5, member_visit_recall: null },
  },
  {
    name: 'a name on a non-face, which also went to review',
    gt: truth(visit(1, 'nonface', 'N001', 0, 4, A)),
    frames: frames(0.5, 10, () => [face(1, 1, A, 2)]),
    sightings: [sighting(1, 2, 4)],
    expected: { false_names: 1, nonface_visits: 1, nonfaces_in_review: 1, spurious_sightings: 0 },
  },
  {
    name: 'a name on nothing (a spurious sighting in review)',
    gt: truth(visit(1, 'member', 'M001', 0, 4, A)),
    frames: frames(0.5, 10, () => [face(1, 1, A, 1), face(2, 2, FAR, 2)]),
    sightings: [sighting(1, 1), sighting(2, 2, 8)],
    expected: { false_names: 1, spurious_sightings: 1, nonfaces_in_review: 1, member_visit_recall: 1, sightings_per_visit: 1 },
  },
  {
    name: 'a person without a key is a false name even on a member visit',
    gt: truth(visit(1, 'member', 'M001', 0, 4, A)),
    frames: frames(0.5, 10, () => [face(1, 1, A, 5)]),
    sightings: [sighting(1, 5)],
    expected: { false_names: 1, member_visit_recall: 0 },
  },
  {
    name: 'a background pedestrian (small, unmatched) is neither spurious nor a non-face in review',
    gt: truth(visit(1, 'member', 'M001', 0, 4, A)),
    frames: frames(0.5, 10, () => [face(1, 1, A, 1), face(2, 2, at(900, 100, 24))]),
    sightings: [sighting(1, 1), sighting(2, null, 9)],
    expected: { background_sightings: 1, spurious_sightings: 0, nonfaces_in_review: 0, face_frames_background: 10, false_names: 0 },
  },
  {
    name: 'a returning stranger linked to their earlier cluster',
    gt: truth(visit(1, 'stranger', 'S001', 0, 3, A), visit(2, 'stranger', 'S001', 30, 33, B, 1)),
    frames: merge(frames(0.5, 10, () => [face(1, 1, A)]), frames(30.5, 10, () => [face(2, 2, B)])),
    sightings: [sighting(1, null, 5), sighting(2, null, 5)],
    expected: { recurring_strangers_linked: 1, returning_stranger_visits: 1, returning_stranger_visits_linked: 1, stranger_visits_falsely_named: 0 },
  },
  {
    name: 'a returning stranger in a new cluster is not linked',
    gt: truth(visit(1, 'stranger', 'S001', 0, 3, A), visit(2, 'stranger', 'S001', 30, 33, B, 1)),
    frames: merge(frames(0.5, 10, () => [face(1, 1, A)]), frames(30.5, 10, () => [face(2, 2, B)])),
    sightings: [sighting(1, null, 5), sighting(2, null, 6)],
    expected: { recurring_strangers_linked: 0, returning_stranger_visits: 1, returning_stranger_visits_linked: 0 },
  },
  {
    name: 'a returning stranger whose visits have no cluster is not linked',
    gt: truth(visit(1, 'stranger', 'S001', 0, 3, A), visit(2, 'stranger', 'S001', 30, 33, B, 1)),
    frames: merge(frames(0.5, 10, () => [face(1, 1, A)]), frames(30.5, 10, () => [face(2, 2, B)])),
    sightings: [sighting(1, null), sighting(2, null)],
    expected: { recurring_strangers_linked: 0, returning_stranger_visits_linked: 0 },
  },
  {
    name: 'a track that swaps from one walker to another (crossing)',
    gt: truth(visit(1, 'member', 'M001', 0, 4, A), visit(2, 'member', 'M002', 0, 4, B)),
    frames: frames(0.5, 10, (k) => [face(1, 1, k < 5 ? A : B, k < 5 ? 1 : 2)]),
    sightings: [sighting(1, 1)],
    expected: { track_swaps: 1, identity_switches: 1, sighting_identity_switches: 1, false_names: 0 },
  },
  {
    name: 'two stray frames of another walker are not a swap',
    gt: truth(visit(1, 'member', 'M001', 0, 4, A), visit(2, 'member', 'M002', 0, 4, B)),
    frames: frames(0.5, 10, (k) => [face(1, 1, k < 8 ? A : B)]),
    sightings: [sighting(1, null)],
    expected: { track_swaps: 0 },
  },
  {
    name: 'identity switches mid-track: 1, 1, none, 2, 2, 1 is two switches; a gap without a name is none',
    gt: truth(visit(1, 'member', 'M001', 0, 4, A)),
    frames: frames(0.5, 9, (k) => [face(1, 1, A, [1, 1, null, 2, 2, 1, null, null, 1][k]!)]),
    sightings: [sighting(1, 1)],
    expected: { identity_switches: 2, sighting_identity_switches: 2, track_swaps: 0 },
  },
  {
    name: 'switches across two tracks of one sighting count for the sighting only',
    gt: truth(visit(1, 'member', 'M001', 0, 4, A)),
    frames: merge(frames(0.5, 5, () => [face(1, 1, A, 1)]), frames(1.5, 5, () => [face(2, 1, A, 2)])),
    sightings: [sighting(1, 1)],
    expected: { identity_switches: 0, sighting_identity_switches: 1 },
  },
  {
    name: 'majority: more unmatched than matched faces make a spurious sighting; a tie goes to the visit',
    gt: truth(visit(1, 'stranger', 'S001', 0, 4, A)),
    frames: merge(
      frames(0.5, 3, () => [face(1, 1, A)]),
      frames(1, 4, () => [face(2, 1, FAR)]),
      frames(2, 2, () => [face(3, 2, A)]),
      frames(2.5, 2, () => [face(4, 2, FAR)]),
    ),
    sightings: [sighting(1, null), sighting(2, null)],
    expected: { spurious_sightings: 1, sightings_per_visit: 1, visits_with_sightings: 1 },
  },
  {
    name: 'a sighting with no observed face is spurious',
    gt: truth(visit(1, 'stranger', 'S001', 0, 4, A)),
    frames: frames(0.5, 3, () => [face(1, 1, A)]),
    sightings: [sighting(1, null), sighting(2, null, 3)],
    expected: { spurious_sightings: 1, sightings_without_faces: 1, nonfaces_in_review: 1 },
  },
  {
    name: 'IoU below 0.3 does not label a face; at 0.3 or more it does',
    gt: truth(visit(1, 'stranger', 'S001', 0, 4, at(100, 100, 100))),
    frames: merge(
      frames(0.5, 2, () => [face(1, 1, at(160, 100, 100))]), // IoU 15/135 = 0.11
      frames(1, 2, () => [face(2, 2, at(125, 110, 100))]), // IoU ~0.43
    ),
    sightings: [sighting(1, null), sighting(2, null)],
    expected: { face_frames: 4, face_frames_labelled: 2, spurious_sightings: 1 },
  },
  {
    name: 'overlapping walkers: each face goes to the box it overlaps most as a whole (not greedily)',
    gt: truth(visit(1, 'member', 'M001', 0, 4, at(100, 100, 100)), visit(2, 'member', 'M002', 0, 4, at(140, 100, 100))),
    // Face X overlaps visit 2 best (0.67) but face Y overlaps only visit 2 enough (0.5): X -> 1 (0.5), Y -> 2.
    frames: frames(0.5, 5, () => [face(1, 1, at(125, 100, 100), 1), face(2, 2, at(165, 100, 100), 2)]),
    sightings: [sighting(1, 1), sighting(2, 2)],
    expected: { member_visit_recall: 1, false_names: 0, face_frames_labelled: 10, track_swaps: 0 },
  },
  {
    name: 'a frame after the end of the video is not labelled',
    gt: truth(visit(1, 'member', 'M001', 0, 4, A)),
    frames: [{ ptsS: 4.1, faces: [face(1, 1, A, 1)] }],
    sightings: [sighting(1, 1)],
    expected: { face_frames: 1, face_frames_labelled: 0, member_visit_recall: 0, false_names: 1 },
  },
];

describe('scoreWalkthrough', () => {
  for (const c of cases) {
    test(c.name, () => {
      const metrics = scoreWalkthrough(c.gt, { frames: c.frames, sightings: c.sightings }, personKeyOf);
      const picked = Object.fromEntries(Object.keys(c.expected).map((k) => [k, metrics[k as keyof WalkthroughMetrics]]));
      assert.deepEqual(picked, c.expected);
    });
  }

  test('recognisable member visits: those with one embedded view the gallery would name as them; recall among those', () => {
    // Three member visits: one named, one unnamed with a recognisable view, one whose views never were.
    const C = at(1000, 100);
    const gt = truth(visit(1, 'member', 'M001', 0, 2, A), visit(2, 'member', 'M002', 0, 2, B), visit(3, 'member', 'G001', 0, 2, C));
    const good = Float32Array.from([1, 0]), poor = Float32Array.from([0, 1]);
    const observedFrames = frames(0, 10, (k) => [
      { ...face(1, 11, A, 1), embedding: k === 2 ? good : undefined },
      { ...face(2, 12, B), embedding: k === 3 ? good : undefined },
      { ...face(3, 13, C), embedding: k === 4 ? poor : undefined },
    ]);
    const observed = { frames: observedFrames, sightings: [sighting(11, 1), sighting(12, null), sighting(13, null)] };
    const recognisable = (_key: string, embedding: Float32Array) => embedding[0] === 1;
    const m = scoreWalkthrough(gt, observed, personKeyOf, { recognisable });
    assert.equal(m.member_visits_recognisable, 2);
    assert.equal(m.member_visit_recall_recognisable, 0.5);
    assert.equal(m.member_visit_recall, 1 / 3);
    const without = scoreWalkthrough(gt, observed, personKeyOf);
    assert.equal(without.member_visits_recognisable, null);
    assert.equal(without.member_visit_recall_recognisable, null);
  });

  test('details list each visit and each spurious sighting only when asked', () => {
    const gt = truth(visit(1, 'member', 'M001', 0, 4, A), visit(2, 'stranger', 'S001', 0, 4, B));
    const observed = {
      frames: frames(0.5, 10, () => [face(1, 1, A, 1), face(2, 2, B), face(3, 3, FAR, 9)]),
      sightings: [sighting(1, 1), sighting(2, null, 4), sighting(3, 9)],
    };
    assert.equal(scoreWalkthrough(gt, observed, personKeyOf).visits, undefined);
    const metrics = scoreWalkthrough(gt, observed, personKeyOf, { details: true });
    assert.deepEqual(metrics.visits, [
      { visitId: 1, kind: 'member', identityKey: 'M001', gtFrames: 101, framesLabelled: 10, sightings: [1], names: ['M001'], clusters: [], named: true },
      { visitId: 2, kind: 'stranger', identityKey: 'S001', gtFrames: 101, framesLabelled: 10, sightings: [2], names: [], clusters: [4], named: false },
    ]);
    assert.deepEqual(metrics.spurious, [{ sightingId: 3, faces: 10, name: 'G001', clusterId: null }]);
    assert.equal(metrics.false_names, 1);
  });

  test('the result is plain JSON with every headline key', () => {
    const metrics = scoreWalkthrough(truth(visit(1, 'member', 'M001', 0, 4, A)), { frames: [], sightings: [] }, personKeyOf);
    for (const key of ['member_visit_recall', 'false_names', 'stranger_visits_falsely_named', 'sightings_per_visit', 'recurring_strangers_linked', 'identity_switches']) {
      assert.ok(key in metrics, key);
    }
    assert.deepEqual(JSON.parse(JSON.stringify(metrics)), metrics);
  });
});
