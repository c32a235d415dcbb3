#!/usr/bin/env node
/**
 * Accuracy evaluation of the recognition models on LFW, through the app's own
 * detect -> align -> embed path.
 *   npm run eval -- lfw [options]       standard LFW View 2 verification (10-fold)
 *   npm run eval -- openset [options]   open-set identification: gallery of LFW people vs strangers
 *   npm run eval -- unknowns [options]  clustering of strangers seen repeatedly (pairwise precision/recall)
 * Protocol code: src-main/engine/evaluation/ (pure parts tested in test/unit/evaluation-*.test.ts).
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { VigilError, toErrorPayload } from '../engine/errors.js';
import type { EmbedVariant } from '../engine/evaluation/embed-protocol.js';
import { type EmbedProgress, type EmbedRunResult, embedImages } from '../engine/evaluation/embedding-runner.js';
import { firstFolds, lfwImagePath, uniqueImages } from '../engine/evaluation/lfw-pairs.js';
import { defaultLfwDir, lfwImagesDir, listLfwPeople, missingImages, readLfwPairs } from '../engine/evaluation/lfw-files.js';
import { splitOpenSet, thresholdGrid, type OpenSetRates } from '../engine/evaluation/open-set.js';
import { chooseDuplicateThreshold, duplicateRates, quantile, scoreDuplicates, splitDuplicateEval } from '../engine/evaluation/duplicates.js';
import { evaluateLfw, evaluateOpenSet, scorePairs } from '../engine/evaluation/protocols.js';
import {
  chooseJoinThreshold,
  clusterStream,
  shuffled,
  splitUnknownsEval,
  type StreamSighting,
  sweepJoinThreshold,
} from '../engine/evaluation/unknowns-stream.js';
import { DEFAULT_MAX_FACES_PER_CLUSTER, DEFAULT_MIN_CLUSTER_QUALITY } from '../engine/unknowns/clustering.js';
import { type EmbedderManifest, findModel, loadManifest, type Manifest, verifyInstalledModel } from '../engine/models/manifest.js';
import { defaultModelsDir, manifestPath } from '../engine/paths.js';
import { facenessCommand } from './eval-faceness.js';
import { walkthroughCommand, type WalkthroughCommandOptions } from './eval-walkthrough.js';
import { searchEvalCommand } from './eval-search.js';

const USAGE = `Usage: npm run eval -- <lfw|openset|unknowns|duplicates|faceness|walkthrough|search> [options]

Commands:
  lfw        LFW View 2 verification: 10-fold accuracy (threshold chosen on the
             other 9 folds), TAR at FAR=1e-3, photos without a detected face
  openset    Open-set identification: a gallery of LFW people (3 photos each)
             against their other photos and against strangers; TPIR/FPIR sweep
  unknowns   Recurring-unknown clustering: photos of people who are not enrolled
             arrive as a shuffled stream of sightings and are clustered with the
             app's rule; pairwise precision/recall, join-threshold sweep, held-out check
  walkthrough The live path on a seeded synthetic CCTV walk-through (LFW
             faces walking over vtest.avi, blur, exposure, noise, H.264):
             member visits named, false names, strangers named, sightings per
             visit, returning strangers linked, identity switches
  search     Search by face on a walk-through (same scene options): photos neither
             enrolled nor shown of members (member_rank1: first candidate), of
             strangers the video clustered (stranger_rank1), and of people who
             never appeared (absent_no_match: nobody listed)
  faceness   Raw embedding length of faces, small (CCTV-sized) faces, blurred
             faces and non-faces (beside the face; CCTV scenery): the threshold
             under which a view is no usable face (manifest faceNormThreshold)
  duplicates Enrollment duplicate check: every LFW person enrolled into a gallery
             of everybody else; distributions of the highest different-person
             score and of same-person re-enrollment scores; duplicate threshold

Options:
  --json                    one JSON object per evaluated embedder on stdout
                            (progress goes to stderr either way)
  --embedder <id|all>       embedder from models/manifest.json (default: all)
  --detector <id>           detector (default: the manifest's default)
  --models <dir>            model folder (default: the installed pack)
  --channel-order <order>   manifest | RGB | BGR | both: the embedders' input
                            channel order (default: manifest)
  --lfw <dir>               LFW folder with pairs.txt and images/
                            (default: ../shared/data/lfw; VIGIL_SHARED moves ../shared)
  --workers <n>             worker threads (default: one per core)
lfw:
  --limit-folds <n>         evaluate the first n folds only (2..10; quick runs)
openset:
  --members <n>             gallery size (default 300)
  --photos-per-member <n>   enrollment photos per member (default 3)
  --max-probes <n>          probe photos per member at most (default 10)
  --strangers <n>           stranger probes (default: every person with
                            1..photos-per-member photos, first photo each)
  --margin <x>              the app's margin rule: best - second >= margin (default 0.03)
  --max-fpir <x>            FPIR bound for the recommended threshold (default 0.01)
faceness:
  --photos <n>              LFW photos (one per person, evenly spaced; default 400)
walkthrough:
  --seed <n> | --seeds a,b  scene seed(s) (default 1); a new seed is a scene never
                            seen (other people, paths, looks)
  --walkers <n>             enrolled members who walk by (default 60)
  --member-visits <n>       their visits in all (default 120)
  --stranger-count <n>      strangers who walk by (default 100; 30 % come back)
  --gallery-distractors <n> enrolled people who never appear (default 100)
  --non-faces <n>           hands and blurs moving like people (default 15)
  --shutter <s>             exposure time: motion blur = speed x shutter (default 0.01,
                            a camera set up for faces; 0.025 = slow auto shutter)
  --crf <n>                 H.264 quality (default 23, ~1 Mbit/s; 28 = a starved stream)
  --noise <n>               sensor noise strength (default 4)
  --details                 per-visit details in the JSON
  --dump-visits <file>      one JSON line per written visit (its ground truth, the name
                            given, and its template's best gallery scores) for calibration
search:
  --absent <n>              probes of people who never appeared (default 100)
  --probes-per-stranger <n> photos the video never shows searched per clustered stranger
                            (default 1); more probes from the same scene, no new render
  --stranger-min-photos <n> strangers are people with at least n photos (search: default
                            6, so one-time strangers have photos the video never shows)
duplicates:
  --photos-per-set <n>      photos per enrollment (default 3)
  --max-impostor-rate <x>   share of different-person enrollments the threshold may
                            refuse on the calibration half (default 0.005)
  --safety <x>              added to that lowest threshold (default 0.02)
unknowns:
  --identities <n>          people per set (calibration and held-out; default 400)
  --max-photos <n>          photos per person at most (default 6)
  --min-precision <x>       precision bound for the recommended join threshold (default 0.98)

Method:
  Every photo goes through the app's own path (FaceAnalyzer: detector ->
  ArcFace 5-point alignment -> embedder), once per photo and embedder. The
  face nearest the image centre is used; with none, detection is retried at
  score 0.3; with still none the photo counts as no_face and is aligned with
  the mean landmarks of the faces found in the same run.
  lfw: cosine similarity per pair; for each fold, the threshold that maximises
  accuracy on the other folds (same person <=> score >= threshold) is applied
  to that fold; accuracy = mean and population std over the folds.
  TAR at FAR=1e-3 pools all folds: with N impostor pairs the threshold is the
  (floor(N/1000)+1)-th highest impostor score (the 4th of 3,000) and a pair is
  accepted when strictly above it.
  openset: members = people with > photos-per-member photos, sorted by name,
  evenly spaced; each enrolled from their first photos; probes = their next
  photos (capped) + strangers. A probe is named by the app's rule
  (decideMatch: best >= threshold and best - runner-up >= margin) against each
  member's centroid (as the app does) or best single template. TPIR = member
  probes named correctly; FPIR = strangers named as anyone; the reported
  threshold is the grid point (0.10..0.80, step 0.01) with FPIR <= max-fpir
  and the highest TPIR; "heldout" chooses it on half the probes and measures
  it on the other half.
  unknowns: people with 2+ photos, sorted by name, alternate ones to a
  calibration and a held-out set (each evenly thinned to --identities); each
  set is one stream of sightings (a photo = one visit, seeded shuffle), photos
  without a detected face left out (a camera would not see them). Each
  sighting joins the nearest cluster (max of cosine to centroid and to its
  best kept faces) if >= the join threshold, else starts one; 5 best faces
  kept per cluster, quality = detection score. Pairwise precision = pairs in
  one cluster that are one person; recall = pairs of one person put in one
  cluster. Main keys: calibration set at the manifest's unknownJoinThreshold;
  heldout_*: the other set at the same threshold; recommended_threshold: best
  recall on the calibration sweep (0.30..0.60) with precision >= --min-precision.
  duplicates: every LFW person (sorted by name, alternately calibration and
  held-out) is enrolled from their first photos (min(photos-per-set, half));
  those with more photos try to enrol again with the next ones. The app's rule
  scores each new photo against every enrolled person's centroid, highest
  wins. genuine = the second enrollment against their own first one;
  impostor = its highest score against anyone else. The duplicate threshold
  is the lowest grid point (0.30..0.95, step 0.01) refusing at most
  --max-impostor-rate of the different-person enrollments on the calibration
  half, plus --safety; measured on the held-out half. Every different-person
  pair above it is listed (LFW files some people under two spellings of their
  name, and has twins: such pairs are expected at the top).
`;

/** Score threshold of the second detection attempt when the detector's own finds no face. */
const LOW_SCORE_THRESHOLD = 0.3;

