import type {
  EnrollmentResult,
  EventName,
  EventOf,
  Person,
  PersonCategory,
  PersonExport,
  PersonStatus,
  PhotoOutcome,
  Resemblance,
  ResemblanceRecord,
  TemplateInfo,
} from '../../src-preload/contract.js';
import { MAX_ENROLL_PHOTOS, RECOMMENDED_MIN_PHOTOS } from '../../src-preload/contract.js';
import type { CallerContext } from './api/dispatcher.js';
import { type AcceptedPhoto, assessEnrollmentPhotos, type PhotoBytes } from './enrollment.js';
import { VigilError } from './errors.js';
import type { FaceAnalyzer } from './inference/face-analyzer.js';
import type { EngineLog } from './logger.js';
import type { FaceGallery } from './matching/face-gallery.js';
import type { MatchPolicy } from './matching/match-decision.js';
import { type Db, nowIso } from './storage/database.js';
import { scrubDatabaseOffLoop } from './storage/scrub.js';
import { AuditRepository, type PeopleRepository, type PersonFilters, type PersonRecord, type SightingRepository } from './storage/repositories.js';
import { AlertsRepository } from './storage/alerts-repository.js';
import { UnknownsRepository } from './storage/unknowns-repository.js';
import { dot, type RgbImage } from './vision/geometry.js';
import { encodeJpeg } from './vision/image-io.js';
import type { RemoteFacesRepository } from './storage/remote-faces-repository.js';
import type { RemoteFaceSync } from './remote/remote-face-sync.js';

export interface PeopleServiceDeps {
  db: Db;
  people: PeopleRepository;
  sightings: SightingRepository;
  gallery: FaceGallery;
  embedderId: string;
  matchPolicy: MatchPolicy;
  /**
   * At or above this similarity to someone enrolled a new face is the same person (refused unless
   * overridden); from the match threshold up to it, it only resembles them (enrolled with a warning).
   */
  duplicateThreshold: number;
  analyzer: () => Promise<FaceAnalyzer>;
  emit: <E extends EventName>(name: E, payload: EventOf<E>) => void;
  log: EngineLog;
  /** What Vigil indexed remotely and the jobs waiting (always there; empty in local mode). */
  remoteFaces: RemoteFacesRepository;
  /** The remote collection's sync, when the site's matcher mode is not local. */
  remote: () => { sync: RemoteFaceSync; collection: string; eraseWaitMs: number } | null;
}

/** What became of a person's faces in the remote collection when they were erased. */
export type RemoteDeletion = 'not-used' | 'deleted' | 'pending';

export interface DuplicateMatch {
  personId: number;
  name: string;
  score: number;
}

export interface EnrollOptions {
  /** Save with fewer than RECOMMENDED_MIN_PHOTOS usable photos (bulk import, "enroll with fewer anyway"). */
  allowFewerPhotos?: boolean;
  /** Save although the face matches someone; needs the people.override-duplicate permission. */
  overrideDuplicate?: boolean;
  /** Least usable photos to save at all when allowFewerPhotos is set (default 1). */
  minPhotos?: number;
}

/** Fields of the request to people.enroll after validation. */
export interface EnrollRequest {
  record: PersonRecord;
  consent: { textVersion: string };
  photos: PhotoBytes[];
}

const round3 = (v: number) => Math.round(v * 1000) / 1000;

/** An enrollment refused as a whole (duplicate face, too few usable photos), with each photo's verdict. */
export class EnrollmentRefused extends VigilError {
  constructor(
    code: 'DUPLICATE_FACE' | 'NOT_ENOUGH_PHOTOS',
    message: string,
    readonly photos: PhotoOutcome[],
    readonly duplicate: DuplicateMatch | null = null,
  ) {
    super(code, message);
  }
}

/**
 * The person lifecycle: enroll (with duplicate check and consent), correct,
 * deactivate, re-enroll, export and erase. Every change writes an audit entry
 * in the same transaction; nothing biometric ever goes into the audit log.
 */
export class PeopleService {
  private readonly audit: AuditRepository;

