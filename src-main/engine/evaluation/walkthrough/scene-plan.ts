/**
 * The plan of a synthetic CCTV walk-through (pure, seeded): who is enrolled,
 * who walks by, when, along which path, with which photos and degradations,
 * and the exact ground truth that follows from it.
 *
 * A fresh seed is a scene never seen: the LFW people who play each role, the
 * photos shown, the paths and the timing all come from the seed. The renderer
 * (render.ts) draws exactly what the plan says; the ground truth
 * (buildGroundTruth) is computed here from the same geometry, given the shape
 * of the detected face box in each photo (which only the renderer knows).
 *
 * Geometry conventions: a visit's path is a polyline in time of the *face box
 * centre* (video pixels) and the face box *height* (`size`); the face box of a
 * photo is the app's detector box on that photo, scaled so its height is
 * `size` and centred on the path. Times are video seconds (frame n at n / fps).
 */
import { seededRandom } from '../../util/seeded-random.js';
import type { PersonImages } from '../open-set.js';

export type { PersonImages } from '../open-set.js';

export const WALKTHROUGH_PLAN_VERSION = 1;

export interface WalkthroughOptions {
  seed: number;
  /** People who walk by and are enrolled (each needs >= 5 photos: 3 to enroll, the rest shown). Default 60. */
  members?: number;
  /** Extra enrolled people who never appear (>= 3 photos). Default 100. */
  galleryDistractors?: number;
  /** Total visits of the walking members (each makes 1-3). Default 120. */
  memberVisits?: number;
  /** Not-enrolled people who walk by. Default 100. */
  strangers?: number;
  /** Share of strangers who come back once or twice (>= revisitGapS later). Default 0.3. */
  returningStrangerShare?: number;
  /** Skin-toned distractor objects that are not faces. Default 15. */
  nonFaces?: number;
  /** At most this many faces in view at once. Default 4. */
  maxConcurrent?: number;
  /** Arrivals are spaced so that about this many visits overlap on average. Default 3. */
  meanConcurrent?: number;
  /** Share of visits scheduled as pairs crossing each other. Default 0.2. */
  crossingShare?: number;
  /** Share of visits with a short miss (face hidden 0.2-0.8 s mid-path). Default 0.15. */
  missShare?: number;
  /** Share of visits that leave at an edge and come back within a second. Default 0.05. */
  leaveReturnShare?: number;
  /** Share of face visits on an approaching diagonal path (face grows ~50 -> ~130 px). Default 0.25. */
  approachShare?: number;
  /** Share of visits out of focus (extra Gaussian blur). Default 0.08. */
  outOfFocusShare?: number;
  /** Two visits of one identity are at least this far apart (end to start). Default 20 s. */
  revisitGapS?: number;
  /** Length of the background clip, for the start offset (vtest.avi: 79 s). */
  backgroundLoopS?: number;
  /** Exposure time per frame: motion blur = speed x shutter (default SHUTTER_S). */
  shutterS?: number;
  /**
   * Strangers are people with at least this many photos (default 0: one-time strangers need 1,
   * returning ones 2). More leaves photos of them that the video never shows: the search
   * evaluation's probes.
   */
  strangerMinPhotos?: number;
}

export interface PlannedMember {
  key: string;
  lfwName: string;
  /** Relative LFW paths (Name/Name_0001.jpg) to enroll from; never shown in the video. */
  enrollPhotos: string[];
  /** false for gallery distractors (enrolled, never seen). */
  walks: boolean;
}

export interface PlannedStranger {
  key: string;
  lfwName: string;
}

export type VisitKind = 'member' | 'stranger' | 'nonface';
export type PathKind = 'left-to-right' | 'right-to-left' | 'approach';
export type NonFaceStyle = 'blurred-face' | 'hand';

/** A point of a visit's path: face box centre and height (video pixels) at a time. */
export interface PathKey {
  tS: number;
  cx: number;
  cy: number;
  size: number;
}

export interface TimeSpan {
  startS: number;
  endS: number;
}

export interface VisitLook {
  /** Exposure: out = 255 * gain * (in / 255) ^ gamma. */
  gain: number;
  gamma: number;
  /** 1 = the photo's colours, 0 = grey. */
  saturation: number;
  /** Length (video px) of the 1-D box blur along the direction of travel. */
  motionBlurPx: number;
  /** Sigma (video px) of an extra Gaussian blur; 0 = in focus. */
  focusBlurPx: number;
}

export interface NonFaceSpec {
  style: NonFaceStyle;
  /** blurred-face: Gaussian sigma as a fraction of the face box height. */
  blurFraction: number;
  /** Width / height of the blob's box (hand); the blurred face keeps its photo's box. */
  aspect: number;
}

export interface PlannedVisit {
  visitId: number;
  kind: VisitKind;
  identityKey: string;
  lfwName: string;
  /** A stranger's return visit: the visitId of their first visit. */
  returningOf: number | null;
  path: PathKind;
  /** The path (time ascending); the face is off-screen at the first and last key. */
  keys: PathKey[];
  /** Short misses: the face is hidden (occluded) during these spans. */
  hidden: TimeSpan[];
  leavesAndReturns: boolean;
  /** The visit this one is scheduled to cross (opposite direction, similar height). */
  crossingWith: number | null;
  /** Relative LFW paths shown in sequence (for a non-face: the texture source). */
  photos: string[];
  /** Centres of the 0.3 s cross-fades between photos[i] and photos[i + 1]. */
  photoChangesS: number[];
  /** Other photos of the person, in order of preference, for a photo whose face is not detected. */
  sparePhotos: string[];
  /** Speed of the face centre on its moving segments (px per second). */
  speedPxPerS: number;
  look: VisitLook;
  nonFace: NonFaceSpec | null;
}

