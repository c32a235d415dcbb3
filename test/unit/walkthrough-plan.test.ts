import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  buildGroundTruth,
  CROSS_FADE_S,
  drawOrder,
  photoWeights,
  type PersonImages,
  planWalkthrough,
  visitPose,
  type WalkthroughGroundTruth,
  type WalkthroughPlan,
} from '../../src-main/engine/evaluation/walkthrough/scene-plan.js';
import { iou } from '../../src-main/engine/vision/geometry.js';
import { seededRandom } from '../../src-main/engine/util/seeded-random.js';

/** A population shaped like LFW (many people with 1-2 photos, a few hundred with 5+), without touching the disk. */
function population(): PersonImages[] {
  const random = seededRandom(42);
  const people: PersonImages[] = [];
  const add = (count: number, photos: () => number) => {
    for (let i = 0; i < count; i++) {
      const n = photos();
      people.push({ name: `Person_${people.length.toString(36)}`, indices: Array.from({ length: n }, (_, j) => j + 1) });
    }
  };
  add(420, () => 5 + Math.floor(random() * 20));
  add(480, () => 3 + Math.floor(random() * 2));
  add(780, () => 2);
  add(1500, () => 1);
  return people;
}

const people = population();
const plans = new Map<number, { plan: WalkthroughPlan; gt: WalkthroughGroundTruth }>();
function planFor(seed: number) {
  let entry = plans.get(seed);
  if (!entry) {
    const plan = planWalkthrough(people, { seed });
    entry = { plan, gt: buildGroundTruth(plan) };
    plans.set(seed, entry);
  }
  return entry;
}

