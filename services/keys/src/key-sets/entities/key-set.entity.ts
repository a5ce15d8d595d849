import type { KeyAlgorithm, KeyPurpose } from '@gatehouse/contracts';
import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A key set: one purpose, the platform's (tenantId null) or one tenant's, with its rotation policy. */
@Entity({ name: 'key_sets' })
export class KeySetEntity {
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ type: 'text' })
  purpose!: KeyPurpose;

  @Column({ name: 'tenant_id', type: 'text', nullable: true })
  tenantId!: string | null;

  @Column({ type: 'text' })
  alg!: KeyAlgorithm;

  @Column({ name: 'rsa_modulus_length', type: 'integer' })
  rsaModulusLength!: number;

  @Column({ name: 'rotation_period_seconds', type: 'integer' })
  rotationPeriodSeconds!: number;

  @Column({ name: 'lead_time_seconds', type: 'integer' })
  leadTimeSeconds!: number;

  @Column({ name: 'retire_window_seconds', type: 'integer' })
  retireWindowSeconds!: number;

  @Column({ name: 'destroy_after_seconds', type: 'integer' })
  destroyAfterSeconds!: number;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