  constructor(private readonly deps: PeopleServiceDeps) {
    this.audit = new AuditRepository(deps.db);
  }

  list(filters: PersonFilters = {}): Person[] {
    return this.deps.people.list(filters, this.deps.embedderId);
  }

  /** The person or NOT_FOUND in plain words. */
  require(id: number): Person {
    const person = this.deps.people.get(id, this.deps.embedderId);
    if (!person) throw new VigilError('NOT_FOUND', `Nobody with id ${id} is enrolled (already erased?)`);
    return person;
  }

  get(id: number): { person: Person; templates: TemplateInfo[]; resemblances: ResemblanceRecord[] } {
    const person = this.require(id);
    const templates = this.deps.people.templatesOf(id).map(({ id: templateId, embedderId, createdAt, quality, source }) => ({
      id: templateId,
      embedderId,
      createdAt,
      quality,
      source,
    }));
    return { person, templates, resemblances: this.deps.people.resemblances(id) };
  }

  /** HR looked at a resemblance warning (two different people who look alike): recorded and audited. */
  reviewResemblance(id: number, otherId: number, caller: CallerContext): { person: Person; resemblances: ResemblanceRecord[] } {
    const person = this.require(id);
    const reviewed = this.deps.people.reviewResemblance(id, otherId, caller.operator, {
      operator: caller.operator,
      action: 'person.resemblance-reviewed',
      subjectKind: 'person',
      subjectId: id,
      subjectLabel: person.name,
      details: { otherPersonId: otherId },
    });
    if (!reviewed) throw new VigilError('NOT_FOUND', `${person.name} has no resemblance warning about person ${otherId}`);
    this.deps.emit('people.changed', { personId: id, change: 'updated' });
    return { person: this.require(id), resemblances: this.deps.people.resemblances(id) };
  }

  /** A person named by employee code, name or numeric id (CLI); ambiguity is an error, never a guess. */
  resolve(key: string): Person {
    const trimmed = key.trim();
    if (!trimmed) throw new VigilError('BAD_REQUEST', 'Name the person (name, employee code or id)');
    const found = this.deps.people.findByNameOrCode(trimmed);
    if (found.length === 0 && /^\d+$/.test(trimmed)) {
      const byId = this.deps.people.get(Number(trimmed));
      if (byId) return byId;
    }
    if (found.length === 0) throw new VigilError('NOT_FOUND', `Nobody called or coded "${trimmed}" is enrolled`);
    const byCode = found.filter((p) => p.employeeCode?.toLowerCase() === trimmed.toLowerCase());
    if (byCode.length === 1) return byCode[0]!;
    if (found.length > 1) {
      const list = found.map((p) => `${p.name} (id ${p.id}${p.employeeCode ? `, code ${p.employeeCode}` : ''})`).join(', ');
      throw new VigilError('CONFLICT', `${found.length} people match "${trimmed}": ${list}. Use the employee code or id.`);
    }
    return found[0]!;
  }

  /** Quality verdicts only: nothing is stored. */
  async checkPhotos(photos: PhotoBytes[]): Promise<PhotoOutcome[]> {
    const analyzer = await this.deps.analyzer();
    return (await assessEnrollmentPhotos(analyzer, photos)).outcomes;
  }

  /**
   * The closest enrolled person to any of the new faces, when it is at or above
   * the match threshold: everyone enrolled counts, inactive people included
   * (a returning employee should be reactivated, not enrolled twice).
   */
  closestEnrolled(embeddings: Float32Array[], excludePersonId: number | null = null): DuplicateMatch | null {
    let best: { personId: number; score: number } | null = null;
    const consider = (personId: number, score: number) => {
      if (personId !== excludePersonId && (!best || score > best.score)) best = { personId, score };
    };
    for (const embedding of embeddings) {
      for (const candidate of this.deps.gallery.candidates(embedding)) consider(candidate.personId, candidate.score);
    }
    // Inactive people are not in the matching index: score their centroids directly.
    const sums = new Map<number, Float32Array>();
    for (const t of this.deps.people.templates(this.deps.embedderId, 'inactive')) {
      const sum = sums.get(t.personId) ?? new Float32Array(t.embedding.length);
      for (let i = 0; i < sum.length; i++) sum[i]! += t.embedding[i]!;
      sums.set(t.personId, sum);
    }
    for (const [personId, sum] of sums) {
      const norm = Math.sqrt(dot(sum, sum)) || 1;
      const centroid = sum.map((v) => v / norm);
      for (const embedding of embeddings) consider(personId, dot(embedding, centroid));
    }
    const found = best as { personId: number; score: number } | null;
    if (!found || found.score < this.deps.matchPolicy.threshold) return null;
    return { personId: found.personId, name: this.deps.people.get(found.personId)?.name ?? '?', score: round3(found.score) };
  }