describe('planWalkthrough: roles and photos', () => {
  test('the same seed gives the same plan (also from a reordered people list), and it survives JSON', () => {
    const a = planWalkthrough(people, { seed: 3 });
    const b = planWalkthrough([...people].reverse(), { seed: 3 });
    assert.deepEqual(a, b);
    assert.deepEqual(JSON.parse(JSON.stringify(a)), a);
  });

  test('a different seed casts different people', () => {
    const a = planFor(1).plan, b = planFor(2).plan;
    const walkersA = new Set(a.members.filter((m) => m.walks).map((m) => m.lfwName));
    const walkersB = b.members.filter((m) => m.walks).map((m) => m.lfwName);
    const shared = walkersB.filter((n) => walkersA.has(n)).length;
    assert.ok(shared < walkersB.length / 2, `${shared} of ${walkersB.length} walking members in common`);
    assert.notDeepEqual(a.strangers.map((s) => s.lfwName), b.strangers.map((s) => s.lfwName));
  });

  test('the default cast: 60 walking members (120 visits, 1-3 each), 100 distractors, 100 strangers (30 return), 15 non-faces', () => {
    const { plan } = planFor(1);
    const walkers = plan.members.filter((m) => m.walks);
    assert.equal(walkers.length, 60);
    assert.equal(plan.members.filter((m) => !m.walks).length, 100);
    assert.equal(plan.strangers.length, 100);
    const visitsOf = (key: string) => plan.visits.filter((v) => v.identityKey === key).length;
    assert.equal(plan.visits.filter((v) => v.kind === 'member').length, 120);
    for (const m of walkers) assert.ok(visitsOf(m.key) >= 1 && visitsOf(m.key) <= 3, `${m.key}: ${visitsOf(m.key)} visits`);
    for (const m of plan.members.filter((x) => !x.walks)) assert.equal(visitsOf(m.key), 0);
    const returning = plan.strangers.filter((s) => visitsOf(s.key) > 1);
    assert.equal(returning.length, 30);
    for (const s of plan.strangers) assert.ok(visitsOf(s.key) >= 1 && visitsOf(s.key) <= 3);
    assert.equal(plan.visits.filter((v) => v.kind === 'nonface').length, 15);
    // Every LFW person plays at most one role.
    const names = [...plan.members.map((m) => m.lfwName), ...plan.strangers.map((s) => s.lfwName), ...plan.visits.filter((v) => v.kind === 'nonface').map((v) => v.lfwName)];
    assert.equal(new Set(names).size, names.length);
    assert.deepEqual(plan.visits.map((v) => v.visitId), plan.visits.map((_, i) => i + 1));
  });

  test('members are enrolled from 3 photos that never appear in the video (nor as spares)', () => {
    for (const seed of [1, 2]) {
      const { plan } = planFor(seed);
      const enrolled = new Set(plan.members.flatMap((m) => m.enrollPhotos));
      for (const m of plan.members) {
        assert.equal(m.enrollPhotos.length, 3);
        for (const p of m.enrollPhotos) assert.ok(p.startsWith(`${m.lfwName}/${m.lfwName}_`) && p.endsWith('.jpg'), p);
      }
      for (const v of plan.visits) {
        for (const p of [...v.photos, ...v.sparePhotos]) {
          assert.ok(!enrolled.has(p), `visit ${v.visitId} shows enrollment photo ${p}`);
          assert.ok(p.startsWith(`${v.lfwName}/`), `visit ${v.visitId} of ${v.lfwName} shows ${p}`);
        }
      }
    }
  });

  test('a visit shows 2-4 photos of the person when there are enough, cross-fading over 0.3 s', () => {
    const { plan } = planFor(1);
    for (const v of plan.visits.filter((x) => x.kind !== 'nonface')) {
      assert.ok(v.photos.length >= 1 && v.photos.length <= 4);
      assert.equal(new Set(v.photos).size, v.photos.length, 'no photo twice in a visit');
      if (v.kind === 'member') assert.ok(v.photos.length >= 2, `member visit ${v.visitId} shows ${v.photos.length} photo(s)`);
      assert.equal(v.photoChangesS.length, v.photos.length - 1);
      for (const c of v.photoChangesS) {
        const mid = photoWeights(v, c);
        assert.equal(mid.length, 2);
        assert.ok(Math.abs(mid[0]!.weight - 0.5) < 1e-9 && Math.abs(mid[1]!.weight - 0.5) < 1e-9);
        assert.deepEqual(photoWeights(v, c + CROSS_FADE_S / 2 + 0.01).map((w) => w.weight), [1]);
      }
    }
    const counts = plan.visits.filter((v) => v.kind === 'member').map((v) => v.photos.length);
    assert.ok(counts.includes(2) && counts.includes(3), `photo counts ${[...new Set(counts)]}`);
  });

  test('returning strangers come back >= 20 s later with other photos', () => {
    const { plan } = planFor(1);
    const returns = plan.visits.filter((v) => v.returningOf !== null);
    assert.ok(returns.length >= 40 && returns.length <= 50, `${returns.length} return visits`);
    for (const r of returns) {
      assert.equal(r.kind, 'stranger');
      const earlier = plan.visits.filter((v) => v.identityKey === r.identityKey && v.visitId < r.visitId);
      assert.ok(earlier.length >= 1);
      assert.equal(r.returningOf, earlier[0]!.visitId);
      for (const e of earlier) {
        assert.ok(r.keys[0]!.tS >= e.keys.at(-1)!.tS + 20 - 1e-6, `visit ${r.visitId} starts ${r.keys[0]!.tS}, earlier one ended ${e.keys.at(-1)!.tS}`);
        assert.deepEqual(r.photos.filter((p) => e.photos.includes(p)), [], `visit ${r.visitId} repeats photos of ${e.visitId}`);
      }
    }
    // Every visit of one identity is at least 20 s after the previous one ended.
    for (const key of new Set(plan.visits.map((v) => v.identityKey))) {
      const own = plan.visits.filter((v) => v.identityKey === key);
      for (let i = 1; i < own.length; i++) assert.ok(own[i]!.keys[0]!.tS >= own[i - 1]!.keys.at(-1)!.tS + 20 - 1e-6);
    }
  });

  test('strangerMinPhotos: strangers with that many photos, one-time ones keep photos the video never shows; unset changes nothing', () => {
    assert.deepEqual(planWalkthrough(people, { seed: 5, strangerMinPhotos: 0 }), planWalkthrough(people, { seed: 5 }));
    const plan = planWalkthrough(people, { seed: 5, members: 30, memberVisits: 45, strangers: 40, strangerMinPhotos: 6 });
    const photosOf = new Map(people.map((p) => [p.name, p.indices.length]));
    for (const s of plan.strangers) assert.ok(photosOf.get(s.lfwName)! >= 6, `${s.lfwName} has ${photosOf.get(s.lfwName)} photos`);
    const visitsOf = (key: string) => plan.visits.filter((v) => v.identityKey === key);
    const oneTime = plan.strangers.filter((s) => visitsOf(s.key).length === 1);
    assert.ok(oneTime.length > 0);
    for (const s of oneTime) assert.ok(visitsOf(s.key)[0]!.photos.length <= photosOf.get(s.lfwName)! - 2, 'at least two photos are never planned to be shown');
  });

  test('too few people for a role is a RangeError', () => {
    assert.throws(() => planWalkthrough(people.slice(0, 50), { seed: 1 }), RangeError);
    assert.throws(() => planWalkthrough(people, { seed: 1, returningStrangerShare: 2 }), RangeError);
  });
});

