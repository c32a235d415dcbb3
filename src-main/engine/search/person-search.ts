/**
 * Finding a person: "when was X last seen" (by name, employee code, id or an
 * unknown person's #number) and search by face (a photo's face, or a kept face
 * of an unknown cluster, compared with the enrolled members and the open
 * unknown clusters). The probe photo and its embeddings live only in memory for
 * the length of the call: nothing about them is written, except the audit row
 * (who searched, how many faces, how many results).
 */
import type { FaceSearchMatch, FaceSearchResult, LastSeenSubject, Person, Sighting } from '../../../src-preload/contract.js';
import type { CallerContext } from '../api/dispatcher.js';
import type { Engine } from '../engine.js';
import { VigilError } from '../errors.js';
import type { AuditWrite } from '../storage/audit-log.js';
import type { SightingFilters } from '../storage/repositories.js';
import { decodeImage } from '../vision/image-io.js';
import { type Candidate, largestFirst, rankCandidates, scoreClusters, timeRange } from './rank.js';

export interface SearchFilters {
  since?: string;
  until?: string;
  /** Camera names; none or empty: every camera. */
  cameras?: string[];
}

export interface FaceSearchOptions extends SearchFilters {
  /** Lowest similarity reported; default: the match threshold. */
  minScore?: number;
  /** Candidates at most (default 20). */
  limit?: number;
  /** Sightings listed per candidate, newest first (default 10). */
  sightingsPerMatch?: number;
  /** Which face of the photo (index into the faces, largest first); default the largest. */
  faceIndex?: number;
}

export type FaceSource =
  | { kind: 'photo'; bytes: Buffer; label: string }
  | { kind: 'clusterFace'; faceId: number }
  /** A sighting's kept snapshot (decrypted in memory; never stored again). */
  | { kind: 'sightingSnapshot'; sightingId: number };

/** Where search audit rows go: the engine's own trail, or (read-only CLI) a connection opened for that row alone. */
export type AuditSink = (entry: AuditWrite) => void;

const DEFAULT_LIMIT = 20;
const DEFAULT_SIGHTINGS = 10;
/** A name search in the console lists at most this many people. */
const MAX_SUBJECTS = 10;

function filtersOf(options: SearchFilters): SightingFilters {
  let range: { since?: string; until?: string };
  try {
    range = timeRange(options.since, options.until);
  } catch (error) {
    throw new VigilError('BAD_REQUEST', (error as Error).message);
  }
  const cameras = (options.cameras ?? []).map((c) => c.trim()).filter((c) => c.length > 0);
  return { ...range, ...(cameras.length > 0 ? { cameras } : {}) };
}

const filtered = (f: SightingFilters) => f.since !== undefined || f.until !== undefined || (f.cameras?.length ?? 0) > 0;

export class PersonSearch {
  constructor(
    private readonly engine: Engine,
    private readonly audit: AuditSink = (entry) => engine.auditLog.append(entry),
  ) {}

  // ---------- last seen ----------

  /** Exactly one subject (CLI): a name, employee code or id (as erase and export resolve them), or #<cluster number>. */
  lastSeen(key: string, options: SearchFilters & { limit?: number } = {}): { subject: LastSeenSubject; sightings: Sighting[] } {
    const filters = filtersOf(options);
    const limit = options.limit ?? 20;
    const cluster = /^#\s*(\d+)$/.exec(key.trim());
    if (cluster) return this.clusterSubject(Number(cluster[1]), filters, limit);
    const person = this.engine.peopleService.resolve(key);
    return { subject: memberSubject(person), sightings: this.engine.sightingRepo.latestOfPerson(person.id, filters, limit) };
  }

