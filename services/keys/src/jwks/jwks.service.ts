import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { keyPurposes, publicJwkSchema } from '@gatehouse/contracts';
import { KeyChangeListener } from '../changes/key-change.listener';
import { Clock } from '../clock/clock';
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

interface SetsView {
  sets: KeySetEntity[];
  /** When each set's first key became active. */
  firstActivations: Map<string, Date>;
}

/**
 * Serialized JWKS documents, cached in memory per set combination and dropped on every key
 * change (from any replica) so that serving one is a Map lookup.
 */
@Injectable()
export class JwksService {
  private sets: Cached<SetsView> | null = null;
  private readonly documents = new Map<string, Cached<JwksDocument>>();

  constructor(
    private readonly keys: KeySetsRepository,
    private readonly clock: Clock,
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
   * purpose it has one for, the platform set for the others. While a tenant set's first key is
   * still pending, and for the platform's retire window after it activates, the platform set is
   * listed too: until then tokens of the tenant were (or may still be) signed with platform keys.
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

  private allSets(): Promise<SetsView> {
    if (this.sets && performance.now() - this.sets.at < MAX_AGE_MS) return this.sets.value;
    const entry = { value: Promise.all([this.keys.listSets(), this.keys.firstActivations()]).then(([sets, firstActivations]) => ({ sets, firstActivations })), at: performance.now() };
    this.sets = entry;
    entry.value.catch(() => this.sets === entry && (this.sets = null));
    return entry.value;
  }

  private select({ sets, firstActivations }: SetsView, tenantId: string | null): KeySetEntity[] {
    const now = this.clock.now().getTime();
    return keyPurposes.flatMap((purpose) => {
      const own = tenantId === null ? undefined : sets.find((set) => set.purpose === purpose && set.tenantId === tenantId);
      const platform = sets.find((set) => set.purpose === purpose && set.tenantId === null);
      if (!own) return platform ? [platform] : [];
      const firstActivation = firstActivations.get(own.id);
      const platformStillSigned = platform && (!firstActivation || now < firstActivation.getTime() + platform.retireWindowSeconds * 1000);
      return platformStillSigned ? [own, platform] : [own];
    });
  }

  private async build(setIds: readonly string[]): Promise<JwksDocument> {
    const keys = await this.keys.publishedKeysOf(setIds);
    // Parsing with the strict public schema guarantees that no private member can ever be served.
    const body = JSON.stringify({ keys: keys.map((key) => publicJwkSchema.parse(key.publicJwk)) });
    return { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 32)}"` };
  }
}
