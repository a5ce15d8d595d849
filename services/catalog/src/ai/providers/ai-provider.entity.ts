import type { AiProviderType } from '@gatehouse/contracts';
import { Column, Entity, PrimaryColumn } from 'typeorm';

/** An AI provider endpoint of a tenant. The credential is stored only wrapped by the key vault. */
@Entity({ name: 'ai_providers' })
export class AiProviderEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'tenant_id', type: 'text' })
  tenantId!: string;

  @Column({ name: 'team_id', type: 'text' })
  teamId!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  type!: AiProviderType;

  @Column({ name: 'base_url', type: 'text' })
  baseUrl!: string;

  @Column({ name: 'api_version', type: 'text', nullable: true })
  apiVersion!: string | null;

  @Column({ type: 'text', nullable: true })
  deployment!: string | null;

  /** Vault blob of the credential (AES-256-GCM under the master key `credentialKeyId`). */
  @Column({ name: 'credential_ciphertext', type: 'bytea', nullable: true })
  credentialCiphertext!: Buffer | null;

  @Column({ name: 'credential_key_id', type: 'text', nullable: true })
  credentialKeyId!: string | null;

  /** `sha256:` and the first 12 hex digits of the credential's SHA-256, to tell credentials apart. */
  @Column({ name: 'credential_fingerprint', type: 'text', nullable: true })
  credentialFingerprint!: string | null;

  @Column({ name: 'credential_updated_at', type: 'timestamptz', nullable: true })
  credentialUpdatedAt!: Date | null;

  /** Transport secret the last published state was wrapped with; a change of secret republishes. */
  @Column({ name: 'transport_secret_id', type: 'text', nullable: true })
  transportSecretId!: string | null;

  @Column({ name: 'created_by', type: 'text' })
  createdBy!: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