describe('planWalkthrough: motion', () => {
  test('faces move 20-40 px per 0.1 s on every moving segment, 50-140 px tall; approaching faces grow from ~50 to ~130 px', () => {
    const { plan } = planFor(1);
    for (const v of plan.visits) {
      for (const k of v.keys) assert.ok(k.size >= 50 && k.size <= 140, `visit ${v.visitId} size ${k.size}`);
      for (let i = 1; i < v.keys.length; i++) {
        const a = v.keys[i - 1]!, b = v.keys[i]!;
        const step = (Math.hypot(b.cx - a.cx, b.cy - a.cy) / (b.tS - a.tS)) * 0.1;
        if (step < 1) continue; // standing just outside the frame (leave and come back)
        assert.ok(step >= 19.9 && step <= 40.1, `visit ${v.visitId} segment ${i}: ${step.toFixed(1)} px per 0.1 s`);
      }
      if (v.path === 'approach') {
        assert.ok(v.keys[0]!.size <= 60 && v.keys.at(-1)!.size >= 115, `approach ${v.visitId}: ${v.keys[0]!.size} -> ${v.keys.at(-1)!.size}`);
        assert.ok(v.keys.at(-1)!.cy > v.keys[0]!.cy, 'an approaching face comes down the frame');
      } else {
        const dx = v.keys.at(-1)!.cx - v.keys[0]!.cx;
        if (!v.leavesAndReturns) assert.equal(Math.sign(dx), v.path === 'left-to-right' ? 1 : -1);
      }
      assert.ok(v.look.gain >= 0.6 && v.look.gain <= 1.4);
      assert.ok(v.look.motionBlurPx > 0);
    }
    const share = (f: (v: WalkthroughPlan['visits'][number]) => boolean) => plan.visits.filter(f).length / plan.visits.length;
    assert.ok(share((v) => v.path === 'approach') > 0.15, 'some approaching paths');
    assert.ok(share((v) => v.look.focusBlurPx > 0) > 0.03, 'a few out-of-focus visits');
  });

  test('each path starts and ends with the face out of view', () => {
    const { plan } = planFor(2);
    for (const v of plan.visits) {
      for (const k of [v.keys[0]!, v.keys.at(-1)!]) {
        const out = k.cx < -0.3 * k.size || k.cx > plan.width + 0.3 * k.size || k.cy > plan.height + 0.3 * k.size;
        assert.ok(out, `visit ${v.visitId} key at ${k.cx},${k.cy}`);
      }
    }
  });

  test('at most 4 faces are in view at once, and the video is long enough for every visit', () => {
    for (const seed of [1, 2]) {
      const { plan, gt } = planFor(seed);
      const perFrame = new Map<number, number>();
      for (const v of gt.visits) for (const b of v.boxes) perFrame.set(b.frame, (perFrame.get(b.frame) ?? 0) + 1);
      assert.ok(Math.max(...perFrame.values()) <= 4);
      const busy = [...perFrame.values()].filter((c) => c >= 2).length / gt.frames;
      assert.ok(busy > 0.4, `two or more faces in ${busy.toFixed(2)} of the frames`);
      assert.ok(plan.durationS >= Math.max(...plan.visits.map((v) => v.keys.at(-1)!.tS)));
      assert.ok(plan.durationS > 300 && plan.durationS < 900, `duration ${plan.durationS} s`);
      for (const v of gt.visits) assert.ok(v.boxes.length > 0, `visit ${v.visitId} is never visible`);
    }
  });

  test('about 15 % of visits have a short miss of 0.2-0.8 s mid-path, and the ground truth has no box then', () => {
    const { plan, gt } = planFor(1);
    const missing = plan.visits.filter((v) => v.hidden.length > 0);
    assert.ok(missing.length / plan.visits.length >= 0.08 && missing.length / plan.visits.length <= 0.22, `${missing.length} misses`);
    for (const v of missing) {
      const [h] = v.hidden;
      assert.ok(h!.endS - h!.startS >= 0.2 - 1e-6 && h!.endS - h!.startS <= 0.8 + 1e-6);
      const boxes = gt.visits.find((g) => g.visitId === v.visitId)!.boxes;
      assert.ok(boxes.some((b) => b.tS < h!.startS) && boxes.some((b) => b.tS >= h!.endS), 'visible before and after the miss');
      assert.ok(!boxes.some((b) => b.tS >= h!.startS + 1e-6 && b.tS < h!.endS - 1e-6), 'no box during the miss');
      assert.equal(visitPose(v, (h!.startS + h!.endS) / 2)!.hidden, true);
    }
  });

  test('a few visits leave at an edge and come back within a second', () => {
    const { plan, gt } = planFor(1);
    const leaving = plan.visits.filter((v) => v.leavesAndReturns);
    assert.ok(leaving.length >= 5 && leaving.length <= 25, `${leaving.length} leave and come back`);
    for (const v of leaving) {
      const frames = gt.visits.find((g) => g.visitId === v.visitId)!.boxes.map((b) => b.frame);
      const gaps = frames.slice(1).map((f, i) => f - frames[i]!).filter((d) => d > 1);
      const outOfView = Math.max(0, ...gaps) / plan.fps;
      assert.ok(outOfView > 0 && outOfView <= 1, `visit ${v.visitId} out of view for ${outOfView} s`);
      assert.equal(v.keys.length, 4);
    }
  });

  test('crossing pairs walk in opposite directions at similar heights and really cross', () => {
    for (const seed of [1, 2]) {
      const { plan, gt } = planFor(seed);
      const crossing = plan.visits.filter((v) => v.crossingWith !== null);
      assert.ok(crossing.length / plan.visits.length >= 0.15 && crossing.length / plan.visits.length <= 0.25, `${crossing.length} crossing visits`);
      for (const a of crossing) {
        const b = plan.visits.find((v) => v.visitId === a.crossingWith)!;
        assert.equal(b.crossingWith, a.visitId);
        assert.notEqual(a.path, b.path);
        assert.notEqual(a.identityKey, b.identityKey);
        const boxesA = new Map(gt.visits.find((g) => g.visitId === a.visitId)!.boxes.map((x) => [x.frame, x.box]));
        const boxesB = gt.visits.find((g) => g.visitId === b.visitId)!.boxes;
        let overlap = false;
        const order = new Set<number>();
        for (const { frame, box } of boxesB) {
          const other = boxesA.get(frame);
          if (!other) continue;
          if (iou(box, other) > 0) overlap = true;
          order.add(Math.sign(box.x - other.x));
        }
        assert.ok(overlap || (order.has(1) && order.has(-1)), `pair ${a.visitId}/${b.visitId} never crosses`);
      }
      // One of each pair hides the other for a few frames.
      const hidden = crossing.filter((a) => {
        const frames = gt.visits.find((g) => g.visitId === a.visitId)!.boxes.map((x) => x.frame);
        return frames.slice(1).some((f, i) => f - frames[i]! > 1);
      });
      assert.ok(hidden.length >= crossing.length / 4, `${hidden.length} of ${crossing.length} crossing faces are hidden for a while`);
    }
  });
});

