/**
 * `npm run eval -- walkthrough`: the live path measured end to end on a
 * synthetic CCTV walk-through (src-main/engine/evaluation/walkthrough/): a
 * seeded scene is planned and rendered (LFW faces walking over vtest.avi,
 * blur, exposure, noise, H.264), its members are enrolled from other photos
 * in a fresh data folder, the video goes through `process-video`'s own code
 * (runVideo), and what the pipeline saw and wrote is scored against the
 * ground truth. A new seed is a scene never seen: people, paths and looks all
 * change with it.
 */
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { LOCAL_OPERATOR } from '../engine/api/dispatcher.js';
import { VigilError } from '../engine/errors.js';
import { Engine } from '../engine/engine.js';
import { lfwImagesDir, listLfwPeople } from '../engine/evaluation/lfw-files.js';
import {
  planWalkthrough,
  renderWalkthrough,
  scoreWalkthrough,
  type WalkthroughMetrics,
  type WalkthroughObserved,
  type VisitDetail,
  type WalkthroughGroundTruth,
  type WalkthroughOptions,
  type WalkthroughPlan,
} from '../engine/evaluation/walkthrough/index.js';
import { runVideo } from './process-video.js';

export interface WalkthroughCommandOptions {
  seeds: number[];
  json: boolean;
  lfwDir: string;
  modelsDir: string;
  detectorId?: string;
  embedderId?: string;
  /** Scene size overrides (default: the planner's: 60 members, 120 member visits, 100 strangers, ...). */
  scene: Omit<WalkthroughOptions, 'seed'>;
  details: boolean;
  /** Writes one JSON line per written visit here (ground truth, name given, template's best gallery scores): calibration data. */
  dumpVisits?: string;
  /** Video settings (default: the renderer's: crf 23, noise 4). */
  render: { crf?: number; noise?: number };
  /** Where rendered videos are cached (default ~/.cache/vigil-eval/walkthrough). */
  cacheDir?: string;
}

/**
 * Rendered scenes are kept between runs (a full scene takes minutes): in the user's cache folder,
 * not in node_modules (npm ci would throw them away).
 */
export function walkthroughCacheDir(): string {
  return join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'vigil-eval', 'walkthrough');
}

/** The issue's targets, checked on every seed. */
export const WALKTHROUGH_TARGETS = {
  member_visit_recall: { atLeast: 0.95 },
  false_names: { atMost: 0 },
  stranger_visits_falsely_named: { atMost: 0.01 },
  sightings_per_visit: { atMost: 1.2 },
  recurring_strangers_linked: { atLeast: 1 },
} as const;

export function targetsMet(metrics: WalkthroughMetrics): Record<keyof typeof WALKTHROUGH_TARGETS, boolean> {
  const result = {} as Record<keyof typeof WALKTHROUGH_TARGETS, boolean>;
  for (const [key, target] of Object.entries(WALKTHROUGH_TARGETS) as Array<[keyof typeof WALKTHROUGH_TARGETS, { atLeast?: number; atMost?: number }]>) {
    const value = metrics[key];
    result[key] = value === null ? true : target.atLeast !== undefined ? value >= target.atLeast : value <= target.atMost!;
  }
  return result;
}

const round = (v: number | null) => (v === null ? null : Math.round(v * 10000) / 10000);

/** What a measurement run after the video sees: the engine as the video left it (clusters, sightings), the scene and who was enrolled. */
export interface WalkthroughAfterRun {
  engine: Engine;
  plan: WalkthroughPlan;
  groundTruth: WalkthroughGroundTruth;
  imagesDir: string;
  /** Enrolled person id -> the plan's member key. */
  keyOfPerson: Map<number, string>;
  /** Per ground-truth visit: the sightings and clusters the pipeline gave it. */
  visits: VisitDetail[];
}