export interface WalkthroughPlan {
  planVersion: number;
  seed: number;
  width: number;
  height: number;
  fps: number;
  durationS: number;
  /** Where in the background clip the video starts (seconds; the clip loops). */
  backgroundOffsetS: number;
  members: PlannedMember[];
  strangers: PlannedStranger[];
  visits: PlannedVisit[];
}

export const WALKTHROUGH_WIDTH = 1280;
export const WALKTHROUGH_HEIGHT = 720;
export const WALKTHROUGH_FPS = 25;
/** The app analyses 10 frames per second by default: speeds are planned per 0.1 s. */
export const ANALYSED_FRAME_S = 0.1;
export const MIN_STEP_PX_PER_ANALYSED_FRAME = 20;
export const MAX_STEP_PX_PER_ANALYSED_FRAME = 40;
export const MIN_FACE_PX = 50;
export const MAX_FACE_PX = 140;
export const CROSS_FADE_S = 0.3;
/**
 * Motion blur length = speed x this "shutter" (exposure) time. 1/100 s: a camera set up for
 * face recognition (vendors' guidance for walking people is 1/100 s or shorter); a camera left
 * on a slow auto shutter (1/40 s) blurs a walking face by 8-10 px, which `--shutter 0.025`
 * reproduces (the harsh scene in the README).
 */
export const SHUTTER_S = 0.01;
/** Width / height of a typical detector box on an LFW face (yunet_s_dynamic: ~55 x 77). */
export const DEFAULT_FACE_ASPECT = 0.72;

/**
 * The sprite mask around a face box of width w and height h centred at (cx, cy):
 * a head ellipse (hair, ears, chin) and a smaller neck ellipse below it, both
 * feathered from `featherInner` (alpha 1) to 1 (alpha 0) in normalised radius.
 */
export const SPRITE_MASK = {
  head: { dy: -0.1, rx: 0.66, ry: 0.7 },
  neck: { dy: 0.62, rx: 0.4, ry: 0.36 },
  featherInner: 0.8,
} as const;

/** Normalised radius up to which the feathered mask is (nearly) opaque: alpha >= 0.84. */
const OPAQUE_RADIUS = SPRITE_MASK.featherInner + 0.05;

const DEFAULTS = {
  strangerMinPhotos: 0,
  members: 60,
  galleryDistractors: 100,
  memberVisits: 120,
  strangers: 100,
  returningStrangerShare: 0.3,
  nonFaces: 15,
  maxConcurrent: 4,
  meanConcurrent: 3,
  crossingShare: 0.2,
  missShare: 0.15,
  leaveReturnShare: 0.05,
  approachShare: 0.25,
  outOfFocusShare: 0.08,
  revisitGapS: 20,
  backgroundLoopS: 79,
  shutterS: SHUTTER_S,
};

export function lfwPhotoPath(name: string, index: number): string {
  return `${name}/${name}_${String(index).padStart(4, '0')}.jpg`;
}

class Random {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = seededRandom(seed);
  }
  unit(): number {
    return this.next();
  }
  uniform(low: number, high: number): number {
    return low + (high - low) * this.next();
  }
  int(low: number, high: number): number {
    return low + Math.floor(this.next() * (high - low + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  shuffle<T>(items: readonly T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  }
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.next());
  }
}

interface Draft {
  kind: VisitKind;
  identityKey: string;
  lfwName: string;
  /** Index of this visit among the identity's visits (0 = first). */
  returnIndex: number;
  photos: string[];
  sparePhotos: string[];
  nonFace: NonFaceSpec | null;
}

interface Shaped extends Draft {
  path: PathKind;
  keys: PathKey[];
  hidden: TimeSpan[];
  leavesAndReturns: boolean;
  speedPxPerS: number;
  look: VisitLook;
  partner: Shaped | null;
}

function checkCount(name: string, value: number, min = 0): void {
  if (!Number.isInteger(value) || value < min) throw new RangeError(`${name} must be a whole number >= ${min}, got ${value}`);
}

function checkShare(name: string, value: number): void {
  if (!(value >= 0 && value <= 1)) throw new RangeError(`${name} must be between 0 and 1, got ${value}`);
}

/**
 * Plans a walk-through. Deterministic for a given seed and people list (the
 * list's order does not matter: people are sorted by name before the seeded
 * shuffle). Throws RangeError when LFW has too few people for a role.
 */
