import {
  DeleteFacesCommand,
  DescribeCollectionCommand,
  IndexFacesCommand,
  ListFacesCommand,
  RekognitionClient,
  SearchFacesByImageCommand,
  type FaceMatch,
} from '@aws-sdk/client-rekognition';
import { BoundedQueue, type OverflowPolicy } from './bounded-queue.js';
import { IdentityCache, trackKey, type RemoteIdentity, DEFAULT_TRACK_CACHE_TTL_S } from './identity-cache.js';
import { RemoteMatcherError, meansOffline, remoteErrorCode, type RemoteErrorCode } from './remote-errors.js';
import { classifyFailure, decideRetry, DEFAULT_RETRY_POLICY, type FailureKind, type RetryPolicy } from './retry-policy.js';
import type { RemoteMatcher } from './remote-matcher.js';
import { TokenBucket, DEFAULT_REQUESTS_PER_SECOND } from './token-bucket.js';

/**
 * AWS Rekognition as a face matcher: SearchFacesByImage names the person in a
 * track's best aligned face crop (JPEG bytes; never a full frame), IndexFaces
 * adds an enrolled person's crop to the site's collection (ExternalImageId =
 * Vigil's person id), DeleteFaces removes faces.
 *
 * Every request waits for a token from one bucket (the account's TPS budget,
 * shared by every camera), sits in a bounded queue meanwhile (drops counted),
 * and is retried with full-jitter back-off on throttling, 5xx and timeouts
 * (the SDK's own retries are switched off so these are the only ones). An
 * unreachable endpoint turns the matcher offline: requests then fail fast
 * with REMOTE_UNREACHABLE (recognition carries on locally) until a probe
 * request, let through every `offlineProbeIntervalMs`, succeeds.
 */
export interface RekognitionMatcherOptions {
  region: string;
  collectionId: string;
  /** Another endpoint (VPC endpoint, test server). Default: AWS's own for the region. */
  endpoint?: string;
  /** Explicit credentials (e.g. entered in settings). Default: the SDK's standard chain. */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  requestsPerSecond?: number;
  /** Token bucket capacity (default 1: requests evenly spaced, never a burst above the rate). */
  burst?: number;
  trackCacheTtlS?: number;
  retry?: Partial<RetryPolicy>;
  /** Requests waiting for a token, at most (default 100); beyond, the oldest is dropped. */
  queueCapacity?: number;
  overflow?: OverflowPolicy;
  /** Requests on the wire at once, at most (default 4). */
  maxInFlight?: number;
  /** Per attempt (default 10 s). */
  requestTimeoutMs?: number;
  /** While offline, how often one request is let through to see whether the service is back (default 15 s). */
  offlineProbeIntervalMs?: number;
  /** Faces per ListFaces page (default 4096, the service's most). */
  listPageSize?: number;
  /** Lowest Rekognition similarity (0-100) that names a person (default 90). */
  faceMatchThreshold?: number;
  /** Random source for the back-off jitter (default Math.random). */
  random?: () => number;
  /** Clock, ms (default Date.now). */
  now?: () => number;
}

export interface RemoteMatcherStats {
  /** Attempts made (retries included; each one that reaches the service is billed). */
  remoteCalls: number;
  /** Track asks answered from the per-track cache, without a request. */
  cacheHits: number;
  /** Throttling answers received. */
  throttled: number;
  /** Requests waiting for a token now. */
  queued: number;
  /** Requests dropped because the queue was full. */
  dropped: number;
  /** Retries scheduled. */
  retries: number;
  /** Operations that ended in an error. */
  failures: number;
}

export interface RemoteMatcherHealth {
  online: boolean;
  lastError: { code: RemoteErrorCode; message: string; atMs: number } | null;
  lastSuccessAtMs: number | null;
}

export interface TrackIdentity extends RemoteIdentity {
  fromCache: boolean;
}

