import type { KeyAlgorithm, KeyStateName, PublicJwk } from '@gatehouse/contracts';
import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One key version of a set. The private part is only ever stored wrapped by the key vault. */
@Entity({ name: 'keys' })
export class KeyEntity {
  @PrimaryColumn({ type: 'text' })
  kid!: string;

  @Column({ name: 'key_set_id', type: 'text' })
  keySetId!: string;

  @Column({ type: 'text' })
  alg!: KeyAlgorithm;

  @Column({ type: 'text' })
  state!: KeyStateName;

  @Column({ name: 'public_jwk', type: 'jsonb' })
  publicJwk!: PublicJwk;

  /** KEK version that wrapped the private key; null once destroyed. */
  @Column({ name: 'master_key_id', type: 'text', nullable: true })
  masterKeyId!: string | null;

  @Column({ name: 'wrapped_private_key', type: 'bytea', nullable: true })
  wrappedPrivateKey!: Buffer | null;

  /** Why the pending key will be activated: `scheduled`, or `manual` once an admin asked for it. */
  @Column({ name: 'activation_reason', type: 'text', default: 'scheduled' })
  activationReason!: 'scheduled' | 'manual';

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  /** Planned activation while pending; actual activation afterwards. */
  @Column({ name: 'activates_at', type: 'timestamptz' })
  activatesAt!: Date;

  @Column({ name: 'retires_at', type: 'timestamptz', nullable: true })
  retiresAt!: Date | null;

  @Column({ name: 'verifiable_until', type: 'timestamptz', nullable: true })
  verifiableUntil!: Date | null;

  @Column({ name: 'retired_at', type: 'timestamptz', nullable: true })
  retiredAt!: Date | null;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;

  @Column({ name: 'revocation_reason', type: 'text', nullable: true })
  revocationReason!: string | null;

  @Column({ name: 'destroyed_at', type: 'timestamptz', nullable: true })
  destroyedAt!: Date | null;
}
