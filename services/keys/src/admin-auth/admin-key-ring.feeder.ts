import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { VerificationKeyRing } from '@gatehouse/auth';
import type { Logger } from '@gatehouse/observability';
import { LOGGER } from '@gatehouse/platform';
import { KeyChangeListener } from '../changes/key-change.listener';
import { KeySetsRepository } from '../key-sets/key-sets.repository';

const iso = (date: Date | null) => (date ? date.toISOString() : null);

/**
 * Feeds the ring that verifies admin tokens straight from this service's own tables (it is
 * the source of every signing key), loaded at bootstrap and refreshed on each committed key change.
 */
@Injectable()
export class AdminKeyRingFeeder implements OnApplicationBootstrap {
  readonly ring = new VerificationKeyRing();
  private readonly known = new Set<string>();
  private refreshing: Promise<void> | null = null;
  private again = false;

  constructor(
    private readonly keys: KeySetsRepository,
    changes: KeyChangeListener,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    changes.subscribe(() => void this.refresh());
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.refresh();
  }

  /** Reloads every signing key; concurrent calls coalesce into at most one more reload. */
  refresh(): Promise<void> {
    if (this.refreshing) {
      this.again = true;
      return this.refreshing;
    }
    this.refreshing = this.load()
      .catch((error: unknown) => this.logger.warn({ err: error }, 'admin key ring refresh failed'))
      .finally(() => {
        this.refreshing = null;
        if (this.again) {
          this.again = false;
          void this.refresh();
        }
      });
    return this.refreshing;
  }

  private async load(): Promise<void> {
    const sets = new Map((await this.keys.listSets()).filter((set) => set.purpose === 'access-token-signing').map((set) => [set.id, set]));
    const seen = new Set<string>();
    for (const set of sets.values()) {
      for (const key of await this.keys.keysOfSet(set.id, { states: ['pending', 'active', 'retiring', 'revoked'] })) {
        seen.add(key.kid);
        this.known.add(key.kid);
        this.ring.apply(
          {
            kid: key.kid,
            keySetId: set.id,
            purpose: set.purpose,
            tenantId: set.tenantId,
            alg: key.alg,
            state: key.state,
            publicJwk: key.publicJwk,
            privateKey: null,
            activatesAt: key.activatesAt.toISOString(),
            retiresAt: iso(key.retiresAt),
            verifiableUntil: iso(key.verifiableUntil),
            createdAt: key.createdAt.toISOString(),
          },
          key.kid,
        );
      }
    }
    for (const kid of [...this.known]) {
      if (seen.has(kid)) continue;
      this.ring.apply(null, kid);
      this.known.delete(kid);
    }
  }
}
