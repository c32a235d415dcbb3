import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { MatchDecision } from '../../src-main/engine/matching/match-decision.js';
import {
  DEFAULT_VISIT_EVIDENCE_POLICY,
  decideVisitIdentity,
  type FaceView,
  VisitEvidence,
  viewWeight,
  weightedTemplate,
} from '../../src-main/engine/live/visit-evidence.js';

const THRESHOLD = 0.46;
const policy = { ...DEFAULT_VISIT_EVIDENCE_POLICY, minFaceNorm: 2 };

const match = (personId: number, score: number): MatchDecision => ({ kind: 'match', personId, score, runnerUpScore: null });
const below = (bestPersonId: number, bestScore: number): MatchDecision => ({ kind: 'unknown', reason: 'below-threshold', bestPersonId, bestScore });
const ambiguous = (bestPersonId: number, bestScore: number): MatchDecision => ({ kind: 'unknown', reason: 'ambiguous', bestPersonId, bestScore });

/** A view: a decision, its quality and whether its embedding is a usable face (norm 3) or a blur (norm 1). */
function view(decision: MatchDecision, quality = 0.6, usable = true, embedding: number[] = [1, 0]): FaceView {
  return { embedding: Float32Array.from(embedding), quality, faceNorm: usable ? 3 : 1, decision };
}

interface Row {
  name: string;
  views: FaceView[];
  /** The gallery's decision on the visit's template. */
  template: MatchDecision | null;
  current?: number | null;
  expected: { personId: number | null; reason?: string };
}