interface Values {
  json: boolean;
  embedder: string;
  absent?: string;
  'probes-per-stranger'?: string;
  'stranger-min-photos'?: string;
  detector?: string;
  models?: string;
  'channel-order': string;
  lfw?: string;
  workers?: string;
  'limit-folds'?: string;
  members: string;
  'photos-per-member': string;
  'max-probes': string;
  strangers?: string;
  margin: string;
  'max-fpir': string;
  identities: string;
  'max-photos': string;
  'min-precision': string;
  photos?: string;
  seed?: string;
  seeds?: string;
  walkers?: string;
  'member-visits'?: string;
  'stranger-count'?: string;
  'gallery-distractors'?: string;
  'non-faces'?: string;
  details?: boolean;
  'dump-visits'?: string;
  shutter?: string;
  crf?: string;
  noise?: string;
  'photos-per-set': string;
  safety: string;
  'max-impostor-rate': string;
}

function usageError(message: string): VigilError {
  return new VigilError('BAD_REQUEST', `${message}\n\n${USAGE}`);
}

function intOption(values: Values, name: keyof Values, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (typeof raw !== 'string' || !/^\d+$/.test(raw) || value < min || value > max) {
    throw new VigilError('BAD_REQUEST', `--${name} must be a whole number from ${min}${max < Number.MAX_SAFE_INTEGER ? ` to ${max}` : ''}, got "${String(raw)}"`);
  }
  return value;
}

