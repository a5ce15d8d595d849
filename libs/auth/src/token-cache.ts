import type { VerifiedToken } from './verified-token';

export interface CacheEntry {
  readonly token: VerifiedToken;
  /** Epoch ms; the entry is never served at or after this instant. */
  readonly validUntil: number;
  /** Second-chance bit of the clock eviction. */
  referenced: boolean;
}

/**
 * Bounded map from token hash to verified token with second-chance ("clock") eviction: a hit
 * only sets a bit, and eviction walks from the oldest entry, dropping expired or unreferenced
 * entries and giving referenced ones another round.
 */
export class VerifiedTokenCache {
  private readonly entries = new Map<string, CacheEntry>();

  constructor(readonly capacity: number) {}

  get(key: string): CacheEntry | undefined {
    const entry = this.entries.get(key);
    if (entry !== undefined) entry.referenced = true;
    return entry;
  }

  set(key: string, token: VerifiedToken, validUntil: number, now: number): void {
    if (this.capacity <= 0) return;
    if (!this.entries.has(key) && this.entries.size >= this.capacity) this.evict(now);
    this.entries.set(key, { token, validUntil, referenced: false });
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  /** Removes every entry the predicate selects; returns how many. */
  purge(predicate: (token: VerifiedToken) => boolean): number {
    let removed = 0;
    for (const [key, entry] of this.entries) {
      if (predicate(entry.token)) {
        this.entries.delete(key);
        removed += 1;
      }
    }
    return removed;
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }

  private evict(now: number): void {
    for (const [key, entry] of this.entries) {
      this.entries.delete(key);
      if (entry.validUntil > now && entry.referenced) {
        entry.referenced = false;
        this.entries.set(key, entry);
        continue;
      }
      return;
    }
  }
}
