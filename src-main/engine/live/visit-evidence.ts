/**
 * Who a visit (one person's walk past one camera: one or more tracks) was,
 * decided from all the evidence its tracks gathered, not from a vote of
 * single frames. Pure: the pipeline adds views and asks the gallery about the
 * template this module builds; the rule itself is tested with tables.
 *
 * The rule, in words:
 *  - A view whose embedding is too weak (raw vector length below
 *    `minFaceNorm`: a blur, a hand, a patch of wall) is no evidence at all.
 *  - The visit's **template** is the quality-weighted mean of its best views
 *    (as set-based recognition does); it is scored against the gallery like
 *    one good photo. Poor frames are left out of it, so they cannot drag a
 *    member's score under the threshold.
 *  - Named P when the template matches P and no other person has more
 *    confident single-view matches than P; or, when the template does not
 *    match, when P alone has confident view matches: at least two, or one
 *    clearly above the threshold.
 *  - Two people with confident matches and a template that does not settle
 *    it: unknown. Once named, a visit changes to another person only when
 *    that person has more confident matches than the current one (never a
 *    flip on one frame).
 */
import type { MatchDecision } from '../matching/match-decision.js';

export interface FaceView {
  /** L2-normalised embedding. */
  embedding: Float32Array;
  /** 0..1 face quality (size, sharpness, pose, exposure, detector score). */
  quality: number;
  /** Raw length of the embedder's output: short for blurs and things that are not faces. */
  faceNorm: number;
  /** This view alone against the gallery. */
  decision: MatchDecision;
}

export interface VisitEvidencePolicy {
  /** Views whose raw embedding length is below this are not evidence (per embedder; manifest `faceNormThreshold`). */
  minFaceNorm: number;
  /**
   * How much a view counts (ranking and template weights): 'quality' (size, sharpness, pose,
   * exposure), 'norm' (how far the raw embedding length is above minFaceNorm: the embedder's own
   * confidence, as MagFace / AdaFace use it), or their product.
   */
  viewWeighting: 'quality' | 'norm' | 'quality-norm';
  /** Most views averaged into the template (the best by quality). */
  maxTemplateViews: number;
  /** Views below this share of the best view's quality stay out of the template. */
  templateQualityShare: number;
  /** Views kept for the template and for unknown-person clustering (best by quality). */
  maxKeptViews: number;
  /** Without a matching template, a person needs this many confident view matches... */
  minViewMatchesWithoutTemplate: number;
  /** ...or one view match at least this far above the match threshold. */
  strongViewMargin: number;
}

export const DEFAULT_VISIT_EVIDENCE_POLICY: Readonly<VisitEvidencePolicy> = Object.freeze({
  minFaceNorm: 0,
  viewWeighting: 'quality',
  maxTemplateViews: 8,
  templateQualityShare: 0.5,
  maxKeptViews: 12,
  minViewMatchesWithoutTemplate: 2,
  strongViewMargin: 0.1,
});

export interface VisitVerdict {
  personId: number | null;
  /** The template's similarity to the named person (or the best view's when named by views); for unknown, the best similarity seen. */
  score: number | null;
  /** Why, in a word (tests and logs). */
  reason: 'no-evidence' | 'template' | 'views' | 'kept' | 'conflict' | 'too-weak';
}

interface PersonTally {
  matches: number;
  bestScore: number;
}

export class VisitEvidence {
  private readonly kept: FaceView[] = [];
  private readonly tallies = new Map<number, PersonTally>();
  private usable = 0;
  private bestUnknownScore: number | null = null;

  constructor(readonly policy: VisitEvidencePolicy = DEFAULT_VISIT_EVIDENCE_POLICY) {}

  /** Views that counted as evidence (long enough embeddings), all of them, not only those kept. */
  get usableViews(): number {
    return this.usable;
  }

  /** The kept usable views, best quality first. */
  get views(): readonly FaceView[] {
    return this.kept;
  }