function numberOption(values: Values, name: keyof Values, min: number, max: number): number {
  const raw = String(values[name]);
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || value < min || value > max) {
    throw new VigilError('BAD_REQUEST', `--${name} must be a number from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

const r5 = (v: number) => Math.round(v * 1e5) / 1e5;
const r4 = (v: number) => Math.round(v * 1e4) / 1e4;
const pct = (v: number, digits = 2) => `${(v * 100).toFixed(digits)}%`;

/** The embedder variants to evaluate: each embedder in each requested channel order. */
function resolveVariants(manifest: Manifest, embedder: string, channelOrder: string): EmbedVariant[] {
  const embedders: EmbedderManifest[] =
    embedder === 'all'
      ? manifest.models.filter((m): m is EmbedderManifest => m.role === 'embedder')
      : [findModel(manifest, embedder, 'embedder')];
  const order = channelOrder.toUpperCase();
  if (!['MANIFEST', 'RGB', 'BGR', 'BOTH'].includes(order)) {
    throw new VigilError('BAD_REQUEST', `--channel-order must be manifest, RGB, BGR or both, got "${channelOrder}"`);
  }
  return embedders.flatMap((entry) => {
    const orders: Array<'RGB' | 'BGR'> = order === 'MANIFEST' ? [entry.input.channelOrder] : order === 'BOTH' ? ['RGB', 'BGR'] : [order as 'RGB' | 'BGR'];
    return orders.map((channelOrder) => ({
      embedderId: entry.id,
      channelOrder,
      manifest:
        channelOrder === entry.input.channelOrder
          ? manifest
          : { ...manifest, models: manifest.models.map((m) => (m.id === entry.id ? { ...m, input: { ...m.input, channelOrder } } : m)) },
    }));
  });
}

/** Checks every model file before starting workers, so a missing pack is one clear message. */
async function checkModels(manifest: Manifest, modelsDir: string, ids: string[]): Promise<void> {
  for (const id of new Set(ids)) {
    const model = manifest.models.find((m) => m.id === id)!;
    const problem = await verifyInstalledModel(modelsDir, model);
    if (problem) throw new VigilError(problem.code, problem.message);
  }
}

function progressReporter(label: string): (p: EmbedProgress) => void {
  const started = performance.now();
  let last = started;
  return ({ done, total, phase }) => {
    const now = performance.now();
    if (now - last < 3000 && done < total) return;
    last = now;
    const rate = done / Math.max(1e-3, (now - started) / 1000);
    const left = done < total ? `, ~${Math.ceil((total - done) / Math.max(rate, 1e-3))} s left` : '';
    const what = phase === 'detect-embed' ? 'photos embedded' : 'no-face photos re-embedded (template landmarks)';
    process.stderr.write(`eval ${label}: ${done}/${total} ${what} (${Math.round((100 * done) / total)}%, ${rate.toFixed(1)}/s${left})\n`);
  };
}

interface Setup {
  manifest: Manifest;
  modelsDir: string;
  detectorId: string;
  variants: EmbedVariant[];
  workers: number | undefined;
  lfwDir: string;
}

function setup(values: Values): Setup {
  const manifest = loadManifest(manifestPath());
  const detectorId = values.detector ?? manifest.defaults.detector;
  findModel(manifest, detectorId, 'detector');
  const variants = resolveVariants(manifest, values.embedder, values['channel-order']);
  return {
    manifest,
    modelsDir: values.models ?? defaultModelsDir(),
    detectorId,
    variants,
    workers: intOption(values, 'workers', 1, 64),
    lfwDir: values.lfw ?? defaultLfwDir(),
  };
}

async function embed(s: Setup, label: string, imagesDir: string, relativePaths: string[]): Promise<EmbedRunResult> {
  await checkModels(s.manifest, s.modelsDir, [s.detectorId, ...s.variants.map((v) => v.embedderId)]);
  process.stderr.write(
    `eval ${label}: ${relativePaths.length} photos; detector ${s.detectorId}; embedders ${s.variants.map((v) => `${v.embedderId}/${v.channelOrder}`).join(', ')}\n`,
  );
  const run = await embedImages({
    paths: relativePaths.map((p) => join(imagesDir, p)),
    variants: s.variants,
    modelsDir: s.modelsDir,
    detectorId: s.detectorId,
    workers: s.workers,
    lowScoreThreshold: LOW_SCORE_THRESHOLD,
    onProgress: progressReporter(label),
  });
  process.stderr.write(
    `eval ${label}: done in ${run.seconds.toFixed(1)} s with ${run.workers} worker${run.workers === 1 ? '' : 's'} ` +
      `(detect ${run.detectMsPerImage.toFixed(1)} ms/photo; align+embed ${run.embedMsPerImage.map((ms, v) => `${s.variants[v]!.embedderId}/${s.variants[v]!.channelOrder} ${ms.toFixed(1)}`).join(', ')} ms/photo, one thread)\n`,
  );
  const template = run.templateLandmarks.map(([x, y]) => `(${x.toFixed(4)}, ${y.toFixed(4)})`).join(' ');
  process.stderr.write(
    `eval ${label}: ${run.counts.noFace} photos without a detected face, aligned with the mean landmarks of the faces found (fractions of width, height): ${template}\n`,
  );
  return run;
}

function embeddingLookup(relativePaths: string[], run: EmbedRunResult, variant: number): (relativePath: string) => Float32Array {
  const index = new Map(relativePaths.map((p, i) => [p, i]));
  return (relativePath) => {
    const i = index.get(relativePath);
    const embedding = i === undefined ? undefined : run.results[i]?.embeddings[variant];
    if (!embedding) throw new Error(`no embedding for ${relativePath}`);
    return embedding;
  };
}

function commonKeys(s: Setup, run: EmbedRunResult, v: number) {
  const variant = s.variants[v]!;
  const entry = findModel(s.manifest, variant.embedderId, 'embedder');
  return {
    channel_order: variant.channelOrder,
    manifest_channel_order: entry.input.channelOrder,
    detector: s.detectorId,
    images: run.results.length,
    face_at_low_score: run.counts.faceLowScore,
    embed_ms_per_image: r4(run.embedMsPerImage[v] ?? 0),
    seconds: Math.round(run.seconds * 10) / 10,
  };
}

async function lfwCommand(values: Values): Promise<void> {
  const s = setup(values);
  const imagesDir = lfwImagesDir(s.lfwDir);
  let pairs = readLfwPairs(s.lfwDir);
  const limit = intOption(values, 'limit-folds', 2, pairs.folds);
  if (limit !== undefined) pairs = firstFolds(pairs, limit);
  const images = uniqueImages(pairs.pairs);
  const missing = missingImages(imagesDir, images);
  if (missing.length > 0) {
    throw new VigilError('NOT_FOUND', `${missing.length} photos named in pairs.txt are missing under ${imagesDir}, e.g. ${missing.slice(0, 3).join(', ')}`);
  }
  const run = await embed(s, 'lfw', imagesDir, images);
  s.variants.forEach((variant, v) => {
    const report = evaluateLfw(scorePairs(pairs.pairs, embeddingLookup(images, run, v)));
    const line = {
      model: variant.embedderId,
      lfw_accuracy: r5(report.accuracy),
      lfw_std: r5(report.std),
      'tar_at_far_1e-3': r5(report.tarAtFar1e3.tar),
      no_face: run.counts.noFace,
      ...commonKeys(s, run, v),
      pairs: report.pairs,
      folds: report.folds.length,
      best_threshold_mean: r4(report.meanThreshold),
      fold_thresholds: report.folds.map((f) => r4(f.threshold)),
      fold_accuracies: report.folds.map((f) => r4(f.accuracy)),
      'threshold_at_far_1e-3': r4(report.tarAtFar1e3.threshold),
      'impostors_accepted_at_far_1e-3': report.tarAtFar1e3.impostorsAccepted,
    };
    if (values.json) {
      process.stdout.write(`${JSON.stringify(line)}\n`);
      return;
    }
    console.log(
      [
        `${variant.embedderId} (${variant.channelOrder} input${variant.channelOrder === line.manifest_channel_order ? ', as in the manifest' : `, manifest says ${line.manifest_channel_order}`}):`,
        `  LFW accuracy ${(report.accuracy * 100).toFixed(2)}% ± ${(report.std * 100).toFixed(2)}% over ${report.folds.length} folds (${report.pairs} pairs); folds: ${report.folds.map((f) => (f.accuracy * 100).toFixed(1)).join(' ')}`,
        `  best threshold (chosen on the other folds): mean ${report.meanThreshold.toFixed(3)}, range ${Math.min(...line.fold_thresholds).toFixed(3)}..${Math.max(...line.fold_thresholds).toFixed(3)}`,
        `  TAR at FAR=1e-3: ${pct(report.tarAtFar1e3.tar)} (score > ${report.tarAtFar1e3.threshold.toFixed(3)}; ${report.tarAtFar1e3.impostorsAccepted} of ${report.pairs / 2} impostor pairs above)`,
        `  photos: ${line.images}; no face found: ${line.no_face} (aligned with template landmarks); found only at score >= ${LOW_SCORE_THRESHOLD}: ${line.face_at_low_score}`,
      ].join('\n'),
    );
  });
}

function rateKeys(prefix: string, rates: OpenSetRates | null) {
  return {
    [`${prefix}threshold`]: rates ? r4(rates.threshold) : null,
    [`${prefix}tpir`]: rates ? r5(rates.tpir) : null,
    [`${prefix}fpir`]: rates ? r5(rates.fpir) : null,
  };
}

async function opensetCommand(values: Values): Promise<void> {
  const s = setup(values);
  const members = intOption(values, 'members', 2)!;
  const photosPerMember = intOption(values, 'photos-per-member', 1)!;
  const maxProbes = intOption(values, 'max-probes', 1)!;
  const maxStrangers = intOption(values, 'strangers', 1);
  const margin = numberOption(values, 'margin', 0, 1);
  const maxFpir = numberOption(values, 'max-fpir', 0, 1);
  const imagesDir = lfwImagesDir(s.lfwDir);
  let split;
  try {
    split = splitOpenSet(listLfwPeople(imagesDir), { members, photosPerMember, maxProbesPerMember: maxProbes, maxStrangers });
  } catch (error) {
    if (error instanceof RangeError) throw new VigilError('BAD_REQUEST', error.message);
    throw error;
  }
  const images = [
    ...new Set([
      ...split.members.flatMap((m) => [...m.enroll, ...m.probes].map((index) => lfwImagePath({ name: m.name, index }))),
      ...split.strangers.map((st) => lfwImagePath(st)),
    ]),
  ];
  const run = await embed(s, 'openset', imagesDir, images);
  const thresholds = thresholdGrid(0.1, 0.8, 0.01);
  s.variants.forEach((variant, v) => {
    const lookup = embeddingLookup(images, run, v);
    const appThreshold = findModel(s.manifest, variant.embedderId, 'embedder').matchThreshold;
    const report = evaluateOpenSet(split, (name, index) => lookup(lfwImagePath({ name, index })), { margin, maxFpir, thresholds, appThreshold });
    const c = report.centroid, t = report.bestTemplate;
    const line = {
      model: variant.embedderId,
      members: report.members,
      member_probes: report.memberProbes,
      stranger_probes: report.strangerProbes,
      ...rateKeys('', c.chosen),
      wrong_member: c.chosen ? r5(c.chosen.wrongMember) : null,
      tpir_single_template: t.chosen ? r5(t.chosen.tpir) : null,
      fpir_single_template: t.chosen ? r5(t.chosen.fpir) : null,
      threshold_single_template: t.chosen ? r4(t.chosen.threshold) : null,
      margin,
      max_fpir: maxFpir,
      app_threshold: appThreshold,
      tpir_at_app_threshold: r5(c.atAppThreshold.tpir),
      fpir_at_app_threshold: r5(c.atAppThreshold.fpir),
      wrong_member_at_app_threshold: r5(c.atAppThreshold.wrongMember),
      tpir_single_template_at_app_threshold: r5(t.atAppThreshold.tpir),
      fpir_single_template_at_app_threshold: r5(t.atAppThreshold.fpir),
      tpir_no_margin: report.centroidNoMargin ? r5(report.centroidNoMargin.tpir) : null,
      fpir_no_margin: report.centroidNoMargin ? r5(report.centroidNoMargin.fpir) : null,
      ...rateKeys('heldout_', report.heldOut.measured),
      photos_per_member: photosPerMember,
      no_face: run.counts.noFace,
      ...commonKeys(s, run, v),
      sweep: c.sweep.map((row) => [row.threshold, r4(row.tpir), r4(row.fpir)]),
    };
    if (values.json) {
      process.stdout.write(`${JSON.stringify(line)}\n`);
      return;
    }
    const rows = c.sweep.filter((row) => Math.round(row.threshold * 100) % 2 === 0 && row.threshold >= 0.2 && row.threshold <= 0.7);
    const templateRows = new Map(t.sweep.map((row) => [row.threshold, row]));
    console.log(
      [
        `${variant.embedderId} (${variant.channelOrder} input): ${report.members} members x ${photosPerMember} photos; ${report.memberProbes} member probes, ${report.strangerProbes} stranger probes; margin ${margin}`,
        '  threshold   TPIR(centroid)  wrong   FPIR(centroid) | TPIR(best template)  FPIR(best template)',
        ...rows.map((row) => {
          const tr = templateRows.get(row.threshold)!;
          return `  ${row.threshold.toFixed(2).padStart(9)}   ${pct(row.tpir).padStart(14)}  ${pct(row.wrongMember).padStart(6)}  ${pct(row.fpir).padStart(14)} | ${pct(tr.tpir).padStart(19)}  ${pct(tr.fpir).padStart(19)}`;
        }),
        c.chosen
          ? `  best threshold with FPIR <= ${pct(maxFpir, 1)}: ${c.chosen.threshold.toFixed(2)} -> TPIR ${pct(c.chosen.tpir)}, FPIR ${pct(c.chosen.fpir)} (best single template: ${t.chosen ? `${t.chosen.threshold.toFixed(2)} -> TPIR ${pct(t.chosen.tpir)}, FPIR ${pct(t.chosen.fpir)}` : 'none'})`
          : `  no threshold on the grid keeps FPIR <= ${pct(maxFpir, 1)}`,
        report.heldOut.measured
          ? `  held-out check (threshold chosen on half the probes: ${report.heldOut.measured.threshold.toFixed(2)}): TPIR ${pct(report.heldOut.measured.tpir)}, FPIR ${pct(report.heldOut.measured.fpir)} on the other half`
          : '',
        `  at the app's threshold ${appThreshold}: TPIR ${pct(c.atAppThreshold.tpir)}, FPIR ${pct(c.atAppThreshold.fpir)}, wrong member ${pct(c.atAppThreshold.wrongMember)}`,
        `  photos: ${run.results.length}; no face found: ${run.counts.noFace} (aligned with template landmarks)`,
      ]
        .filter((l) => l !== '')
        .join('\n'),
    );
  });
}