export function planWalkthrough(people: readonly PersonImages[], options: WalkthroughOptions): WalkthroughPlan {
  const o: typeof DEFAULTS & { seed: number } = { ...DEFAULTS, ...stripUndefined(options), seed: options.seed };
  checkCount('seed', o.seed);
  checkCount('members', o.members);
  checkCount('galleryDistractors', o.galleryDistractors);
  checkCount('strangers', o.strangers);
  checkCount('nonFaces', o.nonFaces);
  checkCount('maxConcurrent', o.maxConcurrent, 2);
  checkCount('memberVisits', o.memberVisits);
  for (const key of ['returningStrangerShare', 'crossingShare', 'missShare', 'leaveReturnShare', 'approachShare', 'outOfFocusShare'] as const) {
    checkShare(key, o[key]);
  }
  if (!(o.meanConcurrent > 0)) throw new RangeError(`meanConcurrent must be > 0, got ${o.meanConcurrent}`);
  const memberVisits = Math.min(Math.max(o.memberVisits, o.members), 3 * o.members);

  const random = new Random(o.seed);
  const width = WALKTHROUGH_WIDTH;
  const height = WALKTHROUGH_HEIGHT;

  // ---- Roles: a seeded shuffle of everyone, then each role takes the first who qualify.
  const everyone = random.shuffle(
    people
      .map((p) => ({ name: p.name, indices: [...new Set(p.indices)].sort((a, b) => a - b) }))
      .filter((p) => p.indices.length > 0)
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
  );
  const used = new Set<string>();
  const take = (count: number, minPhotos: number, role: string, preferPhotos = minPhotos, exactly?: number) => {
    const chosen: typeof everyone = [];
    const pass = (min: number) => {
      for (const p of everyone) {
        if (chosen.length >= count) return;
        if (used.has(p.name) || p.indices.length < min) continue;
        if (exactly !== undefined && p.indices.length !== exactly) continue;
        used.add(p.name);
        chosen.push(p);
      }
    };
    pass(preferPhotos);
    if (exactly !== undefined && chosen.length < count) exactly = undefined;
    if (chosen.length < count) pass(minPhotos);
    if (chosen.length < count) {
      throw new RangeError(`only ${chosen.length} people with at least ${minPhotos} photos are left for ${count} ${role}`);
    }
    return chosen;
  };
  const memberPeople = take(o.members, 5, 'members');
  const distractorPeople = take(o.galleryDistractors, 3, 'gallery distractors');
  const returningCount = Math.round(o.strangers * o.returningStrangerShare);
  const strangerMin = o.strangerMinPhotos;
  const returningPeople = take(returningCount, Math.max(2, strangerMin), 'returning strangers', Math.max(3, strangerMin));
  const oneTimePeople = take(o.strangers - returningCount, Math.max(1, strangerMin), 'strangers', Math.max(2, strangerMin));
  const nonFacePeople = take(o.nonFaces, 1, 'non-face textures', 1, 1);

  const pad = (n: number) => String(n).padStart(3, '0');
  const members: PlannedMember[] = [];
  const drafts: Draft[] = [];

  // ---- Members: 3 photos to enroll, the others shown; 1-3 visits each (about memberVisits in all).
  const visitCounts = memberPeople.map(() => 1);
  for (let extra = memberVisits - memberPeople.length; extra > 0; extra--) {
    const open = visitCounts.map((c, i) => (c < 3 ? i : -1)).filter((i) => i >= 0);
    if (open.length === 0) break;
    const i = open[Math.floor(random.unit() * open.length)]!;
    visitCounts[i]! += 1;
  }
  memberPeople.forEach((p, i) => {
    const photos = random.shuffle(p.indices).map((index) => lfwPhotoPath(p.name, index));
    const key = `M${pad(i + 1)}`;
    members.push({ key, lfwName: p.name, enrollPhotos: photos.slice(0, 3).sort(), walks: true });
    const pool = photos.slice(3);
    const visits = visitCounts[i]!;
    const stride = Math.ceil(pool.length / visits);
    for (let v = 0; v < visits; v++) {
      const n = Math.min(random.int(2, 4), pool.length);
      const start = (v * stride) % pool.length;
      const shown = Array.from({ length: n }, (_, j) => pool[(start + j) % pool.length]!);
      drafts.push({
        kind: 'member',
        identityKey: key,
        lfwName: p.name,
        returnIndex: v,
        photos: shown,
        sparePhotos: pool.filter((photo) => !shown.includes(photo)),
        nonFace: null,
      });
    }
  });
  distractorPeople.forEach((p, i) => {
    const photos = random.shuffle(p.indices).map((index) => lfwPhotoPath(p.name, index));
    members.push({ key: `G${pad(i + 1)}`, lfwName: p.name, enrollPhotos: photos.slice(0, 3).sort(), walks: false });
  });

  // ---- Strangers: returning ones first (different photos on each visit where they have enough).
  const strangers: PlannedStranger[] = [];
  [...returningPeople, ...oneTimePeople].forEach((p, i) => {
    const key = `S${pad(i + 1)}`;
    strangers.push({ key, lfwName: p.name });
    const photos = random.shuffle(p.indices).map((index) => lfwPhotoPath(p.name, index));
    const visits = i < returningPeople.length ? (random.chance(0.5) ? 2 : 3) : 1;
    for (let v = 0; v < visits; v++) {
      const share = photos.length >= visits ? photos.filter((_, j) => j % visits === v) : [photos[v % photos.length]!];
      const n = Math.min(random.int(2, 4), share.length);
      const shown = share.slice(0, n);
      const others = photos.filter((photo) => !share.includes(photo));
      drafts.push({
        kind: 'stranger',
        identityKey: key,
        lfwName: p.name,
        returnIndex: v,
        photos: shown,
        sparePhotos: [...share.slice(n), ...others],
        nonFace: null,
      });
    }
  });

  // ---- Non-faces: a blurred, cropped face or a hand-like patch, textured from a 1-photo person.
  nonFacePeople.forEach((p, i) => {
    const style: NonFaceStyle = random.chance(0.5) ? 'blurred-face' : 'hand';
    drafts.push({
      kind: 'nonface',
      identityKey: `N${pad(i + 1)}`,
      lfwName: p.name,
      returnIndex: 0,
      photos: [lfwPhotoPath(p.name, p.indices[0]!)],
      sparePhotos: [],
      nonFace: { style, blurFraction: random.uniform(0.1, 0.18), aspect: style === 'hand' ? random.uniform(0.7, 0.9) : DEFAULT_FACE_ASPECT },
    });
  });

  // ---- Paths and looks.
  const shaped: Shaped[] = drafts.map((d) => shapeVisit(d, random, o, width, height));

  // ---- Crossing pairs: lateral visits of different identities walking in opposite directions.
  const pairCount = Math.floor((o.crossingShare * shaped.length) / 2);
  const candidates = random.shuffle(shaped.filter((v) => v.kind !== 'nonface' && v.path !== 'approach' && !v.leavesAndReturns));
  const pairs: Array<[Shaped, Shaped]> = [];
  while (pairs.length < pairCount && candidates.length >= 2) {
    const a = candidates.shift()!;
    const j = candidates.findIndex((b) => b.identityKey !== a.identityKey);
    if (j < 0) break;
    const b = candidates.splice(j, 1)[0]!;
    shapeCrossingPair(a, b, random, width, height);
    pairs.push([a, b]);
  }

  // ---- Schedule: arrivals spread out, at most maxConcurrent in view, revisits >= revisitGapS apart.
  const scheduled = schedule(shaped, random, o);

  const durationS = Math.ceil((Math.max(0, ...scheduled.map((v) => v.keys.at(-1)!.tS)) + 1) * WALKTHROUGH_FPS) / WALKTHROUGH_FPS;
  return {
    planVersion: WALKTHROUGH_PLAN_VERSION,
    seed: o.seed,
    width,
    height,
    fps: WALKTHROUGH_FPS,
    durationS,
    backgroundOffsetS: round3(random.uniform(0, o.backgroundLoopS)),
    members,
    strangers,
    visits: scheduled,
  };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

const round3 = (v: number) => Math.round(v * 1000) / 1000;
const round1 = (v: number) => Math.round(v * 10) / 10;

/** How far past the frame edge (face centre) a sprite of this face height is fully out of view. */
function offscreenMargin(size: number, blurPx: number): number {
  return 0.8 * size + blurPx + 4;
}

function randomSpeed(random: Random): number {
  const perAnalysed = random.uniform(MIN_STEP_PX_PER_ANALYSED_FRAME + 1, MAX_STEP_PX_PER_ANALYSED_FRAME - 1);
  return perAnalysed / ANALYSED_FRAME_S;
}

function randomLook(random: Random, speed: number, outOfFocusShare: number, shutterS: number): VisitLook {
  return {
    gain: round3(random.uniform(0.6, 1.4)),
    gamma: round3(random.uniform(0.8, 1.25)),
    saturation: round3(random.uniform(0.55, 1)),
    motionBlurPx: round3(speed * shutterS),
    focusBlurPx: random.chance(outOfFocusShare) ? round3(random.uniform(1.5, 3.5)) : 0,
  };
}

/** Walking height: lower in the frame for bigger (nearer) faces, with some spread. */
function walkingHeight(random: Random, size: number, height: number): number {
  const band = (size - MIN_FACE_PX) / (MAX_FACE_PX - MIN_FACE_PX);
  const cy = height * (0.25 + 0.47 * band) + random.uniform(-50, 50);
  return Math.min(height * 0.8, Math.max(height * 0.2, cy));
}

function lateralKeys(leftToRight: boolean, cy: number, dy: number, size: number, endSize: number, speed: number, margin: number, width: number): PathKey[] {
  const x0 = leftToRight ? -margin : width + margin;
  const x1 = leftToRight ? width + margin : -margin;
  const duration = Math.hypot(x1 - x0, dy) / speed;
  return [
    { tS: 0, cx: x0, cy, size },
    { tS: duration, cx: x1, cy: cy + dy, size: endSize },
  ];
}

function shapeVisit(d: Draft, random: Random, o: typeof DEFAULTS, width: number, height: number): Shaped {
  const speed = randomSpeed(random);
  const look = randomLook(random, speed, d.kind === 'nonface' ? 0 : o.outOfFocusShare, o.shutterS);
  const approach = random.chance(d.kind === 'nonface' ? 0.3 : o.approachShare);
  const leftToRight = random.chance(0.5);
  const path: PathKind = approach ? 'approach' : leftToRight ? 'left-to-right' : 'right-to-left';
  let keys: PathKey[];
  let leavesAndReturns = false;
  if (approach) {
    const size0 = random.uniform(MIN_FACE_PX, 60);
    const size1 = random.uniform(115, 135);
    const margin0 = offscreenMargin(size0, look.motionBlurPx);
    const margin1 = offscreenMargin(size1, look.motionBlurPx);
    const cy0 = random.uniform(0.24, 0.36) * height;
    const x0 = leftToRight ? -margin0 : width + margin0;
    const across = random.uniform(0.45, 0.85) * width;
    const x1 = leftToRight ? across : width - across;
    const cy1 = height + margin1;
    keys = [
      { tS: 0, cx: x0, cy: cy0, size: size0 },
      { tS: Math.hypot(x1 - x0, cy1 - cy0) / speed, cx: x1, cy: cy1, size: size1 },
    ];
  } else {
    const size = random.uniform(MIN_FACE_PX, MAX_FACE_PX);
    const endSize = Math.min(MAX_FACE_PX, Math.max(MIN_FACE_PX, size * random.uniform(0.92, 1.08)));
    const cy = walkingHeight(random, size, height);
    const dy = random.uniform(-40, 40);
    const margin = offscreenMargin(Math.max(size, endSize), look.motionBlurPx);
    keys = lateralKeys(leftToRight, cy, dy, size, endSize, speed, margin, width);
    // Only faces up to 115 px (about 72 % of lateral visits) can be out of view for under a second.
    const leaveReturnChance = Math.min(1, o.leaveReturnShare / (Math.max(0.05, 1 - o.approachShare) * 0.72));
    if (d.kind !== 'nonface' && size <= 115 && random.chance(leaveReturnChance)) {
      // Walks out at the far edge, waits just outside, comes back in near the same place and walks back.
      leavesAndReturns = true;
      const out = leftToRight ? width + 0.42 * size : -0.42 * size;
      const tOut = Math.hypot(out - keys[0]!.cx, dy / 2) / speed;
      const backSpeed = speed * random.uniform(0.9, 1.1);
      // Out of view (box less than half inside) for 2 x 0.42 size / speed + the pause: under a second.
      const pause = Math.max(0.05, Math.min(random.uniform(0.1, 0.4), 0.95 - (0.42 * size) / speed - (0.42 * size) / backSpeed));
      const cyOut = keys[0]!.cy + dy / 2;
      const cyBack = cyOut + random.uniform(-0.4, 0.4) * size;
      const back = leftToRight ? -margin : width + margin;
      keys = [
        keys[0]!,
        { tS: tOut, cx: out, cy: cyOut, size },
        { tS: tOut + pause, cx: out, cy: cyOut, size },
        { tS: tOut + pause + Math.hypot(back - out, cyBack - cyOut) / backSpeed, cx: back, cy: cyBack, size },
      ];
    }
  }
  const visit: Shaped = { ...d, path, keys, hidden: [], leavesAndReturns, speedPxPerS: speed, look, partner: null };
  // Crossing pairs are kept without a miss: ask a little more of the others.
  if (random.chance(Math.min(1, o.missShare / Math.max(0.5, 1 - o.crossingShare)))) addMiss(visit, random, width, height);
  return visit;
}

/** Hides the face for 0.2-0.8 s in the middle part of its time in view. */
function addMiss(visit: Shaped, random: Random, width: number, height: number): void {
  const inView = timeInView(visit.keys, width, height);
  if (!inView) return;
  const length = inView.endS - inView.startS;
  const duration = Math.min(random.uniform(0.2, 0.8), 0.4 * length);
  if (duration < 0.2) return;
  const centre = inView.startS + random.uniform(0.35, 0.65) * length;
  visit.hidden = [{ startS: round3(centre - duration / 2), endS: round3(centre + duration / 2) }];
}

/** When the face centre is inside the frame (first to last), relative to the path's times. */
function timeInView(keys: readonly PathKey[], width: number, height: number): TimeSpan | null {
  const end = keys.at(-1)!.tS;
  let first = -1, last = -1;
  for (let t = 0; t <= end; t += 0.02) {
    const p = poseOnPath(keys, t)!;
    if (p.cx >= 0 && p.cx <= width && p.cy >= 0 && p.cy <= height) {
      if (first < 0) first = t;
      last = t;
    }
  }
  return first < 0 ? null : { startS: first, endS: last };
}

/** Two lateral visits re-shaped to walk towards each other at similar heights and meet mid-frame. */
function shapeCrossingPair(a: Shaped, b: Shaped, random: Random, width: number, height: number): void {
  const sizeA = random.uniform(65, 130);
  const sizeB = Math.min(MAX_FACE_PX, Math.max(MIN_FACE_PX, sizeA * (random.chance(0.5) ? random.uniform(0.72, 0.92) : random.uniform(1.08, 1.3))));
  const cyA = walkingHeight(random, sizeA, height);
  const cyB = cyA + random.uniform(-0.25, 0.25) * Math.min(sizeA, sizeB);
  const meetX = random.uniform(0.3, 0.7) * width;
  const aLeftToRight = random.chance(0.5);
  a.path = aLeftToRight ? 'left-to-right' : 'right-to-left';
  b.path = aLeftToRight ? 'right-to-left' : 'left-to-right';
  const slopeA = random.uniform(-20, 20), slopeB = random.uniform(-20, 20);
  a.keys = lateralKeys(aLeftToRight, cyA, slopeA, sizeA, sizeA, a.speedPxPerS, offscreenMargin(sizeA, a.look.motionBlurPx), width);
  b.keys = lateralKeys(!aLeftToRight, cyB, slopeB, sizeB, sizeB, b.speedPxPerS, offscreenMargin(sizeB, b.look.motionBlurPx), width);
  // Offsets so that both are at meetX at the same moment; the earlier-starting one starts at 0.
  const tMeetA = Math.abs(meetX - a.keys[0]!.cx) / a.speedPxPerS;
  const tMeetB = Math.abs(meetX - b.keys[0]!.cx) / b.speedPxPerS;
  const shift = (v: Shaped, by: number) => (v.keys = v.keys.map((k) => ({ ...k, tS: k.tS + by })));
  if (tMeetA > tMeetB) shift(b, tMeetA - tMeetB);
  else shift(a, tMeetB - tMeetA);
  // A miss in a crossing pair would hide the crossing: keep them plain.
  a.hidden = [];
  b.hidden = [];
  a.partner = b;
  b.partner = a;
}

interface Item {
  visits: Shaped[];
  /** Relative start (0 for the first) and end of the item's visits. */
  span: number;
  identities: string[];
}

function schedule(shaped: Shaped[], random: Random, o: typeof DEFAULTS): PlannedVisit[] {
  // Items: a single visit, or a crossing pair (both scheduled together).
  const items: Item[] = [];
  const seen = new Set<Shaped>();
  for (const v of shaped) {
    if (seen.has(v)) continue;
    const group = v.partner ? [v, v.partner] : [v];
    group.forEach((g) => seen.add(g));
    items.push({ visits: group, span: Math.max(...group.map((g) => g.keys.at(-1)!.tS)), identities: group.map((g) => g.identityKey) });
  }
  // Order: first visits shuffled; each later visit of an identity after its previous one.
  const firsts = random.shuffle(items.filter((it) => it.visits.every((v) => v.returnIndex === 0)));
  const laters = items.filter((it) => it.visits.some((v) => v.returnIndex > 0)).sort((a, b) => maxReturn(a) - maxReturn(b));
  const queue = [...firsts];
  for (const item of laters) {
    const after = Math.max(...item.identities.map((id) => lastIndexOfIdentity(queue, id)));
    const position = after + 1 + Math.floor(random.unit() * (queue.length - after));
    queue.splice(position, 0, item);
  }

  // Average overlap = total visit time / video time, with one arrival per item.
  const totalDuration = shaped.reduce((s, v) => s + v.keys.at(-1)!.tS - v.keys[0]!.tS, 0);
  const meanGap = totalDuration / o.meanConcurrent / Math.max(1, items.length);
  const intervals: Array<[number, number]> = [];
  const lastEnd = new Map<string, number>();
  let cursor = 1;
  const placed: Array<{ visit: Shaped; offset: number }> = [];
  while (queue.length > 0) {
    cursor += Math.min(4 * meanGap, random.exponential(meanGap));
    // The first queued item whose people are free again (revisit gap); else wait for the earliest.
    let index = queue.findIndex((it) => it.identities.every((id) => (lastEnd.get(id) ?? -Infinity) + o.revisitGapS <= cursor));
    if (index < 0) {
      index = 0;
      cursor = Math.max(cursor, ...queue[0]!.identities.map((id) => (lastEnd.get(id) ?? -Infinity) + o.revisitGapS));
    }
    const item = queue.splice(index, 1)[0]!;
    const start = earliestFit(intervals, item, cursor, o.maxConcurrent);
    cursor = start;
    for (const v of item.visits) {
      const s = start + v.keys[0]!.tS, e = start + v.keys.at(-1)!.tS;
      intervals.push([s, e]);
      lastEnd.set(v.identityKey, Math.max(lastEnd.get(v.identityKey) ?? -Infinity, e));
      placed.push({ visit: v, offset: start });
    }
  }

  placed.sort((a, b) => a.offset + a.visit.keys[0]!.tS - (b.offset + b.visit.keys[0]!.tS) || a.visit.identityKey.localeCompare(b.visit.identityKey));
  const idOf = new Map<Shaped, number>();
  placed.forEach((p, i) => idOf.set(p.visit, i + 1));
  const firstVisitOf = new Map<string, number>();
  const out: PlannedVisit[] = [];
  for (const { visit: v, offset } of placed) {
    const visitId = idOf.get(v)!;
    const keys = v.keys.map((k) => ({ tS: round3(k.tS + offset), cx: round1(k.cx), cy: round1(k.cy), size: round1(k.size) }));
    const hidden = v.hidden.map((h) => ({ startS: round3(h.startS + offset), endS: round3(h.endS + offset) }));
    const inView = timeInView(keys.map((k) => ({ ...k, tS: k.tS - keys[0]!.tS })), WALKTHROUGH_WIDTH, WALKTHROUGH_HEIGHT);
    const from = keys[0]!.tS + (inView?.startS ?? 0);
    const to = keys[0]!.tS + (inView?.endS ?? keys.at(-1)!.tS - keys[0]!.tS);
    const n = v.photos.length;
    const photoChangesS = Array.from({ length: Math.max(0, n - 1) }, (_, i) => round3(from + ((i + 1) * (to - from)) / n));
    // A stranger's return: any later visit of theirs (in time order), pointing at their first.
    const returningOf = v.kind === 'stranger' ? (firstVisitOf.get(v.identityKey) ?? null) : null;
    if (!firstVisitOf.has(v.identityKey)) firstVisitOf.set(v.identityKey, visitId);
    out.push({
      visitId,
      kind: v.kind,
      identityKey: v.identityKey,
      lfwName: v.lfwName,
      returningOf,
      path: v.path,
      keys,
      hidden,
      leavesAndReturns: v.leavesAndReturns,
      crossingWith: v.partner ? idOf.get(v.partner)! : null,
      photos: v.photos,
      photoChangesS,
      sparePhotos: v.sparePhotos,
      speedPxPerS: round1(v.speedPxPerS),
      look: v.look,
      nonFace: v.nonFace,
    });
  }
  return out;
}

function maxReturn(item: Item): number {
  return Math.max(...item.visits.map((v) => v.returnIndex));
}

function lastIndexOfIdentity(queue: readonly Item[], identity: string): number {
  for (let i = queue.length - 1; i >= 0; i--) if (queue[i]!.identities.includes(identity)) return i;
  return -1;
}

/** The earliest start >= from at which the item's visits keep the number of overlapping visits <= max. */
function earliestFit(intervals: ReadonlyArray<[number, number]>, item: Item, from: number, max: number): number {
  let start = from;
  for (let guard = 0; guard < 10_000; guard++) {
    const own = item.visits.map((v) => [start + v.keys[0]!.tS, start + v.keys.at(-1)!.tS] as [number, number]);
    let bump = Infinity;
    for (const [s, e] of own) {
      // Peak overlap inside [s, e]: check at s and at every start of an overlapping interval.
      const overlapping = intervals.filter(([a, b]) => a < e && b > s);
      const points = [s, ...overlapping.map(([a]) => a).filter((a) => a > s)];
      for (const p of points) {
        const ownAt = own.filter(([a, b]) => a <= p && b > p).length;
        const live = overlapping.filter(([a, b]) => a <= p && b > p);
        if (live.length + ownAt > max) bump = Math.min(bump, Math.min(...live.map(([, b]) => b)) - (p - start));
      }
    }
    if (bump === Infinity) return start;
    start = Math.max(start + 0.04, bump + 0.04);
  }
  return start;
}

// ---------------------------------------------------------------------------
// Poses: where a visit's face is at a time, and which photos are shown.

export interface VisitPose {
  cx: number;
  cy: number;
  /** Face box height (px). */
  size: number;
  /** Unit direction of travel (0, 0 while standing). */
  dirX: number;
  dirY: number;
  /** Inside a short miss: not drawn. */
  hidden: boolean;
}

function poseOnPath(keys: readonly PathKey[], tS: number): VisitPose | null {
  const first = keys[0]!, last = keys.at(-1)!;
  if (tS < first.tS || tS > last.tS) return null;
  let i = 0;
  while (i < keys.length - 2 && tS > keys[i + 1]!.tS) i++;
  const a = keys[i]!, b = keys[i + 1] ?? a;
  const span = b.tS - a.tS;
  const f = span > 0 ? (tS - a.tS) / span : 0;
  const dx = b.cx - a.cx, dy = b.cy - a.cy;
  const length = Math.hypot(dx, dy);
  return {
    cx: a.cx + f * dx,
    cy: a.cy + f * dy,
    size: a.size + f * (b.size - a.size),
    dirX: length > 0 ? dx / length : 0,
    dirY: length > 0 ? dy / length : 0,
    hidden: false,
  };
}

/** The visit's face at a video time; null before its path starts or after it ends. */
export function visitPose(visit: PlannedVisit, tS: number): VisitPose | null {
  const pose = poseOnPath(visit.keys, tS);
  if (!pose) return null;
  pose.hidden = visit.hidden.some((h) => tS >= h.startS && tS < h.endS);
  return pose;
}

/** Which of the visit's photos are shown at a time, with their weights (two during a 0.3 s cross-fade). */
export function photoWeights(visit: PlannedVisit, tS: number): Array<{ index: number; weight: number }> {
  const half = CROSS_FADE_S / 2;
  let index = 0;
  for (let i = 0; i < visit.photoChangesS.length; i++) {
    const c = visit.photoChangesS[i]!;
    if (tS >= c + half) index = i + 1;
    else if (tS > c - half) {
      const f = (tS - (c - half)) / CROSS_FADE_S;
      return [
        { index: i, weight: 1 - f },
        { index: i + 1, weight: f },
      ];
    } else break;
  }
  return [{ index, weight: 1 }];
}

/** Drawing order at one time: smaller (farther) faces first, nearer ones on top; ties by visitId. */
export function drawOrder<T extends { visitId: number; size: number }>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => a.size - b.size || a.visitId - b.visitId);
}