/** Rekognition accepts JPEG or PNG bytes up to 5 MB. */
export const MAX_IMAGE_BYTES = 5 * 1024 * 1024;

interface Job {
  operation: string;
  /** False for IndexFaces: retried only when throttled (see decideRetry). */
  idempotent: boolean;
  run: (signal: AbortSignal) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  attempts: number;
}

export class RekognitionMatcher implements RemoteMatcher {
  readonly collectionId: string;
  private client: RekognitionClient;
  /** Clients replaced by useCredentials, destroyed once their requests can no longer be on the wire. */
  private readonly retiredClients = new Set<RekognitionClient>();
  private readonly region: string;
  private readonly endpoint: string | undefined;
  private readonly bucket: TokenBucket;
  private readonly queue: BoundedQueue<Job>;
  private readonly cache: IdentityCache;
  private readonly retryPolicy: RetryPolicy;
  private readonly maxInFlight: number;
  private readonly requestTimeoutMs: number;
  private readonly offlineProbeIntervalMs: number;
  private readonly faceMatchThreshold: number;
  private readonly listPageSize: number;
  private readonly random: () => number;
  private readonly now: () => number;
  private readonly where: string;
  private readonly counters = { remoteCalls: 0, cacheHits: 0, throttled: 0, retries: 0, failures: 0 };
  private readonly pendingTimers = new Set<NodeJS.Timeout>();
  private readonly tracksInFlight = new Map<string, Promise<RemoteIdentity>>();
  private pumpTimer: NodeJS.Timeout | null = null;
  private inFlight = 0;
  private online = true;
  private probeInFlight = false;
  private nextProbeAtMs = 0;
  private lastError: RemoteMatcherHealth['lastError'] = null;
  private lastSuccessAtMs: number | null = null;
  private closed = false;

  constructor(options: RekognitionMatcherOptions) {
    this.collectionId = options.collectionId;
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.retryPolicy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.maxInFlight = options.maxInFlight ?? 4;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
    this.offlineProbeIntervalMs = options.offlineProbeIntervalMs ?? 15_000;
    this.faceMatchThreshold = options.faceMatchThreshold ?? 90;
    this.listPageSize = options.listPageSize ?? 4096;
    this.bucket = new TokenBucket({ ratePerSecond: options.requestsPerSecond ?? DEFAULT_REQUESTS_PER_SECOND, capacity: options.burst ?? 1 }, this.now());
    this.queue = new BoundedQueue<Job>(options.queueCapacity ?? 100, options.overflow ?? 'drop-oldest');
    this.cache = new IdentityCache({ ttlMs: (options.trackCacheTtlS ?? DEFAULT_TRACK_CACHE_TTL_S) * 1000 });
    this.where = options.endpoint ?? `AWS Rekognition in ${options.region}`;
    this.region = options.region;
    this.endpoint = options.endpoint;
    this.client = this.newClient(options.credentials);
  }

  private newClient(credentials: RekognitionMatcherOptions['credentials']): RekognitionClient {
    return new RekognitionClient({
      region: this.region,
      ...(this.endpoint ? { endpoint: this.endpoint } : {}),
      ...(credentials ? { credentials: { ...credentials } } : {}),
      // One attempt per send: the retries are ours (counted, jittered, and each one waits for a token).
      maxAttempts: 1,
    });
  }

  /**
   * Signs from now on with these credentials (undefined: the standard AWS chain), without a
   * restart: the SDK client is made again (it keeps the credentials it resolved). Requests
   * already on the wire finish with the old client, destroyed once they cannot still be running
   * (the request timeout). The offline probe may run at once: new credentials may be what was
   * missing.
   */
  useCredentials(credentials: RekognitionMatcherOptions['credentials'] | undefined): void {
    if (this.closed) return;
    const old = this.client;
    this.client = this.newClient(credentials);
    this.retiredClients.add(old);
    const timer = setTimeout(() => {
      this.pendingTimers.delete(timer);
      this.retiredClients.delete(old);
      old.destroy();
    }, this.requestTimeoutMs + 1000);
    timer.unref?.();
    this.pendingTimers.add(timer);
    this.nextProbeAtMs = 0;
  }

