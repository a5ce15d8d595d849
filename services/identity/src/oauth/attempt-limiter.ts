export interface AttemptLimits {
  /** Failures allowed per client id (or username) from one remote address within the window. */
  perSubject: number;
  /** Failures allowed per remote address within the window, whatever the subject. */
  perAddress: number;
  windowMs: number;
  /** Keys tracked at most; the least recently failed are forgotten first. */
  maxKeys?: number;
}

/**
 * In-memory sliding windows of failed authentications, per (client id or username, remote
 * address) and per remote address. Once a window is full, every attempt under that key is
 * refused, right or wrong, until the oldest failure leaves the window. Success does not clear
 * a window, so a guesser cannot reset it by interleaving a valid login.
 *
 * No window is keyed by the subject alone: client ids are public (every token carries one), so
 * such a window would let anyone lock a client out with a few wrong attempts. A correct
 * credential from an address that has not itself failed too often is always served.
 */
export class AttemptLimiter {
  private readonly windows = new Map<string, number[]>();
  private readonly maxKeys: number;

  constructor(
    private readonly limits: AttemptLimits,
    private readonly now: () => number,
  ) {
    this.maxKeys = limits.maxKeys ?? 100_000;
  }

  /** Seconds to wait when the address, or the subject from that address, is over its limit, else null. */
  retryAfter(subject: string | undefined, address: string): number | null {
    const now = this.now();
    const waits = [this.wait(`a:${address}`, this.limits.perAddress, now)];
    if (subject !== undefined) waits.push(this.wait(pairKey(subject, address), this.limits.perSubject, now));
    const longest = Math.max(...waits.map((wait) => wait ?? 0));
    return longest > 0 ? Math.ceil(longest / 1000) : null;
  }

  recordFailure(subject: string | undefined, address: string): void {
    const now = this.now();
    this.push(`a:${address}`, now);
    if (subject !== undefined) this.push(pairKey(subject, address), now);
  }

  private wait(key: string, limit: number, now: number): number | null {
    const window = this.prune(key, now);
    if (!window || window.length < limit) return null;
    return window[window.length - limit]! + this.limits.windowMs - now;
  }

  private prune(key: string, now: number): number[] | undefined {
    const window = this.windows.get(key);
    if (!window) return undefined;
    const cutoff = now - this.limits.windowMs;
    let drop = 0;
    while (drop < window.length && window[drop]! <= cutoff) drop += 1;
    if (drop === window.length) {
      this.windows.delete(key);
      return undefined;
    }
    if (drop > 0) window.splice(0, drop);
    return window;
  }

  private push(key: string, now: number): void {
    const window = this.prune(key, now) ?? [];
    this.windows.delete(key);
    window.push(now);
    // Bounded memory: a window never needs more entries than the largest limit.
    if (window.length > Math.max(this.limits.perAddress, this.limits.perSubject)) window.shift();
    this.windows.set(key, window);
    if (this.windows.size > this.maxKeys) this.windows.delete(this.windows.keys().next().value!);
  }
}

/** An address holds no space, so the address first keeps the key unambiguous whatever the subject. */
const pairKey = (subject: string, address: string) => `p:${address} ${subject}`;