  /** Judges the photos, then applies the photo-count and duplicate rules; throws with a clear code when they fail. */
  private async acceptPhotos(
    photos: PhotoBytes[],
    options: EnrollOptions,
    caller: CallerContext,
    excludePersonId: number | null,
  ): Promise<{ accepted: AcceptedPhoto[]; outcomes: PhotoOutcome[]; duplicate: DuplicateMatch | null; resembles: Resemblance | null }> {
    if (photos.length === 0) throw new VigilError('BAD_REQUEST', 'Add at least one photo');
    if (options.overrideDuplicate && !caller.permissions.has('people.override-duplicate')) {
      throw new VigilError('FORBIDDEN', 'Saving a face that matches someone already enrolled needs the "people.override-duplicate" permission');
    }
    const analyzer = await this.deps.analyzer();
    // The crops are kept (in memory) only when they are to be indexed remotely.
    const assessed = await assessEnrollmentPhotos(analyzer, photos, undefined, { keepCrops: this.deps.remote() !== null });
    const { accepted, outcomes } = keepBest(assessed.accepted, assessed.outcomes);
    const needed = options.allowFewerPhotos ? Math.max(1, options.minPhotos ?? 1) : RECOMMENDED_MIN_PHOTOS;
    if (accepted.length === 0) return { accepted, outcomes, duplicate: null, resembles: null };
    if (accepted.length < needed) {
      throw new EnrollmentRefused(
        'NOT_ENOUGH_PHOTOS',
        `Only ${accepted.length} of ${photos.length} photos can be used; ${needed} usable photos are needed` +
          (options.allowFewerPhotos ? '' : ' (or choose to enroll with fewer anyway)'),
        outcomes,
      );
    }
    const closest = this.closestEnrolled(
      accepted.map((a) => a.face.embedding),
      excludePersonId,
    );
    // Near-certain same person: refused (the override is for HR who know better).
    // Merely alike (match threshold up to the duplicate threshold): saved with a warning to review.
    if (closest && closest.score >= this.deps.duplicateThreshold) {
      if (!options.overrideDuplicate) {
        throw new EnrollmentRefused(
          'DUPLICATE_FACE',
          `This face already matches ${closest.name} (${closest.score.toFixed(2)}); nothing was saved`,
          outcomes,
          closest,
        );
      }
      return { accepted, outcomes, duplicate: closest, resembles: null };
    }
    return { accepted, outcomes, duplicate: null, resembles: closest };
  }

