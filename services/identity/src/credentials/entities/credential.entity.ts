import type { JSONWebKeySet } from 'jose';
import { Column, Entity, PrimaryColumn } from 'typeorm';

export type CredentialKind = 'client_secret' | 'private_key_jwt';

/** A way for an application to authenticate at the token endpoint. */
@Entity({ name: 'credentials' })
export class Credential {
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ name: 'application_id', type: 'text' })
  applicationId!: string;

  @Column({ name: 'tenant_id', type: 'text' })
  tenantId!: string;

  @Column({ type: 'text' })
  kind!: CredentialKind;

  /** client_secret: hex HMAC-SHA-256 of the secret under the server pepper. */
  @Column({ name: 'secret_hash', type: 'text', nullable: true })
  secretHash!: string | null;

  /** client_secret: last characters, to tell secrets apart in listings. */
  @Column({ type: 'text', nullable: true })
  hint!: string | null;

  /** private_key_jwt: the client's public keys. */
  @Column({ type: 'jsonb', nullable: true })
  jwks!: JSONWebKeySet | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  expiresAt!: Date | null;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;
}