async function unknownsCommand(values: Values): Promise<void> {
  const s = setup(values);
  const identities = intOption(values, 'identities', 2)!;
  const maxPhotos = intOption(values, 'max-photos', 2)!;
  const minPrecision = numberOption(values, 'min-precision', 0, 1);
  const imagesDir = lfwImagesDir(s.lfwDir);
  let split;
  try {
    split = splitUnknownsEval(listLfwPeople(imagesDir), { identities, maxPhotosPerIdentity: maxPhotos });
  } catch (error) {
    if (error instanceof RangeError) throw new VigilError('BAD_REQUEST', error.message);
    throw error;
  }
  const photosOf = (people: typeof split.calibration) => people.flatMap((p) => p.indices.map((index) => ({ name: p.name, path: lfwImagePath({ name: p.name, index }) })));
  const calibrationPhotos = photosOf(split.calibration), heldOutPhotos = photosOf(split.heldOut);
  const images = [...calibrationPhotos, ...heldOutPhotos].map((p) => p.path);
  const run = await embed(s, 'unknowns', imagesDir, images);
  const resultOf = new Map(images.map((path, i) => [path, run.results[i]!]));
  const thresholds = thresholdGrid(0.3, 0.6, 0.01);
  s.variants.forEach((variant, v) => {
    const entry = findModel(s.manifest, variant.embedderId, 'embedder');
    // A camera never produces a sighting without a detected face: those photos are left out.
    const streamOf = (photos: typeof calibrationPhotos, seed: number): StreamSighting[] =>
      shuffled(
        photos.flatMap((p) => {
          const r = resultOf.get(p.path)!;
          return r.status === 'face' || r.status === 'face_low_score' ? [{ identity: p.name, embedding: r.embeddings[v]!, quality: r.detectionScore ?? 0 }] : [];
        }),
        seed,
      );
    const calibration = streamOf(calibrationPhotos, 1), heldOut = streamOf(heldOutPhotos, 2);
    const policy = { joinThreshold: entry.unknownJoinThreshold, maxFacesPerCluster: DEFAULT_MAX_FACES_PER_CLUSTER, minQuality: DEFAULT_MIN_CLUSTER_QUALITY };
    const started = performance.now();
    const atApp = clusterStream(calibration, policy);
    const heldOutAtApp = clusterStream(heldOut, policy);
    const sweep = sweepJoinThreshold(calibration, policy, thresholds);
    const recommended = chooseJoinThreshold(sweep, minPrecision);
    const heldOutAtRecommended = recommended ? clusterStream(heldOut, { ...policy, joinThreshold: recommended.threshold }) : null;
    const clusteringSeconds = (performance.now() - started) / 1000;
    const line = {
      model: variant.embedderId,
      pairwise_precision: r5(atApp.precision),
      pairwise_recall: r5(atApp.recall),
      clusters: atApp.clusters,
      identities: atApp.identities,
      sightings: calibration.length - atApp.rejected,
      join_threshold: entry.unknownJoinThreshold,
      heldout_pairwise_precision: r5(heldOutAtApp.precision),
      heldout_pairwise_recall: r5(heldOutAtApp.recall),
      heldout_clusters: heldOutAtApp.clusters,
      heldout_identities: heldOutAtApp.identities,
      heldout_sightings: heldOut.length - heldOutAtApp.rejected,
      recommended_threshold: recommended ? r4(recommended.threshold) : null,
      heldout_precision_at_recommended: heldOutAtRecommended ? r5(heldOutAtRecommended.precision) : null,
      heldout_recall_at_recommended: heldOutAtRecommended ? r5(heldOutAtRecommended.recall) : null,
      min_precision: minPrecision,
      rejected_low_quality: atApp.rejected + heldOutAtApp.rejected,
      no_face_left_out: images.length - calibration.length - heldOut.length,
      clustering_seconds: Math.round(clusteringSeconds * 10) / 10,
      ...commonKeys(s, run, v),
      sweep: sweep.map((row) => [r4(row.threshold), r4(row.precision), r4(row.recall), row.clusters]),
    };
    if (values.json) {
      process.stdout.write(`${JSON.stringify(line)}\n`);
      return;
    }
    console.log(
      [
        `${variant.embedderId}: ${atApp.identities} strangers, ${line.sightings} sightings (calibration set); join threshold ${entry.unknownJoinThreshold}`,
        `  calibration: pairwise precision ${pct(atApp.precision)}, recall ${pct(atApp.recall)}, ${atApp.clusters} clusters`,
        `  held-out:    pairwise precision ${pct(heldOutAtApp.precision)}, recall ${pct(heldOutAtApp.recall)}, ${heldOutAtApp.clusters} clusters for ${heldOutAtApp.identities} people`,
        '  threshold  precision  recall  clusters',
        ...sweep.filter((_, i) => i % 2 === 0).map((row) => `  ${row.threshold.toFixed(2).padStart(9)}  ${pct(row.precision).padStart(9)}  ${pct(row.recall).padStart(6)}  ${String(row.clusters).padStart(8)}`),
        recommended
          ? `  recommended (best recall with precision >= ${pct(minPrecision, 1)}): ${recommended.threshold.toFixed(2)}; held-out there: precision ${pct(heldOutAtRecommended!.precision)}, recall ${pct(heldOutAtRecommended!.recall)}`
          : `  no threshold on the grid reaches precision ${pct(minPrecision, 1)}`,
      ].join('\n'),
    );
  });
}