describe('poses and ground truth', () => {
  const plan = planWalkthrough(people, { seed: 9, members: 2, memberVisits: 2, galleryDistractors: 0, strangers: 2, returningStrangerShare: 0, nonFaces: 1 });

  test('a pose is null outside its path and interpolates inside', () => {
    const v = plan.visits[0]!;
    assert.equal(visitPose(v, v.keys[0]!.tS - 0.01), null);
    assert.equal(visitPose(v, v.keys.at(-1)!.tS + 0.01), null);
    const mid = (v.keys[0]!.tS + v.keys[1]!.tS) / 2;
    const pose = visitPose(v, mid)!;
    assert.ok(Math.abs(pose.cx - (v.keys[0]!.cx + v.keys[1]!.cx) / 2) < 1e-6);
    assert.ok(Math.abs(Math.hypot(pose.dirX, pose.dirY) - 1) < 1e-9);
  });

  test('nearer (bigger) faces are drawn last; ties by visit id', () => {
    const order = drawOrder([
      { visitId: 3, size: 80 },
      { visitId: 1, size: 120 },
      { visitId: 2, size: 80 },
    ]);
    assert.deepEqual(order.map((o) => o.visitId), [2, 3, 1]);
  });

  test('ground-truth boxes are the face box at the pose, clipped to the frame, at frame / fps', () => {
    const gt = buildGroundTruth(plan, { aspectOf: () => 0.75 });
    assert.equal(gt.frames, Math.round(plan.durationS * plan.fps));
    for (const g of gt.visits) {
      const v = plan.visits.find((x) => x.visitId === g.visitId)!;
      for (const b of g.boxes) {
        assert.equal(b.tS, Math.round((b.frame / plan.fps) * 1000) / 1000);
        const pose = visitPose(v, b.frame / plan.fps)!;
        const full = { x: pose.cx - 0.375 * pose.size, y: pose.cy - pose.size / 2, width: 0.75 * pose.size, height: pose.size };
        const inside = full.x >= 0 && full.y >= 0 && full.x + full.width <= plan.width && full.y + full.height <= plan.height;
        if (inside) for (const k of ['x', 'y', 'width', 'height'] as const) assert.ok(Math.abs(b.box[k] - full[k]) <= 0.051, `${k}`);
        assert.ok(b.box.x >= 0 && b.box.x + b.box.width <= plan.width + 0.05);
      }
    }
  });

  test('dropped visits leave the ground truth, substitutions are kept', () => {
    const gt = buildGroundTruth(plan, { droppedVisits: [1], substitutions: [{ visitId: 2, planned: 'a', used: 'b' }] });
    assert.ok(!gt.visits.some((v) => v.visitId === 1));
    assert.deepEqual(gt.droppedVisits, [1]);
    assert.deepEqual(gt.substitutions, [{ visitId: 2, planned: 'a', used: 'b' }]);
  });
});