  /** Adds one view; returns whether it counted as evidence. */
  add(view: FaceView): boolean {
    if (!(view.faceNorm >= this.policy.minFaceNorm)) return false;
    this.usable++;
    const { decision } = view;
    if (decision.kind === 'match') {
      const tally = this.tallies.get(decision.personId) ?? { matches: 0, bestScore: -1 };
      tally.matches++;
      tally.bestScore = Math.max(tally.bestScore, decision.score);
      this.tallies.set(decision.personId, tally);
    } else if (decision.bestScore !== null) {
      this.bestUnknownScore = Math.max(this.bestUnknownScore ?? -1, decision.bestScore);
    }
    this.kept.push(view);
    this.sortKept();
    return true;
  }

  /** Takes in another visit's evidence (a broken track re-linked to this visit). */
  absorb(other: VisitEvidence): void {
    this.kept.push(...other.kept);
    this.sortKept();
    this.usable += other.usable;
    for (const [personId, tally] of other.tallies) {
      const mine = this.tallies.get(personId) ?? { matches: 0, bestScore: -1 };
      mine.matches += tally.matches;
      mine.bestScore = Math.max(mine.bestScore, tally.bestScore);
      this.tallies.set(personId, mine);
    }
    if (other.bestUnknownScore !== null) this.bestUnknownScore = Math.max(this.bestUnknownScore ?? -1, other.bestUnknownScore);
  }

  private sortKept(): void {
    const weight = (v: FaceView) => viewWeight(v, this.policy);
    this.kept.sort((a, b) => weight(b) - weight(a));
    if (this.kept.length > this.policy.maxKeptViews) this.kept.length = this.policy.maxKeptViews;
  }

  /** Weighted mean of the best views, L2-normalised; null without usable views. */
  template(): Float32Array | null {
    return weightedTemplate(this.kept, this.policy);
  }

  /** Confident single-view matches of a person so far. */
  matchesOf(personId: number): number {
    return this.tallies.get(personId)?.matches ?? 0;
  }

  /**
   * The verdict, given the gallery's decision on template() and the current name (for
   * stability). `eligible` filters out people who may no longer be named (erased, deactivated).
   */
  verdict(templateDecision: MatchDecision | null, current: number | null, threshold: number, eligible: (personId: number) => boolean = () => true): VisitVerdict {
    return decideVisitIdentity(
      {
        usableViews: this.usable,
        tallies: [...this.tallies].filter(([personId]) => eligible(personId)).map(([personId, t]) => ({ personId, ...t })),
        bestUnknownScore: this.bestUnknownScore,
        templateDecision: templateDecision && templateDecision.kind === 'match' && !eligible(templateDecision.personId) ? null : templateDecision,
        current: current !== null && eligible(current) ? current : null,
      },
      this.policy,
      threshold,
    );
  }
}

/** How much one view counts, per the policy's weighting (0 or more). */
export function viewWeight(view: FaceView, policy: Pick<VisitEvidencePolicy, 'viewWeighting' | 'minFaceNorm'>): number {
  const strength = Math.max(0, view.faceNorm - policy.minFaceNorm);
  switch (policy.viewWeighting) {
    case 'norm':
      return strength;
    case 'quality-norm':
      return view.quality * strength;
    default:
      return view.quality;
  }
}

export function weightedTemplate(
  views: readonly FaceView[],
  policy: Pick<VisitEvidencePolicy, 'maxTemplateViews' | 'templateQualityShare'> & Partial<Pick<VisitEvidencePolicy, 'viewWeighting' | 'minFaceNorm'>>,
): Float32Array | null {
  if (views.length === 0) return null;
  const weighting = { viewWeighting: policy.viewWeighting ?? 'quality', minFaceNorm: policy.minFaceNorm ?? 0 };
  const weighted = views.map((view) => ({ view, weight: viewWeight(view, weighting) })).sort((a, b) => b.weight - a.weight);
  const best = weighted[0]!.weight;
  const chosen = weighted.filter((w) => w.weight >= best * policy.templateQualityShare).slice(0, policy.maxTemplateViews);
  const dimension = chosen[0]!.view.embedding.length;
  const sum = new Float32Array(dimension);
  for (const { view, weight: raw } of chosen) {
    // A weightless view still counts a little, so a template of only such views exists.
    const weight = Math.max(raw, 1e-3);
    for (let i = 0; i < dimension; i++) sum[i]! += weight * view.embedding[i]!;
  }
  let norm = 0;
  for (let i = 0; i < dimension; i++) norm += sum[i]! * sum[i]!;
  norm = Math.sqrt(norm);
  if (!(norm > 0)) return null;
  for (let i = 0; i < dimension; i++) sum[i]! /= norm;
  return sum;
}