// ---------------------------------------------------------------------------
// Ground truth.

export interface GroundTruthBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface GroundTruthVisit {
  visitId: number;
  kind: VisitKind;
  identityKey: string;
  lfwName: string;
  returningOf: number | null;
  /** First and last time the face is visible (video seconds); the planned path when it never is. */
  startS: number;
  endS: number;
  /** The photos actually shown (after any replacement of a photo whose face was not detected). */
  photos: string[];
  /** The face box at every source frame where the face is visible. */
  boxes: Array<{ frame: number; tS: number; box: GroundTruthBox }>;
}

export interface WalkthroughGroundTruth {
  seed: number;
  fps: number;
  width: number;
  height: number;
  durationS: number;
  frames: number;
  visits: GroundTruthVisit[];
  /** Photos replaced because no face was detected in them. */
  substitutions: Array<{ visitId: number; planned: string; used: string }>;
  /** Visits not drawn at all (no photo of the person had a detectable face). */
  droppedVisits: number[];
}

export interface GroundTruthOptions {
  /** Width / height of the detector box of the visit's photo `index` (default DEFAULT_FACE_ASPECT; a hand: its spec). */
  aspectOf?: (visit: PlannedVisit, photoIndex: number) => number;
  /** Visits that are not drawn. */
  droppedVisits?: readonly number[];
  substitutions?: WalkthroughGroundTruth['substitutions'];
  /** A face box counts as visible when at least this share of it is inside the frame (default 0.3; it is then clipped to the frame) */
  minInFrameShare?: number;
  /**
   * ... and at most this share of it is covered by the opaque part of nearer sprites (default 0.7: a
   * detector still finds a face two-thirds hidden, and a box no detection matches costs nothing).
   */
  maxCoveredShare?: number;
}

