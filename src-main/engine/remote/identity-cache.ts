/**
 * What the remote matcher said, remembered so that a track is asked about
 * once, not once per frame. Pure: the caller passes the time.
 *
 * Two views: per track (camera + track id: the answer for that visit, a "no
 * one" answer included, so an unknown face is not asked about again either)
 * and per person (their latest remote confirmation). The per-person view is
 * also what erasure uses: forgetting a person drops every track answer that
 * names them, so no cached identity outlives their deletion.
 */
export const DEFAULT_TRACK_CACHE_TTL_S = 300;

export class TtlCache<K, V> {
  private readonly entries = new Map<K, { value: V; expiresAtMs: number }>();
  constructor(
    readonly ttlMs: number,
    readonly maxEntries = 10_000,
  ) {
    if (!(Number.isFinite(ttlMs) && ttlMs > 0)) throw new RangeError(`ttlMs must be positive, not ${ttlMs}`);
    if (!(Number.isInteger(maxEntries) && maxEntries >= 1)) throw new RangeError(`maxEntries must be a positive integer, not ${maxEntries}`);
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: K, nowMs: number): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (nowMs >= entry.expiresAtMs) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key: K, value: V, nowMs: number): void {
    // Re-inserting moves the key to the end: Map order is then oldest-written first.
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAtMs: nowMs + this.ttlMs });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as K;
      this.entries.delete(oldest);
    }
  }

  delete(key: K): boolean {
    return this.entries.delete(key);
  }

  /** Removes every entry whose value matches; returns how many. */
  deleteWhere(predicate: (value: V, key: K) => boolean): number {
    let removed = 0;
    for (const [key, entry] of this.entries) {
      if (predicate(entry.value, key)) {
        this.entries.delete(key);
        removed += 1;
      }
    }
    return removed;
  }

  /** Drops expired entries (they are also dropped lazily on read). */
  prune(nowMs: number): number {
    return this.deleteWhere((_value, key) => (this.entries.get(key)?.expiresAtMs ?? 0) <= nowMs);
  }
}

/** The remote answer for one face crop. personId null: the collection holds no one close enough. */
export interface RemoteIdentity {
  personId: number | null;
  /** Rekognition similarity, 0-100, of the best match (null when there is none). */
  similarity: number | null;
  /** The collection's face id that matched. */
  faceId: string | null;
}

export interface PersonConfirmation {
  cameraId: string;
  trackId: number;
  similarity: number | null;
  faceId: string | null;
  atMs: number;
}

export interface IdentityCacheOptions {
  ttlMs?: number;
  maxTracks?: number;
  maxPersons?: number;
}

export function trackKey(cameraId: string, trackId: number): string {
  // JSON keeps camera ids with any characters apart from the track number.
  return JSON.stringify([cameraId, trackId]);
}

export class IdentityCache {
  private readonly byTrack: TtlCache<string, RemoteIdentity>;
  private readonly byPerson: TtlCache<number, PersonConfirmation>;

  constructor(options: IdentityCacheOptions = {}) {
    const ttlMs = options.ttlMs ?? DEFAULT_TRACK_CACHE_TTL_S * 1000;
    this.byTrack = new TtlCache(ttlMs, options.maxTracks ?? 10_000);
    this.byPerson = new TtlCache(ttlMs, options.maxPersons ?? 10_000);
  }

  get trackEntries(): number {
    return this.byTrack.size;
  }

  lookupTrack(cameraId: string, trackId: number, nowMs: number): RemoteIdentity | undefined {
    return this.byTrack.get(trackKey(cameraId, trackId), nowMs);
  }

  rememberTrack(cameraId: string, trackId: number, identity: RemoteIdentity, nowMs: number): void {
    this.byTrack.set(trackKey(cameraId, trackId), identity, nowMs);
    if (identity.personId !== null) {
      this.byPerson.set(identity.personId, { cameraId, trackId, similarity: identity.similarity, faceId: identity.faceId, atMs: nowMs }, nowMs);
    }
  }

  lookupPerson(personId: number, nowMs: number): PersonConfirmation | undefined {
    return this.byPerson.get(personId, nowMs);
  }

  /** Forgets a person (deleted, erased, re-enrolled): their confirmation and every track answer naming them. */
  forgetPerson(personId: number): number {
    this.byPerson.delete(personId);
    return this.byTrack.deleteWhere((identity) => identity.personId === personId);
  }

  /** Forgets every "no one" answer: after an enrollment, an unknown face may now be someone. */
  forgetUnknownAnswers(): number {
    return this.byTrack.deleteWhere((identity) => identity.personId === null);
  }

  prune(nowMs: number): void {
    this.byTrack.prune(nowMs);
    this.byPerson.prune(nowMs);
  }
}
