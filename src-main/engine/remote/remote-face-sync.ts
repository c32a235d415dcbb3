import type { RemoteFacesRepository, RemoteFaceJob } from '../storage/remote-faces-repository.js';
import { RemoteMatcherError, type RemoteErrorCode } from './remote-errors.js';
import type { RemoteMatcher } from './remote-matcher.js';

/**
 * Keeps the site's Rekognition collection in step with enrollment: index jobs
 * (one enrolled face crop each, ExternalImageId = person id) and delete jobs
 * (every face of a person: deactivated or erased), from the persistent queue
 * in SQLite (RemoteFacesRepository), oldest first.
 *
 * Offline time: a job that fails because the service is away (unreachable,
 * timeout, throttled, 5xx, dropped) stays queued with its error and the run
 * stops; it is tried again every `retryIntervalMs` until the service answers,
 * also after a restart (the queue is in the database). A job that can never
 * succeed (no face in the crop, a crop the service refuses) is dropped with a
 * log line. A refused delete (wrong collection, no permission) stays queued
 * and visible: a person's faces must not be forgotten while they may still be
 * held remotely.
 */
export interface RemoteFaceSyncOptions {
  collection: string;
  /** While jobs wait, how often the queue is tried again (default 30 s). */
  retryIntervalMs?: number;
  log?: { info(area: string, message: string, details?: object): void; warn(area: string, message: string, details?: object): void };
  /** A person's remote faces are all gone (a delete job finished): for the audit trail. */
  onPersonDeleted?: (personId: number, deletedFaces: number) => void;
  /** The queue changed (length, errors): for the console's status. */
  onChange?: () => void;
}

/** Failures that mean "not now": the job waits for the next try. */
const TRANSIENT: ReadonlySet<RemoteErrorCode> = new Set(['REMOTE_UNREACHABLE', 'REMOTE_TIMEOUT', 'REMOTE_THROTTLED', 'REMOTE_SERVER_ERROR', 'REMOTE_DROPPED', 'REMOTE_CLOSED', 'REMOTE_NO_CREDENTIALS', 'REMOTE_FAILED']);
/** Failures of an index job that asking again cannot fix: the crop is dropped. */
const HOPELESS_INDEX: ReadonlySet<RemoteErrorCode> = new Set(['REMOTE_NO_FACE', 'REMOTE_BAD_INPUT', 'REMOTE_REJECTED']);

export class RemoteFaceSync {
  private running: Promise<void> | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private stopped = false;
  private readonly retryIntervalMs: number;

  constructor(
    private readonly repo: RemoteFacesRepository,
    private readonly matcher: RemoteMatcher,
    private readonly options: RemoteFaceSyncOptions,
  ) {
    this.retryIntervalMs = options.retryIntervalMs ?? 30_000;
  }

  /** Jobs waiting (index and delete). */
  get queued(): number {
    return this.repo.pendingCount();
  }

  /** Works through the queue now (one run at a time; a second call joins the first). */
  kick(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.running ??= this.run().finally(() => {
      this.running = null;
      this.options.onChange?.();
      this.scheduleRetry();
    });
    return this.running;
  }

  /** Resolves when no run is under way. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  stop(): void {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  private scheduleRetry(): void {
    if (this.stopped || this.retryTimer || this.repo.pendingCount() === 0) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.kick();
    }, this.retryIntervalMs);
    // A queue waiting for the network must not keep a CLI process alive.
    this.retryTimer.unref?.();
  }

  private async run(): Promise<void> {
    // A snapshot: jobs queued meanwhile are taken by the next run (kick after enqueue).
    const skipped = new Set<number>();
    for (;;) {
      if (this.stopped) return;
      const job = this.repo.jobs().find((j) => !skipped.has(j.id));
      if (!job) return;
      const outcome = await this.runJob(job);
      if (outcome === 'wait') return;
      if (outcome === 'skip') skipped.add(job.id);
    }
  }

  private async runJob(job: RemoteFaceJob): Promise<'done' | 'skip' | 'wait'> {
    try {
      if (job.kind === 'index') {
        const faceId = await this.matcher.indexFace(job.personId, job.cropJpeg!);
        this.repo.completeIndex(job.id, job.personId, faceId, this.options.collection);
      } else {
        // Every face carrying the person's id, found in the collection itself (also ones whose ids Vigil never learnt).
        const { deleted } = await this.matcher.deletePersonFaces(job.personId);
        this.repo.completeDelete(job.id, job.personId);
        this.options.onPersonDeleted?.(job.personId, deleted.length);
      }
      this.options.onChange?.();
      return 'done';
    } catch (error) {
      const code: RemoteErrorCode = error instanceof RemoteMatcherError ? error.code : 'REMOTE_FAILED';
      const message = error instanceof Error ? error.message : String(error);
      if (job.kind === 'index' && HOPELESS_INDEX.has(code)) {
        this.repo.discard(job.id);
        this.options.log?.warn('remote', 'an enrolled face could not be indexed remotely and was dropped (local matching is not affected)', { personId: job.personId, code, reason: message });
        this.options.onChange?.();
        return 'done';
      }
      this.repo.noteFailure(job.id, `${code}: ${message}`);
      this.options.onChange?.();
      if (TRANSIENT.has(code)) return 'wait';
      this.options.log?.warn('remote', `remote ${job.kind} job refused; kept in the queue`, { personId: job.personId, code, reason: message });
      return 'skip';
    }
  }
}