export function frameCount(plan: Pick<WalkthroughPlan, 'durationS' | 'fps'>): number {
  return Math.round(plan.durationS * plan.fps);
}

/** Face box of a pose, blending the box shapes of the photos shown. */
export function faceBoxAt(pose: VisitPose, aspect: number): GroundTruthBox {
  const width = aspect * pose.size;
  return { x: pose.cx - width / 2, y: pose.cy - pose.size / 2, width, height: pose.size };
}

export function visitAspectAt(visit: PlannedVisit, tS: number, aspectOf: (visit: PlannedVisit, photoIndex: number) => number): number {
  return photoWeights(visit, tS).reduce((sum, w) => sum + w.weight * aspectOf(visit, w.index), 0);
}

/** Is the point inside the opaque part (alpha >= 0.84) of a sprite's mask around this face box? */
export function insideSpriteMask(box: GroundTruthBox, px: number, py: number): boolean {
  const cx = box.x + box.width / 2, cy = box.y + box.height / 2;
  for (const part of [SPRITE_MASK.head, SPRITE_MASK.neck]) {
    const nx = (px - cx) / (part.rx * box.width);
    const ny = (py - (cy + part.dy * box.height)) / (part.ry * box.height);
    if (Math.hypot(nx, ny) <= OPAQUE_RADIUS) return true;
  }
  return false;
}