export async function runSeed(
  seed: number,
  options: WalkthroughCommandOptions,
  afterRun?: (context: WalkthroughAfterRun) => Promise<Record<string, unknown>>,
): Promise<Record<string, unknown>> {
  const imagesDir = lfwImagesDir(options.lfwDir);
  const plan = planWalkthrough(listLfwPeople(imagesDir), { ...options.scene, seed });
  const cacheDir = options.cacheDir ?? walkthroughCacheDir();
  mkdirSync(cacheDir, { recursive: true });
  let lastProgress = 0;
  const rendered = await renderWalkthrough(plan, {
    outDir: cacheDir,
    lfwImagesDir: imagesDir,
    modelsDir: options.modelsDir,
    crf: options.render.crf,
    noise: options.render.noise,
    onProgress: ({ frame, frames }) => {
      const now = Date.now();
      if (now - lastProgress < 5000 && frame < frames) return;
      lastProgress = now;
      process.stderr.write(`eval walkthrough seed ${seed}: rendering ${frame}/${frames} frames\n`);
    },
  });
  process.stderr.write(
    `eval walkthrough seed ${seed}: ${rendered.cached ? 'cached video' : `rendered in ${(rendered.renderMs / 1000).toFixed(0)} s`}: ${basename(rendered.videoPath)} (${plan.durationS.toFixed(0)} s)\n`,
  );

  const dataDir = mkdtempSync(join(tmpdir(), 'vigil-eval-walkthrough-'));
  const engine = await Engine.open({ dataDir, modelsDir: options.modelsDir, detectorId: options.detectorId, embedderId: options.embedderId });
  try {
    // Members are enrolled from photos that never appear in the video, as an HR desk would.
    const keyOfPerson = new Map<number, string>();
    const notEnrolled = new Set<string>();
    for (const member of plan.members) {
      try {
        const result = await engine.peopleService.enroll(
          {
            record: { name: member.lfwName.replace(/_/g, ' '), employeeCode: null, department: null, category: 'employee', notes: null },
            consent: { textVersion: engine.consentTextVersion },
            photos: member.enrollPhotos.map((p) => ({ fileName: basename(p), bytes: readFileSync(join(imagesDir, p)) })),
          },
          // Look-alikes among LFW people are enrolled anyway: the gallery is the site's, not ours to judge.
          { allowFewerPhotos: true, minPhotos: 1, overrideDuplicate: true },
          LOCAL_OPERATOR,
        );
        if (result.person) keyOfPerson.set(result.person.id, member.key);
        else notEnrolled.add(member.key);
      } catch (error) {
        // Photos without a usable face are a fact of LFW; anything else (models, database) is a failed run.
        if (!(error instanceof VigilError) || !['NOT_ENOUGH_PHOTOS', 'NO_FACE', 'IMAGE_UNREADABLE'].includes(error.code)) throw error;
        notEnrolled.add(member.key);
      }
    }
    if (keyOfPerson.size < plan.members.length / 2) {
      throw new VigilError('INTERNAL', `only ${keyOfPerson.size} of ${plan.members.length} members could be enrolled: the scene would not measure recognition`);
    }
    // A walking member whose photos could not be enrolled is a stranger to the system.
    const groundTruth = {
      ...rendered.groundTruth,
      visits: rendered.groundTruth.visits.map((v) => (v.kind === 'member' && notEnrolled.has(v.identityKey) ? { ...v, kind: 'stranger' as const } : v)),
    };
    process.stderr.write(`eval walkthrough seed ${seed}: ${keyOfPerson.size} people enrolled (${notEnrolled.size} without a usable photo); processing the video\n`);

    const observed: WalkthroughObserved = { frames: [], sightings: [] };
    const closedVisits: Array<{ sightingId: number; personId: number | null; reason: string; usableViews: number; top: Array<{ key: string | null; score: number }> }> = [];
    const run = await runVideo(engine, rendered.videoPath, {
      onVisitClosed: options.dumpVisits
        ? (visit) => {
            const top = visit.template === null ? [] : engine.galleryCandidates(visit.template).slice(0, 10).map((c) => ({ key: keyOfPerson.get(c.personId) ?? null, score: Math.round(c.score * 1e4) / 1e4 }));
            closedVisits.push({ sightingId: visit.sightingId, personId: visit.personId, reason: visit.reason, usableViews: visit.usableViews, top });
          }
        : undefined,
      unthrottled: false,
      realtime: false,
      fps: 10,
      onAnalysed: (frame) => {
        observed.frames.push({
          ptsS: frame.ptsS ?? frame.timeS,
          faces: frame.faces
            .filter((f) => f.trackId !== null)
            .map((f) => ({ trackId: f.trackId!, sightingId: f.sightingId, box: f.box, personId: f.personId, embedding: f.view?.embedding })),
        });
      },
    });
    if (run.failure !== null) throw new VigilError('IMAGE_UNREADABLE', `the rendered video broke off while being processed: ${run.failure}`);
    observed.sightings = run.sightings.map((s) => ({
      id: s.id,
      personId: s.personId,
      status: s.status,
      clusterId: s.clusterId,
      videoStartS: s.videoStartS,
      videoEndS: s.videoEndS,
      frames: s.frames,
    }));
    // A view is "recognisable" when the gallery, on that view alone, names the member it shows.
    const personOfKey = new Map([...keyOfPerson].map(([personId, key]) => [key, personId]));
    const recognisable = (key: string, embedding: Float32Array) => {
      const decision = engine.identifyEmbedding(embedding);
      return decision.kind === 'match' && decision.personId === personOfKey.get(key);
    };
    const metrics = scoreWalkthrough(groundTruth, observed, (personId) => keyOfPerson.get(personId) ?? null, { details: options.details || options.dumpVisits !== undefined || afterRun !== undefined, recognisable });
    const { visits: visitDetails, spurious, ...figures } = metrics;
    if (options.dumpVisits) writeVisitDump(options.dumpVisits, seed, closedVisits, visitDetails ?? [], keyOfPerson);
    if (afterRun) return { seed, ...(await afterRun({ engine, plan, groundTruth, imagesDir, keyOfPerson, visits: visitDetails ?? [] })) };
    return {
      seed,
      scene: { shutter_s: plan.visits[0] ? Math.round((plan.visits[0].look.motionBlurPx / plan.visits[0].speedPxPerS) * 1e4) / 1e4 : null, crf: options.render.crf ?? 23, noise: options.render.noise ?? 4 },
      embedder: engine.embedderId,
      detector: engine.detectorId,
      ...Object.fromEntries(Object.entries(figures).map(([k, v]) => [k, typeof v === 'number' ? round(v) : v])),
      targets_met: targetsMet(metrics),
      video_seconds: Math.round(plan.durationS * 10) / 10,
      members_enrolled: keyOfPerson.size,
      members_not_enrolled: notEnrolled.size,
      pipeline: {
        frames: run.stats.framesProcessed,
        tracks: run.stats.tracksStarted,
        embeddings: run.stats.embeddings,
        visits_written: run.stats.visitsWritten,
        visits_dropped: run.stats.visitsDropped,
        visit_joins: run.stats.visitJoins,
        scene_cuts: run.stats.sceneCuts,
        frames_per_second: Math.round((run.stats.framesProcessed / run.elapsedSeconds) * 10) / 10,
      },
      ...(options.details ? { visits: visitDetails, spurious } : {}),
    };
  } finally {
    await engine.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** See WalkthroughCommandOptions.dumpVisits: each written visit with the ground-truth visit most of its faces belong to. */
function writeVisitDump(
  path: string,
  seed: number,
  closed: ReadonlyArray<{ sightingId: number; personId: number | null; reason: string; usableViews: number; top: Array<{ key: string | null; score: number }> }>,
  visits: readonly VisitDetail[],
  keyOfPerson: ReadonlyMap<number, string>,
): void {
  const truthOf = new Map<number, VisitDetail>();
  for (const visit of visits) for (const sightingId of visit.sightings) truthOf.set(sightingId, visit);
  const lines = closed.map((c) => {
    const truth = truthOf.get(c.sightingId);
    return JSON.stringify({
      seed,
      sightingId: c.sightingId,
      truthKind: truth?.kind ?? 'spurious',
      truthKey: truth?.identityKey ?? null,
      truthVisit: truth?.visitId ?? null,
      named: c.personId === null ? null : (keyOfPerson.get(c.personId) ?? null),
      reason: c.reason,
      usableViews: c.usableViews,
      top: c.top,
    });
  });
  appendFileSync(path, lines.length > 0 ? `${lines.join('\n')}\n` : '');
}

export async function walkthroughCommand(options: WalkthroughCommandOptions): Promise<void> {
  const results: Array<Record<string, unknown>> = [];
  for (const seed of options.seeds) {
    const result = await runSeed(seed, options);
    results.push(result);
    if (options.json) process.stdout.write(`${JSON.stringify(result)}\n`);
    else {
      const pct = (v: unknown) => (typeof v === 'number' ? `${(v * 100).toFixed(1)} %` : 'n/a');
      const met = result.targets_met as Record<string, boolean>;
      const mark = (key: string) => (met[key] ? '' : '  ✗');
      console.log(
        [
          `walk-through seed ${seed} (${String(result.video_seconds)} s of video, ${String(result.member_visits)} member visits, ${String(result.stranger_visits)} stranger visits):`,
          `  member visits named        ${pct(result.member_visit_recall)}${mark('member_visit_recall')}`,
          `  false names                ${String(result.false_names)}${mark('false_names')}`,
          `  stranger visits named      ${pct(result.stranger_visits_falsely_named)}${mark('stranger_visits_falsely_named')}`,
          `  sightings per visit        ${String(result.sightings_per_visit)}${mark('sightings_per_visit')}`,
          `  returning strangers linked ${pct(result.recurring_strangers_linked)}${mark('recurring_strangers_linked')}`,
          `  identity switches          ${String(result.identity_switches)}`,
        ].join('\n'),
      );
    }
  }
}