  /** Enrolls a new person: record, consent, templates and audit entry in ONE transaction. */
  async enroll(request: EnrollRequest, options: EnrollOptions, caller: CallerContext): Promise<EnrollmentResult> {
    const { accepted, outcomes, duplicate, resembles } = await this.acceptPhotos(request.photos, options, caller, null);
    if (accepted.length === 0) return { person: null, photos: outcomes };
    const saved = this.deps.db.transaction(() => {
      const created = this.deps.people.create(
      request.record,
      { at: nowIso(), by: caller.operator, textVersion: request.consent.textVersion },
      this.deps.embedderId,
      toTemplates(accepted),
      {
        operator: caller.operator,
        action: 'person.enrolled',
        subjectKind: 'person',
        subjectId: null,
        subjectLabel: request.record.name,
        details: {
          templates: accepted.length,
          photosOffered: request.photos.length,
          consentTextVersion: request.consent.textVersion,
          ...(duplicate ? { duplicateOverridden: duplicate } : {}),
          ...(resembles ? { resembles: { personId: resembles.personId, score: resembles.score } } : {}),
        },
      },
      );
      if (resembles) this.deps.people.recordResemblance(created.personId, resembles.personId, resembles.score);
      return created;
    })();
    await this.deps.gallery.add(
      accepted.map((a, i) => ({ id: saved.templateIds[i]!, personId: saved.personId, embedding: a.face.embedding })),
      this.deps.people.templatesGeneration(),
    );
    this.deps.emit('people.changed', { personId: saved.personId, change: 'enrolled' });
    await this.queueRemoteIndex(saved.personId, accepted);
    return { person: this.require(saved.personId), photos: outcomes, overriddenDuplicate: duplicate, resembles };
  }

  /** Re-enrollment: adds templates, or replaces them all (the old vectors are scrubbed like an erasure). */
  async saveTemplates(
    id: number,
    photos: PhotoBytes[],
    mode: 'add' | 'replace',
    options: EnrollOptions,
    caller: CallerContext,
  ): Promise<EnrollmentResult> {
    const person = this.require(id);
    const { accepted, outcomes, duplicate, resembles } = await this.acceptPhotos(photos, mode === 'add' ? { ...options, allowFewerPhotos: true } : options, caller, id);
    if (accepted.length === 0) return { person: null, photos: outcomes };
    const saved = this.deps.db.transaction(() => {
      const result = this.deps.people.saveTemplates(id, this.deps.embedderId, toTemplates(accepted), mode, {
        operator: caller.operator,
        action: mode === 'add' ? 'person.templates-added' : 'person.templates-replaced',
        subjectKind: 'person',
        subjectId: id,
        subjectLabel: person.name,
        details: {
          added: accepted.length,
          ...(mode === 'replace' ? { removed: person.templateCount } : {}),
          ...(duplicate ? { duplicateOverridden: duplicate } : {}),
          ...(resembles ? { resembles: { personId: resembles.personId, score: resembles.score } } : {}),
        },
      });
      if (resembles) this.deps.people.recordResemblance(id, resembles.personId, resembles.score);
      return result;
    })();
    const generation = this.deps.people.templatesGeneration();
    const added = person.status === 'active' ? accepted.map((a, i) => ({ id: saved.templateIds[i]!, personId: id, embedding: a.face.embedding })) : [];
    if (mode === 'replace') {
      // The old vectors leave matching now, their bytes the index file and the database off the event loop.
      const scrubbed = this.deps.gallery.scrub(saved.removedTemplateIds, generation);
      const stored = this.deps.gallery.add(added, generation);
      this.deps.emit('people.changed', { personId: id, change: 'templates' });
      await scrubbed;
      await stored;
      await scrubDatabaseOffLoop(this.deps.db, this.deps.log, 'replace templates');
    } else {
      // An inactive person's templates stay out of the index (only the generation moves).
      await this.deps.gallery.add(added, generation);
      this.deps.emit('people.changed', { personId: id, change: 'templates' });
    }
    if (person.status === 'active') {
      // Replaced faces go from the collection too (the delete job runs before the new index jobs).
      if (mode === 'replace') this.queueRemoteDelete(id);
      await this.queueRemoteIndex(id, accepted);
    }
    return { person: this.require(id), photos: outcomes, overriddenDuplicate: duplicate, resembles };
  }

  update(
    id: number,
    changes: Partial<{ name: string; employeeCode: string | null; department: string | null; category: PersonCategory; notes: string | null }>,
    caller: CallerContext,
  ): Person {
    const person = this.require(id);
    this.deps.people.update(id, changes, (changed) => ({
      operator: caller.operator,
      action: 'person.updated',
      subjectKind: 'person',
      subjectId: id,
      subjectLabel: changes.name ?? person.name,
      // Which fields changed, not their values: notes may be sensitive.
      details: { fields: changed },
    }));
    this.deps.emit('people.changed', { personId: id, change: 'updated' });
    return this.require(id);
  }

