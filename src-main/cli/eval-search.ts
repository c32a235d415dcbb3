/**
 * `npm run eval -- search`: search by face measured on a seeded walk-through (eval-walkthrough.ts).
 * The scene is rendered and processed as for `walkthrough` (members enrolled from some photos,
 * strangers turned into unknown clusters by the video), then searched with LFW photos that were
 * neither enrolled nor shown in the video:
 *   member_rank1     an enrolled member's other photo: the member is the first candidate
 *   stranger_rank1   a stranger whose visit became a cluster, another photo: one of their clusters first
 *   absent_no_match  someone who never appeared (not in the scene at all): nobody at or above the threshold
 * One probe per person (their first unused photo by number; strangers: up to --probes-per-stranger). Searches go through PersonSearch
 * with the default threshold (the match threshold), as the console and the CLI run them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LOCAL_OPERATOR } from '../engine/api/dispatcher.js';
import { VigilError } from '../engine/errors.js';
import { listLfwPeople } from '../engine/evaluation/lfw-files.js';
import { seededRandom } from '../engine/util/seeded-random.js';
import { runSeed, type WalkthroughAfterRun, type WalkthroughCommandOptions } from './eval-walkthrough.js';

export const SEARCH_TARGETS = { member_rank1: 0.95, stranger_rank1: 0.9, absent_no_match: 0.97 } as const;

/** Probes are searched down to this score once, then judged at each threshold of the sweep. */
const SWEEP_FLOOR = 0.3;
const CLUSTER_SWEEP = [0.36, 0.38, 0.4, 0.42, 0.44, 0.46];
type Match = Awaited<ReturnType<WalkthroughAfterRun['engine']['search']['searchFace']>>['matches'][number];

const photoPath = (name: string, index: number) => `${name}/${name}_${String(index).padStart(4, '0')}.jpg`;
const ratio = (hits: number, n: number) => (n === 0 ? null : Math.round((hits / n) * 10000) / 10000);