  stats(): RemoteMatcherStats {
    return { ...this.counters, queued: this.queue.length, dropped: this.queue.dropped };
  }

  health(): RemoteMatcherHealth {
    return { online: this.online, lastError: this.lastError, lastSuccessAtMs: this.lastSuccessAtMs };
  }

  /** Whose face is in this crop? personId null: no one in the collection at or above the match threshold. */
  async searchFacesByImage(image: Uint8Array): Promise<RemoteIdentity> {
    checkImage(image);
    const output = (await this.submit('SearchFacesByImage', (signal) =>
      this.client.send(
        new SearchFacesByImageCommand({ CollectionId: this.collectionId, Image: { Bytes: image }, MaxFaces: 5, FaceMatchThreshold: this.faceMatchThreshold }),
        { abortSignal: signal },
      ),
    )) as { FaceMatches?: FaceMatch[] };
    return bestVigilMatch(output.FaceMatches ?? []);
  }

  /**
   * The remote answer for a track, asked once: a cached answer (a "no one"
   * answer included) is reused until the track cache's TTL passes, and an ask
   * while the first is still on its way shares that first request. Both count
   * as cache hits. A failed ask is not cached: the caller may ask again.
   */
  async identifyTrack(cameraId: string, trackId: number, image: Uint8Array): Promise<TrackIdentity> {
    const key = trackKey(cameraId, trackId);
    const cached = this.cache.lookupTrack(cameraId, trackId, this.now());
    const pending = this.tracksInFlight.get(key);
    if (cached || pending) {
      this.counters.cacheHits += 1;
      return { ...(cached ?? (await pending!)), fromCache: true };
    }
    const ask = this.searchFacesByImage(image);
    this.tracksInFlight.set(key, ask);
    try {
      const identity = await ask;
      this.cache.rememberTrack(cameraId, trackId, identity, this.now());
      return { ...identity, fromCache: false };
    } finally {
      this.tracksInFlight.delete(key);
    }
  }

  /** Whether an ask for this track is on its way (for decideRemoteAsk). */
  isAskInFlight(cameraId: string, trackId: number): boolean {
    return this.tracksInFlight.has(trackKey(cameraId, trackId));
  }

  /** The cached answer for a track, if any (no request). */
  cachedTrack(cameraId: string, trackId: number): RemoteIdentity | undefined {
    return this.cache.lookupTrack(cameraId, trackId, this.now());
  }

  /** Adds one enrolled crop of a person to the collection; returns the collection's face id. */
  async indexFace(personId: number, image: Uint8Array): Promise<string> {
    if (!(Number.isSafeInteger(personId) && personId > 0)) throw new RemoteMatcherError('REMOTE_BAD_INPUT', `A person id must be a positive integer, not ${personId}`);
    checkImage(image);
    const output = (await this.submit('IndexFaces', (signal) =>
      this.client.send(
        new IndexFacesCommand({ CollectionId: this.collectionId, Image: { Bytes: image }, ExternalImageId: String(personId), MaxFaces: 1, QualityFilter: 'AUTO' }),
        { abortSignal: signal },
      ),
      false,
    )) as { FaceRecords?: { Face?: { FaceId?: string } }[] };
    const faceId = output.FaceRecords?.[0]?.Face?.FaceId;
    if (!faceId) throw new RemoteMatcherError('REMOTE_NO_FACE', 'Rekognition found no face it could index in this crop (too small, blurred or turned away)', { attempts: 1 });
    // Someone new is in the collection: earlier "no one" answers may now be wrong.
    this.cache.forgetUnknownAnswers();
    return faceId;
  }