/** `faceness`: see eval-faceness.ts. */
async function facenessFromValues(values: Values): Promise<void> {
  const s = setup(values);
  const embedderIds = [...new Set(s.variants.map((v) => v.embedderId))];
  await checkModels(s.manifest, s.modelsDir, [s.detectorId, ...embedderIds]);
  await facenessCommand({
    manifest: s.manifest,
    modelsDir: s.modelsDir,
    detectorId: s.detectorId,
    embedderIds,
    lfwDir: s.lfwDir,
    photos: intOption(values, 'photos', 20, 5000) ?? 400,
    json: values.json,
  });
}

/** `walkthrough`: see eval-walkthrough.ts. */
async function walkthroughFromValues(values: Values, command: 'walkthrough' | 'search' = 'walkthrough'): Promise<void> {
  const manifest = loadManifest(manifestPath());
  const embedderId = values.embedder === 'all' ? manifest.defaults.embedder : values.embedder;
  findModel(manifest, embedderId, 'embedder');
  const seeds = (values.seeds ?? values.seed ?? '1').split(',').map((raw) => {
    const seed = Number(raw.trim());
    if (!/^\d+$/.test(raw.trim()) || seed > 2 ** 31) throw new VigilError('BAD_REQUEST', `--seed / --seeds take whole numbers, got "${raw}"`);
    return seed;
  });
  const sceneInt = (name: keyof Values, min: number, max: number) => intOption(values, name, min, max);
  const options: WalkthroughCommandOptions = {
    seeds,
    json: values.json,
    lfwDir: values.lfw ?? defaultLfwDir(),
    modelsDir: values.models ?? defaultModelsDir(),
    detectorId: values.detector,
    embedderId,
    details: values.details ?? false,
    dumpVisits: values['dump-visits'],
    scene: {
      members: sceneInt('walkers', 1, 400),
      memberVisits: sceneInt('member-visits', 1, 2000),
      strangers: sceneInt('stranger-count', 1, 2000),
      galleryDistractors: sceneInt('gallery-distractors', 0, 4000),
      nonFaces: sceneInt('non-faces', 0, 500),
      shutterS: values.shutter !== undefined ? numberOption(values, 'shutter', 0, 0.2) : undefined,
      // The search evaluation needs photos of strangers the video never shows (its probes).
      strangerMinPhotos: sceneInt('stranger-min-photos', 1, 100) ?? (command === 'search' ? 6 : undefined),
    },
    render: {
      crf: sceneInt('crf', 0, 51),
      noise: sceneInt('noise', 0, 50),
    },
  };
  if (command === 'search') {
    await searchEvalCommand({ ...options, absent: intOption(values, 'absent', 1, 5000) ?? 100, probesPerStranger: intOption(values, 'probes-per-stranger', 1, 100) ?? 1 });
  }
  else await walkthroughCommand(options);
}