  /**
   * Deactivated people are no longer matched from the moment this is called (their templates
   * leave the matching maps at once; the native index and its file follow off the event loop);
   * reactivated ones are matched again when it resolves.
   */
  async setStatus(id: number, status: PersonStatus, caller: CallerContext): Promise<Person> {
    const person = this.require(id);
    const changed = this.deps.people.update(id, { status }, () => ({
      operator: caller.operator,
      action: status === 'inactive' ? 'person.deactivated' : 'person.reactivated',
      subjectKind: 'person',
      subjectId: id,
      subjectLabel: person.name,
    }));
    if (changed.length > 0) {
      const generation = this.deps.people.templatesGeneration();
      const templates = this.deps.people.templatesOf(id).filter((t) => t.embedderId === this.deps.embedderId);
      const done =
        status === 'inactive'
          ? this.deps.gallery.deactivate(templates.map((t) => t.id), generation)
          : this.deps.gallery.add(templates.map((t) => ({ id: t.id, personId: id, embedding: t.embedding })), generation);
      this.deps.emit('people.changed', { personId: id, change: 'status' });
      await done;
      // Deactivated: their faces leave the collection (queued; sent when the service answers). The
      // photos are not kept, so a reactivated person is matched remotely again only once re-enrolled.
      if (status === 'inactive') this.queueRemoteDelete(id);
    }
    return this.require(id);
  }

  /** Subject-access export: everything stored about the person; the export itself is audited. */
  export(id: number, includeEmbeddings: boolean, caller: CallerContext): PersonExport {
    const person = this.require(id);
    this.audit.append({
      operator: caller.operator,
      action: 'person.exported',
      subjectKind: 'person',
      subjectId: id,
      subjectLabel: person.name,
      details: { includeEmbeddings },
    });
    return {
      exportedAt: nowIso(),
      exportedBy: caller.operator,
      person,
      templates: this.deps.people.templatesOf(id).map((t) => ({
        id: t.id,
        embedderId: t.embedderId,
        dimension: t.dimension,
        createdAt: t.createdAt,
        quality: t.quality,
        source: t.source,
        ...(includeEmbeddings ? { embedding: Array.from(t.embedding) } : {}),
      })),
      sightings: this.deps.sightings.forPerson(id),
      unknownClusters: new UnknownsRepository(this.deps.db).namedAs(id),
      alerts: new AlertsRepository(this.deps.db).aboutPerson(id),
      audit: this.audit.about('person', id),
      remoteFaces: this.remoteFacesOf(id),
    };
  }

  /**
   * Erases the person, their templates and sightings, then makes sure the
   * vector bytes are gone from disk. Matching stops at once (the templates
   * leave the matching maps synchronously, before this first yields); then,
   * off the event loop, each vector is overwritten in place in the index and
   * the index file rewritten (hnswlib's asynchronous writer), and the database
   * is vacuumed and its WAL truncated by a worker thread's own connection.
   * Resolves when no file holds the vectors. The audit entry (who, when, whom;
   * nothing biometric) stays.
   */
  async erase(id: number, caller: CallerContext): Promise<{ erased: true; name: string; remoteDeletion: RemoteDeletion }> {
    const person = this.require(id);
    const templateIds = this.deps.people.templatesOf(id).map((t) => t.id);
    const { erased } = this.deps.people.erase(id, {
      operator: caller.operator,
      action: 'person.erased',
      subjectKind: 'person',
      subjectId: id,
      subjectLabel: person.employeeCode ? `${person.name} (${person.employeeCode})` : person.name,
      details: { templatesErased: templateIds.length },
    });
    if (!erased) throw new VigilError('NOT_FOUND', `Nobody with id ${id} is enrolled (already erased?)`);
    const scrubbed = this.deps.gallery.scrub(templateIds, this.deps.people.templatesGeneration());
    this.deps.emit('people.changed', { personId: id, change: 'erased' });
    // Crops waiting to be indexed are dropped (with the job rows) before the scrub below.
    const remoteDone = this.queueRemoteDelete(id);
    await scrubbed;
    await scrubDatabaseOffLoop(this.deps.db, this.deps.log, 'erase');
    return { erased: true, name: person.name, remoteDeletion: await this.remoteDeletionOutcome(id, remoteDone) };
  }