  /** Removes faces from the collection; says which were deleted and which were not (e.g. already gone). */
  async deleteFaces(faceIds: string[]): Promise<{ deleted: string[]; notDeleted: string[] }> {
    if (faceIds.length === 0) return { deleted: [], notDeleted: [] };
    if (faceIds.some((id) => typeof id !== 'string' || !/^[0-9a-f-]{1,64}$/i.test(id))) {
      throw new RemoteMatcherError('REMOTE_BAD_INPUT', 'Face ids are the collection\'s UUIDs');
    }
    const deleted: string[] = [];
    const notDeleted: string[] = [];
    // DeleteFaces takes at most 4096 ids per request.
    for (let start = 0; start < faceIds.length; start += 4096) {
      const chunk = faceIds.slice(start, start + 4096);
      const output = (await this.submit('DeleteFaces', (signal) =>
        this.client.send(new DeleteFacesCommand({ CollectionId: this.collectionId, FaceIds: chunk }), { abortSignal: signal }),
      )) as { DeletedFaces?: string[] };
      const gone = new Set(output.DeletedFaces ?? []);
      for (const id of chunk) (gone.has(id) ? deleted : notDeleted).push(id);
    }
    return { deleted, notDeleted };
  }

  /**
   * Every face of a person in the collection (ExternalImageId = person id),
   * read from the whole collection page by page: this also finds a face an
   * IndexFaces call added without Vigil learning its id (a 5xx or a timeout
   * after the work was done).
   */
  async listFacesOf(personId: number): Promise<string[]> {
    if (!(Number.isSafeInteger(personId) && personId > 0)) throw new RemoteMatcherError('REMOTE_BAD_INPUT', `A person id must be a positive integer, not ${personId}`);
    const external = String(personId);
    const faceIds: string[] = [];
    let nextToken: string | undefined;
    do {
      const token = nextToken;
      const output = (await this.submit('ListFaces', (signal) =>
        this.client.send(new ListFacesCommand({ CollectionId: this.collectionId, MaxResults: this.listPageSize, ...(token ? { NextToken: token } : {}) }), { abortSignal: signal }),
      )) as { Faces?: { FaceId?: string; ExternalImageId?: string }[]; NextToken?: string };
      for (const face of output.Faces ?? []) if (face.ExternalImageId === external && face.FaceId) faceIds.push(face.FaceId);
      nextToken = output.NextToken || undefined;
    } while (nextToken);
    return faceIds;
  }

  /** Erasure: deletes every face of a person found in the collection and forgets the cached answers naming them. */
  async deletePersonFaces(personId: number): Promise<{ deleted: string[]; notDeleted: string[] }> {
    const result = await this.deleteFaces(await this.listFacesOf(personId));
    this.forgetPerson(personId);
    return result;
  }

  /**
   * Checks the site's collection: how many faces it holds (a health check for
   * the console and `status`). A missing collection is REMOTE_REJECTED with
   * serviceError ResourceNotFoundException and a message naming it.
   */
  async describeCollection(): Promise<{ faceCount: number; faceModelVersion: string | null }> {
    const output = (await this.submit('DescribeCollection', (signal) =>
      this.client.send(new DescribeCollectionCommand({ CollectionId: this.collectionId }), { abortSignal: signal }),
    )) as { FaceCount?: number; FaceModelVersion?: string };
    return { faceCount: output.FaceCount ?? 0, faceModelVersion: output.FaceModelVersion ?? null };
  }

  /** Drops every cached answer naming a person (after their faces are deleted or they are erased). */
  forgetPerson(personId: number): number {
    return this.cache.forgetPerson(personId);
  }

