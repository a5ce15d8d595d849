import type { KeyEntity } from './entities/key.entity';
import type { KeySetEntity } from './entities/key-set.entity';

const iso = (date: Date | null) => (date ? date.toISOString() : null);

/** A key set as the admin API shows it. */
export function keySetView(set: KeySetEntity, keys?: readonly KeyEntity[]) {
  return {
    id: set.id,
    purpose: set.purpose,
    tenantId: set.tenantId,
    policy: {
      alg: set.alg,
      rsaModulusLength: set.rsaModulusLength,
      rotationPeriodSeconds: set.rotationPeriodSeconds,
      leadTimeSeconds: set.leadTimeSeconds,
      retireWindowSeconds: set.retireWindowSeconds,
      destroyAfterSeconds: set.destroyAfterSeconds,
    },
    createdAt: set.createdAt.toISOString(),
    updatedAt: set.updatedAt.toISOString(),
    ...(keys ? { activeKid: keys.find((key) => key.state === 'active')?.kid ?? null, pendingKid: keys.find((key) => key.state === 'pending')?.kid ?? null } : {}),
  };
}

/**
 * A key as the admin API shows it: public JWK (kept after destruction, for forensics), state
 * and dates. Never the private part.
 */
export function keyView(key: KeyEntity) {
  return {
    kid: key.kid,
    keySetId: key.keySetId,
    alg: key.alg,
    state: key.state,
    publicJwk: key.publicJwk,
    masterKeyId: key.masterKeyId,
    createdAt: key.createdAt.toISOString(),
    activatesAt: key.activatesAt.toISOString(),
    retiresAt: iso(key.retiresAt),
    verifiableUntil: iso(key.verifiableUntil),
    retiredAt: iso(key.retiredAt),
    revokedAt: iso(key.revokedAt),
    revocationReason: key.revocationReason,
    destroyedAt: iso(key.destroyedAt),
  };
}