async function duplicatesCommand(values: Values): Promise<void> {
  const s = setup(values);
  const photosPerSet = intOption(values, 'photos-per-set', 1, 10)!;
  const safety = numberOption(values, 'safety', 0, 0.5);
  const maxImpostorRate = numberOption(values, 'max-impostor-rate', 0, 1);
  const imagesDir = lfwImagesDir(s.lfwDir);
  const split = splitDuplicateEval(listLfwPeople(imagesDir), photosPerSet);
  const all = [...split.calibration, ...split.heldOut];
  const images = [...new Set(all.flatMap((c) => [...c.enrolled, ...c.again].map((index) => lfwImagePath({ name: c.name, index }))))];
  const run = await embed(s, 'duplicates', imagesDir, images);
  const grid = thresholdGrid(0.3, 0.95, 0.01);
  s.variants.forEach((variant, v) => {
    const lookup = embeddingLookup(images, run, v);
    const embedding = (name: string, index: number) => lookup(lfwImagePath({ name, index }));
    const entry = findModel(s.manifest, variant.embedderId, 'embedder');
    const calibration = scoreDuplicates(split.calibration, embedding);
    const heldOut = scoreDuplicates(split.heldOut, embedding);
    const chosen = chooseDuplicateThreshold(calibration, grid, Math.floor(maxImpostorRate * calibration.impostor.length), safety);
    const distribution = (values: number[]) => ({
      p50: r4(quantile(values, 0.5)),
      p90: r4(quantile(values, 0.9)),
      p99: r4(quantile(values, 0.99)),
      p999: r4(quantile(values, 0.999)),
      max: r4(Math.max(...values)),
      min: r4(Math.min(...values)),
      p01: r4(quantile(values, 0.01)),
      p05: r4(quantile(values, 0.05)),
      p10: r4(quantile(values, 0.1)),
    });
    const at = (scores: typeof calibration, t: number) => {
      const r = duplicateRates(scores, t);
      return { threshold: t, impostors_refused: r.impostorsRefused, impostor_rate: r5(r.impostorRate), genuine_caught: r.genuineCaught, genuine_rate: r5(r.genuineRate) };
    };
    const appDuplicate = entry.duplicateThreshold;
    const floor = Math.min(chosen ?? entry.matchThreshold, appDuplicate) - safety - 0.05;
    const topImpostors = [
      ...calibration.impostor.map((x) => ({ ...x, set: 'calibration' })),
      ...heldOut.impostor.map((x) => ({ ...x, set: 'heldout' })),
    ]
      .filter((x) => x.score >= floor)
      .sort((a, b) => b.score - a.score);
    const line = {
      model: variant.embedderId,
      photos_per_set: photosPerSet,
      calibration_gallery: calibration.galleryPeople,
      calibration_attempts: calibration.genuine.length,
      heldout_gallery: heldOut.galleryPeople,
      heldout_attempts: heldOut.genuine.length,
      impostor_highest: distribution(calibration.impostor.map((x) => x.score)),
      genuine: distribution(calibration.genuine.map((x) => x.score)),
      heldout_impostor_highest: distribution(heldOut.impostor.map((x) => x.score)),
      heldout_genuine: distribution(heldOut.genuine.map((x) => x.score)),
      recommended_threshold: chosen,
      calibration_at_recommended: chosen === null ? null : at(calibration, chosen),
      heldout_at_recommended: chosen === null ? null : at(heldOut, chosen),
      match_threshold: entry.matchThreshold,
      calibration_at_match_threshold: at(calibration, entry.matchThreshold),
      heldout_at_match_threshold: at(heldOut, entry.matchThreshold),
      manifest_duplicate_threshold: appDuplicate,
      heldout_at_manifest_duplicate_threshold: at(heldOut, appDuplicate),
      calibration_at_manifest_duplicate_threshold: at(calibration, appDuplicate),
      max_impostor_rate: maxImpostorRate,
      safety,
      top_impostors: topImpostors.map((x) => ({ name: x.name, closest: x.closest, score: r4(x.score), set: x.set })),
      sweep: grid.filter((_, i) => i % 5 === 0).map((t) => {
        const c = duplicateRates(calibration, t), h = duplicateRates(heldOut, t);
        return [t, c.impostorsRefused, r4(c.genuineRate), h.impostorsRefused, r4(h.genuineRate)];
      }),
      no_face: run.counts.noFace,
      ...commonKeys(s, run, v),
    };
    if (values.json) {
      process.stdout.write(`${JSON.stringify(line)}\n`);
      return;
    }
    const d = (x: ReturnType<typeof distribution>) => `median ${x.p50}, p99 ${x.p99}, p99.9 ${x.p999}, max ${x.max}`;
    const g = (x: ReturnType<typeof distribution>) => `min ${x.min}, p1 ${x.p01}, p5 ${x.p05}, p10 ${x.p10}, median ${x.p50}`;
    console.log(
      [
        `${variant.embedderId}: gallery of ${calibration.galleryPeople} people, ${calibration.genuine.length} re-enrollments (calibration); ${heldOut.galleryPeople} / ${heldOut.genuine.length} (held-out)`,
        `  highest different-person score: ${d(line.impostor_highest)} (held-out: ${d(line.heldout_impostor_highest)})`,
        `  same person enrolled again:     ${g(line.genuine)} (held-out: ${g(line.heldout_genuine)})`,
        chosen === null
          ? `  no threshold on the grid refuses at most ${pct(maxImpostorRate)} of different people`
          : `  duplicate threshold (at most ${pct(maxImpostorRate)} of different people refused on calibration, + ${safety}): ${chosen}; held-out: ${line.heldout_at_recommended!.impostors_refused} different people refused, ${pct(line.heldout_at_recommended!.genuine_rate)} of re-enrollments caught`,
        `  at the match threshold ${entry.matchThreshold}: ${line.calibration_at_match_threshold.impostors_refused} + ${line.heldout_at_match_threshold.impostors_refused} different people would be refused`,
        `  closest different people: ${line.top_impostors.slice(0, 6).map((x) => `${x.name} ~ ${x.closest} ${x.score}`).join('; ')}`,
      ].join('\n'),
    );
  });
}