  /**
   * The console's search box: #<number> is an unknown person; anything else matches names and
   * employee codes (exact matches first, then partial ones), up to ten people, each with their
   * latest sightings. Nobody matching is an empty list, not an error.
   */
  findLastSeen(query: string, options: SearchFilters & { limit?: number } = {}): Array<{ subject: LastSeenSubject; sightings: Sighting[] }> {
    const filters = filtersOf(options);
    const limit = options.limit ?? 20;
    const text = query.trim();
    if (!text) return [];
    const cluster = /^#\s*(\d+)$/.exec(text);
    if (cluster) {
      try {
        return [this.clusterSubject(Number(cluster[1]), filters, limit)];
      } catch (error) {
        if (error instanceof VigilError && error.code === 'NOT_FOUND') return [];
        throw error;
      }
    }
    const exact = this.engine.people.findByNameOrCode(text);
    const byId = /^\d+$/.test(text) ? this.engine.people.get(Number(text)) : null;
    const partial = this.engine.people.list({ search: text });
    const seen = new Set<number>();
    const people = [...exact, ...(byId ? [byId] : []), ...partial].filter((p) => !seen.has(p.id) && seen.add(p.id)).slice(0, MAX_SUBJECTS);
    return people.map((person) => ({ subject: memberSubject(person), sightings: this.engine.sightingRepo.latestOfPerson(person.id, filters, limit) }));
  }

  private clusterSubject(clusterId: number, filters: SightingFilters, limit: number): { subject: LastSeenSubject; sightings: Sighting[] } {
    const cluster = this.engine.unknowns.repo.get(clusterId);
    if (!cluster) throw new VigilError('NOT_FOUND', `There is no unknown person #${clusterId} (never seen, or purged after the retention period)`);
    return {
      subject: { kind: 'unknown', clusterId, status: cluster.status, personId: cluster.personId },
      sightings: this.engine.sightingRepo.latestOfCluster(clusterId, filters, limit),
    };
  }

  // ---------- search by face ----------

  /**
   * Finds the faces of a photo (or takes a cluster's kept face), and ranks the members and the
   * open unknown clusters like it. Every call that gets past validation is audited, also one that
   * finds no face or fails to read the photo (then with the error's code); a failed audit write
   * fails the search (no answer without its trace).
   */
  async searchFace(source: FaceSource, options: FaceSearchOptions, caller: CallerContext): Promise<FaceSearchResult> {
    const filters = filtersOf(options);
    const minScore = options.minScore ?? this.engine.matchPolicy.threshold;
    if (!Number.isFinite(minScore) || minScore < -1 || minScore > 1) throw new VigilError('BAD_REQUEST', `the minimum score must be between -1 and 1, got ${minScore}`);
    const limit = options.limit ?? DEFAULT_LIMIT;
    if (!Number.isInteger(limit) || limit < 1) throw new VigilError('BAD_REQUEST', `the limit must be a whole number of at least 1, got ${limit}`);
    const auditDetails: Record<string, unknown> = {
      source: source.kind === 'photo' ? 'photo' : source.kind === 'clusterFace' ? 'cluster-face' : 'sighting-snapshot',
      ...(source.kind === 'clusterFace' ? { faceId: source.faceId } : {}),
      ...(source.kind === 'sightingSnapshot' ? { sightingId: source.sightingId } : {}),
      filters: { since: filters.since ?? null, until: filters.until ?? null, cameras: filters.cameras ?? [], minScore, limit },
    };
    let result: FaceSearchResult;
    try {
      result = await this.searchUnaudited(source, { ...options, limit }, filters, minScore);
    } catch (error) {
      const code = error instanceof VigilError ? error.code : 'INTERNAL';
      this.record(caller, { ...auditDetails, faces: code === 'NO_FACE' ? 0 : null, results: 0, error: code });
      throw error;
    }
    this.record(caller, { ...auditDetails, faces: result.faces.length, chosenFace: result.chosenFace, results: result.matches.length });
    return result;
  }

  private record(caller: CallerContext, details: Record<string, unknown>): void {
    this.audit({ operator: caller.operator, action: 'search.face', subjectKind: 'search', subjectId: null, subjectLabel: null, details });
  }

