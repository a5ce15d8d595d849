import { Inject, Injectable } from '@nestjs/common';
import type { RevocationState, RevocationStore } from '@gatehouse/auth';
import { RevocationStateV1, TokenRevokedV1 } from '@gatehouse/contracts';
import { Outbox } from '@gatehouse/messaging';
import { DataSource, type EntityManager } from 'typeorm';
import { Clock } from '../common/clock';
import type { IdentityConfig } from '../config/identity-config';
import { IDENTITY_CONFIG } from '../core/identity-core.module';

export const REVOCATION_STORE = Symbol('REVOCATION_STORE');
export const EVENT_SOURCE = '/gatehouse/identity';

export type RevocationTarget =
  | { kind: 'token'; tenantId: string; jti: string; applicationId: string | null; expiresAt: Date }
  | { kind: 'application'; tenantId: string; applicationId: string }
  | { kind: 'subject'; tenantId: string; subject: string };

/**
 * Revocations become `TokenRevokedV1` events and `RevocationStateV1` records on the compacted
 * topic, through the outbox of the transaction that caused them. This replica also applies
 * them to its own store at once, so introspection agrees before the topic round trip.
 */
@Injectable()
export class RevocationsService {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(REVOCATION_STORE) private readonly store: RevocationStore,
    private readonly clock: Clock,
    @Inject(IDENTITY_CONFIG) private readonly config: IdentityConfig,
  ) {}

  /** Stages the events in `manager`'s transaction; call `applyLocally` with the result after commit. */
  async stage(manager: EntityManager, target: RevocationTarget, reason: string): Promise<RevocationState> {
    const now = this.clock.date();
    // Every token issued before `now` has expired once the longest lifetime has passed.
    const horizon = new Date(now.getTime() + (Math.max(this.config.ACCESS_TOKEN_TTL_SECONDS, this.config.ADMIN_TOKEN_TTL_SECONDS) + 60) * 1000);
    const state: RevocationState = {
      revocationId:
        target.kind === 'token' ? `jti:${target.jti}` : target.kind === 'application' ? `app:${target.applicationId}` : `sub:${target.tenantId}:${target.subject}`,
      tenantId: target.tenantId,
      kind: target.kind,
      jti: target.kind === 'token' ? target.jti : null,
      applicationId: target.kind === 'subject' ? null : target.applicationId,
      subject: target.kind === 'subject' ? target.subject : null,
      issuedBefore: target.kind === 'token' ? null : now.toISOString(),
      expiresAt: (target.kind === 'token' ? target.expiresAt : horizon).toISOString(),
      reason: reason.slice(0, 500),
      revokedAt: now.toISOString(),
    };
    const { revokedAt, ...fields } = state;
    await Outbox.add(manager, TokenRevokedV1, { ...fields, at: revokedAt }, { source: EVENT_SOURCE });
    await Outbox.add(manager, RevocationStateV1, state, { source: EVENT_SOURCE });
    return state;
  }

  applyLocally(states: readonly RevocationState[]): void {
    for (const state of states) this.store.applyRevocation(state, state.revocationId);
  }

  /** One revocation in its own transaction. */
  async revoke(target: RevocationTarget, reason: string): Promise<RevocationState> {
    const state = await this.dataSource.transaction((manager) => this.stage(manager, target, reason));
    this.applyLocally([state]);
    return state;
  }
}
