/**
 * Token bucket for the remote matcher's request budget (AWS Rekognition's
 * transactions-per-second limit is per account and region, so one bucket is
 * shared by every camera). Pure: the caller passes the time.
 *
 * Capacity defaults to 1 token, which spaces requests 1/rate apart: then no
 * half-open one-second window ever holds more than `ratePerSecond` requests
 * (a larger capacity allows bursts above the service's limit).
 */
export interface TokenBucketOptions {
  /** Tokens added per second (default 5, Rekognition's default TPS for face search). */
  ratePerSecond?: number;
  /** Most tokens the bucket holds (default 1). */
  capacity?: number;
}

export type TakeResult = { granted: true } | { granted: false; waitMs: number };

export const DEFAULT_REQUESTS_PER_SECOND = 5;

// Refill arithmetic in floating point can leave 0.9999999 of a token after exactly the right wait.
const EPSILON = 1e-9;

export class TokenBucket {
  readonly ratePerSecond: number;
  readonly capacity: number;
  private tokens: number;
  private lastRefillMs: number;

  constructor(options: TokenBucketOptions = {}, startMs = 0) {
    const rate = options.ratePerSecond ?? DEFAULT_REQUESTS_PER_SECOND;
    const capacity = options.capacity ?? 1;
    if (!(Number.isFinite(rate) && rate > 0)) throw new RangeError(`ratePerSecond must be a positive number, not ${rate}`);
    if (!(Number.isFinite(capacity) && capacity >= 1)) throw new RangeError(`capacity must be at least 1, not ${capacity}`);
    this.ratePerSecond = rate;
    this.capacity = capacity;
    this.tokens = capacity;
    this.lastRefillMs = startMs;
  }

  /** Tokens available at `nowMs` (fractional). */
  available(nowMs: number): number {
    this.refill(nowMs);
    return this.tokens;
  }

  /** Takes one token if there is one; otherwise says how long until there will be. */
  tryTake(nowMs: number): TakeResult {
    this.refill(nowMs);
    if (this.tokens >= 1 - EPSILON) {
      this.tokens = Math.max(0, this.tokens - 1);
      return { granted: true };
    }
    // Rounded up to whole ms, less a hair of float noise (0.002 of a token at 2/s is 1.0000000000000009 ms).
    return { granted: false, waitMs: Math.max(1, Math.ceil(((1 - this.tokens) * 1000) / this.ratePerSecond - 1e-6)) };
  }

  private refill(nowMs: number): void {
    // A clock that steps back adds nothing (and does not take tokens away).
    if (nowMs <= this.lastRefillMs) return;
    this.tokens = Math.min(this.capacity, this.tokens + ((nowMs - this.lastRefillMs) * this.ratePerSecond) / 1000);
    this.lastRefillMs = nowMs;
  }
}
