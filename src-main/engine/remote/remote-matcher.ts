import type { RemoteIdentity } from './identity-cache.js';
import type { MatcherConfig } from './matcher-config.js';
import type { RekognitionMatcher, RekognitionMatcherOptions, RemoteMatcherHealth, RemoteMatcherStats, TrackIdentity } from './rekognition-matcher.js';

/**
 * What the live pipeline, enrollment and erasure will use of a remote matcher
 * (RekognitionMatcher, or a stand-in in tests). Every method may reject with a
 * RemoteMatcherError; none of them is needed for local recognition to go on.
 */
export interface RemoteMatcher {
  identifyTrack(cameraId: string, trackId: number, image: Uint8Array): Promise<TrackIdentity>;
  isAskInFlight(cameraId: string, trackId: number): boolean;
  cachedTrack(cameraId: string, trackId: number): RemoteIdentity | undefined;
  indexFace(personId: number, image: Uint8Array): Promise<string>;
  deleteFaces(faceIds: string[]): Promise<{ deleted: string[]; notDeleted: string[] }>;
  forgetPerson(personId: number): number;
  listFacesOf(personId: number): Promise<string[]>;
  deletePersonFaces(personId: number): Promise<{ deleted: string[]; notDeleted: string[] }>;
  describeCollection(): Promise<{ faceCount: number; faceModelVersion: string | null }>;
  stats(): RemoteMatcherStats;
  health(): RemoteMatcherHealth;
  /** Signs with these credentials from now on (undefined: the standard AWS chain); no restart. */
  useCredentials(credentials: RekognitionMatcherOptions['credentials'] | undefined): void;
  close(): void;
}

/** For `status --json` and the console: the mode, and the remote side's counters and health when there is one. */
export interface MatcherStatus extends RemoteMatcherStats {
  matcher: MatcherConfig['mode'];
  online: boolean | null;
  lastError: RemoteMatcherHealth['lastError'];
}

/**
 * The remote matcher the site's config asks for: none in local mode (nothing
 * is constructed, and the AWS SDK is not even loaded, so nothing can leave
 * the site). `extra` carries what is not in config.json: explicit credentials
 * from the settings' secrets, clocks and tuning for tests.
 */
export async function openRemoteMatcher(config: MatcherConfig, extra: Partial<RekognitionMatcherOptions> = {}): Promise<RekognitionMatcher | null> {
  if (config.mode === 'local') return null;
  if (!config.region || !config.collectionId) throw new RangeError(`matcher mode ${config.mode} needs a region and a collectionId`);
  // Loaded on demand: the SDK costs ~160 ms to import and a local site never needs it.
  const { RekognitionMatcher } = await import('./rekognition-matcher.js');
  return new RekognitionMatcher({
    region: config.region,
    collectionId: config.collectionId,
    ...(config.endpoint ? { endpoint: config.endpoint } : {}),
    requestsPerSecond: config.requestsPerSecond,
    trackCacheTtlS: config.trackCacheTtlS,
    ...extra,
  });
}

export function matcherStatus(mode: MatcherConfig['mode'], remote: RemoteMatcher | null): MatcherStatus {
  const stats = remote?.stats() ?? { remoteCalls: 0, cacheHits: 0, throttled: 0, queued: 0, dropped: 0, retries: 0, failures: 0 };
  const health = remote?.health() ?? null;
  return { matcher: mode, ...stats, online: health ? health.online : null, lastError: health?.lastError ?? null };
}

/**
 * The matcher part of `status --json`, in the shape issue 14 names: `matcher` is the mode (a
 * string), `remoteCalls`, `cacheHits`, `throttled` and `queued` sit at the top level, and the
 * whole health object (online, last error, drops, retries...) is `matcherHealth`. `queued` counts
 * everything waiting to go to the service: requests waiting for a token and enrollment jobs
 * (index / delete) waiting for the service; the split is in `matcherHealth` (queued, jobsQueued).
 * Pure.
 */
export interface MatcherStatusFields {
  matcher: MatcherHealthLike['mode'];
  remoteCalls: number;
  cacheHits: number;
  throttled: number;
  queued: number;
  matcherHealth: MatcherHealthLike;
}

type MatcherHealthLike = { mode: MatcherConfig['mode']; remoteCalls: number; cacheHits: number; throttled: number; queued: number; jobsQueued: number };

export function matcherStatusFields<H extends MatcherHealthLike>(health: H): MatcherStatusFields & { matcherHealth: H } {
  return {
    matcher: health.mode,
    remoteCalls: health.remoteCalls,
    cacheHits: health.cacheHits,
    throttled: health.throttled,
    queued: health.queued + health.jobsQueued,
    matcherHealth: health,
  };
}
