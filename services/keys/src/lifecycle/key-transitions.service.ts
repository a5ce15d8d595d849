import { Injectable } from '@nestjs/common';
import type { EventData, KeyStateName, KeyStateV1, KeyTransitionedV1 } from '@gatehouse/contracts';
import type { EntityManager } from 'typeorm';
import type { Actor } from '../audit/actor';
import { AuditRepository } from '../audit/audit.repository';
import { KeyEntity } from '../key-sets/entities/key.entity';
import type { KeySetEntity } from '../key-sets/entities/key-set.entity';
import { KeySetsRepository } from '../key-sets/key-sets.repository';
import { KeyEventsOutbox } from '../publication/key-events.outbox';
import { KeyMaterialService } from './key-material.service';

type Reason = EventData<typeof KeyTransitionedV1>['reason'];

const plus = (date: Date, seconds: number) => new Date(date.getTime() + seconds * 1000);
const iso = (date: Date | null) => (date ? date.toISOString() : null);

/**
 * Applies key state transitions. Each one, inside the caller's transaction, updates the key
 * row, appends an audit entry, stages `KeyTransitionedV1` and the key's new `KeyStateV1` (or
 * its tombstone) in the outbox, and announces the change to JWKS caches.
 */
@Injectable()
export class KeyTransitions {
  constructor(
    private readonly keys: KeySetsRepository,
    private readonly audit: AuditRepository,
    private readonly material: KeyMaterialService,
    private readonly outbox: KeyEventsOutbox,
  ) {}

  /** Generates a key for the set, wrapped under the master key, as `active` (a platform set's first key) or `pending`. */
  async create(manager: EntityManager, set: KeySetEntity, state: 'active' | 'pending', activatesAt: Date, now: Date, actor: Actor): Promise<KeyEntity> {
    const generated = await this.material.generate(set);
    const key = await this.keys.insertKey(manager, {
      kid: generated.kid,
      keySetId: set.id,
      alg: set.alg,
      state,
      publicJwk: generated.publicJwk,
      masterKeyId: generated.wrapped.keyId,
      wrappedPrivateKey: generated.wrapped.data,
      activationReason: 'scheduled',
      createdAt: now,
      activatesAt,
      retiresAt: null,
      verifiableUntil: null,
      retiredAt: null,
      revokedAt: null,
      revocationReason: null,
      destroyedAt: null,
    });
    await this.record(manager, set, key, null, 'created', now, actor, { activatesAt: activatesAt.toISOString(), masterKeyId: generated.wrapped.keyId });
    return key;
  }

  /** The pending key takes over; the previous active key (if any) starts retiring. */
  async activate(manager: EntityManager, set: KeySetEntity, pending: KeyEntity, previous: KeyEntity | null, now: Date, actor: Actor, reason: Reason): Promise<void> {
    if (previous) {
      previous.state = 'retiring';
      previous.retiresAt = now;
      previous.verifiableUntil = plus(now, set.retireWindowSeconds);
      await this.record(manager, set, previous, 'active', reason, now, actor, { successor: pending.kid, verifiableUntil: previous.verifiableUntil.toISOString() });
    }
    pending.state = 'active';
    pending.activatesAt = now;
    await this.record(manager, set, pending, 'pending', reason, now, actor, previous ? { predecessor: previous.kid } : {});
  }

  /** A retiring key's verification window has passed: it leaves the JWKS and the state topic. */
  async expire(manager: EntityManager, set: KeySetEntity, key: KeyEntity, now: Date, actor: Actor): Promise<void> {
    key.state = 'retired';
    key.retiredAt = now;
    await this.record(manager, set, key, 'retiring', 'expired', now, actor);
  }

  /** Wipes the wrapped private key. */
  async destroy(manager: EntityManager, set: KeySetEntity, key: KeyEntity, now: Date, actor: Actor, reason: Reason = 'destroyed'): Promise<void> {
    const from = key.state;
    key.state = 'destroyed';
    key.destroyedAt = now;
    key.wrappedPrivateKey = null;
    key.masterKeyId = null;
    await this.record(manager, set, key, from, reason, now, actor);
  }

  /** Emergency: the key is refused from now on, everywhere. */
  async revoke(manager: EntityManager, set: KeySetEntity, key: KeyEntity, now: Date, actor: Actor, reasonText: string): Promise<void> {
    const from = key.state;
    key.state = 'revoked';
    key.revokedAt = now;
    key.revocationReason = reasonText;
    key.verifiableUntil = now;
    if (from === 'active') key.retiresAt = now;
    await this.record(manager, set, key, from, 'emergency', now, actor, { reason: reasonText });
    await this.outbox.revoked(manager, { ...this.identity(set, key), revokedAt: now.toISOString(), reason: reasonText });
  }

  /** Moves a pending key's activation (manual rotation, policy change); no state transition. */
  async reschedule(manager: EntityManager, set: KeySetEntity, key: KeyEntity, activatesAt: Date, now: Date, actor: Actor, activationReason: 'scheduled' | 'manual'): Promise<void> {
    const previous = key.activatesAt;
    key.activatesAt = activatesAt;
    key.activationReason = activationReason;
    await this.keys.saveKey(manager, key);
    await this.audit.record(manager, {
      at: now,
      actor,
      action: 'key.rescheduled',
      tenantId: set.tenantId,
      keySetId: set.id,
      kid: key.kid,
      details: { from: previous.toISOString(), to: activatesAt.toISOString(), activationReason },
    });
    await this.outbox.state(manager, await this.stateOf(set, key));
    await this.keys.announceChange(manager, set.id);
  }

  /** The `KeyStateV1` record of a key, with its private part wrapped for its recipient when it may travel. */
  async stateOf(set: KeySetEntity, key: KeyEntity): Promise<EventData<typeof KeyStateV1>> {
    return {
      ...this.identity(set, key),
      state: key.state,
      publicJwk: key.publicJwk,
      privateKey: await this.material.forTransport(set, key),
      activatesAt: key.activatesAt.toISOString(),
      retiresAt: iso(key.retiresAt),
      verifiableUntil: iso(key.verifiableUntil),
      createdAt: key.createdAt.toISOString(),
    };
  }

  private identity(set: KeySetEntity, key: KeyEntity) {
    return { kid: key.kid, keySetId: set.id, purpose: set.purpose, tenantId: set.tenantId, alg: key.alg };
  }

  private async record(
    manager: EntityManager,
    set: KeySetEntity,
    key: KeyEntity,
    from: KeyStateName | null,
    reason: Reason,
    now: Date,
    actor: Actor,
    details: Record<string, unknown> = {},
  ): Promise<void> {
    if (from !== null) await this.keys.saveKey(manager, key);
    await this.audit.record(manager, { at: now, actor, action: `key.${key.state}`, tenantId: set.tenantId, keySetId: set.id, kid: key.kid, details: { from, reason, ...details } });
    await this.outbox.transitioned(manager, { ...this.identity(set, key), from, to: key.state, reason, at: now.toISOString() });
    if (this.leavesStateTopic(from, key.state)) await this.outbox.tombstone(manager, key.kid);
    else if (key.state !== 'destroyed' && key.state !== 'retired') await this.outbox.state(manager, await this.stateOf(set, key));
    await this.keys.announceChange(manager, set.id);
  }

  /** Retired keys are tombstoned when they retire; revoked or discarded ones when destroyed. */
  private leavesStateTopic(from: KeyStateName | null, to: KeyStateName): boolean {
    return to === 'retired' || (to === 'destroyed' && from !== 'retired');
  }
}
