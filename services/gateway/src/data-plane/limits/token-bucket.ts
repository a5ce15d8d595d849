/**
 * A token bucket: `capacity` tokens, refilled continuously at `capacity / windowMs`. Time is
 * passed in (epoch or monotonic ms), so the bucket has no clock of its own.
 */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;
  private refillPerMs: number;

  constructor(
    private capacity: number,
    private windowMs: number,
    now: number,
  ) {
    this.tokens = capacity;
    this.updatedAt = now;
    this.refillPerMs = capacity / windowMs;
  }

  /** Changes the policy keeping the bucket's fill ratio (a plan change is not a free refill). */
  reconfigure(capacity: number, windowMs: number, now: number): void {
    if (capacity === this.capacity && windowMs === this.windowMs) return;
    this.refill(now);
    this.tokens = (this.tokens / this.capacity) * capacity;
    this.capacity = capacity;
    this.windowMs = windowMs;
    this.refillPerMs = capacity / windowMs;
  }

  /** Takes one token when available. */
  take(now: number): boolean {
    this.refill(now);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Whole tokens left. */
  remaining(now: number): number {
    this.refill(now);
    return Math.floor(this.tokens);
  }

  /** Milliseconds until one whole token is available (0 when one is). */
  msUntilNext(now: number): number {
    this.refill(now);
    return this.tokens >= 1 ? 0 : Math.ceil((1 - this.tokens) / this.refillPerMs);
  }

  /** Milliseconds until the bucket is full again. */
  msUntilFull(now: number): number {
    this.refill(now);
    return Math.ceil((this.capacity - this.tokens) / this.refillPerMs);
  }

  private refill(now: number): void {
    const elapsed = now - this.updatedAt;
    if (elapsed <= 0) return;
    this.updatedAt = now;
    this.tokens = Math.min(this.capacity, this.tokens + elapsed * this.refillPerMs);
  }
}
