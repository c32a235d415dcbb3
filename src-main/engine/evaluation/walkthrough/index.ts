/**
 * The walk-through evaluation's building blocks:
 *   planWalkthrough   (pure)  a seeded scene: roles, visits, paths, photos, looks
 *   renderWalkthrough (I/O)   the video (vtest.avi background, LFW faces, noise, H.264) + ground truth
 *   scoreWalkthrough  (pure)  the pipeline's frames and sightings against the ground truth
 */
export {
  buildGroundTruth,
  type GroundTruthBox,
  type GroundTruthOptions,
  type GroundTruthVisit,
  type NonFaceSpec,
  type NonFaceStyle,
  type PathKey,
  type PathKind,
  type PersonImages,
  planWalkthrough,
  type PlannedMember,
  type PlannedStranger,
  type PlannedVisit,
  type TimeSpan,
  type VisitKind,
  type VisitLook,
  type WalkthroughGroundTruth,
  type WalkthroughOptions,
  type WalkthroughPlan,
} from './scene-plan.js';
export { defaultBackgroundPath, type RenderOptions, type RenderProgress, type RenderResult, renderWalkthrough, walkthroughPlanHash } from './render.js';
export {
  type ObservedFace,
  type ObservedFrame,
  type ObservedSighting,
  type ScoredGroundTruth,
  type ScoreOptions,
  scoreWalkthrough,
  type SpuriousDetail,
  type VisitDetail,
  type WalkthroughMetrics,
  type WalkthroughObserved,
} from './metrics.js';