  /** Rejects what is waiting, stops timers and closes the client's connections. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.pumpTimer) clearTimeout(this.pumpTimer);
    for (const timer of this.pendingTimers) clearTimeout(timer);
    this.pendingTimers.clear();
    for (const job of this.queue.drain()) job.reject(new RemoteMatcherError('REMOTE_CLOSED', 'The remote matcher was closed before this request was sent', { attempts: job.attempts }));
    this.client.destroy();
    for (const retired of this.retiredClients) retired.destroy();
    this.retiredClients.clear();
  }

  private submit(operation: string, run: Job['run'], idempotent = true): Promise<unknown> {
    if (this.closed) return Promise.reject(new RemoteMatcherError('REMOTE_CLOSED', 'The remote matcher is closed'));
    if (!this.online) {
      // Offline: fail fast (the caller carries on locally), but let one probe through now and then.
      if (this.probeInFlight || this.now() < this.nextProbeAtMs) {
        this.counters.failures += 1;
        return Promise.reject(
          new RemoteMatcherError('REMOTE_UNREACHABLE', `${this.where} is offline (${this.lastError?.message ?? 'unreachable'}); recognition continues locally`),
        );
      }
      this.probeInFlight = true;
    }
    return new Promise((resolve, reject) => {
      const job: Job = { operation, idempotent, run, resolve, reject, attempts: 0 };
      const offer = this.queue.offer(job);
      if (offer.dropped) {
        this.counters.failures += 1;
        offer.dropped.reject(new RemoteMatcherError('REMOTE_DROPPED', `${offer.dropped.operation} was dropped: more requests were waiting than the queue holds`));
      }
      this.pump();
    });
  }

  /** Starts waiting jobs while tokens and in-flight slots allow; otherwise waits for the next token. */
  private pump(): void {
    if (this.closed || this.pumpTimer) return;
    while (this.inFlight < this.maxInFlight && this.queue.length > 0) {
      const take = this.bucket.tryTake(this.now());
      if (!take.granted) {
        this.pumpTimer = setTimeout(() => {
          this.pumpTimer = null;
          this.pump();
        }, take.waitMs);
        return;
      }
      void this.attempt(this.queue.poll() as Job);
    }
  }

  private async attempt(job: Job): Promise<void> {
    this.inFlight += 1;
    job.attempts += 1;
    this.counters.remoteCalls += 1;
    const controller = new AbortController();
    let timedOut = false;
    const timeout = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.requestTimeoutMs);
    try {
      const value = await job.run(controller.signal);
      this.markOnline();
      job.resolve(value);
    } catch (error) {
      const kind: FailureKind = timedOut ? 'timeout' : classifyFailure(error);
      if (kind === 'throttled') this.counters.throttled += 1;
      // A 4xx answer still proves the service is reachable.
      if (kind === 'client-error' || kind === 'throttled' || kind === 'server-error') this.markOnline(false);
      const decision = this.closed ? ({ retry: false } as const) : decideRetry(job.attempts, kind, this.retryPolicy, this.random, job.idempotent);
      if (decision.retry) {
        this.counters.retries += 1;
        const timer = setTimeout(() => {
          this.pendingTimers.delete(timer);
          // A retry was admitted already: it goes first and is never dropped for a newcomer.
          this.queue.requeueFront(job);
          this.pump();
        }, decision.delayMs);
        this.pendingTimers.add(timer);
      } else {
        this.fail(job, kind, error);
      }
    } finally {
      clearTimeout(timeout);
      this.inFlight -= 1;
      this.pump();
    }
  }

  private fail(job: Job, kind: FailureKind, error: unknown): void {
    const code = remoteErrorCode(kind, error);
    const serviceError = kind === 'client-error' || kind === 'throttled' || kind === 'server-error' ? String((error as { name?: unknown }).name ?? '') || null : null;
    const message = describeFailure(code, this.where, job, serviceError, this.requestTimeoutMs, this.collectionId);
    const failure = new RemoteMatcherError(code, message, { serviceError, attempts: job.attempts, cause: error });
    this.counters.failures += 1;
    this.lastError = { code, message, atMs: this.now() };
    if (meansOffline(code)) this.markOffline();
    else if (this.probeInFlight) this.probeInFlight = false;
    job.reject(failure);
  }

  private markOnline(success = true): void {
    this.online = true;
    this.probeInFlight = false;
    if (success) this.lastSuccessAtMs = this.now();
  }

  private markOffline(): void {
    const wasOnline = this.online;
    this.online = false;
    this.probeInFlight = false;
    this.nextProbeAtMs = this.now() + this.offlineProbeIntervalMs;
    if (!wasOnline) return;
    // What waits would only fail the same way: settle it now, the callers carry on locally.
    for (const waiting of this.queue.drain()) {
      this.counters.failures += 1;
      waiting.reject(new RemoteMatcherError('REMOTE_UNREACHABLE', `${this.where} went offline before ${waiting.operation} was sent; recognition continues locally`, { attempts: waiting.attempts }));
    }
  }
}