describe('who a visit was: the identity rule', () => {
  const rows: Row[] = [
    { name: 'no views at all: unknown, no evidence', views: [], template: null, expected: { personId: null, reason: 'no-evidence' } },
    {
      name: 'only blurs and non-faces (short embeddings): no evidence, even if they "matched"',
      views: [view(match(1, 0.5), 0.5, false), view(match(1, 0.52), 0.5, false)],
      template: null,
      expected: { personId: null, reason: 'no-evidence' },
    },
    {
      name: 'confident matches to one person + many poor frames below the threshold: named (poor frames do not out-vote)',
      views: [view(match(1, 0.62)), view(match(1, 0.58)), view(below(1, 0.3), 0.2), view(below(1, 0.28), 0.2), view(below(1, 0.33), 0.15), view(below(2, 0.2), 0.1)],
      template: match(1, 0.55),
      expected: { personId: 1, reason: 'template' },
    },
    {
      name: 'the template alone names a member whose single views all stayed under the threshold',
      views: [view(below(1, 0.42)), view(below(1, 0.44)), view(below(1, 0.43))],
      template: match(1, 0.49),
      expected: { personId: 1, reason: 'template' },
    },
    {
      name: 'template not a match, but two confident views of one person and none of anyone else: named by the views',
      views: [view(match(1, 0.5)), view(match(1, 0.48)), view(below(1, 0.3))],
      template: below(1, 0.44),
      expected: { personId: 1, reason: 'views' },
    },
    {
      name: 'template not a match, one view just over the threshold: too weak (a stranger gets one lucky frame)',
      views: [view(match(1, 0.47)), view(below(1, 0.3)), view(below(3, 0.25))],
      template: below(1, 0.4),
      expected: { personId: null, reason: 'too-weak' },
    },
    {
      name: 'template not a match, one view far over the threshold (>= +0.10): named',
      views: [view(match(1, 0.58)), view(below(1, 0.35))],
      template: below(1, 0.45),
      expected: { personId: 1, reason: 'views' },
    },
    {
      name: 'two people with confident views and a template that settles nothing: unknown (conflict)',
      views: [view(match(1, 0.5)), view(match(2, 0.49)), view(match(1, 0.47)), view(match(2, 0.5))],
      template: ambiguous(1, 0.48),
      expected: { personId: null, reason: 'conflict' },
    },
    {
      name: 'two people with confident views; the template matches the one with more of them: that one',
      views: [view(match(1, 0.55)), view(match(1, 0.52)), view(match(2, 0.47))],
      template: match(1, 0.53),
      expected: { personId: 1, reason: 'template' },
    },
    {
      name: 'the template matches a person with fewer confident views than another: unknown (conflict)',
      views: [view(match(2, 0.5)), view(match(2, 0.5)), view(match(1, 0.47))],
      template: match(1, 0.48),
      expected: { personId: null, reason: 'conflict' },
    },
    {
      name: 'identical twins enrolled: every view ambiguous between them: unknown',
      views: [view(ambiguous(1, 0.6)), view(ambiguous(2, 0.61)), view(ambiguous(1, 0.59))],
      template: ambiguous(2, 0.6),
      expected: { personId: null, reason: 'too-weak' },
    },
    {
      name: 'named P, then one view of Q arrives (Q has fewer matches): P is kept, no flip',
      views: [view(match(1, 0.55)), view(match(1, 0.5)), view(match(2, 0.52))],
      template: match(2, 0.5),
      current: 1,
      expected: { personId: 1, reason: 'kept' },
    },
    {
      name: 'named P; Q now has more confident views and the template: switches to Q',
      views: [view(match(1, 0.5)), view(match(2, 0.55)), view(match(2, 0.58))],
      template: match(2, 0.56),
      current: 1,
      expected: { personId: 2, reason: 'template' },
    },
    {
      name: 'named P by the template alone (no confident view); one stray confident view of Q arrives: P is kept',
      views: [view(below(1, 0.44)), view(below(1, 0.43)), view(match(2, 0.47))],
      template: match(1, 0.48),
      current: 1,
      expected: { personId: 1, reason: 'kept' },
    },
    {
      name: 'named P by the template alone; a better view pulls the template under the threshold: P is kept',
      views: [view(below(1, 0.44)), view(below(1, 0.43)), view(below(1, 0.35), 0.9)],
      template: below(1, 0.44),
      current: 1,
      expected: { personId: 1, reason: 'kept' },
    },
    {
      name: 'named P by the template alone; Q gathers two confident views: P is no longer certain (unknown)',
      views: [view(below(1, 0.44)), view(match(2, 0.5)), view(match(2, 0.49))],
      template: match(1, 0.47),
      current: 1,
      expected: { personId: null, reason: 'conflict' },
    },
    {
      name: 'named P; later poor frames drag the template under the threshold: P is kept (its confident views stand)',
      views: [view(match(1, 0.5)), view(below(1, 0.3), 0.55), view(below(1, 0.31), 0.55)],
      template: below(1, 0.43),
      current: 1,
      expected: { personId: 1, reason: 'kept' },
    },
  ];
  for (const row of rows) {
    test(row.name, () => {
      const evidence = new VisitEvidence(policy);
      for (const v of row.views) evidence.add(v);
      const verdict = evidence.verdict(row.template, row.current ?? null, THRESHOLD);
      assert.equal(verdict.personId, row.expected.personId);
      if (row.expected.reason) assert.equal(verdict.reason, row.expected.reason);
    });
  }

  test('two people with confident matches, views arriving one by one: the name never jumps from one to the other', () => {
    // Twins-like: alternating confident views of 1 and 2, the template flipping between them.
    const evidence = new VisitEvidence(policy);
    let current: number | null = null;
    const names: Array<number | null> = [];
    for (let i = 0; i < 12; i++) {
      const person = i % 2 === 0 ? 1 : 2;
      evidence.add(view(match(person, 0.5 + (i % 3) * 0.01)));
      current = evidence.verdict(match(person, 0.5), current, THRESHOLD).personId;
      names.push(current);
    }
    const named = names.filter((n): n is number => n !== null);
    for (let i = 1; i < named.length; i++) assert.equal(named[i], named[0], `names over time: ${names.join(',')}`);
  });

  test('people who may no longer be named (erased, deactivated) are not, even with their confident views', () => {
    const evidence = new VisitEvidence(policy);
    evidence.add(view(match(1, 0.7)));
    evidence.add(view(match(1, 0.68)));
    assert.equal(evidence.verdict(match(1, 0.69), 1, THRESHOLD, (id) => id !== 1).personId, null);
  });

  test('evidence of a re-linked track is added up: counts and kept views', () => {
    const a = new VisitEvidence(policy);
    a.add(view(match(1, 0.5)));
    const b = new VisitEvidence(policy);
    b.add(view(match(1, 0.49)));
    b.add(view(below(1, 0.2), 0.1, false));
    a.absorb(b);
    assert.equal(a.matchesOf(1), 2);
    assert.equal(a.usableViews, 2);
    assert.equal(a.views.length, 2);
    assert.equal(a.verdict(below(1, 0.44), null, THRESHOLD).reason, 'views');
  });

  test('kept views are bounded, best quality first', () => {
    const evidence = new VisitEvidence({ ...policy, maxKeptViews: 3 });
    for (const q of [0.1, 0.9, 0.5, 0.7, 0.2]) evidence.add(view(below(1, 0.2), q));
    assert.deepEqual(evidence.views.map((v) => v.quality), [0.9, 0.7, 0.5]);
    assert.equal(evidence.usableViews, 5);
  });
});