  /**
   * Whether the person's remote faces are gone: a run of the queue is given `eraseWaitMs`; a
   * delete still queued then (offline, refused) is "pending", and the erasure must say so.
   * Faces indexed while local mode was on earlier still count (the queue and the face list are kept).
   */
  private async remoteDeletionOutcome(id: number, run: Promise<void> | null): Promise<RemoteDeletion> {
    const remote = this.deps.remote();
    if (run && remote) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([run, new Promise<void>((resolve) => (timer = setTimeout(resolve, remote.eraseWaitMs)))]);
      clearTimeout(timer);
    }
    if (this.deps.remoteFaces.pendingFor(id).delete > 0) return 'pending';
    return run ? 'deleted' : this.deps.remoteFaces.facesOf(id).length > 0 ? 'pending' : 'not-used';
  }

  /** Queues one index job per accepted face crop (JPEG) and starts the queue; never waits for the network. */
  private async queueRemoteIndex(personId: number, accepted: AcceptedPhoto[]): Promise<void> {
    const remote = this.deps.remote();
    if (!remote) return;
    const crops = accepted.map((a) => a.crop).filter((c): c is RgbImage => c != null);
    try {
      const jpegs = await Promise.all(crops.map((crop) => encodeJpeg(crop, 90)));
      this.deps.remoteFaces.enqueueIndex(personId, jpegs);
      void remote.sync.kick();
    } catch (error) {
      // The person is enrolled locally either way; remote indexing is an extra.
      this.deps.log.warn('remote', 'enrolled faces not queued for remote indexing', { personId, reason: (error as Error).message });
    }
  }

  /**
   * Queues the deletion of every remote face of a person and starts the queue. In local mode a
   * delete is still queued when faces are known to be held remotely (the site switched back to
   * local): it is sent once a remote mode is on again. Returns the queue's run (null: no remote now).
   */
  private queueRemoteDelete(personId: number): Promise<void> | null {
    const remote = this.deps.remote();
    const known = this.deps.remoteFaces.facesOf(personId).length > 0;
    if (!remote && !known) return null;
    this.deps.remoteFaces.enqueueDeletePerson(personId);
    return remote ? remote.sync.kick() : null;
  }

  /** The subject-access export's view of the remote collection. */
  private remoteFacesOf(id: number): PersonExport['remoteFaces'] {
    const pending = this.deps.remoteFaces.pendingFor(id);
    return { faces: this.deps.remoteFaces.facesOf(id), pendingIndex: pending.index, pendingDelete: pending.delete > 0 };
  }
}

/** At most MAX_ENROLL_PHOTOS templates per enrollment: the best faces are kept, the others reported. */
function keepBest(accepted: AcceptedPhoto[], outcomes: PhotoOutcome[]): { accepted: AcceptedPhoto[]; outcomes: PhotoOutcome[] } {
  if (accepted.length <= MAX_ENROLL_PHOTOS) return { accepted, outcomes };
  const kept = [...accepted].sort((a, b) => b.face.quality.score - a.face.quality.score).slice(0, MAX_ENROLL_PHOTOS);
  const keptNames = new Set(kept.map((a) => a.fileName));
  return {
    accepted: accepted.filter((a) => keptNames.has(a.fileName)),
    outcomes: outcomes.map((o) =>
      o.used && !keptNames.has(o.fileName)
        ? { ...o, used: false, code: 'ENOUGH_PHOTOS', reason: `good, but the ${MAX_ENROLL_PHOTOS} best photos were used` }
        : o,
    ),
  };
}

function toTemplates(accepted: AcceptedPhoto[]) {
  return accepted.map((a) => ({ embedding: a.face.embedding, quality: a.face.quality.score, source: a.fileName }));
}