function checkImage(image: Uint8Array): void {
  if (!(image instanceof Uint8Array) || image.length === 0) throw new RemoteMatcherError('REMOTE_BAD_INPUT', 'The face crop is empty');
  if (image.length > MAX_IMAGE_BYTES) throw new RemoteMatcherError('REMOTE_BAD_INPUT', `The face crop is ${image.length} bytes; Rekognition takes at most ${MAX_IMAGE_BYTES}`);
  const jpeg = image[0] === 0xff && image[1] === 0xd8 && image[2] === 0xff;
  const png = image[0] === 0x89 && image[1] === 0x50 && image[2] === 0x4e && image[3] === 0x47;
  if (!jpeg && !png) throw new RemoteMatcherError('REMOTE_BAD_INPUT', 'The face crop must be JPEG or PNG bytes');
}

/** The best match that names a Vigil person (ExternalImageId = a person id); other faces in the collection are ignored. */
export function bestVigilMatch(matches: FaceMatch[]): RemoteIdentity {
  const sorted = [...matches].sort((a, b) => (b.Similarity ?? 0) - (a.Similarity ?? 0));
  for (const match of sorted) {
    const external = match.Face?.ExternalImageId;
    if (typeof external === 'string' && /^[1-9]\d{0,15}$/.test(external) && Number.isSafeInteger(Number(external))) {
      return { personId: Number(external), similarity: match.Similarity ?? null, faceId: match.Face?.FaceId ?? null };
    }
  }
  return { personId: null, similarity: null, faceId: null };
}

function describeFailure(code: RemoteErrorCode, where: string, job: Job, serviceError: string | null, timeoutMs: number, collectionId: string): string {
  const tries = job.attempts === 1 ? '1 attempt' : `${job.attempts} attempts`;
  switch (code) {
    case 'REMOTE_UNREACHABLE':
      return `${where} could not be reached; the remote matcher is offline and recognition continues locally`;
    case 'REMOTE_TIMEOUT':
      return `${where} did not answer ${job.operation} within ${timeoutMs} ms (${tries}); the remote matcher is offline and recognition continues locally`;
    case 'REMOTE_THROTTLED':
      return `${where} was still throttling ${job.operation} after ${tries}`;
    case 'REMOTE_SERVER_ERROR':
      return `${where} failed ${job.operation} (${serviceError ?? 'server error'}) on ${tries}`;
    case 'REMOTE_REJECTED':
      if (serviceError === 'ResourceNotFoundException') return `The collection "${collectionId}" does not exist at ${where} (${job.operation} refused): check the region and collectionId in the site config`;
      if (serviceError === 'AccessDeniedException') return `The AWS credentials may not use ${job.operation} on the collection "${collectionId}" at ${where}`;
      return `${where} refused ${job.operation}: ${serviceError ?? 'bad request'}`;
    case 'REMOTE_NO_CREDENTIALS':
      return 'No AWS credentials were found (environment, shared files or instance role), nor entered in settings';
    default:
      return `${job.operation} failed at ${where}`;
  }
}
