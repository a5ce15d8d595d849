import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * One refresh token of a rotation family. Only the SHA-256 of the opaque token is stored.
 * A token is used once: rotating sets `rotatedAt`; presenting a rotated token again is
 * reuse and revokes the whole family.
 */
@Entity({ name: 'refresh_tokens' })
export class RefreshToken {
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ name: 'family_id', type: 'text' })
  familyId!: string;

  @Column({ name: 'token_hash', type: 'text' })
  tokenHash!: string;

  @Column({ name: 'tenant_id', type: 'text' })
  tenantId!: string;

  @Column({ name: 'client_id', type: 'text' })
  clientId!: string;

  @Column({ type: 'text' })
  subject!: string;

  @Column({ type: 'text' })
  scope!: string;

  @Column({ type: 'jsonb' })
  audiences!: string[];

  @Column({ name: 'issued_at', type: 'timestamptz' })
  issuedAt!: Date;

  /** The family's absolute expiry; rotation does not extend it. */
  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ name: 'rotated_at', type: 'timestamptz', nullable: true })
  rotatedAt!: Date | null;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;

  /** The access token issued with this refresh token, revoked with the family. */
  @Column({ name: 'access_jti', type: 'text' })
  accessJti!: string;

  @Column({ name: 'access_expires_at', type: 'timestamptz' })
  accessExpiresAt!: Date;
}