async function measure(context: WalkthroughAfterRun, absentCount: number, probesPerStranger: number): Promise<Record<string, unknown>> {
  const { engine, plan, groundTruth, imagesDir, keyOfPerson, visits } = context;
  const everyone = listLfwPeople(imagesDir);
  const photosOf = new Map(everyone.map((p) => [p.name, [...p.indices].sort((a, b) => a - b).map((i) => photoPath(p.name, i))]));
  const shown = new Set(groundTruth.visits.flatMap((v) => (v as { photos?: string[] }).photos ?? []));
  const unusedAll = (name: string, exclude: readonly string[] = []) => (photosOf.get(name) ?? []).filter((p) => !shown.has(p) && !exclude.includes(p));
  const unused = (name: string, exclude: readonly string[] = []) => unusedAll(name, exclude)[0] ?? null;
  const threshold = engine.matchPolicy.threshold;
  /** Every probe's candidates down to SWEEP_FLOOR, kept for the cluster-threshold sweep below. */
  const sweepProbes: Array<{ kind: 'member'; personId: number; matches: Match[] } | { kind: 'stranger'; clusters: ReadonlySet<number>; matches: Match[] } | { kind: 'absent'; matches: Match[] }> = [];
  /** Candidates as the app's search gives them (members and clusters at or above the threshold). */
  const atThreshold = (matches: Match[]) => matches.filter((m) => m.score >= threshold);
  const search = async (photo: string) => {
    try {
      const all = (await engine.search.searchFace({ kind: 'photo', bytes: readFileSync(join(imagesDir, photo)), label: photo }, { minScore: SWEEP_FLOOR }, { ...LOCAL_OPERATOR, operator: 'eval' })).matches;
      return all;
    } catch (error) {
      // An LFW photo without a detectable face is no probe (counted apart); anything else fails the run.
      if (error instanceof VigilError && error.code === 'NO_FACE') return null;
      throw error;
    }
  };

  // Members: every enrolled one (walkers and gallery-only), a photo neither enrolled nor shown.
  const personOfKey = new Map([...keyOfPerson].map(([personId, key]) => [key, personId]));
  let memberProbes = 0, memberHits = 0, noFace = 0;
  for (const member of plan.members) {
    const personId = personOfKey.get(member.key);
    const probe = personId === undefined ? null : unused(member.lfwName, member.enrollPhotos);
    if (personId === undefined || !probe) continue;
    const matches = await search(probe);
    if (matches === null) {
      noFace++;
      continue;
    }
    memberProbes++;
    sweepProbes.push({ kind: 'member', personId, matches });
    const first = atThreshold(matches)[0];
    if (first?.kind === 'member' && first.personId === personId) memberHits++;
  }

  // Strangers whose visits became clusters: one of their clusters first.
  const clustersOf = new Map<string, Set<number>>();
  for (const visit of visits) {
    if (visit.kind !== 'stranger') continue;
    for (const c of visit.clusters) (clustersOf.get(visit.identityKey) ?? clustersOf.set(visit.identityKey, new Set()).get(visit.identityKey)!).add(c);
  }
  let strangerProbes = 0, strangerHits = 0, strangersWithoutCluster = 0;
  /** Per stranger: probes and hits (for the per-person average: several probes of one person are not independent). */
  const byStranger = new Map<string, { probes: number; hits: number }>();
  const strangerMisses = { nobody: 0, member_first: 0, other_cluster_first: 0 };
  const strangerName = new Map([...plan.strangers.map((s) => [s.key, s.lfwName] as const), ...plan.members.map((m) => [m.key, m.lfwName] as const)]);
  const strangerKeys = new Set(groundTruth.visits.filter((v) => v.kind === 'stranger').map((v) => v.identityKey));
  for (const key of strangerKeys) {
    const clusters = clustersOf.get(key);
    if (!clusters || clusters.size === 0) {
      strangersWithoutCluster++;
      continue;
    }
    // Up to probesPerStranger photos the video never showed (more probes from the same scene; they share identities).
    for (const probe of unusedAll(strangerName.get(key)!).slice(0, probesPerStranger)) {
      const matches = await search(probe);
      if (matches === null) {
        noFace++;
        continue;
      }
      strangerProbes++;
      sweepProbes.push({ kind: 'stranger', clusters, matches });
      const tally = byStranger.get(key) ?? byStranger.set(key, { probes: 0, hits: 0 }).get(key)!;
      tally.probes++;
      const first = atThreshold(matches)[0];
      if (first?.kind === 'unknown' && clusters.has(first.clusterId)) {
        strangerHits++;
        tally.hits++;
      } else if (!first) strangerMisses.nobody++;
      else if (first.kind === 'member') strangerMisses.member_first++;
      else strangerMisses.other_cluster_first++;
    }
  }

  // People who never appeared: not in the scene in any role; a seeded pick of them.
  const inScene = new Set([...plan.members.map((m) => m.lfwName), ...plan.strangers.map((s) => s.lfwName), ...plan.visits.map((v) => v.lfwName)]);
  const random = seededRandom(plan.seed * 7919 + 1);
  const pool = everyone.filter((p) => !inScene.has(p.name)).map((p) => ({ p, order: random() })).sort((a, b) => a.order - b.order).map((x) => x.p);
  let absentProbes = 0, absentClear = 0;
  for (const person of pool) {
    if (absentProbes >= absentCount) break;
    const matches = await search(photoPath(person.name, [...person.indices].sort((a, b) => a - b)[0]!));
    if (matches === null) continue;
    absentProbes++;
    sweepProbes.push({ kind: 'absent', matches });
    if (atThreshold(matches).length === 0) absentClear++;
  }

  const figures = {
    member_rank1: ratio(memberHits, memberProbes),
    stranger_rank1: ratio(strangerHits, strangerProbes),
    absent_no_match: ratio(absentClear, absentProbes),
  };
  const perPerson = [...byStranger.values()].map((t) => t.hits / t.probes);
  return {
    ...figures,
    /** stranger_rank1 averaged per person (each stranger counts once however many probes they had). */
    stranger_rank1_per_person: perPerson.length === 0 ? null : Math.round((perPerson.reduce((a, b) => a + b, 0) / perPerson.length) * 10000) / 10000,
    stranger_misses: strangerMisses,
    probes: {
      members: memberProbes,
      strangers: strangerProbes,
      /** Distinct strangers behind the stranger probes (several probes of one person are not independent). */
      stranger_identities: byStranger.size,
      probes_per_stranger: probesPerStranger,
      absent: absentProbes,
      without_face: noFace,
      strangers_without_cluster: strangersWithoutCluster,
    },
    threshold,
    /**
     * What a lower threshold for unknown people's clusters alone would give (members keep the match
     * threshold): the same probes, re-judged. A calibration aid; the app searches at the threshold.
     */
    cluster_threshold_sweep: CLUSTER_SWEEP.map((clusterThreshold) => {
      const kept = (matches: Match[]) => matches.filter((m) => m.score >= (m.kind === 'member' ? threshold : clusterThreshold));
      let members = 0, memberOk = 0, strangers = 0, strangerOk = 0, absent = 0, absentOk = 0;
      for (const probe of sweepProbes) {
        const first = kept(probe.matches)[0];
        if (probe.kind === 'member') {
          members++;
          if (first?.kind === 'member' && first.personId === probe.personId) memberOk++;
        } else if (probe.kind === 'stranger') {
          strangers++;
          if (first?.kind === 'unknown' && probe.clusters.has(first.clusterId)) strangerOk++;
        } else {
          absent++;
          if (first === undefined) absentOk++;
        }
      }
      return { cluster_threshold: clusterThreshold, member_rank1: ratio(memberOk, members), stranger_rank1: ratio(strangerOk, strangers), absent_no_match: ratio(absentOk, absent) };
    }),
    targets_met: Object.fromEntries(Object.entries(SEARCH_TARGETS).map(([k, target]) => [k, (figures[k as keyof typeof figures] ?? 1) >= target])),
  };
}

export async function searchEvalCommand(options: WalkthroughCommandOptions & { absent: number; probesPerStranger: number }): Promise<void> {
  for (const seed of options.seeds) {
    const result = await runSeed(seed, options, (context) => measure(context, options.absent, options.probesPerStranger));
    if (options.json) process.stdout.write(`${JSON.stringify(result)}\n`);
    else {
      const pct = (v: unknown) => (typeof v === 'number' ? `${(v * 100).toFixed(1)} %` : 'n/a');
      const probes = result.probes as Record<string, number>;
      console.log(
        [
          `search by face, walk-through seed ${seed} (threshold ${String(result.threshold)}):`,
          `  members first        ${pct(result.member_rank1)} of ${probes.members}`,
          `  strangers first      ${pct(result.stranger_rank1)} of ${probes.strangers} (${probes.stranger_identities} people; ${probes.strangers_without_cluster} never clustered)`,
          `  absent: nobody       ${pct(result.absent_no_match)} of ${probes.absent}`,
        ].join('\n'),
      );
    }
  }
}