/**
 * The ground truth of a plan: per visit, the face box at every source frame
 * where it is visible: not in a miss, at least minInFrameShare of the box
 * inside the frame (the box is then clipped to the frame) and at most
 * maxCoveredShare of it covered by nearer sprites drawn over it. Times are
 * frame / fps.
 */
export function buildGroundTruth(plan: WalkthroughPlan, options: GroundTruthOptions = {}): WalkthroughGroundTruth {
  const aspectOf = options.aspectOf ?? ((visit: PlannedVisit) => visit.nonFace?.aspect ?? DEFAULT_FACE_ASPECT);
  const minInFrame = options.minInFrameShare ?? 0.3;
  const maxCovered = options.maxCoveredShare ?? 0.7;
  const dropped = new Set(options.droppedVisits ?? []);
  const visits = plan.visits.filter((v) => !dropped.has(v.visitId));
  const frames = frameCount(plan);
  const boxes = new Map<number, GroundTruthVisit['boxes']>(visits.map((v) => [v.visitId, []]));
  // Visits sorted by start, so each frame only looks at the ones whose path covers it.
  const byStart = [...visits].sort((a, b) => a.keys[0]!.tS - b.keys[0]!.tS);
  let firstOpen = 0;
  for (let frame = 0; frame < frames; frame++) {
    const tS = frame / plan.fps;
    while (firstOpen < byStart.length && byStart[firstOpen]!.keys.at(-1)!.tS < tS) firstOpen++;
    const present: Array<{ visit: PlannedVisit; size: number; visitId: number; box: GroundTruthBox; hidden: boolean }> = [];
    for (let i = firstOpen; i < byStart.length; i++) {
      const visit = byStart[i]!;
      if (visit.keys[0]!.tS > tS) break;
      const pose = visitPose(visit, tS);
      if (!pose) continue;
      present.push({ visit, size: pose.size, visitId: visit.visitId, box: faceBoxAt(pose, visitAspectAt(visit, tS, aspectOf)), hidden: pose.hidden });
    }
    const ordered = drawOrder(present);
    ordered.forEach((item, z) => {
      if (item.hidden) return;
      const clipped = clipBox(item.box, plan.width, plan.height);
      if (!clipped || clipped.width * clipped.height < minInFrame * item.box.width * item.box.height) return;
      const above = ordered.slice(z + 1).filter((o) => !o.hidden);
      if (above.length > 0 && coveredShare(clipped, above.map((o) => o.box)) > maxCovered) return;
      boxes.get(item.visitId)!.push({ frame, tS: round3(tS), box: roundBox(clipped) });
    });
  }
  return {
    seed: plan.seed,
    fps: plan.fps,
    width: plan.width,
    height: plan.height,
    durationS: plan.durationS,
    frames,
    visits: visits.map((v) => {
      const b = boxes.get(v.visitId)!;
      return {
        visitId: v.visitId,
        kind: v.kind,
        identityKey: v.identityKey,
        lfwName: v.lfwName,
        returningOf: v.returningOf,
        startS: b.length > 0 ? b[0]!.tS : v.keys[0]!.tS,
        endS: b.length > 0 ? b.at(-1)!.tS : v.keys.at(-1)!.tS,
        photos: [...v.photos],
        boxes: b,
      };
    }),
    substitutions: [...(options.substitutions ?? [])],
    droppedVisits: [...dropped].sort((a, b) => a - b),
  };
}

function clipBox(box: GroundTruthBox, width: number, height: number): GroundTruthBox | null {
  const x1 = Math.max(0, box.x), y1 = Math.max(0, box.y);
  const x2 = Math.min(width, box.x + box.width), y2 = Math.min(height, box.y + box.height);
  return x2 > x1 && y2 > y1 ? { x: x1, y: y1, width: x2 - x1, height: y2 - y1 } : null;
}

function roundBox(box: GroundTruthBox): GroundTruthBox {
  return { x: round1(box.x), y: round1(box.y), width: round1(box.width), height: round1(box.height) };
}

/** Share of the box covered by the opaque masks of the sprites over it (8 x 8 sample grid). */
function coveredShare(box: GroundTruthBox, over: readonly GroundTruthBox[]): number {
  const n = 8;
  let covered = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const px = box.x + ((i + 0.5) * box.width) / n, py = box.y + ((j + 0.5) * box.height) / n;
      if (over.some((o) => insideSpriteMask(o, px, py))) covered++;
    }
  }
  return covered / (n * n);
}
