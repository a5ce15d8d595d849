import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { keyPurposes, publicJwkSchema } from '@gatehouse/contracts';
import { KeyChangeListener } from '../changes/key-change.listener';
import type { KeySetEntity } from '../key-sets/entities/key-set.entity';
import { KeySetsRepository } from '../key-sets/key-sets.repository';

export interface JwksDocument {
  body: string;
  etag: string;
}

/** Longest an in-memory JWKS is served without a change notification (safety net only). */
const MAX_AGE_MS = 5_000;

interface Cached<T> {
  value: Promise<T>;
  at: number;
}

/**
 * Serialized JWKS documents, cached in memory per set combination and dropped on every key
 * change (from any replica) so that serving one is a Map lookup.
 */
@Injectable()
export class JwksService {
  private sets: Cached<KeySetEntity[]> | null = null;
  private readonly documents = new Map<string, Cached<JwksDocument>>();

  constructor(
    private readonly keys: KeySetsRepository,
    changes: KeyChangeListener,
  ) {
    changes.subscribe(() => this.invalidate());
  }

  invalidate(): void {
    this.sets = null;
    this.documents.clear();
  }

  /**
   * The JWKS of the platform (tenantId null) or of a tenant: the tenant's own set for each
   * purpose it has one for, the platform set for the others.
   */
  async document(tenantId: string | null): Promise<JwksDocument> {
    const setIds = this.select(await this.allSets(), tenantId).map((set) => set.id);
    const cacheKey = setIds.join(',');
    const cached = this.documents.get(cacheKey);
    if (cached && performance.now() - cached.at < MAX_AGE_MS) return cached.value;
    const entry = { value: this.build(setIds), at: performance.now() };
    this.documents.set(cacheKey, entry);
    entry.value.catch(() => this.documents.get(cacheKey) === entry && this.documents.delete(cacheKey));
    return entry.value;
  }

  private allSets(): Promise<KeySetEntity[]> {
    if (this.sets && performance.now() - this.sets.at < MAX_AGE_MS) return this.sets.value;
    const entry = { value: this.keys.listSets(), at: performance.now() };
    this.sets = entry;
    entry.value.catch(() => this.sets === entry && (this.sets = null));
    return entry.value;
  }

  private select(sets: readonly KeySetEntity[], tenantId: string | null): KeySetEntity[] {
    return keyPurposes.flatMap((purpose) => {
      const own = tenantId === null ? undefined : sets.find((set) => set.purpose === purpose && set.tenantId === tenantId);
      const chosen = own ?? sets.find((set) => set.purpose === purpose && set.tenantId === null);
      return chosen ? [chosen] : [];
    });
  }

  private async build(setIds: readonly string[]): Promise<JwksDocument> {
    const keys = await this.keys.publishedKeysOf(setIds);
    // Parsing with the strict public schema guarantees that no private member can ever be served.
    const body = JSON.stringify({ keys: keys.map((key) => publicJwkSchema.parse(key.publicJwk)) });
    return { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 32)}"` };
  }
}