describe('the visit template', () => {
  test('quality-weighted mean of the good views, normalised; poor views left out', () => {
    const views = [view(below(1, 0), 0.8, true, [1, 0]), view(below(1, 0), 0.8, true, [0, 1]), view(below(1, 0), 0.1, true, [-1, 0])];
    const template = weightedTemplate(views, { maxTemplateViews: 8, templateQualityShare: 0.5 })!;
    assert.ok(Math.abs(template[0]! - Math.SQRT1_2) < 1e-6 && Math.abs(template[1]! - Math.SQRT1_2) < 1e-6, `got ${[...template]}`);
  });
  test('at most maxTemplateViews, the best ones', () => {
    const views = [view(below(1, 0), 0.9, true, [1, 0]), view(below(1, 0), 0.85, true, [0, 1]), view(below(1, 0), 0.8, true, [0, 1])];
    const template = weightedTemplate(views, { maxTemplateViews: 1, templateQualityShare: 0 })!;
    assert.deepEqual([...template], [1, 0]);
  });
  test('none without views', () => assert.equal(weightedTemplate([], DEFAULT_VISIT_EVIDENCE_POLICY), null));
});

describe('how much a view counts', () => {
  const v = (quality: number, faceNorm: number): FaceView => ({ embedding: Float32Array.from([1, 0]), quality, faceNorm, decision: below(1, 0) });
  const weighting = (viewWeighting: 'quality' | 'norm' | 'quality-norm') => ({ viewWeighting, minFaceNorm: 2 });
  test("by face quality, by the embedder's confidence (raw length above the floor), or both", () => {
    assert.equal(viewWeight(v(0.6, 3.5), weighting('quality')), 0.6);
    assert.equal(viewWeight(v(0.6, 3.5), weighting('norm')), 1.5);
    assert.ok(Math.abs(viewWeight(v(0.6, 3.5), weighting('quality-norm')) - 0.9) < 1e-9);
    assert.equal(viewWeight(v(0.6, 1.5), weighting('norm')), 0, 'under the floor counts nothing');
  });
  test('with norm weighting the template leans to the confident view and the kept views are ranked by it', () => {
    const sharp: FaceView = { embedding: Float32Array.from([1, 0]), quality: 0.4, faceNorm: 3.6, decision: below(1, 0) };
    const soft: FaceView = { embedding: Float32Array.from([0, 1]), quality: 0.7, faceNorm: 2.4, decision: below(1, 0) };
    const template = weightedTemplate([sharp, soft], { maxTemplateViews: 8, templateQualityShare: 0, viewWeighting: 'norm', minFaceNorm: 2 })!;
    assert.ok(template[0]! > template[1]! * 3, `${[...template]}`);
    const evidence = new VisitEvidence({ ...policy, viewWeighting: 'norm' });
    evidence.add(soft);
    evidence.add(sharp);
    assert.equal(evidence.views[0], sharp);
  });
});

describe('decideVisitIdentity on plain numbers', () => {
  test('a kept name reports the template score when the template is that person', () => {
    const verdict = decideVisitIdentity(
      { usableViews: 3, tallies: [{ personId: 1, matches: 2, bestScore: 0.6 }, { personId: 2, matches: 1, bestScore: 0.5 }], bestUnknownScore: null, templateDecision: match(1, 0.52), current: 1 },
      policy,
      THRESHOLD,
    );
    assert.deepEqual(verdict, { personId: 1, score: 0.52, reason: 'template' });
  });
  test('unknown reports the best similarity seen', () => {
    const verdict = decideVisitIdentity({ usableViews: 2, tallies: [], bestUnknownScore: 0.41, templateDecision: below(1, 0.43), current: null }, policy, THRESHOLD);
    assert.deepEqual(verdict, { personId: null, score: 0.43, reason: 'too-weak' });
  });
});
