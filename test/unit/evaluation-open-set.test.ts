import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  centroid,
  chooseOperatingPoint,
  evenlySpaced,
  type OpenSetRates,
  openSetRates,
  type PersonImages,
  type ProbeOutcome,
  scoreProbes,
  splitOpenSet,
  thresholdGrid,
} from '../../src-main/engine/evaluation/open-set.js';
import { evaluateOpenSet } from '../../src-main/engine/evaluation/protocols.js';

const close = (actual: number, expected: number, tolerance = 1e-6) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${actual} != ${expected} (±${tolerance})`);

describe('evenlySpaced', () => {
  const letters = [...'abcdefghij'];
  const table = [
    { count: 3, expected: ['a', 'd', 'g'] }, // floor(i * 10 / 3) = 0, 3, 6
    { count: 5, expected: ['a', 'c', 'e', 'g', 'i'] },
    { count: 1, expected: ['a'] },
    { count: 0, expected: [] },
    { count: 10, expected: letters },
    { count: 20, expected: letters },
  ];
  for (const row of table) test(`${row.count} of 10`, () => assert.deepEqual(evenlySpaced(letters, row.count), row.expected));
  test('a negative or fractional count is refused', () => {
    assert.throws(() => evenlySpaced(letters, -1), RangeError);
    assert.throws(() => evenlySpaced(letters, 1.5), RangeError);
  });
});

describe('splitOpenSet', () => {
  const people: PersonImages[] = [
    { name: 'Fay', indices: [6, 5, 4, 3, 2, 1] },
    { name: 'Cat', indices: [1, 2] },
    { name: 'Ann', indices: [1, 2, 3, 4, 5] },
    { name: 'Dan', indices: [1] },
    { name: 'Bob', indices: [4, 3, 2, 1] },
    { name: 'Eve', indices: [2, 3, 7] },
    { name: 'Gus', indices: [] },
  ];
  const options = { members: 2, photosPerMember: 3, maxProbesPerMember: 2 };

  test('members: evenly spaced over people with >= 4 photos sorted by name; first 3 photos enrolled', () => {
    // eligible Ann, Bob, Fay -> indices 0 and floor(3/2) = 1 -> Ann, Bob
    const split = splitOpenSet(people, options);
    assert.deepEqual(split.members, [
      { name: 'Ann', enroll: [1, 2, 3], probes: [4, 5] },
      { name: 'Bob', enroll: [1, 2, 3], probes: [4] },
    ]);
    assert.equal(split.eligibleMembers, 3);
  });

  test('strangers: people with 1..3 photos, their lowest-numbered photo; no one appears on both sides', () => {
    const split = splitOpenSet(people, options);
    assert.deepEqual(split.strangers, [{ name: 'Cat', index: 1 }, { name: 'Dan', index: 1 }, { name: 'Eve', index: 2 }]);
    assert.equal(split.eligibleStrangers, 3);
    const memberNames = new Set(split.members.map((m) => m.name));
    assert.ok(split.strangers.every((s) => !memberNames.has(s.name)));
  });

  test('probes per member are capped', () => {
    const split = splitOpenSet(people, { ...options, members: 3 });
    assert.deepEqual(split.members[2], { name: 'Fay', enroll: [1, 2, 3], probes: [4, 5] });
  });

  test('stranger cap: evenly spaced', () => {
    const split = splitOpenSet(people, { ...options, maxStrangers: 2 });
    assert.deepEqual(split.strangers.map((s) => s.name), ['Cat', 'Dan']);
  });

  test('the input order does not matter', () => {
    assert.deepEqual(splitOpenSet([...people].reverse(), options), splitOpenSet(people, options));
  });

  test('more members than eligible people, or fewer than 2, is refused', () => {
    assert.throws(() => splitOpenSet(people, { ...options, members: 4 }), /only 3 people have at least 4 photos/);
    assert.throws(() => splitOpenSet(people, { ...options, members: 1 }), RangeError);
  });
});

describe('centroid (mean of normalised embeddings, re-normalised)', () => {
  const table = [
    { name: 'two orthogonal', input: [[1, 0], [0, 1]], expected: [Math.SQRT1_2, Math.SQRT1_2] },
    { name: 'weighted by repetition', input: [[1, 0], [1, 0], [0, 1]], expected: [2 / Math.sqrt(5), 1 / Math.sqrt(5)] },
    { name: 'one template is itself', input: [[0.6, 0.8]], expected: [0.6, 0.8] },
  ];
  for (const row of table) {
    test(row.name, () => {
      const c = centroid(row.input.map((v) => Float32Array.from(v)));
      row.expected.forEach((v, i) => close(c[i]!, v));
    });
  }
  test('no embeddings is refused', () => assert.throws(() => centroid([]), RangeError));
});

describe('scoreProbes', () => {
  // member 0: templates (1,0) and (0.6,0.8) -> centroid (1.6,0.8)/|.| = (0.8944, 0.4472); member 1: (0,1)
  const members = [[Float32Array.of(1, 0), Float32Array.of(0.6, 0.8)], [Float32Array.of(0, 1)]];
  const probes = [
    { embedding: Float32Array.of(1, 0), truth: 0 },
    { embedding: Float32Array.of(0.6, 0.8), truth: null },
  ];
  test('centroid scoring keeps the two best members', () => {
    const [a, b] = scoreProbes(probes, members, 'centroid');
    assert.equal(a!.bestMember, 0);
    close(a!.best, 2 / Math.sqrt(5));
    assert.equal(a!.runnerUpMember, 1);
    close(a!.runnerUp!, 0);
    assert.equal(b!.truth, null);
    assert.equal(b!.bestMember, 0);
    close(b!.best, 0.6 * (2 / Math.sqrt(5)) + 0.8 * (1 / Math.sqrt(5)));
    close(b!.runnerUp!, 0.8);
  });
  test('best-template scoring uses the closest single template', () => {
    const [a, b] = scoreProbes(probes, members, 'best-template');
    close(a!.best, 1);
    close(b!.best, 1);
    close(b!.runnerUp!, 0.8);
  });
  test('a one-member gallery has no runner-up', () => {
    const [a] = scoreProbes(probes, [members[0]!], 'centroid');
    assert.equal(a!.runnerUpMember, null);
    assert.equal(a!.runnerUp, null);
  });
});

describe('openSetRates (the app decideMatch rule: threshold, then margin over the runner-up)', () => {
  const outcome = (truth: number | null, bestMember: number, best: number, runnerUpMember: number | null, runnerUp: number | null): ProbeOutcome => ({
    truth, bestMember, best, runnerUpMember, runnerUp,
  });
  const outcomes = [
    outcome(0, 0, 0.8, 1, 0.3), // clear, right person
    outcome(1, 0, 0.5, 1, 0.375), // wrong person, lead 0.125
    outcome(1, 1, 0.6, 0, 0.59), // right person but only 0.01 ahead
    outcome(null, 0, 0.55, 1, 0.2), // stranger close to member 0
    outcome(null, 1, 0.35, null, null), // stranger, one-member candidate list
  ];
  const table = [
    { threshold: 0.4, margin: 0.03, tpir: 1 / 3, wrong: 1 / 3, fpir: 1 / 2 },
    { threshold: 0.4, margin: 0, tpir: 2 / 3, wrong: 1 / 3, fpir: 1 / 2 },
    { threshold: 0.4, margin: 0.25, tpir: 1 / 3, wrong: 0, fpir: 1 / 2 },
    { threshold: 0.56, margin: 0.03, tpir: 1 / 3, wrong: 0, fpir: 0 },
    { threshold: 0.3, margin: 0.03, tpir: 1 / 3, wrong: 1 / 3, fpir: 1 },
    { threshold: 0.8, margin: 0.03, tpir: 1 / 3, wrong: 0, fpir: 0 }, // score equal to the threshold is accepted
    { threshold: 0.81, margin: 0, tpir: 0, wrong: 0, fpir: 0 },
  ];
  for (const row of table) {
    test(`threshold ${row.threshold}, margin ${row.margin}`, () => {
      const r = openSetRates(outcomes, row.threshold, row.margin);
      assert.equal(r.memberProbes, 3);
      assert.equal(r.strangerProbes, 2);
      close(r.tpir, row.tpir);
      close(r.wrongMember, row.wrong);
      close(r.fpir, row.fpir);
    });
  }
});

describe('thresholdGrid and chooseOperatingPoint', () => {
  test('grid endpoints are inclusive and free of float drift', () => {
    assert.deepEqual(thresholdGrid(0.1, 0.3, 0.1), [0.1, 0.2, 0.3]);
    assert.deepEqual(thresholdGrid(0.2, 0.2, 0.01), [0.2]);
    const grid = thresholdGrid(0.1, 0.8, 0.01);
    assert.equal(grid.length, 71);
    assert.equal(grid[70], 0.8);
    assert.equal(grid[33], 0.43);
    assert.throws(() => thresholdGrid(0.5, 0.4, 0.01), RangeError);
  });

  const row = (threshold: number, tpir: number, fpir: number): OpenSetRates => ({
    threshold, tpir, fpir, margin: 0.03, memberProbes: 10, strangerProbes: 100, wrongMember: 0,
  });
  const rows = [row(0.3, 0.9, 0.05), row(0.4, 0.8, 0.01), row(0.5, 0.8, 0), row(0.6, 0.5, 0)];
  const table = [
    { maxFpir: 0.01, threshold: 0.5 }, // 0.4 and 0.5 tie on TPIR: the higher threshold accepts fewer strangers
    { maxFpir: 0.05, threshold: 0.3 },
    { maxFpir: 0, threshold: 0.5 },
  ];
  for (const t of table) test(`FPIR <= ${t.maxFpir}`, () => assert.equal(chooseOperatingPoint(rows, t.maxFpir)?.threshold, t.threshold));
  test('no qualifying threshold gives null', () => assert.equal(chooseOperatingPoint([row(0.3, 0.9, 0.05)], 0.01), null));
});

describe('evaluateOpenSet', () => {
  test('orthogonal people: every member named, no stranger accepted, at every threshold', () => {
    const split = splitOpenSet(
      [{ name: 'A', indices: [1, 2, 3, 4] }, { name: 'B', indices: [1, 2, 3, 4, 5] }, { name: 'C', indices: [1] }],
      { members: 2, photosPerMember: 3, maxProbesPerMember: 10 },
    );
    const vectors: Record<string, Float32Array> = { A: Float32Array.of(1, 0, 0), B: Float32Array.of(0, 1, 0), C: Float32Array.of(0, 0, 1) };
    const report = evaluateOpenSet(split, (name) => vectors[name]!, { margin: 0.03, maxFpir: 0.01, thresholds: thresholdGrid(0.1, 0.8, 0.1), appThreshold: 0.42 });
    assert.equal(report.members, 2);
    assert.equal(report.memberProbes, 3);
    assert.equal(report.strangerProbes, 1);
    assert.equal(report.centroid.chosen?.threshold, 0.8);
    assert.equal(report.centroid.chosen?.tpir, 1);
    assert.equal(report.centroid.chosen?.fpir, 0);
    assert.equal(report.centroid.atAppThreshold.tpir, 1);
    assert.equal(report.bestTemplate.atAppThreshold.fpir, 0);
    assert.equal(report.centroidNoMargin?.tpir, 1);
  });
});