async function main(): Promise<void> {
  let json = process.argv.includes('--json');
  try {
    let parsed;
    try {
      parsed = parseArgs({
        args: process.argv.slice(2),
        allowPositionals: true,
        options: {
          json: { type: 'boolean', default: false },
          embedder: { type: 'string', default: 'all' },
          detector: { type: 'string' },
          models: { type: 'string' },
          'channel-order': { type: 'string', default: 'manifest' },
          lfw: { type: 'string' },
          workers: { type: 'string' },
          'limit-folds': { type: 'string' },
          members: { type: 'string', default: '300' },
          'photos-per-member': { type: 'string', default: '3' },
          'max-probes': { type: 'string', default: '10' },
          strangers: { type: 'string' },
          margin: { type: 'string', default: '0.03' },
          'max-fpir': { type: 'string', default: '0.01' },
          identities: { type: 'string', default: '400' },
          'max-photos': { type: 'string', default: '6' },
          'min-precision': { type: 'string', default: '0.98' },
          photos: { type: 'string' },
          seed: { type: 'string' },
          seeds: { type: 'string' },
          walkers: { type: 'string' },
          'member-visits': { type: 'string' },
          'stranger-count': { type: 'string' },
          'gallery-distractors': { type: 'string' },
          'non-faces': { type: 'string' },
          details: { type: 'boolean', default: false },
          'dump-visits': { type: 'string' },
          shutter: { type: 'string' },
          crf: { type: 'string' },
          noise: { type: 'string' },
          absent: { type: 'string' },
          'probes-per-stranger': { type: 'string' },
          'stranger-min-photos': { type: 'string' },
          'photos-per-set': { type: 'string', default: '3' },
          safety: { type: 'string', default: '0.02' },
          'max-impostor-rate': { type: 'string', default: '0.005' },
          help: { type: 'boolean', short: 'h', default: false },
        },
      });
    } catch (error) {
      throw usageError((error as Error).message);
    }
    const values = parsed.values as Values & { help: boolean };
    json = values.json;
    const [command, ...rest] = parsed.positionals;
    if (values.help) {
      process.stdout.write(USAGE);
      return;
    }
    if (rest.length > 0) throw usageError(`unexpected arguments: ${rest.join(' ')}`);
    if (command === 'lfw') await lfwCommand(values);
    else if (command === 'openset') await opensetCommand(values);
    else if (command === 'unknowns') await unknownsCommand(values);
    else if (command === 'faceness') await facenessFromValues(values);
    else if (command === 'walkthrough') await walkthroughFromValues(values);
    else if (command === 'search') await walkthroughFromValues(values, 'search');
    else if (command === 'duplicates') await duplicatesCommand(values);
    else throw usageError(command ? `unknown command "${command}"` : 'missing command');
  } catch (error) {
    const payload = toErrorPayload(error);
    if (json) process.stdout.write(`${JSON.stringify({ error: payload })}\n`);
    process.stderr.write(`vigil eval: ${payload.message} [${payload.code}]\n`);
    if (payload.code === 'INTERNAL' && process.env.VIGIL_DEBUG) console.error(error);
    process.exitCode = 1;
  }
}

await main();