export interface IdentityInputs {
  usableViews: number;
  /** Confident single-view matches per person. */
  tallies: ReadonlyArray<{ personId: number; matches: number; bestScore: number }>;
  bestUnknownScore: number | null;
  templateDecision: MatchDecision | null;
  /** The name the visit has now (null: unknown). */
  current: number | null;
}

/** The rule of the module comment, on plain numbers. */
export function decideVisitIdentity(inputs: IdentityInputs, policy: VisitEvidencePolicy, threshold: number): VisitVerdict {
  const { tallies, templateDecision, current } = inputs;
  if (inputs.usableViews === 0) return { personId: null, score: null, reason: 'no-evidence' };
  const matchesOf = (personId: number) => tallies.find((t) => t.personId === personId)?.matches ?? 0;
  const mostMatchesOtherThan = (personId: number) => Math.max(0, ...tallies.filter((t) => t.personId !== personId).map((t) => t.matches));
  const templateScore = templateDecision?.kind === 'match' ? templateDecision.score : (templateDecision?.bestScore ?? null);
  const unknownScore = maxOrNull(templateScore, inputs.bestUnknownScore, ...tallies.map((t) => t.bestScore));

  let candidate: VisitVerdict | null = null;
  if (templateDecision?.kind === 'match') {
    const p = templateDecision.personId;
    if (matchesOf(p) >= mostMatchesOtherThan(p)) candidate = { personId: p, score: templateDecision.score, reason: 'template' };
  } else {
    const withMatches = tallies.filter((t) => t.matches > 0);
    if (withMatches.length === 1) {
      const only = withMatches[0]!;
      if (only.matches >= policy.minViewMatchesWithoutTemplate || only.bestScore >= threshold + policy.strongViewMargin) {
        candidate = { personId: only.personId, score: only.bestScore, reason: 'views' };
      }
    }
  }

  if (current !== null && (candidate === null || candidate.personId !== current)) {
    // Stay with the current name unless another person now has more confident matches (the
    // template matching someone counts as one of theirs): a template that drifts under the
    // threshold, or one stray view of someone else, does not unname a visit.
    const challenger = candidate?.personId ?? null;
    const templatePerson = templateDecision?.kind === 'match' ? templateDecision.personId : null;
    const evidenceOf = (personId: number) => matchesOf(personId) + (personId === templatePerson ? 1 : 0);
    const strongestOther = Math.max(0, ...[...new Set([...tallies.map((t) => t.personId), ...(templatePerson !== null ? [templatePerson] : [])])].filter((id) => id !== current).map(evidenceOf));
    // A challenger must beat the current name on confident views alone (its template match does not count twice).
    const keep = challenger === null ? evidenceOf(current) >= strongestOther : matchesOf(challenger) <= evidenceOf(current);
    if (keep) {
      const tally = tallies.find((t) => t.personId === current);
      const score = templateDecision?.kind === 'match' && templateDecision.personId === current ? templateDecision.score : (tally?.bestScore ?? null);
      return { personId: current, score, reason: 'kept' };
    }
  }
  if (candidate) return candidate;
  const conflict = tallies.filter((t) => t.matches > 0).length >= 2 || (templateDecision?.kind === 'match' && tallies.some((t) => t.matches > 0));
  return { personId: null, score: unknownScore, reason: conflict ? 'conflict' : 'too-weak' };
}

function maxOrNull(...values: Array<number | null>): number | null {
  let best: number | null = null;
  for (const v of values) if (v !== null && (best === null || v > best)) best = v;
  return best;
}