  private async searchUnaudited(source: FaceSource, options: FaceSearchOptions & { limit: number }, filters: SightingFilters, minScore: number): Promise<FaceSearchResult> {
    let probe: Float32Array;
    let faces: FaceSearchResult['faces'] = [];
    let chosenFace: number | null = null;
    let excludeCluster: number | null = null;
    if (source.kind === 'clusterFace') {
      const face = this.engine.unknowns.repo.face(source.faceId);
      if (!face) throw new VigilError('NOT_FOUND', `That face of an unknown person is no longer kept (purged, dismissed or named meanwhile)`);
      probe = face.embedding;
      excludeCluster = face.clusterId;
    } else {
      let bytes: Buffer, label: string;
      if (source.kind === 'sightingSnapshot') {
        // The same pipeline as a photo, on the decrypted crop; the buffer is this call's alone.
        const snapshot = this.engine.unknowns.sightingSnapshotJpeg(source.sightingId);
        bytes = snapshot.jpeg;
        label = `the snapshot of sighting ${source.sightingId}`;
        excludeCluster = snapshot.clusterId;
      } else {
        ({ bytes, label } = source);
      }
      const inference = await this.engine.photoInference();
      const decoded = await decodeImage(bytes, label);
      const found = await inference.analyze(decoded.image);
      if (found.length === 0) {
        throw new VigilError('NO_FACE', `No face was found in ${label}: use a photo where a face is clearly visible, facing the camera and not too small`);
      }
      const order = largestFirst(found.map((f) => f.detection.box));
      const scale = decoded.scaleToOriginal;
      const round = (v: number) => Math.round(v * scale * 10) / 10;
      faces = order.map((i, index) => {
        const { box, score } = found[i]!.detection;
        return {
          index,
          bbox: { x: round(box.x), y: round(box.y), width: round(box.width), height: round(box.height) },
          detScore: Math.round(score * 1000) / 1000,
          quality: Math.round(found[i]!.quality * 1000) / 1000,
        };
      });
      chosenFace = options.faceIndex ?? 0;
      if (!Number.isInteger(chosenFace) || chosenFace < 0 || chosenFace >= faces.length) {
        throw new VigilError('BAD_REQUEST', `The photo has ${faces.length} face(s); choose one of 1 to ${faces.length}`);
      }
      probe = found[order[chosenFace]!]!.embedding;
    }
    return { faces, chosenFace, threshold: minScore, matches: this.matchesFor(probe, { ...options, minScore }, filters, excludeCluster) };
  }

  /** The ranked answer for one embedding (also the bench's and the evaluation's entry point, without audit). */
  matchesFor(probe: Float32Array, options: { minScore: number; limit: number; sightingsPerMatch?: number }, filters: SightingFilters = {}, excludeCluster: number | null = null): FaceSearchMatch[] {
    const members: Candidate[] = this.engine.vectorIndex
      .candidates(probe)
      // Deactivated or erased (even mid-erasure): no longer a candidate.
      .filter((c) => this.engine.isMatchable(c.personId))
      .map((c) => ({ kind: 'member', personId: c.personId, score: c.score }));
    const unknowns = scoreClusters(probe, this.engine.unknowns.searchableClusters(), options.minScore, excludeCluster);
    const perMatch = options.sightingsPerMatch ?? DEFAULT_SIGHTINGS;
    const narrowed = filtered(filters);
    const matches: FaceSearchMatch[] = [];
    // Ranked over every candidate; with a time or camera filter, those not seen there drop out.
    for (const candidate of rankCandidates(members, unknowns, options.minScore, narrowed ? Number.MAX_SAFE_INTEGER : options.limit)) {
      if (matches.length >= options.limit) break;
      const score = Math.round(candidate.score * 1000) / 1000;
      if (candidate.kind === 'member') {
        const facts = this.engine.personFacts(candidate.personId);
        if (!facts) continue;
        const sightings = this.engine.sightingRepo.latestOfPerson(candidate.personId, filters, perMatch);
        if (narrowed && sightings.length === 0) continue;
        matches.push({ kind: 'member', personId: candidate.personId, name: facts.name, category: facts.category, score, sightings });
      } else {
        const sightings = this.engine.sightingRepo.latestOfCluster(candidate.clusterId, filters, perMatch);
        if (narrowed && sightings.length === 0) continue;
        matches.push({ kind: 'unknown', clusterId: candidate.clusterId, score, sightings });
      }
    }
    return matches;
  }
}

function memberSubject(person: Person): LastSeenSubject {
  return { kind: 'member', personId: person.id, name: person.name, employeeCode: person.employeeCode, status: person.status };
}
